"""Worries go to whoever can pick them up, never to the person they are about, and never
end unowned: reminder, backup and voorzitter, the beheerder; the sender hears when
nobody has picked it up, and the truth about who has it."""

from __future__ import annotations

import datetime as dt

from tests.support import add_beheerder
from tests.test_worries_e2e import circle, share  # noqa: F401  (the fixture)

REMINDER = "Herinnering: deze zorg is nog niet opgepakt."
ESCALATED = "Niemand heeft deze zorg op tijd opgepakt."
TO_BEHEERDER = "Een bericht voor de beheerder: niemand in de kring heeft deze zorg"


async def _timeline(world, people, minutes, step=15):
    """Who hears what, minute by minute, over ``minutes`` from now."""
    seen = []
    for minute in range(step, minutes + 1, step):
        before = {n: len(world.texts(p.id)) for n, p in people.items()}
        world.clock.advance(minutes=step)
        await world.runtime.tick()
        for name, person in people.items():
            seen += [(minute, name, t) for t in world.texts(person.id)[before[name] :]]
    return seen


async def test_a_worry_about_the_voorzitter_goes_to_the_professionals_only(world, circle):  # noqa: F811
    p = circle["people"]
    confirm = await share(
        world, p["Jan"], "Henk", kind="Geld of post", details="hij beheert de pinpas"
    )
    assert confirm["text"].endswith(
        "Wie ziet dit: Fatima (professional), Bram (professional). Nooit de groep."
    )
    await world.tap(p["Jan"], "✅ Versturen")
    assert not [t for t in world.texts(p["Henk"].id) if "pinpas" in t or "💭" in t]
    for name in ("Fatima", "Bram"):
        assert "pinpas" in world.texts(p[name].id)[-1], name
    assert world.texts(p["Jan"].id)[-1].startswith("Je zorg is verstuurd naar Fatima, Bram.")
    # Left lying, it never climbs to Henk either.
    seen = await _timeline(world, {"Henk": p["Henk"]}, 6 * 60)
    assert not [t for _, _, t in seen if "pinpas" in t or "💭" in t]


async def test_a_worry_nobody_picks_up_climbs_and_the_sender_hears_it(world, circle):  # noqa: F811
    p = circle["people"]
    admin = add_beheerder(world)
    await share(world, p["Jan"], "Sandra", urgency="Vandaag")
    await world.tap(p["Jan"], "✅ Versturen")
    watched = {n: p[n] for n in ("Fatima", "Bram", "Henk", "Jan")} | {"Bea": admin}
    seen = await _timeline(world, watched, 4 * 60)
    assert [(minute, name) for minute, name, _ in seen] == [
        (60, "Fatima"),
        (120, "Bram"),
        (120, "Henk"),
        (120, "Jan"),
        (180, "Bea"),
    ]
    texts = {(minute, name): text for minute, name, text in seen}
    assert texts[60, "Fatima"].startswith(REMINDER)
    assert texts[120, "Bram"].startswith(ESCALATED)
    assert texts[120, "Henk"].startswith(ESCALATED)
    assert texts[120, "Jan"] == (
        "Niemand heeft je zorg nog opgepakt. Ik heb nu ook Bram, Henk gevraagd. "
        "Je hoort het als iemand hem oppakt."
    )
    assert texts[180, "Bea"].startswith(TO_BEHEERDER)
    # The voorzitter, once nobody picked it up in time, may pick it up himself.
    await world.tap(p["Henk"], "👍 Ik pak dit op")
    assert world.texts(p["Jan"].id)[-1].startswith("Henk (voorzitter) heeft je zorg opgepakt.")


async def test_without_a_beheerder_the_sender_hears_there_is_nobody_left(world, circle):  # noqa: F811
    p = circle["people"]
    await share(world, p["Jan"], "Sandra", urgency="Vandaag")
    await world.tap(p["Jan"], "✅ Versturen")
    seen = await _timeline(world, {"Jan": p["Jan"]}, 4 * 60)
    assert [minute for minute, _, _ in seen] == [120, 180]
    assert seen[-1][2].startswith(
        "Niemand heeft je zorg nog opgepakt. De bot kan ook niemand anders"
    )
    assert "Bij nood: bel 112." in seen[-1][2]


async def test_a_voorzitter_without_a_professional_can_pick_a_worry_up(world):
    henk, jan, sandra = world.person("Henk"), world.person("Jan"), world.person("Sandra")
    await world.circle("Zandweerd", henk, [jan, sandra])
    await share(world, jan, "Sandra")
    await world.tap(jan, "✅ Versturen")
    message = world.emulator.bot_messages(henk.id)[-1]
    labels = [b["text"] for b in world.emulator.buttons(message)]
    assert labels == [
        "👍 Ik pak dit op",
        "✏️ Kort antwoord aan de afzender",
        "✅ Afgerond",
        "📜 Logboek",
    ]
    await world.tap(henk, "👍 Ik pak dit op")
    signal_id = int(world.emulator.buttons(message)[0]["callback_data"].split(":")[1])
    assert (await world.store.signal(signal_id)).status == "acknowledged"
    assert world.texts(jan.id)[-1].startswith("Henk (voorzitter) heeft je zorg opgepakt.")
    # Sandra, whom it is about, heard nothing at all.
    assert not [t for t in world.texts(sandra.id) if "💭" in t or "deur" in t]


async def test_a_worry_to_a_blocked_professional_goes_to_the_backup_at_once(world, circle):  # noqa: F811
    """Friday 16:30, "this week": without this, Bram would hear on Monday afternoon."""
    p = circle["people"]
    tz = world.runtime.services.i18n.timezone
    world.clock.set(dt.datetime(2026, 11, 27, 16, 30, tzinfo=tz))
    world.emulator.users[p["Fatima"].id].blocked_bot = True  # the bot does not know yet
    await share(world, p["Jan"], "Over mezelf", urgency="Deze week")
    await world.tap(p["Jan"], "✅ Versturen")
    await world.runtime.tick()
    assert world.texts(p["Bram"].id)[-1].startswith(
        "Deze zorg kan nu niet naar de professional. Kun je regelen dat iemand hem oppakt?"
    )
    assert world.texts(p["Jan"].id)[-1].startswith("Niemand heeft je zorg nog opgepakt.")


async def test_a_professional_removed_before_sending_the_sender_hears_the_truth(world):
    henk, fatima = world.person("Henk"), world.person("Fatima")
    chat_id = await world.circle("Zandweerd", henk, [])
    await world.say(henk, "/cirkel")
    [link] = await world.tap(henk, "Een professional koppelen")
    await world.say(fatima, "/start " + link["text"].split("?start=")[1])
    await world.tap(fatima, "Fatima")
    await world.tap(fatima, "Nederlands")
    await world.tap(fatima, "✅ Ja, koppel mij")
    confirm = await share(world, henk, "Over mezelf")
    assert "Fatima (professional)" in confirm["text"]
    circle_ = await world.store.circle_by_chat(chat_id)
    gone = await world.store.member_of(circle_.id, fatima.id)
    async with world.store.db.write() as tx:
        await world.store.remove_member(tx, gone.id)
    await world.tap(henk, "✅ Versturen")
    told = world.texts(henk.id)
    assert not any("verstuurd naar" in t for t in told)
    assert any(
        t.startswith("Niemand heeft je zorg nog opgepakt. De bot kan ook niemand anders")
        for t in told
    )


async def test_with_nobody_in_the_circle_a_worry_goes_to_the_beheerder(world):
    henk, jan = world.person("Henk"), world.person("Jan")
    await world.circle("Zandweerd", henk, [jan])
    admin = add_beheerder(world)
    confirm = await share(world, henk, "Jan")
    assert "Je zorg gaat daarom naar de beheerder van de bot" in confirm["text"]
    await world.tap(henk, "✅ Versturen")
    assert world.texts(admin.id)[-1].startswith(
        "Een bericht voor de beheerder: niemand in de kring kan deze zorg nu ontvangen."
    )
    assert world.texts(henk.id)[-1].startswith("Niemand in je kring kan nu zorgen ontvangen.")
    await world.tap(admin, "👍 Ik pak dit op")
    assert world.texts(henk.id)[-1].startswith("Bea (beheerder) heeft je zorg opgepakt.")
    assert not [t for t in world.texts(jan.id) if "💭" in t or "deur" in t]


async def test_a_beheerder_who_is_in_the_circle_never_hears_a_worry_about_them(world, circle):  # noqa: F811
    p = circle["people"]
    world.runtime.settings.admin_ids.append(p["Sandra"].id)  # Sandra runs the bot too
    await share(world, p["Jan"], "Sandra", urgency="Vandaag", details="GEHEIM")
    await world.tap(p["Jan"], "✅ Versturen")
    await _timeline(world, {"Sandra": p["Sandra"]}, 6 * 60)
    assert not [t for t in world.texts(p["Sandra"].id) if "GEHEIM" in t or "💭" in t]
    signal_id = (await world.store.signals_of([circle["circle"].id]))[0].id
    assert not await world.runtime.services.worries.may_reply(
        p["Sandra"].id, await world.store.signal(signal_id)
    )


async def test_a_closed_worry_tells_no_voorzitter_it_will_be_taken_up(world, circle):  # noqa: F811
    """An old "I'll contact the voorzitter" button after closing: nobody is told an untruth."""
    p = circle["people"]
    await share(world, p["Jan"], "Sandra", urgency="Vandaag")
    await world.tap(p["Jan"], "✅ Versturen")
    [alert] = [m for m in world.emulator.bot_messages(p["Fatima"].id) if "💭" in m["text"]]
    contact = next(
        b["callback_data"] for b in world.emulator.buttons(alert) if b["text"].startswith("📞")
    )
    await world.tap(p["Fatima"], "👍 Ik pak dit op")
    # After a pick-up, contacting the voorzitter is still hers to do.
    await world.press(p["Fatima"], alert, contact, forge=True)
    told = "Fatima (professional) neemt contact met je op over een zorg uit je kring."
    assert world.texts(p["Henk"].id)[-1] == told
    henk_before = len(world.texts(p["Henk"].id))
    await world.tap(p["Fatima"], "✅ Afgerond")
    jan_before = len(world.texts(p["Jan"].id))
    await world.press(p["Fatima"], alert, contact, forge=True)
    assert len(world.texts(p["Henk"].id)) == henk_before
    assert len(world.texts(p["Jan"].id)) == jan_before


async def test_a_worry_about_the_only_voorzitter_with_nobody_else_is_not_sent_to_him(world):
    """No professional, no other voorzitter, no beheerder: the worry about Henk cannot
    go anywhere, and it is not sent to Henk either."""
    henk, riet, jan = world.person("Henk"), world.person("Riet"), world.person("Jan")
    await world.circle("Zandweerd", henk, [riet, jan])
    confirm = await share(world, riet, "Henk", kind="Geld of post", details="hij wil mijn pinpas")
    assert "Er kan nog niemand het ontvangen" in confirm["text"]
    assert "✅ Versturen" not in [b["text"] for b in world.emulator.buttons(confirm)]
    await _timeline(world, {"Henk": henk}, 60)
    assert not [t for t in world.texts(henk.id) if "pinpas" in t or "💭" in t]
