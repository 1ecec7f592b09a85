"""Local time, one rule: "the next time a local clock reads HH:MM on one of these days".

Used for check-ins, the weekly summary and nightly housekeeping. ``combine()`` with
a ZoneInfo takes each day's own offset, so 10:00 stays 10:00 across daylight saving.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

EVERY_DAY = frozenset(range(7))


def next_local_time(
    after: dt.datetime,
    tz: dt.tzinfo,
    at: dt.time,
    weekdays: Iterable[int] = EVERY_DAY,
    skip: Callable[[dt.date], bool] = lambda day: False,
    horizon_days: int = 400,
) -> dt.datetime | None:
    """The first moment strictly after ``after`` (UTC) that reads ``at`` locally on one of
    ``weekdays`` (Monday = 0) and is not ``skip``-ped. None within the horizon: never."""
    days = frozenset(weekdays)
    start = after.astimezone(tz).date()
    for offset in range(horizon_days):
        day = start + dt.timedelta(days=offset)
        if day.weekday() not in days or skip(day):
            continue
        moment = dt.datetime.combine(day, at, tzinfo=tz).astimezone(dt.UTC)
        if moment > after:
            return moment
    return None


def local_midnight(moment: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """The start of ``moment``'s local day, in UTC."""
    day = moment.astimezone(tz).date()
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(dt.UTC)
