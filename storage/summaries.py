"""SQL for the weekly figures of a circle (part of ``Store``). Counts only: no content."""

from __future__ import annotations

import datetime as dt
from typing import Any

from storage.database import Database
from storage.timefmt import to_db


class SummaryQueries:
    db: Database

    async def _value(self, sql: str, args: tuple[Any, ...]) -> int:
        return int(await self.db.fetchvalue(sql, args) or 0)

    async def week_figures(
        self, circle_id: int, start: dt.datetime, end: dt.datetime
    ) -> dict[str, Any]:
        a, b = to_db(start), to_db(end)
        figures: dict[str, Any] = {
            "asked": await self._value(
                "SELECT COUNT(*) FROM requests WHERE circle_id = ? AND created_at >= ? "
                "AND created_at < ? AND kind NOT IN ('chat', 'unburden')",
                (circle_id, a, b),
            ),
            "helped": await self._value(
                "SELECT COUNT(*) FROM requests WHERE circle_id = ? AND claimed_at >= ? "
                "AND claimed_at < ?",
                (circle_id, a, b),
            ),
            "open": await self._value(
                "SELECT COUNT(*) FROM requests WHERE circle_id = ? AND status = 'open' "
                "AND kind NOT IN ('chat', 'unburden')",
                (circle_id,),
            ),
            "rounds": await self._value(
                "SELECT COUNT(*) FROM checkin_rounds r JOIN members m ON m.id = r.member_id "
                "WHERE m.circle_id = ? AND r.due_at >= ? AND r.due_at < ?",
                (circle_id, a, b),
            ),
            "to_neighbours": await self._value(
                "SELECT COUNT(*) FROM checkin_rounds r JOIN members m ON m.id = r.member_id "
                "WHERE m.circle_id = ? AND r.due_at >= ? AND r.due_at < ? "
                "AND r.stage NOT IN ('asked', 'asked_again')",
                (circle_id, a, b),
            ),
            "to_chair": await self._value(
                "SELECT COUNT(*) FROM checkin_rounds r JOIN members m ON m.id = r.member_id "
                "WHERE m.circle_id = ? AND r.due_at >= ? AND r.due_at < ? "
                "AND r.stage IN ('chair', 'beheerder', 'circle')",
                (circle_id, a, b),
            ),
            "contact_wanted": await self._value(
                "SELECT COUNT(*) FROM checkin_rounds r JOIN members m ON m.id = r.member_id "
                "WHERE m.circle_id = ? AND r.due_at >= ? AND r.due_at < ? "
                "AND r.answer IN ('contact', 'notwell')",
                (circle_id, a, b),
            ),
            "chats": await self._value(
                "SELECT COUNT(*) FROM requests WHERE circle_id = ? AND created_at >= ? "
                "AND created_at < ? AND kind IN ('chat', 'unburden')",
                (circle_id, a, b),
            ),
            "open_signals": await self._value(
                "SELECT COUNT(*) FROM signals WHERE circle_id = ? AND status != 'closed'",
                (circle_id,),
            ),
        }
        figures["helpers"] = [
            r[0]
            for r in await self.db.fetchall(
                "SELECT DISTINCT m.display_name FROM requests r JOIN members m "
                "ON m.id = r.helper_member_id WHERE r.circle_id = ? AND r.claimed_at >= ? "
                "AND r.claimed_at < ? ORDER BY m.display_name",
                (circle_id, a, b),
            )
        ]
        figures["people_helped"] = await self._value(
            "SELECT COUNT(DISTINCT member_id) FROM requests WHERE circle_id = ? "
            "AND claimed_at >= ? AND claimed_at < ?",
            (circle_id, a, b),
        )
        return figures

    async def active_circles(self) -> list[int]:
        return [
            r[0]
            for r in await self.db.fetchall("SELECT id FROM circles WHERE active = 1 ORDER BY id")
        ]
