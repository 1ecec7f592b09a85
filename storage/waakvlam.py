"""SQL for the waakvlam: settings and rounds (part of ``Store``)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from domain.records import Notice, Round
from domain.waakvlam import CheckinSettings
from storage.database import Database, Session
from storage.timefmt import from_db, to_db

_SETTINGS_COLUMNS = (
    "member_id, enabled, days, at_minutes, contacts, professional_ok, paused, paused_until, "
    "pause_reason, ask_again_minutes, neighbours_minutes, escalate_minutes"
)


def _settings(row: Any) -> CheckinSettings:
    return CheckinSettings(
        member_id=row[0],
        enabled=bool(row[1]),
        days=frozenset(int(d) for d in row[2]),
        at=dt.time(row[3] // 60, row[3] % 60),
        contacts=tuple(json.loads(row[4])),
        professional_ok=bool(row[5]),
        paused=bool(row[6]),
        paused_until=dt.date.fromisoformat(row[7]) if row[7] else None,
        pause_reason=row[8],
        ask_again=dt.timedelta(minutes=row[9]),
        neighbours=dt.timedelta(minutes=row[10]),
        escalate=dt.timedelta(minutes=row[11]),
    )


_ACTING_SQL = "('visit', 'alert', 'answer')"


def _round(row: Any) -> Round:
    return Round(
        row[0],
        row[1],
        from_db(row[2]),
        row[3] == "open",
        row[4],
        row[5],
        row[6],
        row[7],
        row[8],
        row[9],
        tuple(json.loads(row[10])),
    )


_ROUND_COLUMNS = (
    "r.id, r.member_id, r.due_at, r.status, r.stage, r.need, r.answer, r.ended, r.closed_by, "
    "r.going, "
    "(SELECT json_group_array(DISTINCT n.user_id) FROM round_notices n "
    f"WHERE n.round_id = r.id AND n.kind IN {_ACTING_SQL})"
)


_NOTICE_COLUMNS = (
    "n.user_id, n.rung, n.kind, n.outbox_id, COALESCE(o.status, 'gone'), o.sent_at "
    "FROM round_notices n LEFT JOIN outbox o ON o.id = n.outbox_id"
)


def _notice(row: Any) -> Notice:
    return Notice(row[0], row[1], row[2], row[3], row[4], from_db(row[5]) if row[5] else None)


class WaakvlamQueries:
    db: Database

    def _now(self) -> str:  # provided by Store
        raise NotImplementedError

    async def checkin_settings(self, member_id: int, tx: Session | None = None) -> CheckinSettings:
        sql = f"SELECT {_SETTINGS_COLUMNS} FROM checkin_settings WHERE member_id = ?"
        row = await (tx or self.db).fetchone(sql, (member_id,))
        return _settings(row) if row else CheckinSettings(member_id=member_id)

    async def save_checkin_settings(self, tx: Session, s: CheckinSettings) -> None:
        await tx.execute(
            f"INSERT INTO checkin_settings ({_SETTINGS_COLUMNS}, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (member_id) DO UPDATE SET enabled = excluded.enabled, "
            "days = excluded.days, at_minutes = excluded.at_minutes, "
            "contacts = excluded.contacts, professional_ok = excluded.professional_ok, "
            "paused = excluded.paused, paused_until = excluded.paused_until, "
            "pause_reason = excluded.pause_reason, "
            "ask_again_minutes = excluded.ask_again_minutes, "
            "neighbours_minutes = excluded.neighbours_minutes, "
            "escalate_minutes = excluded.escalate_minutes, updated_at = excluded.updated_at",
            (
                s.member_id,
                int(s.enabled),
                "".join(str(d) for d in sorted(s.days)),
                s.at.hour * 60 + s.at.minute,
                json.dumps(list(s.contacts)),
                int(s.professional_ok),
                int(s.paused),
                s.paused_until.isoformat() if s.paused_until else None,
                s.pause_reason,
                int(s.ask_again.total_seconds() // 60),
                int(s.neighbours.total_seconds() // 60),
                int(s.escalate.total_seconds() // 60),
                self._now(),
            ),
        )

    async def start_round(self, tx: Session, member_id: int, due_at: dt.datetime) -> int | None:
        """A new round for this check-in moment; None if it exists already (fired before)."""
        cur = await tx.execute(
            "INSERT OR IGNORE INTO checkin_rounds (member_id, due_at, created_at) VALUES (?, ?, ?)",
            (member_id, to_db(due_at), self._now()),
        )
        return cur.lastrowid if cur.rowcount else None

    async def checkin_round(self, round_id: int, tx: Session | None = None) -> Round | None:
        sql = f"SELECT {_ROUND_COLUMNS} FROM checkin_rounds r WHERE r.id = ?"
        row = await (tx or self.db).fetchone(sql, (round_id,))
        return _round(row) if row else None

    async def rounds_of(self, member_id: int) -> list[Round]:
        return [
            _round(r)
            for r in await self.db.fetchall(
                f"SELECT {_ROUND_COLUMNS} FROM checkin_rounds r WHERE r.member_id = ? "
                "ORDER BY r.due_at",
                (member_id,),
            )
        ]

    async def open_rounds_of_member(self, member_id: int, tx: Session) -> list[Round]:
        return [
            _round(r)
            for r in await tx.fetchall(
                f"SELECT {_ROUND_COLUMNS} FROM checkin_rounds r "
                "WHERE r.member_id = ? AND r.status = 'open' ORDER BY r.due_at",
                (member_id,),
            )
        ]

    async def open_rounds_of_user(self, user_id: int) -> list[Round]:
        return [
            _round(r)
            for r in await self.db.fetchall(
                f"SELECT {_ROUND_COLUMNS} "
                # CROSS JOIN keeps this order: the person's memberships first, then
                # their open rounds, not every open round in the municipality.
                "FROM members m CROSS JOIN checkin_rounds r ON r.member_id = m.id "
                "WHERE m.user_id = ? AND r.status = 'open'",
                (user_id,),
            )
        ]

    async def set_round_stage(self, tx: Session, round_id: int, stage: str) -> None:
        await tx.execute("UPDATE checkin_rounds SET stage = ? WHERE id = ?", (stage, round_id))

    async def set_round_need(self, tx: Session, round_id: int, need: str, answer: str) -> bool:
        """The member answered and needs someone (contact, not so good); the round stays
        open until someone had contact. False when the member had answered already
        (only "graag even contact" may still become "niet zo goed")."""
        cur = await tx.execute(
            "UPDATE checkin_rounds SET need = ?, answer = ? WHERE id = ? AND status = 'open' "
            "AND (answer IS NULL OR (need = 'contact' AND ? = 'notwell'))",
            (need, answer, round_id, need),
        )
        return cur.rowcount > 0

    async def close_round(
        self, tx: Session, round_id: int, ended: str, closed_by: int | None
    ) -> bool:
        """Close an open round, saying how it ended (the member's own answer, if they
        gave none, is how it ended). False when it was closed already."""
        cur = await tx.execute(
            "UPDATE checkin_rounds SET status = 'closed', ended = ?, answer = COALESCE(answer, ?), "
            "closed_by = ?, closed_at = ? WHERE id = ? AND status = 'open'",
            (ended, ended, closed_by, self._now(), round_id),
        )
        return cur.rowcount > 0

    async def set_round_going(self, tx: Session, round_id: int, user_id: int) -> None:
        await tx.execute(
            "UPDATE checkin_rounds SET going = ? WHERE id = ? AND status = 'open'",
            (user_id, round_id),
        )

    async def add_round_notice(
        self,
        tx: Session,
        round_id: int,
        user_id: int,
        rung: str,
        kind: str,
        outbox_id: int | None,
    ) -> None:
        await tx.execute(
            "INSERT INTO round_notices (round_id, user_id, rung, kind, outbox_id, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (round_id, user_id, rung, kind, outbox_id, self._now()),
        )

    async def round_notices(self, round_id: int, tx: Session | None = None) -> list[Notice]:
        sql = f"SELECT {_NOTICE_COLUMNS} WHERE n.round_id = ? ORDER BY n.id"
        return [_notice(r) for r in await (tx or self.db).fetchall(sql, (round_id,))]

    async def round_notice_of_message(
        self, outbox_id: int, tx: Session
    ) -> tuple[int, Notice] | None:
        """The round and notice an outbox message belongs to, if it is one of the ladder's."""
        row = await tx.fetchone(
            f"SELECT n.round_id, {_NOTICE_COLUMNS} WHERE n.outbox_id = ?", (outbox_id,)
        )
        return (row[0], _notice(row[1:])) if row else None
