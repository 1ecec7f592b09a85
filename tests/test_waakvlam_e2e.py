"""The waakvlam end to end: moving a manual clock, never sleeping."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from domain.waakvlam import CheckinSettings

CHECKIN = "Goedemorgen Riet, alles goed?"
ASK_AGAIN = "Ik vroeg het eerder al: gaat alles goed, Riet?"
NEIGHBOURS = "Riet heeft vandaag nog niet gereageerd op “Alles goed?” (10:00)."
CHAIR = "Niemand heeft Riet (Zandweerd) vandaag kunnen bereiken."


@pytest.fixture
async def circle(world):
    """Zandweerd: Henk (voorzitter), Sandra (superbuur), Riet (lid), Fatima (professional)."""
    people = {name: world.person(name) for name in ("Henk", "Sandra", "Riet", "Jan", "Fatima")}
    chat_id = await world.group_with_bot(
        "Zandweerd", people["Henk"], [people["Sandra"], people["Riet"], people["Jan"]]
    )
    code = world.join_link_code(chat_id)
    for name in ("Henk", "Sandra", "Riet", "Jan"):
        await world.join(people[name], code)
    circle = await world.store.circle_by_chat(chat_id)
    members = {m.display_name: m for m in await world.store.members(circle.id)}
    await world.store.remember_user(people["Fatima"].id, "Fatima", "nl", reachable=True)
    async with world.store.db.write() as tx:
        await world.store.set_role(tx, members["Sandra"].id, "superbuur")
        await world.store.add_member(
            tx, circle.id, people["Fatima"].id, "Fatima", "professional", consented=True
        )
    world.emulator.users[people["Fatima"].id].started_bot = True
    members = {m.display_name: m for m in await world.store.members(circle.id)}
    return {"people": people, "members": members, "circle": circle, "chat_id": chat_id}


async def switch_on(world, member, **changes):
    settings = dataclasses.replace(CheckinSettings(member_id=member.id, enabled=True), **changes)
    return await world.runtime.services.waakvlam.apply_settings(settings)


async def at(world, hour, minute=0, day=None):
    """Move the clock to a local time on the test day (Tuesday 24 November) and tick."""
    tz = world.runtime.services.i18n.timezone
    base = day or dt.date(2026, 11, 24)
    world.clock.set(dt.datetime.combine(base, dt.time(hour, minute), tzinfo=tz))
    return await world.runtime.tick()


def last(world, person):
    messages = world.emulator.bot_messages(person.id)
    return messages[-1]["text"] if messages else ""


def texts(world, person):
    return world.texts(person.id)


async def test_a_full_silent_ladder_reaches_the_professional(world, circle):
    p, m = circle["people"], circle["members"]
    due = await switch_on(world, m["Riet"], professional_ok=True)
    assert due == dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)  # 10:00 in Amsterdam
    await at(world, 9, 59)
    assert CHECKIN not in last(world, p["Riet"])
    await at(world, 10, 0)
    assert last(world, p["Riet"]).startswith(CHECKIN)
    buttons = [
        b["text"] for b in world.emulator.buttons(world.emulator.bot_messages(p["Riet"].id)[-1])
    ]
    assert buttons == [
        "👍 Alles goed",
        "☕ Graag even contact",
        "😟 Het gaat niet zo goed",
        "🙂 Laat me maar even",
    ]
    await at(world, 10, 59)
    assert not last(world, p["Riet"]).startswith(ASK_AGAIN)
    await at(world, 11, 0)
    assert last(world, p["Riet"]).startswith(ASK_AGAIN)
    await at(world, 12, 0)
    # Sandra is the superbuur: she is asked; Jan (a plain member) is not.
    assert last(world, p["Sandra"]).startswith(NEIGHBOURS)
    assert "Bij nood: bel 112." in last(world, p["Sandra"])
    assert not last(world, p["Jan"]).startswith(NEIGHBOURS)
    assert not last(world, p["Henk"]).startswith(CHAIR)
    await at(world, 13, 59)
    assert not last(world, p["Henk"]).startswith(CHAIR)
    await at(world, 14, 0)
    assert last(world, p["Henk"]).startswith(CHAIR)
    assert last(world, p["Fatima"]).startswith(CHAIR)
    # Alerts went out as urgent messages, and nothing is sent twice.
    count = len(world.emulator.bot_messages(p["Henk"].id))
    await at(world, 18, 0)
    assert len(world.emulator.bot_messages(p["Henk"].id)) == count
    # Henk had contact: the round closes for everyone.
    await world.tap(p["Henk"], "✅ Ik heb contact gehad, alles goed")
    assert last(world, p["Sandra"]) == (
        "Henk heeft contact gehad met Riet: alles is goed. Dank jullie wel!"
    )
    assert last(world, p["Fatima"]) == last(world, p["Sandra"])


async def test_without_consent_the_professional_is_not_alerted(world, circle):
    p, m = circle["people"], circle["members"]
    await switch_on(world, m["Riet"], professional_ok=False)
    for hour in (10, 11, 12, 14):
        await at(world, hour)
    assert last(world, p["Henk"]).startswith(CHAIR)
    assert not any(t.startswith(CHAIR) for t in texts(world, p["Fatima"]))


async def test_all_well_closes_the_round_and_nothing_follows(world, circle):
    p, m = circle["people"], circle["members"]
    await switch_on(world, m["Riet"])
    await at(world, 10)
    # The answer edits the question itself: no second message (issue 17, point 5).
    assert await world.tap(p["Riet"], "👍 Alles goed") == []
    checkin = world.emulator.bot_messages(p["Riet"].id)[-1]
    assert checkin["text"].startswith(CHECKIN)
    assert checkin["text"].endswith("✅ Alles goed — fijn om te horen!")
    assert world.emulator.buttons(checkin) == []
    for hour in (11, 12, 14, 18):
        await at(world, hour)
    assert not any(
        t.startswith((ASK_AGAIN, NEIGHBOURS, CHAIR))
        for person in p.values()
        for t in texts(world, person)
    )
    [round_] = await world.store.rounds_of(m["Riet"].id)
    assert round_.answer == "ok" and not round_.open


async def test_any_message_is_a_sign_of_life(world, circle):
    p, m = circle["people"], circle["members"]
    await switch_on(world, m["Riet"])
    await at(world, 10)
    await at(world, 11)  # asked again
    await world.say(p["Riet"], "ik was even boodschappen doen")
    await at(world, 12)
    assert not last(world, p["Sandra"]).startswith(NEIGHBOURS)
    [round_] = await world.store.rounds_of(m["Riet"].id)
    assert round_.answer == "message"
    # An old button afterwards is answered kindly (to her, not about her) and changes nothing.
    await world.tap(p["Riet"], "👍 Alles goed")
    assert world.last_alert() == "Je hebt al gereageerd. Dank je wel!"


async def test_a_neighbour_confirms_before_the_chair_is_needed(world, circle):
    p, m = circle["people"], circle["members"]
    await switch_on(world, m["Riet"], contacts=(m["Jan"].id, m["Sandra"].id))
    for hour in (10, 11, 12):
        await at(world, hour)
    assert last(world, p["Jan"]).startswith(NEIGHBOURS)
    assert last(world, p["Sandra"]).startswith(NEIGHBOURS)
    await world.tap(p["Jan"], "🚶 Ik ga even kijken / bellen")
    assert last(world, p["Sandra"]) == "Jan gaat even kijken bij Riet."
    await world.tap(p["Jan"], "✅ Ik heb contact gehad, alles goed")
    assert last(world, p["Jan"]) == (
        "Dank je wel! Ik laat de anderen weten dat het goed is met Riet."
    )
    assert last(world, p["Sandra"]) == (
        "Jan heeft contact gehad met Riet: alles is goed. Dank jullie wel!"
    )
    await world.tap(p["Sandra"], "✅ Ik heb contact gehad, alles goed")
    assert world.last_alert() == "Al geregeld: met Riet is alles goed. Dank je wel!"
    await at(world, 14)
    assert not any(t.startswith(CHAIR) for t in texts(world, p["Henk"]))


async def test_late_answer_after_neighbours_tells_them(world, circle):
    p, m = circle["people"], circle["members"]
    await switch_on(world, m["Riet"])
    for hour in (10, 11, 12):
        await at(world, hour)
    await world.tap(p["Riet"], "👍 Alles goed")
    assert last(world, p["Sandra"]) == (
        "Goed nieuws: Riet heeft gereageerd. Alles is goed. Dank je wel!"
    )


async def test_not_so_good_and_some_contact_reach_the_neighbours(world, circle):
    p, m = circle["people"], circle["members"]
    await switch_on(world, m["Riet"])
    await at(world, 10)
    await world.tap(p["Riet"], "😟 Het gaat niet zo goed")
    assert last(world, p["Riet"]).startswith("Wat vervelend. Ik heb Sandra gevraagd")
    assert "Bij nood: bel 112." in last(world, p["Riet"])
    assert last(world, p["Sandra"]) == (
        "Riet gaf aan dat het vandaag niet zo goed gaat. Wil je snel even contact opnemen?"
    )
    # She is offered to ask for help, one tap away.
    await world.tap(p["Riet"], "🙏 Hulp vragen")
    assert last(world, p["Riet"]).startswith("Waar wil je hulp bij?")
    await world.tap(p["Riet"], "✖ Stoppen")
    await at(world, 10, day=dt.date(2026, 11, 25))
    await world.tap(p["Riet"], "☕ Graag even contact")
    assert last(world, p["Riet"]) == "Ik heb Sandra laten weten dat je graag even contact hebt."
    assert last(world, p["Sandra"]).startswith("Riet zou het fijn vinden om even contact te hebben")


async def test_someone_elses_check_in_button_is_refused(world, circle):
    p, m = circle["people"], circle["members"]
    await switch_on(world, m["Riet"])
    await at(world, 10)
    checkin = world.emulator.bot_messages(p["Riet"].id)[-1]
    round_id = checkin["reply_markup"]["inline_keyboard"][0][0]["callback_data"].split(":")[1]
    # Jan forges Riet's "all well" and a neighbour confirmation he was never asked for.
    await world.say(p["Jan"], "/help")
    message = world.emulator.bot_messages(p["Jan"].id)[-1]
    await world.press(p["Jan"], message, f"wv:{round_id}:ok", forge=True)
    assert world.last_alert() == "Dit kan (nu) niet voor jou."
    await world.press(p["Jan"], message, f"wn:{round_id}:ok", forge=True)
    assert world.last_alert() == "Dit kan (nu) niet voor jou."
    [round_] = await world.store.rounds_of(m["Riet"].id)
    assert round_.open


async def test_a_restart_in_the_middle_continues_the_ladder(world, circle):
    p, m = circle["people"], circle["members"]
    await switch_on(world, m["Riet"])
    await at(world, 10)
    await at(world, 11)
    await world.restart()
    await at(world, 12)
    assert last(world, p["Sandra"]).startswith(NEIGHBOURS)
    await at(world, 14)
    assert last(world, p["Henk"]).startswith(CHAIR)
    assert sum(t.startswith(ASK_AGAIN) for t in texts(world, p["Riet"])) == 1


async def test_downtime_across_two_steps_fires_each_once_at_start(world, circle):
    p, m = circle["people"], circle["members"]
    await switch_on(world, m["Riet"])
    await at(world, 10)
    # The bot is down from 10:01 to 12:30: asking again and the neighbours both fell due.
    await at(world, 12, 30)
    assert sum(t.startswith(ASK_AGAIN) for t in texts(world, p["Riet"])) == 1
    assert sum(t.startswith(NEIGHBOURS) for t in texts(world, p["Sandra"])) == 1
    # Down again until 15:00: the chair step (due 14:00) fires once, now.
    await at(world, 15)
    assert sum(t.startswith(CHAIR) for t in texts(world, p["Henk"])) == 1
    await at(world, 16)
    assert sum(t.startswith(CHAIR) for t in texts(world, p["Henk"])) == 1


async def test_pause_for_a_holiday_and_its_end(world, circle):
    p, m = circle["people"], circle["members"]
    await switch_on(world, m["Riet"])
    [screen] = await world.say(p["Riet"], "🕯️ Mijn “Alles goed?”")
    assert "Staat: aan." in screen["text"]
    assert "Volgende keer: dinsdag 24 november om 10:00." in screen["text"]
    await world.tap(p["Riet"], "🧳 Op vakantie")
    await world.tap(p["Riet"], "1 week")
    assert last(world, p["Sandra"]) == (
        "Riet heeft het dagelijkse “Alles goed?” gepauzeerd: op "
        "vakantie tot en met dinsdag 1 december."
    )
    screen = world.emulator.bot_messages(p["Riet"].id)[-1]
    assert "Staat: gepauzeerd tot en met dinsdag 1 december." in screen["text"]
    for day in range(24, 31):
        await at(world, 10, day=dt.date(2026, 11, day))
        await at(world, 15, day=dt.date(2026, 11, day))
    await at(world, 10, day=dt.date(2026, 12, 1))
    assert not any(
        t.startswith((CHECKIN, NEIGHBOURS))
        for t in texts(world, p["Riet"]) + texts(world, p["Sandra"])
    )
    await at(world, 10, day=dt.date(2026, 12, 2))
    assert last(world, p["Riet"]).startswith(CHECKIN)


async def test_superbuur_pauses_for_a_hospital_stay_and_it_is_switched_on_again(world, circle):
    p, m = circle["people"], circle["members"]
    await switch_on(world, m["Riet"])
    [question] = await world.say(p["Sandra"], "/waakvlam")
    assert question["text"].startswith("Over wiens “Alles goed?” gaat het?")
    await world.tap(p["Sandra"], "Riet")
    screen = world.emulator.bot_messages(p["Sandra"].id)[-1]
    labels = [b["text"] for b in world.emulator.buttons(screen)]
    assert labels == ["🧳 Op vakantie", "🏥 In het ziekenhuis"]  # she cannot switch it off
    await world.press(p["Sandra"], screen, f"wz:{m['Riet'].id}:off", forge=True)
    assert world.last_alert() == "Dit kan (nu) niet voor jou."
    await world.tap(p["Sandra"], "🏥 In het ziekenhuis")
    for day in (24, 25, 26):
        await at(world, 10, day=dt.date(2026, 11, day))
    assert not any(t.startswith(CHECKIN) for t in texts(world, p["Riet"]))
    await world.say(p["Riet"], "/waakvlam")
    await world.tap(p["Riet"], "▶️ Weer aanzetten")
    assert last(world, p["Sandra"]) == "Het dagelijkse “Alles goed?” van Riet staat weer aan."
    await at(world, 10, day=dt.date(2026, 11, 27))
    assert last(world, p["Riet"]).startswith(CHECKIN)


async def test_settings_screens_days_time_contacts(world, circle):
    p, m = circle["people"], circle["members"]
    [screen] = await world.say(p["Riet"], "/waakvlam")
    assert "Staat: uit." in screen["text"] and "Bij nood: bel 112." in screen["text"]
    await world.tap(p["Riet"], "✅ Aanzetten")
    await world.tap(p["Riet"], "📅 Dagen")
    # One choice made: the panel is back by itself (issue 17: no « Terug needed).
    await world.tap(p["Riet"], "Werkdagen")
    await world.tap(p["Riet"], "🕙 Tijd")
    await world.tap(p["Riet"], "09:00")
    # Neighbours: several may be chosen, so that screen stays until "Klaar".
    await world.tap(p["Riet"], "👥 Contactburen")
    await world.tap(p["Riet"], "Jan")
    await world.tap(p["Riet"], "✅ Klaar")
    screen = world.emulator.bot_messages(p["Riet"].id)[-1]["text"]
    assert "Wanneer: op werkdagen om 09:00." in screen
    assert "Contactburen: Jan." in screen
    settings = await world.store.checkin_settings(m["Riet"].id)
    assert settings.enabled and settings.at == dt.time(9, 0) and settings.contacts == (m["Jan"].id,)
    # Saturday: no check-in on a weekend.
    await at(world, 9, day=dt.date(2026, 11, 28))
    assert not last(world, p["Riet"]).startswith(CHECKIN)
    await at(world, 9, day=dt.date(2026, 11, 30))
    assert last(world, p["Riet"]).startswith(CHECKIN)


async def test_a_blocked_member_goes_straight_to_the_neighbours(world, circle):
    p, m = circle["people"], circle["members"]
    await switch_on(world, m["Riet"])
    await world.handled(await world.emulator.block_bot(p["Riet"].id))
    await at(world, 10)
    assert last(world, p["Sandra"]).startswith(NEIGHBOURS)
    await at(world, 12)
    assert sum(t.startswith(NEIGHBOURS) for t in texts(world, p["Sandra"])) == 1
    await at(world, 14)
    assert last(world, p["Henk"]).startswith(CHAIR)


async def test_an_undelivered_check_in_is_a_silence(world, circle):
    from emulator import Fault

    p, m = circle["people"], circle["members"]
    await switch_on(world, m["Riet"])
    # Telegram refuses: she blocked the bot just now, we did not know yet.
    world.emulator.users[p["Riet"].id].blocked_bot = True
    await at(world, 10)
    assert last(world, p["Sandra"]).startswith(NEIGHBOURS)
    assert not (await world.store.user(p["Riet"].id)).reachable
    # and an alert that cannot reach the only neighbour goes to the chair at once
    world.emulator.users[p["Riet"].id].blocked_bot = False
    await world.store.remember_user(p["Riet"].id, "Riet", "nl", reachable=True)
    world.emulator.inject_fault("sendMessage", Fault("403", chat_id=p["Sandra"].id))
    await at(world, 12, day=dt.date(2026, 11, 25))  # 10:00 and 11:00 fire late
    await at(world, 12, 1, day=dt.date(2026, 11, 25))
    assert last(world, p["Henk"]).startswith(CHAIR)


async def test_a_member_without_a_phone_is_visited_by_the_contact_neighbour(world, circle):
    p, m = circle["people"], circle["members"]
    async with world.store.db.write() as tx:
        vries_id = await world.store.add_member(
            tx,
            circle["circle"].id,
            None,
            "Mevrouw de Vries",
            "lid",
            consented=True,
            contact_member_id=m["Jan"].id,
            added_by=p["Henk"].id,
        )
    await world.runtime.services.waakvlam.apply_settings(
        CheckinSettings(member_id=vries_id, enabled=True)
    )
    await at(world, 10)
    assert last(world, p["Jan"]).startswith("Wil je vandaag even bij Mevrouw de Vries langsgaan?")
    await at(world, 11)
    assert last(world, p["Jan"]).startswith("Herinnering: wil je vandaag even bij Mevrouw de Vries")
    await at(world, 12)
    assert last(world, p["Sandra"]).startswith("Mevrouw de Vries heeft vandaag nog niet gereageerd")
    await world.tap(p["Jan"], "✅ Ik heb contact gehad, alles goed")
    assert last(world, p["Sandra"]).startswith("Jan heeft contact gehad met Mevrouw de Vries")
    await at(world, 14)
    assert not any("Mevrouw de Vries" in t for t in texts(world, p["Henk"]))


async def test_two_members_in_the_same_minute(world, circle):
    p, m = circle["people"], circle["members"]
    await switch_on(world, m["Riet"])
    await switch_on(world, m["Jan"])
    await at(world, 10)
    assert last(world, p["Riet"]).startswith(CHECKIN)
    assert last(world, p["Jan"]).startswith("Goedemorgen Jan, alles goed?")
    await world.tap(p["Jan"], "👍 Alles goed")
    for hour in (11, 12):
        await at(world, hour)
    assert last(world, p["Sandra"]).startswith(NEIGHBOURS)
    assert not any("Jan heeft vandaag" in t for t in texts(world, p["Sandra"]))


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (dt.date(2027, 3, 28), 8),  # last Sunday of March: summer time starts, 10:00 = 08:00 UTC
        (
            dt.date(2027, 10, 31),
            9,
        ),  # last Sunday of October: back to winter time, 10:00 = 09:00 UTC
    ],
)
async def test_check_in_stays_at_ten_local_across_daylight_saving(world, circle, day, utc_hour):
    p, m = circle["people"], circle["members"]
    tz = world.runtime.services.i18n.timezone
    world.clock.set(dt.datetime.combine(day - dt.timedelta(days=1), dt.time(12, 0), tzinfo=tz))
    due = await switch_on(world, m["Riet"])
    assert due == dt.datetime.combine(day, dt.time(utc_hour, 0), tzinfo=dt.UTC)
    assert due.astimezone(tz).time() == dt.time(10, 0)
    await at(world, 9, 59, day=day)
    assert not last(world, p["Riet"]).startswith(CHECKIN)
    await at(world, 10, 0, day=day)
    assert last(world, p["Riet"]).startswith(CHECKIN)
    # and the day after too
    await at(world, 10, 0, day=day + dt.timedelta(days=1))
    assert sum(t.startswith(CHECKIN) for t in texts(world, p["Riet"])) == 2
