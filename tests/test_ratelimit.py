"""The limiter keeps Telegram's pace and lets urgent messages overtake routine ones."""

from __future__ import annotations

import asyncio

from bot.ratelimit import PriorityRateLimiter
from core.priority import Priority


class Recorder:
    """A limiter whose calls write down their name, in the order they went out."""

    def __init__(self) -> None:
        self.limiter = PriorityRateLimiter(overall_per_second=200)
        self.order: list[str] = []

    async def _call(self, name: str) -> bool:
        self.order.append(name)
        return True

    def call(self, name, endpoint, data, rate_limit_args=None) -> asyncio.Task:
        return asyncio.create_task(
            self.limiter.process_request(self._call, (name,), {}, endpoint, data, rate_limit_args)
        )

    async def queued_sends(self, count: int, rate_limit_args=None) -> list[asyncio.Task]:
        sends = [
            self.call(f"send {i}", "sendMessage", {"chat_id": 1000 + i}, rate_limit_args)
            for i in range(count)
        ]
        await asyncio.sleep(0)  # let them queue
        return sends


async def test_an_alert_overtakes_queued_routine_messages():
    recorder = Recorder()
    limiter, order = recorder.limiter, recorder.order
    routine = await recorder.queued_sends(20, {"priority": Priority.ROUTINE})
    alert = recorder.call("alert", "sendMessage", {"chat_id": 5}, {"priority": Priority.ALERT})
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
    recorder = Recorder()
    limiter, order = recorder.limiter, recorder.order
    sends = await recorder.queued_sends(20)
    edit = recorder.call("edit", "editMessageText", {"chat_id": 5, "message_id": 1})
    answer = recorder.call("answer", "answerCallbackQuery", {"callback_query_id": "1"})
    await asyncio.gather(*sends, edit, answer)
    assert order.index("edit") < 3 and order.index("answer") < 3
    await limiter.shutdown()
