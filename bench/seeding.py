"""A municipality-sized database, written through the bot's own storage layer.

Circles of ``per_circle`` members (a voorzitter, a superbuur, the rest leden), a
daily check-in at 10:00 for ``checkins_per_circle`` of them (with today's round
open and tomorrow's timer waiting), and one open request per circle. Ids are
predictable so the load driver can act as any member without reading the file.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from core.clock import ManualClock
from core.i18n import I18n
from domain.waakvlam import CheckinSettings
from services.waakvlam import Waakvlam
from storage.database import Database
from storage.store import Store

# Tuesday 24 November 2026, 10:05 in Amsterdam: today's check-ins have just gone out.
SEED_MOMENT = dt.datetime(2026, 11, 24, 9, 5, tzinfo=dt.UTC)
TODAY_DUE = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
SEED_VERSION = 2  # raise when what is seeded changes
FIRST_USER = 1_000_000
FIRST_CHAT = -1_000_000_000


@dataclass(frozen=True)
class Size:
    circles: int = 10_000
    per_circle: int = 12
    checkins_per_circle: int = 3

    @property
    def members(self) -> int:
        return self.circles * self.per_circle

    def user_id(self, circle: int, seat: int) -> int:
        return FIRST_USER + circle * self.per_circle + seat

    def chat_id(self, circle: int) -> int:
        return FIRST_CHAT - circle

    # Row ids follow insertion order in a fresh file.
    def member_id(self, circle: int, seat: int) -> int:
        return circle * self.per_circle + seat + 1

    def round_id(self, circle: int, seat: int) -> int:
        """Today's round of a check-in member (seats 2 .. 2 + checkins_per_circle)."""
        return circle * self.checkins_per_circle + (seat - 2) + 1

    def request_id(self, circle: int) -> int:
        return circle + 1

    def file_name(self) -> str:
        size = f"{self.circles}x{self.per_circle}-{self.checkins_per_circle}"
        return f"omkijk-v{SEED_VERSION}-{size}.sqlite3"  # a new version seeds again


async def seed(path: Path, size: Size, tz: ZoneInfo, batch: int = 500) -> None:
    database = await Database(path).open()
    clock = ManualClock(SEED_MOMENT)
    store = Store(database, clock)
    # The waakvlam's own scheduling, so the timers are exactly what the bot makes.
    waakvlam = Waakvlam(store, I18n(tz), clock, [])
    try:
        for first in range(0, size.circles, batch):
            async with store.db.write() as tx:
                for c in range(first, min(first + batch, size.circles)):
                    await _seed_circle(store, waakvlam, tx, size, c)
    finally:
        await database.close()


async def _seed_circle(store: Store, waakvlam: Waakvlam, tx, size: Size, c: int) -> None:
    circle_id = await store.create_circle(tx, size.chat_id(c), f"Kring {c}", f"k{c}")
    for seat in range(size.per_circle):
        user_id = size.user_id(c, seat)
        # The name the emulator's open world gives this person: a name that changed
        # since last time is written again, which a real busy hour rarely has.
        await store.ensure_user(tx, user_id, f"Buur {user_id}", reachable=True)
        role = "voorzitter" if seat == 0 else "superbuur" if seat == 1 else "lid"
        member_id = await store.add_member(
            tx, circle_id, user_id, f"Buur{seat}", role, consented=True
        )
        assert member_id == size.member_id(c, seat)
        if 2 <= seat < 2 + size.checkins_per_circle:
            settings = CheckinSettings(member_id=member_id, enabled=True)
            await store.save_checkin_settings(tx, settings)
            round_id = await store.start_round(tx, member_id, TODAY_DUE)
            assert round_id == size.round_id(c, seat)
            await waakvlam.schedule_next(tx, settings, SEED_MOMENT)
    request_id = await store.create_request(
        tx,
        circle_id=circle_id,
        member_id=size.member_id(c, size.per_circle - 1),
        asked_by=size.user_id(c, size.per_circle - 1),
        kind="groceries",
        day=dt.date(2026, 11, 25),
        at_minutes=12 * 60,
        details=None,
        voice_file_id=None,
        visibility="circle",
    )
    assert request_id == size.request_id(c)


def seeded_copy(size: Size, cache: Path, work: Path, tz: ZoneInfo) -> tuple[Path, float]:
    """A fresh copy of the seeded file (seeded once and kept in ``cache``); seconds seeding."""
    cache.mkdir(parents=True, exist_ok=True)
    cached = cache / size.file_name()
    seconds = 0.0
    if not cached.exists():
        partial = cached.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        started = time.perf_counter()
        asyncio.run(seed(partial, size, tz))
        seconds = time.perf_counter() - started
        partial.rename(cached)
    target = work / "omkijk.sqlite3"
    shutil.copyfile(cached, target)
    return target, seconds
