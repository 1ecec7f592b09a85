"""Crash and restart: nothing a person sent is lost, nothing happens twice.

The bot runs as a real process (``python -m bot run``) against the emulator
in this test process; ``OMKIJK_TEST_CRASH`` makes it die at a chosen point as
a kill -9 would.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sys
from pathlib import Path

import pytest

from scheduling.builtin import NOTICE
from storage.database import Database
from storage.store import Store
from tests.support import REPO, T0

WELCOME = "Welkom, Riet!"


class BotProcess:
    def __init__(self, emulator_server, db: Path, log: Path, **env: str) -> None:
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("OMKIJK_", "TELEGRAM_"))
        }
        self.env.update(
            {
                "TELEGRAM_TOKEN": emulator_server.emulator.token,
                "TELEGRAM_API_URL": emulator_server.api_url,
                "OMKIJK_DB": str(db),
                "OMKIJK_LOG_LEVEL": "INFO",
                # This checkout's code, also where the virtualenv holds another one (a
                # git worktree sharing it): the process starts outside the repository.
                "PYTHONPATH": str(REPO),
                **env,
            }
        )
        self.log = log
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> BotProcess:
        handle = self.log.open("ab")
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=self.log.parent,
            env=self.env,
            stdout=handle,
            stderr=handle,
        )
        return self

    async def exited(self, timeout: float = 60) -> int:
        assert self.proc is not None
        return await asyncio.wait_for(self.proc.wait(), timeout)

    async def stop(self) -> int:
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        return await self.exited()


def welcomes(emu, chat_id):
    return [m for m in emu.bot_messages(chat_id) if m["text"].startswith(WELCOME)]


async def answered(emu, chat_id, count, timeout=60):
    await emu.wait_for(lambda: len(emu.bot_messages(chat_id)) >= count, timeout)


@pytest.mark.parametrize("crash_point", ["before_handle", "after_store"])
async def test_a_tap_survives_a_crash_and_is_handled_once(tmp_path, emulator_server, crash_point):
    emu = emulator_server.emulator
    riet = emu.add_user("Riet")
    db = tmp_path / "omkijk.sqlite3"
    await emu.send_text(riet.id, riet.id, "/start")

    crashing = await BotProcess(
        emulator_server, db, tmp_path / "bot.log", OMKIJK_TEST_CRASH=crash_point
    ).start()
    assert await crashing.exited() == 75, (tmp_path / "bot.log").read_text()
    assert emu.bot_messages(riet.id) == []  # it died before answering

    database = await Database(db).open()
    try:
        pending = await Store(database, _Fixed()).pending_updates()
        assert [item.payload["message"]["text"] for item in pending] == ["/start"]
    finally:
        await database.close()

    bot = await BotProcess(emulator_server, db, tmp_path / "bot.log").start()
    try:
        await answered(emu, riet.id, 1)
        await emu.send_text(riet.id, riet.id, "/help")
        await answered(emu, riet.id, 2)
    finally:
        assert await bot.stop() == 0, (tmp_path / "bot.log").read_text()
    assert len(welcomes(emu, riet.id)) == 1
    assert emu.bot_messages(riet.id)[1]["text"].startswith("Wat deze bot doet")


async def test_timers_fire_exactly_once_across_restarts(tmp_path, emulator_server):
    emu = emulator_server.emulator
    riet = emu.add_user("Riet")
    riet.started_bot = True
    db = tmp_path / "omkijk.sqlite3"
    database = await Database(db).open()
    try:
        store = Store(database, _Fixed())
        for hours, message in ((1, "Here is your menu."), (2, "This button no longer works.")):
            await store.schedule(
                NOTICE, T0 + dt.timedelta(hours=hours), {"user_id": riet.id, "message": message}
            )
    finally:
        await database.close()
    notices = {"Hier is je menu.", "Deze knop werkt niet meer."}

    def fired():
        return [m["text"] for m in emu.bot_messages(riet.id) if m["text"] in notices]

    log = tmp_path / "bot.log"
    # Before they are due: started, working, nothing fired.
    bot = await BotProcess(emulator_server, db, log, OMKIJK_CLOCK_START=T0.isoformat()).start()
    await emu.send_text(riet.id, riet.id, "/help")
    await answered(emu, riet.id, 1)
    assert await bot.stop() == 0
    assert fired() == []

    # The clock moved past both while the bot was down: each fires once at start.
    later = (T0 + dt.timedelta(hours=3)).isoformat()
    bot = await BotProcess(emulator_server, db, log, OMKIJK_CLOCK_START=later).start()
    await emu.wait_for(lambda: len(fired()) == 2, 60)
    assert await bot.stop() == 0
    assert fired() == ["Hier is je menu.", "Deze knop werkt niet meer."]

    # And never again.
    bot = await BotProcess(emulator_server, db, log, OMKIJK_CLOCK_START=later).start()
    count = len(emu.bot_messages(riet.id))
    await emu.send_text(riet.id, riet.id, "/help")
    await answered(emu, riet.id, count + 1)
    assert await bot.stop() == 0
    assert len(fired()) == 2
    database = await Database(db).open()
    try:
        rows = await Store(database, _Fixed()).timers()
        assert [status for _, kind, _, status in rows if kind == NOTICE] == ["done", "done"]
    finally:
        await database.close()


class _Fixed:
    def now(self):
        return T0
