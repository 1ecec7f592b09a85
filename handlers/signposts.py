"""The wegwijzer: the circle's own list of where to go (wijkteam, huisarts, buurtkamer)."""

from __future__ import annotations

import html
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from core.callbacks import Choice, Codec, Int
from core.i18n import I18n
from domain.policy import Action, may
from domain.records import Circle, Member
from handlers.buttons import decoded
from handlers.context import OmkijkContext
from handlers.menu import MENU_SIGNPOSTS, OPEN_BY_LINK, menu_filter
from handlers.picker import CIRCLE_PURPOSES, choose_circle, membership_for
from handlers.wizard import Wizard, answer_stale, typed
from services import circles as membership

log = logging.getLogger(__name__)


SIGNPOST_ACTION = Codec(
    "ww", Choice("action", ("add", "rm")), Int("circle"), Int("signpost"), optional=1
)


SIGNPOST = "signpost"  # adding a wegwijzer line


class SignpostWizard(Wizard):
    flow = SIGNPOST
    prefix = "sp"
    first = "text"

    async def step_text(self, update: Update, context: OmkijkContext, state: dict) -> None:
        await self.ask(
            update,
            context,
            state,
            context.t.gettext(
                "Type the line for the wegwijzer, for example: “Wijkteam Zandweerd: 0570 123 456, "
                "weekdays 9-12”."
            ),
            [],
        )

    async def text_text(self, update: Update, context: OmkijkContext, state: dict) -> None:
        text = await typed(update, context, 300)
        store = context.services.store
        me = await store.member_of(state["circle_id"], update.effective_user.id)
        _ = context.t.gettext
        if not text:
            await update.effective_message.reply_text(_("Please type a few words."))
            return
        if not await membership.add_signpost(store, me, state["circle_id"], text):
            await context.services.people.clear_draft(update.effective_user.id)
            await update.effective_message.reply_text(_("This is not possible for you (any more)."))
            return
        circle = await store.circle(state["circle_id"])
        await _show_signposts(update, context, circle, me)


SIGNPOST_WIZARD = SignpostWizard()


async def signposts_command(update: Update, context: OmkijkContext) -> None:
    chosen = await choose_circle(update, context, "wegwijzer", Action.SEE_SIGNPOSTS)
    if chosen:
        await _show_signposts(update, context, *chosen)


async def _show_signposts(
    update: Update, context: OmkijkContext, circle: Circle, me: Member
) -> None:
    _ = context.t.gettext
    entries = await context.services.store.signposts(circle.id)
    lines = [_("🧭 <b>Where to go</b> — {circle}", circle=circle.title)]
    if entries:
        lines += [f"• {html.escape(text)}" for _id, text in entries]
    else:
        lines.append(_("Nothing here yet. The voorzitter or the professional can add lines."))
    lines.append("\n" + _("In an emergency: call 112."))
    buttons = []
    if may(me, Action.EDIT_SIGNPOSTS, circle):
        buttons.append(
            [
                InlineKeyboardButton(
                    _("➕ Add a line"), callback_data=SIGNPOST_ACTION.encode("add", circle.id)
                )
            ]
        )
        buttons += [
            [
                InlineKeyboardButton(
                    "🗑 " + text[:30],
                    callback_data=SIGNPOST_ACTION.encode("rm", circle.id, entry_id),
                )
            ]
            for entry_id, text in entries
        ]
    await update.effective_message.reply_text(
        "\n".join(lines), reply_markup=InlineKeyboardMarkup(buttons) if buttons else None
    )


async def signpost_button(update: Update, context: OmkijkContext) -> None:
    query = update.callback_query
    values = await decoded(update, context, SIGNPOST_ACTION)
    if values is None:
        return
    what, circle_id, signpost_id = values
    allowed = await membership_for(update, context, circle_id, Action.EDIT_SIGNPOSTS)
    if allowed is None:
        return
    circle, me = allowed
    if what == "add":
        await query.answer()
        await SIGNPOST_WIZARD.begin(update, context, {"circle_id": circle.id})
        return
    if not await membership.remove_signpost(context.services.store, circle, signpost_id or 0):
        await answer_stale(update, context)
        return
    await query.answer(context.t.gettext("Removed."), show_alert=True)
    await _show_signposts(update, context, circle, me)


def register(application: Application, i18n: I18n) -> None:
    CIRCLE_PURPOSES["wegwijzer"] = (Action.SEE_SIGNPOSTS, _show_signposts)
    OPEN_BY_LINK["wegwijzer"] = signposts_command
    private = filters.ChatType.PRIVATE
    SIGNPOST_WIZARD.register(application)
    application.add_handlers(
        [
            CommandHandler("wegwijzer", signposts_command, filters=private),
            MessageHandler(private & menu_filter(i18n, MENU_SIGNPOSTS), signposts_command),
            CallbackQueryHandler(signpost_button, pattern=SIGNPOST_ACTION.pattern),
        ]
    )
