"""Requests about money, a PIN or a bank card are not posted; the asker and voorzitter know."""

from __future__ import annotations

import pytest

from domain.safeguards import asks_for_money


@pytest.mark.parametrize(
    "text",
    [
        "kun je voor me pinnen?",
        "mijn pincode is 1234",
        "wil je mijn bankpas meenemen",
        "kan ik 50 euro lenen",
        "graag € 20 voor de boodschappen",
        "maak het over naar NL91 ABNA 0417 1643 00",
        "stuur een tikkie",
        "I need money",
        "geld nodig",
    ],
)
def test_money_is_recognised(text):
    assert asks_for_money(text)


@pytest.mark.parametrize(
    "text",
    [
        "soep brengen",
        "boodschappen: melk en brood",
        "een lift naar het ziekenhuis om 10:00",
        "Wijkteam: 0570 123 456",
        "even een praatje",
        "de tuin omspitten",
        None,
        "",
    ],
)
def test_ordinary_requests_pass(text):
    assert not asks_for_money(text)


async def test_a_money_request_is_not_posted_and_the_voorzitter_is_told(world):
    henk, riet, jan = world.person("Henk"), world.person("Riet"), world.person("Jan")
    chat_id = await world.group_with_bot("Zandweerd", henk, [riet, jan])
    code = world.join_link_code(chat_id)
    for person in (henk, riet, jan):
        await world.join(person, code)
    posts_before = len(world.emulator.bot_messages(chat_id))
    await world.say(riet, "🙏 Ik zoek hulp")
    await world.tap(riet, "➕ Iets anders…")
    await world.tap(riet, "✏️ Iets anders")
    [reply] = await world.say(riet, "kan iemand mij 100 euro lenen, ik geef mijn pinpas mee")
    assert reply["text"].startswith(
        "Vragen over geld, een pincode of een bankpas zet de bot niet door."
    )
    assert world.texts(henk.id)[-1].startswith(
        "Riet vroeg iets over geld, een pincode of een bankpas."
    )
    assert "100 euro" not in world.texts(henk.id)[-1]  # the voorzitter is told, not shown
    assert len(world.emulator.bot_messages(chat_id)) == posts_before
    assert await world.store.draft(riet.id) is None
    [help_text] = await world.say(jan, "/help")
    assert "🔒 Deel nooit je pincode of bankpas, ook niet met buren." in help_text["text"]
