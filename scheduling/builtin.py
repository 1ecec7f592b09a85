"""Timer kinds every installation has: nightly housekeeping, and the name of the plain
notice (whose message ``services.notices`` writes)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from domain.calendar import next_local_time
from scheduling.timers import Scheduler, TimerRun
from storage.timefmt import to_db

log = logging.getLogger(__name__)

NOTICE = "notice"  # one message at a given moment: services.notices sends it
HOUSEKEEPING = "housekeeping"
INBOX_KEEP = dt.timedelta(days=7)


@dataclass(frozen=True)
class Retention:
    requests: dt.timedelta = dt.timedelta(days=90)
    checkins: dt.timedelta = dt.timedelta(days=30)
    signals: dt.timedelta = dt.timedelta(days=365)
    messages: dt.timedelta = dt.timedelta(days=30)


def register_builtin_timers(
    scheduler: Scheduler, tz: dt.tzinfo, retention: Retention | None = None
) -> None:
    keep = retention or Retention()

    async def housekeeping(run: TimerRun) -> None:
        now = run.clock.now()
        pruned = await run.store.prune_inbox(now - INBOX_KEEP, tx=run.tx)
        forgotten = await run.store.forget_old_content(
            run.tx,
            requests_before=to_db(now - keep.requests),
            checkins_before=to_db(now - keep.checkins),
            signals_before=to_db(now - keep.signals),
            messages_before=to_db(now - keep.messages),
        )
        # Counts only: no ids or content in the log.
        log.info("housekeeping: forgot %d handled updates, old content %s", pruned, forgotten)
        await schedule_housekeeping(run, tz)

    scheduler.register(HOUSEKEEPING, housekeeping)


async def schedule_housekeeping(run_or_scheduler: TimerRun | Scheduler, tz: dt.tzinfo) -> None:
    store = run_or_scheduler.store
    tx = run_or_scheduler.tx if isinstance(run_or_scheduler, TimerRun) else None
    due = next_local_time(run_or_scheduler.clock.now(), tz, dt.time(3, 30))
    await store.schedule(HOUSEKEEPING, due, dedupe_key=f"housekeeping:{due.date()}", tx=tx)
