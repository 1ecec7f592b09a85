"""SQL for a person's data rights: everything we hold, and forgetting it (part of ``Store``)."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import html
import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storage.database import Database, Session

# Where a person's own id appears in a stored Telegram update.
_UPDATE_SENDER = (
    "COALESCE(json_extract(payload, '$.message.from.id'), "
    "json_extract(payload, '$.edited_message.from.id'), "
    "json_extract(payload, '$.callback_query.from.id'), "
    "json_extract(payload, '$.my_chat_member.from.id'))"
)


# A message that named someone who has since been forgotten, as it is kept.
ERASED_TEXT = "(gewist)"


@dataclass(frozen=True)
class Erased:
    """What erasing a person leaves to do outside the database: their posts in the
    group and in others' chats (chat id, Telegram message id), to be blanked there."""

    posts: list[tuple[int, int]]


def fingerprint(key: str, user_id: int) -> str:
    """A keyed hash of a Telegram user id: it says "this person was erased" to whoever
    has the id, and does not give the id back to whoever has only the database."""
    return hmac.new(key.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Erasures:
    """The fingerprints of everyone erased from one database, and their key."""

    key: str
    rows: list[tuple[str, str]]  # (fingerprint, erased at)


def read_erasures(path: Path) -> Erasures | None:
    """The erasures a database file records (None: from before erasures were kept)."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        if "erasure_key" not in tables:
            return None
        key = conn.execute("SELECT key FROM erasure_key WHERE id = 1").fetchone()[0]
        rows = conn.execute("SELECT fingerprint, erased_at FROM erasures ORDER BY erased_at")
        return Erasures(key, [(r[0], r[1]) for r in rows])


class Traces:
    """What identifies one person in stored text: their Telegram id, their names and
    what they typed about themselves (phone, profile, their requests), each as a whole
    word, also as it appears in HTML and in JSON."""

    def __init__(self, user_id: int, names: Iterable[str | None], phrases: Iterable[str | None]):
        self.names = sorted({n for n in names if n and n.strip()})
        # A single letter would blank half of everything: whole words of two or more.
        words = {w for w in self.names if len(w.strip()) > 1} | {
            p.strip() for p in phrases if p and len(p.strip()) > 1
        }
        forms = {
            form
            for word in words
            for form in (word, html.escape(word, quote=False), json.dumps(word)[1:-1])
        }
        self.probes = sorted(forms | {str(user_id)})
        self._pattern = re.compile(
            "|".join(rf"(?<!\w){re.escape(form)}(?!\w)" for form in sorted(forms, key=len)[::-1])
            + rf"|(?<!\d){user_id}(?!\d)"
        )

    def probe(self, column: str) -> tuple[str, list[str]]:
        """A cheap SQL test (any probe occurs in ``column``); ``found_in`` decides."""
        return " OR ".join(f"instr({column}, ?) > 0" for _ in self.probes), self.probes

    def found_in(self, *values: str | None) -> bool:
        return any(value and self._pattern.search(value) for value in values)


_REQUEST_FROM = "FROM requests r JOIN circles c ON c.id = r.circle_id"
_REQUEST_CONTENT = (
    "details = NULL, voice_file_id = NULL, asked_by = NULL, member_id = NULL, "
    "helper_member_id = NULL"
)


class PrivacyQueries:
    db: Database

    def _now(self) -> str:  # provided by Store
        raise NotImplementedError

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
        mine = (user_id, *member_ids)
        return {
            "person": person[0] if person else None,
            "circles": memberships,
            "check_in_settings": checkins,
            "check_in_rounds": rounds,
            "requests_for_you": await self._rows(
                f"SELECT r.id, c.title AS circle, r.kind, r.day, r.at_minutes, r.details, "
                f"r.voice_file_id IS NOT NULL AS voice_message, r.visibility, r.status, "
                f"r.created_at, r.closed_at, "
                f"COALESCE(r.asked_by != ?, 0) AS asked_on_your_behalf "
                f"{_REQUEST_FROM} WHERE r.member_id IN ({marks}) ORDER BY r.id",
                mine,
            ),
            "requests_you_asked_for_someone_else": await self._rows(
                f"SELECT r.id, c.title AS circle, m.display_name AS for_whom, r.kind, r.day, "
                f"r.at_minutes, r.details, r.status, r.created_at {_REQUEST_FROM} "
                f"LEFT JOIN members m ON m.id = r.member_id WHERE r.asked_by = ? "
                f"AND COALESCE(r.member_id NOT IN ({marks}), 1) ORDER BY r.id",
                mine,
            ),
            "requests_you_helped_with": await self._rows(
                f"SELECT r.id, c.title AS circle, m.display_name AS for_whom, r.kind, r.day, "
                f"r.at_minutes, r.status, h.joined_at AS you_offered_at {_REQUEST_FROM} "
                f"JOIN request_helpers h ON h.request_id = r.id "
                f"LEFT JOIN members m ON m.id = r.member_id WHERE h.member_id IN ({marks}) "
                f"ORDER BY r.id",
                tuple(member_ids),
            ),
            "offers": await self._rows(
                f"SELECT c.title AS circle, o.kind, o.weekday, o.created_at FROM offers o "
                f"JOIN members m ON m.id = o.member_id JOIN circles c ON c.id = m.circle_id "
                f"WHERE o.member_id IN ({marks}) ORDER BY o.id",
                tuple(member_ids),
            ),
            "activities_you_announced": await self._rows(
                "SELECT c.title AS circle, a.kind, a.day, a.at_minutes, a.place, a.created_at "
                "FROM activities a JOIN circles c ON c.id = a.circle_id WHERE a.created_by = ? "
                "ORDER BY a.id",
                (user_id,),
            ),
            "activities_you_answered": await self._rows(
                f"SELECT c.title AS circle, a.kind, a.day, a.at_minutes, a.place, "
                f"t.coming FROM attendance t JOIN activities a ON a.id = t.activity_id "
                f"JOIN circles c ON c.id = a.circle_id WHERE t.member_id IN ({marks}) "
                f"ORDER BY a.day",
                tuple(member_ids),
            ),
            "worries_you_shared": await self._rows(
                "SELECT s.id, c.title AS circle, s.kind, s.urgency, s.details, "
                "s.voice_file_id IS NOT NULL AS voice_message, s.about_self, "
                "m.display_name AS about, s.status, s.created_at, s.closed_at FROM signals s "
                "JOIN circles c ON c.id = s.circle_id "
                "LEFT JOIN members m ON m.id = s.about_member_id WHERE s.sender_id = ? "
                "ORDER BY s.id",
                (user_id,),
            ),
            # AVG art. 15(4): by kind and date, not who shared it nor their words.
            "worries_about_you": await self._rows(
                f"SELECT c.title AS circle, s.kind, substr(s.created_at, 1, 10) AS date, "
                f"s.status FROM signals s JOIN circles c ON c.id = s.circle_id "
                f"WHERE COALESCE(s.sender_id != ?, 1) AND s.about_member_id IN ({marks}) "
                f"ORDER BY s.id",
                mine,
            ),
            "invites": await self._rows(
                "SELECT c.title AS circle, i.kind, i.created_at, i.expires_at, "
                "i.used_by IS NOT NULL AS used, i.revoked_at IS NOT NULL AS withdrawn "
                "FROM invites i JOIN circles c ON c.id = i.circle_id WHERE i.created_by = ? "
                "ORDER BY i.created_at",
                (user_id,),
            ),
            "asked_to_be_let_in": await self._rows(
                "SELECT c.title AS circle, j.created_at, j.decided_at, j.approved "
                "FROM join_requests j JOIN circles c ON c.id = j.circle_id WHERE j.user_id = ? "
                "ORDER BY j.id",
                (user_id,),
            ),
            "wegwijzer_entries_you_added": await self._rows(
                "SELECT c.title AS circle, s.text, s.created_at FROM signposts s "
                "JOIN circles c ON c.id = s.circle_id WHERE s.added_by = ? ORDER BY s.id",
                (user_id,),
            ),
            "times_you_were_asked_to_look_in": await self._rows(
                "SELECT created_at, kind FROM round_notices WHERE user_id = ? ORDER BY id",
                (user_id,),
            ),
            "unfinished_questions": drafts,
            "messages_you_sent_recently": messages_sent,
            "messages_the_bot_sent_you": messages_received,
        }

    async def forget(self, user_id: int) -> Erased:
        """Delete the person everywhere, and every copy of their words.

        Their own rows go (members cascade to check-ins, rounds, offers, attendance and
        their requests); where others' rows point at them, the pointer goes; a worry they
        shared stays with the professional without their name. Stored updates and sent
        messages of others that quote them (their name, phone, what they wrote) are
        blanked; one still waiting to be sent is blanked once it went. A fingerprint of
        the id (not the id) is kept, so a restore of an older backup can erase them again.
        Returns their posts in others' chats, for the caller to blank on Telegram."""
        async with self.db.write() as tx:
            traces = await self._traces(tx, user_id)
            members = [r[0] for r in await tx.fetchall(
                "SELECT id FROM members WHERE user_id = ?", (user_id,)
            )]  # fmt: skip
            marks = ",".join("?" * len(members)) or "NULL"
            own_requests = [r[0] for r in await tx.fetchall(
                f"SELECT id FROM requests WHERE member_id IN ({marks})", members
            )]  # fmt: skip
            request_marks = ",".join("?" * len(own_requests)) or "NULL"
            posts = [(r[0], r[1]) for r in await tx.fetchall(
                "SELECT o.chat_id, o.telegram_message_id FROM request_posts p "
                "JOIN outbox o ON o.id = p.outbox_id "
                f"WHERE p.request_id IN ({request_marks}) AND o.status = 'sent' "
                "AND o.chat_id != ? ORDER BY o.id",
                (*own_requests, user_id),
            )]  # fmt: skip
            signals = f"(SELECT s.id FROM signals s WHERE s.circle_id IN (SELECT circle_id FROM members WHERE id IN ({marks})))"  # noqa: E501
            await tx.execute(f"DELETE FROM inbox WHERE {_UPDATE_SENDER} = ?", (user_id,))
            await tx.execute("DELETE FROM outbox WHERE chat_id = ?", (user_id,))
            await tx.execute("DELETE FROM drafts WHERE user_id = ?", (user_id,))
            await tx.execute("DELETE FROM invites WHERE created_by = ?", (user_id,))
            await tx.execute("DELETE FROM join_requests WHERE user_id = ?", (user_id,))
            await tx.execute(
                "UPDATE join_requests SET decided_by = NULL WHERE decided_by = ?", (user_id,)
            )
            await tx.execute("UPDATE invites SET used_by = NULL WHERE used_by = ?", (user_id,))
            await tx.execute("UPDATE signposts SET added_by = NULL WHERE added_by = ?", (user_id,))
            await tx.execute("UPDATE members SET added_by = NULL WHERE added_by = ?", (user_id,))
            await tx.execute("UPDATE requests SET asked_by = NULL WHERE asked_by = ?", (user_id,))
            await tx.execute(
                "UPDATE activities SET created_by = NULL WHERE created_by = ?", (user_id,)
            )
            await tx.execute(
                "UPDATE checkin_rounds SET closed_by = NULL WHERE closed_by = ?", (user_id,)
            )
            await tx.execute("UPDATE checkin_rounds SET going = NULL WHERE going = ?", (user_id,))
            await tx.execute("DELETE FROM round_notices WHERE user_id = ?", (user_id,))
            await tx.execute("DELETE FROM signal_notices WHERE user_id = ?", (user_id,))
            # A worry they shared stays with the professional, without their name; in the
            # worry logs of their circles their name goes, as who did something and as
            # whom it was sent to.
            await tx.execute("UPDATE signals SET sender_id = NULL WHERE sender_id = ?", (user_id,))
            if traces.names:
                names = ",".join("?" * len(traces.names))
                await tx.execute(
                    f"UPDATE signal_log SET actor = NULL WHERE actor IN ({names}) "
                    f"AND signal_id IN {signals}",
                    (*traces.names, *members),
                )
                await tx.execute(
                    f"UPDATE signal_log SET detail = NULL WHERE detail IN ({names}) "
                    f"AND signal_id IN {signals}",
                    (*traces.names, *members),
                )
            # Nobody keeps them as a contact for their "Alles goed?".
            await tx.execute(
                "UPDATE checkin_settings SET contacts = (SELECT json_group_array(value) "
                f"FROM json_each(contacts) WHERE value NOT IN ({marks})) "
                "WHERE EXISTS (SELECT 1 FROM json_each(contacts) "
                f"WHERE value IN ({marks}))",
                (*members, *members),
            )
            # Their timers (a notice to them, their check-ins, their requests' steps).
            await tx.execute(
                "DELETE FROM timers WHERE json_extract(payload, '$.user_id') = ? "
                f"OR json_extract(payload, '$.member_id') IN ({marks}) "
                f"OR json_extract(payload, '$.helper_member_id') IN ({marks}) "
                f"OR json_extract(payload, '$.request_id') IN ({request_marks})",
                (user_id, *members, *members, *own_requests),
            )
            await tx.execute("DELETE FROM members WHERE user_id = ?", (user_id,))
            await tx.execute("DELETE FROM users WHERE id = ?", (user_id,))
            await self._blank_copies(tx, traces)
            await tx.execute(
                "INSERT OR IGNORE INTO erasures (fingerprint, erased_at) VALUES (?, ?)",
                (await self._fingerprint(tx, user_id), self._now()),
            )
        return Erased(posts)

    async def erase_again(self, erasures: Erasures) -> list[str]:
        """After a restore: erase everyone here whom the replaced database had erased
        (an older backup still held them), and keep its erasures. Returns when each
        erased again had asked it (a date), in that order."""
        async with self.db.write() as tx:
            await tx.execute("UPDATE erasure_key SET key = ? WHERE id = 1", (erasures.key,))
            await tx.executemany(
                "INSERT OR IGNORE INTO erasures (fingerprint, erased_at) VALUES (?, ?)",
                erasures.rows,
            )
        erased = dict(erasures.rows)
        people = await self.db.fetchall(
            "SELECT id FROM users UNION SELECT user_id FROM members WHERE user_id IS NOT NULL"
        )
        again = []
        for (user_id,) in people:
            when = erased.get(fingerprint(erasures.key, user_id))
            if when is not None:
                await self.forget(user_id)
                again.append(when)
        return [when[:10] for when in sorted(again)]

    async def _traces(self, tx: Session, user_id: int) -> Traces:
        """What identifies this person in stored text."""
        person = await tx.fetchone(
            "SELECT first_name, enjoys, can_offer FROM users WHERE id = ?", (user_id,)
        )
        rows = await tx.fetchall(
            "SELECT display_name, phone FROM members WHERE user_id = ?", (user_id,)
        )
        details = await tx.fetchall(
            "SELECT details FROM requests WHERE details IS NOT NULL AND member_id IN "
            "(SELECT id FROM members WHERE user_id = ?)",
            (user_id,),
        )
        names = [r[0] for r in rows] + ([person[0]] if person else [])
        phrases = [r[1] for r in rows] + [r[0] for r in details]
        if person:
            phrases += [person[1], person[2]]
        return Traces(user_id, names, phrases)

    async def _blank_copies(self, tx: Session, traces: Traces) -> None:
        """Stored updates of others, sent messages, fired timers and others' unfinished
        questions that quote the person: blanked or deleted."""
        probe, args = traces.probe("payload")
        for update_id, payload, status in await tx.fetchall(
            f"SELECT update_id, payload, status FROM inbox WHERE {probe}", args
        ):
            if status != "pending" and traces.found_in(payload):
                await tx.execute(
                    "UPDATE inbox SET payload = ?, error = NULL WHERE update_id = ?",
                    (json.dumps({"update_id": update_id}), update_id),
                )
        probe_text, args_text = traces.probe("text")
        probe_markup, args_markup = traces.probe("COALESCE(reply_markup, '')")
        for message_id, text, markup, status in await tx.fetchall(
            f"SELECT id, text, reply_markup, status FROM outbox WHERE {probe_text} "
            f"OR {probe_markup}",
            (*args_text, *args_markup),
        ):
            if not traces.found_in(text, markup):
                continue
            if status == "pending":
                await tx.execute(
                    "UPDATE outbox SET erase_when_sent = 1 WHERE id = ?", (message_id,)
                )
            else:
                await tx.execute(
                    "UPDATE outbox SET text = ?, reply_markup = NULL WHERE id = ?",
                    (ERASED_TEXT, message_id),
                )
        probe, args = traces.probe("payload")
        for timer_id, payload in await tx.fetchall(
            f"SELECT id, payload FROM timers WHERE status != 'pending' AND ({probe})", args
        ):
            if traces.found_in(payload):
                await tx.execute("DELETE FROM timers WHERE id = ?", (timer_id,))
        probe, args = traces.probe("state")
        for owner, state in await tx.fetchall(
            f"SELECT user_id, state FROM drafts WHERE {probe}", args
        ):
            if traces.found_in(state):
                await tx.execute("DELETE FROM drafts WHERE user_id = ?", (owner,))

    async def _fingerprint(self, tx: Session | Database, user_id: int) -> str:
        key = await tx.fetchvalue("SELECT key FROM erasure_key WHERE id = 1")
        return fingerprint(key, user_id)


class RetentionQueries:
    """Forget content after its time; keep what the figures need, without names.

    What each table keeps, and for how long, is ``RETENTION`` in ``scheduling/builtin.py``
    (PRIVACY.md shows it; a test holds both to the schema)."""

    async def forget_old_content(
        self,
        tx: Any,
        *,
        now: str,
        requests_before: str,
        checkins_before: str,
        signals_before: str,
        messages_before: str,
        drafts_before: str,
        strangers_before: str,
        invites_before: str,
        fired_before: str,
        failed_timers_before: str,
        keep_users: Iterable[int] = (),
    ) -> dict[str, int]:
        counts = {}
        # Requests nobody took, whose day (or, for any day, the asking) is that long ago,
        # are no longer needed: closed, and their content goes.
        stale = [r[0] for r in await tx.fetchall(
            f"UPDATE requests SET status = 'cancelled', closed_at = ?, {_REQUEST_CONTENT} "
            "WHERE status IN ('open', 'claimed') AND COALESCE(day, created_at) < ? "
            "RETURNING id",
            (now, requests_before[:10]),
        )]  # fmt: skip
        cur = await tx.execute(
            f"UPDATE requests SET {_REQUEST_CONTENT} WHERE status IN ('done', 'cancelled') "
            "AND closed_at < ? AND (details IS NOT NULL OR voice_file_id IS NOT NULL "
            "OR asked_by IS NOT NULL OR member_id IS NOT NULL OR helper_member_id IS NOT NULL)",
            (requests_before,),
        )
        counts["requests"] = cur.rowcount + len(stale)
        # Who helped whom: only the counts stay (a request's claimed_at).
        marks = ",".join("?" * len(stale)) or "NULL"
        await tx.execute(
            "DELETE FROM request_helpers WHERE request_id IN (SELECT id FROM requests "
            f"WHERE status IN ('done', 'cancelled') AND closed_at < ?) OR request_id IN ({marks})",
            (requests_before, *stale),
        )
        # An activity that long ago: where it was, who announced it and who came go.
        day = requests_before[:10]
        cur = await tx.execute(
            "DELETE FROM attendance WHERE activity_id IN (SELECT id FROM activities WHERE day < ?)",
            (day,),
        )
        counts["attendance"] = cur.rowcount
        await tx.execute(
            "UPDATE activities SET place = NULL, created_by = NULL WHERE day < ? "
            "AND (place IS NOT NULL OR created_by IS NOT NULL)",
            (day,),
        )
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
        await tx.execute(
            "DELETE FROM signal_notices WHERE signal_id IN "
            "(SELECT id FROM signals WHERE status = 'closed' AND closed_at < ?)",
            (signals_before,),
        )
        cur = await tx.execute(
            "DELETE FROM outbox WHERE status != 'pending' AND created_at < ?", (messages_before,)
        )
        counts["messages"] = cur.rowcount
        cur = await tx.execute("DELETE FROM drafts WHERE updated_at < ?", (drafts_before,))
        counts["unfinished questions"] = cur.rowcount
        # Invites used, withdrawn or past their time: who made and who used them goes.
        cur = await tx.execute(
            "DELETE FROM invites WHERE COALESCE(used_at, revoked_at, expires_at) < ? "
            "AND (used_at IS NOT NULL OR revoked_at IS NOT NULL OR expires_at < ?)",
            (invites_before, now),
        )
        counts["invites"] = cur.rowcount
        await tx.execute(
            "DELETE FROM join_requests WHERE COALESCE(decided_at, created_at) < ?",
            (invites_before,),
        )
        # Someone in no circle (they tapped a button in the group, never joined; or
        # left) is forgotten when not heard of for that long; the beheerders are kept.
        keep = sorted(set(keep_users))
        cur = await tx.execute(
            "DELETE FROM users WHERE updated_at < ? "
            "AND NOT EXISTS (SELECT 1 FROM members m WHERE m.user_id = users.id) "
            f"AND id NOT IN ({','.join('?' * len(keep))})",
            (strangers_before, *keep),
        )
        counts["people in no circle"] = cur.rowcount
        # A fired timer stays until the night after its day (so its key, scheduled
        # again that day, is not fired twice: the beheerder is told once a day), a
        # failed one a week for the beheerder's status; a cancelled one is not needed
        # (scheduling its key again makes a new row).
        cur = await tx.execute(
            "DELETE FROM timers WHERE status = 'cancelled' "
            "OR (status = 'done' AND due_at < ?) OR (status = 'failed' AND due_at < ?)",
            (fired_before, failed_timers_before),
        )
        counts["timers"] = cur.rowcount
        return counts
