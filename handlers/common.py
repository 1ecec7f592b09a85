"""Start, help, language, and the kind fallbacks for everything the bot does not know."""

from __future__ import annotations

import logging

from telegram import ChatMemberUpdated, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from core.callbacks import Choice, Codec
from core.i18n import LANGUAGES, N_, I18n, normalise_language
from domain.policy import Role
from handlers import free_words
from handlers.buttons import only_group_buttons_in_groups
from handlers.context import OmkijkContext
from handlers.menu import (
    MENU_EXPLAIN,
    MENU_LANGUAGE,
    OPEN_BY_LINK,
    ROLE_HELP,
    main_menu,
    menu_filter,
    roles_of,
)
from handlers.wizard import route_private_message

log = logging.getLogger(__name__)


async def remember_person(update: Update, context: OmkijkContext) -> None:
    """Runs first for every update: know who this is and which language they read."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None and (chat is None or chat.type == ChatType.PRIVATE):
        # Telegram always names the sender in a private chat: an update that does not
        # is forged or broken, and there is nobody to answer.
        log.info("update %s without a sender ignored", update.update_id)
        raise ApplicationHandlerStop
    if user is None or user.is_bot:
        return
    store = context.services.store
    in_private = chat is not None and chat.type == ChatType.PRIVATE
    language = normalise_language(user.language_code)
    known = await store.user(user.id)
    changed = (
        known is None
        or known.first_name != user.first_name
        or (not known.language_chosen and known.language != language)
        or (in_private and not known.reachable and update.my_chat_member is None)
    )
    if changed:
        known = await context.services.people.remember(
            user.id, user.first_name, language, reachable=in_private or None
        )
    context.person = known


async def start_private(update: Update, context: OmkijkContext) -> None:
    _ = context.t.gettext
    name = update.effective_user.first_name if update.effective_user else ""
    text = _(
        "Welcome, {name}! Nice that you are here.\n\n"
        "Omkijkbot helps neighbours look out for each other: ask for help, lend a hand, "
        "and now and then a friendly “All well?”.\n\n"
        "Do you want to join your neighbourhood circle? Open the link you got from your "
        "circle. You do not need to type anything: the buttons below do the work.\n\n"
        "In an emergency: call 112.",
        name=name,
    )
    await update.effective_message.reply_text(text, reply_markup=await main_menu(context))


NEVER_SHARE_PIN = N_("🔒 Never share your PIN or bank card, not even with neighbours.")


async def help_command(update: Update, context: OmkijkContext) -> None:
    """What the bot does, and what the person's own roles add (a professional gets
    their own text only: they ask no help of the circle)."""
    _ = context.t.gettext
    roles = await roles_of(context, update.effective_user.id)
    parts = []
    if roles != {Role.PROFESSIONAL}:
        parts.append(
            _(
                "What this bot does, in short:\n\n"
                "• Ask your neighbours for help: soup, a lift, groceries, or a chat.\n"
                "• Help a neighbour with one tap on “I'll help”.\n"
                "• If you want, a short “All well?” on the days you choose.\n"
                "• A worry goes privately to your circle's contact person.\n\n"
                "Everything works with the buttons. /taal changes the language.\n\n"
                "This bot is no alarm service. In an emergency: call 112."
            )
        )
    parts += [_(ROLE_HELP[role]) for role in (Role.SUPERBUUR, Role.VOORZITTER) if role in roles]
    if Role.PROFESSIONAL in roles:
        parts.append(_(ROLE_HELP[Role.PROFESSIONAL]))
    if roles != {Role.PROFESSIONAL}:
        parts.append(_(NEVER_SHARE_PIN))
    await update.effective_message.reply_text("\n\n".join(parts))


LANGUAGE_CHOSEN = Codec("taal", Choice("language", LANGUAGES))


def language_keyboard(current: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    ("✓ " if code == current else "") + name,
                    callback_data=LANGUAGE_CHOSEN.encode(code),
                )
            ]
            for code, name in LANGUAGES.items()
        ]
    )


async def language_command(update: Update, context: OmkijkContext) -> None:
    _ = context.t.gettext
    await update.effective_message.reply_text(
        _("Which language would you like?"), reply_markup=language_keyboard(context.t.language)
    )


async def language_chosen(update: Update, context: OmkijkContext) -> None:
    query = update.callback_query
    values = LANGUAGE_CHOSEN.decode(query.data)
    if values is None or context.person is None:
        # Button data can be forged: refuse kindly and change nothing.
        await query.answer(context.t.gettext("This button no longer works."), show_alert=True)
        return
    code = values[0]
    await context.services.people.choose_language(context.person.id, code)
    context.use_language(code)
    _ = context.t.gettext
    await query.answer()
    await query.edit_message_text(_("Done: I will write to you in English from now on."))
    await query.message.reply_text(_("Here is your menu."), reply_markup=await main_menu(context))


async def private_membership(update: Update, context: OmkijkContext) -> None:
    """A person blocked or unblocked the bot in their private chat."""
    change: ChatMemberUpdated = update.my_chat_member
    status = change.new_chat_member.status
    blocked = status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT)
    if blocked:
        log.info("user %s blocked the bot", change.from_user.id)
    await context.services.people.set_reachable(change.from_user.id, not blocked)


async def not_understood(update: Update, context: OmkijkContext) -> None:
    """Anything in the private chat no feature claimed: a wizard's answer, or a kind word."""
    if await route_private_message(update, context):
        return
    if await free_words.understood(update, context):
        return
    _ = context.t.gettext
    await update.effective_message.reply_text(
        _("I did not quite understand that. Please use the buttons below, or type /help."),
        reply_markup=await main_menu(context),
    )


async def unknown_button(update: Update, context: OmkijkContext) -> None:
    _ = context.t.gettext
    log.info(
        "unknown or stale button %r from %s",
        update.callback_query.data,
        update.effective_user.id if update.effective_user else "?",
    )
    await update.callback_query.answer(_("This button no longer works."), show_alert=True)


def register(application: Application, i18n: I18n) -> None:
    private = filters.ChatType.PRIVATE
    OPEN_BY_LINK.update(help=help_command, taal=language_command)
    application.add_handler(TypeHandler(Update, only_group_buttons_in_groups), group=-3)
    application.add_handler(TypeHandler(Update, remember_person), group=-1)
    application.add_handlers(
        [
            CommandHandler("help", help_command),
            CommandHandler("taal", language_command, filters=private),
            MessageHandler(private & menu_filter(i18n, MENU_EXPLAIN), help_command),
            MessageHandler(private & menu_filter(i18n, MENU_LANGUAGE), language_command),
            CallbackQueryHandler(language_chosen, pattern=LANGUAGE_CHOSEN.pattern),
        ]
    )


def register_fallbacks(application: Application) -> None:
    """Last: anything no feature claimed gets a kind answer, never silence."""
    # Same group as the features, added after them: only the first match in a
    # group runs, so these answer exactly what nothing else claimed.
    application.add_handlers(
        [
            MessageHandler(filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL, not_understood),
            CallbackQueryHandler(unknown_button),
        ]
    )
