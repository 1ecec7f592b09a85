"""Buttons on the Telegram side: a service's keyboard as Telegram's markup, and the data
of a tapped button read through its codec (a forged or stale one is answered kindly)."""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from core.callbacks import Codec, Keyboard
from core.i18n import Translator
from domain.activities import ATTENDANCE
from domain.requests import REQUEST_ACTION
from handlers.context import OmkijkContext
from handlers.wizard import answer_stale

log = logging.getLogger(__name__)

# The buttons the bot puts under its posts in a group.
GROUP_BUTTONS = (REQUEST_ACTION, ATTENDANCE)


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


def own_buttons(message: Any) -> set[str]:
    """The data of the buttons a message carries (none for an inaccessible one)."""
    markup = message.reply_markup if isinstance(message, Message) else None
    if markup is None:
        return set()
    return {b.callback_data for row in markup.inline_keyboard for b in row if b.callback_data}


async def only_group_buttons_in_groups(update: Update, context: OmkijkContext) -> None:
    """In a group the bot's posts carry two kinds of button: a request's (🙋 Ik help) and
    an activity's (Ik kom). A press there with any other data was made up (it belongs
    to a private question), and must neither act nor change a post of the circle."""
    query = update.callback_query
    if query is None or query.message is None or query.message.chat.type == ChatType.PRIVATE:
        return
    if any(codec.decode(query.data) is not None for codec in GROUP_BUTTONS):
        return
    log.info(
        "press in group %s by %s with data of a private question: refused",
        query.message.chat.id,
        query.from_user.id,
    )
    await answer_stale(update, context)
    raise ApplicationHandlerStop
