"""systemd's readiness and watchdog (sd_notify), when systemd started the bot.

Under systemd (``NOTIFY_SOCKET`` set; ``Type=notify`` in ``contrib/omkijkbot.service``)
the bot says READY once it is running, STOPPING when it stops, and feeds the watchdog
from the ticker: a bot whose ticker stopped (a hung event loop, a database that never
answers) is killed and started again. Telegram being unreachable or a send backlog is
no reason to restart (a new process would not do better): the health endpoint
(bot/health.py) reports those, for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import logging
import os

import sdnotify

from core.clock import Clock

log = logging.getLogger(__name__)


class Systemd:
    """sd_notify: READY when running, STOPPING when stopping, and the watchdog fed by
    the ticker. Does nothing unless systemd started us (``NOTIFY_SOCKET``)."""

    def __init__(self, clock: Clock) -> None:
        environ = os.environ
        self.clock = clock
        self._notifier: sdnotify.SystemdNotifier | None = None
        self.watchdog_every: dt.timedelta | None = None  # real time between pings
        self._last_ping: dt.datetime | None = None
        if not environ.get("NOTIFY_SOCKET"):
            return
        try:
            self._notifier = sdnotify.SystemdNotifier(debug=True)
        except OSError as exc:
            log.warning("NOTIFY_SOCKET is set but cannot be used (%s); not telling systemd", exc)
            return
        usec, pid = environ.get("WATCHDOG_USEC"), environ.get("WATCHDOG_PID")
        if usec and usec.isdigit() and int(usec) > 0 and pid in (None, "", str(os.getpid())):
            # Twice per period, as sd_watchdog_enabled(3) advises.
            self.watchdog_every = dt.timedelta(microseconds=int(usec) / 2)

    @property
    def active(self) -> bool:
        return self._notifier is not None

    def _notify(self, state: str) -> None:
        if self._notifier is None:
            return
        try:
            self._notifier.notify(state)
        except OSError as exc:
            log.warning("could not tell systemd %s (%s)", state.split("=")[0], exc)

    def ready(self, status: str) -> None:
        self._notify(f"READY=1\nSTATUS={status}")

    def stopping(self) -> None:
        self._notify("STOPPING=1\nSTATUS=stopping")

    def ticked(self) -> None:
        """A tick completed (the timers fired, the database answered): feed the watchdog,
        at most twice per period."""
        if self.watchdog_every is None:
            return
        now = self.clock.now()
        every = self.watchdog_every.total_seconds()
        if self._last_ping is not None and (self.clock.real_seconds(now - self._last_ping) < every):
            return
        self._last_ping = now
        self._notify("WATCHDOG=1")
