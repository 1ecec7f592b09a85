"""The beheerder's commands: backup while running, a checked restore, status."""

from __future__ import annotations

import asyncio
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
    # Names and words inside: only the owner may read the database, its copies, its WAL.
    again = omkijkbot("restore", str(copy), db=target)  # keeps the current one aside
    assert again.returncode == 0, again.stderr
    [aside] = [p for p in target.parent.iterdir() if "before-restore" in p.name]
    for path in (db, db.with_name(db.name + "-wal"), copy, target, aside):
        assert path.stat().st_mode & 0o777 == 0o600, path


def test_restore_refuses_a_damaged_file(tmp_path):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"this is not a database at all" * 100)
    result = omkijkbot("restore", str(bad), db=tmp_path / "live.sqlite3")
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "not a usable SQLite database" in line
    assert not (tmp_path / "live.sqlite3").exists()


async def test_without_a_beheerder_run_warns_once_and_status_says_so(tmp_path, emulator_server):
    """The last rung of every ladder is the beheerder: an empty OMKIJK_ADMIN_IDS is said
    plainly, once, at start-up, and ``status`` shows it."""
    from tests.test_restarts import BotProcess

    emu = emulator_server.emulator
    db = tmp_path / "omkijk.sqlite3"
    riet = emu.add_user("Riet")
    for admins, log in (("", tmp_path / "none.log"), ("4242", tmp_path / "set.log")):
        bot = await BotProcess(emulator_server, db, log, OMKIJK_ADMIN_IDS=admins).start()
        before = len(emu.bot_messages(riet.id))
        await emu.send_text(riet.id, riet.id, "/help")  # it is running once it answers
        await emu.wait_for(lambda n=before: len(emu.bot_messages(riet.id)) > n, 60)
        assert await bot.stop() == 0
    warnings = [
        line
        for line in (tmp_path / "none.log").read_text().splitlines()
        if "OMKIJK_ADMIN_IDS is empty" in line
    ]
    assert len(warnings) == 1 and "WARNING" in warnings[0]
    assert "OMKIJK_ADMIN_IDS" not in (tmp_path / "set.log").read_text()
    status = omkijkbot("status", db=db)
    assert "beheerders               none: OMKIJK_ADMIN_IDS is empty" in status.stdout
    env_status = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "status"],
        cwd=REPO,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("OMKIJK_")},
            "OMKIJK_DB": str(db),
            "OMKIJK_ADMIN_IDS": "4242,4343",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "beheerders               2" in env_status.stdout
    assert "rounds past the chair    0" in env_status.stdout
