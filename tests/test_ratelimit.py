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
