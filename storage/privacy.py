"""SQL for a person's data rights: everything we hold, and forgetting it (part of ``Store``)."""

from __future__ import annotations

import json
from typing import Any

from storage.database import Database

# Where a person's own id appears in a stored Telegram update.
_UPDATE_SENDER = (
    "COALESCE(json_extract(payload, '$.message.from.id'), "
    "json_extract(payload, '$.edited_message.from.id'), "
    "json_extract(payload, '$.callback_query.from.id'), "
    "json_extract(payload, '$.my_chat_member.from.id'))"
)


class PrivacyQueries:
    db: Database

    async def _rows(self, sql: str, args: tuple[Any, ...]) -> list[dict[str, Any]]:
        return [dict(r) for r in await self.db.fetchall(sql, args)]

    async def everything_about(self, user_id: int) -> dict[str, Any]:
        """All rows that are about this person, as plain data."""
        person = await self._rows(
            "SELECT id, first_name, language, enjoys, can_offer, reachable, created_at "
            "FROM users WHERE id = ?",
            (user_id,),
        )
        memberships = await self._rows(
            "SELECT m.id AS member_id, c.title AS circle, m.display_name, m.role, "
            "m.consented_at, m.professional_consent, m.phone, m.share_phone, m.in_group, "
            "m.joined_at FROM members m JOIN circles c ON c.id = m.circle_id "
            "WHERE m.user_id = ?",
            (user_id,),
        )
        member_ids = [m["member_id"] for m in memberships]
        marks = ",".join("?" * len(member_ids)) or "NULL"
        checkins = await self._rows(
            f"SELECT member_id, enabled, days, at_minutes, contacts, professional_ok, paused, "
            f"paused_until, pause_reason FROM checkin_settings WHERE member_id IN ({marks})",
            tuple(member_ids),
        )
        rounds = await self._rows(
            f"SELECT member_id, due_at, status, stage, answer, closed_at FROM checkin_rounds "
            f"WHERE member_id IN ({marks}) ORDER BY due_at",
            tuple(member_ids),
        )
        drafts = await self._rows(
            "SELECT flow, state, updated_at FROM drafts WHERE user_id = ?", (user_id,)
        )
        messages_sent = await self._rows(
            f"SELECT update_id, received_at, payload FROM inbox WHERE {_UPDATE_SENDER} = ? "
            "ORDER BY update_id",
            (user_id,),
        )
        messages_received = await self._rows(
            "SELECT created_at, text, status FROM outbox WHERE chat_id = ? ORDER BY id", (user_id,)
        )
        for row in messages_sent:
            row["payload"] = json.loads(row["payload"])
        for row in drafts:
            row["state"] = json.loads(row["state"])
        return {
            "person": person[0] if person else None,
            "circles": memberships,
            "check_in_settings": checkins,
            "check_in_rounds": rounds,
            "unfinished_questions": drafts,
            "messages_you_sent_recently": messages_sent,
            "messages_the_bot_sent_you": messages_received,
        }

    async def forget(self, user_id: int) -> None:
        """Delete the person everywhere. Their rows in circles, check-ins and rounds go
        with them (foreign keys cascade); what others need stays, without their name."""
        async with self.db.write() as tx:
            await tx.execute(f"DELETE FROM inbox WHERE {_UPDATE_SENDER} = ?", (user_id,))
            await tx.execute("DELETE FROM outbox WHERE chat_id = ?", (user_id,))
            await tx.execute("DELETE FROM drafts WHERE user_id = ?", (user_id,))
            await tx.execute(
                "DELETE FROM invites WHERE created_by = ? AND used_by IS NULL", (user_id,)
            )
            await tx.execute("UPDATE invites SET used_by = NULL WHERE used_by = ?", (user_id,))
            await tx.execute("UPDATE signposts SET added_by = NULL WHERE added_by = ?", (user_id,))
            await tx.execute("UPDATE members SET added_by = NULL WHERE added_by = ?", (user_id,))
            await tx.execute(
                "UPDATE checkin_rounds SET closed_by = NULL WHERE closed_by = ?", (user_id,)
            )
            await tx.execute("UPDATE checkin_rounds SET going = NULL WHERE going = ?", (user_id,))
            await tx.execute("DELETE FROM round_notices WHERE user_id = ?", (user_id,))
            await tx.execute("DELETE FROM signal_notices WHERE user_id = ?", (user_id,))
            # A worry they shared stays with the professional, without their name.
            await tx.execute("UPDATE signals SET sender_id = NULL WHERE sender_id = ?", (user_id,))
            await tx.execute("DELETE FROM members WHERE user_id = ?", (user_id,))
            await tx.execute("DELETE FROM users WHERE id = ?", (user_id,))


class RetentionQueries:
    """Forget content after its time; keep what the figures need, without names."""

    async def forget_old_content(
        self,
        tx: Any,
        *,
        requests_before: str,
        checkins_before: str,
        signals_before: str,
        messages_before: str,
    ) -> dict[str, int]:
        counts = {}
        cur = await tx.execute(
            "UPDATE requests SET details = NULL, voice_file_id = NULL, asked_by = NULL, "
            "member_id = NULL, helper_member_id = NULL WHERE status IN ('done', 'cancelled') "
            "AND closed_at < ? AND (details IS NOT NULL OR voice_file_id IS NOT NULL "
            "OR member_id IS NOT NULL OR helper_member_id IS NOT NULL)",
            (requests_before,),
        )
        counts["requests"] = cur.rowcount
        cur = await tx.execute(
            "UPDATE checkin_rounds SET answer = NULL, closed_by = NULL, going = NULL "
            "WHERE status = 'closed' AND due_at < ? "
            "AND (answer IS NOT NULL OR closed_by IS NOT NULL OR going IS NOT NULL "
            "OR EXISTS (SELECT 1 FROM round_notices n WHERE n.round_id = checkin_rounds.id))",
            (checkins_before,),
        )
        counts["checkins"] = cur.rowcount
        await tx.execute(
            "DELETE FROM round_notices WHERE round_id IN "
            "(SELECT id FROM checkin_rounds WHERE status = 'closed' AND due_at < ?)",
            (checkins_before,),
        )
        cur = await tx.execute(
            "UPDATE signals SET details = NULL, voice_file_id = NULL, sender_id = NULL, "
            "about_member_id = NULL, owner_member_id = NULL WHERE status = 'closed' "
            "AND closed_at < ? AND (details IS NOT NULL OR sender_id IS NOT NULL "
            "OR about_member_id IS NOT NULL OR voice_file_id IS NOT NULL)",
            (signals_before,),
        )
        counts["signals"] = cur.rowcount
        await tx.execute(
            "UPDATE signal_log SET detail = NULL, actor = NULL WHERE signal_id IN "
            "(SELECT id FROM signals WHERE status = 'closed' AND closed_at < ?)",
            (signals_before,),
        )
        cur = await tx.execute(
            "DELETE FROM outbox WHERE status != 'pending' AND created_at < ?", (messages_before,)
        )
        counts["messages"] = cur.rowcount
        return counts
