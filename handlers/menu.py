"""The ways into the bot: the main menu (big reply-keyboard buttons, so nobody needs to
type a command), the command lists, and the links that open a command in the private
chat. Each role has its own menu and its own commands; what a role may do is decided
in ``domain/policy.py``, here only what it is shown."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Iterable

from telegram import BotCommand, BotCommandScopeChat, KeyboardButton, ReplyKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import filters

from core.i18n import N_, I18n
from domain.policy import Role, roles_in
from handlers.context import OmkijkContext

log = logging.getLogger(__name__)

MENU_EXPLAIN = N_("❓ What can this bot do?")
MENU_LANGUAGE = N_("🌐 Language")
MENU_CIRCLE = N_("👥 My circle")
MENU_SIGNPOSTS = N_("🧭 Where to go")
MENU_CHECKIN = N_("🕯️ My “All well?”")
MENU_ASK = N_("🙏 I'm looking for help")
MENU_HELP_OTHERS = N_("🤝 I'll help")
MENU_WORRY = N_("💭 I'm worried")
MENU_OVERVIEW = N_("📊 Overview")
MENU_ACTIVITY = N_("📣 Do something together")
MENU_OPEN_WORRIES = N_("💭 Open worries")
MENU_CONTACTS = N_("📇 Contact persons")

# Each role its own menu. A person with several roles (in several circles) gets them
# all, in this order, two buttons a row; help and language come last for everyone.
MENU_ORDER = (
    MENU_ASK,
    MENU_HELP_OTHERS,
    MENU_CHECKIN,
    MENU_WORRY,
    MENU_OPEN_WORRIES,
    MENU_OVERVIEW,
    MENU_ACTIVITY,
    MENU_CONTACTS,
    MENU_CIRCLE,
    MENU_SIGNPOSTS,
)
_NEIGHBOUR_MENU = {
    MENU_ASK,
    MENU_HELP_OTHERS,
    MENU_CHECKIN,
    MENU_WORRY,
    MENU_CIRCLE,
    MENU_SIGNPOSTS,
}
ROLE_MENUS: dict[Role, set[str]] = {
    Role.LID: _NEIGHBOUR_MENU,
    Role.SUPERBUUR: _NEIGHBOUR_MENU,
    Role.VOORZITTER: _NEIGHBOUR_MENU | {MENU_OVERVIEW, MENU_ACTIVITY},
    # Not in the group, asks no help of it: the worries, the figures, whom to turn to.
    Role.PROFESSIONAL: {MENU_OPEN_WORRIES, MENU_OVERVIEW, MENU_CONTACTS, MENU_SIGNPOSTS},
}

# What /help says a role can do, besides what every neighbour can (the professional is
# no neighbour in the circle: their text is all they get).
ROLE_HELP = {
    Role.SUPERBUUR: N_(
        "As superbuur you can also:\n"
        "• help with requests that only the superburen see\n"
        "• ask for help on behalf of a neighbour\n"
        "• pause someone's “All well?” (holiday, hospital)\n"
        "• /uitnodigen: invite a neighbour"
    ),
    Role.VOORZITTER: N_(
        "As voorzitter you can also:\n"
        "• /overzicht: the week in your circle, with figures\n"
        "• /activiteit: announce something to do together\n"
        "• /cirkel: members and roles, and the phone list\n"
        "• /uitnodigen: invite a neighbour"
    ),
    Role.PROFESSIONAL: N_(
        "As professional you only get what the circle sends you on purpose: a worry, or "
        "an alert when nobody can reach someone. You are not in the group chat.\n\n"
        "• /zorgen: the open worries, to pick up\n"
        "• /overzicht: the worries of the last month, and figures\n"
        "• /cirkel: the contact persons of the circle\n"
        "• /wegwijzer: where to go for help\n\n"
        "This bot is no alarm service. In an emergency: call 112."
    ),
}

# (command, description) for the private chat, in the order Telegram shows them;
# descriptions are translated per language.
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
_EVERYONE = {"start", "help", "taal", "wegwijzer", "mijngegevens", "vergeetmij"}
_NEIGHBOUR_COMMANDS = _EVERYONE | {
    "hulpvraag",
    "helpen",
    "taken",
    "activiteit",
    "aanbod",
    "zorgen",
    "cirkel",
    "waakvlam",
}
ROLE_COMMANDS: dict[Role, set[str]] = {
    Role.LID: _NEIGHBOUR_COMMANDS,
    Role.SUPERBUUR: _NEIGHBOUR_COMMANDS | {"uitnodigen"},
    Role.VOORZITTER: _NEIGHBOUR_COMMANDS | {"uitnodigen", "overzicht"},
    Role.PROFESSIONAL: _EVERYONE | {"zorgen", "overzicht", "cirkel"},
}
# The same command says something else to a professional (and does that: see
# handlers/signals.py and handlers/circles.py).
PROFESSIONAL_DESCRIPTIONS = {
    "zorgen": N_("The open worries"),
    "cirkel": N_("The circle's contact persons"),
}


def commands_for(roles: Iterable[Role]) -> list[tuple[str, str]]:
    """The private chat's (command, description msgid) for someone with these roles;
    nobody in a circle yet sees a member's list (the default)."""
    roles = set(roles) or {Role.LID}
    names = set().union(*(ROLE_COMMANDS[role] for role in roles))
    only_professional = roles == {Role.PROFESSIONAL}
    return [
        (name, PROFESSIONAL_DESCRIPTIONS.get(name, text) if only_professional else text)
        for name, text in PRIVATE_COMMANDS
        if name in names
    ]


DEFAULT_COMMANDS = commands_for({Role.LID})

# Commands a link can open in the private chat (``t.me/<bot>?start=<command>``), so a
# command typed in the group goes on in private with one tap. Features add theirs
# when they register.
OPEN_BY_LINK: dict[str, Callable[[Update, OmkijkContext], Awaitable[None]]] = {}


def menu_filter(i18n: I18n, label: str) -> filters.MessageFilter:
    """Matches a menu button's label in any language we speak."""
    texts = {t.gettext(label) for t in i18n.all().values()}
    return filters.Regex("^(" + "|".join(re.escape(text) for text in sorted(texts)) + ")$")


async def roles_of(context: OmkijkContext, user_id: int) -> set[Role]:
    return roles_in([m for _c, m in await context.services.store.memberships(user_id)])


async def main_menu(context: OmkijkContext) -> ReplyKeyboardMarkup:
    """The person's own menu: their roles' buttons, then help and language. Their
    command list (the "/" menu) is brought in line with the same roles."""
    _ = context.t.gettext
    person = context.person
    roles = await roles_of(context, person.id) if person is not None else set()
    labels = [label for label in MENU_ORDER if any(label in ROLE_MENUS[r] for r in roles)]
    rows = [
        [KeyboardButton(_(label)) for label in labels[i : i + 2]] for i in range(0, len(labels), 2)
    ]
    rows.append([KeyboardButton(_(MENU_EXPLAIN)), KeyboardButton(_(MENU_LANGUAGE))])
    if person is not None:
        await _keep_commands(context, person.id, roles, context.t.language)
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)


async def refresh_commands(context: OmkijkContext, user_id: int | None) -> None:
    """After someone's roles changed (a new role, leaving, forgotten): their "/" menu
    follows at once, in their language."""
    if user_id is None:
        return
    person = await context.services.store.user(user_id)
    language = person.language if person else None
    roles = await roles_of(context, user_id)
    language = context.services.i18n.for_language(language).language
    await _keep_commands(context, user_id, roles, language, force=True)


async def _keep_commands(
    context: OmkijkContext, user_id: int, roles: set[Role], language: str, *, force: bool = False
) -> None:
    """Telegram's command list for this one chat (``BotCommandScopeChat``) when it differs
    from the default (a member's, set per language at start); none otherwise. What was
    set is remembered while the bot runs, so this costs a call only on a change."""
    commands = commands_for(roles)
    wanted = None if commands == DEFAULT_COMMANDS else (language, tuple(commands))
    sent = context.bot_data.commands_sent
    if not force and sent.get(user_id) == wanted:
        return  # (nothing remembered: nothing set since the start, or the default)
    scope = BotCommandScopeChat(user_id)
    try:
        if wanted is None:
            await context.bot.delete_my_commands(scope=scope)
        else:
            t = context.services.i18n.for_language(language)
            await context.bot.set_my_commands(
                [BotCommand(name, t.gettext(text)) for name, text in commands], scope=scope
            )
    except TelegramError:
        log.info("could not set the command list of %s", user_id, exc_info=True)
        return
    sent[user_id] = wanted
