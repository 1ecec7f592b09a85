"""What every service shares: the store, the texts, the clock, and the one path by
which a message is queued for a person or a group."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from core.callbacks import Button, Keyboard
from core.clock import Clock
from core.i18n import I18n, Translator
from core.priority import Priority
from storage.database import Session
from storage.store import Store

# One piece of a message: a msgid and its parameters, translated for the reader.
Part = tuple[str, dict[str, Any]]
# A whole text, written for one reader (sync or async), when parts are not enough.
Render = str | Callable[[Translator], str | Awaitable[str]]


class Service:
    def __init__(self, store: Store, i18n: I18n, clock: Clock) -> None:
        self.store = store
        self.i18n = i18n
        self.clock = clock
        self.tz = i18n.timezone

    async def _t(self, chat_id: int | None) -> Translator:
        """The translator of whoever reads it: a person's own language; a group's is
        the default (Dutch)."""
        person = await self.store.user(chat_id) if chat_id and chat_id > 0 else None
        return self.i18n.for_language(person.language if person else None)

    async def _queue(
        self,
        tx: Session,
        chat_id: int,
        render: Render,
        *,
        priority: int = Priority.INTERACTIVE,
        source: str,
        buttons: Keyboard | None = None,
        photo: bytes | None = None,
    ) -> int:
        """The one path: write the text (``render``, or a text already written for this
        reader) and the buttons' labels for the reader, and queue it in the outbox in
        this transaction. Returns the outbox id."""
        t = await self._t(chat_id)
        text = render if isinstance(render, str) else render(t)
        if inspect.isawaitable(text):
            text = await text
        keyboard = (
            [[Button(t.gettext(b.label), b.data, b.url) for b in row] for row in buttons]
            if buttons
            else None
        )
        return await self.store.enqueue_message(
            tx, chat_id, text, buttons=keyboard, priority=priority, source=source, photo=photo
        )

    async def _send_parts(
        self,
        tx: Session,
        chat_id: int,
        parts: list[Part],
        *,
        priority: int = Priority.INTERACTIVE,
        source: str,
        buttons: Keyboard | None = None,
    ) -> int:
        """A message of several paragraphs, each translated for the reader; dates in
        the parameters are written in the reader's own way."""

        def render(t: Translator) -> str:
            def local(value: Any) -> Any:
                if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                    return t.date(value)
                return value

            return "\n\n".join(
                t.gettext(text_id, **{k: local(v) for k, v in params.items()})
                for text_id, params in parts
            )

        return await self._queue(
            tx, chat_id, render, priority=priority, source=source, buttons=buttons
        )

    async def _send(
        self,
        tx: Session,
        chat_id: int,
        text_id: str,
        *,
        priority: int = Priority.INTERACTIVE,
        source: str,
        buttons: Keyboard | None = None,
        extra_ids: tuple[str, ...] = (),
        **params: Any,
    ) -> int:
        """One msgid (and fixed paragraphs after it), in the reader's language."""
        parts: list[Part] = [(text_id, params), *((extra, {}) for extra in extra_ids)]
        return await self._send_parts(
            tx, chat_id, parts, priority=priority, source=source, buttons=buttons
        )


class LadderService(Service):
    """A service whose ladder ends with the beheerders (``OMKIJK_ADMIN_IDS``)."""

    def __init__(
        self, store: Store, i18n: I18n, clock: Clock, admin_ids: list[int] | None = None
    ) -> None:
        super().__init__(store, i18n, clock)
        # The settings' own list: a beheerder added while running is known at once.
        self.admin_ids = admin_ids if admin_ids is not None else []

    async def _beheerders(self, never: set[int | None]) -> list[tuple[int, str]]:
        """(id, first name) of each beheerder to try, once each, leaving out ``never``
        (the person it is about) and anyone known to have blocked the bot. A beheerder
        the bot never heard from is tried: Telegram will say."""
        found = []
        for admin_id in dict.fromkeys(self.admin_ids):
            known = await self.store.user(admin_id)
            if admin_id not in never and (known is None or known.reachable):
                found.append((admin_id, known.first_name if known else ""))
        return found
