"""One clock for all domain code, so tests and trainers can move time.

Everything is UTC inside; local time (Europe/Amsterdam) only at the edges.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current moment, timezone-aware, in UTC."""
        ...

    def real_seconds(self, simulated: dt.timedelta) -> float:
        """How long a span of this clock's time takes in real seconds (a trainer's
        faster clock: fewer)."""
        ...


class SystemClock:
    """Real time, optionally started at another moment and/or running faster.

    With ``scale=60`` one real second counts as a minute, so a trainer can show a
    whole waakvlam ladder (hours) in a few minutes.
    """

    def __init__(
        self,
        scale: float = 1.0,
        start: dt.datetime | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if scale <= 0:
            raise ValueError("scale must be positive")
        self.scale = scale
        self._monotonic = monotonic
        self._real_origin = monotonic()
        self._origin = (start or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        elapsed = (self._monotonic() - self._real_origin) * self.scale
        return self._origin + dt.timedelta(seconds=elapsed)

    def real_seconds(self, simulated: dt.timedelta) -> float:
        """How long a simulated span takes in real seconds."""
        return simulated.total_seconds() / self.scale

    # A trainer moves time while the bot runs (practice mode): only forward, so nothing
    # that happened is undone; what falls due is done at the next look at the schedule.

    def advance(self, delta: dt.timedelta) -> dt.datetime:
        if delta < dt.timedelta(0):
            raise ValueError("the clock only moves forward")
        self._origin += delta
        return self.now()

    def set_scale(self, scale: float) -> None:
        """Run faster or slower from this moment on, without a jump."""
        if scale <= 0:
            raise ValueError("scale must be positive")
        self._origin, self._real_origin = self.now(), self._monotonic()
        self.scale = scale


class ManualClock:
    """A clock that only moves when told to. For tests."""

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        return self._now

    def advance(self, delta: dt.timedelta | None = None, **kwargs: float) -> dt.datetime:
        self._now += delta if delta is not None else dt.timedelta(**kwargs)
        return self._now

    def set(self, moment: dt.datetime) -> None:
        self._now = moment.astimezone(dt.UTC)

    def real_seconds(self, simulated: dt.timedelta) -> float:
        return simulated.total_seconds()
