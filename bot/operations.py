"""For the beheerder: a consistent backup while the bot runs, a checked restore, a status."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from core.clock import ManualClock
from storage.database import Database
from storage.operations import (
    DatabaseFileError,
    check_file,
    copy_database,
    health_counts,
    private_file,
    set_aside_name,
)
from storage.privacy import Erasures, read_erasures
from storage.store import Store
from storage.timefmt import to_db


class OperationError(Exception):
    """Something the operator must fix; the message is one line."""


def check(path: Path) -> int:
    try:
        return check_file(path)
    except DatabaseFileError as exc:
        raise OperationError(str(exc)) from None


def backup(db_path: Path, target: Path) -> int:
    """A consistent copy while the bot runs, checked afterwards. Returns the size."""
    if not db_path.exists():
        raise OperationError(f"no database at {db_path} (OMKIJK_DB)")
    if target.exists():
        raise OperationError(f"{target} exists already: choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    copy_database(db_path, target)
    check(target)
    # When the last backup was made, for the beheerder's reminder (OMKIJK_BACKUP_MAX_AGE_HOURS).
    last_backup_marker(db_path).write_text(dt.datetime.now(dt.UTC).isoformat())
    return target.stat().st_size


def last_backup_marker(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".last-backup")


@dataclass(frozen=True)
class Restored:
    kept: Path | None  # the file that was in place, set aside
    erased_again: list[str]  # when each person erased since the backup had asked it
    # The replaced file could not be read: who was erased since the backup is unknown.
    erasures_unknown: bool = False


def restore(source: Path, db_path: Path, now: dt.datetime) -> Restored:
    """Put a checked copy in place; the current file is set aside. People who asked to be
    forgotten after the copy was made are erased from it again. Stop the bot first."""
    check(source)
    kept = None
    erasures = None
    unreadable = False
    if db_path.exists():
        kept = set_aside_name(db_path, now)
        try:
            check(db_path)
            erasures = read_erasures(db_path)
            copy_database(db_path, kept)  # through SQLite: what the -wal holds comes along
        except (OperationError, sqlite3.DatabaseError):
            # Restoring because the file is damaged: set it aside as it is.
            unreadable = True
            shutil.copy2(db_path, kept)
            private_file(kept)  # names inside: the owner's only, like the database
            db_path.unlink()
    for suffix in ("-wal", "-shm"):
        stale = db_path.with_name(db_path.name + suffix)
        if stale.exists():
            stale.unlink()
    copy_database(source, db_path)
    again = asyncio.run(_erase_again(db_path, now, erasures)) if erasures else []
    return Restored(kept, again, unreadable)


async def _erase_again(db_path: Path, now: dt.datetime, erasures: Erasures) -> list[str]:
    db = await Database(db_path, readers=1).open()  # brings the schema up to date
    try:
        store = Store(db, ManualClock(now))
        again = await store.erase_again(erasures)
        await db.checkpoint()
    finally:
        await db.close()
    return again


def status(db_path: Path, now: dt.datetime) -> dict[str, object]:
    """What an operator wants to know at a glance. Counts only."""
    check(db_path)
    return health_counts(db_path, to_db(now))
