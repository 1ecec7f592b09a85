"""What the domain services (waakvlam, help desk, worries, summaries) share."""

from __future__ import annotations

from typing import Any

from bot.clock import Clock
from bot.i18n import I18n, Translator
from bot.ratelimit import Priority
from storage.database import Session
from storage.store import Store


class Service:
    def __init__(self, store: Store, i18n: I18n, clock: Clock) -> None:
        self.store = store
        self.i18n = i18n
        self.clock = clock
        self.tz = i18n.timezone

    async def _t(self, user_id: int | None) -> Translator:
        """The translator of the person who will read it."""
        person = await self.store.user(user_id) if user_id else None
        return self.i18n.for_language(person.language if person else None)

    async def _send(
        self,
        tx: Session,
        user_id: int,
        text_id: str,
        *,
        priority: int = Priority.INTERACTIVE,
        source: str,
        buttons: list[tuple[str, str]] | None = None,
        extra_ids: tuple[str, ...] = (),
        **params: Any,
    ) -> int:
        """Queue a message in the reader's language, in this transaction (the outbox)."""
        t = await self._t(user_id)
        text = t.gettext(text_id, **params)
        for extra in extra_ids:
            text += "\n\n" + t.gettext(extra)
        markup = (
            {
                "inline_keyboard": [
                    [{"text": t.gettext(label), "callback_data": data}] for label, data in buttons
                ]
            }
            if buttons
            else None
        )
        return await self.store.enqueue_message(
            tx, user_id, text, reply_markup=markup, priority=priority, source=source
        )
