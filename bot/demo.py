"""The guided demo on the practice page ("Probeer dit"): the five journeys, step by step.

Each step says what happens and points at what to tap next: a button of the bot in a
person's window (its label in that person's language), a command to send, a file to
open, or a step of the demo's own (get the circle ready, move the clock to the next
"Alles goed?" step). The page shows the steps; practice mode (bot/practice.py) serves
them and does the demo's own steps. Everything goes through the real bot: the stage
hand taps and types as the practice people do, through the emulator.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.i18n import LANGUAGES, N_, I18n, Translator, normalise_language
from domain.policy import ROLE_LABELS, Role
from domain.requests import BUTTON_HELP, KIND_LABELS, Kind
from domain.signals import BUTTON_ACK, WORRY_LABELS, WorryKind
from domain.waakvlam import BUTTON_CONFIRM, BUTTON_GOING
from handlers.menu import MENU_ASK, MENU_CHECKIN, MENU_WORRY
from services.waakvlam import CHECKIN, STEP

if TYPE_CHECKING:
    from bot.app import Runtime
    from emulator.core import Emulator

log = logging.getLogger(__name__)

RIET, SANDRA, HENK, FATIMA, JAN, BEA = 101, 102, 103, 104, 105, 106
GROUP = "group"
LONG_AGO = dt.datetime(
    2000, 1, 1, tzinfo=dt.UTC
)  # the circle's group chat; otherwise a step is in the person's own chat

# The bot's own labels the demo points at (the same msgids as the handlers use, so each
# is shown in the person's language).
JOIN_IN = N_("👋 Join in")
YES_IM_IN = N_("✅ Yes, I'm in")
YES_FINE = N_("Yes, that is fine")
NO_THANKS = N_("No thanks")
SKIP = N_("Skip")
TOMORROW = N_("Tomorrow")
AROUND = N_("around {time}")
JUST_ONCE = N_("Just once")
WHOLE_CIRCLE = N_("The whole circle (in the group)")
SEND = N_("✅ Send")
SWITCH_ON = N_("✅ Switch on")
THIS_WEEK = N_("This week")
PAGE_TO_PRINT = N_("🌐 Page to print")
KEEP_IT = N_("No, keep it")
CHANGE_ROLES = N_("Change roles")
LINK_PROFESSIONAL = N_("Link a professional")
YES_LINK_ME = N_("✅ Yes, link me")

TAP = N_("{name} taps “{button}”.")


@dataclass(frozen=True)
class Step:
    text: str  # a msgid; {name} is the person, {button} what to tap
    person: int
    chat: str = "private"
    pane: int = 1
    tap: str | None = None  # a msgid of the bot's, or a name as it is
    tap_is_name: bool = False
    params: tuple[tuple[str, str], ...] = ()  # for the label's own placeholders
    send: str | None = None  # a text to send (a command, or words: then a msgid)
    translate_send: bool = False
    open_file: bool = False  # open the newest document in the window
    action: str | None = None  # one of the demo's own: "prepare", "waakvlam"
    action_label: str | None = None


@dataclass(frozen=True)
class Journey:
    title: str
    steps: tuple[Step, ...]


MOVE_ON = N_("Move the clock on")

JOURNEYS = (
    Journey(
        N_("The circle starts"),
        (
            Step(
                N_(
                    "Henk, the voorzitter, added the bot to the neighbourhood's group. He taps "
                    "“{button}” and answers a few questions: the circle begins."
                ),
                HENK,
                GROUP,
                tap=JOIN_IN,
            ),
            Step(
                N_(
                    "The others join the same way. One click does it for Riet, Sandra and Jan; "
                    "Henk makes Sandra superbuur and links Fatima of the wijkteam."
                ),
                HENK,
                action="prepare",
                action_label=N_("Get the circle ready"),
            ),
        ),
    ),
    Journey(
        N_("Asking for help, and helping"),
        (
            Step(
                N_("Riet, 82, would like help with her shopping. She taps “{button}”."),
                RIET,
                tap=MENU_ASK,
            ),
            # The summary comes right after the kind: three taps from the menu.
            Step(TAP, RIET, tap=KIND_LABELS[Kind.GROCERIES]),
            Step(TAP, RIET, tap=SEND),
            Step(
                N_("Sandra sees Riet's question in the group and taps “{button}”."),
                SANDRA,
                GROUP,
                pane=2,
                tap=BUTTON_HELP,
            ),
            Step(N_("Riet hears at once who is helping her."), RIET),
        ),
    ),
    Journey(
        N_("“All well?” and the ladder"),
        (
            Step(
                N_("Riet wants a friendly question every morning. She taps “{button}”."),
                RIET,
                tap=MENU_CHECKIN,
            ),
            Step(TAP, RIET, tap=SWITCH_ON),
            Step(
                N_("On to 10:00: the bot asks Riet “All well?”. Riet does not answer."),
                RIET,
                action="waakvlam",
                action_label=MOVE_ON,
            ),
            Step(
                N_("An hour later the bot asks once more."),
                RIET,
                action="waakvlam",
                action_label=MOVE_ON,
            ),
            Step(
                N_("Still no answer: Sandra, the superbuur, is asked to look in."),
                SANDRA,
                pane=2,
                action="waakvlam",
                action_label=MOVE_ON,
            ),
            Step(TAP, SANDRA, pane=2, tap=BUTTON_GOING),
            Step(TAP, SANDRA, pane=2, tap=BUTTON_CONFIRM),
            Step(
                N_(
                    "All is well. Had nobody had contact, Henk would have been asked next, "
                    "and after him Bea, the beheerder."
                ),
                SANDRA,
                pane=2,
            ),
        ),
    ),
    Journey(
        N_("A worry"),
        (
            Step(N_("Jan is worried about Riet. He taps “{button}”."), JAN, tap=MENU_WORRY),
            Step(TAP, JAN, tap="Riet", tap_is_name=True),
            Step(
                N_("Jan writes a few words and sends them."),
                JAN,
                send=N_("She seems a bit forgetful lately."),
                translate_send=True,
            ),
            Step(TAP, JAN, tap=WORRY_LABELS[WorryKind.MEMORY]),
            Step(TAP, JAN, tap=SEND),
            Step(
                N_(
                    "Fatima of the wijkteam gets the worry privately, never in the group. "
                    "She taps “{button}”, and Jan hears it."
                ),
                FATIMA,
                pane=2,
                tap=BUTTON_ACK,
            ),
        ),
    ),
    Journey(
        N_("The voorzitter's week"),
        (
            Step(
                N_("Henk looks at the week: he sends /overzicht. The chart shows eight weeks."),
                HENK,
                send="/overzicht",
            ),
            Step(TAP, HENK, tap=PAGE_TO_PRINT),
            Step(
                N_("Figures for the signaleringsoverleg, without names: open the page."),
                HENK,
                open_file=True,
            ),
        ),
    ),
    Journey(
        N_("Privacy: what the bot keeps"),
        (
            Step(
                N_("Everyone can see what the bot keeps about them: Jan sends /mijngegevens."),
                JAN,
                send="/mijngegevens",
            ),
            Step(N_("Open the file to read it."), JAN, open_file=True),
            Step(
                N_("Anyone can have everything deleted: Jan sends /vergeetmij."),
                JAN,
                send="/vergeetmij",
            ),
            Step(N_("For this demo Jan keeps his data: he taps “{button}”."), JAN, tap=KEEP_IT),
        ),
    ),
)
THE_END = N_("That was the demo. Try anything else you like: each window is a neighbour.")

# The names the stage hand taps on the join questions, by person.
NAMES = {RIET: "Riet", SANDRA: "Sandra", HENK: "Henk", FATIMA: "Fatima", JAN: "Jan", BEA: "Bea"}


class DemoError(RuntimeError):
    """A demo step that cannot be done now (said to the page, which says so kindly)."""


class Demo:
    """Serves the journeys in a language, and does the demo's own steps."""

    def __init__(self, i18n: I18n, emulator: Emulator, runtime: Runtime, group_id: int) -> None:
        self.i18n = i18n
        self.emulator = emulator
        self.runtime = runtime
        self.group_id = group_id
        self._busy = asyncio.Lock()

    async def _t(self, user_id: int) -> Translator:
        """The language the bot speaks to this person: their buttons are in it."""
        person = await self.runtime.services.store.user(user_id)
        user = self.emulator.users.get(user_id)
        language = person.language if person else normalise_language(user and user.language_code)
        return self.i18n.for_language(language)

    async def journeys(self, language: str) -> list[dict[str, Any]]:
        page = self.i18n.for_language(language)
        shown = []
        for journey in JOURNEYS:
            steps = []
            for step in journey.steps:
                t = await self._t(step.person)
                label = None
                if step.tap is not None:
                    label = (
                        step.tap if step.tap_is_name else t.gettext(step.tap, **dict(step.params))
                    )
                send = t.gettext(step.send) if step.send and step.translate_send else step.send
                steps.append(
                    {
                        "text": page.gettext(
                            step.text, name=NAMES[step.person], button=label or ""
                        ),
                        "person": step.person,
                        "chat": self.group_id if step.chat == GROUP else step.person,
                        "pane": step.pane,
                        "tap": label,
                        "send": send,
                        "open": step.open_file,
                        "action": step.action,
                        "action_label": page.gettext(step.action_label)
                        if step.action_label
                        else None,
                    }
                )
            shown.append({"title": page.gettext(journey.title), "steps": steps})
        return shown

    def the_end(self, language: str) -> str:
        return self.i18n.for_language(language).gettext(THE_END)

    async def act(self, action: str, clock: Any) -> None:
        """One of the demo's own steps. Raises DemoError when it cannot be done now."""
        async with self._busy:
            if action == "prepare":
                await self._prepare()
            elif action == "waakvlam":
                # The first "Alles goed?" timer still waiting, due already or not: one due
                # now is done by the bot within a second, so the clock need not move.
                store = self.runtime.services.store
                due = await store.next_timer_after(LONG_AGO, kinds=(CHECKIN, STEP))
                if due is None:
                    raise DemoError("no “Alles goed?” planned: switch it on first")
                clock.advance(max(due - clock.now(), dt.timedelta(0)))
            else:
                raise ValueError(f"unknown demo action {action!r}")

    # -- the stage hand: the practice people, tapping and typing through the emulator ----

    async def _prepare(self) -> None:
        """Everyone joins who has not, Sandra becomes superbuur, Fatima is linked."""
        store = self.runtime.services.store
        circle = await store.circle_by_chat(self.group_id)
        if circle is None:
            raise DemoError("the practice group is not a circle (is the bot in the group?)")
        for user_id in (HENK, RIET, SANDRA, JAN):
            member = await store.member_of(circle.id, user_id)
            if member is None or not member.consented:
                await self._join(user_id)
        sandra = await store.member_of(circle.id, SANDRA)
        if sandra is not None and sandra.role == Role.LID:
            t = await self._t(HENK)
            await self._say(HENK, "/cirkel")
            await self._tap(HENK, t.gettext(CHANGE_ROLES))
            await self._tap(HENK, f"Sandra — {t.gettext(ROLE_LABELS[Role.LID])}")
            await self._tap(HENK, t.gettext(ROLE_LABELS[Role.SUPERBUUR]))
        if await store.member_of(circle.id, FATIMA) is None:
            t = await self._t(HENK)
            await self._say(HENK, "/cirkel")
            answer = await self._tap(HENK, t.gettext(LINK_PROFESSIONAL))
            links = [m["text"] for m in answer if "?start=p_" in m.get("text", "")]
            if not links:
                raise DemoError("Henk got no link for the professional")
            code = links[-1].split("?start=")[1].split()[0]
            await self._say(FATIMA, f"/start {code}")
            await self._tap(FATIMA, NAMES[FATIMA])
            await self._tap(FATIMA, LANGUAGES[(await self._t(FATIMA)).language])
            await self._tap(FATIMA, (await self._t(FATIMA)).gettext(YES_LINK_ME))
        log.info("practice demo: the circle is ready")

    async def _join(self, user_id: int) -> None:
        """Open the group's "Doe mee" link and answer the questions, as a person would."""
        code = self._join_code()
        await self._say(user_id, f"/start {code}")
        await self._tap(user_id, NAMES[user_id])
        t = await self._t(user_id)
        await self._tap(user_id, LANGUAGES[t.language])
        t = await self._t(user_id)
        await self._tap(user_id, t.gettext(YES_IM_IN))
        await self._tap(user_id, t.gettext(YES_FINE))
        await self._say(user_id, t.gettext(NO_THANKS))
        for _question in ("enjoys", "can offer"):
            if self._newest_buttons(user_id, user_id) & {t.gettext(SKIP)}:
                await self._tap(user_id, t.gettext(SKIP))

    def _join_code(self) -> str:
        for message in reversed(self.emulator.bot_messages(self.group_id)):
            for button in self.emulator.buttons(message):
                if "?start=" in button.get("url", ""):
                    return button["url"].split("?start=")[1]
        raise DemoError("no “Doe mee” link in the group yet")

    def _newest_buttons(self, user_id: int, chat_id: int) -> set[str]:
        sent = self.emulator.bot_messages(chat_id)
        return {b["text"] for b in self.emulator.buttons(sent[-1])} if sent else set()

    async def _handled(self, update: dict[str, Any] | None) -> None:
        if update is None:
            raise DemoError("the bot did not see that")
        assert self.runtime.inbox is not None
        try:
            await asyncio.wait_for(self.runtime.inbox.wait_handled(update["update_id"]), 30)
        except TimeoutError:
            raise DemoError("the bot did not answer in time") from None

    async def _say(self, user_id: int, text: str) -> list[dict[str, Any]]:
        before = len(self.emulator.bot_messages(user_id))
        await self._handled(await self.emulator.send_text(user_id, user_id, text))
        return self.emulator.bot_messages(user_id)[before:]

    async def _tap(self, user_id: int, label: str) -> list[dict[str, Any]]:
        """Tap the newest button with this label in the person's chat with the bot."""
        for message in reversed(self.emulator.bot_messages(user_id)):
            for button in self.emulator.buttons(message):
                if button["text"] == label and "callback_data" in button:
                    before = len(self.emulator.bot_messages(user_id))
                    update = await self.emulator.press_button(
                        user_id, user_id, message["message_id"], button["callback_data"]
                    )
                    await self._handled(update)
                    return self.emulator.bot_messages(user_id)[before:]
        raise DemoError(f"no button {label!r} for {NAMES.get(user_id, user_id)}")
