"""SQL for requests for help (part of ``Store``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import aiosqlite

from storage.database import Database

_COLUMNS = (
    "id, circle_id, member_id, asked_by, kind, day, at_minutes, details, "
    "voice_file_id, visibility, status, helper_member_id"
)


@dataclass(frozen=True)
class HelpRequest:
    id: int
    circle_id: int
    member_id: int | None
    asked_by: int | None
    kind: str
    day: dt.date | None
    at_minutes: int | None
    details: str | None
    voice_file_id: str | None
    visibility: str
    status: str
    helper_member_id: int | None


def _request(row: Any) -> HelpRequest:
    return HelpRequest(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        dt.date.fromisoformat(row[5]) if row[5] else None,
        row[6],
        row[7],
        row[8],
        row[9],
        row[10],
        row[11],
    )


class RequestQueries:
    db: Database

    def _now(self) -> str:  # provided by Store
        raise NotImplementedError

    async def create_request(
        self,
        tx: aiosqlite.Connection,
        *,
        circle_id: int,
        member_id: int,
        asked_by: int,
        kind: str,
        day: dt.date | None,
        at_minutes: int | None,
        details: str | None,
        voice_file_id: str | None,
        visibility: str,
    ) -> int:
        cur = await tx.execute(
            "INSERT INTO requests (circle_id, member_id, asked_by, kind, day, at_minutes, "
            "details, voice_file_id, visibility, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                circle_id,
                member_id,
                asked_by,
                kind,
                day.isoformat() if day else None,
                at_minutes,
                details,
                voice_file_id,
                visibility,
                self._now(),
            ),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def help_request(
        self, request_id: int, tx: aiosqlite.Connection | None = None
    ) -> HelpRequest | None:
        sql = f"SELECT {_COLUMNS} FROM requests WHERE id = ?"
        if tx is not None:
            async with tx.execute(sql, (request_id,)) as cur:
                row = await cur.fetchone()
        else:
            async with self.db.read() as conn, conn.execute(sql, (request_id,)) as cur:
                row = await cur.fetchone()
        return _request(row) if row else None

    async def claim_request(
        self, tx: aiosqlite.Connection, request_id: int, helper_member_id: int
    ) -> bool:
        """One helper: the first tap wins, the second finds it taken."""
        cur = await tx.execute(
            "UPDATE requests SET status = 'claimed', helper_member_id = ?, claimed_at = ? "
            "WHERE id = ? AND status = 'open'",
            (helper_member_id, self._now(), request_id),
        )
        return cur.rowcount > 0

    async def reopen_request(
        self, tx: aiosqlite.Connection, request_id: int, helper_member_id: int
    ) -> bool:
        cur = await tx.execute(
            "UPDATE requests SET status = 'open', helper_member_id = NULL, claimed_at = NULL "
            "WHERE id = ? AND status = 'claimed' AND helper_member_id = ?",
            (request_id, helper_member_id),
        )
        return cur.rowcount > 0

    async def close_request(self, tx: aiosqlite.Connection, request_id: int, status: str) -> bool:
        cur = await tx.execute(
            "UPDATE requests SET status = ?, closed_at = ? WHERE id = ? "
            "AND status IN ('open', 'claimed')",
            (status, self._now(), request_id),
        )
        return cur.rowcount > 0

    async def request_posts(self, request_id: int) -> list[tuple[int, int]]:
        """Where the request was posted and Telegram accepted it: (chat id, message id)."""
        async with (
            self.db.read() as conn,
            conn.execute(
                "SELECT chat_id, telegram_message_id FROM outbox WHERE source = ? "
                "AND status = 'sent'",
                (f"hulp:post:{request_id}",),
            ) as cur,
        ):
            return [(r[0], r[1]) for r in await cur.fetchall()]

    async def open_requests(self, circle_ids: list[int]) -> list[HelpRequest]:
        if not circle_ids:
            return []
        marks = ",".join("?" * len(circle_ids))
        async with (
            self.db.read() as conn,
            conn.execute(
                f"SELECT {_COLUMNS} FROM requests WHERE status = 'open' AND circle_id IN ({marks}) "
                "AND kind NOT IN ('chat', 'unburden') ORDER BY created_at",
                tuple(circle_ids),
            ) as cur,
        ):
            return [_request(r) for r in await cur.fetchall()]

    async def requests_helped_by(self, member_ids: list[int]) -> list[HelpRequest]:
        if not member_ids:
            return []
        marks = ",".join("?" * len(member_ids))
        async with (
            self.db.read() as conn,
            conn.execute(
                f"SELECT {_COLUMNS} FROM requests WHERE status = 'claimed' "
                f"AND helper_member_id IN ({marks}) ORDER BY day, at_minutes",
                tuple(member_ids),
            ) as cur,
        ):
            return [_request(r) for r in await cur.fetchall()]

    async def requests_asked_by(self, user_id: int, member_ids: list[int]) -> list[HelpRequest]:
        marks = ",".join("?" * len(member_ids)) or "NULL"
        async with (
            self.db.read() as conn,
            conn.execute(
                f"SELECT {_COLUMNS} FROM requests WHERE status IN ('open', 'claimed') "
                f"AND (asked_by = ? OR member_id IN ({marks})) ORDER BY created_at",
                (user_id, *member_ids),
            ) as cur,
        ):
            return [_request(r) for r in await cur.fetchall()]

    async def earlier_helpers(self, member_id: int) -> list[int]:
        """Member ids of neighbours who helped this person before: familiar faces."""
        async with (
            self.db.read() as conn,
            conn.execute(
                "SELECT helper_member_id, COUNT(*) AS n FROM requests WHERE member_id = ? "
                "AND status = 'done' AND helper_member_id IS NOT NULL "
                "GROUP BY helper_member_id ORDER BY n DESC LIMIT 3",
                (member_id,),
            ) as cur,
        ):
            return [r[0] for r in await cur.fetchall()]
