"""The error handler: log it, tell the person kindly, lose nothing."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop

from handlers.context import OmkijkContext

log = logging.getLogger(__name__)


def chat_is_gone(error: object) -> bool:
    """The person blocked the bot, or Telegram no longer knows the chat: nobody to
    write to, and no bug. The outbox and the error handler both decide it here."""
    return isinstance(error, Forbidden) or (
        isinstance(error, BadRequest) and "chat not found" in error.message.lower()
    )


async def on_error(update: object, context: OmkijkContext) -> None:
    try:
        await _tell(update, context)
    finally:
        # One kind message is enough: no other handler answers this update too.
        raise ApplicationHandlerStop


async def _tell(update: object, context: OmkijkContext) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    if chat_is_gone(context.error):
        log.warning("update %s: the chat cannot be reached (%s)", update_id, context.error)
        return
    log.error("error while handling update %s", update_id, exc_info=context.error)
    inbox = context.services.inbox
    if inbox is not None and update_id is not None:
        inbox.record_failure(update_id, repr(context.error)[:500])
    if not isinstance(update, Update):
        return
    _ = context.t.gettext
    text = _(
        "Sorry, something went wrong on our side. What you sent is kept safe. "
        "Please try again in a moment, or type /help."
    )
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError:
        log.warning("could not tell the user about the error either", exc_info=True)
