"""The main menu: big reply-keyboard buttons, so nobody needs to type a command."""

from __future__ import annotations

import re

from telegram import KeyboardButton, ReplyKeyboardMarkup
from telegram.ext import filters

from core.i18n import N_, I18n
from handlers.context import OmkijkContext

MENU_EXPLAIN = N_("❓ What can this bot do?")
MENU_LANGUAGE = N_("🌐 Language")
MENU_CIRCLE = N_("👥 My circle")
MENU_SIGNPOSTS = N_("🧭 Where to go")
MENU_CHECKIN = N_("🕯️ My “All well?”")
MENU_ASK = N_("🙏 I'm looking for help")
MENU_HELP_OTHERS = N_("🤝 I'll help")
MENU_WORRY = N_("💭 I'm worried")


def menu_filter(i18n: I18n, label: str) -> filters.MessageFilter:
    """Matches a menu button's label in any language we speak."""
    texts = {t.gettext(label) for t in i18n.all().values()}
    return filters.Regex("^(" + "|".join(re.escape(text) for text in sorted(texts)) + ")$")


async def main_menu(context: OmkijkContext) -> ReplyKeyboardMarkup:
    """Members see their circle's buttons; everyone sees help and language."""
    _ = context.t.gettext
    rows: list[list[KeyboardButton]] = []
    person = context.person
    if person is not None and any(
        member.consented for _circle, member in await context.services.store.memberships(person.id)
    ):
        rows.append([KeyboardButton(_(MENU_ASK)), KeyboardButton(_(MENU_HELP_OTHERS))])
        rows.append([KeyboardButton(_(MENU_CHECKIN)), KeyboardButton(_(MENU_WORRY))])
        rows.append([KeyboardButton(_(MENU_CIRCLE)), KeyboardButton(_(MENU_SIGNPOSTS))])
    rows.append([KeyboardButton(_(MENU_EXPLAIN)), KeyboardButton(_(MENU_LANGUAGE))])
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)
