"""AVG rights end to end: see everything the bot keeps, and delete it all."""

from __future__ import annotations

import json

from domain.waakvlam import CheckinSettings


async def _member_of_circle(world):
    henk, riet = world.person("Henk"), world.person("Riet")
    chat_id = await world.group_with_bot("Zandweerd", henk, [riet])
    code = world.join_link_code(chat_id)
    await world.join(henk, code)
    await world.join(riet, code, share_phone=True, enjoys="kaarten & koken")
    return henk, riet, chat_id


async def test_my_data_sends_a_readable_file_and_the_full_data(world):
    _henk, riet, _chat = await _member_of_circle(world)
    replies = await world.say(riet, "/mijngegevens")
    assert replies[0]["text"].startswith("Hier is alles wat Omkijkbot over jou bewaart")
    text_file, data_file = replies[1]["document"], replies[2]["document"]
    readable = world.emulator.files[text_file["file_id"]][0].decode()
    assert "Alles wat Omkijkbot over jou bewaart" in readable
    assert "Kring: Zandweerd, als Riet (lid)" in readable
    assert "Telefoonnummer: +31612345678" in readable
    assert "Waar je plezier in hebt: kaarten & koken" in readable  # plain text, not &amp;
    data = json.loads(world.emulator.files[data_file["file_id"]][0])
    assert data["person"]["first_name"] == "Riet"
    assert data["circles"][0]["circle"] == "Zandweerd"
    assert any(
        m["payload"].get("message", {}).get("text") == "/mijngegevens"
        for m in data["messages_you_sent_recently"]
    )


async def test_forget_me_deletes_everything_after_confirmation(world):
    _henk, riet, chat_id = await _member_of_circle(world)
    circle = await world.store.circle_by_chat(chat_id)
    member = await world.store.member_of(circle.id, riet.id)
    await world.runtime.services.waakvlam.apply_settings(
        CheckinSettings(member_id=member.id, enabled=True)
    )
    [question] = await world.say(riet, "/vergeetmij")
    assert question["text"].startswith("Wil je dat we alles over jou wissen?")
    await world.tap(riet, "Nee, bewaar het")
    assert await world.store.user(riet.id) is not None
    await world.say(riet, "/vergeetmij")
    await world.tap(riet, "Ja, wis alles")
    assert world.texts(riet.id)[-2].startswith("Alles over jou is gewist.")
    assert await world.store.user(riet.id) is None
    assert await world.store.member_of(circle.id, riet.id) is None
    data = await world.store.everything_about(riet.id)
    assert data["person"] is None and data["circles"] == []
    assert data["messages_you_sent_recently"] == [] and data["check_in_settings"] == []
    # Her check-in is gone from the schedule with her: nothing fires for her.
    world.clock.advance(hours=2)
    await world.runtime.tick()
    assert not any(t.startswith("Goedemorgen Riet") for t in world.texts(riet.id))
    # The circle goes on.
    assert {m.display_name for m in await world.store.members(circle.id)} == {"Henk"}


async def test_the_last_voorzitter_forgetting_hands_over_the_chair(world):
    henk, riet, _chat_id = await _member_of_circle(world)
    await world.say(henk, "/vergeetmij")
    await world.tap(henk, "Ja, wis alles")
    assert world.texts(riet.id)[-1].startswith("Zandweerd heeft geen voorzitter meer.")


async def test_the_consent_screen_opens_the_privacy_statement(world):
    henk, riet = world.person("Henk"), world.person("Riet")
    chat_id = await world.group_with_bot("Zandweerd", henk, [riet])
    code = world.join_link_code(chat_id)
    await world.join(henk, code)
    await world.say(riet, f"/start {code}")
    await world.tap(riet, "Riet")
    await world.tap(riet, "Nederlands")
    statement, question = await world.tap(riet, "🔒 Lees de privacyverklaring")
    # The statement is PRIVACY.md itself, the Dutch part.
    assert statement["text"].startswith("Wat bewaart de bot?")
    assert "• Inhoud van afgeronde hulpvragen: 90 dagen." in statement["text"]
    assert "English" not in statement["text"]
    # Then the same question, to decide with the statement read.
    assert question["text"].endswith("Doe je mee?")
    [next_question] = await world.tap(riet, "✅ Ja, ik doe mee")
    assert "professional" in next_question["text"]


async def test_an_old_yes_delete_button_cannot_delete_later(world):
    _henk, riet, chat_id = await _member_of_circle(world)
    [question] = await world.say(riet, "/vergeetmij")
    old_yes = world.emulator.buttons(question)[0]["callback_data"]
    await world.press(riet, question, world.emulator.buttons(question)[1]["callback_data"])
    # Pressed again later (a replay, or the old message scrolled back to): refused.
    await world.press(riet, question, old_yes, forge=True)
    assert world.last_alert() == "Deze knop werkt niet meer."
    circle = await world.store.circle_by_chat(chat_id)
    assert await world.store.member_of(circle.id, riet.id) is not None
