"""Bad input: thousands of odd updates, and the bot answers kindly or ignores, never crashes,
and its database stays consistent."""

from __future__ import annotations

import asyncio
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.core import chat_member_json

TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet="‏‎שלום مرحبا 👋🏽🧓🏻\u0000\u200b\ufeff", max_size=50),
    st.sampled_from(
        [
            "/start",
            "/start c_",
            "/start c_" + "x" * 80,
            "/start p_../../etc",
            "/cirkel",
            "/waakvlam",
            "/zorgen",
            "/hulpvraag",
            "/overzicht",
            "/vergeetmij",
            "/taken",
            "/helpen",
            "/help@OtherBot",
            "/",
            "//",
            "",
        ]
    ),
)
CALLBACK_DATA = st.one_of(
    st.text(max_size=64),
    st.sampled_from(
        [
            "wv:1:ok",
            "wv:-1:ok",
            "wn:99999999999999999999:ok",
            "hv:1:claim",
            "cm:r:1:voorzitter",
            "wz:1:on",
            "zs:1:close",
            "ob:name:first",
            "taal:xx",
            "k:cirkel:1",
            "chair:1",
            "forget:yes",
            "ov:csv:1",
            "hq:kind:meal",
        ]
    ),
)
NAMES = st.one_of(st.text(min_size=1, max_size=64), st.sampled_from(["<b>x</b>", "‮Riet", "🧓"]))
CHATS = st.sampled_from(
    [
        ("private", 1),
        ("group", -4000001),
        ("supergroup", -1001234567890),
        ("channel", -1009999999999),
    ]
)


@st.composite
def updates(draw):
    kind = draw(
        st.sampled_from(
            [
                "message",
                "edited_message",
                "callback_query",
                "sticker",
                "channel_post",
                "voice",
                "my_chat_member",
                "contact",
            ]
        )
    )
    user_id = draw(st.integers(min_value=1, max_value=5))
    user = {"id": user_id, "is_bot": False, "first_name": draw(NAMES)}
    if draw(st.booleans()):
        user["language_code"] = draw(st.sampled_from(["nl", "en", "ar", "he", "x-klingon"]))
    if draw(st.booleans()):
        user["username"] = "u" + str(user_id)
    chat_type, chat_id = draw(CHATS)
    chat = (
        {"id": user_id, "type": "private", "first_name": user["first_name"]}
        if chat_type == "private"
        else {"id": chat_id, "type": chat_type, "title": "T"}
    )
    message = {
        "message_id": draw(st.integers(1, 10**6)),
        "date": 1_790_000_000,
        "chat": chat,
        "from": user,
    }
    if kind in ("message", "edited_message", "channel_post"):
        text = draw(TEXT)
        message["text"] = text
        if text.startswith("/"):
            message["entities"] = [
                {
                    "type": "bot_command",
                    "offset": 0,
                    "length": len(text.split()[0]) if text.split() else 1,
                }
            ]
        if kind == "channel_post":
            message.pop("from")
        return {kind: message}
    if kind == "sticker":
        message["sticker"] = {
            "file_id": "s",
            "file_unique_id": "s",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
        return {"message": message}
    if kind == "voice":
        message["voice"] = {"file_id": "v", "file_unique_id": "v", "duration": 1}
        return {"message": message}
    if kind == "contact":
        message["contact"] = {
            "phone_number": draw(st.text(max_size=20)),
            "first_name": "x",
            "user_id": draw(st.integers(1, 9)),
        }
        return {"message": message}
    if kind == "my_chat_member":
        status = draw(st.sampled_from(["member", "left", "kicked", "administrator"]))
        # The emulator's own shape of a chat member, not a copy of it.
        member = chat_member_json(
            status, {"id": 7_000_000_001, "is_bot": True, "first_name": "Omkijkbot"}
        )
        return {
            "my_chat_member": {
                "chat": chat,
                "from": user,
                "date": 1_790_000_000,
                "old_chat_member": {"status": "left", "user": member["user"]},
                "new_chat_member": member,
            }
        }
    query = {
        "id": str(draw(st.integers(1, 10**9))),
        "from": user,
        "chat_instance": "1",
        "data": draw(CALLBACK_DATA),
    }
    if draw(st.booleans()):
        query["message"] = {
            **message,
            "from": {"id": 7_000_000_001, "is_bot": True, "first_name": "Omkijkbot"},
            "text": "x",
        }
    return {"callback_query": query}


async def test_odd_updates_never_crash_the_bot(world):
    # Real people for ids 1 to 5, so answers can be delivered where Telegram would allow.
    for user_id in range(1, 6):
        person = world.emulator.add_user(f"P{user_id}", user_id=user_id)
        person.started_bot = True
    group = world.emulator.add_group("T", [1, 2, 3], admins=[1])
    world.emulator.chats[group.id].bot_status = "member"
    counter = itertools.count(1_000_000)
    inbox = world.runtime.inbox

    @settings(
        max_examples=120, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    @given(batch=st.lists(updates(), min_size=1, max_size=5))
    def run(batch):
        raw = [{"update_id": next(counter), **update} for update in batch]
        pending.append(raw)

    pending: list[list[dict]] = []
    run()  # hypothesis draws the batches; we feed them to the real bot below
    for raw in pending:
        await inbox.accept(raw)
        for update in raw:
            await asyncio.wait_for(inbox.wait_handled(update["update_id"]), 30)
    assert sum(len(raw) for raw in pending) >= 120
    # No handler raised: every odd update got a kind answer or was ignored on purpose.
    assert [
        row[0]
        for row in await world.runtime.db.fetchall(
            "SELECT error FROM inbox WHERE status = 'failed'"
        )
    ] == []
    # Nothing is stuck, and the database is consistent.
    assert (await world.store.inbox_counts()).get("pending", 0) == 0
    async with world.runtime.db.read() as conn:
        assert await conn.fetchvalue("PRAGMA integrity_check") == "ok"
        assert await conn.fetchall("PRAGMA foreign_key_check") == []
    # And the bot still answers a person normally afterwards.
    riet = world.person("Riet")
    [reply] = await world.say(riet, "/start")
    assert reply["text"].startswith("Welkom, Riet!")


async def test_a_private_command_without_a_sender_is_ignored(world):
    """Found by this fuzz test: /zorgen in a private chat with no "from" crashed."""
    update = {
        "update_id": 55_000,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 42, "type": "private", "first_name": "X"},
            "text": "/zorgen",
            "entities": [{"type": "bot_command", "offset": 0, "length": 7}],
        },
    }
    await world.runtime.inbox.accept([update])
    await world.handled(update)
    assert (await world.store.inbox_counts()) == {"done": 1}
    assert world.emulator.bot_messages(42) == []


async def test_a_reply_into_a_chat_that_is_gone_is_not_an_error(world):
    """Found by this fuzz test: /start from a group Telegram no longer knows."""
    update = {
        "update_id": 55_001,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": -777, "type": "group", "title": "Weg"},
            "from": {"id": 43, "is_bot": False, "first_name": "Y"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    await world.runtime.inbox.accept([update])
    await world.handled(update)
    assert (await world.store.inbox_counts()) == {"done": 1}
