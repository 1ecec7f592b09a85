"""SQL for the beheerder's commands: checking a database file and its health counts.

Plain sqlite3 (not aiosqlite): these run from the command line, beside or without
the bot.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from pathlib import Path

from storage.migrations import LATEST


class DatabaseFileError(Exception):
    """The file is missing, damaged, or from a newer program; one line says which."""


def check_file(path: Path) -> int:
    """Integrity and schema version of a database file. Returns the schema version."""
    if not path.exists():
        raise DatabaseFileError(f"no file at {path}")
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise DatabaseFileError(f"{path} is not a usable SQLite database: {exc}") from None
    if result != "ok":
        raise DatabaseFileError(f"{path} is damaged: {result}")
    if version > LATEST:
        raise DatabaseFileError(f"{path} is from a newer Omkijkbot (schema {version} > {LATEST})")
    return int(version)


def private_file(path: Path) -> None:
    """The file exists and only its owner may read it (0600): the database, its copies
    and backups hold people's names and words. SQLite gives -wal and -shm the same."""
    if path.exists():
        path.chmod(0o600)
    else:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def copy_database(source: Path, target: Path) -> None:
    """SQLite's online backup: consistent even while the bot writes."""
    private_file(target)
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


SET_ASIDE = ".before-restore"
_STAMP = "%Y%m%dT%H%M%SZ"


def set_aside_name(db_path: Path, now: dt.datetime) -> Path:
    """Where a restore keeps the file it replaced: the moment is in the name, so the
    bot's housekeeping can remove it after its time (and a second restore keeps both)."""
    stamp = now.astimezone(dt.UTC).strftime(_STAMP)
    return db_path.with_name(f"{db_path.name}{SET_ASIDE}-{stamp}")


def remove_set_aside_copies(db_path: Path, older_than: dt.datetime) -> int:
    """Remove the files restores set aside before ``older_than``. Returns how many."""
    removed = 0
    for path in db_path.parent.glob(f"{db_path.name}{SET_ASIDE}*"):
        stamp = path.name.removeprefix(f"{db_path.name}{SET_ASIDE}").removeprefix("-")
        try:
            made = dt.datetime.strptime(stamp, _STAMP).replace(tzinfo=dt.UTC)
        except ValueError:  # set aside by an older version: by the file's own time
            made = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        if made < older_than:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def health_counts(db_path: Path, now_iso: str) -> dict[str, object]:
    """What an operator wants to know at a glance. Counts only."""
    check_file(db_path)
    with contextlib.closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:

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
            "rounds past the chair": one(
                "SELECT COUNT(*) FROM checkin_rounds WHERE status = 'open' "
                "AND stage IN ('beheerder', 'circle')"
            ),
            "open worries": one("SELECT COUNT(*) FROM signals WHERE status != 'closed'"),
        }
