"""The group is a way in, never a wall (issue 17, point 2): a command typed in the group
gets a short answer with a button to the private chat, and someone who has not joined
yet hears how to join when they tap a circle's button, instead of a bare refusal."""

from __future__ import annotations

import aiohttp
import pytest

REFUSAL = "Dit kan (nu) niet voor jou."
JOIN_FIRST_ALERT = "Doe eerst even mee! Ik heb je een privébericht gestuurd met de knop."


@pytest.fixture
async def circle(world):
    """Zandweerd: Henk (voorzitter) and Riet joined; Piet and Els are in the Telegram
    group but have not joined the circle (Els once wrote to the bot, Piet never did)."""
    people = {name: world.person(name) for name in ("Henk", "Riet", "Piet", "Els")}
    chat_id = await world.group_with_bot(
        "Zandweerd", people["Henk"], [people["Riet"], people["Piet"], people["Els"]]
    )
    code = world.join_link_code(chat_id)
    for name in ("Henk", "Riet"):
        await world.join(people[name], code)
    await world.say(people["Els"], "/start")
    return {"people": people, "chat_id": chat_id, "code": code}


def buttons(world, message):
    return world.emulator.buttons(message)


async def test_a_member_typing_hulpvraag_in_the_group_goes_on_in_private(world, circle):
    p, chat_id = circle["people"], circle["chat_id"]
    [reply] = await world.say(p["Riet"], "/hulpvraag", chat_id=chat_id)
    assert reply["text"].startswith("Graag! We gaan verder in een privégesprek")
    [button] = buttons(world, reply)
    assert button["text"] == "💬 Naar het privégesprek"
    assert button["url"] == f"https://t.me/{world.emulator.bot_username}?start=hulpvraag"
    # The link opens the private chat on the question itself: no menu to find.
    [question] = await world.say(p["Riet"], "/start hulpvraag")
    assert question["text"].startswith("Waar wil je hulp bij?")


async def test_help_in_the_group_is_a_short_answer_with_the_way_in(world, circle):
    p, chat_id = circle["people"], circle["chat_id"]
    [reply] = await world.say(p["Henk"], "/help@" + world.emulator.bot_username, chat_id=chat_id)
    assert buttons(world, reply)[0]["url"].endswith("?start=help")
    [answer] = await world.say(p["Henk"], "/start help")
    assert answer["text"].startswith("Wat deze bot doet, in het kort:")
    # Someone who has not joined gets the join link instead, for any private command.
    for command in ("/help", "/hulpvraag", "/zorgen", "/taken"):
        [reply] = await world.say(p["Piet"], command, chat_id=chat_id)
        assert reply["text"].startswith("Leuk dat je mee wilt doen! Doe eerst mee met de kring.")
        [button] = buttons(world, reply)
        assert button["text"] == "👋 Doe mee"
        assert button["url"].endswith("?start=" + circle["code"])
    # Nothing of it in the private chats.
    assert world.texts(p["Piet"].id) == []


async def test_a_newcomer_tapping_ik_help_hears_how_to_join(world, circle):
    p, chat_id = circle["people"], circle["chat_id"]
    post = await world.ask_for_groceries(p["Riet"], chat_id)
    claim = buttons(world, post)[0]["callback_data"]
    request_id = int(claim.split(":")[1])
    group_before = len(world.emulator.bot_messages(chat_id))

    # Els wrote to the bot before: a private message with the join button, and an alert.
    await world.press(p["Els"], post, claim)
    assert world.last_alert() == JOIN_FIRST_ALERT
    assert world.emulator.callback_answers[-1]["show_alert"] is True
    message = world.emulator.bot_messages(p["Els"].id)[-1]
    assert message["text"] == (
        "Doe eerst even mee met Zandweerd: tik op de knop hieronder. Daarna kun je meehelpen."
    )
    assert buttons(world, message)[0]["url"].endswith("?start=" + circle["code"])

    # Piet never wrote to the bot, so it cannot write to him: Telegram opens the private
    # chat on the join link for him (answerCallbackQuery's url).
    await world.press(p["Piet"], post, claim)
    answer = world.emulator.callback_answers[-1]
    assert answer["url"] == f"https://t.me/{world.emulator.bot_username}?start={circle['code']}"
    assert world.texts(p["Piet"].id) == []

    # Nobody claimed anything, and the group heard nothing of it.
    assert (await world.store.help_request(request_id)).status == "open"
    assert len(world.emulator.bot_messages(chat_id)) == group_before
    assert REFUSAL not in [a.get("text") for a in world.emulator.callback_answers]

    # Piet follows the link, joins, and "Ik help" works for him now.
    await world.join(p["Piet"], circle["code"])
    await world.press(p["Piet"], post, claim)
    assert (await world.store.help_request(request_id)).status == "claimed"


async def test_a_newcomer_tapping_ik_kom_hears_how_to_join(world, circle):
    p, chat_id = circle["people"], circle["chat_id"]
    await world.say(p["Henk"], "/activiteit")
    await world.tap(p["Henk"], "🍲 Soepmoment")
    await world.tap(p["Henk"], "donderdag 26 november")
    await world.tap(p["Henk"], "12:00")
    await world.tap(p["Henk"], "Overslaan")
    announcement = world.emulator.bot_messages(chat_id)[-1]
    await world.press(p["Els"], announcement, buttons(world, announcement)[0]["callback_data"])
    assert world.last_alert() == JOIN_FIRST_ALERT
    assert world.texts(p["Els"].id)[-1].startswith("Doe eerst even mee met Zandweerd")
    updated = world.emulator.messages[chat_id][announcement["message_id"] - 1]
    assert "Er komen" not in updated["text"]


async def test_a_forged_tap_outside_the_group_is_still_refused(world, circle):
    """The join link is given only where the circle's own join button is public anyway:
    a made-up "Ik help" pressed in a private chat gets the plain refusal."""
    p, chat_id = circle["people"], circle["chat_id"]
    post = await world.ask_for_groceries(p["Riet"], chat_id)
    claim = buttons(world, post)[0]["callback_data"]
    [screen] = await world.say(p["Els"], "/help")
    await world.press(p["Els"], screen, claim, forge=True)
    assert world.last_alert() == REFUSAL
    assert world.texts(p["Els"].id)[-1] == screen["text"]


async def test_the_practice_page_opens_the_join_link_it_is_answered_with(world, circle):
    """On the practice page (as in a Telegram app) a tap answered with a link opens it."""
    p, chat_id = circle["people"], circle["chat_id"]
    post = await world.ask_for_groceries(p["Riet"], chat_id)
    base = world.server.base_url
    async with aiohttp.ClientSession() as http:
        body = {
            "user_id": p["Piet"].id,
            "chat_id": chat_id,
            "message_id": post["message_id"],
            "data": buttons(world, post)[0]["callback_data"],
        }
        async with http.post(f"{base}/emu/api/press", json=body) as response:
            assert response.status == 200
        await world.emulator.wait_for(lambda: world.emulator.callback_answers[-1].get("url"), 10)
        url = f"{base}/emu/api/chat?chat={chat_id}&viewer={p['Piet'].id}"
        async with http.get(url) as response:
            view = await response.json()
    [answer] = view["toasts"]
    assert answer["url"].endswith("?start=" + circle["code"])
