"""The beheerder's commands: backup while running, a checked restore, status."""

from __future__ import annotations

import os
import subprocess
import sys

from storage.migrations import LATEST
from tests.support import REPO


def omkijkbot(*args, db):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMKIJK_", "TELEGRAM_"))}
    env["OMKIJK_DB"] = str(db)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_backup_while_running_then_restore_and_status(world, tmp_path):
    riet = world.person("Riet")
    await world.say(riet, "/start")
    db = world.runtime.settings.db_path
    copy = tmp_path / "backup" / "omkijk-copy.sqlite3"
    result = omkijkbot("backup", str(copy), db=db)  # the bot is running
    assert result.returncode == 0, result.stderr
    assert "checked" in result.stdout and copy.exists()
    again = omkijkbot("backup", str(copy), db=db)
    assert again.returncode == 2 and "exists already" in again.stderr
    status = omkijkbot("status", db=copy)
    assert status.returncode == 0
    assert f"schema version           {LATEST}" in status.stdout
    assert "updates waiting          0" in status.stdout
    # Restore into a fresh place: the data is there.
    target = tmp_path / "restored.sqlite3"
    restored = omkijkbot("restore", str(copy), db=target)
    assert restored.returncode == 0, restored.stderr
    import sqlite3

    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT first_name FROM users").fetchone()[0] == "Riet"


def test_restore_refuses_a_damaged_file(tmp_path):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"this is not a database at all" * 100)
    result = omkijkbot("restore", str(bad), db=tmp_path / "live.sqlite3")
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "not a usable SQLite database" in line
    assert not (tmp_path / "live.sqlite3").exists()
