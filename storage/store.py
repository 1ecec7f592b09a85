"""All SQL of the bot lives in the storage package; the rest calls these functions.

Functions are named after what they mean for the circle, not after tables.
Write functions take the writer connection of an open transaction when they are
part of a larger atomic step (``tx``), or open their own.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from core.callbacks import Button, Keyboard
from core.clock import Clock
from domain.records import User
from storage.activities import ActivityQueries
from storage.circles import CircleQueries
from storage.database import Database, Session
from storage.privacy import ERASED_TEXT, PrivacyQueries, RetentionQueries
from storage.requests import OfferQueries, RequestQueries
from storage.signals import SignalQueries
from storage.summaries import SummaryQueries
from storage.timefmt import from_db, to_db
from storage.waakvlam import WaakvlamQueries

# A timer into the schedule; the same dedupe key twice is kept once, unless the
# first was cancelled (then it comes back, with the new moment and payload).
_SCHEDULE = (
    "INSERT INTO timers (kind, due_at, payload, dedupe_key, created_at, priority) "
    "VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (dedupe_key) DO UPDATE SET status = 'pending', "
    "kind = excluded.kind, due_at = excluded.due_at, payload = excluded.payload, "
    "priority = excluded.priority, "
    "fired_at = NULL, error = NULL WHERE timers.status = 'cancelled'"
)


@dataclass(frozen=True)
class InboxItem:
    update_id: int
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class Timer:
    id: int
    kind: str
    due_at: dt.datetime
    payload: dict[str, Any]


@dataclass(frozen=True)
class OutgoingMessage:
    id: int
    chat_id: int
    text: str
    buttons: Keyboard | None  # labels already in the reader's language
    priority: int
    attempts: int
    source: str | None = None
    photo: bytes | None = None


_OUTGOING = "id, chat_id, text, reply_markup, priority, attempts, source, photo"

# A message that named someone who has since been forgotten, once it went (or could
# not go): no text, no buttons.
_BLANK_IF_ERASED = (
    f"text = CASE WHEN erase_when_sent THEN '{ERASED_TEXT}' ELSE text END, "
    "reply_markup = CASE WHEN erase_when_sent THEN NULL ELSE reply_markup END"
)


def _keyboard_json(buttons: Keyboard | None) -> str | None:
    if not buttons:
        return None
    return json.dumps(
        [[{k: v for k, v in vars(b).items() if v is not None} for b in row] for row in buttons]
    )


def _keyboard(text: str | None) -> Keyboard | None:
    if not text:
        return None
    rows = json.loads(text)
    if isinstance(rows, dict):  # queued by an older version: Telegram's own form
        rows = [
            [{"label": b["text"], "data": b.get("callback_data"), "url": b.get("url")} for b in row]
            for row in rows.get("inline_keyboard", [])
        ]
    return [[Button(**b) for b in row] for row in rows]


def _outgoing(r: Any) -> OutgoingMessage:
    """An outbox row, as read with the columns in _OUTGOING."""
    return OutgoingMessage(r[0], r[1], r[2], _keyboard(r[3]), r[4], r[5], r[6], r[7])


# The next timer to fire: the most urgent priority first, then the earliest. It
# seeks once per priority level in use (there are a few) instead of walking every
# pending timer in priority order, which with 30,000 pending and none due took
# 3 to 4 ms on every tick of the scheduler.
NEXT_DUE_TIMER = """
WITH RECURSIVE levels(priority) AS (
    SELECT MIN(priority) FROM timers WHERE status = 'pending'
    UNION ALL
    SELECT (
        SELECT MIN(priority) FROM timers
        WHERE status = 'pending' AND priority > levels.priority
    )
    FROM levels WHERE levels.priority IS NOT NULL
)
SELECT t.id, t.kind, t.due_at, t.payload FROM levels JOIN timers t ON t.id = (
    SELECT id FROM timers WHERE status = 'pending' AND priority = levels.priority
    AND due_at <= ? ORDER BY due_at, id LIMIT 1
)
ORDER BY levels.priority LIMIT 1
"""


class Store(
    CircleQueries,
    WaakvlamQueries,
    PrivacyQueries,
    RetentionQueries,
    RequestQueries,
    SignalQueries,
    SummaryQueries,
    ActivityQueries,
    OfferQueries,
):
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def _now(self) -> str:
        return to_db(self.clock.now())

    # -- people -------------------------------------------------------------

    async def remember_user(
        self, user_id: int, first_name: str, language: str, *, reachable: bool | None = None
    ) -> User:
        """Record a person; keep the language they chose. ``reachable`` None: unchanged."""
        now = self._now()
        await self.db.execute(
            """
            INSERT INTO users (id, first_name, language, created_at, updated_at, reachable)
            VALUES (?, ?, ?, ?, ?, COALESCE(?, 0))
            ON CONFLICT (id) DO UPDATE SET
                first_name = excluded.first_name,
                reachable = COALESCE(?, users.reachable),
                -- follow Telegram's language until the person picks one with /taal
                language = CASE WHEN users.language_chosen THEN users.language
                                ELSE excluded.language END,
                updated_at = excluded.updated_at
            """,
            (user_id, first_name, language, now, now, reachable, reachable),
        )
        user = await self.user(user_id)
        assert user is not None
        return user

    async def ensure_user(
        self, tx: Session, user_id: int, first_name: str, *, reachable: bool = False
    ) -> None:
        """Know a person by id before they wrote to us (e.g. the admin who added the bot)."""
        now = self._now()
        await tx.execute(
            "INSERT OR IGNORE INTO users (id, first_name, language, created_at, updated_at, "
            "reachable) VALUES (?, ?, 'nl', ?, ?, ?)",
            (user_id, first_name, now, now, int(reachable)),
        )

    async def user(self, user_id: int) -> User | None:
        row = await self.db.fetchone(
            "SELECT id, first_name, language, language_chosen, reachable, enjoys, can_offer "
            "FROM users WHERE id = ?",
            (user_id,),
        )
        if row is None:
            return None
        return User(row[0], row[1], row[2], bool(row[3]), bool(row[4]), row[5], row[6])

    async def choose_language(self, user_id: int, language: str) -> None:
        await self.db.execute(
            "UPDATE users SET language = ?, language_chosen = 1, updated_at = ? WHERE id = ?",
            (language, self._now(), user_id),
        )

    async def mark_unreachable(self, user_id: int) -> None:
        await self._set_reachable(user_id, False)

    async def mark_reachable(self, user_id: int) -> None:
        await self._set_reachable(user_id, True)

    async def _set_reachable(self, user_id: int, reachable: bool) -> None:
        await self.db.execute(
            "UPDATE users SET reachable = ?, updated_at = ? WHERE id = ?",
            (int(reachable), self._now(), user_id),
        )

    # -- durable inbox ------------------------------------------------------

    async def store_updates(self, updates: list[dict[str, Any]]) -> int:
        """Store a batch of raw updates; an update seen before is ignored. Returns new count."""
        if not updates:
            return 0
        now = self._now()
        async with self.db.write() as tx:
            before = tx.total_changes
            await tx.executemany(
                "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
                [(u["update_id"], json.dumps(u), now) for u in updates],
            )
            return tx.total_changes - before

    async def highest_update_id(self) -> int | None:
        return await self.db.fetchvalue("SELECT MAX(update_id) FROM inbox")

    async def pending_updates(self, limit: int = 100, after: int = -1) -> list[InboxItem]:
        """Unhandled updates in order; ``after``: only those with a higher id."""
        rows = await self.db.fetchall(
            "SELECT update_id, payload, attempts FROM inbox WHERE status = 'pending' "
            "AND update_id > ? ORDER BY update_id LIMIT ?",
            (after, limit),
        )
        return [InboxItem(r[0], json.loads(r[1]), r[2]) for r in rows]

    async def note_update_attempt(self, update_id: int) -> None:
        await self.db.execute(
            "UPDATE inbox SET attempts = attempts + 1 WHERE update_id = ?", (update_id,)
        )

    async def finish_update(self, update_id: int, *, error: str | None = None) -> None:
        await self.db.execute(
            "UPDATE inbox SET status = ?, handled_at = ?, error = ? WHERE update_id = ?",
            ("failed" if error else "done", self._now(), error, update_id),
        )

    async def update_handled(self, update_id: int) -> bool:
        return bool(
            await self.db.fetchvalue(
                "SELECT status != 'pending' FROM inbox WHERE update_id = ?", (update_id,)
            )
        )

    async def inbox_counts(self) -> dict[str, int]:
        return {
            r[0]: r[1]
            for r in await self.db.fetchall("SELECT status, COUNT(*) FROM inbox GROUP BY status")
        }

    async def prune_inbox(self, older_than: dt.datetime, tx: Session) -> int:
        """Forget handled updates. The newest row stays so the offset stays known, but
        as its number only."""
        cur = await tx.execute(
            "DELETE FROM inbox WHERE status != 'pending' AND received_at < ? "
            "AND update_id < (SELECT MAX(update_id) FROM inbox)",
            (to_db(older_than),),
        )
        await tx.execute(
            "UPDATE inbox SET payload = json_object('update_id', update_id), error = NULL "
            "WHERE status != 'pending' AND received_at < ? "
            "AND payload != json_object('update_id', update_id)",
            (to_db(older_than),),
        )
        return cur.rowcount

    async def drop_timer(self, timer_id: int, tx: Session) -> None:
        """A timer that leaves no row behind once it ran (housekeeping)."""
        await tx.execute("DELETE FROM timers WHERE id = ?", (timer_id,))

    # -- durable timers -----------------------------------------------------

    async def schedule_many(
        self,
        kind: str,
        due_at: dt.datetime,
        items: list[tuple[dict[str, Any], str]],
        *,
        priority: int = 5,
    ) -> None:
        """Many timers of one kind and moment (payload, dedupe key), in one transaction
        and one statement: at start-up for 10,000 circles this is 0.2 s, not 10 s."""
        now = self._now()
        due = to_db(due_at)
        async with self.db.write() as tx:
            await tx.executemany(
                _SCHEDULE,
                [(kind, due, json.dumps(payload), key, now, priority) for payload, key in items],
            )

    async def schedule(
        self,
        kind: str,
        due_at: dt.datetime,
        payload: dict[str, Any] | None = None,
        *,
        dedupe_key: str | None = None,
        priority: int = 5,
        tx: Session | None = None,
    ) -> int | None:
        """Put a future action in the schedule. Returns its id, or None if it was there.

        The same dedupe_key twice is kept once (a timer that already fired does not
        fire again), but a *cancelled* one comes back: switching a check-in off and
        on again must schedule it again.
        """
        params = (kind, to_db(due_at), json.dumps(payload or {}), dedupe_key, self._now(), priority)
        sql = _SCHEDULE + " RETURNING id"
        if tx is not None:
            return await tx.fetchvalue(sql, params)
        async with self.db.write() as own:
            return await own.fetchvalue(sql, params)

    async def cancel_timers(self, dedupe_prefix: str, tx: Session) -> int:
        cur = await tx.execute(
            # "+status": search by the key, not through every pending timer.
            "UPDATE timers SET status = 'cancelled' WHERE dedupe_key >= ? AND dedupe_key < ? "
            "AND +status = 'pending'",
            (dedupe_prefix, dedupe_prefix + "\uffff"),
        )
        return cur.rowcount

    async def next_due_timer(self, now: dt.datetime, tx: Session) -> Timer | None:
        row = await tx.fetchone(NEXT_DUE_TIMER, (to_db(now),))
        if row is None:
            return None
        return Timer(row[0], row[1], from_db(row[2]), json.loads(row[3]))

    async def finish_timer(self, timer_id: int, tx: Session, *, error: str | None = None) -> None:
        await tx.execute(
            "UPDATE timers SET status = ?, fired_at = ?, error = ? WHERE id = ?",
            ("failed" if error else "done", self._now(), error, timer_id),
        )

    async def next_timer_after(
        self, moment: dt.datetime, *, skip: tuple[str, ...] = (), kinds: tuple[str, ...] = ()
    ) -> dt.datetime | None:
        """When the first pending timer after ``moment`` is due (of ``kinds`` if given, not
        of those in ``skip``): where practice mode's "to the next event" moves the clock."""
        sql = "SELECT MIN(due_at) FROM timers WHERE status = 'pending' AND due_at > ?"
        if kinds:
            sql += f" AND kind IN ({', '.join('?' * len(kinds))})"
        if skip:
            sql += f" AND kind NOT IN ({', '.join('?' * len(skip))})"
        due = await self.db.fetchvalue(sql, (to_db(moment), *kinds, *skip))
        return from_db(due) if due else None

    async def timers(self, status: str | None = None) -> list[tuple[int, str, str, str]]:
        sql = "SELECT id, kind, due_at, status FROM timers"
        args: tuple[Any, ...] = ()
        if status:
            sql += " WHERE status = ?"
            args = (status,)
        return [tuple(r) for r in await self.db.fetchall(sql + " ORDER BY id", args)]

    # -- outbox -------------------------------------------------------------

    async def enqueue_message(
        self,
        tx: Session,
        chat_id: int,
        text: str,
        *,
        buttons: Keyboard | None = None,
        priority: int = 5,
        source: str | None = None,
        photo: bytes | None = None,
    ) -> int:
        now = self._now()
        cur = await tx.execute(
            "INSERT INTO outbox (chat_id, text, reply_markup, priority, not_before, created_at, "
            "source, photo) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                chat_id,
                text,
                _keyboard_json(buttons),
                priority,
                now,
                now,
                source,
                photo,
            ),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def messages_to_send(self, limit: int = 50) -> list[OutgoingMessage]:
        rows = await self.db.fetchall(
            f"SELECT {_OUTGOING} FROM outbox "
            "WHERE status = 'pending' AND not_before <= ? ORDER BY priority, id LIMIT ?",
            (self._now(), limit),
        )
        return [_outgoing(r) for r in rows]

    async def messages_by_id(self, ids: list[int]) -> list[OutgoingMessage]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = await self.db.fetchall(
            f"SELECT {_OUTGOING} FROM outbox "
            f"WHERE status = 'pending' AND id IN ({marks}) ORDER BY priority, id",
            tuple(ids),
        )
        return [_outgoing(r) for r in rows]

    async def message(self, message_id: int, tx: Session | None = None) -> OutgoingMessage | None:
        """One outbox message, whatever its status."""
        row = await (tx or self.db).fetchone(
            f"SELECT {_OUTGOING} FROM outbox WHERE id = ?", (message_id,)
        )
        return _outgoing(row) if row else None

    async def delivered_or_on_its_way(self, message_id: int) -> bool:
        """Sent, or still waiting for its turn or a retry (not refused for good)."""
        status = await self.db.fetchvalue("SELECT status FROM outbox WHERE id = ?", (message_id,))
        return status in ("sent", "pending")

    async def redirect_message(self, message_id: int, chat_id: int) -> None:
        await self.db.execute("UPDATE outbox SET chat_id = ? WHERE id = ?", (chat_id, message_id))

    async def message_sent(self, message_id: int, telegram_message_id: int) -> None:
        await self.db.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, telegram_message_id = ?, "
            f"attempts = attempts + 1, {_BLANK_IF_ERASED} WHERE id = ? AND status = 'pending'",
            (self._now(), telegram_message_id, message_id),
        )

    async def message_delayed(self, message_id: int, *, error: str, retry_at: dt.datetime) -> None:
        """Keep the message for a retry at ``retry_at``."""
        await self.db.execute(
            "UPDATE outbox SET attempts = attempts + 1, error = ?, not_before = ? "
            "WHERE id = ? AND status = 'pending'",
            (error[:500], to_db(retry_at), message_id),
        )

    async def message_undeliverable(
        self, message_id: int, *, error: str, chat_gone: bool, bounce_kind: str
    ) -> None:
        """Record that a message can never arrive, and in the same transaction put a
        ``bounce_kind`` timer in the schedule, so whoever must act next (the ladder)
        hears of it even when the bot stops right after. A chat that is gone makes the
        person unreachable: the ladders skip them from now on."""
        async with self.db.write() as tx:
            row = await tx.fetchone(
                "SELECT chat_id FROM outbox WHERE id = ? AND status = 'pending'", (message_id,)
            )
            if row is None:
                return  # sent meanwhile by another attempt: nothing bounced
            await tx.execute(
                "UPDATE outbox SET status = ?, attempts = attempts + 1, error = ?, "
                f"{_BLANK_IF_ERASED} WHERE id = ?",
                ("unreachable" if chat_gone else "failed", error[:500], message_id),
            )
            if chat_gone:
                await tx.execute(
                    "UPDATE users SET reachable = 0, updated_at = ? WHERE id = ?",
                    (self._now(), row[0]),
                )
            await tx.execute(
                _SCHEDULE,
                (
                    bounce_kind,
                    self._now(),
                    json.dumps({"message_id": message_id}),
                    f"bounced:{message_id}",
                    self._now(),
                    0,
                ),
            )

    async def alive_figures(self, urgent_since: dt.datetime) -> tuple[int, int, dt.datetime | None]:
        """For the heartbeat: messages waiting to be sent, urgent ones waiting since before
        ``urgent_since``, and when the oldest pending timer is due."""
        waiting = await self.db.fetchvalue("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
        stuck = await self.db.fetchvalue(
            "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND priority = 0 "
            "AND created_at < ?",
            (to_db(urgent_since),),
        )
        oldest = await self.db.fetchvalue("SELECT MIN(due_at) FROM timers WHERE status = 'pending'")
        return int(waiting or 0), int(stuck or 0), from_db(oldest) if oldest else None

    async def outbox_rows(self) -> list[dict[str, Any]]:
        return [
            dict(r)
            for r in await self.db.fetchall(
                "SELECT id, chat_id, text, status, attempts, source FROM outbox ORDER BY id"
            )
        ]
