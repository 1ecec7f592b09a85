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
    # 3: circles, their members and roles, invites, durable wizards, the wegwijzer.
    """
    CREATE TABLE circles (
        id            INTEGER PRIMARY KEY,
        chat_id       INTEGER UNIQUE,                -- the group; follows a migration
        title         TEXT NOT NULL,
        join_code     TEXT NOT NULL UNIQUE,          -- the group's "Doe mee" link: c_<code>
        active        INTEGER NOT NULL DEFAULT 1,    -- 0: the bot was removed from the group
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
    );

    CREATE TABLE members (
        id            INTEGER PRIMARY KEY,
        circle_id     INTEGER NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
        user_id       INTEGER REFERENCES users (id) ON DELETE CASCADE, -- NULL: no smartphone
        display_name  TEXT NOT NULL,
        role          TEXT NOT NULL DEFAULT 'lid'
                      CHECK (role IN ('lid', 'superbuur', 'voorzitter', 'professional')),
        consented_at  TEXT,                          -- NULL until onboarding is done
        professional_consent INTEGER NOT NULL DEFAULT 0,
        phone         TEXT,
        share_phone   INTEGER NOT NULL DEFAULT 0,
        contact_member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
        added_by      INTEGER,
        in_group      INTEGER NOT NULL DEFAULT 1,
        is_backup     INTEGER NOT NULL DEFAULT 0,    -- a professional who stands in
        joined_at     TEXT NOT NULL,
        UNIQUE (circle_id, user_id)
    );
    CREATE INDEX members_user ON members (user_id);
    CREATE INDEX members_circle_role ON members (circle_id, role);

    CREATE TABLE invites (
        code          TEXT PRIMARY KEY,
        circle_id     INTEGER NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
        kind          TEXT NOT NULL CHECK (kind IN ('member', 'professional')),
        created_by    INTEGER NOT NULL,
        created_at    TEXT NOT NULL,
        expires_at    TEXT NOT NULL,
        revoked_at    TEXT,
        used_by       INTEGER,
        used_at       TEXT
    );
    CREATE INDEX invites_circle ON invites (circle_id, kind);

    -- What a person is in the middle of (a wizard), so a restart loses nothing.
    CREATE TABLE drafts (
        user_id       INTEGER PRIMARY KEY,
        flow          TEXT NOT NULL,
        state         TEXT NOT NULL,
        updated_at    TEXT NOT NULL
    );

    CREATE TABLE signposts (
        id            INTEGER PRIMARY KEY,
        circle_id     INTEGER NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
        text          TEXT NOT NULL,
        added_by      INTEGER,
        created_at    TEXT NOT NULL
    );
    CREATE INDEX signposts_circle ON signposts (circle_id);

    -- Told once, used everywhere: "wat wil ik / wat kan ik".
    ALTER TABLE users ADD COLUMN enjoys TEXT;
    ALTER TABLE users ADD COLUMN can_offer TEXT;
    """,
    # 4: the waakvlam: each member's check-in settings and each round of the ladder.
    """
    CREATE TABLE checkin_settings (
        member_id     INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
        enabled       INTEGER NOT NULL DEFAULT 0,
        days          TEXT NOT NULL DEFAULT '0123456',  -- weekdays, Monday = 0
        at_minutes    INTEGER NOT NULL DEFAULT 600,     -- local time: minutes after midnight
        contacts      TEXT NOT NULL DEFAULT '[]',       -- member ids; empty: the superburen
        professional_ok INTEGER NOT NULL DEFAULT 0,
        paused        INTEGER NOT NULL DEFAULT 0,
        paused_until  TEXT,                             -- local date, inclusive; NULL: until on
        pause_reason  TEXT,
        ask_again_minutes  INTEGER NOT NULL DEFAULT 60,
        neighbours_minutes INTEGER NOT NULL DEFAULT 60,
        escalate_minutes   INTEGER NOT NULL DEFAULT 120,
        updated_at    TEXT NOT NULL
    );

    CREATE TABLE checkin_rounds (
        id            INTEGER PRIMARY KEY,
        member_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
        due_at        TEXT NOT NULL,
        status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
        stage         TEXT NOT NULL DEFAULT 'asked'
                      CHECK (stage IN ('asked', 'asked_again', 'neighbours', 'chair')),
        answer        TEXT,            -- ok, contact, notwell, message, confirmed
        closed_by     INTEGER,         -- Telegram user id
        closed_at     TEXT,
        alerted       TEXT NOT NULL DEFAULT '[]',      -- user ids told about the silence
        going         INTEGER,         -- user id of the neighbour on their way
        created_at    TEXT NOT NULL,
        UNIQUE (member_id, due_at)
    );
    CREATE INDEX checkin_rounds_open ON checkin_rounds (status, member_id);
    """,
    # 5: urgent timers (ladder steps) go before routine ones due at the same time.
    """
    ALTER TABLE timers ADD COLUMN priority INTEGER NOT NULL DEFAULT 5;
    DROP INDEX timers_due;
    CREATE INDEX timers_due ON timers (status, priority, due_at);
    """,
    # 6: requests for help (hulpvragen).
    """
    CREATE TABLE requests (
        id            INTEGER PRIMARY KEY,
        circle_id     INTEGER NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
        member_id     INTEGER REFERENCES members (id) ON DELETE CASCADE,  -- who it is for
        asked_by      INTEGER,                     -- user id (a superbuur, on behalf)
        kind          TEXT NOT NULL,
        day           TEXT,                        -- local date, NULL: any day
        at_minutes    INTEGER,                     -- local time, NULL: any time
        details       TEXT,
        voice_file_id TEXT,
        visibility    TEXT NOT NULL DEFAULT 'circle'
                      CHECK (visibility IN ('circle', 'coordinators')),
        status        TEXT NOT NULL DEFAULT 'open'
                      CHECK (status IN ('open', 'claimed', 'done', 'cancelled')),
        helper_member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
        created_at    TEXT NOT NULL,
        claimed_at    TEXT,
        closed_at     TEXT
    );
    CREATE INDEX requests_circle_status ON requests (circle_id, status);
    CREATE INDEX requests_helper ON requests (helper_member_id, status);

    -- Posts of a request are outbox rows with source 'hulp:post:<id>'.
    CREATE INDEX outbox_source ON outbox (source);
    """,
    # 7: worries (signals) to the professional, and their log: who saw what, when.
    """
    CREATE TABLE signals (
        id            INTEGER PRIMARY KEY,
        circle_id     INTEGER NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
        sender_id     INTEGER,                     -- user id; NULL once they are forgotten
        about_member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
        about_self    INTEGER NOT NULL DEFAULT 0,
        kind          TEXT NOT NULL,
        details       TEXT,
        voice_file_id TEXT,
        urgency       TEXT NOT NULL CHECK (urgency IN ('today', 'week')),
        name_shared   INTEGER NOT NULL DEFAULT 0,  -- the professional may see who it is about
        safety        INTEGER NOT NULL DEFAULT 0,  -- the sender said safety is at stake
        status        TEXT NOT NULL DEFAULT 'open'
                      CHECK (status IN ('open', 'acknowledged', 'closed')),
        owner_member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
        created_at    TEXT NOT NULL,
        acknowledged_at TEXT,
        closed_at     TEXT
    );
    CREATE INDEX signals_circle_status ON signals (circle_id, status);

    CREATE TABLE signal_log (
        id            INTEGER PRIMARY KEY,
        signal_id     INTEGER NOT NULL REFERENCES signals (id) ON DELETE CASCADE,
        at            TEXT NOT NULL,
        actor         TEXT,                        -- a display name, or 'bot'
        event         TEXT NOT NULL,
        detail        TEXT
    );
    CREATE INDEX signal_log_signal ON signal_log (signal_id, id);
    """,
    # 8: a message may carry a picture (the weekly chart).
    """
    ALTER TABLE outbox ADD COLUMN photo BLOB;
    """,
    # 9: joint activities (soepmoment, koffieochtend) and who comes.
    """
    CREATE TABLE activities (
        id            INTEGER PRIMARY KEY,
        circle_id     INTEGER NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
        kind          TEXT NOT NULL,
        day           TEXT NOT NULL,               -- local date
        at_minutes    INTEGER NOT NULL,
        place         TEXT,
        created_by    INTEGER,
        created_at    TEXT NOT NULL
    );
    CREATE TABLE attendance (
        activity_id   INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
        member_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
        coming        INTEGER NOT NULL,
        PRIMARY KEY (activity_id, member_id)
    );
    """,
    # 10: standing offers, a pause in giving, and requests that repeat weekly.
    """
    CREATE TABLE offers (
        id            INTEGER PRIMARY KEY,
        member_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
        kind          TEXT NOT NULL,
        weekday       INTEGER,                     -- Monday = 0; NULL: any day
        created_at    TEXT NOT NULL,
        UNIQUE (member_id, kind, weekday)
    );
    ALTER TABLE members ADD COLUMN resting_until TEXT;  -- "ik kan even niets terugdoen"
    ALTER TABLE requests ADD COLUMN repeat_weekly INTEGER NOT NULL DEFAULT 0;
    """,
    # 11: some jobs need several hands (a move, a garden).
    """
    ALTER TABLE requests ADD COLUMN helpers_needed INTEGER NOT NULL DEFAULT 1;
    CREATE TABLE request_helpers (
        request_id    INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
        member_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
        joined_at     TEXT NOT NULL,
        PRIMARY KEY (request_id, member_id)
    );
    CREATE INDEX request_helpers_member ON request_helpers (member_id);
    INSERT INTO request_helpers (request_id, member_id, joined_at)
        SELECT id, helper_member_id, COALESCE(claimed_at, created_at) FROM requests
        WHERE helper_member_id IS NOT NULL;
    """,
    # 12: the ladders' record. Who was told what about a check-in round or a worry, at
    # which rung, through which outbox message: a message that bounces moves the ladder
    # on, and everyone told hears how it ended. A round also knows what the member
    # needs (nothing heard yet, contact, "not so good"); its stages reach past the chair.
    # Outbox ids are never used twice (AUTOINCREMENT): a notice, or the sender's memory
    # of what it sent, must not mistake a new message for a deleted one.
    """
    CREATE TABLE outbox_12 (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        chat_id       INTEGER NOT NULL,
        text          TEXT NOT NULL,
        reply_markup  TEXT,
        priority      INTEGER NOT NULL DEFAULT 5,
        not_before    TEXT NOT NULL,
        status        TEXT NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'sent', 'unreachable', 'failed')),
        attempts      INTEGER NOT NULL DEFAULT 0,
        created_at    TEXT NOT NULL,
        sent_at       TEXT,
        telegram_message_id INTEGER,
        error         TEXT,
        source        TEXT,
        photo         BLOB
    );
    INSERT INTO outbox_12 (id, chat_id, text, reply_markup, priority, not_before, status,
                           attempts, created_at, sent_at, telegram_message_id, error, source,
                           photo)
        SELECT id, chat_id, text, reply_markup, priority, not_before, status, attempts,
               created_at, sent_at, telegram_message_id, error, source, photo FROM outbox;
    DROP TABLE outbox;
    ALTER TABLE outbox_12 RENAME TO outbox;
    CREATE INDEX outbox_pending ON outbox (status, priority, not_before);
    CREATE INDEX outbox_source ON outbox (source);

    CREATE TEMP TABLE old_alerted AS
        SELECT r.id AS round_id, CAST(j.value AS INTEGER) AS user_id, r.stage AS rung,
               r.created_at AS created_at
        FROM checkin_rounds r, json_each(r.alerted) j;
    CREATE TABLE checkin_rounds_12 (
        id            INTEGER PRIMARY KEY,
        member_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
        due_at        TEXT NOT NULL,
        status        TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
        stage         TEXT NOT NULL DEFAULT 'asked'
                      CHECK (stage IN ('asked', 'asked_again', 'neighbours', 'chair',
                                       'beheerder', 'circle')),
        need          TEXT NOT NULL DEFAULT 'silence'
                      CHECK (need IN ('silence', 'contact', 'notwell')),
        answer        TEXT,            -- the member's answer: ok, leave, contact, notwell, message
        ended         TEXT,            -- how it ended: ok, leave, message, confirmed, paused, ...
        closed_by     INTEGER,         -- Telegram user id
        closed_at     TEXT,
        going         INTEGER,         -- user id of the neighbour on their way
        created_at    TEXT NOT NULL,
        UNIQUE (member_id, due_at)
    );
    INSERT INTO checkin_rounds_12 (id, member_id, due_at, status, stage, need, answer, ended,
                                   closed_by, closed_at, going, created_at)
        SELECT id, member_id, due_at, status, stage,
               CASE WHEN status = 'open' THEN 'silence'
                    WHEN answer IN ('contact', 'notwell') THEN answer ELSE 'silence' END,
               answer, CASE WHEN status = 'closed' THEN answer END,
               closed_by, closed_at, going, created_at
        FROM checkin_rounds;
    DROP TABLE checkin_rounds;
    ALTER TABLE checkin_rounds_12 RENAME TO checkin_rounds;
    CREATE INDEX checkin_rounds_open ON checkin_rounds (status, member_id);

    CREATE TABLE round_notices (
        id            INTEGER PRIMARY KEY,
        round_id      INTEGER NOT NULL REFERENCES checkin_rounds (id) ON DELETE CASCADE,
        user_id       INTEGER NOT NULL,  -- Telegram user id of who was told
        rung          TEXT NOT NULL,     -- the round's stage when they were told
        kind          TEXT NOT NULL,     -- question, visit, alert, answer, outcome, going
        outbox_id     INTEGER REFERENCES outbox (id) ON DELETE SET NULL,
        created_at    TEXT NOT NULL
    );
    CREATE INDEX round_notices_round ON round_notices (round_id, rung);
    CREATE INDEX round_notices_outbox ON round_notices (outbox_id);
    CREATE INDEX round_notices_user ON round_notices (user_id);
    INSERT INTO round_notices (round_id, user_id, rung, kind, created_at)
        SELECT round_id, user_id, rung, 'alert', created_at FROM old_alerted;
    DROP TABLE old_alerted;

    ALTER TABLE signals ADD COLUMN stage TEXT NOT NULL DEFAULT 'sent';
    CREATE TABLE signal_notices (
        id            INTEGER PRIMARY KEY,
        signal_id     INTEGER NOT NULL REFERENCES signals (id) ON DELETE CASCADE,
        user_id       INTEGER NOT NULL,
        step          TEXT NOT NULL,     -- sent, reminded, escalated, beheerder; sender, nobody
        can_pick_up   INTEGER NOT NULL DEFAULT 0,  -- the message had "I'll pick this up"
        outbox_id     INTEGER REFERENCES outbox (id) ON DELETE SET NULL,
        created_at    TEXT NOT NULL
    );
    CREATE INDEX signal_notices_signal ON signal_notices (signal_id, step);
    CREATE INDEX signal_notices_outbox ON signal_notices (outbox_id);
    CREATE INDEX signal_notices_user ON signal_notices (user_id);
    """,
    # 13: where a request or an activity was posted, as rows of their own (the group's
    # post and the private copies), instead of outbox rows found by their source text.
    """
    CREATE TABLE request_posts (
        request_id    INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
        outbox_id     INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
        PRIMARY KEY (request_id, outbox_id)
    );
    CREATE INDEX request_posts_outbox ON request_posts (outbox_id);
    INSERT INTO request_posts (request_id, outbox_id)
        SELECT CAST(substr(source, 11) AS INTEGER), id FROM outbox
        WHERE source LIKE 'hulp:post:%'
        AND CAST(substr(source, 11) AS INTEGER) IN (SELECT id FROM requests);
    CREATE TABLE activity_posts (
        activity_id   INTEGER NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
        outbox_id     INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
        PRIMARY KEY (activity_id, outbox_id)
    );
    CREATE INDEX activity_posts_outbox ON activity_posts (outbox_id);
    INSERT INTO activity_posts (activity_id, outbox_id)
        SELECT CAST(substr(source, 10) AS INTEGER), id FROM outbox
        WHERE source LIKE 'act:post:%'
        AND CAST(substr(source, 10) AS INTEGER) IN (SELECT id FROM activities);
    """,
    # 14: erasure leaves no trace. A queued message that names someone who asked to be
    # forgotten is blanked as soon as it has been sent. Each erasure leaves a fingerprint
    # (a keyed hash of the Telegram user id, never the id itself), so restoring an older
    # backup can erase the person again.
    """
    ALTER TABLE outbox ADD COLUMN erase_when_sent INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE erasures (
        fingerprint   TEXT PRIMARY KEY,              -- HMAC-SHA256(key, user id), hex
        erased_at     TEXT NOT NULL
    );
    CREATE TABLE erasure_key (
        id            INTEGER PRIMARY KEY CHECK (id = 1),
        key           TEXT NOT NULL                  -- random, made once per database
    );
    INSERT INTO erasure_key (id, key) VALUES (1, lower(hex(randomblob(32))));
    """,
    # 15: someone with the group's link who is not in the Telegram group asks the
    # voorzitter to be let in; one open request per person and circle.
    """
    CREATE TABLE join_requests (
        id            INTEGER PRIMARY KEY,
        circle_id     INTEGER NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
        user_id       INTEGER NOT NULL,              -- who asks
        name          TEXT NOT NULL,                 -- their Telegram first name
        created_at    TEXT NOT NULL,
        decided_by    INTEGER,                       -- the voorzitter's user id
        decided_at    TEXT,
        approved      INTEGER
    );
    CREATE UNIQUE INDEX join_requests_open ON join_requests (circle_id, user_id)
        WHERE decided_at IS NULL;
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
