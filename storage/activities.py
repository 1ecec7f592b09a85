"""SQL for joint activities and who comes (part of ``Store``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from domain.records import Activity
from storage.database import Database, Session


class ActivityQueries:
    db: Database

    def _now(self) -> str:  # provided by Store
        raise NotImplementedError

    async def create_activity(self, tx: Session, **values: Any) -> int:
        cur = await tx.execute(
            "INSERT INTO activities (circle_id, kind, day, at_minutes, place, created_by, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                values["circle_id"],
                values["kind"],
                values["day"].isoformat(),
                values["at_minutes"],
                values.get("place"),
                values["created_by"],
                self._now(),
            ),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def activity(self, activity_id: int, tx: Session | None = None) -> Activity | None:
        sql = "SELECT id, circle_id, kind, day, at_minutes, place FROM activities WHERE id = ?"
        row = await (tx or self.db).fetchone(sql, (activity_id,))
        if row is None:
            return None
        return Activity(row[0], row[1], row[2], dt.date.fromisoformat(row[3]), row[4], row[5])

    async def set_attendance(self, activity_id: int, member_id: int, coming: bool) -> None:
        await self.db.execute(
            "INSERT INTO attendance (activity_id, member_id, coming) VALUES (?, ?, ?) "
            "ON CONFLICT (activity_id, member_id) DO UPDATE SET coming = excluded.coming",
            (activity_id, member_id, int(coming)),
        )

    async def coming(
        self, activity_id: int, tx: Session | None = None
    ) -> list[tuple[int, str, int | None]]:
        """(member id, name, user id) of those who come."""
        sql = (
            "SELECT m.id, m.display_name, m.user_id FROM attendance a JOIN members m "
            "ON m.id = a.member_id WHERE a.activity_id = ? AND a.coming = 1 "
            "ORDER BY m.display_name"
        )
        return [tuple(r) for r in await (tx or self.db).fetchall(sql, (activity_id,))]

    async def add_activity_post(self, tx: Session, activity_id: int, outbox_id: int) -> None:
        await tx.execute(
            "INSERT OR IGNORE INTO activity_posts (activity_id, outbox_id) VALUES (?, ?)",
            (activity_id, outbox_id),
        )

    async def activity_posts(self, activity_id: int) -> list[tuple[int, int]]:
        """Where the activity was announced and Telegram accepted it."""
        return [
            (r[0], r[1])
            for r in await self.db.fetchall(
                "SELECT o.chat_id, o.telegram_message_id FROM activity_posts p "
                "JOIN outbox o ON o.id = p.outbox_id WHERE p.activity_id = ? AND o.status = 'sent'",
                (activity_id,),
            )
        ]
