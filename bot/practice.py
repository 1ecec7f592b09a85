"""Practice mode: the emulator, the bot against it, and a page to be several people at once.

How a kwartiermaker demonstrates the bot in a buurtkamer, and how a newcomer
sees it work, without a Telegram account.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
from pathlib import Path
from typing import Any

from bot.app import Runtime
from bot.config import Settings
from bot.demo import Demo, DemoError
from core.clock import SystemClock
from core.i18n import N_, I18n, normalise_language, page_messages
from emulator.core import Emulator
from emulator.server import STATIC, EmulatorServer
from emulator.world import SNAPSHOT_VERSION
from scheduling.builtin import HOUSEKEEPING
from storage.database import Database
from storage.store import Store

log = logging.getLogger(__name__)

PRACTICE_DB = Path("./omkijk-practice.sqlite3")
# The emulator's world (people, chats, messages, files) beside it: a restart keeps it.
WORLD_FILE = Path("./omkijk-practice.world.json")
SIDECARS = ("-wal", "-shm", "-journal")
SAVE_AFTER = 1.0  # real seconds after a change before the world is written

PRACTICE_GROUP_ID = -4_000_001

# The practice circle. Fixed ids, so a restart finds the same people in the database.
# The role is a hint on the page (translated there), not a role in the bot.
PEOPLE = [
    (101, "Riet", N_("member, 82")),
    (102, "Sandra", N_("superbuur")),
    (103, "Henk", N_("voorzitter")),
    (104, "Fatima", N_("neighbourhood team")),
    (105, "Jan", N_("member")),
    (106, "Bea", N_("beheerder")),
]
# Bea runs the bot for the neighbourhood (OMKIJK_ADMIN_IDS): the last rung of every
# ladder. She is not in the circle's group, and she started the bot once, as a
# beheerder does, so the bot can write to her.
BEHEERDER = 106


def seed_practice_world(emulator: Emulator) -> None:
    for user_id, name, role in PEOPLE:
        emulator.add_user(name, user_id=user_id, role_hint=role)
    emulator.users[BEHEERDER].started_bot = True
    group = emulator.add_group("Buurtkring Zandweerd", [101, 102, 103, 105], admins=[103])
    assert group.id == PRACTICE_GROUP_ID


# The speeds a trainer can choose on the page: real seconds to the bot's.
SPEEDS = {
    1: N_("real time"),
    60: N_("1 second is 1 minute"),
    600: N_("1 second is 10 minutes"),
    3600: N_("1 second is 1 hour"),
}
# "To the next event" passes over the nightly housekeeping: nobody sees it happen.
QUIET_TIMERS = (HOUSEKEEPING,)
MOST_MINUTES = 7 * 24 * 60  # one move of the clock: at most a week


class PageHooks:
    """What the emulator's page gets from practice mode: its texts in every language,
    each person's language, and the bot's clock to see and move."""

    def __init__(self, practice: Practice | None, i18n: I18n) -> None:
        self.practice = practice
        self.i18n = i18n
        msgids = [*page_messages(STATIC), *(role for _id, _name, role in PEOPLE)]
        self._texts = {
            language: {msgid: translator.gettext(msgid) for msgid in msgids}
            for language, translator in i18n.all().items()
        }

    def page_texts(self) -> dict[str, dict[str, str]]:
        return self._texts

    async def languages(self) -> dict[int, str]:
        """The language the bot speaks to each person: the page follows it."""
        runtime, server = self.practice.runtime, self.practice.server
        if server is None:
            return {}
        store = runtime.services.store if runtime and runtime.services else None
        found = {}
        for user in server.emulator.users.values():
            person = await store.user(user.id) if store else None
            found[user.id] = person.language if person else normalise_language(user.language_code)
        return found

    async def clock(self, language: str) -> dict[str, Any]:
        """The bot's clock as the page shows it: the moment, the speed, the next event."""
        assert self.practice is not None
        clock, t = self.practice.clock, self.i18n.for_language(language)
        speeds = dict(SPEEDS)
        if clock.scale not in speeds:  # OMKIJK_TIME_SCALE set to another speed
            speeds[clock.scale] = N_("{n} times as fast")
        upcoming = await self._next_event()
        return {
            "now": clock.now().isoformat(),
            "label": t.datetime(clock.now()),
            "scale": clock.scale,
            "speeds": [
                {"scale": scale, "label": t.gettext(label, n=f"{scale:g}")}
                for scale, label in sorted(speeds.items())
            ],
            "next": t.datetime(upcoming) if upcoming else None,
        }

    async def _next_event(self) -> dt.datetime | None:
        runtime = self.practice.runtime if self.practice else None
        if runtime is None or runtime.services is None:
            return None
        store, now = runtime.services.store, self.practice.clock.now()
        return await store.next_timer_after(now, skip=QUIET_TIMERS)

    async def demo(self, language: str) -> dict[str, Any]:
        """The guided demo's journeys, texts in ``language``, labels in each person's."""
        demo = self.practice.demo if self.practice else None
        if demo is None:
            return {"journeys": [], "end": ""}
        return {"journeys": await demo.journeys(language), "end": demo.the_end(language)}

    async def demo_action(self, action: str) -> None:
        """One of the demo's own steps; DemoError (a RuntimeError) when not possible now."""
        demo = self.practice.demo if self.practice else None
        if demo is None:
            raise DemoError("practice mode is still starting")
        await demo.act(action, self.practice.clock)

    async def move_clock(self, change: dict[str, Any]) -> None:
        """A trainer's button: forward some minutes, to the next event, or another speed.
        The ticker does what falls due within a second. Raises ValueError on nonsense."""
        assert self.practice is not None
        clock = self.practice.clock
        action = change.get("action")
        if action == "advance":
            minutes = change.get("minutes")
            if not isinstance(minutes, int) or not 0 < minutes <= MOST_MINUTES:
                raise ValueError("minutes: a whole number, at most a week")
            clock.advance(dt.timedelta(minutes=minutes))
        elif action == "next":
            upcoming = await self._next_event()
            if upcoming is not None:
                clock.advance(max(upcoming - clock.now(), dt.timedelta(0)))
        elif action == "speed":
            scale = change.get("scale")
            if scale not in SPEEDS and scale != clock.scale:
                raise ValueError("scale: one of the page's speeds")
            clock.set_scale(float(scale))
        else:
            raise ValueError("action: advance, next or speed")
        log.info("practice: the clock is now %s (speed %g)", clock.now().isoformat(), clock.scale)


class Practice:
    def __init__(self, settings: Settings, *, fresh: bool = False) -> None:
        # Practice data never mixes with a real installation's: whatever `.env` or
        # OMKIJK_DB say (an operator may run `omkijkbot` without a mode in the
        # directory of the real bot), practice mode has its own file.
        if settings.db_path != PRACTICE_DB:
            log.info("practice mode: using its own database, not OMKIJK_DB")
        # The practice beheerder, never a real one from `.env`.
        settings = settings.model_copy(
            update={"db_path": PRACTICE_DB, "webhook_url": None, "admin_ids": [BEHEERDER]}
        )
        self.settings = settings
        self.fresh = fresh
        self.server: EmulatorServer | None = None
        self.runtime: Runtime | None = None
        # One clock for the bot and the emulator's message dates; the page moves it.
        self.clock = SystemClock(settings.time_scale, settings.clock_start)
        self.demo: Demo | None = None
        self._saver: asyncio.Task[None] | None = None
        self._saved = ""

    async def start(self) -> None:
        settings, clock = self.settings, self.clock
        if self.fresh:
            forget_practice()
        saved = load_world()
        # Continue update numbering where the database left off, as Telegram would.
        db = await Database(settings.db_path, readers=1).open()
        highest = await Store(db, clock).highest_update_id()
        await db.close()
        emulator = Emulator(first_update_id=(highest or 0) + 1, now=lambda: clock.now().timestamp())
        if saved is not None:
            emulator.restore(saved["world"])
            # The clock never runs back: it goes on from where it was moved to.
            was = dt.datetime.fromisoformat(saved["clock"])
            clock.advance(max(was - clock.now(), dt.timedelta(0)))
        else:
            seed_practice_world(emulator)
        hooks = PageHooks(self, I18n(settings.tz))
        self.server = await EmulatorServer(
            emulator, "127.0.0.1", settings.practice_port, hooks=hooks
        ).start()
        self.runtime = Runtime(
            settings,
            clock,
            token=emulator.token,
            base_url=self.server.api_url,
            base_file_url=self.server.file_url,
        )
        await self.runtime.start()
        self.demo = Demo(hooks.i18n, emulator, self.runtime, PRACTICE_GROUP_ID)
        if saved is None:
            # Henk (the voorzitter) adds the bot to the group, as a circle would start.
            await emulator.add_bot_to_group(PRACTICE_GROUP_ID, 103)
        self._saver = asyncio.create_task(self._keep_saving(), name="practice-saver")
        if self.fresh:
            how = "Fresh start: the earlier practice chats and data are gone."
        elif saved is not None:
            how = "The practice goes on where it was (start over: omkijkbot practice --fresh)."
        else:
            how = "A new practice circle."
        print(
            f"\n  {how}\n"
            f"  Omkijkbot oefenpagina: {self.server.base_url}/\n"
            f"  (database: {settings.db_path}; stop with Ctrl+C)\n",
            flush=True,
        )

    async def _keep_saving(self) -> None:
        """Keep the emulator's world beside the database, a second after each change, so a
        restart (even a crash) finds the same chats."""
        assert self.server is not None
        emu = self.server.emulator
        while True:
            seen = emu.version
            with contextlib.suppress(TimeoutError):
                await emu.wait_for(lambda seen=seen: emu.version != seen, timeout=3600)
            await asyncio.sleep(SAVE_AFTER)  # a burst of changes makes one write
            await self._save()

    async def _save(self) -> None:
        assert self.server is not None
        world = json.dumps(self.server.emulator.snapshot(), ensure_ascii=False)
        if world == self._saved:
            return  # the bot only polled: nothing new
        text = f'{{"clock": "{self.clock.now().isoformat()}", "world": {world}}}'
        await asyncio.to_thread(_write_privately, WORLD_FILE, text)
        self._saved = world

    async def stop(self) -> None:
        if self._saver is not None:
            self._saver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._saver
        if self.runtime is not None:
            await self.runtime.stop()
        if self.server is not None:
            self._saved = ""  # the clock's last position too
            await self._save()
            await self.server.stop()


def forget_practice() -> None:
    """``--fresh``: the practice database and world go; the next start seeds them anew."""
    for path in (PRACTICE_DB, *(PRACTICE_DB.with_name(PRACTICE_DB.name + s) for s in SIDECARS)):
        path.unlink(missing_ok=True)
    WORLD_FILE.unlink(missing_ok=True)
    log.info("practice: fresh start, the earlier practice data is removed")


def load_world() -> dict[str, Any] | None:
    """The saved world, or None: none yet, unreadable, or its database is gone (a world
    whose bot remembers nothing would only confuse)."""
    if not WORLD_FILE.exists():
        return None
    if not PRACTICE_DB.exists():
        log.info("practice: the saved world has no database beside it; starting anew")
        return None
    try:
        saved = json.loads(WORLD_FILE.read_text(encoding="utf-8"))
        dt.datetime.fromisoformat(saved["clock"])
        if saved["world"].get("snapshot") != SNAPSHOT_VERSION:
            raise ValueError("another snapshot version")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        log.warning("practice: the saved world could not be read; a new one is made")
        return None
    return saved


def _write_privately(path: Path, text: str) -> None:
    """Write a whole file or nothing (a crash mid-way keeps the old one), readable only
    by its owner, like the database."""
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(temporary, path)
