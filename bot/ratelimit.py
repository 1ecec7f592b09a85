"""Outgoing rate limiting that respects Telegram's limits and lets urgent messages go first.

Telegram allows a bot about 30 messages a second in all and 20 a minute into one
group, and answers 429 with ``retry_after`` past that. Waiting senders are
served by priority (lower number first), so a waakvlam alert overtakes a pile of
routine check-ins. Pass ``rate_limit_args={"priority": Priority.ALERT}``.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import heapq
import itertools
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, Conflict, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

from core.priority import Priority

log = logging.getLogger(__name__)

# Backoff after a transient fault (5xx, timeout, dropped connection): 0.5 s, 1 s, 2 s, ...
BACKOFF_SECONDS = 0.5
BACKOFF_CAP = 8.0


class _PriorityPacer:
    """Hands out send slots at ``rate`` per second, most urgent waiter first."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._next_slot = 0.0
        self._pacer: asyncio.Task[None] | None = None

    async def acquire(self, priority: int) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, next(self._seq), future))
        if self._pacer is None or self._pacer.done():
            self._pacer = asyncio.create_task(self._run(), name="rate-pacer")
        await future

    async def _run(self) -> None:
        while self._waiters:
            wait = self._next_slot - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)  # real pacing against Telegram, not domain time
            while self._waiters:
                _, _, future = heapq.heappop(self._waiters)
                if not future.done():
                    future.set_result(None)
                    break
            self._next_slot = max(self._next_slot, time.monotonic()) + self.interval

    def stop(self) -> None:
        if self._pacer is not None:
            self._pacer.cancel()
        for _, _, future in self._waiters:
            future.cancel()
        self._waiters.clear()


class PriorityRateLimiter(BaseRateLimiter[dict[str, Any]]):
    def __init__(
        self, overall_per_second: float = 30, group_per_minute: int = 20, max_retries: int = 8
    ) -> None:
        self.overall_per_second = overall_per_second
        self.group_per_minute = group_per_minute
        self.max_retries = max_retries
        self._pacer = _PriorityPacer(overall_per_second)
        self._group_sends: dict[int | str, collections.deque[float]] = collections.defaultdict(
            collections.deque
        )
        self._group_locks: dict[int | str, asyncio.Lock] = collections.defaultdict(asyncio.Lock)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        self._pacer.stop()

    async def _group_slot(self, chat_id: int | str) -> None:
        async with self._group_locks[chat_id]:
            sends = self._group_sends[chat_id]
            now = time.monotonic()
            while sends and now - sends[0] >= 60:
                sends.popleft()
            if len(sends) >= self.group_per_minute:
                await asyncio.sleep(60 - (now - sends[0]))
                sends.popleft()
            sends.append(time.monotonic())

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        args_ = rate_limit_args or {}
        priority = int(args_.get("priority", Priority.INTERACTIVE))
        # Callers that keep their own durable retry (the outbox) pass max_retries=0.
        max_retries = int(args_.get("max_retries", self.max_retries))
        chat_id = data.get("chat_id")
        # Telegram's limits are on messages sent; edits, button answers and chat
        # actions are not counted, and pacing them would only delay a person's reply.
        limited = (
            chat_id is not None and endpoint.startswith("send") and endpoint != "sendChatAction"
        )
        if limited:
            with contextlib.suppress(TypeError, ValueError):
                chat_id = int(chat_id)  # "@channel" names stay strings
            if (isinstance(chat_id, int) and chat_id < 0) or isinstance(chat_id, str):
                await self._group_slot(chat_id)
        attempt = 0
        while True:
            if limited:
                await self._pacer.acquire(priority)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt >= max_retries:
                    raise
                attempt += 1
                delay = exc.retry_after
                seconds = delay.total_seconds() if isinstance(delay, dt.timedelta) else float(delay)
                log.debug("Telegram asked to wait %.1fs (%s); retry %d", seconds, endpoint, attempt)
                await asyncio.sleep(seconds + 0.1)
            except BadRequest as exc:
                if attempt and "not modified" in exc.message:
                    return True  # a retried edit: the first try landed after all
                raise  # Telegram's final word on this call: retrying changes nothing
            except Conflict:
                raise
            except NetworkError:
                # 5xx, a timeout, a dropped connection: a hiccup. A reply is tried again
                # (a timeout may have delivered it already: at least once, see README).
                if attempt >= max_retries:
                    log.warning("gave up on %s after %d tries", endpoint, attempt + 1)
                    raise
                attempt += 1
                await asyncio.sleep(min(BACKOFF_SECONDS * 2 ** (attempt - 1), BACKOFF_CAP))
