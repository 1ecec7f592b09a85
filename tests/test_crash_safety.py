"""Crash safety: a busy hour with the bot killed (SIGKILL) at random moments.

The bot runs as a real process (``python -m bot run``) on a clock that runs
``SCALE`` times faster than real time, against the emulator in this test process.
Scripted neighbours ask for help, claim, answer their check-in and share a worry
while a killer SIGKILLs the bot after a random number of Bot API calls (so the
kills land in the middle of handlers, sends and timer work) and starts it again.
Afterwards every request, claim, check-in round and worry exists exactly once and
every due alert was delivered. A message may arrive twice only when a kill fell
between the two copies: Telegram had accepted it, the process died before it
could write that down (Telegram offers no way to make a send idempotent).

``OMKIJK_CRASH_KILLS`` and ``OMKIJK_CRASH_SEED`` make the run longer or replay one.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import os
import random
import signal
import sqlite3
import time
from collections import Counter
from pathlib import Path

from telegram import Update

from bot.app import Runtime
from core.clock import ManualClock
from domain.waakvlam import CheckinSettings
from tests.support import make_settings
from tests.test_restarts import BotProcess

SCALE = 60.0  # one real second is one minute on the bot's clock
START = dt.datetime(2026, 11, 24, 8, 58, tzinfo=dt.UTC)  # 09:58 in Amsterdam, a Tuesday
LADDER = dt.timedelta(minutes=10)  # each step of the check-in ladder, shortened
TITLE = "Zandweerd"
LEDEN = ("Riet", "Jan", "Kees", "Truus", "Wim", "Els", "Piet", "Ans", "Joop")
ANSWER_OK = ("Riet", "Jan", "Kees")
NOT_WELL = ("Truus",)
SILENT = ("Wim", "Els")
ASKERS = {  # who asks, for what, and who claims it
    "Piet": ("🍲 Soep of een maaltijd", "Kees"),
    "Ans": ("🛒 Boodschappen", "Jan"),
    "Joop": ("🍲 Soep of een maaltijd", "Riet"),
}
WAIT = 120.0  # seconds an agent waits for the bot, kills included


async def seed(db: Path, emu, base_url: str) -> dict[str, object]:
    """One circle, seeded through the bot's own storage and services."""
    people = {
        name: emu.add_user(name)
        for name in ("Henk", "Sandra", "Fatima", *LEDEN)  # voorzitter, superbuur, professional
    }
    for user in people.values():
        user.started_bot = True
    group = emu.add_group(TITLE, [u.id for n, u in people.items() if n != "Fatima"])
    group.bot_status = "member"
    runtime = Runtime(
        make_settings(db), ManualClock(START), token=emu.token, base_url=base_url, tick_seconds=None
    )
    await runtime.start()
    try:
        store = runtime.services.store
        for name, user in people.items():
            await store.remember_user(user.id, name, "nl", reachable=True)
        roles = {"Henk": "voorzitter", "Sandra": "superbuur", "Fatima": "professional"}
        async with store.db.write() as tx:
            circle_id = await store.create_circle(tx, group.id, TITLE, "zandweerd")
            for name, user in people.items():
                await store.add_member(
                    tx,
                    circle_id,
                    user.id,
                    name,
                    roles.get(name, "lid"),
                    consented=True,
                    professional_consent=True,
                )
        members = {m.display_name: m for m in await store.members(circle_id)}
        for name in (*ANSWER_OK, *NOT_WELL, *SILENT):
            await runtime.services.waakvlam.apply_settings(
                CheckinSettings(
                    member_id=members[name].id,
                    enabled=True,
                    ask_again=LADDER,
                    neighbours=LADDER,
                    escalate=LADDER,
                )
            )
    finally:
        await runtime.stop()
    return {"people": people, "chat_id": group.id}


class Killer:
    """Starts the bot, kills it after a random number of Bot API calls, starts it again."""

    def __init__(self, emulator_server, db: Path, log: Path, kills: int, rng: random.Random):
        self.server = emulator_server
        self.emu = emulator_server.emulator
        self.db, self.log, self.kills, self.rng = db, log, kills, rng
        self.origin = time.monotonic()
        self.bot: BotProcess | None = None
        # Per kill: how many bot messages each chat had at that moment.
        self.marks: list[dict[int, int]] = []

    def scenario_now(self) -> dt.datetime:
        return START + dt.timedelta(seconds=(time.monotonic() - self.origin) * SCALE)

    async def start(self) -> None:
        self.started_at_call = len(self.emu.calls)
        clock_start = self.scenario_now().isoformat()
        self.bot = await BotProcess(
            self.server,
            self.db,
            self.log,
            OMKIJK_CLOCK_START=clock_start,
            OMKIJK_TIME_SCALE=str(SCALE),
        ).start()

    async def run(self) -> None:
        await self.start()
        for _ in range(self.kills):
            # A random moment: after a random number of Bot API calls (so mostly in
            # the middle of handling or sending), or a random real time if it is quiet.
            calls = len(self.emu.calls) + self.rng.randint(5, 80)
            with contextlib.suppress(TimeoutError):
                await self.emu.wait_for(
                    lambda c=calls: len(self.emu.calls) >= c, self.rng.uniform(0.5, 4.0)
                )
            assert self.bot.proc.returncode is None, self.log.read_text()[-3000:]
            self.bot.proc.send_signal(signal.SIGKILL)
            self.marks.append({chat: len(msgs) for chat, msgs in self.emu.messages.items()})
            await self.bot.exited()
            await self.start()

    async def running(self) -> None:
        """Until the current bot process polls: it is past start-up."""
        await self.emu.wait_for(
            lambda: any(m == "getUpdates" for m, _ in self.emu.calls[self.started_at_call :]),
            WAIT,
        )

    def killed_between(self, chat_id: int, first: int, second: int) -> bool:
        """Did a kill fall after bot message ``first`` and before ``second`` in this chat?"""
        positions = [i for i, m in enumerate(self.emu.messages[chat_id]) if _from_bot(m)]
        return any(
            positions[first] < mark.get(chat_id, 0) <= positions[second] for mark in self.marks
        )


def _from_bot(message: dict) -> bool:
    return message["from"].get("is_bot", False)


class Agent:
    """One neighbour with a phone: waits for the bot, taps what a person would tap."""

    def __init__(self, emu, user, chat_id: int | None = None):
        self.emu, self.user = emu, user
        self.chat_id = chat_id if chat_id is not None else user.id
        self.pressed: set[tuple[int, str]] = set()

    def _newest_button(self, label: str, chat_id: int) -> tuple[dict, str] | None:
        for message in reversed(self.emu.bot_messages(chat_id)):
            for button in self.emu.buttons(message):
                if button["text"] == label and "callback_data" in button:
                    if (message["message_id"], button["callback_data"]) in self.pressed:
                        return None
                    return message, button["callback_data"]
        return None

    async def tap(self, label: str, chat_id: int | None = None) -> dict:
        chat = chat_id if chat_id is not None else self.chat_id
        message, data = await self.emu.wait_for(lambda: self._newest_button(label, chat), WAIT)
        self.pressed.add((message["message_id"], data))
        await self.emu.press_button(self.user.id, chat, message["message_id"], data)
        return message

    async def say(self, text: str) -> None:
        await self.emu.send_text(self.user.id, self.user.id, text)

    async def wait_for_button(self, label: str) -> None:
        """Until a button with this label shows (a choice ticked on its own screen)."""
        await self.emu.wait_for(
            lambda: any(
                b["text"] == label
                for m in self.emu.bot_messages(self.user.id)
                for b in self.emu.buttons(m)
            ),
            WAIT,
        )

    async def wait_for_words(self, words: str) -> None:
        """Until the bot shows these words back (a summary with what was typed)."""
        await self.emu.wait_for(
            lambda: any(words in m.get("text", "") for m in self.emu.bot_messages(self.user.id)),
            WAIT,
        )

    async def wait_for_text(self, chat_id: int, prefix: str) -> dict:
        def found():
            return next(
                (m for m in self.emu.bot_messages(chat_id) if m.get("text", "").startswith(prefix)),
                None,
            )

        return await self.emu.wait_for(found, WAIT)


async def ask_for_help(emu, user, chat_id: int, kind: str) -> None:
    agent = Agent(emu, user)
    await agent.say("🙏 Ik zoek hulp")
    await agent.tap(kind)
    await agent.tap("📅 Wanneer?")
    await agent.tap("Morgen")
    await agent.tap("rond 12:00")
    await agent.tap("Eén keer")
    await emu.wait_for(lambda: agent._newest_button("📅 Wanneer?", user.id), WAIT)
    await agent.say(f"graag, groet van {user.first_name}")
    # The summary comes again with the words in it: Send on that one.
    await agent.wait_for_words(f"groet van {user.first_name}")
    await agent.tap("✅ Versturen")
    await agent.wait_for_text(chat_id, f"{user.first_name} zoekt hulp")


async def claim(emu, helper, asker_name: str, chat_id: int) -> None:
    agent = Agent(emu, helper, chat_id)
    post = await agent.wait_for_text(chat_id, f"{asker_name} zoekt hulp")
    await emu.wait_for(lambda: emu.buttons(post), WAIT)
    data = emu.buttons(post)[0]["callback_data"]
    await emu.press_button(helper.id, chat_id, post["message_id"], data)
    await emu.wait_for(
        lambda: "helpt" in emu.messages[chat_id][post["message_id"] - 1]["text"], WAIT
    )


async def check_in(emu, user, answer: str) -> None:
    question = await Agent(emu, user).tap(answer)
    # The bot's answer: the question loses its buttons (edited to say what was answered).
    await emu.wait_for(lambda: not emu.buttons(question), WAIT)


async def share_worry(emu, user, about: str, professional) -> None:
    agent = Agent(emu, user)
    await agent.say("💭 Ik maak me zorgen")
    await agent.tap(about)
    await agent.tap("Eenzaamheid")  # ticked on the summary itself
    await agent.wait_for_button("✓ Eenzaamheid")
    await agent.say("ze komt de deur niet meer uit")
    await agent.wait_for_words("deur niet meer uit")
    await agent.tap("Vandaag")
    await agent.wait_for_button("✓ Vandaag")
    await agent.tap("✅ Versturen")
    await agent.wait_for_text(professional.id, "💭 Een zorg uit Zandweerd")


async def step(name: str, emu, chat_id: int, work) -> None:
    """Run one person's part; on a timeout, say whose part and what they saw last."""
    try:
        await work
    except (TimeoutError, AssertionError):
        seen = [
            (m.get("text", "")[:60], [b["text"] for b in emu.buttons(m)])
            for m in emu.bot_messages(chat_id)[-4:]
        ]
        raise AssertionError(f"{name} waited in vain; the last bot messages: {seen}") from None


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(sql).fetchall()


async def test_a_busy_hour_survives_random_kills(tmp_path, emulator_server):
    emu = emulator_server.emulator
    kills = int(os.environ.get("OMKIJK_CRASH_KILLS", "20"))
    seed_value = int(os.environ.get("OMKIJK_CRASH_SEED", random.randrange(1_000_000)))
    print(f"crash test: {kills} kills, OMKIJK_CRASH_SEED={seed_value}")
    db, log = tmp_path / "omkijk.sqlite3", tmp_path / "bot.log"
    world = await seed(db, emu, emulator_server.api_url)
    people, chat_id = world["people"], world["chat_id"]
    killer = Killer(emulator_server, db, log, kills, random.Random(seed_value))

    def part(name, work, chat=None):
        return step(name, emu, people[name].id if chat is None else chat, work)

    script = [
        *(part(n, ask_for_help(emu, people[n], chat_id, kind)) for n, (kind, _) in ASKERS.items()),
        *(
            part(helper, claim(emu, people[helper], n, chat_id), chat_id)
            for n, (_, helper) in ASKERS.items()
        ),
        *(part(n, check_in(emu, people[n], "👍 Alles goed")) for n in ANSWER_OK),
        *(part(n, check_in(emu, people[n], "😟 Het gaat niet zo goed")) for n in NOT_WELL),
        part("Jan", share_worry(emu, people["Jan"], "Sandra", people["Fatima"])),
    ]
    try:
        await asyncio.gather(killer.run(), *script)
        # The kills are over; the last bot keeps running until every ladder is done.
        alerts = [(people["Sandra"].id, f"{n} heeft vandaag nog niet gereageerd") for n in SILENT]
        alerts += [(people["Henk"].id, f"Niemand heeft {n} ({TITLE})") for n in SILENT]
        alerts += [
            (people["Sandra"].id, f"{n} gaf aan dat het vandaag niet zo goed gaat")
            for n in NOT_WELL
        ]

        def delivered():
            return all(
                any(m.get("text", "").startswith(p) for m in emu.bot_messages(c)) for c, p in alerts
            )

        await emu.wait_for(delivered, WAIT)
        await killer.running()
    finally:
        exit_code = await killer.bot.stop() if killer.bot is not None else None
    assert exit_code == 0, (exit_code, log.read_text()[-3000:])
    assert len(killer.marks) == kills

    # Every request exactly once, each claimed once by its helper.
    requests = _rows(
        db,
        "SELECT m.display_name, r.status FROM requests r JOIN members m ON m.id = r.member_id",
    )
    assert sorted(requests) == sorted((n, "claimed") for n in ASKERS)
    helpers = _rows(
        db,
        "SELECT a.display_name, h.display_name FROM request_helpers rh "
        "JOIN requests r ON r.id = rh.request_id JOIN members a ON a.id = r.member_id "
        "JOIN members h ON h.id = rh.member_id",
    )
    assert sorted(helpers) == sorted((n, helper) for n, (_, helper) in ASKERS.items())
    # One check-in round per member, closed as answered or still at the voorzitter.
    rounds = _rows(
        db,
        "SELECT m.display_name, r.answer, r.stage FROM checkin_rounds r "
        "JOIN members m ON m.id = r.member_id",
    )
    assert Counter(name for name, _, _ in rounds) == Counter((*ANSWER_OK, *NOT_WELL, *SILENT)), (
        rounds
    )
    answers = {name: (answer, stage) for name, answer, stage in rounds}
    assert all(answers[n][0] == "ok" for n in ANSWER_OK), answers
    assert all(answers[n][0] == "notwell" for n in NOT_WELL), answers
    assert all(answers[n] == (None, "chair") for n in SILENT), answers
    # One worry.
    assert _rows(db, "SELECT count(*) FROM signals") == [(1,)]
    # Nothing set aside, nothing failed in the inbox.
    assert _rows(db, "SELECT count(*) FROM inbox WHERE error IS NOT NULL") == [(0,)], (
        log.read_text()[-3000:]
    )

    # The log (INFO, as operators run it) names ids, never people or what they typed.
    logged = log.read_text()
    for personal in ("Riet", "Wim", "Sandra", "groet van", "deur niet meer uit"):
        assert personal not in logged, personal

    # Group posts and alerts: a second copy only where a kill fell in between.
    watched = [(chat_id, f"{n} zoekt hulp") for n in ASKERS] + alerts
    watched.append((people["Fatima"].id, "💭 Een zorg uit Zandweerd"))
    for chat, prefix in watched:
        copies = [
            i for i, m in enumerate(emu.bot_messages(chat)) if m.get("text", "").startswith(prefix)
        ]
        assert copies, prefix
        for first, second in itertools.pairwise(copies):
            assert killer.killed_between(chat, first, second), (prefix, copies)


async def test_a_tap_handled_again_after_a_crash_shows_the_question_again(world):
    """The inbox hands an update over again when the process died while handling it.
    If the wizard had already moved on, the person gets the next question (again)
    rather than "this button no longer works" and a silence."""
    riet = world.person("Riet")
    henk = world.person("Henk")
    await world.circle(TITLE, henk, [riet])
    await world.say(riet, "🙏 Ik zoek hulp")
    question = world.emulator.bot_messages(riet.id)[-1]
    data = next(
        b["callback_data"]
        for b in world.emulator.buttons(question)
        if b["text"] == "🛒 Boodschappen"
    )
    update = await world.emulator.press_button(riet.id, riet.id, question["message_id"], data)
    await world.handled(update)
    assert world.texts(riet.id)[-1].startswith("Dit ga ik versturen:")
    # The same update once more, as the drain does after a restart.
    await world.runtime.application.process_update(
        Update.de_json(update, world.runtime.application.bot)
    )
    assert world.texts(riet.id, last=2)[0] == world.texts(riet.id)[-1]
    assert world.emulator.callback_answers[-1].get("text") is None  # no "no longer works"
    draft = await world.store.draft(riet.id)
    assert draft[1]["step"] == "confirm" and draft[1]["history"] == ["kind"]

    # A typed answer handled twice is not taken as the answer to the next question.
    await world.tap(riet, "📅 Wanneer?")
    await world.tap(riet, "Morgen")
    await world.tap(riet, "rond 12:00")
    await world.tap(riet, "Eén keer")
    typed = await world.emulator.send_text(riet.id, riet.id, "met brood graag")
    await world.handled(typed)
    next_question = world.texts(riet.id)[-1]
    await world.runtime.application.process_update(
        Update.de_json(typed, world.runtime.application.bot)
    )
    assert world.texts(riet.id)[-1] == next_question
    draft = await world.store.draft(riet.id)
    assert draft[1]["details"] == "met brood graag"


async def test_a_claim_handled_again_after_a_crash_still_updates_the_post(world):
    """The claim was saved, then the process died before the group post was edited.
    The tap, handled again, brings the post up to date instead of only saying
    "you are helping already"."""
    henk, riet, jan = world.person("Henk"), world.person("Riet"), world.person("Jan")
    chat_id = await world.circle(TITLE, henk, [riet, jan])
    post = await world.ask_for_groceries(riet, chat_id)
    data = world.emulator.buttons(post)[0]["callback_data"]
    # What the first handling did before the crash: the claim is in the database.
    await world.runtime.services.helpdesk.claim(jan.id, int(data.split(":")[1]))
    assert world.emulator.buttons(world.emulator.messages[chat_id][post["message_id"] - 1])
    await world.press(jan, post, data)
    shown = world.emulator.messages[chat_id][post["message_id"] - 1]
    assert shown["text"].endswith("🙌 Jan helpt.")
    assert world.emulator.buttons(shown) == []


async def test_a_post_sent_twice_after_a_crash_shows_the_helper_on_both(world):
    """Telegram accepted the post, the process died before the outbox noted it, and
    the post went out again. Whichever copy is tapped, both end up showing the helper."""
    henk, riet, jan = world.person("Henk"), world.person("Riet"), world.person("Jan")
    chat_id = await world.circle(TITLE, henk, [riet, jan])
    known = await world.ask_for_groceries(riet, chat_id)
    # The copy nobody wrote down (what the lost first send left in the group).
    orphan = await world.runtime.application.bot.send_message(
        chat_id, known["text"], reply_markup=known["reply_markup"]
    )
    await world.press(jan, orphan.to_dict(), world.emulator.buttons(known)[0]["callback_data"])
    for message_id in (known["message_id"], orphan.message_id):
        shown = world.emulator.messages[chat_id][message_id - 1]
        assert shown["text"].endswith("🙌 Jan helpt."), message_id
        assert world.emulator.buttons(shown) == []
