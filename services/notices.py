"""Telling people: a message now (``tell``) or at a moment (the ``notice`` timer), in
each reader's language, durably through the outbox."""

from __future__ import annotations

from typing import Any

from core.callbacks import Keyboard
from core.priority import Priority
from scheduling.builtin import NOTICE
from scheduling.timers import Scheduler, TimerRun
from services.service import Service


class Notices(Service):
    def register(self, scheduler: Scheduler) -> None:
        scheduler.register(NOTICE, self._on_notice)

    async def _on_notice(self, run: TimerRun) -> None:
        """One person, one message (a msgid marked with N_ where it was scheduled)."""
        payload = run.timer.payload
        await self._send(
            run.tx,
            int(payload["user_id"]),
            payload["message"],
            priority=int(payload.get("priority", Priority.ROUTINE)),
            source=f"timer:{run.timer.id}",
            **payload.get("params", {}),
        )

    async def tell(
        self,
        user_ids: list[int],
        text_id: str,
        *,
        priority: int = Priority.ROUTINE,
        buttons: Keyboard | None = None,
        source: str = "notice",
        **params: Any,
    ) -> list[int]:
        """A durable private message to each of these people, in their own language.
        Returns the outbox ids (the caller may send them at once)."""
        async with self.store.db.write() as tx:
            return [
                await self._send(
                    tx,
                    user_id,
                    text_id,
                    priority=priority,
                    source=source,
                    buttons=buttons,
                    **params,
                )
                for user_id in dict.fromkeys(user_ids)
            ]
