"""Durable timers: the database is the schedule.

Every future action (a reminder, a waakvlam step, a summary) is a row with a due
time. One ticker fires what is due; the handler's changes and "done" are one
transaction, so a timer fires exactly once, also across a restart, and one that
fell due while the bot was down fires at start.

Timer handlers never talk to Telegram themselves: they put messages in the
outbox within the same transaction, and the outbox delivers them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from core.clock import Clock
from storage.database import Session
from storage.store import OutgoingMessage, Store, Timer

log = logging.getLogger(__name__)


@dataclass
class TimerRun:
    """What a timer handler gets: the open transaction and the timer."""

    tx: Session
    timer: Timer
    store: Store
    clock: Clock


TimerHandler = Callable[[TimerRun], Awaitable[None]]
BounceHandler = Callable[[TimerRun, OutgoingMessage], Awaitable[None]]

# The outbox schedules one of these, in the same write that records a message as
# undeliverable: what must happen next (the ladder moves on) survives a crash.
BOUNCED = "outbox.bounced"


class Scheduler:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._handlers: dict[str, TimerHandler] = {BOUNCED: self._on_bounced}
        self._bounce_handlers: list[BounceHandler] = []
        self.after_fire: list[Callable[[], None]] = []

    def register(self, kind: str, handler: TimerHandler) -> None:
        if kind in self._handlers:
            raise ValueError(f"timer kind {kind!r} registered twice")
        self._handlers[kind] = handler

    def on_bounce(self, handler: BounceHandler) -> None:
        """Be told (inside a timer's transaction) when a queued message can never arrive."""
        self._bounce_handlers.append(handler)

    async def _on_bounced(self, run: TimerRun) -> None:
        message = await self.store.message(int(run.timer.payload["message_id"]), run.tx)
        if message is None:
            return
        for handler in self._bounce_handlers:
            await handler(run, message)

    async def run_due(self, limit: int = 1000, batch: int = 50) -> int:
        """Fire every timer that is due now (at most ``limit``), most urgent first.

        Up to ``batch`` timers share one transaction (one disk sync instead of 50);
        each has its own savepoint, so a failing one does not undo the others.
        """
        fired = 0
        now = self.clock.now()
        done = False
        while fired < limit and not done:
            async with self.store.db.write() as tx:
                for _ in range(min(batch, limit - fired)):
                    timer = await self.store.next_due_timer(now, tx)
                    if timer is None:
                        done = True
                        break
                    await self._fire(TimerRun(tx, timer, self.store, self.clock))
                    fired += 1
        if fired:
            for callback in self.after_fire:
                callback()
        return fired

    async def _fire(self, run: TimerRun) -> None:
        timer = run.timer
        handler = self._handlers.get(timer.kind)
        if handler is None:
            log.error("timer %s has unknown kind %r; marked failed", timer.id, timer.kind)
            await self.store.finish_timer(timer.id, run.tx, error=f"unknown kind {timer.kind}")
            return
        # A savepoint lets a failing handler's half-done changes be undone while
        # the timer itself is still marked, so one bad row cannot block the rest.
        await run.tx.execute("SAVEPOINT timer_handler")
        try:
            await handler(run)
        except Exception as exc:
            await run.tx.execute("ROLLBACK TO timer_handler")
            await run.tx.execute("RELEASE timer_handler")
            log.exception("timer %s (%s) failed", timer.id, timer.kind)
            await self.store.finish_timer(timer.id, run.tx, error=repr(exc)[:500])
        else:
            await run.tx.execute("RELEASE timer_handler")
            await self.store.finish_timer(timer.id, run.tx)
