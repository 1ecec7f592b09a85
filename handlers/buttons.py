"""Buttons on the Telegram side: a service's keyboard as Telegram's markup, and the data
of a tapped button read through its codec (a forged or stale one is answered kindly)."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from core.callbacks import Codec, Keyboard
from core.i18n import Translator
from handlers.context import OmkijkContext
from handlers.wizard import answer_stale


def inline(t: Translator, keyboard: Keyboard) -> InlineKeyboardMarkup:
    """Telegram's markup for a keyboard whose labels are msgids."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t.gettext(b.label), callback_data=b.data, url=b.url) for b in row]
            for row in keyboard
        ]
    )


async def decoded(update: Update, context: OmkijkContext, codec: Codec) -> tuple[Any, ...] | None:
    """The tapped button's values, or None after telling the person kindly that this
    button no longer works (forged data, or a button from an older version)."""
    values = codec.decode(update.callback_query.data if update.callback_query else None)
    if values is None:
        await answer_stale(update, context)
    return values
