"""For the beheerder: a consistent backup while the bot runs, a checked restore, a status."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from storage.operations import (
    DatabaseFileError,
    check_file,
    copy_database,
    health_counts,
    private_file,
)
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


def restore(source: Path, db_path: Path) -> Path | None:
    """Put a checked copy in place; the current file is kept aside. Stop the bot first."""
    check(source)
    kept = None
    if db_path.exists():
        kept = db_path.with_name(db_path.name + ".before-restore")
        shutil.copy2(db_path, kept)
        private_file(kept)
    for suffix in ("-wal", "-shm"):
        stale = db_path.with_name(db_path.name + suffix)
        if stale.exists():
            stale.unlink()
    copy_database(source, db_path)
    return kept


def status(db_path: Path, now: dt.datetime) -> dict[str, object]:
    """What an operator wants to know at a glance. Counts only."""
    check(db_path)
    return health_counts(db_path, to_db(now))
