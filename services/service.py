"""What the domain services (waakvlam, help desk, worries, summaries) share."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.clock import Clock
from core.i18n import I18n, Translator
from core.priority import Priority
from storage.database import Session
from storage.store import Store

# One piece of a message: a msgid and its parameters, translated for the reader.
Part = tuple[str, dict[str, Any]]


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
        parts: list[Part] = [(text_id, params), *((extra, {}) for extra in extra_ids)]
        return await self._send_parts(
            tx, user_id, parts, priority=priority, source=source, buttons=buttons
        )

    async def _send_parts(
        self,
        tx: Session,
        user_id: int,
        parts: list[Part],
        *,
        priority: int = Priority.INTERACTIVE,
        source: str,
        buttons: list[tuple[str, str]] | None = None,
    ) -> int:
        """Queue a message of several paragraphs, each translated for the reader; dates
        in the parameters are written in the reader's own way."""
        t = await self._t(user_id)

        def local(value: Any) -> Any:
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                return t.date(value)
            return value

        text = "\n\n".join(
            t.gettext(text_id, **{k: local(v) for k, v in params.items()})
            for text_id, params in parts
        )
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
