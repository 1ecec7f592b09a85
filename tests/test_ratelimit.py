"""The limiter keeps Telegram's pace and lets urgent messages overtake routine ones."""

from __future__ import annotations

import asyncio

from bot.ratelimit import Priority, PriorityRateLimiter


async def test_an_alert_overtakes_queued_routine_messages():
    limiter = PriorityRateLimiter(overall_per_second=200)
    order: list[str] = []

    async def send(name):
        order.append(name)
        return True

    routine = [
        asyncio.create_task(
            limiter.process_request(
                send,
                (f"check-in {i}",),
                {},
                "sendMessage",
                {"chat_id": 1000 + i},
                {"priority": Priority.ROUTINE},
            )
        )
        for i in range(20)
    ]
    await asyncio.sleep(0)  # let them queue
    alert = asyncio.create_task(
        limiter.process_request(
            send, ("alert",), {}, "sendMessage", {"chat_id": 5}, {"priority": Priority.ALERT}
        )
    )
    await asyncio.gather(*routine, alert)
    assert order.index("alert") < 3  # not behind the 20 routine ones
    await limiter.shutdown()


async def test_requests_without_a_chat_are_not_paced():
    limiter = PriorityRateLimiter(overall_per_second=1)

    async def call():
        return {"ok": True}

    results = await asyncio.gather(
        *[limiter.process_request(call, (), {}, "getMe", {}, None) for _ in range(50)]
    )
    assert len(results) == 50
    await limiter.shutdown()


async def test_edits_and_button_answers_do_not_wait_for_a_send_slot():
    """Telegram counts messages sent; an edit or a button answer behind a queue of
    sends would only make a person wait for the answer to their own tap."""
    limiter = PriorityRateLimiter(overall_per_second=200)
    order: list[str] = []

    async def call(name):
        order.append(name)
        return True

    sends = [
        asyncio.create_task(
            limiter.process_request(
                call, (f"send {i}",), {}, "sendMessage", {"chat_id": 1000 + i}, None
            )
        )
        for i in range(20)
    ]
    await asyncio.sleep(0)  # let them queue
    edit = asyncio.create_task(
        limiter.process_request(
            call, ("edit",), {}, "editMessageText", {"chat_id": 5, "message_id": 1}, None
        )
    )
    answer = asyncio.create_task(
        limiter.process_request(
            call, ("answer",), {}, "answerCallbackQuery", {"callback_query_id": "1"}, None
        )
    )
    await asyncio.gather(*sends, edit, answer)
    assert order.index("edit") < 3 and order.index("answer") < 3
    await limiter.shutdown()
