"""The framework floor: a minimal python-telegram-bot echo bot, for the baseline.

It answers each message with its own text and each button with an empty answer,
through the same emulator, so Omkijkbot's cost per update can be read as a ratio.
PTB's default transport (httpx) unless ``ECHO_TRANSPORT=aiohttp``.
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(update.effective_message.text)


async def tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer()


def main() -> None:
    builder = (
        Application.builder()
        .token(os.environ["TELEGRAM_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_URL"])
    )
    if os.environ.get("ECHO_TRANSPORT") == "aiohttp":
        # The same floor on Omkijkbot's own transport: shows what the transport saves.
        from bot.transport import over_aiohttp

        builder = over_aiohttp(builder)
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.add_handler(CallbackQueryHandler(tap))
    application.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0)


if __name__ == "__main__":
    main()
