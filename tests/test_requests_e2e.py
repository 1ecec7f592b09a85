"""Hulpvragen end to end: ask, help, the race, reminders and escalation on a manual clock."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from tests.support import choose_kind


@pytest.fixture
async def circle(world):
    """Zandweerd: Henk (voorzitter), Sandra (superbuur), Riet, Jan and Kees (leden)."""
    people = {name: world.person(name) for name in ("Henk", "Sandra", "Riet", "Jan", "Kees")}
    chat_id = await world.group_with_bot(
        "Zandweerd", people["Henk"], [p for n, p in people.items() if n != "Henk"]
    )
    code = world.join_link_code(chat_id)
    for person in people.values():
        await world.join(person, code)
    circle = await world.store.circle_by_chat(chat_id)
    members = {m.display_name: m for m in await world.store.members(circle.id)}
    async with world.store.db.write() as tx:
        await world.store.set_role(tx, members["Sandra"].id, "superbuur")
    return {"people": people, "chat_id": chat_id, "circle": circle}


async def ask(
    world,
    person,
    kind="🍲 Soep of een maaltijd",
    day="Morgen",
    time="rond 12:00",
    details="graag met wat brood",
    who="De hele kring (in de groep)",
):
    """The summary comes right after the kind; when, a few words and who may see it are
    added on it (the whole circle unless chosen otherwise)."""
    await world.say(person, "🙏 Ik zoek hulp")
    await choose_kind(world, person, kind)
    if day:
        await world.tap(person, "📅 Wanneer?")
        await world.tap(person, day)
        if day != "Maakt niet uit welke dag":
            await world.tap(person, time)
            await world.tap(person, "Eén keer")
    if details == "voice":
        await world.handled(await world.emulator.send_voice(person.id, person.id, b"OggS-riet"))
    elif details is not None:
        await world.say(person, details)
    if who and who != "De hele kring (in de groep)":
        await world.tap(person, who)
    return world.emulator.bot_messages(person.id)[-1]


def post(world, chat_id):
    return world.emulator.bot_messages(chat_id)[-1]


async def test_ask_see_summary_and_post_in_the_group(world, circle):
    p = circle["people"]
    summary = await ask(world, p["Riet"])
    assert summary["text"].startswith(
        "Dit ga ik versturen:\n\nRiet zoekt hulp: soep of een "
        "maaltijd, morgen rond 12:00.\n“graag met wat brood”"
    )
    assert "Het komt in de groep van de kring." in summary["text"]
    await world.tap(p["Riet"], "✅ Versturen")
    assert world.texts(p["Riet"].id)[-1].startswith("Verstuurd! Ik laat het je weten")
    group_post = post(world, circle["chat_id"])
    assert group_post["text"] == (
        "Riet zoekt hulp: soep of een maaltijd, morgen rond 12:00.\n“graag met wat brood”"
    )
    assert [b["text"] for b in world.emulator.buttons(group_post)] == ["🙋 Ik help"]


async def test_one_tap_claims_and_everyone_sees_it(world, circle):
    p = circle["people"]
    await ask(world, p["Riet"])
    await world.tap(p["Riet"], "✅ Versturen")
    group_post = post(world, circle["chat_id"])
    await world.press(
        p["Jan"], group_post, group_post["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    )
    updated = world.emulator.messages[circle["chat_id"]][group_post["message_id"] - 1]
    assert updated["text"].endswith("🙌 Jan helpt.")
    assert "reply_markup" not in updated
    assert world.texts(p["Riet"].id)[-1] == (
        "Goed nieuws: Jan helpt je met soep of een maaltijd, morgen rond 12:00."
    )
    assert world.texts(p["Jan"].id)[-1].startswith("Dank je wel dat je helpt!")


async def test_two_neighbours_tapping_at_once_give_one_helper(world, circle):
    p = circle["people"]
    await ask(world, p["Riet"])
    await world.tap(p["Riet"], "✅ Versturen")
    group_post = post(world, circle["chat_id"])
    data = group_post["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    # Both taps arrive before the bot handles either.
    first = await world.emulator.press_button(
        p["Jan"].id, circle["chat_id"], group_post["message_id"], data
    )
    second = await world.emulator.press_button(
        p["Kees"].id, circle["chat_id"], group_post["message_id"], data
    )
    await world.handled(first)
    await world.handled(second)
    assert world.emulator.callback_answers[-1]["text"] == (
        "Al geregeld: Jan helpt al. Dank je wel voor je aanbod!"
    )
    request_id = int(data.split(":")[1])
    assert (await world.store.help_request(request_id)).status == "claimed"
    # And truly at the same moment, straight at the domain: exactly one wins.
    await ask(world, p["Riet"], kind="🛒 Boodschappen")
    await world.tap(p["Riet"], "✅ Versturen")
    data = post(world, circle["chat_id"])["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    desk = world.runtime.services.helpdesk
    results = await asyncio.gather(
        desk.claim(p["Jan"].id, int(data.split(":")[1])),
        desk.claim(p["Kees"].id, int(data.split(":")[1])),
    )
    assert sorted(r.status for r in results) == ["claimed", "taken"]


async def test_a_voice_request_reaches_the_helper(world, circle):
    """A voice request goes to the superburen and the voorzitter only (the bot cannot
    hear whether it is about money or a PIN): the superbuur who helps gets the voice."""
    p = circle["people"]
    summary = await ask(world, p["Riet"], details="voice", who=None)
    assert "🎤 Met een spraakbericht voor de helper." in summary["text"]
    await world.tap(p["Riet"], "✅ Versturen")
    private_post = world.emulator.bot_messages(p["Sandra"].id)[-1]
    await world.press(
        p["Sandra"],
        private_post,
        private_post["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
    )
    voice = world.emulator.bot_messages(p["Sandra"].id)[-1]
    assert "voice" in voice
    assert world.emulator.files[voice["voice"]["file_id"]][0] == b"OggS-riet"


async def test_a_voice_request_goes_to_the_superburen_and_the_voorzitter_only(world, circle):
    p = circle["people"]
    group_before = len(world.emulator.bot_messages(circle["chat_id"]))
    plain_before = {n: len(world.emulator.bot_messages(p[n].id)) for n in ("Jan", "Kees")}
    # No "who may see it?" choice: the summary says who gets it, by name.
    summary = await ask(world, p["Riet"], details="voice", who=None)
    assert (
        "Een spraakbericht kan ik zelf niet beluisteren. Daarom gaat het alleen naar de "
        "superburen en de voorzitter: Henk, Sandra."
    ) in summary["text"]
    labels = [b["text"] for b in world.emulator.buttons(summary)]
    assert not [label for label in labels if "De hele kring" in label]
    await world.tap(p["Riet"], "✅ Versturen")
    assert world.texts(p["Riet"].id)[-1].startswith("Verstuurd naar Henk, Sandra.")
    for name in ("Sandra", "Henk"):
        post = world.emulator.bot_messages(p[name].id)[-1]
        assert post["text"].startswith("Riet zoekt hulp: soep of een maaltijd, morgen")
        assert "🎤 Met een spraakbericht voor de helper." in post["text"]
        assert [b["text"] for b in world.emulator.buttons(post)] == ["🙋 Ik help"]
    assert len(world.emulator.bot_messages(circle["chat_id"])) == group_before
    for name, before in plain_before.items():
        assert len(world.emulator.bot_messages(p[name].id)) == before
    request_id = int(
        world.emulator.bot_messages(p["Sandra"].id)[-1]["reply_markup"]["inline_keyboard"][0][0][
            "callback_data"
        ].split(":")[1]
    )
    assert (await world.store.help_request(request_id)).visibility == "coordinators"
    # Nor does a plain member get it later, not from the list and not with a forged button.
    [reply] = await world.say(p["Jan"], "/helpen")
    assert reply["text"] == "Op dit moment vraagt niemand om hulp. Fijn!"
    await world.press(
        p["Jan"], world.emulator.bot_messages(p["Jan"].id)[-1], f"hv:{request_id}:claim", forge=True
    )
    assert world.last_alert() == "Dit kan (nu) niet voor jou."
    assert not any("voice" in m for m in world.emulator.bot_messages(p["Jan"].id))
    # Whatever audience a caller asks for, a voice request is for the coordinators.
    desk = world.runtime.services.helpdesk
    riet = await world.store.member_of(circle["circle"].id, p["Riet"].id)
    result = await desk.create(
        circle_id=circle["circle"].id,
        member=riet,
        asked_by=p["Riet"].id,
        kind="groceries",
        day=None,
        at_minutes=None,
        details=None,
        voice_file_id="a-voice",
        visibility="circle",
    )
    await world.runtime.tick()  # the outbox sends what was queued
    assert result.request.visibility == "coordinators"
    assert sorted(m.display_name for m in result.seen_by) == ["Henk", "Sandra"]
    assert len(world.emulator.bot_messages(circle["chat_id"])) == group_before


async def test_a_voice_request_without_superburen_goes_to_the_voorzitter(world):
    henk, riet, jan = world.person("Henk"), world.person("Riet"), world.person("Jan")
    chat_id = await world.circle("Zandweerd", henk, [riet, jan])
    group_before = len(world.emulator.bot_messages(chat_id))
    jan_before = len(world.emulator.bot_messages(jan.id))
    await world.say(riet, "🙏 Ik zoek hulp")
    await world.tap(riet, "🔧 Een klusje")
    await world.handled(await world.emulator.send_voice(riet.id, riet.id, b"OggS-riet"))
    await world.tap(riet, "2 personen")
    assert (
        "Een spraakbericht kan ik zelf niet beluisteren. Daarom gaat het alleen naar de "
        "voorzitter: Henk."
    ) in world.texts(riet.id)[-1]
    await world.tap(riet, "✅ Versturen")
    assert world.texts(riet.id)[-1].startswith("Verstuurd naar Henk.")
    assert world.texts(henk.id)[-1].startswith("Riet zoekt hulp: een klusje")
    assert len(world.emulator.bot_messages(chat_id)) == group_before
    assert len(world.emulator.bot_messages(jan.id)) == jan_before


async def test_a_voice_request_with_nobody_to_hear_it_is_said_so(world):
    """Henk is the only voorzitter and there are no superburen: nobody could hear it."""
    henk, riet = world.person("Henk"), world.person("Riet")
    chat_id = await world.circle("Zandweerd", henk, [riet])
    group_before = len(world.emulator.bot_messages(chat_id))
    await world.say(henk, "🙏 Ik zoek hulp")
    await world.tap(henk, "🛒 Boodschappen")
    await world.handled(await world.emulator.send_voice(henk.id, henk.id, b"OggS-henk"))
    assert "Dus niemand zou het krijgen." in world.texts(henk.id)[-1]
    await world.tap(henk, "✅ Versturen")
    assert world.texts(henk.id)[-1].startswith("Bewaard, maar nog niemand anders kan het horen.")
    assert len(world.emulator.bot_messages(chat_id)) == group_before


async def test_nobody_volunteers_superburen_then_voorzitter_asker_told(world, circle):
    p = circle["people"]
    await ask(world, p["Riet"], day="Morgen")
    await world.tap(p["Riet"], "✅ Versturen")
    world.clock.advance(hours=3, minutes=59)
    await world.runtime.tick()
    assert not world.texts(p["Sandra"].id)[-1].startswith("Nog niemand heeft aangeboden")
    world.clock.advance(minutes=1)
    await world.runtime.tick()
    assert world.texts(p["Sandra"].id)[-1].startswith(
        "Nog niemand heeft aangeboden Riet te helpen: soep of een maaltijd"
    )
    assert world.texts(p["Riet"].id)[-1].startswith(
        "Er heeft nog niemand gereageerd op je vraag. Ik heb de superburen gevraagd"
    )
    world.clock.advance(hours=4)
    await world.runtime.tick()
    assert world.texts(p["Henk"].id)[-1].startswith("Nog steeds niemand om Riet te helpen")
    assert world.texts(p["Riet"].id)[-1].startswith(
        "Er is nog niemand gevonden. Ik heb ook de voorzitter gevraagd."
    )
    # Henk helps from his private message.
    await world.tap(p["Henk"], "🙋 Ik help")
    assert world.texts(p["Riet"].id)[-1].startswith("Goed nieuws: Henk helpt je")


async def test_today_is_nudged_sooner(world, circle):
    p = circle["people"]
    await ask(world, p["Riet"], day="Vandaag", time="rond 17:00")
    await world.tap(p["Riet"], "✅ Versturen")
    world.clock.advance(hours=1)
    await world.runtime.tick()
    assert world.texts(p["Sandra"].id)[-1].startswith("Nog niemand heeft aangeboden")


async def test_reminders_follow_up_done_and_thanks(world, circle):
    p = circle["people"]
    await ask(world, p["Riet"], day="Morgen", time="rond 12:00")
    await world.tap(p["Riet"], "✅ Versturen")
    group_post = post(world, circle["chat_id"])
    await world.press(
        p["Jan"], group_post, group_post["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    )
    tz = world.runtime.services.i18n.timezone
    world.clock.set(dt.datetime(2026, 11, 24, 19, 0, tzinfo=tz))
    await world.runtime.tick()
    assert world.texts(p["Jan"].id)[-1].startswith("Een herinnering: je helpt Riet met soep")
    world.clock.set(dt.datetime(2026, 11, 25, 11, 0, tzinfo=tz))
    await world.runtime.tick()
    assert world.texts(p["Jan"].id)[-1].startswith("Een herinnering")
    world.clock.set(dt.datetime(2026, 11, 25, 14, 0, tzinfo=tz))
    await world.runtime.tick()
    assert world.texts(p["Riet"].id)[-1].startswith("Is het gelukt: soep of een maaltijd")
    await world.tap(p["Riet"], "✅ Gedaan")
    assert world.texts(p["Jan"].id)[-1] == ("Riet zegt: gelukt, heel erg bedankt voor je hulp! 🙏")
    final = world.emulator.messages[circle["chat_id"]][group_post["message_id"] - 1]
    assert final["text"].endswith("✅ Gedaan. Dank je wel, Jan!")
    # Jan helped Riet before: next time he is asked personally too.
    await ask(world, p["Riet"], kind="🛒 Boodschappen")
    await world.tap(p["Riet"], "✅ Versturen")
    assert world.texts(p["Jan"].id)[-1].startswith("Je hielp Riet eerder al. Wil je weer helpen?")


async def test_hand_back_reopens_and_tells_the_superburen(world, circle):
    p = circle["people"]
    await ask(world, p["Riet"])
    await world.tap(p["Riet"], "✅ Versturen")
    group_post = post(world, circle["chat_id"])
    await world.press(
        p["Jan"], group_post, group_post["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    )
    await world.tap(p["Jan"], "😕 Het lukt me toch niet")
    assert world.texts(p["Riet"].id)[-1].startswith("Jan kan toch niet. Ik zoek iemand anders")
    assert world.texts(p["Sandra"].id)[-1].startswith("Jan kan Riet toch niet helpen")
    reopened = world.emulator.messages[circle["chat_id"]][group_post["message_id"] - 1]
    assert [b["text"] for b in world.emulator.buttons(reopened)] == ["🙋 Ik help"]
    await world.tap(p["Sandra"], "🙋 Ik help")
    assert world.texts(p["Riet"].id)[-1].startswith("Goed nieuws: Sandra helpt je")


async def test_cancelled_after_claim_tells_the_helper(world, circle):
    p = circle["people"]
    await ask(world, p["Riet"])
    await world.tap(p["Riet"], "✅ Versturen")
    group_post = post(world, circle["chat_id"])
    await world.press(
        p["Jan"], group_post, group_post["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    )
    await world.say(p["Riet"], "/taken")
    await world.tap(p["Riet"], "Deze vraag intrekken")
    assert world.texts(p["Jan"].id)[-1].startswith("Riet heeft geen hulp meer nodig met soep")
    final = world.emulator.messages[circle["chat_id"]][group_post["message_id"] - 1]
    assert final["text"].endswith("Niet meer nodig.")


async def test_forged_and_stale_buttons_change_nothing(world, circle):
    p = circle["people"]
    await ask(world, p["Riet"])
    await world.tap(p["Riet"], "✅ Versturen")
    group_post = post(world, circle["chat_id"])
    request_id = int(
        group_post["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[1]
    )
    # Riet cannot claim her own request; Kees cannot mark Jan's task done or hand it back.
    await world.press(p["Riet"], group_post, f"hv:{request_id}:claim")
    assert world.last_alert() == "Dit kan (nu) niet voor jou."
    await world.press(p["Jan"], group_post, f"hv:{request_id}:claim")
    for forged in (
        f"hv:{request_id}:done",
        f"hv:{request_id}:back",
        f"hv:{request_id}:cancel",
        "hv:99999:claim",
        "hv:abc:claim",
    ):
        await world.press(p["Kees"], group_post, forged, forge=True)
        assert world.emulator.callback_answers[-1]["text"] in (
            "Dit kan (nu) niet voor jou.",
            "Deze knop werkt niet meer.",
        )
    request = await world.store.help_request(request_id)
    assert request.status == "claimed"
    helper = await world.store.member(request.helper_member_id)
    assert helper.display_name == "Jan"
    # An old wizard button after the request was sent does nothing.
    first_question = next(
        m
        for m in world.emulator.bot_messages(p["Riet"].id)
        if m["text"].startswith("Waar wil je hulp bij?")
    )
    await world.press(p["Riet"], first_question, "hq:kind:meal", forge=True)
    assert world.last_alert() == "Deze knop werkt niet meer."


async def test_wizard_survives_a_restart(world, circle):
    p = circle["people"]
    await world.say(p["Riet"], "🙏 Ik zoek hulp")
    await world.tap(p["Riet"], "🛒 Boodschappen")
    await world.tap(p["Riet"], "📅 Wanneer?")
    await world.tap(p["Riet"], "Morgen")
    await world.restart()
    await world.tap(p["Riet"], "rond 10:00")
    await world.tap(p["Riet"], "Eén keer")
    await world.say(p["Riet"], "melk en brood")
    await world.tap(p["Riet"], "Alleen de superburen en de voorzitter")
    await world.tap(p["Riet"], "✅ Versturen")
    # Only the superbuur and the voorzitter get it, privately; nothing in the group.
    assert world.texts(p["Sandra"].id)[-1] == (
        "Riet zoekt hulp: boodschappen, morgen rond 10:00.\n“melk en brood”"
    )
    assert world.texts(p["Henk"].id)[-1] == world.texts(p["Sandra"].id)[-1]
    assert not any("melk" in t for t in world.texts(circle["chat_id"]))
    assert not any("melk" in t for t in world.texts(p["Jan"].id))
    # A plain member cannot claim a coordinators-only request even with forged data.
    request_id = int(
        world.emulator.bot_messages(p["Sandra"].id)[-1]["reply_markup"]["inline_keyboard"][0][0][
            "callback_data"
        ].split(":")[1]
    )
    await world.say(p["Jan"], "/help")
    await world.press(
        p["Jan"], world.emulator.bot_messages(p["Jan"].id)[-1], f"hv:{request_id}:claim", forge=True
    )
    assert world.last_alert() == "Dit kan (nu) niet voor jou."


async def test_a_chat_goes_privately_to_a_superbuur(world, circle):
    p = circle["people"]
    await world.say(p["Riet"], "🙏 Ik zoek hulp")
    await choose_kind(world, p["Riet"], "💬 Graag even een praatje")
    await world.say(p["Riet"], "ik voel me wat alleen")
    confirm = world.emulator.bot_messages(p["Riet"].id)[-1]
    assert "Een superbuur krijgt je bericht privé." in confirm["text"]
    await world.tap(p["Riet"], "✅ Versturen")
    assert world.texts(p["Sandra"].id)[-1].startswith("Riet zoekt hulp: een praatje")
    assert not any("alleen" in t for t in world.texts(circle["chat_id"]))
    [reply] = await world.say(p["Jan"], "/helpen")
    assert reply["text"] == "Op dit moment vraagt niemand om hulp. Fijn!"


async def test_helpen_lists_open_requests_and_taken_lists_mine(world, circle):
    p = circle["people"]
    await ask(world, p["Riet"])
    await world.tap(p["Riet"], "✅ Versturen")
    replies = await world.say(p["Jan"], "🤝 Ik help")
    assert replies[0]["text"] == "Deze buren zoeken wat hulp:"
    assert replies[1]["text"].startswith("Riet zoekt hulp: soep of een maaltijd")
    await world.tap(p["Jan"], "🙋 Ik help")
    [task] = await world.say(p["Jan"], "/taken")
    assert task["text"].startswith("Je helpt:\nRiet zoekt hulp")
    [mine] = await world.say(p["Riet"], "/taken")
    assert mine["text"].endswith("Iemand helpt.")
    [empty] = await world.say(p["Kees"], "/taken")
    assert empty["text"] == "Je hebt geen open taken of vragen."


async def test_group_post_that_cannot_be_delivered_goes_to_coordinators(world, circle):
    p = circle["people"]
    # The bot was removed from the group without us noticing.
    world.emulator.chats[circle["chat_id"]].bot_status = "kicked"
    await ask(world, p["Riet"])
    await world.tap(p["Riet"], "✅ Versturen")
    await world.runtime.tick()
    assert world.texts(p["Sandra"].id)[-1].startswith("Riet zoekt hulp: soep")
    assert world.texts(p["Henk"].id)[-1].startswith("Riet zoekt hulp: soep")


async def test_a_superbuur_asks_on_behalf_of_someone_without_a_phone(world, circle):
    p = circle["people"]
    async with world.store.db.write() as tx:
        await world.store.add_member(
            tx,
            circle["circle"].id,
            None,
            "Mevrouw de Vries",
            "lid",
            consented=True,
            added_by=p["Sandra"].id,
        )
    await world.say(p["Sandra"], "🙏 Ik zoek hulp")
    await world.tap(p["Sandra"], "👤 Voor iemand anders")
    await world.tap(p["Sandra"], "Mevrouw de Vries 📵")
    await choose_kind(world, p["Sandra"], "💊 Medicijnen ophalen")
    await world.tap(p["Sandra"], "📅 Wanneer?")
    await world.tap(p["Sandra"], "Morgen")
    await world.tap(p["Sandra"], "rond 10:00")
    await world.tap(p["Sandra"], "Eén keer")
    await world.tap(p["Sandra"], "✅ Versturen")
    group_post = post(world, circle["chat_id"])
    assert group_post["text"] == (
        "Mevrouw de Vries zoekt hulp: medicijnen ophalen, morgen rond "
        "10:00.\nGevraagd door Sandra, voor diegene."
    )
    await world.press(
        p["Jan"], group_post, group_post["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    )
    # The news goes to the one who asked on her behalf, and says for whom (not "je").
    assert world.texts(p["Sandra"].id)[-1].startswith(
        "Goed nieuws: Jan helpt Mevrouw de Vries met medicijnen ophalen"
    )
    [task] = await world.say(p["Sandra"], "/taken")
    assert "Mevrouw de Vries zoekt hulp" in task["text"]
    # A plain member is not offered "for someone else": only for themselves.
    [question] = await world.say(p["Riet"], "🙏 Ik zoek hulp")
    assert question["text"].startswith("Waar wil je hulp bij?")
    assert "👤 Voor iemand anders" not in [b["text"] for b in world.emulator.buttons(question)]


async def test_an_activity_with_i_am_coming_and_a_reminder(world, circle):
    p = circle["people"]
    await world.say(p["Sandra"], "/activiteit")
    await world.tap(p["Sandra"], "🍲 Soepmoment")
    await world.tap(p["Sandra"], "donderdag 26 november")
    await world.tap(p["Sandra"], "12:00")
    await world.say(p["Sandra"], "de buurtkamer")
    assert world.texts(p["Sandra"].id)[-1].startswith("Aangekondigd in de groep.")
    announcement = post(world, circle["chat_id"])
    assert announcement["text"] == (
        "🍲 Soepmoment: donderdag 26 november om 12:00.\n📍 de buurtkamer"
    )
    assert [b["text"] for b in world.emulator.buttons(announcement)] == [
        "✅ Ik kom",
        "Deze keer niet",
    ]
    for name in ("Riet", "Jan"):
        await world.press(
            p[name],
            announcement,
            announcement["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
        )
    await world.press(
        p["Kees"],
        announcement,
        announcement["reply_markup"]["inline_keyboard"][0][1]["callback_data"],
    )
    updated = world.emulator.messages[circle["chat_id"]][announcement["message_id"] - 1]
    assert updated["text"].endswith("Er komen: 2 (Jan, Riet)")
    # Jan changes his mind: the count follows.
    await world.press(
        p["Jan"], updated, updated["reply_markup"]["inline_keyboard"][0][1]["callback_data"]
    )
    updated = world.emulator.messages[circle["chat_id"]][announcement["message_id"] - 1]
    assert updated["text"].endswith("Er komen: 1 (Riet)")
    tz = world.runtime.services.i18n.timezone
    world.clock.set(dt.datetime(2026, 11, 25, 19, 0, tzinfo=tz))
    await world.runtime.tick()
    assert world.texts(p["Riet"].id)[-1].startswith("Een herinnering: morgen 🍲 Soepmoment")
    assert not world.texts(p["Jan"].id)[-1].startswith("Een herinnering")
    # Someone outside the circle cannot sign up, even with the button's data.
    stranger = world.person("Onbekend")
    await world.say(stranger, "/start")
    await world.press(
        stranger,
        world.emulator.bot_messages(stranger.id)[-1],
        announcement["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
        forge=True,
    )
    assert world.last_alert().startswith("Doe eerst mee met de kring")


async def test_standing_offer_is_asked_first_and_a_break_is_respected(world, circle):
    p = circle["people"]
    [screen] = await world.say(p["Kees"], "/aanbod")
    assert "Nog niets." in screen["text"]
    await world.tap(p["Kees"], "➕ Iets aanbieden")
    await world.tap(p["Kees"], "🚗 Vervoer of een lift")
    await world.tap(p["Kees"], "woensdag")
    assert "• 🚗 Vervoer of een lift (woensdag)" in world.texts(p["Kees"].id)[-1]
    # A lift on Wednesday 25 November: Kees hears it personally.
    await ask(world, p["Riet"], kind="🚗 Vervoer of een lift", day="Morgen")
    await world.tap(p["Riet"], "✅ Versturen")
    assert world.texts(p["Kees"].id)[-1].startswith(
        "Je bood aan hierbij te helpen. Riet zoekt hulp: vervoer of een lift, morgen"
    )
    # Sandra (superbuur) takes a break: she is not nudged while it lasts.
    await world.say(p["Sandra"], "/aanbod")
    await world.tap(p["Sandra"], "⏸ Ik kan even niets terugdoen")
    await world.tap(p["Sandra"], "2 weken")
    assert "Je hebt pauze tot en met dinsdag 8 december" in world.texts(p["Sandra"].id)[-1]
    before = len(world.texts(p["Sandra"].id))
    world.clock.advance(hours=4)
    await world.runtime.tick()
    assert len(world.texts(p["Sandra"].id)) == before
    # Someone else's offers cannot be touched.
    kees = await world.store.member_of(circle["circle"].id, p["Kees"].id)
    await world.press(
        p["Jan"], world.emulator.bot_messages(p["Sandra"].id)[-1], f"of:wake:{kees.id}", forge=True
    )
    assert world.last_alert() == "Dit kan (nu) niet voor jou."


async def test_a_weekly_request_over_three_weeks_with_claims_per_occurrence(world, circle):
    p = circle["people"]
    await world.say(p["Riet"], "🙏 Ik zoek hulp")
    await world.tap(p["Riet"], "🍲 Soep of een maaltijd")
    await world.tap(p["Riet"], "📅 Wanneer?")
    await world.tap(p["Riet"], "maandag 30 november")
    await world.tap(p["Riet"], "rond 12:00")
    await world.tap(p["Riet"], "Elke week op maandag")
    await world.tap(p["Riet"], "✅ Versturen")
    tz = world.runtime.services.i18n.timezone
    helpers = ["Jan", "Kees", "Jan"]
    for week, helper in enumerate(helpers):
        day = dt.date(2026, 11, 30) + dt.timedelta(weeks=week)
        group_post = post(world, circle["chat_id"])
        assert group_post["text"].startswith("Riet zoekt hulp: soep of een maaltijd, ")
        assert (
            world.runtime.services.i18n.for_language("nl").date(day) in group_post["text"]
            or "morgen" in group_post["text"]
            or "vandaag" in group_post["text"]
        )
        await world.press(
            p[helper],
            group_post,
            group_post["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
        )
        # The day after: the next week's occurrence is posted, unclaimed.
        world.clock.set(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(9, 0), tzinfo=tz))
        await world.runtime.tick()
    requests = [await world.store.help_request(n) for n in range(1, 5)]
    assert [r.day for r in requests] == [
        dt.date(2026, 11, 30) + dt.timedelta(weeks=n) for n in range(4)
    ]
    assert [r.status for r in requests] == ["claimed", "claimed", "claimed", "open"]
    # Cancelling stops the series.
    await world.say(p["Riet"], "/taken")
    for _ in range(4):
        if not any(
            b["text"] == "Deze vraag intrekken"
            for m in world.emulator.bot_messages(p["Riet"].id)[-4:]
            for b in world.emulator.buttons(m)
        ):
            break
        await world.tap(p["Riet"], "Deze vraag intrekken")
    world.clock.advance(weeks=2)
    await world.runtime.tick()
    assert await world.store.help_request(6) is None


async def test_a_job_that_needs_several_hands(world, circle):
    p = circle["people"]
    summary = await ask(world, p["Riet"], kind="🔧 Een klusje", details="de tuin omspitten")
    # How many hands: a choice on the summary itself, ticked in place.
    assert [b["text"] for b in world.emulator.buttons(summary)][2:5] == [
        "✓ 1 persoon",
        "2 personen",
        "3 personen",
    ]
    await world.tap(p["Riet"], "2 personen")
    summary = world.emulator.bot_messages(p["Riet"].id)[-1]
    assert "✓ 2 personen" in [b["text"] for b in world.emulator.buttons(summary)]
    await world.tap(p["Riet"], "✅ Versturen")
    group_post = post(world, circle["chat_id"])
    data = group_post["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await world.press(p["Jan"], group_post, data)
    updated = world.emulator.messages[circle["chat_id"]][group_post["message_id"] - 1]
    assert updated["text"].endswith("🙌 Helpen mee: Jan (1 van de 2).")
    assert [b["text"] for b in world.emulator.buttons(updated)] == ["🙋 Ik help"]  # still open
    await world.press(p["Jan"], updated, data)
    assert world.last_alert() == "Je helpt hier al mee. Dank je wel!"
    await world.press(p["Kees"], updated, data)
    updated = world.emulator.messages[circle["chat_id"]][group_post["message_id"] - 1]
    assert updated["text"].endswith("🙌 Helpen mee: Jan, Kees (2 van de 2).")
    assert world.emulator.buttons(updated) == []  # complete
    await world.press(p["Sandra"], updated, data, forge=True)
    assert world.last_alert().startswith("Al geregeld")
    # Kees steps back: open again for one more; Jan still helps.
    await world.tap(p["Kees"], "😕 Het lukt me toch niet")
    updated = world.emulator.messages[circle["chat_id"]][group_post["message_id"] - 1]
    assert updated["text"].endswith("🙌 Helpen mee: Jan (1 van de 2).")
    await world.press(p["Sandra"], updated, data)
    # Done by the asker: both helpers are thanked.
    await world.say(p["Riet"], "/taken")
    await world.tap(p["Riet"], "✅ Gedaan")
    for name in ("Jan", "Sandra"):
        assert world.texts(p[name].id)[-1] == (
            "Riet zegt: gelukt, heel erg bedankt voor je hulp! 🙏"
        )
