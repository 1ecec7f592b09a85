"""Test helpers: the real bot against the real emulator over HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.app import Runtime
from bot.config import Settings, load_settings
from core.clock import ManualClock
from emulator.core import Emulator, EmuUser
from emulator.server import EmulatorServer

# Tuesday 24 November 2026, 09:00 in Amsterdam.
T0 = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
REPO = Path(__file__).resolve().parent.parent


def make_settings(db_path: Path, **overrides: Any) -> Settings:
    return load_settings(_env_file=None, db_path=db_path, **overrides)


@dataclass
class World:
    """The emulator, the bot, the clock: what an end-to-end test talks to."""

    emulator: Emulator
    server: EmulatorServer
    runtime: Runtime
    clock: ManualClock

    @property
    def store(self):
        return self.runtime.services.store

    def person(self, name: str, language_code: str = "nl", **kwargs: Any) -> EmuUser:
        return self.emulator.add_user(name, language_code=language_code, **kwargs)

    async def handled(self, update: dict[str, Any] | None) -> None:
        """Wait (on events, not on time) until the bot has handled this update."""
        assert update is not None, "the bot never saw this message"
        await asyncio.wait_for(self.runtime.inbox.wait_handled(update["update_id"]), 10)

    async def say(self, user: EmuUser, text: str, chat_id: int | None = None) -> list[dict]:
        """``user`` types ``text``; returns what the bot sent in that chat in answer."""
        chat = chat_id if chat_id is not None else user.id
        before = len(self.emulator.bot_messages(chat))
        await self.handled(await self.emulator.send_text(user.id, chat, text))
        return self.emulator.bot_messages(chat)[before:]

    async def press(
        self, user: EmuUser, message: dict, data: str, *, forge: bool = False
    ) -> list[dict]:
        chat = message["chat"]["id"]
        before = len(self.emulator.bot_messages(chat))
        update = await self.emulator.press_button(
            user.id, chat, message["message_id"], data, check_exists=not forge
        )
        await self.handled(update)
        return self.emulator.bot_messages(chat)[before:]

    async def restart(self, down_for: dt.timedelta | None = None) -> None:
        """Stop the bot and start it again on the same database (a restart mid-way);
        ``down_for``: the clock moves on while it is down."""
        settings = self.runtime.settings
        await self.runtime.stop()
        if down_for:
            self.clock.advance(down_for)
        self.runtime = Runtime(
            settings,
            self.clock,
            token=self.emulator.token,
            base_url=self.server.api_url,
            base_file_url=self.server.file_url,
            tick_seconds=None,
            strict_i18n=True,
        )
        await self.runtime.start()

    def answers_to(self, update_count: int = 1) -> list[dict]:
        return self.emulator.callback_answers[-update_count:]

    def last_alert(self) -> str:
        return self.emulator.callback_answers[-1].get("text", "")

    async def tap(self, user: EmuUser, label: str, chat_id: int | None = None) -> list[dict]:
        """Tap the newest button with this label, as a person would."""
        chat = chat_id if chat_id is not None else user.id
        for message in reversed(self.emulator.bot_messages(chat)):
            for button in self.emulator.buttons(message):
                if button["text"] == label and "callback_data" in button:
                    return await self.press(user, message, button["callback_data"])
        labels = [
            b["text"]
            for m in self.emulator.bot_messages(chat)[-3:]
            for b in self.emulator.buttons(m)
        ]
        raise AssertionError(f"no button {label!r}; the last buttons were {labels}")

    def texts(self, chat_id: int, last: int | None = None) -> list[str]:
        sent = [m.get("text", m.get("caption", "")) for m in self.emulator.bot_messages(chat_id)]
        return sent[-last:] if last else sent

    async def group_with_bot(self, title: str, admin: EmuUser, members: list[EmuUser] = ()) -> int:
        """A Telegram group with these people, to which ``admin`` adds the bot."""
        group = self.emulator.add_group(
            title, [admin.id, *(m.id for m in members)], admins=[admin.id]
        )
        await self.handled(await self.emulator.add_bot_to_group(group.id, admin.id))
        return group.id

    async def circle(self, title: str, chair: EmuUser, members: list[EmuUser]) -> int:
        """A group with the bot, made a circle by ``chair``, everyone joined through the
        real onboarding. Returns the group's chat id."""
        chat_id = await self.group_with_bot(title, chair, members)
        code = self.join_link_code(chat_id)
        for person in (chair, *members):
            await self.join(person, code)
        return chat_id

    async def ask_for_groceries(self, person: EmuUser, chat_id: int) -> dict:
        """``person`` asks the whole circle for groceries tomorrow at 12:00 and sends
        it; returns the post in the group."""
        await self.say(person, "🙏 Ik zoek hulp")
        for label in ("🛒 Boodschappen", "📅 Wanneer?", "Morgen", "rond 12:00", "Eén keer"):
            await self.tap(person, label)
        await self.tap(person, "✅ Versturen")  # seen by the whole circle unless chosen else
        return self.emulator.bot_messages(chat_id)[-1]

    def join_link_code(self, chat_id: int) -> str:
        """The c_<code> behind the newest "Doe mee" button in a chat."""
        for message in reversed(self.emulator.bot_messages(chat_id)):
            for button in self.emulator.buttons(message):
                if "url" in button and "?start=" in button["url"]:
                    return button["url"].split("?start=")[1]
        raise AssertionError("no join button in that chat")

    async def join(
        self,
        user: EmuUser,
        payload: str,
        *,
        language: str = "Nederlands",
        professional_ok: bool = True,
        share_phone: bool = False,
        enjoys: str | None = "wandelen",
        can_offer: str | None = None,
    ) -> list[dict]:
        """Open a join link and answer the onboarding questions like a person."""
        yes_no = {
            "Nederlands": ("✅ Ja, ik doe mee", "Ja, dat mag", "Liever niet", "Overslaan"),
            "English": ("✅ Yes, I'm in", "Yes, that is fine", "Rather not", "Skip"),
            "Türkçe": ("✅ Evet, katılıyorum", "Evet, olur", "Hayır, olmasın", "Boş bırakın"),
            "العربية": ("✅ نعم، أنضمّ", "نعم، لا مانع", "أفضّل عدم ذلك", "تخطّي"),
        }
        no_phone = {
            "Nederlands": "Liever niet",
            "English": "No thanks",
            "Türkçe": "Hayır, sağ olun",
            "العربية": "لا، شكرًا",
        }
        await self.say(user, f"/start {payload}")
        await self.tap(user, user.first_name)
        await self.tap(user, language)
        consent, pro_yes, pro_no, skip = yes_no[language]
        await self.tap(user, consent)
        await self.tap(user, pro_yes if professional_ok else pro_no)
        if share_phone:
            await self.handled(await self.emulator.send_contact(user.id, "+31612345678"))
        else:
            await self.say(user, no_phone[language])
        person = await self.store.user(user.id)
        if not (person and person.enjoys):
            await (self.say(user, enjoys) if enjoys else self.tap(user, skip))
        person = await self.store.user(user.id)
        if not (person and person.can_offer):
            return await (self.say(user, can_offer) if can_offer else self.tap(user, skip))
        return []


# The kinds of help behind "➕ Iets anders…" (the five most asked come first).
MORE_KINDS = {
    "💊 Medicijnen ophalen",
    "💬 Graag even een praatje",
    "🗣️ Ik wil iets kwijt",
    "✏️ Iets anders",
}


async def choose_kind(world: World, person: EmuUser, label: str) -> None:
    """Tap a kind of help in "Waar wil je hulp bij?", behind "Iets anders…" if it is."""
    if label in MORE_KINDS:
        await world.tap(person, "➕ Iets anders…")
    await world.tap(person, label)


# -- the waakvlam and worries on a manual clock ------------------------------------------

# The test day: Tuesday 24 November 2026 (local time, Amsterdam).
TEST_DAY = dt.date(2026, 11, 24)


async def at(world: World, hour: int, minute: int = 0, day: dt.date | None = None):
    """Move the clock to a local time (on the test day) and tick: timers, then sends."""
    tz = world.runtime.services.i18n.timezone
    world.clock.set(dt.datetime.combine(day or TEST_DAY, dt.time(hour, minute), tzinfo=tz))
    return await world.runtime.tick()


async def switch_on(world: World, member, **changes: Any):
    """Switch a member's "Alles goed?" on (10:00 every day unless ``changes`` say else)."""
    from dataclasses import replace

    from domain.waakvlam import CheckinSettings

    settings = replace(CheckinSettings(member_id=member.id, enabled=True), **changes)
    return await world.runtime.services.waakvlam.apply_settings(settings)


async def build_circle(
    world: World,
    names: tuple[str, ...] = ("Henk", "Riet", "Jan"),
    roles: dict[str, str] | None = None,
    professional: str | None = None,
):
    """A circle "Zandweerd": the first name adds the bot and is voorzitter, everyone
    joins through the real onboarding; ``roles`` by name; ``professional`` linked.
    Returns (people, members) by name."""
    people = {n: world.person(n) for n in names}
    chat_id = await world.circle("Zandweerd", people[names[0]], [people[n] for n in names[1:]])
    circle = await world.store.circle_by_chat(chat_id)
    members = {m.display_name: m for m in await world.store.members(circle.id)}
    async with world.store.db.write() as tx:
        for name, role in (roles or {}).items():
            await world.store.set_role(tx, members[name].id, role)
    if professional:
        person = people[professional] = world.person(professional)
        await world.say(people[names[0]], "/cirkel")
        [link] = await world.tap(people[names[0]], "Een professional koppelen")
        await world.say(person, "/start " + link["text"].split("?start=")[1])
        await world.tap(person, professional)
        await world.tap(person, "Nederlands")
        await world.tap(person, "✅ Ja, koppel mij")
    members = {m.display_name: m for m in await world.store.members(circle.id)}
    return people, members


def add_beheerder(world: World, name: str = "Bea") -> EmuUser:
    """A beheerder (OMKIJK_ADMIN_IDS) who started the bot."""
    admin = world.person(name)
    admin.started_bot = True
    world.runtime.settings.admin_ids.append(admin.id)
    return admin
