"""/mijngegevens and /vergeetmij: see everything the bot keeps, or delete it all."""

from __future__ import annotations

import logging
import secrets

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from core.callbacks import Choice, Codec, Word
from domain.privacy import json_export, readable_export
from handlers import circles
from handlers.context import OmkijkContext
from handlers.menu import refresh_commands
from handlers.wizard import answer_stale
from services import circles as membership

log = logging.getLogger(__name__)


async def my_data(update: Update, context: OmkijkContext) -> None:
    _ = context.t.gettext
    data = await context.services.store.everything_about(update.effective_user.id)
    message = update.effective_message
    await message.reply_text(
        _(
            "Here is everything Omkijkbot keeps about you: a file to read, "
            "and the same in full as a data file."
        )
    )
    await message.reply_document(
        readable_export(data, context.t).encode(), filename="omkijkbot-gegevens.txt"
    )
    await message.reply_document(json_export(data), filename="omkijkbot-gegevens.json")


FORGET_FLOW = "forget"
# The "yes" carries a one-time code: a replayed or made-up one deletes nobody.
FORGET = Codec("forget", Choice("answer", ("yes", "no")), Word("nonce", "[0-9a-f]{12}"))


async def forget_me(update: Update, context: OmkijkContext) -> None:
    _ = context.t.gettext
    # The "yes" only works for this very question: a replayed or made-up
    # "forget:yes" cannot delete anyone.
    nonce = secrets.token_hex(6)
    await context.services.people.save_draft(
        update.effective_user.id, FORGET_FLOW, {"nonce": nonce}
    )
    await update.effective_message.reply_text(
        _(
            "Do you want us to delete everything about you? Your name, your circles, your "
            "“All well?” settings and answers, and your messages. This cannot be undone. You "
            "can always start again later."
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        _("Yes, delete everything"), callback_data=FORGET.encode("yes", nonce)
                    )
                ],
                [InlineKeyboardButton(_("No, keep it"), callback_data=FORGET.encode("no", nonce))],
            ]
        ),
    )


async def forget_button(update: Update, context: OmkijkContext) -> None:
    query = update.callback_query
    _ = context.t.gettext
    store = context.services.store
    user_id = update.effective_user.id
    draft = await store.draft(user_id)
    asked = draft[1].get("nonce") if draft and draft[0] == FORGET_FLOW else None
    answer = FORGET.decode(query.data)
    if answer is None or answer[1] != asked:
        await answer_stale(update, context)
        return
    if answer[0] == "no":
        await context.services.people.clear_draft(user_id)
        await query.answer()
        await query.edit_message_text(_("Fine, nothing was deleted."))
        return
    goodbye = _(
        "Everything about you has been deleted. Take care! You can always start again with /start."
    )
    forgotten = await context.services.people.forget(user_id)
    await context.services.outbox.deliver(context.bot, forgotten.message_ids)
    await query.answer()
    await query.edit_message_text(goodbye)
    await query.message.reply_text("👋", reply_markup=ReplyKeyboardRemove())
    await refresh_commands(context, user_id)  # a role's own command list goes too
    await _blank_posts(context, forgotten.posts)
    # Circles where this person was the only voorzitter need someone new.
    for circle in forgotten.chairless:
        if await membership.chair_candidates(store, circle.id):
            await circles.ask_for_new_chair(context, circle)
    await context.services.people.leave_no_trace()


async def _blank_posts(context: OmkijkContext, posts: list[tuple[int, int]]) -> None:
    """Their requests' posts in the group and in others' chats now say "(deleted)"."""
    for chat_id, message_id in posts:
        reader = await context.services.store.user(chat_id) if chat_id > 0 else None
        t = context.services.i18n.for_language(reader.language if reader else None)
        try:
            await context.bot.edit_message_text(
                t.gettext("(deleted)"), chat_id=chat_id, message_id=message_id
            )
        except TelegramError:
            log.info("could not blank post %s in %s", message_id, chat_id)


def register(application: Application) -> None:
    private = filters.ChatType.PRIVATE
    application.add_handlers(
        [
            CommandHandler("mijngegevens", my_data, filters=private),
            CommandHandler("vergeetmij", forget_me, filters=private),
            CallbackQueryHandler(forget_button, pattern=FORGET.pattern),
        ]
    )
