"""Local time, one rule: "the next time a local clock reads HH:MM on one of these days";
and a time of day as people type it.

Used for check-ins, the weekly summary and nightly housekeeping. ``combine()`` with
a ZoneInfo takes each day's own offset, so 10:00 stays 10:00 across daylight saving.
"""

from __future__ import annotations

import datetime as dt
import re
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


# -- a time of day as people type it -----------------------------------------------------

_HOUR_WORDS = {
    "een": 1,
    "één": 1,
    "twee": 2,
    "drie": 3,
    "vier": 4,
    "vijf": 5,
    "zes": 6,
    "zeven": 7,
    "acht": 8,
    "negen": 9,
    "tien": 10,
    "elf": 11,
    "twaalf": 12,
}
_DIGITS = re.compile(r"(\d{1,2})(?:\s*[.:,h]\s*(\d{2}))?")
_PACKED = re.compile(r"(\d{1,2})(\d{2})")  # "930", "0930"
_SPOKEN = re.compile(r"(half|kwart over|kwart voor)?\s*([a-zé]+|\d{1,2})")


def parse_time(text: str) -> dt.time | None:
    """A time of day as someone types it: "9.30", "9:30", "09.30", "0930", "9", "9 uur",
    "21.00", "9.30 pm", and the Dutch spoken forms "half tien" (9:30), "kwart over negen",
    "tien uur". Digits alone are read on a 24-hour clock; the spoken forms name an hour
    from one to twelve, which is the morning from seven and the afternoon before it
    ("half drie" is 14:30: nobody is asked at half past two at night). None when it is
    no time of day."""
    words = " ".join(text.lower().split())
    words = re.sub(r"\s*(uur|u|h)\.?$", "", words)
    pm = re.search(r"\s*(a\.?m\.?|p\.?m\.?)$", words)
    if pm:
        words = words[: pm.start()]
    match = _DIGITS.fullmatch(words) or _PACKED.fullmatch(words)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
    else:
        spoken = _SPOKEN.fullmatch(words)
        if spoken is None:
            return None
        part, name = spoken.groups()
        hour = int(name) if name.isdigit() else _HOUR_WORDS.get(name, -1)
        if not 1 <= hour <= 12:
            return None
        hour, minute = {
            None: (hour, 0),
            "half": (hour - 1, 30),
            "kwart over": (hour, 15),
            "kwart voor": (hour - 1, 45),
        }[part]
        if hour < 7 and pm is None:
            hour += 12
    if pm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if pm.group(1).startswith("p") else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return dt.time(hour, minute)


def local_midnight(moment: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """The start of ``moment``'s local day, in UTC."""
    day = moment.astimezone(tz).date()
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(dt.UTC)
