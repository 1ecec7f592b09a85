"""The waakvlam's promises as invariants, checked over generated sequences.

A hypothesis state machine drives the real Application through the emulator on a
manual clock. Its rules move time (also across midnight and daylight-saving nights),
let the member answer with any button at any moment (the newest or an old one) or
just send a message, let neighbours say they are going or had contact, block and
unblock the bot (with or without Telegram telling it), restart the bot or take it
down for hours, pause and resume the check-in, change a role, remove a member, and
let people ask to be forgotten. After every step these hold:

1. A silence reaches a human. A round the member has not answered has, once its
   neighbours' step is due, a message with the ladder's buttons delivered to someone
   other than the member; a round where the member asked for contact or is not well
   has one at once. Unless nobody who may be told can be reached at all: then the
   operator's log says so (CRITICAL).
2. Nobody is told an untruth. "Alles is goed" only after the member said so or
   someone confirmed contact; after a late "niet zo goed" or "graag even contact"
   everyone who had been asked hears it as what it is; when the member is told "I
   asked X", X was asked.
3. A closed round (answered, paused, switched off, the member gone) asks nobody to
   act any more, and everyone who was asked hears that it ended.
4. Downtime never skips and never rushes: every check-in moment that passed while the
   check-in was on has a round, and the member is asked again only ``ask_again``
   after the question reached them.
5. Nothing ends in a log line: no timer failed, no update was set aside, nothing was
   logged as an error.

CI runs it derandomized with a few examples; ``make fuzz`` runs it long:
OMKIJK_MODEL_EXAMPLES, OMKIJK_MODEL_STEPS, and OMKIJK_MODEL_RANDOM=1 for new seeds.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import shutil
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from bot.app import Runtime
from core.clock import ManualClock
from domain.waakvlam import CheckinSettings
from emulator.core import Emulator
from emulator.server import EmulatorServer
from storage.timefmt import from_db, to_db
from tests.support import World, make_settings

TZ = ZoneInfo("Europe/Amsterdam")
EXAMPLES = int(os.environ.get("OMKIJK_MODEL_EXAMPLES", "40"))
STEPS = int(os.environ.get("OMKIJK_MODEL_STEPS", "30"))
RANDOM = bool(os.environ.get("OMKIJK_MODEL_RANDOM"))

RETENTION = dt.timedelta(days=29)  # a little under OMKIJK_RETAIN_CHECKINS_DAYS (30)
ASK_AGAIN = dt.timedelta(minutes=60)
NEIGHBOURS = dt.timedelta(minutes=60)
ANSWERS = {
    "👍 Alles goed": "ok",
    "☕ Graag even contact": "contact",
    "😟 Het gaat niet zo goed": "notwell",
    "🙂 Laat me maar even": "leave",
}
PEOPLE = ("Henk", "Sandra", "Riet", "Jan", "Fatima")
STARTS = (
    dt.datetime(2026, 11, 24, 9, 0, tzinfo=TZ),  # an ordinary Tuesday
    dt.datetime(2026, 10, 24, 22, 0, tzinfo=TZ),  # the night the clocks go back
    dt.datetime(2026, 3, 28, 22, 0, tzinfo=TZ),  # the night the clocks go forward
)
# What may be logged as CRITICAL: the operator's trace when nobody at all can be told.
NOBODY = ("nobody at all can be told", "the last rung bounced", "nobody can be told")


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class LadderModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.tmp = Path(tempfile.mkdtemp(prefix="omkijk-model-"))
        self.world: World | None = None
        self.server: EmulatorServer | None = None
        self.recorder = Recorder()
        logging.getLogger().addHandler(self.recorder)
        self.gone: set[str] = set()  # removed from the circle or forgotten
        self.ever_blocked: set[str] = set()
        self.stopped = False  # paused or switched off at some point
        self.need_taps: list[tuple[int, str, dict[int, int], str]] = []
        self.pauses: list[tuple[str, list[int]]] = []  # when, and the rounds open then
        self.worries: dict[int, tuple[str, str]] = {}  # signal id: (sender, about)
        self.worry_replies: dict[int, str] = {}  # what the sender was told it went to
        self.sent_buttons: dict[tuple[str, int], set[str]] = {}
        self.exempt_rounds: set[int] = set()  # nobody at all could be told at some point

    # -- plumbing ----------------------------------------------------------------------

    def run(self, coro):
        return self.loop.run_until_complete(asyncio.wait_for(coro, 60))

    def teardown(self) -> None:
        logging.getLogger().removeHandler(self.recorder)
        try:
            if self.world is not None:
                self.run(self.world.runtime.stop())
            if self.server is not None:
                self.run(self.server.stop())
        finally:
            self.loop.close()
            shutil.rmtree(self.tmp, ignore_errors=True)

    @property
    def emu(self) -> Emulator:
        return self.world.emulator

    def user(self, name: str):
        return self.people[name]

    async def settle(self) -> None:
        """Fire what is due and deliver, until nothing changes (bounces included)."""
        await self.world.runtime.tick()

    # -- the circle ----------------------------------------------------------------------

    @initialize(
        subject=st.sampled_from(["Riet", "Henk"]),
        sandra=st.sampled_from(["superbuur", "lid"]),
        contacts=st.sampled_from([(), ("Jan",), ("Sandra", "Jan")]),
        professional_ok=st.booleans(),
        beheerder=st.booleans(),
        start=st.sampled_from(STARTS),
    )
    def setup(self, subject, sandra, contacts, professional_ok, beheerder, start):
        self.subject, self.professional_ok, self.beheerder = subject, professional_ok, beheerder
        self.run(self._setup(subject, sandra, contacts, professional_ok, beheerder, start))

    async def _setup(self, subject, sandra, contacts, professional_ok, beheerder, start):
        self.server = await EmulatorServer(Emulator(), "127.0.0.1", 0).start()
        emu = self.server.emulator
        clock = ManualClock(start)
        names = (*PEOPLE, "Bea") if beheerder else PEOPLE
        self.people = {name: emu.add_user(name) for name in names}
        for person in self.people.values():
            person.started_bot = True
        admin_ids = [self.people["Bea"].id] if beheerder else []
        settings_ = make_settings(self.tmp / "omkijk.sqlite3", admin_ids=admin_ids)
        runtime = Runtime(
            settings_,
            clock,
            token=emu.token,
            base_url=self.server.api_url,
            base_file_url=self.server.file_url,
            tick_seconds=None,
            strict_i18n=True,
        )
        await runtime.start()
        self.world = World(emu, self.server, runtime, clock)
        group = emu.add_group(
            "Zandweerd", [u.id for n, u in self.people.items() if n not in ("Fatima", "Bea")]
        )
        group.bot_status = "member"
        store = runtime.services.store
        roles = {"Henk": "voorzitter", "Sandra": sandra, "Fatima": "professional"}
        for name in names:
            await store.remember_user(self.people[name].id, name, "nl", reachable=True)
        async with store.db.write() as tx:
            self.circle_id = await store.create_circle(tx, group.id, "Zandweerd", "zandweerd")
            for name in PEOPLE:
                await store.add_member(
                    tx,
                    self.circle_id,
                    self.people[name].id,
                    name,
                    roles.get(name, "lid"),
                    consented=True,
                    professional_consent=True,
                )
        members = {m.display_name: m for m in await store.members(self.circle_id)}
        self.member_id = members[subject].id
        await runtime.services.waakvlam.apply_settings(
            CheckinSettings(
                member_id=self.member_id,
                enabled=True,
                contacts=tuple(members[c].id for c in contacts if c != subject),
                professional_ok=professional_ok,
            )
        )
        self.switched_on_at = clock.now()

    # -- finding buttons like a person does ---------------------------------------------------

    def newest_button(self, name: str, label: str, prefix: str, *, oldest: bool = False):
        chat = self.user(name).id
        found = [
            (message, button["callback_data"])
            for message in self.emu.bot_messages(chat)
            for button in self.emu.buttons(message)
            if button["text"] == label and button.get("callback_data", "").startswith(prefix)
        ]
        if not found:
            return None
        return found[0] if oldest else found[-1]

    async def press(self, name: str, found) -> None:
        message, data = found
        update = await self.emu.press_button(
            self.user(name).id, message["chat"]["id"], message["message_id"], data
        )
        await self.world.handled(update)

    async def tap_label(self, name: str, label: str) -> bool:
        for message in reversed(self.emu.bot_messages(self.user(name).id)[-3:]):
            for button in self.emu.buttons(message):
                if button["text"] == label and "callback_data" in button:
                    await self.press(name, (message, button["callback_data"]))
                    return True
        return False

    async def say(self, name: str, text: str) -> None:
        user = self.user(name)
        await self.world.handled(await self.emu.send_text(user.id, user.id, text))

    # -- rules: time -------------------------------------------------------------------------

    @rule(minutes=st.sampled_from([1, 5, 20, 45, 60, 90, 150, 300, 720]))
    def wait(self, minutes):
        self.world.clock.advance(minutes=minutes)
        self.run(self.settle())

    @rule(events=st.integers(1, 5))
    def through_the_next_events(self, events):
        """Time moves to the next thing the bot has planned, and the next (a ladder
        climbing while nobody answers), checking after each."""

        async def go():
            due = await self.world.runtime.db.fetchvalue(
                "SELECT MIN(due_at) FROM timers WHERE status = 'pending'"
            )
            if due is not None and from_db(due) > self.world.clock.now():
                self.world.clock.set(from_db(due))
            await self.settle()

        for _ in range(events):
            self.run(go())
            self.promises_hold()

    @rule()
    def restart(self):
        self.run(self.world.restart())
        self.run(self.settle())

    @rule(hours=st.sampled_from([1, 3, 9, 30]))
    def down_for_hours(self, hours):
        self.run(self.world.restart(down_for=dt.timedelta(hours=hours)))
        self.run(self.settle())

    # -- rules: the member -------------------------------------------------------------------

    @precondition(lambda self: self.subject not in self.gone)
    @rule(label=st.sampled_from(list(ANSWERS)), oldest=st.booleans())
    def member_answers(self, label, oldest):
        found = self.newest_button(self.subject, label, "wv:", oldest=oldest)
        if found is None:
            return
        round_id = int(found[1].split(":")[1])
        counts = {u.id: len(self.emu.bot_messages(u.id)) for u in self.people.values()}
        before = self.run(self.need_of(round_id))
        self.run(self.press(self.subject, found))
        after = self.run(self.need_of(round_id))
        if after != before and after in ("contact", "notwell"):  # taken as a new need
            # What the member was told in answer: not a worry that reached them (as
            # voorzitter) in the same moment.
            subject = self.user(self.subject).id
            new = self.world.texts(subject)[counts[subject] :]
            reply = "\n".join(t for t in new if "💭" not in t)
            self.need_taps.append((round_id, after, counts, reply))
        if ANSWERS[label] in ("contact", "notwell"):
            # Whatever button it was, the need is in a round that is open now.
            needs = self.run(self.open_needs())
            wanted = {"contact": {"contact", "notwell"}, "notwell": {"notwell"}}[ANSWERS[label]]
            assert needs & wanted, f"{label!r} on round {round_id} was not taken: {needs}"
        self.run(self.settle())

    async def open_needs(self) -> set[str]:
        rows = await self.world.runtime.db.fetchall(
            "SELECT need FROM checkin_rounds WHERE member_id = ? AND status = 'open'",
            (self.member_id,),
        )
        return {row[0] for row in rows}

    async def need_of(self, round_id: int) -> str | None:
        return await self.world.runtime.db.fetchvalue(
            "SELECT need FROM checkin_rounds WHERE id = ? AND status = 'open'", (round_id,)
        )

    @precondition(lambda self: self.subject not in self.gone)
    @rule(events=st.integers(2, 5), label=st.sampled_from(list(ANSWERS)))
    def member_answers_late(self, events, label):
        """The ladder climbs while the member is silent; then they answer after all."""
        self.through_the_next_events(events)
        self.member_answers(label, oldest=False)

    @precondition(lambda self: self.subject not in self.gone)
    @rule(
        words=st.sampled_from(
            [
                ("ik voel me niet zo lekker", "😟 Ja, laat het ze weten", "notwell"),
                ("wil iemand me even bellen?", "☕ Ja, graag", "contact"),
            ]
        )
    )
    def member_says_it_in_words(self, words):
        """Outside any question, in their own words, then a yes: the same need as a tap."""
        text, label, need = words
        self.run(self.say(self.subject, text))
        subject = self.user(self.subject).id
        counts = {u.id: len(self.emu.bot_messages(u.id)) for u in self.people.values()}
        found = self.newest_button(self.subject, label, "fw:")
        if found is None:
            return  # the words went to a wizard the member is in
        newest = "SELECT id, need FROM checkin_rounds WHERE member_id = ? AND status = 'open' "
        newest += "ORDER BY id DESC LIMIT 1"
        db = self.world.runtime.db
        before = self.run(db.fetchone(newest, (self.member_id,)))
        self.run(self.press(self.subject, found))
        wanted = {"contact": {"contact", "notwell"}, "notwell": {"notwell"}}[need]
        needs = self.run(self.open_needs())
        assert needs & wanted, f"{text!r} and a yes were not taken: {needs}"
        after = self.run(db.fetchone(newest, (self.member_id,)))
        new = self.world.texts(subject)[counts[subject] :]
        assert [t for t in new if "💭" not in t], "the member heard nothing after the yes"
        if after is not None and (before is None or tuple(before) != tuple(after)):
            reply = "\n".join(t for t in new if "💭" not in t)
            self.need_taps.append((after[0], after[1], counts, reply))
        self.run(self.settle())

    @precondition(lambda self: self.subject not in self.gone)
    @rule()
    def member_says_something(self):
        self.run(self.say(self.subject, "hallo, ik ben er"))
        self.run(self.settle())

    @precondition(lambda self: self.subject not in self.gone)
    @rule(how=st.sampled_from(["holiday", "hospital", "off"]))
    def pause(self, how):
        open_before = self.run(self.open_rounds())
        moment = self.world.clock.now()
        stopped_before = self.stopped
        self.stopped = False

        async def go():
            if how == "hospital" and self.subject != "Henk" and "Henk" not in self.gone:
                await self.say("Henk", "/waakvlam")
                if await self.tap_label("Henk", self.subject) and await self.tap_label(
                    "Henk", "🏥 In het ziekenhuis"
                ):
                    self.stopped = True
                return
            await self.say(self.subject, "/waakvlam")
            if how == "off":
                self.stopped = await self.tap_label(self.subject, "Uitzetten")
            else:
                self.stopped = await self.tap_label(
                    self.subject, "🧳 Op vakantie"
                ) and await self.tap_label(self.subject, "1 week")

        self.run(go())
        if self.stopped:
            from storage.timefmt import to_db

            self.pauses.append((to_db(moment), open_before))
        self.stopped = self.stopped or stopped_before
        self.run(self.settle())

    async def open_rounds(self) -> list[int]:
        rows = await self.world.runtime.db.fetchall(
            "SELECT id FROM checkin_rounds WHERE member_id = ? AND status = 'open'",
            (self.member_id,),
        )
        return [row[0] for row in rows]

    @precondition(lambda self: self.subject not in self.gone)
    @rule()
    def resume(self):
        async def go():
            await self.say(self.subject, "/waakvlam")
            if not await self.tap_label(self.subject, "▶️ Weer aanzetten"):
                await self.tap_label(self.subject, "✅ Aanzetten")

        self.run(go())
        self.run(self.settle())

    # -- rules: the neighbours ----------------------------------------------------------------

    @rule(
        name=st.sampled_from(["Henk", "Sandra", "Jan", "Fatima", "Bea"]),
        action=st.sampled_from(["going", "ok"]),
    )
    def neighbour_taps(self, name, action):
        if name not in self.people or name == self.subject:
            return
        for label in (
            ("🚶 Ik ga even kijken / bellen",)
            if action == "going"
            else (
                "✅ Ik heb contact gehad, alles goed",
                "✅ Ik heb contact gehad",
            )
        ):
            found = self.newest_button(name, label, "wn:")
            if found is not None:
                self.run(self.press(name, found))
                break
        self.run(self.settle())

    @rule(
        name=st.sampled_from(["Henk", "Sandra", "Riet", "Jan", "Fatima", "Bea"]), loud=st.booleans()
    )
    def blocks_the_bot(self, name, loud):
        if name not in self.people:
            return
        self.ever_blocked.add(name)
        if loud:
            self.run(self.blocked_loudly(name))
        else:
            self.user(name).blocked_bot = True
        self.run(self.settle())

    @rule(name=st.sampled_from(["Henk", "Sandra", "Riet", "Jan", "Fatima", "Bea"]))
    def unblocks_the_bot(self, name):
        if name not in self.people or not self.user(name).blocked_bot:
            return
        self.run(self.unblocked(name))
        self.run(self.settle())

    async def blocked_loudly(self, name: str) -> None:
        await self.world.handled(await self.emu.block_bot(self.user(name).id))

    async def unblocked(self, name: str) -> None:
        await self.world.handled(await self.emu.unblock_bot(self.user(name).id))

    @precondition(lambda self: "Sandra" not in self.gone)
    @rule()
    def sandra_changes_role(self):
        async def go():
            store = self.world.store
            sandra = await store.member_of(self.circle_id, self.user("Sandra").id)
            if sandra is None:
                return
            async with store.db.write() as tx:
                role = "lid" if sandra.role == "superbuur" else "superbuur"
                await store.set_role(tx, sandra.id, role)

        self.run(go())

    @rule(name=st.sampled_from(["Sandra", "Jan", "Riet"]))
    def voorzitter_removes(self, name):
        if name in self.gone or "Henk" in self.gone or name == "Henk":
            return

        async def go():
            await self.say("Henk", "/cirkel")
            if not await self.tap_label("Henk", "Rollen aanpassen"):
                return
            member = await self.world.store.member_of(self.circle_id, self.user(name).id)
            labels = [
                b["text"] for b in self.emu.buttons(self.emu.bot_messages(self.user("Henk").id)[-1])
            ]
            label = next((x for x in labels if x.startswith(f"{name} — ")), None)
            if member is None or label is None:
                return
            if (
                await self.tap_label("Henk", label)
                and await self.tap_label("Henk", "Uit de kring halen")
                and await self.tap_label("Henk", "Ja, uit de kring halen")
            ):
                self.gone.add(name)

        self.run(go())
        self.run(self.settle())

    @rule(name=st.sampled_from(["Sandra", "Jan", "Riet", "Henk"]))
    def asks_to_be_forgotten(self, name):
        if name in self.gone:
            return

        async def go():
            await self.say(name, "/vergeetmij")
            if await self.tap_label(name, "Ja, wis alles"):
                self.gone.add(name)

        self.run(go())
        self.run(self.settle())

    # -- rules: worries ------------------------------------------------------------------------

    @rule(
        sender=st.sampled_from(["Jan", "Sandra", "Riet", "Henk"]),
        about=st.sampled_from(["Henk", "Sandra", "Riet", "Jan", "self"]),
        today=st.booleans(),
    )
    def shares_a_worry(self, sender, about, today):
        if sender in self.gone or sender == about or (about != "self" and about in self.gone):
            return

        async def go():
            await self.say(sender, "💭 Ik maak me zorgen")
            # Whom it is about, then the summary: what it is about and how soon are
            # ticked there ("Deze week" until "Vandaag" is tapped).
            steps = (
                "Over mezelf" if about == "self" else about,
                "Eenzaamheid",
                *(["Vandaag"] if today else []),
                "✅ Versturen",
            )
            for label in steps:
                if not await self.tap_label(sender, label):
                    return
            signal_id = await self.world.runtime.db.fetchvalue("SELECT MAX(id) FROM signals")
            self.worries[signal_id] = (sender, sender if about == "self" else about)
            reply = self.world.texts(self.user(sender).id)[-1]
            if reply.startswith("Je zorg is verstuurd naar "):
                self.worry_replies[signal_id] = reply

        self.run(go())
        self.run(self.settle())

    @rule(name=st.sampled_from(["Henk", "Fatima", "Bea", "Sandra"]))
    def picks_up_a_worry(self, name):
        if name not in self.people or name in self.gone:
            return
        found = self.newest_button(name, "👍 Ik pak dit op", "zs:")
        if found is not None:
            self.run(self.press(name, found))
        self.run(self.settle())

    # -- invariants ----------------------------------------------------------------------------

    def candidates(self, need: str) -> list[str]:
        """Who may be told about the member and can be reached at all."""
        names = []
        for name, user in self.people.items():
            if name == self.subject or name in self.gone or user.blocked_bot:
                continue
            if name == "Fatima" and not (self.professional_ok and need != "contact"):
                continue
            names.append(name)
        return names

    def remember_buttons(self) -> None:
        """What each person was sent with buttons, kept as delivered: a tap later takes
        the buttons off a message, which must not make it look as if it never came."""
        for name, user in self.people.items():
            for message in self.emu.bot_messages(user.id):
                datas = {b.get("callback_data", "") for b in self.emu.buttons(message)}
                if datas:
                    key = (name, message["message_id"])
                    self.sent_buttons.setdefault(key, set()).update(datas)

    def buttons_for(self, name: str, prefix: str) -> bool:
        """Was ``name`` ever sent a button whose data starts with ``prefix``?"""
        return any(
            data.startswith(prefix)
            for (who, _), datas in self.sent_buttons.items()
            if who == name
            for data in datas
        )

    def delivered_about(
        self,
        round_id: int,
        since: dict[int, int] | None = None,
        until: dict[int, int] | None = None,
    ) -> set[str]:
        """Who (not the member) was sent the ladder's buttons for this round (between
        two moments, given as the number of messages each chat had then)."""
        told = set()
        for name, user in self.people.items():
            if name == self.subject:
                continue
            sent = self.emu.bot_messages(user.id)
            end = (until or {}).get(user.id, len(sent))
            for message in sent[(since or {}).get(user.id, 0) : end]:
                datas = self.sent_buttons.get((name, message["message_id"]), set())
                if any(data.startswith(f"wn:{round_id}:") for data in datas):
                    told.add(name)
        return told

    @invariant()
    def promises_hold(self):
        if self.world is None:
            return
        self.remember_buttons()
        self.run(self._check())

    async def _check(self):
        db = self.world.runtime.db
        now = self.world.clock.now()
        rounds = await db.fetchall(
            "SELECT id, status, need, ended, stage, closed_at, created_at, due_at, closed_by "
            "FROM checkin_rounds WHERE member_id = ? ORDER BY id",
            (self.member_id,),
        )
        for r in rounds:
            round_id, status, need, ended, _stage, closed_at, created_at, _due, closed_by = r
            notices = await db.fetchall(
                "SELECT n.user_id, n.kind, n.created_at, o.status, o.sent_at, o.text "
                "FROM round_notices n LEFT JOIN outbox o ON o.id = n.outbox_id "
                "WHERE n.round_id = ? ORDER BY n.id",
                (round_id,),
            )
            acting = [n for n in notices if n[1] in ("visit", "alert", "answer")]
            questions = [n for n in notices if n[1] == "question"]
            nobody = not self.candidates(need)
            if nobody:
                self.exempt_rounds.add(round_id)

            # 2. No untruth: "alles is goed" only after the member or a confirmation.
            for n in notices:
                if n[1] == "outcome" and n[3] == "sent" and "alles is goed" in n[5].lower():
                    assert ended == "ok" or (ended == "confirmed" and need == "silence"), (
                        f"round {round_id} ({ended}, {need}) told someone all is well: {n[5]}"
                    )

            # 3. A closed round asks nobody any more; everyone asked hears it ended.
            if status == "closed":
                late = [n for n in acting if n[2] > closed_at]
                assert not late, f"round {round_id} closed at {closed_at} but asked {late}"
                heard = {n[0] for n in notices if n[1] == "outcome"}
                gone_ids = {self.user(x).id for x in self.gone}
                for n in acting:
                    if n[3] == "sent" and n[0] not in (closed_by, *gone_ids):
                        assert n[0] in heard, f"round {round_id} ended; {n[0]} not told"

            # 1. A silence reaches a human once the neighbours' step is due.
            if status == "open" and round_id not in self.exempt_rounds:
                if need == "silence":
                    asked = from_db(questions[0][4]) if questions and questions[0][4] else None
                    start = asked or from_db(created_at)
                    due = start + ASK_AGAIN + NEIGHBOURS
                    if now >= due:
                        assert self.delivered_about(round_id), (
                            f"round {round_id}: silent since {start}, nobody told by {now}"
                        )
                else:
                    assert self.delivered_about(round_id), (
                        f"round {round_id}: the member asked for {need}; nobody was told"
                    )

            # 4. Asked again only ``ask_again`` after the question reached them.
            if len(questions) >= 2 and questions[0][4]:
                assert from_db(questions[1][2]) >= from_db(questions[0][4]) + ASK_AGAIN, (
                    f"round {round_id}: asked again too soon"
                )

        # 2. After "contact" / "not well", everyone asked before hears it as it is.
        for round_id, need, counts, reply in (
            self.need_taps if self.subject not in self.gone else ()
        ):
            before = self.delivered_about(round_id, until=counts)
            after = self.delivered_about(round_id, since=counts)
            for name in before:
                if name not in self.gone and name not in self.ever_blocked:
                    assert name in after, (
                        f"{name} was asked about round {round_id}, not told {need}"
                    )
            forgotten = await db.fetchvalue(
                # Retention forgets who was told about a round closed 30 days ago.
                "SELECT status = 'closed' AND due_at < ? FROM checkin_rounds WHERE id = ?",
                (to_db(now - RETENTION), round_id),
            )
            if forgotten:
                continue
            notified = {
                row[0]
                for row in await db.fetchall(
                    "SELECT user_id FROM round_notices WHERE round_id = ? "
                    "AND kind IN ('alert', 'answer')",
                    (round_id,),
                )
            }
            for name, user in self.people.items():
                if name != self.subject and name in reply and name not in self.gone:
                    assert user.id in notified, f"the member was told {name} was asked: {reply}"

        # 3. A pause stops the rounds that were running: closed, nobody asked after it.
        for paused_at, open_then in self.pauses:
            for round_id in open_then:
                row = await db.fetchone(
                    "SELECT status FROM checkin_rounds WHERE id = ?", (round_id,)
                )
                if row is None:
                    continue  # the member is gone, and the round with them
                assert row[0] == "closed", f"round {round_id} still runs after a pause"
                later = await db.fetchall(
                    "SELECT user_id FROM round_notices WHERE round_id = ? AND created_at > ? "
                    "AND kind IN ('visit', 'alert', 'answer')",
                    (round_id, paused_at),
                )
                assert not later, f"round {round_id} asked {later} after the pause"

        # 4. Never skipped: each 10:00 that passed while the check-in was on has a round.
        if not self.stopped and self.subject not in self.gone:
            local = now.astimezone(TZ)
            moment = dt.datetime.combine(local.date(), dt.time(10), tzinfo=TZ)
            if moment > local:
                moment -= dt.timedelta(days=1)
            moment = dt.datetime.combine(moment.date(), dt.time(10), tzinfo=TZ)
            if moment >= self.switched_on_at:
                assert any(from_db(r[7]) >= moment for r in rounds), (
                    f"the check-in of {moment} was skipped"
                )

        # Worries: never to the person they are about; never without an owner in sight.
        for signal_id, (sender, about) in self.worries.items():
            row = await db.fetchone("SELECT status FROM signals WHERE id = ?", (signal_id,))
            if row is None:
                continue
            if about != sender:
                assert not self.buttons_for(about, f"zs:{signal_id}:"), (
                    f"worry {signal_id} about {about} reached {about}"
                )
            if sender in self.gone:
                continue
            sender_told = await db.fetchvalue(
                "SELECT COUNT(*) FROM signal_notices WHERE signal_id = ? "
                "AND step IN ('sender', 'nobody')",
                (signal_id,),
            )
            # "Sent to X": X got it, or the sender heard otherwise since.
            said = self.worry_replies.get(signal_id, "").removeprefix("Je zorg is verstuurd naar ")
            for name in self.people:
                if name in said.split(". ")[0] and name not in self.gone:
                    assert self.buttons_for(name, f"zs:{signal_id}:") or sender_told, (
                        f"{sender} was told the worry went to {name}; it did not"
                    )
            if row[0] != "open":
                continue
            owners = {
                name
                for name in self.people
                if name not in (sender, about) and self.buttons_for(name, f"zs:{signal_id}:ack")
            }
            reachable = [
                n
                for n in ("Henk", "Fatima", "Bea")
                if n in self.people
                and n not in (sender, about, *self.gone)
                and not self.user(n).blocked_bot
            ]
            assert owners or sender_told or not reachable, (
                f"worry {signal_id} from {sender}: nobody can pick it up, and {sender} was not told"
            )

        # 5. Nothing ends in a log line.
        assert await self.world.store.timers("failed") == []
        assert not await db.fetchall("SELECT update_id FROM inbox WHERE status = 'failed'")
        for record in self.recorder.records:
            message = record.getMessage()
            assert record.levelno == logging.CRITICAL and any(x in message for x in NOBODY), (
                f"logged: {record.levelname} {message}"
            )


LadderModel.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    derandomize=not RANDOM,
    suppress_health_check=list(HealthCheck),
    phases=[p for p in Phase if p != Phase.shrink or not os.environ.get("OMKIJK_MODEL_NOSHRINK")],
)
test_the_ladder_keeps_its_promises = LadderModel.TestCase
