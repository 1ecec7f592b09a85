"""Health for monitors: the health endpoint's answer and each of its failure causes, and
the Prometheus figures (systemd: tests/test_systemd.py).

All on the manual clock: time moves when a test says so, never by sleeping."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app import Runtime
from bot.config import ConfigError
from bot.health import POLL_LIMIT, TICKER_LIMIT, Health
from core.clock import SystemClock
from emulator.core import Fault
from tests.support import T0, World, make_settings

ALERT = "Waakvlam: a message for the beheerder."  # a text in the catalogues, sent urgently


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _runtime(tmp_path, clock, server, **settings) -> Runtime:
    return Runtime(
        make_settings(tmp_path / "omkijk.sqlite3", **settings),
        clock,
        token=server.emulator.token,
        base_url=server.api_url,
        base_file_url=server.file_url,
        tick_seconds=None,
        strict_i18n=True,
        webhook_url=None,
    )


@pytest.fixture
async def watched(tmp_path, clock, emulator_server):
    """The bot with its health endpoint and its metrics endpoint on, each on its own port."""
    runtime = _runtime(
        tmp_path, clock, emulator_server, health_port=free_port(), metrics_port=free_port()
    )
    await runtime.start()
    world = World(emulator_server.emulator, emulator_server, runtime, clock)
    yield world
    await world.runtime.stop()


async def _get(world: World, kind: str) -> tuple[int, str, str]:
    host, port = world.runtime.monitor.addresses[kind]
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://{host}:{port}/{kind}") as response,
    ):
        return response.status, response.headers["Content-Type"], await response.text()


async def health(world: World) -> tuple[int, dict[str, str]]:
    """The health endpoint's status and the causes it names."""
    import json

    status, content_type, body = await _get(world, "health")
    assert content_type.startswith("application/json")
    answer = json.loads(body)
    assert answer["status"] == ("ok" if status == 200 else "failing")
    return status, answer["failing"]


async def poke(world: World) -> int:
    """Someone writes: the poller completes a getUpdates now (on the manual clock).
    Returns the update's id."""
    person = world.person("Bezoeker")
    update = await world.emulator.send_text(person.id, person.id, "/help")
    await world.handled(update)
    return update["update_id"]


async def polling_after(world: World, update_id: int) -> None:
    """Until the poller has asked for what comes after this update: that long poll is
    in flight (past the emulator's fault check)."""
    emulator = world.emulator

    def asked() -> bool:
        return any(
            method == "getUpdates" and int(params.get("offset") or 0) > update_id
            for method, params in emulator.calls
        )

    await emulator.wait_for(asked)


async def test_health_and_metrics_are_off_by_default(world):
    assert world.runtime.monitor.addresses == {}
    settings = world.runtime.settings
    assert settings.health_port is None and settings.metrics_port is None


async def test_healthy_bot_answers_200_on_this_machine_only(watched):
    assert await health(watched) == (200, {})
    for kind in ("health", "metrics"):
        assert watched.runtime.monitor.addresses[kind][0] == "127.0.0.1"
    await poke(watched)
    await watched.runtime.tick()
    assert await health(watched) == (200, {})


async def test_a_ticker_that_stopped_fails(watched):
    await watched.runtime.tick()
    watched.clock.advance(seconds=TICKER_LIMIT - 1)
    await poke(watched)  # the poller is fine: only the ticker is late
    assert await health(watched) == (200, {})
    watched.clock.advance(seconds=2)
    await poke(watched)
    status, failing = await health(watched)
    assert status == 503
    assert failing == {"ticker": "last ran 61 s ago"}
    await watched.runtime.tick()
    assert await health(watched) == (200, {})


async def test_a_poller_that_completes_no_getupdates_fails(watched):
    emulator = watched.emulator
    await polling_after(watched, await poke(watched))
    release = asyncio.Event()
    emulator.inject_fault("getUpdates", Fault("hold", release=release))
    try:
        # The long poll in flight completes, and the next one is held: Telegram is slow.
        await polling_after(watched, await poke(watched))
        watched.clock.advance(seconds=POLL_LIMIT - 1)
        await watched.runtime.tick()
        assert await health(watched) == (200, {})
        watched.clock.advance(seconds=2)
        await watched.runtime.tick()
        status, failing = await health(watched)
        assert status == 503
        assert failing == {"poller": f"last getUpdates completed {POLL_LIMIT + 1:.0f} s ago"}
    finally:
        release.set()
    await poke(watched)  # Telegram answers again
    assert await health(watched) == (200, {})


async def test_a_poller_that_never_completed_one_fails(watched):
    """Telegram answers every getUpdates with 502 from the start."""
    await watched.runtime.stop()
    watched.emulator.inject_fault("getUpdates", Fault("5xx", count=10_000))
    watched.runtime = _runtime(
        watched.runtime.settings.db_path.parent,
        watched.clock,
        watched.server,
        health_port=free_port(),
    )
    await watched.runtime.start()
    watched.clock.advance(seconds=POLL_LIMIT + 5)
    await watched.runtime.tick()
    status, failing = await health(watched)
    assert (status, failing) == (503, {"poller": "no getUpdates completed in 55 s"})
    watched.emulator.faults["getUpdates"].clear()


async def test_urgent_messages_waiting_over_five_minutes_fail(watched):
    """Telegram refuses one chat (502s): an alert for it waits; after five minutes the
    health endpoint says so, and it passes again once the alert is sent."""
    jan = watched.person("Jan")
    await watched.say(jan, "/start")
    before = len(watched.texts(jan.id))
    watched.emulator.inject_fault("sendMessage", Fault("5xx", count=10_000, chat_id=jan.id))
    await watched.runtime.services.notices.tell([jan.id], ALERT, priority=0)
    for _ in range(4):
        watched.clock.advance(minutes=1)
        await watched.runtime.tick()
    await poke(watched)
    assert await health(watched) == (200, {})  # four minutes: not yet
    for _ in range(2):
        watched.clock.advance(minutes=1)
        await watched.runtime.tick()
    await poke(watched)
    status, failing = await health(watched)
    assert (status, failing) == (503, {"outbox": "1 urgent messages waiting over 5 minutes"})
    watched.emulator.faults["sendMessage"].clear()
    watched.clock.advance(minutes=11)  # past the outbox's wait before trying again
    await watched.runtime.tick()
    assert len(watched.texts(jan.id)) == before + 1  # the alert, at last
    await poke(watched)
    assert await health(watched) == (200, {})


async def test_a_database_that_does_not_answer_fails(watched):
    """The one writer held by a transaction that does not end: no answer in time."""
    watched.runtime.health.answer_within = 0.2  # real seconds; the default is 5
    async with watched.runtime.db.write():
        status, failing = await health(watched)
    assert (status, failing) == (503, {"database": "no answer within 0.2 s"})
    assert await health(watched) == (200, {})


async def test_a_database_that_is_gone_fails(watched):
    await watched.runtime.db.close()
    status, failing = await health(watched)
    assert status == 503
    assert set(failing) == {"database"} and failing["database"].startswith("error: ")


async def test_webhook_mode_is_healthy_while_the_webhook_is_set(tmp_path, clock, emulator_server):
    emulator = emulator_server.emulator
    port = free_port()
    runtime = _runtime(tmp_path, clock, emulator_server, webhook_port=port, health_port=free_port())
    runtime.webhook_url = f"http://127.0.0.1:{port}"
    await runtime.start()
    world = World(emulator, emulator_server, runtime, clock)
    try:
        clock.advance(minutes=10)  # no getUpdates in webhook mode: that is no failure
        await runtime.tick()
        assert await health(world) == (200, {})
        await emulator.api_deletewebhook({})  # e.g. the same token started elsewhere
        assert await health(world) == (503, {"webhook": "the webhook is not set"})
    finally:
        await runtime.stop()


async def test_a_port_in_use_stops_start_up_naming_the_setting(tmp_path, clock, emulator_server):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        runtime = _runtime(tmp_path, clock, emulator_server, metrics_port=port)
        try:
            with pytest.raises(ConfigError, match="OMKIJK_METRICS_PORT is not valid: cannot"):
                await runtime.start()
        finally:
            await runtime.stop()


def _metrics(text: str) -> dict[str, float]:
    figures = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            figures[sample.name + (f"{{{labels}}}" if labels else "")] = sample.value
    return figures


async def test_metrics_give_the_heartbeats_figures(watched):
    riet, jan = watched.person("Riet"), watched.person("Jan")
    await watched.say(riet, "/start")
    await watched.say(jan, "/help")
    watched.emulator.inject_fault("sendMessage", Fault("5xx", count=10_000, chat_id=jan.id))
    await watched.runtime.services.notices.tell([jan.id, riet.id], ALERT, priority=0)
    await watched.runtime.tick()  # Riet's is sent, Jan's waits
    status, content_type, body = await _get(watched, "metrics")
    assert status == 200 and content_type.startswith("text/plain; version=0.0.4")
    figures = _metrics(body)
    waiting, _, oldest = await watched.store.alive_figures(watched.clock.now())
    handled, sent = watched.runtime.inbox.handled_total, watched.runtime.services.outbox.sent_total
    assert (handled, sent, waiting) == (2, 1, 1)
    assert figures["omkijkbot_updates_handled_total"] == handled
    assert figures["omkijkbot_messages_sent_total"] == sent
    assert figures["omkijkbot_outbox_waiting"] == waiting
    assert figures["omkijkbot_outbox_urgent_stuck"] == 0
    assert figures["omkijkbot_oldest_pending_timer_due_timestamp_seconds"] == oldest.timestamp()
    assert figures["omkijkbot_ticker_age_seconds"] == 0
    for check in ("ticker", "poller", "outbox", "database"):
        assert figures[f"omkijkbot_health_check{{check={check}}}"] == 1
    assert figures["omkijkbot_healthy"] == 1
    assert figures["process_resident_memory_bytes"] > 0
    # Six minutes on: the alert is stuck, the poller and the ticker are late.
    watched.clock.advance(minutes=6)
    figures = _metrics((await _get(watched, "metrics"))[2])
    assert figures["omkijkbot_outbox_urgent_stuck"] == 1
    assert figures["omkijkbot_ticker_age_seconds"] == 360
    assert figures["omkijkbot_healthy"] == 0
    assert figures["omkijkbot_health_check{check=database}"] == 1
    for check in ("ticker", "poller", "outbox"):
        assert figures[f"omkijkbot_health_check{{check={check}}}"] == 0


async def test_ages_are_real_seconds_on_a_trainers_faster_clock(world):
    """OMKIJK_TIME_SCALE=60: a tick a real second ago is a minute ago on the bot's
    clock, and no reason to fail; the limits count real seconds."""
    real = [1000.0]
    fast = SystemClock(60, T0, monotonic=lambda: real[0])
    health = Health(fast, world.store, world.runtime.db, lambda: (0, 0), dt.timedelta(minutes=5))
    health.polling_since = fast.now()
    health.ticked()
    real[0] += 30  # half an hour on the bot's clock
    assert (await health.check()).failing == {}
    real[0] += 31
    report = await health.check()
    assert report.failing == {
        "ticker": "last ran 61 s ago",
        "poller": "no getUpdates completed in 61 s",
    }
    assert report.ticker_age == 61


def test_an_empty_port_setting_means_off():
    settings = make_settings(Path("x.sqlite3"), health_port="", metrics_port=" ")
    assert settings.health_port is None and settings.metrics_port is None
    assert make_settings(Path("x.sqlite3"), health_port="8081").health_port == 8081
    with pytest.raises(ConfigError, match="Setting OMKIJK_HEALTH_PORT is not valid"):
        make_settings(Path("x.sqlite3"), health_port="70000")
