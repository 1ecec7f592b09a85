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
        "SELECT r.id FROM members m CROSS JOIN checkin_rounds r ON r.member_id = m.id "
        "WHERE m.user_id = ? AND r.status = 'open'",
        (1,),
    ),
    "cancel the timers of a key": (
        "UPDATE timers SET status = 'cancelled' WHERE dedupe_key >= ? AND dedupe_key < ? "
        "AND +status = 'pending'",
        ("a", "b"),
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


# Taken from the front, oldest or most urgent first, LIMIT-ed: walking them by status is right.
QUEUES = {"next due timer", "messages to send", "pending updates"}


@pytest.mark.parametrize("name", list(HOT_QUERIES))
async def test_hot_query_uses_an_index(tmp_path, name):
    db = await Database(tmp_path / "plan.sqlite3").open()
    try:
        sql, args = HOT_QUERIES[name]
        plan = [row[3] for row in await db.fetchall("EXPLAIN QUERY PLAN " + sql, args)]
    finally:
        await db.close()
    full_scans = [step for step in plan if step.startswith("SCAN") and "USING" not in step]
    assert not full_scans, f"{name}: {plan}"
    # A search on status alone walks every open item in the municipality (30,000
    # pending timers, 30,000 open rounds): only the queues may do that, in order.
    if name not in QUEUES:
        by_status_only = [step for step in plan if step.endswith("(status=?)")]
        assert not by_status_only, f"{name}: {plan}"
