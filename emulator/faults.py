"""Faults to inject: Telegram answering 429, 5xx or 403, a dropped connection, a slow call,
and (when enforced) Telegram's own send limits."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from typing import Any

from emulator.world import BotApiError, World


@dataclass
class Fault:
    """An injected failure for the next ``count`` calls of a method.

    kind: '429' (with retry_after), '5xx' (502 Bad Gateway), 'disconnect'
    (connection dropped, a network error for the client), '403', or 'hold'
    (Telegram is slow: the call waits until ``release`` is set, then succeeds).
    """

    kind: str
    count: int = 1
    retry_after: int = 1
    chat_id: int | None = None
    release: asyncio.Event | None = None


@dataclass
class FaultRate:
    """Faults at random: each call of ``methods`` fails with chance ``rate``, with one
    of ``kinds`` ('429', '5xx', 'disconnect', or 'lost': done, but the answer is lost
    on the way back, as a timeout does)."""

    rate: float
    methods: frozenset[str]
    kinds: tuple[str, ...] = ("429", "5xx", "disconnect", "lost")
    rng: random.Random = field(default_factory=lambda: random.Random(1))
    injected: dict[str, int] = field(default_factory=dict)


class Faults(World):
    """Injected faults and the send limits, checked before each Bot API call."""

    fault_rate: FaultRate | None = None

    def _random_fault(self, method: str) -> str | None:
        chance = self.fault_rate
        if chance is None or method not in chance.methods or chance.rng.random() >= chance.rate:
            return None
        kind = chance.rng.choice(chance.kinds)
        chance.injected[kind] = chance.injected.get(kind, 0) + 1
        return kind

    def inject_fault(self, method: str, fault: Fault) -> None:
        self.faults[method].append(fault)

    def _take_fault(self, method: str, params: dict[str, Any]) -> Fault | None:
        queue = self.faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        if fault.chat_id is not None and str(params.get("chat_id")) != str(fault.chat_id):
            return None
        fault.count -= 1
        if fault.count <= 0:
            queue.popleft()
        return fault

    async def _apply_fault(self, method: str, params: dict[str, Any]) -> bool:
        """Answer as Telegram would when a fault is injected for this call. True: do the
        call, then lose its answer."""
        fault = self._take_fault(method, params)
        if fault is None:
            kind = self._random_fault(method)
            if kind == "lost":
                return True
            fault = Fault(kind) if kind else None
        if fault is None:
            return False
        if fault.kind == "429":
            raise BotApiError(
                429,
                f"Too Many Requests: retry after {fault.retry_after}",
                {"retry_after": fault.retry_after},
            )
        if fault.kind == "5xx":
            raise BotApiError(502, "Bad Gateway")
        if fault.kind == "403":
            raise BotApiError(403, "Forbidden: bot was blocked by the user")
        if fault.kind == "disconnect":
            raise ConnectionResetError("injected disconnect")
        if fault.kind == "hold" and fault.release is not None:
            await fault.release.wait()
        return False

    def _check_limits(self, chat_id: int) -> None:
        if not self.enforce_limits:
            return
        now = time.monotonic()
        overall = self._sent_times
        while overall and now - overall[0] >= 1:
            overall.popleft()
        if len(overall) >= self.send_rate:
            self.rate_limited += 1
            raise BotApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        if chat_id < 0:
            group = self._group_sent_times[chat_id]
            while group and now - group[0] >= 60:
                group.popleft()
            if len(group) >= 20:
                wait = int(60 - (now - group[0])) + 1
                self.rate_limited += 1
                raise BotApiError(
                    429, f"Too Many Requests: retry after {wait}", {"retry_after": wait}
                )
            group.append(now)
        overall.append(now)
