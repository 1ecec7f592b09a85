"""Hot paths use indexes: no full table scans where tables grow with the municipality."""

from __future__ import annotations

import sqlite3

import pytest

from storage.database import Database
from storage.store import NEXT_DUE_TIMER

# The queries that run per update, per tick or per message, as the store runs them.
HOT_QUERIES = {
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
        "SELECT o.chat_id FROM request_posts p JOIN outbox o ON o.id = p.outbox_id "
        "WHERE p.request_id = ? AND o.status = 'sent'",
        (1,),
    ),
    "the request of a bounced post": (
        "SELECT request_id FROM request_posts WHERE outbox_id = ?",
        (1,),
    ),
    "the round of a message": (
        "SELECT round_id FROM round_notices WHERE outbox_id = ?",
        (1,),
    ),
    "open requests": (
        "SELECT id FROM requests WHERE status = 'open' AND circle_id IN (?, ?)",
        (1, 2),
    ),
    "helpers of a request": ("SELECT member_id FROM request_helpers WHERE request_id = ?", (1,)),
    "open signals": ("SELECT id FROM signals WHERE circle_id IN (?) AND status != 'closed'", (1,)),
}


# Taken from the front, oldest or most urgent first, LIMIT-ed: walking them by status is right.
QUEUES = {"messages to send", "pending updates"}


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


def _vm_steps(conn: sqlite3.Connection, sql: str, args: tuple) -> int:
    """SQLite's own count of the work a query does (virtual machine steps, in
    hundreds): it does not depend on the machine's speed, as a timing would."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    conn.set_progress_handler(count, 100)
    conn.execute(sql, args).fetchall()
    conn.set_progress_handler(None, 100)
    return steps


async def test_the_next_due_timer_is_found_without_walking_the_pending_ones(tmp_path):
    path = tmp_path / "timers.sqlite3"
    await (await Database(path).open()).close()  # the real schema
    conn = sqlite3.connect(path)

    def add(count: int, start: int, priority: int, due: str) -> None:
        conn.executemany(
            "INSERT INTO timers (kind, due_at, payload, dedupe_key, created_at, priority) "
            "VALUES ('t', ?, '{}', ?, 'x', ?)",
            [(due, f"k{start + n}", priority) for n in range(count)],
        )

    tomorrow, later, now = "2026-11-25T09:00", "2026-11-26T09:00", "2026-11-24T09:10"
    add(10, 0, 5, tomorrow)
    add(10, 10, 0, later)
    few = _vm_steps(conn, NEXT_DUE_TIMER, (now,))
    add(20_000, 100, 5, tomorrow)  # the municipality's check-ins
    add(5_000, 30_000, 0, later)  # and alerts waiting for their moment
    many = _vm_steps(conn, NEXT_DUE_TIMER, (now,))
    assert many <= few + 2, (few, many)  # no walk through 25,000 timers
    assert conn.execute(NEXT_DUE_TIMER, (now,)).fetchall() == []
    # Still the most urgent first: an alert due later than a check-in goes before it.
    assert conn.execute(NEXT_DUE_TIMER, (later,)).fetchone()[0] == 11
    conn.close()
