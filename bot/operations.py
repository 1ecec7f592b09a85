"""For the beheerder: a consistent backup while the bot runs, a checked restore, a status."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from storage.migrations import LATEST


class OperationError(Exception):
    """Something the operator must fix; the message is one line."""


def backup(db_path: Path, target: Path) -> int:
    """SQLite's online backup: consistent even while the bot writes. Returns the size."""
    if not db_path.exists():
        raise OperationError(f"no database at {db_path} (OMKIJK_DB)")
    if target.exists():
        raise OperationError(f"{target} exists already: choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(db_path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    check(target)
    return target.stat().st_size


def check(path: Path) -> int:
    """Integrity and schema version of a database file. Returns the schema version."""
    if not path.exists():
        raise OperationError(f"no file at {path}")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise OperationError(f"{path} is not a usable SQLite database: {exc}") from None
    if result != "ok":
        raise OperationError(f"{path} is damaged: {result}")
    if version > LATEST:
        raise OperationError(f"{path} is from a newer Omkijkbot (schema {version} > {LATEST})")
    return int(version)


def restore(source: Path, db_path: Path) -> Path | None:
    """Put a checked copy in place; the current file is kept aside. Stop the bot first."""
    check(source)
    kept = None
    if db_path.exists():
        kept = db_path.with_name(db_path.name + ".before-restore")
        shutil.copy2(db_path, kept)
    for suffix in ("-wal", "-shm"):
        stale = db_path.with_name(db_path.name + suffix)
        if stale.exists():
            stale.unlink()
    with sqlite3.connect(source) as src, sqlite3.connect(db_path) as dst:
        src.backup(dst)
    return kept


def status(db_path: Path, now_iso: str) -> dict[str, object]:
    """What an operator wants to know at a glance. Counts only."""
    check(db_path)
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:

        def one(sql: str, *args: object) -> int:
            return int(conn.execute(sql, args).fetchone()[0] or 0)

        return {
            "schema version": one("PRAGMA user_version"),
            "circles (active)": one("SELECT COUNT(*) FROM circles WHERE active = 1"),
            "members": one("SELECT COUNT(*) FROM members"),
            "updates waiting": one("SELECT COUNT(*) FROM inbox WHERE status = 'pending'"),
            "updates that failed": one("SELECT COUNT(*) FROM inbox WHERE status = 'failed'"),
            "timers overdue": one(
                "SELECT COUNT(*) FROM timers WHERE status = 'pending' AND due_at < ?", now_iso
            ),
            "timers that failed": one("SELECT COUNT(*) FROM timers WHERE status = 'failed'"),
            "messages waiting": one("SELECT COUNT(*) FROM outbox WHERE status = 'pending'"),
            "messages undeliverable": one(
                "SELECT COUNT(*) FROM outbox WHERE status IN ('unreachable', 'failed')"
            ),
            "open check-in rounds": one(
                "SELECT COUNT(*) FROM checkin_rounds WHERE status = 'open'"
            ),
            "open worries": one("SELECT COUNT(*) FROM signals WHERE status != 'closed'"),
        }
