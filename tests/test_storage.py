from __future__ import annotations

import aiosqlite
import pytest

from storage.database import Database
from storage.migrations import LATEST, apply_migrations
from storage.store import Store
from tests.support import T0


async def test_fresh_database_has_latest_schema_wal_and_foreign_keys(tmp_path):
    db = await Database(tmp_path / "o.sqlite3").open()
    try:
        assert await db.schema_version() == LATEST
        async with db.write() as tx:
            mode = await tx.fetchvalue("PRAGMA journal_mode")
            fks = await tx.fetchvalue("PRAGMA foreign_keys")
        assert mode == "wal" and fks == 1
    finally:
        await db.close()


async def test_an_old_database_upgrades_in_place_keeping_its_data(tmp_path):
    path = tmp_path / "old.sqlite3"
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        assert await apply_migrations(conn, target=1) == 1
        await conn.execute(
            "INSERT INTO users (id, first_name, language, created_at, updated_at) "
            "VALUES (5, 'Riet', 'nl', 'x', 'x')"
        )
        await conn.execute(
            "INSERT INTO timers (kind, due_at, created_at) VALUES ('notice', 'z', 'x')"
        )
    db = await Database(path).open()
    try:
        assert await db.schema_version() == LATEST
        user = await Store(db, _Clock()).user(5)
        assert user.first_name == "Riet" and user.reachable and not user.language_chosen
        assert (await db.fetchone("SELECT COUNT(*) FROM timers"))[0] == 1
    finally:
        await db.close()


async def test_a_newer_database_is_refused_not_damaged(tmp_path):
    path = tmp_path / "future.sqlite3"
    async with aiosqlite.connect(path) as conn:
        await conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    with pytest.raises(RuntimeError, match="newer than this program"):
        await Database(path).open()


async def test_a_failed_write_rolls_back_everything(tmp_path):
    db = await Database(tmp_path / "o.sqlite3").open()
    store = Store(db, _Clock())
    try:
        with pytest.raises(ZeroDivisionError):
            async with db.write() as tx:
                await store.schedule("notice", T0, {"a": 1}, tx=tx)
                1 / 0  # noqa: B018
        assert await store.timers() == []
    finally:
        await db.close()


async def test_scheduling_with_the_same_key_twice_keeps_one(tmp_path):
    db = await Database(tmp_path / "o.sqlite3").open()
    store = Store(db, _Clock())
    try:
        first = await store.schedule("notice", T0, dedupe_key="k")
        second = await store.schedule("notice", T0, dedupe_key="k")
        assert first is not None and second is None
        assert len(await store.timers()) == 1
    finally:
        await db.close()


async def test_reads_run_while_a_write_is_open(tmp_path):
    db = await Database(tmp_path / "o.sqlite3").open()
    store = Store(db, _Clock())
    try:
        await store.remember_user(1, "Riet", "nl")
        async with db.write() as tx:
            await tx.execute("UPDATE users SET first_name = 'Ria' WHERE id = 1")
            # a reader sees the last committed state, without waiting for the writer
            assert (await store.user(1)).first_name == "Riet"
        assert (await store.user(1)).first_name == "Ria"
    finally:
        await db.close()


class _Clock:
    def now(self):
        return T0


async def test_a_cancelled_timer_can_be_scheduled_again(tmp_path):
    db = await Database(tmp_path / "o.sqlite3").open()
    store = Store(db, _Clock())
    try:
        first = await store.schedule("notice", T0, dedupe_key="wv:1:x")
        async with db.write() as tx:
            assert await store.cancel_timers("wv:1:", tx) == 1
        again = await store.schedule("notice", T0, dedupe_key="wv:1:x")
        assert again == first
        assert [status for *_, status in await store.timers()] == ["pending"]
        # but a timer that fired is never revived
        async with db.write() as tx:
            timer = await store.next_due_timer(T0, tx)
            await store.finish_timer(timer.id, tx)
        assert await store.schedule("notice", T0, dedupe_key="wv:1:x") is None
        assert [status for *_, status in await store.timers()] == ["done"]
    finally:
        await db.close()


async def test_version_11_rounds_posts_and_outbox_come_through_migrations_12_and_13(tmp_path):
    """An open round keeps who was alerted (as notices), a closed "niet zo goed" keeps its
    need, outbox ids are never used twice from then on, and a request keeps its posts."""
    path = tmp_path / "v11.sqlite3"
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        assert await apply_migrations(conn, target=11) == 11
        await conn.executescript(
            """
            INSERT INTO circles (id, chat_id, title, join_code, created_at, updated_at)
                VALUES (1, -1, 'Zandweerd', 'z', 'x', 'x');
            INSERT INTO users (id, first_name, created_at, updated_at) VALUES (7, 'Riet', 'x', 'x');
            INSERT INTO members (id, circle_id, user_id, display_name, joined_at)
                VALUES (1, 1, 7, 'Riet', 'x');
            INSERT INTO checkin_rounds (id, member_id, due_at, status, stage, alerted, created_at)
                VALUES (1, 1, '2026-11-23T09:00:00.000000Z', 'open', 'neighbours', '[8, 9]', 'x');
            INSERT INTO checkin_rounds (id, member_id, due_at, status, stage, answer, created_at)
                VALUES (2, 1, '2026-11-22T09:00:00.000000Z', 'closed', 'asked', 'notwell', 'x');
            INSERT INTO outbox (id, chat_id, text, not_before, created_at)
                VALUES (41, 8, 'old', 'x', 'x'), (42, 9, 'newest', 'x', 'x');
            INSERT INTO requests (id, circle_id, member_id, kind, created_at)
                VALUES (3, 1, 1, 'groceries', 'x');
            INSERT INTO outbox (id, chat_id, text, not_before, created_at, source, status,
                                telegram_message_id)
                VALUES (40, -1, 'post', 'x', 'x', 'hulp:post:3', 'sent', 77);
            """
        )
    db = await Database(path).open()
    try:
        store = Store(db, _Clock())
        [open_round, closed] = sorted(await store.rounds_of(1), key=lambda r: r.id)
        assert open_round.open and open_round.need == "silence"
        assert sorted(open_round.alerted) == [8, 9]
        assert not closed.open and closed.need == "notwell" and closed.ended == "notwell"
        assert await store.request_posts(3) == [(-1, 77)]  # version 13 keeps the posts
        await db.execute("DELETE FROM outbox WHERE id = 42")
        async with db.write() as tx:
            new_id = await store.enqueue_message(tx, 8, "hallo")
        assert new_id == 43
    finally:
        await db.close()
