"""UTC timestamps as fixed-width text, so SQL can compare them as strings."""

from __future__ import annotations

import datetime as dt

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def to_db(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to storage; use the clock")
    return moment.astimezone(dt.UTC).strftime(_FORMAT)


def from_db(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, _FORMAT).replace(tzinfo=dt.UTC)
