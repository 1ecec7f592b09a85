"""Invites: a personal link for a neighbour (or a professional), and withdrawing one."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from core.callbacks import Choice, Codec, Word
from domain import circles as rules
from domain.policy import Action, may
from domain.records import Circle, Member
from handlers.buttons import decoded
from handlers.context import OmkijkContext
from handlers.picker import CIRCLE_PURPOSES, choose_circle
from handlers.wizard import answer_stale
from services import circles as membership

log = logging.getLogger(__name__)


INVITE_REVOKE = Codec("inv", Choice("action", ("rv",)), Word("code"))


async def invite_command(update: Update, context: OmkijkContext) -> None:
    chosen = await choose_circle(update, context, "inv", Action.INVITE_MEMBER)
    if chosen:
        await send_invite(update, context, *chosen, kind="member")


async def send_invite(
    update: Update, context: OmkijkContext, circle: Circle, me: Member, *, kind: str
) -> None:
    _ = context.t.gettext
    invite = await membership.create_invite(
        context.services.store, me, circle, context.services.clock.now(), kind=kind
    )
    if invite is None:
        await update.effective_message.reply_text(_("This is not possible for you (any more)."))
        return
    until = context.t.datetime(invite.expires_at)
    if kind == "professional":
        link = rules.professional_link(context.bot.username, invite.code)
        text = _(
            "Send this link to the professional (for example from the wijkteam). It works "
            "once, until {until}:\n\n{link}",
            until=until,
            link=link,
        )
    else:
        link = rules.join_link(context.bot.username, invite.code)
        text = _(
            "Send this link to your neighbour. It works once, until {until}:\n\n{link}",
            until=until,
            link=link,
        )
    await update.effective_message.reply_text(
        text,
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        _("Withdraw this link"),
                        callback_data=INVITE_REVOKE.encode("rv", invite.code),
                    )
                ]
            ]
        ),
    )


async def revoke_button(update: Update, context: OmkijkContext) -> None:
    query = update.callback_query
    values = await decoded(update, context, INVITE_REVOKE)
    if values is None:
        return
    store = context.services.store
    invite = await store.invite(values[1])
    _ = context.t.gettext
    if invite is None:
        await answer_stale(update, context)
        return
    me = await store.member_of(invite.circle_id, update.effective_user.id)
    if invite.created_by != update.effective_user.id and not may(me, Action.MANAGE_ROLES):
        await query.answer(_("This is not possible for you (any more)."), show_alert=True)
        return
    if await membership.revoke_invite(store, invite):
        await query.answer()
        await query.edit_message_text(_("The link has been withdrawn. It no longer works."))
    else:
        await query.answer(_("This link was already used or withdrawn."), show_alert=True)


async def _send_member_invite(
    update: Update, context: OmkijkContext, circle: Circle, me: Member
) -> None:
    await send_invite(update, context, circle, me, kind="member")


def register(application: Application) -> None:
    CIRCLE_PURPOSES["inv"] = (Action.INVITE_MEMBER, _send_member_invite)
    application.add_handlers(
        [
            CommandHandler("uitnodigen", invite_command, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(revoke_button, pattern=INVITE_REVOKE.pattern),
        ]
    )
