"""Durable timers fire once when due; the outbox delivers through Telegram's faults."""

from __future__ import annotations

import asyncio
import datetime as dt

from telegram.ext import ExtBot

from bot.ratelimit import PriorityRateLimiter
from bot.transport import AiohttpRequest
from emulator import Fault
from scheduling.builtin import HOUSEKEEPING, NOTICE


async def _started(world, name="Riet", language="nl"):
    person = world.person(name, language_code=language)
    await world.say(person, "/start")
    return person


async def test_a_timer_fires_once_when_due_in_the_persons_language(world):
    riet = await _started(world)
    anna = await _started(world, "Anna", "en")
    for person in (riet, anna):
        await world.store.schedule(
            NOTICE,
            world.clock.now() + dt.timedelta(hours=1),
            {"user_id": person.id, "message": "Here is your menu."},
        )
    before = {p.id: len(world.emulator.bot_messages(p.id)) for p in (riet, anna)}
    assert await world.runtime.tick() == (0, 0)  # not yet due
    world.clock.advance(minutes=59)
    assert await world.runtime.tick() == (0, 0)
    world.clock.advance(minutes=1)
    assert await world.runtime.tick() == (2, 2)
    assert await world.runtime.tick() == (0, 0)  # never twice
    assert world.emulator.bot_messages(riet.id)[before[riet.id] :][0]["text"] == "Hier is je menu."
    assert (
        world.emulator.bot_messages(anna.id)[before[anna.id] :][0]["text"] == "Here is your menu."
    )


async def test_timers_fire_in_due_order_and_late_ones_still_fire(world):
    riet = await _started(world)
    now = world.clock.now()
    for minutes, word in ((30, "Here is your menu."), (10, "This button no longer works.")):
        await world.store.schedule(
            NOTICE, now + dt.timedelta(minutes=minutes), {"user_id": riet.id, "message": word}
        )
    world.clock.advance(days=3)  # the bot was "down" for days: both still fire, in order
    start = len(world.emulator.bot_messages(riet.id))
    await world.runtime.tick()
    texts = [m["text"] for m in world.emulator.bot_messages(riet.id)[start:]]
    assert texts == ["Deze knop werkt niet meer.", "Hier is je menu."]


async def test_a_failing_timer_is_recorded_and_does_not_block_others(world):
    riet = await _started(world)

    async def broken(run):
        await run.store.enqueue_message(run.tx, riet.id, "half done")
        raise ValueError("broken handler")

    world.runtime.services.scheduler.register("broken", broken)
    now = world.clock.now()
    await world.store.schedule("broken", now)
    await world.store.schedule(NOTICE, now, {"user_id": riet.id, "message": "Here is your menu."})
    await world.runtime.tick()
    rows = {kind: status for _, kind, _, status in await world.store.timers()}
    assert rows["broken"] == "failed" and rows[NOTICE] == "done"
    texts = [m["text"] for m in world.emulator.bot_messages(riet.id)]
    assert "half done" not in texts  # the failed handler's message was rolled back
    assert texts[-1] == "Hier is je menu."


async def test_housekeeping_is_scheduled_nightly_and_reschedules_itself(world):
    pending = [t for t in await world.store.timers("pending") if t[1] == HOUSEKEEPING]
    assert len(pending) == 1
    world.clock.advance(days=1)
    await world.runtime.tick()
    # It ran (the next night's is there) and, as it forgets fired timers, it leaves no
    # row of its own.
    [(_id, _kind, due, status)] = [t for t in await world.store.timers() if t[1] == HOUSEKEEPING]
    assert status == "pending" and due > pending[0][2]


async def test_outbox_waits_out_a_429_and_delivers_later(world):
    riet = await _started(world)
    world.emulator.inject_fault("sendMessage", Fault("429", count=5, retry_after=30))
    await world.store.schedule(
        NOTICE, world.clock.now(), {"user_id": riet.id, "message": "Here is your menu."}
    )
    fired, sent = await world.runtime.tick()
    assert (fired, sent) == (1, 0)
    [row] = [r for r in await world.store.outbox_rows()]
    assert row["status"] == "pending" and "429" in (await _error(world, row["id"]))
    world.clock.advance(seconds=31)
    world.emulator.faults.clear()
    assert await world.runtime.tick() == (0, 1)
    assert (await world.store.outbox_rows())[0]["status"] == "sent"


async def test_outbox_survives_gateway_errors_and_dropped_connections(world):
    riet = await _started(world)
    world.emulator.inject_fault("sendMessage", Fault("5xx"))
    await world.store.schedule(
        NOTICE, world.clock.now(), {"user_id": riet.id, "message": "Here is your menu."}
    )
    assert await world.runtime.tick() == (1, 0)
    world.emulator.inject_fault("sendMessage", Fault("disconnect"))
    world.clock.advance(minutes=1)
    assert await world.runtime.tick() == (0, 0)
    world.clock.advance(minutes=1)
    assert await world.runtime.tick() == (0, 1)
    assert [r["status"] for r in await world.store.outbox_rows()] == ["sent"]
    assert world.emulator.bot_messages(riet.id)[-1]["text"] == "Hier is je menu."


async def test_a_blocked_person_is_marked_unreachable_and_others_are_told(world):
    riet = await _started(world)
    await world.handled(await world.emulator.block_bot(riet.id))
    told = []

    async def escalate(run, message):
        told.append((message.chat_id, await _error(world, message.id)))

    world.runtime.services.scheduler.on_bounce(escalate)
    await world.store.schedule(
        NOTICE, world.clock.now(), {"user_id": riet.id, "message": "Here is your menu."}
    )
    await world.runtime.tick()
    assert told == [(riet.id, "Forbidden: bot was blocked by the user")]
    assert (await world.store.outbox_rows())[0]["status"] == "unreachable"
    assert (await world.store.user(riet.id)).reachable is False


async def _error(world, outbox_id):
    return (await world.runtime.db.fetchone("SELECT error FROM outbox WHERE id = ?", (outbox_id,)))[
        0
    ]


async def test_a_send_that_times_out_is_sent_again_not_lost(world):
    """Telegram does not answer in time: the message may or may not have arrived, so
    it stays in the outbox and goes again (a second copy beats a lost alert)."""
    riet = await _started(world)
    release = asyncio.Event()
    world.emulator.inject_fault("sendMessage", Fault("hold", release=release))
    impatient = ExtBot(
        world.emulator.token,
        base_url=world.server.api_url,
        request=AiohttpRequest(read_timeout=0.2),  # a network timeout, in real time
        rate_limiter=PriorityRateLimiter(),
    )
    async with impatient:
        async with world.store.db.write() as tx:
            await world.store.enqueue_message(tx, riet.id, "Riet heeft niet gereageerd.")
        assert await world.runtime.services.outbox.flush(impatient) == 0  # timed out
        [row] = await world.store.outbox_rows()
        assert row["status"] == "pending" and row["attempts"] == 1
        release.set()  # Telegram finishes the first one after all
        world.clock.advance(minutes=1)
        assert await world.runtime.services.outbox.flush(impatient) == 1
    [row] = await world.store.outbox_rows()
    assert row["status"] == "sent"
    texts = [m["text"] for m in world.emulator.bot_messages(riet.id)]
    assert 1 <= texts.count("Riet heeft niet gereageerd.") <= 2


async def test_a_chat_telegram_no_longer_knows_is_unreachable_as_a_block_is(world):
    """The same judgement as the error handler's: a group that is gone is no bug,
    and whoever must act hears that the message cannot arrive."""
    told = []

    async def escalate(run, message):
        told.append((message.chat_id, await _error(world, message.id)))

    world.runtime.services.scheduler.on_bounce(escalate)
    async with world.store.db.write() as tx:
        await world.store.enqueue_message(tx, -777, "Nieuwe hulpvraag")
    assert await world.runtime.services.outbox.flush(world.runtime.application.bot) == 0
    await world.runtime.tick()  # the bounce is handled from the schedule, durably
    assert told == [(-777, "Chat not found")]
    assert (await world.store.outbox_rows())[0]["status"] == "unreachable"


async def test_a_message_sent_meanwhile_is_not_sent_again(world):
    """A handler's deliver read its list before the sender loop sent one of them: that
    one is not sent twice (and a late failure of the second try cannot mark it bounced)."""
    riet = await _started(world)
    async with world.store.db.write() as tx:
        message_id = await world.store.enqueue_message(tx, riet.id, "Alles goed?")
    outbox = world.runtime.services.outbox
    stale = await world.store.messages_by_id([message_id])  # what deliver read
    assert await outbox.flush(world.runtime.application.bot) == 1
    real = world.store.messages_by_id

    async def as_read_before(ids):
        return stale

    world.store.messages_by_id = as_read_before
    try:
        assert await outbox.deliver(world.runtime.application.bot, [message_id]) == 0
    finally:
        world.store.messages_by_id = real
    assert world.texts(riet.id).count("Alles goed?") == 1
    await world.store.message_undeliverable(
        message_id, error="late", chat_gone=True, bounce_kind="outbox.bounced"
    )
    assert (await world.store.outbox_rows())[0]["status"] == "sent"
    assert (await world.store.user(riet.id)).reachable
