"""SQL for circles, members, invites, drafts and the wegwijzer (part of ``Store``)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from domain.records import Circle, Invite, Member
from storage.database import Database, Session
from storage.timefmt import from_db, to_db

_MEMBER_COLUMNS = """
    m.id, m.circle_id, m.user_id, m.display_name, m.role, m.consented_at IS NOT NULL,
    m.professional_consent, m.phone, m.share_phone, m.contact_member_id, m.in_group,
    COALESCE(u.reachable, 0), m.is_backup
"""
_MEMBER_FROM = "FROM members m LEFT JOIN users u ON u.id = m.user_id"


def _member(row: Any) -> Member:
    return Member(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        bool(row[5]),
        bool(row[6]),
        row[7],
        bool(row[8]),
        row[9],
        bool(row[10]),
        bool(row[11]),
        bool(row[12]),
    )


def _circle(row: Any) -> Circle:
    return Circle(row[0], row[1], row[2], row[3], bool(row[4]))


class CircleQueries:
    db: Database

    def _now(self) -> str:  # provided by Store
        raise NotImplementedError

    # -- circles --------------------------------------------------------------

    async def circle(self, circle_id: int) -> Circle | None:
        row = await self.db.fetchone(
            "SELECT id, chat_id, title, join_code, active FROM circles WHERE id = ?", (circle_id,)
        )
        return _circle(row) if row else None

    async def circle_by_chat(self, chat_id: int) -> Circle | None:
        row = await self.db.fetchone(
            "SELECT id, chat_id, title, join_code, active FROM circles WHERE chat_id = ?",
            (chat_id,),
        )
        return _circle(row) if row else None

    async def circle_by_join_code(self, code: str) -> Circle | None:
        row = await self.db.fetchone(
            "SELECT id, chat_id, title, join_code, active FROM circles WHERE join_code = ?",
            (code,),
        )
        return _circle(row) if row else None

    async def create_circle(self, tx: Session, chat_id: int, title: str, join_code: str) -> int:
        now = self._now()
        cur = await tx.execute(
            "INSERT INTO circles (chat_id, title, join_code, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (chat_id, title, join_code, now, now),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def set_circle_active(
        self, circle_id: int, active: bool, tx: Session | None = None
    ) -> bool:
        """Returns True when this changed anything (so a redelivered update does nothing)."""
        sql = "UPDATE circles SET active = ?, updated_at = ? WHERE id = ? AND active != ?"
        args = (int(active), self._now(), circle_id, int(active))
        return (await (tx or self.db).execute(sql, args)).rowcount > 0

    async def move_circle_chat(self, old_chat_id: int, new_chat_id: int) -> Circle | None:
        """A group became a supergroup: the circle follows to the new chat id."""
        await self.db.execute(
            "UPDATE circles SET chat_id = ?, updated_at = ? WHERE chat_id = ? "
            "AND NOT EXISTS (SELECT 1 FROM circles WHERE chat_id = ?)",
            (new_chat_id, self._now(), old_chat_id, new_chat_id),
        )
        return await self.circle_by_chat(new_chat_id)

    async def join_code(self, circle_id: int, tx: Session | None = None) -> str | None:
        return await (tx or self.db).fetchvalue(
            "SELECT join_code FROM circles WHERE id = ?", (circle_id,)
        )

    async def renew_join_code(self, tx: Session, circle_id: int, code: str) -> None:
        """The group's "Doe mee" link gets a new code: the old one no longer works."""
        await tx.execute(
            "UPDATE circles SET join_code = ?, updated_at = ? WHERE id = ?",
            (code, self._now(), circle_id),
        )

    async def rename_circle(self, circle_id: int, title: str, tx: Session | None = None) -> None:
        await (tx or self.db).execute(
            "UPDATE circles SET title = ?, updated_at = ? WHERE id = ?",
            (title, self._now(), circle_id),
        )

    # -- members --------------------------------------------------------------

    async def member(self, member_id: int) -> Member | None:
        row = await self.db.fetchone(
            f"SELECT {_MEMBER_COLUMNS} {_MEMBER_FROM} WHERE m.id = ?", (member_id,)
        )
        return _member(row) if row else None

    async def member_of(self, circle_id: int, user_id: int) -> Member | None:
        row = await self.db.fetchone(
            f"SELECT {_MEMBER_COLUMNS} {_MEMBER_FROM} WHERE m.circle_id = ? AND m.user_id = ?",
            (circle_id, user_id),
        )
        return _member(row) if row else None

    async def members(self, circle_id: int) -> list[Member]:
        rows = await self.db.fetchall(
            f"SELECT {_MEMBER_COLUMNS} {_MEMBER_FROM} WHERE m.circle_id = ? "
            "ORDER BY CASE m.role WHEN 'voorzitter' THEN 0 WHEN 'superbuur' THEN 1 "
            "WHEN 'lid' THEN 2 ELSE 3 END, m.display_name COLLATE NOCASE",
            (circle_id,),
        )
        return [_member(r) for r in rows]

    async def members_of_user(self, user_id: int, tx: Session | None = None) -> list[Member]:
        """A person's memberships, one per circle."""
        rows = await (tx or self.db).fetchall(
            f"SELECT {_MEMBER_COLUMNS} {_MEMBER_FROM} WHERE m.user_id = ?", (user_id,)
        )
        return [_member(r) for r in rows]

    async def memberships(self, user_id: int) -> list[tuple[Circle, Member]]:
        """The circles a person is in (any role), active circles first."""
        rows = await self.db.fetchall(
            f"SELECT {_MEMBER_COLUMNS}, c.id, c.chat_id, c.title, c.join_code, c.active "
            f"{_MEMBER_FROM} JOIN circles c ON c.id = m.circle_id WHERE m.user_id = ? "
            "ORDER BY c.active DESC, c.title COLLATE NOCASE",
            (user_id,),
        )
        return [(_circle(r[13:]), _member(r[:13])) for r in rows]

    async def add_member(
        self,
        tx: Session,
        circle_id: int,
        user_id: int | None,
        display_name: str,
        role: str,
        *,
        consented: bool,
        professional_consent: bool = False,
        phone: str | None = None,
        share_phone: bool = False,
        contact_member_id: int | None = None,
        added_by: int | None = None,
    ) -> int:
        """Add a person to a circle, or complete the row that was waiting for them."""
        now = self._now()
        consented_at = now if consented else None
        if user_id is not None:
            row = await tx.fetchone(
                "UPDATE members SET display_name = ?, "
                "consented_at = COALESCE(consented_at, ?), professional_consent = ?, "
                "phone = COALESCE(?, phone), share_phone = ?, in_group = in_group "
                "WHERE circle_id = ? AND user_id = ? RETURNING id",
                (
                    display_name,
                    consented_at,
                    int(professional_consent),
                    phone,
                    int(share_phone),
                    circle_id,
                    user_id,
                ),
            )
            if row:
                return int(row[0])
        cur = await tx.execute(
            "INSERT INTO members (circle_id, user_id, display_name, role, consented_at, "
            "professional_consent, phone, share_phone, contact_member_id, added_by, joined_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                circle_id,
                user_id,
                display_name,
                role,
                consented_at,
                int(professional_consent),
                phone,
                int(share_phone),
                contact_member_id,
                added_by,
                now,
            ),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def set_role(self, tx: Session, member_id: int, role: str) -> None:
        await tx.execute("UPDATE members SET role = ? WHERE id = ?", (role, member_id))

    async def mark_backup(self, tx: Session, member_id: int) -> None:
        await tx.execute("UPDATE members SET is_backup = 1 WHERE id = ?", (member_id,))

    async def remove_member(self, tx: Session, member_id: int) -> None:
        await tx.execute("DELETE FROM members WHERE id = ?", (member_id,))

    async def count_role(self, circle_id: int, role: str, tx: Session | None = None) -> int:
        sql = "SELECT COUNT(*) FROM members WHERE circle_id = ? AND role = ?"
        return int(await (tx or self.db).fetchvalue(sql, (circle_id, role)))

    async def set_in_group(self, circle_id: int, user_id: int, in_group: bool) -> None:
        await self.db.execute(
            "UPDATE members SET in_group = ? WHERE circle_id = ? AND user_id = ?",
            (int(in_group), circle_id, user_id),
        )

    async def set_member_phone(self, member_id: int, phone: str | None, share: bool) -> None:
        await self.db.execute(
            "UPDATE members SET phone = ?, share_phone = ? WHERE id = ?",
            (phone, int(share), member_id),
        )

    # -- invites --------------------------------------------------------------

    async def create_invite(
        self, code: str, circle_id: int, kind: str, created_by: int, expires_at: dt.datetime
    ) -> None:
        async with self.db.write() as tx:
            await self.add_invite(tx, code, circle_id, kind, created_by, expires_at)

    async def add_invite(
        self,
        tx: Session,
        code: str,
        circle_id: int,
        kind: str,
        created_by: int,
        expires_at: dt.datetime,
    ) -> None:
        await tx.execute(
            "INSERT INTO invites (code, circle_id, kind, created_by, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (code, circle_id, kind, created_by, self._now(), to_db(expires_at)),
        )

    async def invite(self, code: str) -> Invite | None:
        row = await self.db.fetchone(
            "SELECT code, circle_id, kind, created_by, expires_at, revoked_at IS NOT NULL, "
            "used_by FROM invites WHERE code = ?",
            (code,),
        )
        if row is None:
            return None
        return Invite(row[0], row[1], row[2], row[3], from_db(row[4]), bool(row[5]), row[6])

    async def open_invites(self, circle_id: int, now: dt.datetime) -> list[Invite]:
        rows = await self.db.fetchall(
            "SELECT code, circle_id, kind, created_by, expires_at, 0, used_by FROM invites "
            "WHERE circle_id = ? AND revoked_at IS NULL AND used_by IS NULL AND expires_at > ? "
            "ORDER BY created_at",
            (circle_id, to_db(now)),
        )
        return [Invite(r[0], r[1], r[2], r[3], from_db(r[4]), False, r[6]) for r in rows]

    async def revoke_invite(self, code: str) -> bool:
        cur = await self.db.execute(
            "UPDATE invites SET revoked_at = ? WHERE code = ? AND revoked_at IS NULL "
            "AND used_by IS NULL",
            (self._now(), code),
        )
        return cur.rowcount > 0

    async def use_invite(self, tx: Session, code: str, user_id: int, now: dt.datetime) -> bool:
        """Open -> used, only from open (not used, not withdrawn, not past its time)."""
        cur = await tx.execute(
            "UPDATE invites SET used_by = ?, used_at = ? WHERE code = ? AND used_by IS NULL "
            "AND revoked_at IS NULL AND expires_at > ?",
            (user_id, self._now(), code, to_db(now)),
        )
        return cur.rowcount > 0

    # -- asking the voorzitter to be let in -------------------------------------

    async def ask_to_join(self, circle_id: int, user_id: int, name: str) -> int | None:
        """A request to be let in; None when one is waiting already."""
        row = await self.db.execute(
            "INSERT INTO join_requests (circle_id, user_id, name, created_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (circle_id, user_id) WHERE decided_at IS NULL "
            "DO NOTHING",
            (circle_id, user_id, name, self._now()),
        )
        return row.lastrowid if row.rowcount else None

    async def join_request(self, request_id: int) -> tuple[int, int, str, bool] | None:
        """(circle id, user id, name, still waiting) of a request."""
        row = await self.db.fetchone(
            "SELECT circle_id, user_id, name, decided_at IS NULL FROM join_requests WHERE id = ?",
            (request_id,),
        )
        return (row[0], row[1], row[2], bool(row[3])) if row else None

    async def decide_join_request(
        self, tx: Session, request_id: int, decided_by: int, approved: bool
    ) -> bool:
        """Waiting -> decided, once: False when someone decided already."""
        cur = await tx.execute(
            "UPDATE join_requests SET decided_by = ?, decided_at = ?, approved = ? "
            "WHERE id = ? AND decided_at IS NULL",
            (decided_by, self._now(), int(approved), request_id),
        )
        return cur.rowcount > 0

    # -- drafts (wizards that survive a restart) --------------------------------

    async def draft(self, user_id: int) -> tuple[str, dict[str, Any]] | None:
        row = await self.db.fetchone("SELECT flow, state FROM drafts WHERE user_id = ?", (user_id,))
        return (row[0], json.loads(row[1])) if row else None

    async def save_draft(self, user_id: int, flow: str, state: dict[str, Any]) -> None:
        await self.db.execute(
            "INSERT INTO drafts (user_id, flow, state, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET flow = excluded.flow, "
            "state = excluded.state, updated_at = excluded.updated_at",
            (user_id, flow, json.dumps(state), self._now()),
        )

    async def clear_draft(self, user_id: int, tx: Session | None = None) -> None:
        await (tx or self.db).execute("DELETE FROM drafts WHERE user_id = ?", (user_id,))

    # -- wegwijzer -------------------------------------------------------------

    async def signposts(self, circle_id: int) -> list[tuple[int, str]]:
        rows = await self.db.fetchall(
            "SELECT id, text FROM signposts WHERE circle_id = ? ORDER BY id", (circle_id,)
        )
        return [(r[0], r[1]) for r in rows]

    async def add_signpost(
        self, circle_id: int, text: str, added_by: int, tx: Session | None = None
    ) -> int:
        cur = await (tx or self.db).execute(
            "INSERT INTO signposts (circle_id, text, added_by, created_at) VALUES (?, ?, ?, ?)",
            (circle_id, text, added_by, self._now()),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def remove_signpost(self, circle_id: int, signpost_id: int) -> bool:
        cur = await self.db.execute(
            "DELETE FROM signposts WHERE id = ? AND circle_id = ?", (signpost_id, circle_id)
        )
        return cur.rowcount > 0

    # -- what a person told once ------------------------------------------------

    async def set_profile(
        self, user_id: int, *, enjoys: str | None = None, can_offer: str | None = None
    ) -> None:
        await self.db.execute(
            "UPDATE users SET enjoys = COALESCE(?, enjoys), "
            "can_offer = COALESCE(?, can_offer), updated_at = ? WHERE id = ?",
            (enjoys, can_offer, self._now(), user_id),
        )
