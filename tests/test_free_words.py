"""Free words and voice understood (issue: a bot an 80-year-old can just talk to): the
rules as a table of phrasings both ways, and each path end to end."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.requests import Kind
from domain.understanding import Intent, understand
from tests.support import TEST_DAY, at, switch_on
from tests.test_waakvlam_e2e import circle  # noqa: F401  (the fixture)

TUESDAY = TEST_DAY  # 24 November 2026
TOMORROW = TUESDAY + dt.timedelta(days=1)

ASKS = [
    # (what was typed, the kind, the day)
    ("Hallo, ik wil graag dat iemand morgen boodschappen voor me doet", Kind.GROCERIES, TOMORROW),
    ("kan iemand boodschapen doen", Kind.GROCERIES, None),  # misspelt
    ("Wie wil vrijdag even naar de supermarkt?", Kind.GROCERIES, TUESDAY + dt.timedelta(days=3)),
    ("ik heb soep nodig", Kind.MEAL, None),
    ("Zou iemand vandaag een maaltijd kunnen brengen", Kind.MEAL, TUESDAY),
    ("kan iemand me morgen naar het ziekenhuis rijden", Kind.LIFT, TOMORROW),
    ("ik moet donderdag naar een afspraak, kan iemand me brengen", Kind.LIFT, None),
    ("Wie wil medicijnen ophalen bij de apotheek", Kind.MEDICINE, None),
    ("kan iemand mijn medicijnen halen", Kind.MEDICINE, None),
    ("mijn lamp is kapot, kan iemand helpen", Kind.JOB, None),
    ("een klusje in de tuin", Kind.JOB, None),
    ("Ik zou graag gezelschap hebben", Kind.COMPANY, None),
    ("wie komt er een kopje koffie drinken", Kind.COMPANY, None),
    ("ik wil graag een praatje maken", Kind.CHAT, None),
    ("hulp", None, None),
    ("Ik heb hulp nodig", None, None),
    ("help", None, None),
    ("kan er iemand helpen overmorgen", None, TUESDAY + dt.timedelta(days=2)),
    ("Can someone do my groceries tomorrow?", Kind.GROCERIES, TOMORROW),
    ("I need a lift to the hospital on Monday", Kind.LIFT, TUESDAY + dt.timedelta(days=6)),
    ("could someone bring me soup today", Kind.MEAL, TUESDAY),
    ("I need help with shopping", Kind.GROCERIES, None),
    ("can someone pick up my medicine from the pharmacy", Kind.MEDICINE, None),
    ("would someone fix my curtain", Kind.JOB, None),
    ("I would like some company", Kind.COMPANY, None),
    ("Boodschappen!", Kind.GROCERIES, None),
    ("SOEP AUB", Kind.MEAL, None),
    ("ik heb geen eten meer in huis", Kind.MEAL, None),
    ("kan iemand mij volgende week woensdag rijden", Kind.LIFT, TUESDAY + dt.timedelta(days=1)),
]
OTHERS = [
    # (what was typed, what it is)
    ("ik voel me niet zo lekker", Intent.NOT_WELL),
    ("Het gaat niet goed met me", Intent.NOT_WELL),
    ("ik ben gevallen", Intent.NOT_WELL),
    ("ik ben duizelig", Intent.NOT_WELL),
    ("ik heb veel pijn", Intent.NOT_WELL),
    ("ik ben ziek", Intent.NOT_WELL),
    ("I am not feeling well", Intent.NOT_WELL),
    ("I fell in the kitchen", Intent.NOT_WELL),
    ("feeling poorly today", Intent.NOT_WELL),
    ("niet goed", Intent.NOT_WELL),
    ("ik maak me zorgen over Jan", Intent.WORRY),
    ("Ik ben ongerust over mijn buurvrouw", Intent.WORRY),
    ("ik heb zorgen om meneer de Vries", Intent.WORRY),
    ("I'm worried about Mrs Smith", Intent.WORRY),
    ("concerned about my neighbour", Intent.WORRY),
    ("wil je me even bellen", Intent.CONTACT),
    ("graag even contact", Intent.CONTACT),
    ("please call me", Intent.CONTACT),
    ("alles goed", Intent.ALL_WELL),
    ("Prima hoor!", Intent.ALL_WELL),
    ("goed", Intent.ALL_WELL),
    ("all good thanks", Intent.ALL_WELL),
    ("fine", Intent.ALL_WELL),
    ("ja", Intent.ALL_WELL),
    ("hallo", Intent.UNKNOWN),
    ("goedemiddag", Intent.UNKNOWN),
    ("hoe laat is het", Intent.UNKNOWN),
    ("de kat is weer thuis", Intent.UNKNOWN),
    ("lampje", Intent.UNKNOWN),  # short words must be spelt right
    ("ok doei", Intent.ALL_WELL),
    ("nee", Intent.UNKNOWN),
    ("", Intent.UNKNOWN),
    ("🙂", Intent.UNKNOWN),
    ("the weather is nice", Intent.UNKNOWN),
    ("ik ga boodschappen doen", Intent.UNKNOWN),  # what one does oneself: news
    ("I'm going to the supermarket", Intent.UNKNOWN),
    ("goed niet", Intent.NOT_WELL),  # never read as all well
    ("no not good", Intent.NOT_WELL),
]


@pytest.mark.parametrize(("text", "kind", "day"), ASKS, ids=[t for t, _k, _d in ASKS])
def test_asking_for_help_is_understood(text, kind, day):
    said = understand(text, TUESDAY)
    assert said.intent == Intent.ASK_HELP
    assert said.kind == kind
    if day is not None:
        assert said.day == day


@pytest.mark.parametrize(("text", "intent"), OTHERS, ids=[t or "empty" for t, _i in OTHERS])
def test_other_words_are_placed_or_left_alone(text, intent):
    assert understand(text, TUESDAY).intent == intent


def test_the_table_is_big_enough():
    assert len(ASKS) + len(OTHERS) >= 60


async def test_free_words_start_a_request_with_what_was_said(world, circle):  # noqa: F811
    riet = circle["people"]["Riet"]
    said = "Hallo, ik wil graag dat iemand morgen boodschappen voor me doet"
    [offer] = await world.say(riet, said)
    assert offer["text"] == "Wil je hulp vragen bij boodschappen, morgen?"
    [summary] = await world.tap(riet, "🙏 Ja, vraag het")
    # Kind, day and the words were understood: straight to the summary, one tap to send.
    assert summary["text"].startswith("Dit ga ik versturen:")
    assert "boodschappen, morgen" in summary["text"]
    assert "Hallo, ik wil graag dat iemand morgen boodschappen" in summary["text"]
    await world.tap(riet, "✅ Versturen")
    requests = await world.runtime.db.fetchall("SELECT kind, day, details FROM requests")
    assert [tuple(r) for r in requests] == [("groceries", TOMORROW.isoformat(), said)]


async def test_not_well_in_words_reaches_the_neighbours_after_a_yes(world, circle):  # noqa: F811
    p = circle["people"]
    [offer] = await world.say(p["Riet"], "ik voel me niet zo lekker")
    assert offer["text"].startswith("Wat naar dat het niet zo goed gaat.")
    before = len(world.texts(p["Sandra"].id))
    await world.tap(p["Riet"], "😟 Ja, laat het ze weten")
    await world.runtime.tick()
    assert "Sandra" in world.texts(p["Riet"].id)[-1]  # told who was asked, truthfully
    assert len(world.texts(p["Sandra"].id)) > before
    assert "Riet" in world.texts(p["Sandra"].id)[-1]


async def test_a_no_leaves_nobody_told(world, circle):  # noqa: F811
    p = circle["people"]
    await world.say(p["Riet"], "ik voel me niet zo lekker")
    before = {n: len(world.texts(u.id)) for n, u in p.items() if n != "Riet"}
    [menu] = await world.tap(p["Riet"], "Nee, dank je")
    assert menu["text"] == "Goed. Hier is het menu."
    await world.runtime.tick()
    assert {n: len(world.texts(u.id)) for n, u in p.items() if n != "Riet"} == before


async def test_a_voice_message_can_become_a_worry(world, circle):  # noqa: F811
    riet = circle["people"]["Riet"]
    update = await world.emulator.send_voice(riet.id, riet.id)
    await world.handled(update)
    assert world.texts(riet.id)[-1] == "Ik heb je spraakbericht. Wat wil je dat ik ermee doe?"
    [question] = await world.tap(riet, "💭 Deel het als zorg")
    assert question["text"].startswith("Om wie maak je je zorgen?")
    draft = await world.store.draft(riet.id)
    assert draft[0] == "worry" and draft[1]["voice_file_id"]


async def test_a_reply_in_words_answers_all_well(world, circle):  # noqa: F811
    p, m = circle["people"], circle["members"]
    await switch_on(world, m["Riet"])
    await at(world, 10, 0)
    question = world.emulator.bot_messages(p["Riet"].id)[-1]
    update = await world.emulator.send_text(
        p["Riet"].id,
        p["Riet"].id,
        "niet zo goed vandaag",
        reply_to_message_id=question["message_id"],
    )
    await world.handled(update)
    await world.runtime.tick()
    assert world.texts(p["Riet"].id)[-1].startswith("Wat vervelend. Ik heb Sandra gevraagd")
    rounds = await world.runtime.db.fetchall(
        "SELECT need FROM checkin_rounds WHERE member_id = ?", (m["Riet"].id,)
    )
    assert ("notwell",) in [tuple(r) for r in rounds]


async def test_words_it_cannot_place_get_the_menu(world, circle):  # noqa: F811
    riet = circle["people"]["Riet"]
    [reply] = await world.say(riet, "de kat is weer thuis")
    assert reply["text"].startswith("Dat begreep ik niet helemaal.")


async def test_money_in_free_words_is_refused_like_in_the_wizard(world, circle):  # noqa: F811
    p = circle["people"]
    await world.say(p["Riet"], "kan iemand morgen geld voor me pinnen")
    [refusal] = await world.tap(p["Riet"], "🙏 Ja, vraag het")
    assert refusal["text"].startswith("Vragen over geld, een pincode of een bankpas")
    assert await world.store.draft(p["Riet"].id) is None
