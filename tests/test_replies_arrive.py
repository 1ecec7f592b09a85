"""Every reply to a person arrives, even when Telegram hiccups: 429s beyond the first
retry, 502s, dropped connections and answers lost on the way back (a timeout), on a
third of the bot's sends, edits and button answers. A reply is at least once: a lost
answer is tried again, so a duplicate is possible and is counted, never a loss."""

from __future__ import annotations

import random

from bot import ratelimit
from emulator.faults import FaultRate

REPLIES = frozenset({"sendMessage", "editMessageText", "answerCallbackQuery"})


async def test_every_reply_arrives_through_a_third_of_calls_failing(world, monkeypatch):
    monkeypatch.setattr(ratelimit, "BACKOFF_SECONDS", 0.001)
    riet = world.person("Riet")
    await world.say(riet, "/start")
    [baseline] = await world.say(riet, "/help")
    world.emulator.fault_rate = faults = FaultRate(1 / 3, REPLIES, rng=random.Random(20261124))

    helps = [await world.say(riet, "/help") for _ in range(50)]
    missing = [
        i for i, sent in enumerate(helps) if baseline["text"] not in [m["text"] for m in sent]
    ]
    assert not missing, f"/help answers lost: {missing}"
    duplicates = sum(len(sent) - 1 for sent in helps)

    for n in range(20):
        language = "en" if n % 2 == 0 else "nl"
        asked = await world.say(riet, "/taal")
        duplicates += len(asked) - 1
        question, asked_text = asked[-1], asked[-1]["text"]
        answers = len(world.emulator.callback_answers)
        sent = await world.press(riet, question, f"taal:{language}")
        edited = next(
            m for m in world.emulator.messages[riet.id] if m["message_id"] == question["message_id"]
        )
        assert "reply_markup" not in edited and edited["text"] != asked_text, n
        assert (await world.store.user(riet.id)).language == language
        assert sent and "_keyboard" in sent[-1], f"press {n}: the menu after it is lost"
        answered = len(world.emulator.callback_answers) - answers
        assert answered >= 1, f"press {n}: the tap was never answered"
        duplicates += len(sent) - 1 + answered - 1
    assert sum(faults.injected.values()) > 30, faults.injected  # the faults were real
    print(f"faults injected: {faults.injected}; duplicates seen: {duplicates}")
