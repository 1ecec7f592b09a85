"""The durable inbox through polling and webhook, and an update that keeps crashing."""

from __future__ import annotations

import asyncio
import socket

import aiohttp

from bot.app import Runtime
from bot.inbox import MAX_ATTEMPTS, POLL_STALLED_AFTER, ordering_key
from emulator.core import Fault
from tests.support import make_settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_webhook_mode_stores_then_handles(tmp_path, clock, emulator_server):
    emu = emulator_server.emulator
    port = free_port()
    settings = make_settings(tmp_path / "o.sqlite3", webhook_port=port, webhook_secret="geheim")
    runtime = Runtime(
        settings,
        clock,
        token=emu.token,
        base_url=emulator_server.api_url,
        tick_seconds=None,
        webhook_url=f"http://127.0.0.1:{port}",
    )
    await runtime.start()
    try:
        assert emu.webhook_url.startswith(f"http://127.0.0.1:{port}/telegram/")
        riet = emu.add_user("Riet")
        update = await emu.send_text(riet.id, riet.id, "/start")
        await asyncio.wait_for(runtime.inbox.wait_handled(update["update_id"]), 10)
        assert emu.bot_messages(riet.id)[0]["text"].startswith("Welkom, Riet!")
        assert (await runtime.services.store.inbox_counts()) == {"done": 1}
        # Someone else posting to the webhook without the secret is turned away.
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                emu.webhook_url,
                json={"update_id": 999, "message": {}},
                headers={"X-Telegram-Bot-Api-Secret-Token": "fout"},
            ) as response,
        ):
            assert response.status == 403
        assert (await runtime.services.store.inbox_counts()) == {"done": 1}
    finally:
        await runtime.stop()


async def test_a_redelivered_update_is_handled_once(world):
    riet = world.person("Riet")
    update = await world.emulator.send_text(riet.id, riet.id, "/start")
    await world.handled(update)
    # Telegram sends the same update again (e.g. after a webhook timeout).
    await world.runtime.inbox.accept([update])
    await world.runtime.inbox.wait_idle()
    assert len(world.emulator.bot_messages(riet.id)) == 1


async def test_an_update_that_keeps_crashing_the_bot_is_set_aside(world):
    store = world.store
    update = {"update_id": 10_000, "message": {"bad": True}}
    await store.store_updates([update])
    async with world.runtime.db.write() as tx:
        await tx.execute("UPDATE inbox SET attempts = ? WHERE update_id = 10000", (MAX_ATTEMPTS,))
    await world.runtime.inbox.accept([update])  # delivered again: stored once, then handled
    await world.handled(update)
    assert (await store.inbox_counts()).get("failed") == 1
    assert (
        "bad"
        in (await world.runtime.db.fetchone("SELECT payload FROM inbox WHERE update_id = 10000"))[0]
    )  # kept for the operator to look at


async def test_garbage_update_is_logged_not_fatal(world):
    garbage = {"update_id": 20_000, "callback_query": {"id": "x"}}
    await world.runtime.inbox.accept([garbage])
    await world.handled(garbage)
    assert (await world.store.inbox_counts()).get("failed") == 1
    riet = world.person("Riet")
    [reply] = await world.say(riet, "/start")  # and the bot goes on
    assert reply["text"].startswith("Welkom")


async def test_an_update_set_aside_after_crashes_gets_a_kind_answer(world):
    """An update that took the process down five times is set aside, but the person
    who sent it hears that it did not work instead of a silence."""
    riet = world.person("Riet")
    await world.say(riet, "/start")
    store = world.store
    update = {
        "update_id": 9_000,
        "message": {
            "message_id": 77,
            "date": 0,
            "chat": {"id": riet.id, "type": "private", "first_name": "Riet"},
            "from": {"id": riet.id, "is_bot": False, "first_name": "Riet"},
            "text": "/help",
        },
    }
    await store.store_updates([update])
    for _ in range(MAX_ATTEMPTS):
        await store.note_update_attempt(9_000)
    before = len(world.emulator.bot_messages(riet.id))
    await world.runtime.inbox.accept([update])  # delivered again: stored once, then handled
    await world.handled(update)
    await world.runtime.tick()
    assert world.texts(riet.id)[before:] == [
        "Sorry, er ging iets mis met wat je net stuurde. "
        "Probeer het nog één keer, of tik op /start."
    ]
    assert (await store.inbox_counts()).get("pending", 0) == 0


async def test_a_slow_reply_to_one_person_does_not_hold_up_another(world):
    """Updates of different people are handled side by side; one person's in order."""
    riet, jan = world.person("Riet"), world.person("Jan")
    await world.say(riet, "/start")
    await world.say(jan, "/start")
    release = asyncio.Event()
    world.emulator.inject_fault("sendMessage", Fault("hold", chat_id=riet.id, release=release))
    first = await world.emulator.send_text(riet.id, riet.id, "/help")
    second = await world.emulator.send_text(riet.id, riet.id, "/start")
    # Telegram is slow with Riet's answer; Jan is answered all the same.
    [reply] = await world.say(jan, "/help")
    assert reply["text"].startswith("Wat deze bot doet")
    assert not await world.store.update_handled(first["update_id"])
    assert not await world.store.update_handled(second["update_id"])  # waits its turn
    release.set()
    await world.handled(second)
    riet_texts = world.texts(riet.id)
    assert riet_texts[-2].startswith("Wat deze bot doet")  # her /help first, then /start
    assert riet_texts[-1].startswith("Welkom")


def test_ordering_keys_keep_a_person_and_a_group_in_line():
    private = {"message": {"chat": {"id": 5, "type": "private"}, "from": {"id": 5}}}
    tap = {"callback_query": {"from": {"id": 5}, "message": {"chat": {"id": 5, "type": "private"}}}}
    group = {"message": {"chat": {"id": -9, "type": "group"}, "from": {"id": 5}}}
    group_tap = {
        "callback_query": {"from": {"id": 6}, "message": {"chat": {"id": -9, "type": "group"}}}
    }
    assert ordering_key(private) == ordering_key(tap) == ("user", 5)
    assert ordering_key(group) == ordering_key(group_tap) == ("chat", -9)
    assert ordering_key({"channel_post": {"chat": {"id": -1}}}) == ("other", 0)
    assert ordering_key({"message": "garbage"}) == ("other", 0)


async def test_a_poller_that_fails_unexpectedly_is_started_again(world, monkeypatch):
    """Never deaf while looking alive: an unexpected error ends the poll loop once; it
    is logged and started again, and the update Telegram kept is handled."""
    inbox = world.runtime.inbox
    real_accept, failures = inbox.accept, []

    async def accept_failing_once(updates):
        if not failures:
            failures.append(updates)
            raise RuntimeError("storage hiccup")
        await real_accept(updates)

    monkeypatch.setattr(inbox, "accept", accept_failing_once)
    riet = world.person("Riet")
    [reply] = await world.say(riet, "/start")  # not confirmed the first time: sent again
    assert reply["text"].startswith("Welkom")
    assert failures  # it did fail once


async def test_a_stuck_poller_is_restarted_after_two_long_poll_periods(world):
    """Telegram holds a getUpdates forever (a half-open connection): after two long-poll
    periods without one finishing, the poller is replaced and hears people again."""
    inbox = world.runtime.inbox
    now = [1000.0]
    inbox.monotonic = lambda: now[0]
    inbox.last_poll_done = now[0]
    riet = world.person("Riet")
    await world.say(riet, "/start")  # the poll in flight answers; the next one hangs
    release = asyncio.Event()
    world.emulator.inject_fault("getUpdates", Fault("hold", release=release))
    await world.say(riet, "/help")  # answered by the long poll that was already open
    update = await world.emulator.send_text(riet.id, riet.id, "/taal")
    now[0] += POLL_STALLED_AFTER - 1
    assert inbox.check_alive()  # not yet
    now[0] += 2
    assert not inbox.check_alive()  # stuck: replaced
    await world.handled(update)
    assert world.texts(riet.id)[-1] == "In welke taal wil je het lezen?"
    release.set()
