"""SQL for worries (signals) and their log (part of ``Store``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from domain.lifecycle import placeholders
from domain.records import Signal, SignalNotice
from domain.signals import WORRY_LIFECYCLE, WorryStatus
from storage.database import Database, Session
from storage.timefmt import from_db

_COLUMNS = (
    "id, circle_id, sender_id, about_member_id, about_self, kind, details, "
    "voice_file_id, urgency, name_shared, safety, status, owner_member_id, created_at, stage"
)


_NOTICE = (
    "n.user_id, n.step, n.can_pick_up, n.outbox_id, COALESCE(o.status, 'gone') "
    "FROM signal_notices n LEFT JOIN outbox o ON o.id = n.outbox_id"
)


def _signal(row: Any) -> Signal:
    return Signal(
        row[0],
        row[1],
        row[2],
        row[3],
        bool(row[4]),
        row[5],
        row[6],
        row[7],
        row[8],
        bool(row[9]),
        bool(row[10]),
        row[11],
        row[12],
        from_db(row[13]),
        row[14],
    )


class SignalQueries:
    db: Database

    def _now(self) -> str:  # provided by Store
        raise NotImplementedError

    async def create_signal(self, tx: Session, **values: Any) -> int:
        columns = ", ".join(values) + ", created_at"
        marks = ", ".join("?" * (len(values) + 1))
        cur = await tx.execute(
            f"INSERT INTO signals ({columns}) VALUES ({marks})", (*values.values(), self._now())
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def signal(self, signal_id: int, tx: Session | None = None) -> Signal | None:
        sql = f"SELECT {_COLUMNS} FROM signals WHERE id = ?"
        row = await (tx or self.db).fetchone(sql, (signal_id,))
        return _signal(row) if row else None

    async def signals_of(
        self, circle_ids: list[int], *, open_only: bool = False, since: dt.datetime | None = None
    ) -> list[Signal]:
        if not circle_ids:
            return []
        marks = ",".join("?" * len(circle_ids))
        sql = f"SELECT {_COLUMNS} FROM signals WHERE circle_id IN ({marks})"
        args: list[Any] = list(circle_ids)
        if open_only:
            sql += f" AND status != '{WorryStatus.CLOSED}'"
        if since is not None:
            sql += f" AND (status != '{WorryStatus.CLOSED}' OR created_at >= ?)"
            args.append(since.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
        return [
            _signal(r) for r in await self.db.fetchall(sql + " ORDER BY created_at", tuple(args))
        ]

    async def set_signal_status(
        self,
        tx: Session,
        signal_id: int,
        status: WorryStatus,
        owner_member_id: int | None = None,
    ) -> bool:
        """Picked up or closed, from a state the lifecycle allows; False if it was not."""
        column = {WorryStatus.ACKNOWLEDGED: "acknowledged_at", WorryStatus.CLOSED: "closed_at"}
        sources = WORRY_LIFECYCLE.sources(status)
        cur = await tx.execute(
            f"UPDATE signals SET status = ?, {column[status]} = ?, "
            "owner_member_id = COALESCE(?, owner_member_id) "
            f"WHERE id = ? AND status IN ({placeholders(sources)})",
            (status, self._now(), owner_member_id, signal_id, *sources),
        )
        return cur.rowcount > 0

    async def set_signal_stage(self, tx: Session, signal_id: int, stage: str) -> None:
        await tx.execute("UPDATE signals SET stage = ? WHERE id = ?", (stage, signal_id))

    async def add_signal_notice(
        self,
        tx: Session,
        signal_id: int,
        user_id: int,
        step: str,
        outbox_id: int | None,
        *,
        can_pick_up: bool = False,
    ) -> None:
        await tx.execute(
            "INSERT INTO signal_notices (signal_id, user_id, step, can_pick_up, outbox_id, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (signal_id, user_id, step, int(can_pick_up), outbox_id, self._now()),
        )

    async def signal_notices(self, signal_id: int, tx: Session | None = None) -> list[SignalNotice]:
        rows = await (tx or self.db).fetchall(
            f"SELECT {_NOTICE} WHERE n.signal_id = ? ORDER BY n.id", (signal_id,)
        )
        return [SignalNotice(r[0], r[1], bool(r[2]), r[3], r[4]) for r in rows]

    async def signal_notice_of_message(
        self, outbox_id: int, tx: Session
    ) -> tuple[int, SignalNotice] | None:
        row = await tx.fetchone(
            f"SELECT n.signal_id, {_NOTICE} WHERE n.outbox_id = ?", (outbox_id,)
        )
        return (row[0], SignalNotice(row[1], row[2], bool(row[3]), row[4], row[5])) if row else None

    async def log_signal(
        self,
        tx: Session,
        signal_id: int,
        actor: str,
        event: str,
        detail: str | None = None,
    ) -> None:
        await tx.execute(
            "INSERT INTO signal_log (signal_id, at, actor, event, detail) VALUES (?,?,?,?,?)",
            (signal_id, self._now(), actor, event, detail),
        )

    async def signal_log(self, signal_id: int) -> list[tuple[dt.datetime, str, str, str | None]]:
        return [
            (from_db(r[0]), r[1], r[2], r[3])
            for r in await self.db.fetchall(
                "SELECT at, actor, event, detail FROM signal_log WHERE signal_id = ? ORDER BY id",
                (signal_id,),
            )
        ]
