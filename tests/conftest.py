from __future__ import annotations

import pytest

from bot.app import Runtime
from core.clock import ManualClock
from emulator.core import Emulator
from emulator.server import EmulatorServer
from tests.support import T0, World, make_settings


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
async def emulator_server():
    server = await EmulatorServer(Emulator(), "127.0.0.1", 0).start()
    yield server
    await server.stop()


@pytest.fixture
async def world(tmp_path, clock, emulator_server):
    settings = make_settings(tmp_path / "omkijk.sqlite3")
    runtime = Runtime(
        settings,
        clock,
        token=emulator_server.emulator.token,
        base_url=emulator_server.api_url,
        base_file_url=emulator_server.file_url,
        tick_seconds=None,
        strict_i18n=True,
    )
    await runtime.start()
    world = World(emulator_server.emulator, emulator_server, runtime, clock)
    yield world
    await world.runtime.stop()  # after world.restart() that is the new one
