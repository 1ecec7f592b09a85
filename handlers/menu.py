"""The main menu: big reply-keyboard buttons, so nobody needs to type a command."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from telegram import KeyboardButton, ReplyKeyboardMarkup, Update
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

# (command, description) per chat type; descriptions are translated per language.
PRIVATE_COMMANDS = [
    ("start", N_("Start, or show the menu")),
    ("help", N_("What this bot does")),
    ("taal", N_("Choose your language")),
    ("hulpvraag", N_("Ask your neighbours for help")),
    ("helpen", N_("Who would like some help")),
    ("taken", N_("What I help with, and what I asked")),
    ("activiteit", N_("Announce something to do together")),
    ("aanbod", N_("What I can offer, or a break from giving")),
    ("zorgen", N_("I am worried about someone")),
    ("overzicht", N_("Overview: the week, or open worries")),
    ("cirkel", N_("My circle: members and roles")),
    ("waakvlam", N_("My daily “All well?”")),
    ("wegwijzer", N_("Where to go for help")),
    ("uitnodigen", N_("Invite a neighbour")),
    ("mijngegevens", N_("Everything the bot keeps about me")),
    ("vergeetmij", N_("Delete everything about me")),
]
GROUP_COMMANDS = [
    ("help", N_("What this bot does")),
    ("hulpvraag", N_("Ask your neighbours for help")),
]

# Commands a link can open in the private chat (``t.me/<bot>?start=<command>``), so a
# command typed in the group goes on in private with one tap. Features add theirs
# when they register.
OPEN_BY_LINK: dict[str, Callable[[Update, OmkijkContext], Awaitable[None]]] = {}


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
