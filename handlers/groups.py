"""The group becoming a circle, and what Telegram tells of the group: the bot added or
removed, a supergroup migration, people joining or leaving the group."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import Application, ChatMemberHandler, CommandHandler, MessageHandler, filters

from core.i18n import N_
from core.priority import Priority
from domain import circles as rules
from domain.records import Circle
from handlers import common
from handlers.context import OmkijkContext
from handlers.menu import OPEN_BY_LINK, PRIVATE_COMMANDS
from handlers.telling import tell_privately, voorzitters_of
from services import circles as membership
from services.operator import Trouble

log = logging.getLogger(__name__)


def join_button(context: OmkijkContext, circle: Circle) -> InlineKeyboardMarkup:
    _ = context.t.gettext
    url = rules.join_link(context.bot.username, circle.join_code)
    return InlineKeyboardMarkup([[InlineKeyboardButton(_("👋 Join in"), url=url)]])


NEW_LINK = N_("There is a new link to join {circle}. The old one no longer works.")


async def announce_new_link(context: OmkijkContext, circle: Circle) -> None:
    """The group's link was renewed: the group gets the new "Doe mee" button."""
    dutch = context.services.i18n.for_language(None)  # the group reads Dutch
    url = rules.join_link(context.bot.username, circle.join_code)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(dutch.gettext("👋 Join in"), url=url)]])
    await post_to_group(context, circle, dutch.gettext(NEW_LINK, circle=circle.title), markup)


async def post_to_group(
    context: OmkijkContext, circle: Circle, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    if circle.chat_id is None or not circle.active:
        return
    try:
        await context.bot.send_message(circle.chat_id, text, reply_markup=markup)
    except TelegramError:
        log.warning("could not post in the group of circle %s", circle.id, exc_info=True)


async def bot_membership_in_group(update: Update, context: OmkijkContext) -> None:
    change = update.my_chat_member
    if change.chat.type == ChatType.PRIVATE:
        await common.private_membership(update, context)
        return
    store = context.services.store
    present = change.new_chat_member.status in (
        ChatMemberStatus.MEMBER,
        ChatMemberStatus.ADMINISTRATOR,
    )
    was_present = change.old_chat_member.status in (
        ChatMemberStatus.MEMBER,
        ChatMemberStatus.ADMINISTRATOR,
    )
    if present and not was_present:
        result = await membership.register_circle(
            store,
            change.chat.id,
            change.chat.title or "",
            change.from_user.id,
            change.from_user.first_name,
        )
        await context.services.summaries.ensure_scheduled(result.circle.id)
        # Each arrival in the group gets its greeting with the join button (the inbox
        # already makes sure one Telegram update is handled once).
        await _welcome_group(context, result.circle, again=not result.created)
        if result.reactivated:
            await tell_privately(
                context,
                await voorzitters_of(context, result.circle.id),
                N_("Good news: the bot is back in the group of {circle}. Everything is as it was."),
                circle=result.circle.title,
            )
    elif was_present and not present:
        circle = await store.circle_by_chat(change.chat.id)
        if circle is not None and await membership.group_lost(store, circle):
            log.info("bot removed from circle %s", circle.id)
            await context.services.operator.warn(Trouble.GROUP_LOST, circle=circle.title)
            await tell_privately(
                context,
                await voorzitters_of(context, circle.id),
                N_(
                    "The bot was removed from the group of {circle}. Nothing is lost, but the "
                    "circle is paused: no posts in the group. Add the bot to the group again "
                    "to continue."
                ),
                priority=Priority.ALERT,
                circle=circle.title,
            )


async def _welcome_group(context: OmkijkContext, circle: Circle, *, again: bool = False) -> None:
    translator = context.services.i18n.for_language(None)  # the group reads Dutch
    context.use_language(translator.language)
    _ = translator.gettext
    if again:
        text = _(
            "Hello again! I am back, and nothing was lost. New here? Join in with the button below."
        )
    else:
        text = _(
            "Hello everyone! I am Omkijkbot. I help you look out for each other a bit: "
            "asking for help, helping, and now and then asking if all is well.\n\n"
            "Join in with one tap on the button below; we will continue in a private "
            "chat.\n\nIn an emergency: call 112."
        )
    await post_to_group(context, circle, text, join_button(context, circle))


async def start_in_group(update: Update, context: OmkijkContext) -> None:
    chat = update.effective_chat
    user = update.effective_user
    store = context.services.store
    circle = await store.circle_by_chat(chat.id)
    context.use_language(context.services.i18n.for_language(None).language)
    _ = context.t.gettext
    if circle is not None and circle.active:
        await update.effective_message.reply_text(
            _(
                "This group is a circle already: {circle}. Join in with the button.",
                circle=circle.title,
            ),
            reply_markup=join_button(context, circle),
        )
        return
    is_admin = False
    # No sender: an anonymous admin or a channel, nobody to make voorzitter.
    if user is not None:
        try:
            member = await context.bot.get_chat_member(chat.id, user.id)
            is_admin = member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
        except TelegramError:
            is_admin = False
    if not is_admin:
        await update.effective_message.reply_text(
            _(
                "Only an admin of this group can make it a circle. Ask one of them to send "
                "/start here."
            )
        )
        return
    result = await membership.register_circle(
        store, chat.id, chat.title or "", user.id, user.first_name
    )
    await context.services.summaries.ensure_scheduled(result.circle.id)
    await _welcome_group(context, result.circle, again=result.reactivated)


async def command_in_group(update: Update, context: OmkijkContext) -> None:
    """A private command typed in the group (/hulpvraag, /help, ...): never silence, but
    a short answer with a button that goes on in the private chat; someone who has not
    joined the circle yet gets the "Join in" link instead."""
    message = update.effective_message
    user = update.effective_user
    command = (message.text or "").split()[0].lstrip("/").split("@")[0].lower()
    circle = await context.services.store.circle_by_chat(message.chat.id)
    member = (
        await context.services.store.member_of(circle.id, user.id)
        if circle is not None and user is not None
        else None
    )
    _ = context.t.gettext
    if circle is not None and circle.active and not (member and member.consented):
        text = _(
            "Nice that you want to take part! Join the circle first; then we go on in a "
            "private chat. Tap the button."
        )
        markup = join_button(context, circle)
    else:
        text = _(
            "Happy to! Let us go on in a private chat, so the group does not have to read "
            "along. Tap the button."
        )
        url = rules.private_link(context.bot.username, command if command in OPEN_BY_LINK else None)
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton(_("💬 Go to the private chat"), url=url)]]
        )
    await message.reply_text(text, reply_markup=markup)


async def join_first(update: Update, context: OmkijkContext, circle_id: int) -> bool:
    """A circle's button tapped in its own group by someone who has not joined yet: they
    hear how to join ("Join in first", with the link), not a bare "not possible".

    Only in the circle's own group, where the join button is for everyone to see anyway;
    a press anywhere else (forged data) gets the usual refusal: False."""
    query = update.callback_query
    circle = await context.services.store.circle(circle_id)
    if (
        circle is None
        or not circle.active
        or query.message is None
        or query.message.chat.id != circle.chat_id
    ):
        return False
    _ = context.t.gettext
    try:
        await context.bot.send_message(
            update.effective_user.id,
            _(
                "Join {circle} first: tap the button below. Then you can help along.",
                circle=circle.title,
            ),
            reply_markup=join_button(context, circle),
        )
    except TelegramError:
        # Never wrote to the bot (or blocked it): Telegram opens the private chat on the
        # join link itself, with a Start button.
        log.info("user %s not reachable privately; join link opened", update.effective_user.id)
        await query.answer(url=rules.join_link(context.bot.username, circle.join_code))
        return True
    await query.answer(
        _("Join in first! I have sent you a private message with the button."), show_alert=True
    )
    return True


async def group_migrated(update: Update, context: OmkijkContext) -> None:
    """A group became a supergroup: the circle follows with everything in it."""
    message = update.effective_message
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    else:
        old, new = message.migrate_from_chat_id, message.chat.id
    circle = await membership.follow_migration(context.services.store, old, new)
    if circle is not None:
        log.info("circle %s moved from chat %s to %s", circle.id, old, new)


async def group_members_changed(update: Update, context: OmkijkContext) -> None:
    message = update.effective_message
    store = context.services.store
    circle = await store.circle_by_chat(message.chat.id)
    if circle is None:
        return
    if message.left_chat_member and not message.left_chat_member.is_bot:
        # Leaving the group is not leaving the circle: data stays until they say so.
        await membership.seen_in_group(store, circle.id, message.left_chat_member.id, False)
        return
    newcomers = [u for u in message.new_chat_members or () if not u.is_bot]
    unknown = []
    for user in newcomers:
        if await store.member_of(circle.id, user.id) is None:
            unknown.append(user.first_name)
        else:
            await membership.seen_in_group(store, circle.id, user.id, True)
    if unknown:
        _ = context.services.i18n.for_language(None).gettext
        await post_to_group(
            context,
            circle,
            _(
                "Welcome, {names}! Nice that you are here. Tap the button to join the circle.",
                names=", ".join(unknown),
            ),
            join_button(context, circle),
        )


def register(application: Application) -> None:
    groups = filters.ChatType.GROUPS
    application.add_handlers(
        [
            ChatMemberHandler(bot_membership_in_group, ChatMemberHandler.MY_CHAT_MEMBER),
            CommandHandler("start", start_in_group, filters=groups),
            CommandHandler(
                [name for name, _text in PRIVATE_COMMANDS if name != "start"],
                command_in_group,
                filters=groups,
            ),
            MessageHandler(filters.StatusUpdate.MIGRATE, group_migrated),
            MessageHandler(
                groups
                & (filters.StatusUpdate.NEW_CHAT_MEMBERS | filters.StatusUpdate.LEFT_CHAT_MEMBER),
                group_members_changed,
            ),
        ]
    )
