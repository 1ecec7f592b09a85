"""The bot tells its operator: a beheerder hears of an update set aside, a lost group
and urgent messages stuck in the outbox, once a day for each; and the log stays quiet
(a heartbeat every 15 minutes, no line per tick)."""

from __future__ import annotations

import io
import logging

import pytest

from bot.inbox import MAX_ATTEMPTS
from bot.logs import setup_logging
from emulator.core import Fault
from tests.support import add_beheerder

FOR_BEHEERDER = "Omkijkbot, voor de beheerder:"


@pytest.fixture
def info_log():
    """Our real logging set-up at INFO, written to a buffer; restored afterwards."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    levels = {n: logging.getLogger(n).level for n in ("apscheduler", "telegram", "httpx")}
    buffer = io.StringIO()
    setup_logging("INFO")
    root.handlers[0].setStream(buffer)
    yield buffer
    root.handlers[:], root.level = saved_handlers, saved_level
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def _beheerder_texts(world, admin):
    return [t for t in world.texts(admin.id) if t.startswith(FOR_BEHEERDER)]


async def test_one_idle_hour_writes_a_heartbeat_and_little_else(world, info_log):
    riet = world.person("Riet")
    await world.say(riet, "/start")
    info_log.truncate(0)
    info_log.seek(0)
    for _ in range(3600):  # the ticker's hour, one second at a time, on the manual clock
        world.clock.advance(seconds=1)
        await world.runtime._tick_job(None)
    lines = [line for line in info_log.getvalue().splitlines() if " INFO " in line]
    alive = [line for line in lines if "alive:" in line]
    assert len(alive) in (3, 4), lines  # every 15 minutes, wherever the hour began
    assert len(lines) < 10, lines
    assert "1 updates handled" in alive[0] or "0 updates handled" in alive[0]
    # APScheduler's two lines per tick are not written at INFO.
    assert not logging.getLogger("apscheduler.executors.default").isEnabledFor(logging.INFO)


async def test_an_update_set_aside_tells_the_beheerder_once_a_day(world):
    admin = add_beheerder(world)
    for update_id in (9_000, 9_001):
        update = {"update_id": update_id, "message": {"bad": True}}
        await world.store.store_updates([update])
        for _ in range(MAX_ATTEMPTS):
            await world.store.note_update_attempt(update_id)
        await world.runtime.inbox.accept([update])
        await world.handled(update)
        await world.runtime.tick()
    [told] = _beheerder_texts(world, admin)
    assert "apart gezet" in told
    world.clock.advance(days=1)
    update = {"update_id": 9_002, "message": {"bad": True}}
    await world.store.store_updates([update])
    for _ in range(MAX_ATTEMPTS):
        await world.store.note_update_attempt(9_002)
    await world.runtime.inbox.accept([update])
    await world.handled(update)
    await world.runtime.tick()
    assert len(_beheerder_texts(world, admin)) == 2  # a new day, a new message


async def test_a_circle_losing_its_group_tells_the_beheerder(world):
    admin = add_beheerder(world)
    henk = world.person("Henk")
    chat_id = await world.group_with_bot("Zandweerd", henk)
    await world.join(henk, world.join_link_code(chat_id))
    await world.handled(await world.emulator.remove_bot_from_group(chat_id, henk.id))
    await world.runtime.tick()
    [told] = _beheerder_texts(world, admin)
    assert "de kring “Zandweerd” heeft geen Telegram-groep meer" in told


async def test_urgent_messages_stuck_five_minutes_tell_the_beheerder(world):
    """Telegram refuses one person's chat for a long while (502s): the alert waits,
    and after five minutes the beheerder hears it (the beheerder's own chat works)."""
    admin = add_beheerder(world)
    riet, jan = world.person("Riet"), world.person("Jan")
    await world.say(riet, "/start")
    await world.say(jan, "/start")
    world.emulator.inject_fault("sendMessage", Fault("5xx", count=10_000, chat_id=jan.id))
    await world.runtime.services.notices.tell(
        [jan.id], "Waakvlam: a message for the beheerder.", priority=0
    )
    for _ in range(4):
        world.clock.advance(minutes=1)
        await world.runtime.tick()
    assert _beheerder_texts(world, admin) == []  # four minutes: not yet
    for _ in range(3):
        world.clock.advance(minutes=1)
        await world.runtime.tick()
    [told] = _beheerder_texts(world, admin)
    assert "1 dringende berichten" in told


async def _through_a_heartbeat(world):
    for _ in range(17):  # a heartbeat comes every 15 minutes of the bot's clock
        world.clock.advance(minutes=1)
        await world.runtime.tick()


async def test_a_disk_nearly_full_tells_the_beheerder(world):
    import collections

    admin = add_beheerder(world)
    usage = collections.namedtuple("usage", "total used free")
    world.runtime.disk_free = lambda _path: usage(10**10, 10**10 - 50_000_000, 50_000_000)
    await _through_a_heartbeat(world)
    [told] = _beheerder_texts(world, admin)
    assert "nog maar 50 MB vrij" in told


async def test_an_old_backup_tells_the_beheerder(world, tmp_path):
    import datetime as dt

    from bot.operations import backup, last_backup_marker

    admin = add_beheerder(world)
    world.runtime.settings.backup_max_age_hours = 26
    settings = world.runtime.settings
    await _through_a_heartbeat(world)
    [never] = _beheerder_texts(world, admin)  # no backup at all yet
    assert "de laatste back-up is ? uur geleden" in never
    backup(settings.db_path, tmp_path / "copy.sqlite3")  # the real command's work
    made = dt.datetime.fromisoformat(last_backup_marker(settings.db_path).read_text())
    world.clock.set(made + dt.timedelta(days=1, hours=1))  # the next day: fresh enough
    await _through_a_heartbeat(world)
    assert len(_beheerder_texts(world, admin)) == 1
    world.clock.set(made + dt.timedelta(days=2))  # two days: too old, told once more
    await _through_a_heartbeat(world)
    assert "de laatste back-up is 48 uur geleden" in _beheerder_texts(world, admin)[-1]
