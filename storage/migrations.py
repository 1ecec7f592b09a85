"""Versioned schema. Append a migration; never edit one that has shipped.

``PRAGMA user_version`` holds the number of migrations applied, so an old
database upgrades in place at start.
"""

from __future__ import annotations

import logging

import aiosqlite

log = logging.getLogger(__name__)

MIGRATIONS: list[str] = [
    # 1: people, the durable inbox and the durable timers.
    """
    CREATE TABLE users (
        id            INTEGER PRIMARY KEY,          -- Telegram user id
        first_name    TEXT NOT NULL DEFAULT '',
        language      TEXT NOT NULL DEFAULT 'nl',
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
    );

    -- Every update is stored here before Telegram is told we have it.
    CREATE TABLE inbox (
        update_id     INTEGER PRIMARY KEY,
        payload       TEXT NOT NULL,                 -- the Update JSON as received
        received_at   TEXT NOT NULL,
        status        TEXT NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'done', 'failed')),
        handled_at    TEXT,
        attempts      INTEGER NOT NULL DEFAULT 0,
        error         TEXT
    );
    CREATE INDEX inbox_pending ON inbox (status, update_id);

    -- The database is the schedule: each future action is a row with a due time.
    CREATE TABLE timers (
        id            INTEGER PRIMARY KEY,
        kind          TEXT NOT NULL,
        due_at        TEXT NOT NULL,                 -- UTC ISO-8601
        payload       TEXT NOT NULL DEFAULT '{}',
        dedupe_key    TEXT UNIQUE,                   -- scheduling twice is harmless
        status        TEXT NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'done', 'cancelled', 'failed')),
        created_at    TEXT NOT NULL,
        fired_at      TEXT,
        error         TEXT
    );
    CREATE INDEX timers_due ON timers (status, due_at);
    """,
    # 2: the outbox: messages that must reach a person survive a restart and
    # are marked sent only once Telegram accepted them.
    """
    CREATE TABLE outbox (
        id            INTEGER PRIMARY KEY,
        chat_id       INTEGER NOT NULL,
        text          TEXT NOT NULL,
        reply_markup  TEXT,                          -- JSON, or NULL
        priority      INTEGER NOT NULL DEFAULT 5,    -- 0 = most urgent
        not_before    TEXT NOT NULL,
        status        TEXT NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'sent', 'unreachable', 'failed')),
        attempts      INTEGER NOT NULL DEFAULT 0,
        created_at    TEXT NOT NULL,
        sent_at       TEXT,
        telegram_message_id INTEGER,
        error         TEXT,
        source        TEXT                           -- e.g. 'timer:42', for tracing
    );
    CREATE INDEX outbox_pending ON outbox (status, priority, not_before);
    ALTER TABLE users ADD COLUMN reachable INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE users ADD COLUMN language_chosen INTEGER NOT NULL DEFAULT 0;
    """,
]

LATEST = len(MIGRATIONS)


async def current_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cur:
        row = await cur.fetchone()
    return int(row[0])


async def apply_migrations(conn: aiosqlite.Connection, target: int | None = None) -> int:
    """Bring the schema forward to ``target`` (default: latest), each step atomic."""
    target = LATEST if target is None else target
    version = await current_version(conn)
    if version > LATEST:
        raise RuntimeError(
            f"database schema version {version} is newer than this program ({LATEST}); "
            "upgrade Omkijkbot instead of running an older one on this file"
        )
    while version < target:
        script = MIGRATIONS[version]
        version += 1
        log.info("migrating database schema to version %d", version)
        # executescript commits first; wrap the step and its version in one
        # transaction so a crash leaves the previous version intact.
        try:
            await conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;")
        except Exception:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise
    return version
