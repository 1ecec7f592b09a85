"""Hot paths use indexes: no full table scans where tables grow with the municipality."""

from __future__ import annotations

import pytest

from storage.database import Database

# The queries that run per update, per tick or per message, as the store runs them.
HOT_QUERIES = {
    "next due timer": (
        "SELECT id, kind, due_at, payload FROM timers WHERE status = 'pending' "
        "AND due_at <= ? ORDER BY priority, due_at, id LIMIT 1",
        ("x",),
    ),
    "messages to send": (
        "SELECT id FROM outbox WHERE status = 'pending' AND not_before <= ? "
        "ORDER BY priority, id LIMIT 5",
        ("x",),
    ),
    "pending updates": (
        "SELECT update_id FROM inbox WHERE status = 'pending' ORDER BY update_id LIMIT 100",
        (),
    ),
    "a person": ("SELECT id FROM users WHERE id = ?", (1,)),
    "member of a circle": ("SELECT id FROM members WHERE circle_id = ? AND user_id = ?", (1, 1)),
    "memberships of a person": ("SELECT id FROM members WHERE user_id = ?", (1,)),
    "members of a circle": ("SELECT id FROM members WHERE circle_id = ?", (1,)),
    "circle of a group": ("SELECT id FROM circles WHERE chat_id = ?", (1,)),
    "open rounds of a person": (
        "SELECT r.id FROM checkin_rounds r JOIN members m ON m.id = r.member_id "
        "WHERE r.status = 'open' AND m.user_id = ?",
        (1,),
    ),
    "posts of a request": (
        "SELECT chat_id FROM outbox WHERE source = ? AND status = 'sent'",
        ("x",),
    ),
    "open requests": (
        "SELECT id FROM requests WHERE status = 'open' AND circle_id IN (?, ?)",
        (1, 2),
    ),
    "helpers of a request": ("SELECT member_id FROM request_helpers WHERE request_id = ?", (1,)),
    "open signals": ("SELECT id FROM signals WHERE circle_id IN (?) AND status != 'closed'", (1,)),
}


@pytest.mark.parametrize("name", list(HOT_QUERIES))
async def test_hot_query_uses_an_index(tmp_path, name):
    db = await Database(tmp_path / "plan.sqlite3").open()
    try:
        sql, args = HOT_QUERIES[name]
        async with db.read() as conn, conn.execute("EXPLAIN QUERY PLAN " + sql, args) as cur:
            plan = [row[3] for row in await cur.fetchall()]
    finally:
        await db.close()
    full_scans = [step for step in plan if step.startswith("SCAN") and "USING" not in step]
    assert not full_scans, f"{name}: {plan}"
