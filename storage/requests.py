"""SQL for requests for help (part of ``Store``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from domain.lifecycle import placeholders
from domain.records import HelpRequest
from domain.requests import REQUEST_LIFECYCLE, ClaimStatus, RequestStatus
from storage.database import Database, Session

_COLUMNS = (
    "id, circle_id, member_id, asked_by, kind, day, at_minutes, details, "
    "voice_file_id, visibility, status, helper_member_id, helpers_needed"
)


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
        row[12],
    )


class RequestQueries:
    db: Database

    def _now(self) -> str:  # provided by Store
        raise NotImplementedError

    async def create_request(
        self,
        tx: Session,
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

    async def help_request(self, request_id: int, tx: Session | None = None) -> HelpRequest | None:
        sql = f"SELECT {_COLUMNS} FROM requests WHERE id = ?"
        row = await (tx or self.db).fetchone(sql, (request_id,))
        return _request(row) if row else None

    async def claim_request(
        self, tx: Session, request_id: int, helper_member_id: int
    ) -> ClaimStatus:
        """Join as a helper (one transaction, so two taps at once can never make one
        helper too many)."""
        row = await tx.fetchone(
            "SELECT status, helpers_needed FROM requests WHERE id = ?", (request_id,)
        )
        if await tx.fetchone(
            "SELECT 1 FROM request_helpers WHERE request_id = ? AND member_id = ?",
            (request_id, helper_member_id),
        ):
            return ClaimStatus.ALREADY
        if row is None or row[0] != RequestStatus.OPEN:
            return ClaimStatus.FULL
        now = self._now()
        await tx.execute(
            "INSERT INTO request_helpers (request_id, member_id, joined_at) VALUES (?, ?, ?)",
            (request_id, helper_member_id, now),
        )
        count = await self._helper_count(tx, request_id)
        complete = count >= row[1]
        await tx.execute(
            "UPDATE requests SET status = ?, helper_member_id = COALESCE(helper_member_id, ?), "
            "claimed_at = COALESCE(claimed_at, ?) WHERE id = ?",
            (
                RequestStatus.CLAIMED if complete else RequestStatus.OPEN,
                helper_member_id,
                now,
                request_id,
            ),
        )
        return ClaimStatus.CLAIMED if complete else ClaimStatus.JOINED

    async def _helper_count(self, tx: Session, request_id: int) -> int:
        return await tx.fetchvalue(
            "SELECT COUNT(*) FROM request_helpers WHERE request_id = ?", (request_id,)
        )

    async def reopen_request(self, tx: Session, request_id: int, helper_member_id: int) -> bool:
        """A helper steps back: the request is open again for someone else."""
        ongoing = REQUEST_LIFECYCLE.ongoing
        cur = await tx.execute(
            "DELETE FROM request_helpers WHERE request_id = ? AND member_id = ? AND "
            f"request_id IN (SELECT id FROM requests WHERE status IN ({placeholders(ongoing)}))",
            (request_id, helper_member_id, *ongoing),
        )
        if not cur.rowcount:
            return False
        await tx.execute(
            "UPDATE requests SET status = ?, helper_member_id = (SELECT member_id FROM "
            "request_helpers WHERE request_id = ? ORDER BY joined_at LIMIT 1) WHERE id = ?",
            (RequestStatus.OPEN, request_id, request_id),
        )
        await tx.execute(
            "UPDATE requests SET claimed_at = NULL WHERE id = ? AND helper_member_id IS NULL",
            (request_id,),
        )
        return True

    async def request_helpers(self, request_id: int) -> list[int]:
        """Member ids of everyone helping with this request, first one first."""
        return [
            r[0]
            for r in await self.db.fetchall(
                "SELECT member_id FROM request_helpers WHERE request_id = ? ORDER BY joined_at",
                (request_id,),
            )
        ]

    async def set_helpers_needed(self, tx: Session, request_id: int, needed: int) -> None:
        await tx.execute(
            "UPDATE requests SET helpers_needed = ? WHERE id = ?", (needed, request_id)
        )

    async def close_request(self, tx: Session, request_id: int, status: RequestStatus) -> bool:
        """Done or cancelled, from a state the lifecycle allows; False if it was not."""
        sources = REQUEST_LIFECYCLE.sources(status)
        cur = await tx.execute(
            "UPDATE requests SET status = ?, closed_at = ? WHERE id = ? "
            f"AND status IN ({placeholders(sources)})",
            (status, self._now(), request_id, *sources),
        )
        return cur.rowcount > 0

    async def add_request_post(self, tx: Session, request_id: int, outbox_id: int) -> None:
        await tx.execute(
            "INSERT OR IGNORE INTO request_posts (request_id, outbox_id) VALUES (?, ?)",
            (request_id, outbox_id),
        )

    async def request_of_post(self, outbox_id: int, tx: Session) -> int | None:
        return await tx.fetchvalue(
            "SELECT request_id FROM request_posts WHERE outbox_id = ?", (outbox_id,)
        )

    async def request_posts(self, request_id: int) -> list[tuple[int, int]]:
        """Where the request was posted and Telegram accepted it: (chat id, message id)."""
        return [
            (r[0], r[1])
            for r in await self.db.fetchall(
                "SELECT o.chat_id, o.telegram_message_id FROM request_posts p "
                "JOIN outbox o ON o.id = p.outbox_id WHERE p.request_id = ? AND o.status = 'sent'",
                (request_id,),
            )
        ]

    async def open_requests(self, circle_ids: list[int]) -> list[HelpRequest]:
        if not circle_ids:
            return []
        marks = ",".join("?" * len(circle_ids))
        return [
            _request(r)
            for r in await self.db.fetchall(
                f"SELECT {_COLUMNS} FROM requests WHERE status = ? AND circle_id IN ({marks}) "
                "AND kind NOT IN ('chat', 'unburden') ORDER BY created_at",
                (RequestStatus.OPEN, *circle_ids),
            )
        ]

    async def requests_helped_by(self, member_ids: list[int]) -> list[HelpRequest]:
        if not member_ids:
            return []
        marks = ",".join("?" * len(member_ids))
        return [
            _request(r)
            for r in await self.db.fetchall(
                f"SELECT {_COLUMNS} FROM requests "
                f"WHERE status IN ({placeholders(REQUEST_LIFECYCLE.ongoing)}) "
                f"AND id IN (SELECT request_id FROM request_helpers WHERE member_id IN "
                f"({marks})) ORDER BY day, at_minutes",
                (*REQUEST_LIFECYCLE.ongoing, *member_ids),
            )
        ]

    async def requests_asked_by(self, user_id: int, member_ids: list[int]) -> list[HelpRequest]:
        marks = ",".join("?" * len(member_ids)) or "NULL"
        return [
            _request(r)
            for r in await self.db.fetchall(
                f"SELECT {_COLUMNS} FROM requests "
                f"WHERE status IN ({placeholders(REQUEST_LIFECYCLE.ongoing)}) "
                f"AND (asked_by = ? OR member_id IN ({marks})) ORDER BY created_at",
                (*REQUEST_LIFECYCLE.ongoing, user_id, *member_ids),
            )
        ]

    async def earlier_helpers(self, member_id: int) -> list[int]:
        """Member ids of neighbours who helped this person before: familiar faces."""
        return [
            r[0]
            for r in await self.db.fetchall(
                "SELECT helper_member_id, COUNT(*) AS n FROM requests WHERE member_id = ? "
                "AND status = ? AND helper_member_id IS NOT NULL "
                "GROUP BY helper_member_id ORDER BY n DESC LIMIT 3",
                (member_id, RequestStatus.DONE),
            )
        ]


class OfferQueries:
    db: Database

    def _now(self) -> str:  # provided by Store
        raise NotImplementedError

    async def add_offer(
        self, member_id: int, kind: str, weekday: int | None, tx: Session | None = None
    ) -> None:
        await (tx or self.db).execute(
            "INSERT OR IGNORE INTO offers (member_id, kind, weekday, created_at) "
            "VALUES (?, ?, ?, ?)",
            (member_id, kind, weekday, self._now()),
        )

    async def remove_offer(self, member_id: int, offer_id: int) -> bool:
        cur = await self.db.execute(
            "DELETE FROM offers WHERE id = ? AND member_id = ?", (offer_id, member_id)
        )
        return cur.rowcount > 0

    async def offers_of(self, member_id: int) -> list[tuple[int, str, int | None]]:
        return [
            (r[0], r[1], r[2])
            for r in await self.db.fetchall(
                "SELECT id, kind, weekday FROM offers WHERE member_id = ? ORDER BY id", (member_id,)
            )
        ]

    async def matching_offers(self, circle_id: int, kind: str, weekday: int | None) -> list[int]:
        """Member ids whose standing offer fits this request."""
        return [
            r[0]
            for r in await self.db.fetchall(
                "SELECT DISTINCT o.member_id FROM offers o JOIN members m ON m.id = o.member_id "
                "WHERE m.circle_id = ? AND o.kind = ? AND (o.weekday IS NULL OR ? IS NULL "
                "OR o.weekday = ?)",
                (circle_id, kind, weekday, weekday),
            )
        ]

    async def set_resting(self, member_id: int, until: dt.date | None) -> None:
        await self.db.execute(
            "UPDATE members SET resting_until = ? WHERE id = ?",
            (until.isoformat() if until else None, member_id),
        )

    async def resting_until(self, member_id: int) -> dt.date | None:
        row = await self.db.fetchone("SELECT resting_until FROM members WHERE id = ?", (member_id,))
        return dt.date.fromisoformat(row[0]) if row and row[0] else None

    async def set_repeat_weekly(self, tx: Session, request_id: int, on: bool = True) -> None:
        await tx.execute(
            "UPDATE requests SET repeat_weekly = ? WHERE id = ?", (int(on), request_id)
        )

    async def repeats_weekly(self, request_id: int, tx: Session | None = None) -> bool:
        sql = "SELECT repeat_weekly FROM requests WHERE id = ?"
        return bool(await (tx or self.db).fetchvalue(sql, (request_id,)))
