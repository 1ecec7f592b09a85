"""The waakvlam ladder on the paths beside the usual one: who is told when the usual
people cannot be, what they are told when the member answers late, and what a pause,
a downtime, a bounce or someone leaving does to a running round. One test per case
a careful reviewer found; ``test_ladder_model.py`` checks the same promises over
generated sequences."""

from __future__ import annotations

import datetime as dt

from telegram.error import TelegramError

from core.priority import Priority
from emulator import Fault
from tests.support import add_beheerder, at, build_circle, switch_on

CHECKIN = "Goedemorgen Riet, alles goed?"
LATE_CHECKIN = "Hallo Riet, alles goed?"
ASK_AGAIN = "Ik vroeg het eerder al: gaat alles goed, Riet?"
NEIGHBOURS = "Riet heeft vandaag nog niet gereageerd"
CHAIR = "Niemand heeft Riet (Zandweerd) vandaag kunnen bereiken."
ALL_WELL = "Goed nieuws: Riet heeft gereageerd. Alles is goed."
NOT_WELL = "Riet gaf aan dat het vandaag niet zo goed gaat."
NOT_WELL_CHAIR = "Riet (Zandweerd) zei dat het vandaag niet zo goed gaat."
BEHEERDER = "Waakvlam: een bericht voor de beheerder."
WITH_SANDRA = ("Henk", "Riet", "Jan", "Sandra")


def texts(world, person):
    return world.texts(person.id)


def told_about(world, person, name="Riet"):
    return [t for t in texts(world, person) if name in t]


# -- late answers: the truth reaches everyone who was asked --------------------------------


async def test_a_late_not_so_good_reaches_the_neighbours_as_not_so_good(world):
    p, m = await build_circle(world, WITH_SANDRA, {"Sandra": "superbuur"})
    await switch_on(world, m["Riet"])
    for hour in (10, 11, 12):
        await at(world, hour)
    assert texts(world, p["Sandra"])[-1].startswith(NEIGHBOURS)
    await world.tap(p["Riet"], "😟 Het gaat niet zo goed")
    sandra = texts(world, p["Sandra"])
    assert sandra[-1].startswith(NOT_WELL)
    assert not any(t.startswith("Goed nieuws") for t in sandra)
    # The update still carries what she needs to act.
    labels = [
        b["text"] for b in world.emulator.buttons(world.emulator.bot_messages(p["Sandra"].id)[-1])
    ]
    assert labels == ["🚶 Ik ga even kijken / bellen", "✅ Ik heb contact gehad"]
    # And the ladder keeps going: nobody has had contact yet.
    await at(world, 14, 30)
    assert texts(world, p["Henk"])[-1].startswith(NOT_WELL_CHAIR)
    assert "Eerder gevraagd: Sandra." in texts(world, p["Henk"])[-1]


async def test_a_late_not_so_good_after_the_chair_is_not_turned_into_all_well(world):
    p, m = await build_circle(world, WITH_SANDRA, {"Sandra": "superbuur"}, professional="Fatima")
    await switch_on(world, m["Riet"], professional_ok=True)
    for hour in (10, 11, 12, 14):
        await at(world, hour)
    assert texts(world, p["Henk"])[-1].startswith(CHAIR)
    assert texts(world, p["Fatima"])[-1].startswith(CHAIR)
    await world.tap(p["Riet"], "😟 Het gaat niet zo goed")
    for name in ("Henk", "Sandra", "Fatima"):
        last = texts(world, p[name])[-1]
        assert "niet zo goed" in last and not last.startswith("Goed nieuws"), (name, last)
    # Someone who had contact closes it, truthfully: contact, not "all is well".
    await world.tap(p["Sandra"], "✅ Ik heb contact gehad")
    assert texts(world, p["Henk"])[-1] == "Sandra heeft contact gehad met Riet. Dank jullie wel!"


async def test_all_well_after_the_chair_tells_everyone_who_was_asked(world):
    p, m = await build_circle(world, WITH_SANDRA, {"Sandra": "superbuur"}, professional="Fatima")
    await switch_on(world, m["Riet"], professional_ok=True)
    for hour in (10, 11, 12, 14):
        await at(world, hour)
    await world.tap(p["Riet"], "👍 Alles goed")
    for name in ("Henk", "Sandra", "Fatima"):
        assert texts(world, p[name])[-1].startswith(ALL_WELL), name
    assert not told_about(world, p["Jan"])


async def test_a_message_is_a_sign_of_life_not_all_is_well(world):
    p, m = await build_circle(world, WITH_SANDRA, {"Sandra": "superbuur"})
    await switch_on(world, m["Riet"])
    for hour in (10, 11, 12):
        await at(world, hour)
    await world.say(p["Riet"], "ik was even weg")
    last = texts(world, p["Sandra"])[-1]
    assert last.startswith("Riet heeft net een bericht gestuurd en is er dus gewoon.")
    assert "alles is goed" not in last.lower()


# -- a silence always reaches a human who can act ------------------------------------------


async def test_without_contacts_or_superburen_the_voorzitter_is_the_first_rung(world):
    p, m = await build_circle(world)
    await switch_on(world, m["Riet"])
    for hour in (10, 11, 12):
        await at(world, hour)
    assert texts(world, p["Henk"])[-1].startswith(NEIGHBOURS)
    await at(world, 14)
    chair = texts(world, p["Henk"])[-1]
    assert chair.startswith(CHAIR) and "Eerder gevraagd: Henk." in chair
    assert not told_about(world, p["Jan"])


async def test_a_blocked_voorzitter_hands_the_silence_to_the_circle(world):
    """No beheerder, no consent for the professional, the voorzitter blocked the bot:
    Jan, a plain member, is told rather than nobody."""
    p, m = await build_circle(world, professional="Fatima")
    await world.handled(await world.emulator.block_bot(p["Henk"].id))
    await switch_on(world, m["Riet"], professional_ok=False)
    for hour in (10, 11, 12):
        await at(world, hour)
    jan = texts(world, p["Jan"])[-1]
    assert jan.startswith(CHAIR)
    assert "Eerder kon de bot niemand vragen om te gaan kijken." in jan
    assert "de bot de voorzitter niet kon bereiken, en ook niemand anders" in jan
    assert not told_about(world, p["Fatima"])


async def test_with_a_beheerder_a_blocked_voorzitter_hands_the_silence_to_the_beheerder(world):
    p, m = await build_circle(world, professional="Fatima")
    admin = add_beheerder(world)
    await world.handled(await world.emulator.block_bot(p["Henk"].id))
    await switch_on(world, m["Riet"], professional_ok=False)
    for hour in (10, 11, 12):
        await at(world, hour)
    assert world.texts(admin.id)[-1].startswith(BEHEERDER)
    assert CHAIR in world.texts(admin.id)[-1]
    buttons = world.emulator.buttons(world.emulator.bot_messages(admin.id)[-1])
    assert [b["text"] for b in buttons] == [
        "🚶 Ik ga even kijken / bellen",
        "✅ Ik heb contact gehad, alles goed",
    ]
    # The beheerder can close it.
    await world.tap(admin, "✅ Ik heb contact gehad, alles goed")
    [round_] = await world.store.rounds_of(m["Riet"].id)
    assert not round_.open and round_.answer == "confirmed"


async def test_a_chair_alert_that_bounces_goes_to_the_beheerder_at_once(world):
    p, m = await build_circle(world, WITH_SANDRA, {"Sandra": "superbuur"})
    admin = add_beheerder(world)
    await switch_on(world, m["Riet"])
    for hour in (10, 11, 12):
        await at(world, hour)  # Sandra is asked and stays silent
    world.emulator.users[p["Henk"].id].blocked_bot = True  # the bot does not know yet
    await at(world, 14)
    assert not (await world.store.user(p["Henk"].id)).reachable  # the 403 was seen
    assert world.texts(admin.id)[-1].startswith(BEHEERDER)
    [round_] = await world.store.rounds_of(m["Riet"].id)
    assert round_.open and round_.stage == "beheerder"


async def test_the_voorzitters_own_silence_reaches_someone_after_the_superbuur(world):
    p, m = await build_circle(world, WITH_SANDRA, {"Sandra": "superbuur"}, professional="Fatima")
    await switch_on(world, m["Henk"], professional_ok=False)
    for hour in (10, 11, 12):
        await at(world, hour)
    assert texts(world, p["Sandra"])[-1].startswith("Henk heeft vandaag nog niet gereageerd")
    before = {n: len(texts(world, p[n])) for n in ("Sandra", "Riet", "Jan", "Fatima")}
    await at(world, 14)
    new = {n: texts(world, p[n])[before[n] :] for n in before}
    # Nobody else chairs the circle: the circle hears it (no beheerder is set).
    for name in ("Sandra", "Riet", "Jan"):
        assert new[name] and new[name][-1].startswith("Niemand heeft Henk (Zandweerd)"), name
    assert not new["Fatima"]  # no consent for the professional


async def test_the_voorzitters_own_silence_without_superburen_reaches_the_circle(world):
    p, m = await build_circle(world, professional="Fatima")
    await switch_on(world, m["Henk"], professional_ok=False)
    for hour in (10, 11, 12):
        await at(world, hour)
    for name in ("Riet", "Jan"):
        assert told_about(world, p[name], "Henk"), name
    assert not told_about(world, p["Fatima"], "Henk")


async def test_the_voorzitters_own_silence_with_consent_reaches_the_professional(world):
    p, m = await build_circle(world, professional="Fatima")
    await switch_on(world, m["Henk"], professional_ok=True)
    for hour in (10, 11, 12):
        await at(world, hour)
    assert texts(world, p["Fatima"])[-1].startswith("Niemand heeft Henk (Zandweerd)")


async def test_a_blocked_contact_neighbour_hands_over_to_the_next_rung_at_once(world):
    p, m = await build_circle(world, WITH_SANDRA, {"Sandra": "superbuur"})
    await switch_on(world, m["Riet"], contacts=(m["Jan"].id,))
    for hour in (10, 11):
        await at(world, hour)
    world.emulator.users[p["Jan"].id].blocked_bot = True  # the bot does not know yet
    await at(world, 12)
    assert texts(world, p["Henk"])[-1].startswith(CHAIR)


# -- "not so good" always reaches someone ----------------------------------------------------


async def test_the_voorzitters_own_not_so_good_reaches_the_circle(world):
    p, m = await build_circle(world, professional="Fatima")
    await switch_on(world, m["Henk"])
    await at(world, 10)
    await world.tap(p["Henk"], "😟 Het gaat niet zo goed")
    reply = texts(world, p["Henk"])[-1]
    assert reply.startswith("Wat vervelend")
    for name in ("Riet", "Jan"):
        assert told_about(world, p[name], "Henk")[-1].startswith("Henk (Zandweerd) zei dat"), name
        assert name in reply  # he is told who was really asked


async def test_not_so_good_to_a_bounced_voorzitter_reaches_the_beheerder(world):
    p, m = await build_circle(world, WITH_SANDRA, {"Sandra": "superbuur"})
    admin = add_beheerder(world)
    await switch_on(world, m["Riet"])
    await world.handled(await world.emulator.block_bot(p["Sandra"].id))  # known
    world.emulator.users[p["Henk"].id].blocked_bot = True  # not known yet
    await at(world, 10)
    await world.tap(p["Riet"], "😟 Het gaat niet zo goed")
    await at(world, 10, 1)
    assert world.texts(admin.id)[-1].startswith(BEHEERDER)
    assert NOT_WELL_CHAIR in world.texts(admin.id)[-1]


async def test_nobody_at_all_the_member_is_told_so_not_a_comforting_untruth(world):
    henk, riet = world.person("Henk"), world.person("Riet")
    chat_id = await world.circle("Zandweerd", henk, [riet])
    circle = await world.store.circle_by_chat(chat_id)
    members = {x.display_name: x for x in await world.store.members(circle.id)}
    await world.handled(await world.emulator.block_bot(henk.id))
    await switch_on(world, members["Riet"])
    await at(world, 10)
    await world.tap(riet, "😟 Het gaat niet zo goed")
    assert world.texts(riet.id)[-1].startswith(
        "Wat naar om te horen. Ik kon nu niemand in je kring bereiken."
    )


# -- downtime never skips and never rushes ----------------------------------------------------


async def test_an_evening_check_in_missed_across_midnight_is_asked_at_start(world):
    p, m = await build_circle(world, WITH_SANDRA, {"Sandra": "superbuur"})
    await switch_on(world, m["Riet"], at=dt.time(19, 0))
    await at(world, 18, 55)
    await world.restart()
    await at(world, 0, 5, day=dt.date(2026, 11, 25))  # down from 18:55 to 00:05
    [round_] = await world.store.rounds_of(m["Riet"].id)
    assert round_.open
    assert texts(world, p["Riet"])[-1].startswith(LATE_CHECKIN)
    # One question, not one per missed day; the next is tonight at 19:00 as usual.
    pending = [t for t in await world.store.timers("pending") if t[1] == "waakvlam.checkin"]
    assert [t[2][:16] for t in pending] == ["2026-11-25T18:00"]


async def test_a_late_first_question_gets_its_full_time(world):
    p, m = await build_circle(world, WITH_SANDRA, {"Sandra": "superbuur"})
    await switch_on(world, m["Riet"])
    await at(world, 9, 50)
    await world.restart()
    await at(world, 12, 30)  # down from 09:50 to 12:30
    assert texts(world, p["Riet"])[-1].startswith(LATE_CHECKIN)
    assert not told_about(world, p["Sandra"])
    await at(world, 13, 29)
    assert texts(world, p["Riet"])[-1].startswith(LATE_CHECKIN)
    await at(world, 13, 30)
    assert texts(world, p["Riet"])[-1].startswith(ASK_AGAIN)
    await at(world, 14, 29)
    assert not told_about(world, p["Sandra"])
    await at(world, 14, 30)
    assert texts(world, p["Sandra"])[-1].startswith(NEIGHBOURS)


async def test_a_question_held_up_in_the_outbox_counts_from_when_it_arrived(world):
    """The 10:00 burst (or Telegram's 429) holds the question back: the hour to
    answer starts when it reaches her."""
    p, m = await build_circle(world, WITH_SANDRA, {"Sandra": "superbuur"})
    await switch_on(world, m["Riet"])
    world.emulator.inject_fault(
        "sendMessage", Fault("429", retry_after=60 * 20, chat_id=p["Riet"].id)
    )
    await at(world, 10)
    assert not texts(world, p["Riet"])[-1].startswith(CHECKIN)
    await at(world, 10, 20)
    assert texts(world, p["Riet"])[-1].startswith(CHECKIN)
    await at(world, 11, 5)
    assert texts(world, p["Riet"])[-1].startswith(CHECKIN)  # not asked again yet
    await at(world, 11, 20)
    assert texts(world, p["Riet"])[-1].startswith(ASK_AGAIN)


async def test_a_restart_with_alerts_queued_sends_each_once(world):
    p, m = await build_circle(world, WITH_SANDRA, {"Sandra": "superbuur"})
    await switch_on(world, m["Riet"])
    await at(world, 10)
    await at(world, 11)
    tz = world.runtime.services.i18n.timezone
    world.clock.set(dt.datetime(2026, 11, 24, 12, 0, tzinfo=tz))
    # The neighbours' step fires (its messages are queued); the process dies before sending.
    assert await world.runtime.services.scheduler.run_due() == 1
    await world.restart()
    await world.runtime.tick()
    assert sum(t.startswith(NEIGHBOURS) for t in texts(world, p["Sandra"])) == 1
    await world.restart()
    await at(world, 15, 30)  # down over the chair's step: it fires at start, once
    await at(world, 16)
    assert sum(t.startswith(CHAIR) for t in texts(world, p["Henk"])) == 1


async def test_an_alert_survives_5xx_and_429(world):
    p, m = await build_circle(world, WITH_SANDRA, {"Sandra": "superbuur"})
    await switch_on(world, m["Riet"])
    await at(world, 10)
    await at(world, 11)
    world.emulator.inject_fault("sendMessage", Fault("5xx", count=2, chat_id=p["Sandra"].id))
    await at(world, 12)
    assert not told_about(world, p["Sandra"])
    world.emulator.inject_fault("sendMessage", Fault("429", retry_after=30, chat_id=p["Sandra"].id))
    for minute in range(1, 5):
        await at(world, 12, minute)
    assert sum(t.startswith(NEIGHBOURS) for t in texts(world, p["Sandra"])) == 1


async def test_one_message_telegram_refuses_oddly_does_not_hold_up_the_alerts(world):
    """A send that fails in a way nobody foresaw is retried a few times, then given up;
    it never blocks the alerts queued behind it."""
    p, _ = await build_circle(world, ("Henk", "Riet"))
    store = world.store
    async with store.db.write() as tx:
        await store.enqueue_message(tx, p["Riet"].id, "poison", priority=Priority.ALERT)
        await store.enqueue_message(tx, p["Henk"].id, "Alert for Henk", priority=Priority.ALERT)
    bot = world.runtime.application.bot

    class Odd:
        def __getattr__(self, name):
            return getattr(bot, name)

        async def send_message(self, chat_id, text, **kwargs):
            if text == "poison":
                raise TelegramError("Internal error")
            return await bot.send_message(chat_id, text, **kwargs)

    outbox = world.runtime.services.outbox
    assert await outbox.flush(Odd()) == 1
    assert "Alert for Henk" in texts(world, p["Henk"])
    for _ in range(6):
        world.clock.advance(minutes=15)
        await outbox.flush(Odd())
    [poison] = [r for r in await store.outbox_rows() if r["text"] == "poison"]
    assert poison["status"] == "failed" and poison["attempts"] == 5


# -- a pause stops a running ladder -------------------------------------------------------------


async def test_a_hospital_pause_during_a_round_stops_it_and_tells_who_was_asked(world):
    p, m = await build_circle(world, WITH_SANDRA, {"Sandra": "superbuur"})
    await switch_on(world, m["Riet"], contacts=(m["Jan"].id,))
    for hour in (10, 11, 12):
        await at(world, hour)
    assert texts(world, p["Jan"])[-1].startswith(NEIGHBOURS)
    # Sandra (superbuur) hears Riet is in hospital and pauses it for her.
    await world.say(p["Sandra"], "/waakvlam")
    await world.tap(p["Sandra"], "Riet")
    await world.tap(p["Sandra"], "🏥 In het ziekenhuis")
    jan = [t for t in texts(world, p["Jan"]) if "pauze" in t]
    assert jan == [
        "Het dagelijkse “Alles goed?” van Riet staat nu op pauze. Niemand hoeft meer te gaan "
        "kijken. Dank je wel!"
    ]  # once, and without saying Riet did it herself
    for hour in (14, 18):
        await at(world, hour)
    assert not any(t.startswith(CHAIR) for t in texts(world, p["Henk"]))
    [round_] = await world.store.rounds_of(m["Riet"].id)
    assert not round_.open and round_.answer == "paused"


async def test_a_pause_until_a_date_skips_those_days_and_resumes(world):
    p, m = await build_circle(world)
    await switch_on(world, m["Riet"], paused=True, paused_until=dt.date(2026, 11, 26))
    for day in (24, 25, 26):
        await at(world, 10, day=dt.date(2026, 11, day))
    assert not any(t.startswith(CHECKIN) for t in texts(world, p["Riet"]))
    await at(world, 10, day=dt.date(2026, 11, 27))
    assert texts(world, p["Riet"])[-1].startswith(CHECKIN)


# -- daylight saving: once, at the local time ----------------------------------------------


async def _checkins_over(world, member, person, day):
    tz = world.runtime.services.i18n.timezone
    world.clock.set(dt.datetime.combine(day - dt.timedelta(days=1), dt.time(12), tzinfo=tz))
    due = await switch_on(world, member, at=dt.time(2, 30))
    asked = []
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    for step in range(6 * 12):  # every 5 minutes, 6 hours of UTC
        world.clock.set(start + dt.timedelta(minutes=5 * step))
        before = len(texts(world, person))
        await world.runtime.tick()
        if any(t.startswith("Goede") for t in texts(world, person)[before:]):
            asked.append(world.clock.now())
            await world.tap(person, "👍 Alles goed")
    return due, asked


async def test_a_check_in_at_0230_on_the_spring_forward_night_comes_once(world):
    p, m = await build_circle(world)
    due, asked = await _checkins_over(world, m["Riet"], p["Riet"], dt.date(2026, 3, 29))
    assert due == dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)  # 03:30 summer time
    assert asked == [due]


async def test_a_check_in_at_0230_on_the_fall_back_night_comes_once(world):
    p, m = await build_circle(world)
    due, asked = await _checkins_over(world, m["Riet"], p["Riet"], dt.date(2026, 10, 25))
    assert due == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)  # the first 02:30
    assert asked == [due]
    pending = [t for t in await world.store.timers("pending") if t[1] == "waakvlam.checkin"]
    assert pending and pending[0][2].startswith("2026-10-26T01:30")  # 02:30 winter time


# -- someone leaves while the ladder runs ---------------------------------------------------------


async def test_the_member_asking_to_be_forgotten_mid_ladder_ends_it_kindly(world):
    p, m = await build_circle(world, WITH_SANDRA, {"Sandra": "superbuur"})
    await switch_on(world, m["Riet"])
    for hour in (10, 11, 12):
        await at(world, hour)
    [round_] = await world.store.rounds_of(m["Riet"].id)
    await world.say(p["Riet"], "/vergeetmij")  # a sign of life too
    await world.tap(p["Riet"], "Ja, wis alles")
    assert await world.store.user(p["Riet"].id) is None
    for hour in (14, 18):
        await at(world, hour)
    assert not any(t.startswith(CHAIR) for t in texts(world, p["Henk"]))
    assert await world.store.timers("failed") == []
    # Sandra taps her old button: refused kindly, no crash.
    alert = next(
        x
        for x in reversed(world.emulator.bot_messages(p["Sandra"].id))
        if world.emulator.buttons(x)
    )
    await world.press(p["Sandra"], alert, f"wn:{round_.id}:going")
    assert world.last_alert() == "Dit kan (nu) niet voor jou."


async def test_a_member_removed_mid_ladder_ends_it_and_those_asked_hear_it(world):
    p, m = await build_circle(world, WITH_SANDRA, {"Sandra": "superbuur"})
    await switch_on(world, m["Riet"])
    for hour in (10, 11, 12):
        await at(world, hour)
    await world.say(p["Henk"], "/cirkel")
    await world.tap(p["Henk"], "Rollen aanpassen")
    await world.tap(p["Henk"], "Riet — lid")
    await world.tap(p["Henk"], "Uit de kring halen")
    await world.tap(p["Henk"], "Ja, uit de kring halen")
    assert texts(world, p["Sandra"])[-1].startswith("Riet hoort niet meer bij de kring.")
    for hour in (14, 18):
        await at(world, hour)
    assert not any(t.startswith(CHAIR) for t in texts(world, p["Henk"]))
    assert await world.store.timers("failed") == []


async def test_a_contact_neighbour_forgotten_mid_ladder_the_ladder_goes_on(world):
    p, m = await build_circle(world, WITH_SANDRA, {"Sandra": "superbuur"})
    await switch_on(world, m["Riet"], contacts=(m["Jan"].id,))
    for hour in (10, 11, 12):
        await at(world, hour)
    assert texts(world, p["Jan"])[-1].startswith(NEIGHBOURS)
    await world.say(p["Jan"], "/vergeetmij")
    await world.tap(p["Jan"], "Ja, wis alles")
    await at(world, 14)
    assert texts(world, p["Henk"])[-1].startswith(CHAIR)
    assert await world.store.timers("failed") == []


# -- what an alert carries ---------------------------------------------------------------


async def test_an_alert_carries_the_shared_phone_number_and_both_buttons(world):
    p, m = await build_circle(world, WITH_SANDRA, {"Sandra": "superbuur"})
    await world.store.set_member_phone(m["Riet"].id, "+31 6 1234 5678", True)
    await switch_on(world, m["Riet"])
    await at(world, 10)
    await world.tap(p["Riet"], "☕ Graag even contact")
    message = world.emulator.bot_messages(p["Sandra"].id)[-1]
    assert "Telefoonnummer van Riet: +31 6 1234 5678" in message["text"]
    assert [b["text"] for b in world.emulator.buttons(message)] == [
        "🚶 Ik ga even kijken / bellen",
        "✅ Ik heb contact gehad",
    ]


async def test_a_chosen_contact_neighbour_is_told_once_and_may_say_no(world):
    p, m = await build_circle(world)
    await world.say(p["Riet"], "🕯️ Mijn “Alles goed?”")
    await world.tap(p["Riet"], "✅ Aanzetten")
    await world.tap(p["Riet"], "👥 Contactburen")
    await world.tap(p["Riet"], "Jan")
    chosen = [t for t in texts(world, p["Jan"]) if "contactbuur" in t]
    assert len(chosen) == 1 and chosen[0].startswith("Riet heeft jou als contactbuur gekozen")
    await at(world, 10)  # the ladder itself does not tell him again
    assert len([t for t in texts(world, p["Jan"]) if "contactbuur" in t]) == 1
    await world.tap(p["Jan"], "Nee, liever niet")
    assert texts(world, p["Riet"])[-1].startswith("Jan kan nu niet je contactbuur zijn.")
    assert (await world.store.checkin_settings(m["Riet"].id)).contacts == ()


# -- found by a second reviewer ---------------------------------------------------------------


async def test_a_not_so_good_after_the_round_ended_is_still_heard(world):
    """She said "hoi" (a sign of life: the silence ends), then taps "niet zo goed":
    a new need, never "you answered already"."""
    p, m = await build_circle(world, WITH_SANDRA, {"Sandra": "superbuur"})
    await switch_on(world, m["Riet"])
    for hour in (10, 11, 12):
        await at(world, hour)
    await world.say(p["Riet"], "hoi")
    assert texts(world, p["Sandra"])[-1].startswith("Riet heeft net een bericht gestuurd")
    await world.tap(p["Riet"], "😟 Het gaat niet zo goed")
    assert texts(world, p["Riet"])[-1].startswith("Wat vervelend. Ik heb Sandra gevraagd")
    assert texts(world, p["Sandra"])[-1].startswith(NOT_WELL)
    rounds = await world.store.rounds_of(m["Riet"].id)
    assert [(r.open, r.need) for r in rounds] == [(False, "silence"), (True, "notwell")]


async def test_without_a_phone_a_bounced_visit_goes_to_the_other_contact(world):
    """Jan has the task to look in on Mevrouw de Vries and blocked the bot; Riet, her
    other contact neighbour, is asked (not skipped for being "the visitor" now)."""
    p, m = await build_circle(world, WITH_SANDRA, {"Sandra": "superbuur"})
    chat = await world.store.circle_by_chat(
        next(c for c, chat in world.emulator.chats.items() if chat.type == "group")
    )
    async with world.store.db.write() as tx:
        vries = await world.store.add_member(
            tx, chat.id, None, "Mevrouw de Vries", "lid", consented=True
        )
    world.emulator.users[p["Jan"].id].blocked_bot = True  # the bot does not know yet
    await switch_on(world, await world.store.member(vries), contacts=(m["Jan"].id, m["Riet"].id))
    await at(world, 10)
    assert told_about(world, p["Riet"], "Mevrouw de Vries")
    assert not told_about(world, p["Sandra"], "Mevrouw de Vries")
