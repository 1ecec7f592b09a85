"""Fewer taps, no dead ends (issue 17, point 4): the core actions take at most three taps
from the main menu; the most asked kinds of help come first; the "Alles goed?" panel
comes back by itself after a choice; its time can be any half hour, or typed; a text
cut at a length limit is said, and cut after a word."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.calendar import parse_time
from domain.text import clip
from tests.support import at, build_circle, switch_on

MAX_TAPS = 3


class Taps:
    """A person's hands: every button pressed and every menu button counted."""

    def __init__(self, world) -> None:
        self.world = world
        self.count = 0

    async def menu(self, person, label: str) -> list[dict]:
        self.count += 1
        return await self.world.say(person, label)

    async def tap(self, person, label: str, chat_id: int | None = None) -> list[dict]:
        self.count += 1
        return await self.world.tap(person, label, chat_id)


@pytest.fixture
async def circle(world):
    """Zandweerd: Henk (voorzitter), Sandra (superbuur), Riet and Jan; Fatima linked."""
    people, members = await build_circle(
        world, ("Henk", "Sandra", "Riet", "Jan"), {"Sandra": "superbuur"}, professional="Fatima"
    )
    chat_id = (await world.store.circle(members["Riet"].circle_id)).chat_id
    return {"people": people, "members": members, "chat_id": chat_id}


async def test_the_core_actions_take_at_most_three_taps(world, circle):
    p, m, chat_id = circle["people"], circle["members"], circle["chat_id"]
    counted = {}

    # Ask for help: the menu, the kind, Send.
    hands = Taps(world)
    await hands.menu(p["Riet"], "🙏 Ik zoek hulp")
    await hands.tap(p["Riet"], "🛒 Boodschappen")
    await hands.tap(p["Riet"], "✅ Versturen")
    counted["ask for help"] = hands.count
    post = world.emulator.bot_messages(chat_id)[-1]
    assert post["text"] == "Riet zoekt hulp: boodschappen, maakt niet uit wanneer."
    [request] = await world.store.open_requests([m["Riet"].circle_id])

    # Offer help on it: the menu, "Ik help" (in the group it is one tap).
    hands = Taps(world)
    await hands.menu(p["Jan"], "🤝 Ik help")
    await hands.tap(p["Jan"], "🙋 Ik help")
    counted["offer help"] = hands.count
    assert (await world.store.help_request(request.id)).status == "claimed"
    assert world.texts(p["Jan"].id)[-1].startswith("Dank je wel dat je helpt!")

    # Answer "Alles goed?": one tap on the question itself.
    await switch_on(world, m["Riet"])
    await at(world, 10)
    hands = Taps(world)
    await hands.tap(p["Riet"], "👍 Alles goed")
    counted["answer “Alles goed?”"] = hands.count
    [round_] = await world.store.rounds_of(m["Riet"].id)
    assert round_.answer == "ok" and not round_.open

    # Share a worry: the menu, whom it is about, Send.
    hands = Taps(world)
    await hands.menu(p["Jan"], "💭 Ik maak me zorgen")
    await hands.tap(p["Jan"], "Sandra")
    await hands.tap(p["Jan"], "✅ Versturen")
    counted["share a worry"] = hands.count
    assert world.texts(p["Jan"].id)[-1].startswith("Je zorg is verstuurd naar Henk, Fatima.")
    assert world.texts(p["Fatima"].id)[-1].startswith("💭 Een zorg uit Zandweerd, deze week:")

    print("taps from the main menu:", counted)
    assert counted == {
        "ask for help": 3,
        "offer help": 2,
        "answer “Alles goed?”": 1,
        "share a worry": 3,
    }
    assert max(counted.values()) <= MAX_TAPS


async def test_the_most_asked_kinds_come_first(world, circle):
    p = circle["people"]
    [question] = await world.say(p["Riet"], "🙏 Ik zoek hulp")
    assert [b["text"] for b in world.emulator.buttons(question)] == [
        "🛒 Boodschappen",
        "🍲 Soep of een maaltijd",
        "🚗 Vervoer of een lift",
        "☕ Gezelschap of bezoek",
        "🔧 Een klusje",
        "➕ Iets anders…",
        "✖ Stoppen",
    ]
    [rest] = await world.tap(p["Riet"], "➕ Iets anders…")
    assert [b["text"] for b in world.emulator.buttons(rest)] == [
        "💊 Medicijnen ophalen",
        "💬 Graag even een praatje",
        "🗣️ Ik wil iets kwijt",
        "✏️ Iets anders",
        "« Terug",
        "✖ Stoppen",
    ]
    # The summary follows at once: Send, when, who may see it (the whole circle ticked).
    [summary] = await world.tap(p["Riet"], "💊 Medicijnen ophalen")
    assert summary["text"].startswith("Dit ga ik versturen:\n\nRiet zoekt hulp: medicijnen ophalen")
    assert [b["text"] for b in world.emulator.buttons(summary)] == [
        "✅ Versturen",
        "📅 Wanneer?",
        "✓ De hele kring (in de groep)",
        "Alleen de superburen en de voorzitter",
        "« Terug",
        "✖ Stoppen",
    ]
    # Who may see it is ticked in place: no new message, the text follows.
    sent = await world.tap(p["Riet"], "Alleen de superburen en de voorzitter")
    assert sent == []
    summary = world.emulator.bot_messages(p["Riet"].id)[-1]
    assert "Alleen de superburen en de voorzitter zien het." in summary["text"]
    assert "✓ Alleen de superburen en de voorzitter" in [
        b["text"] for b in world.emulator.buttons(summary)
    ]
    # A few words typed at the summary: added, the summary again (the old one's
    # buttons go), and Send.
    [again] = await world.say(p["Riet"], "de recepten liggen bij de apotheek")
    assert "“de recepten liggen bij de apotheek”" in again["text"]
    assert world.emulator.buttons(summary) == []
    await world.tap(p["Riet"], "✅ Versturen")
    assert world.texts(p["Sandra"].id)[-1].startswith("Riet zoekt hulp: medicijnen ophalen")


async def test_the_panel_comes_back_by_itself_after_a_choice(world, circle):
    p, m = circle["people"], circle["members"]
    await world.say(p["Riet"], "/waakvlam")
    await world.tap(p["Riet"], "✅ Aanzetten")
    await world.tap(p["Riet"], "🕙 Tijd")  # the panel becomes the time screen
    time_screen = world.emulator.bot_messages(p["Riet"].id)[-1]
    labels = [b["text"] for b in world.emulator.buttons(time_screen)]
    # The whole day in half hours, the current one ticked.
    half_hours = [f"{h:02d}:{mm:02d}" for h in range(24) for mm in (0, 30)]
    assert [label.removeprefix("✓ ") for label in labels[:-1]] == half_hours
    assert "✓ 10:00" in labels and labels[-1] == "« Terug"
    assert "typ er een, bijvoorbeeld 9.30" in time_screen["text"]
    await world.tap(p["Riet"], "21:30")
    assert world.last_alert() == "Bewaard."
    assert world.emulator.callback_answers[-1]["show_alert"] is True
    panel = world.emulator.bot_messages(p["Riet"].id)[-1]
    assert "Wanneer: elke dag om 21:30." in panel["text"]
    assert "🕙 Tijd" in [b["text"] for b in world.emulator.buttons(panel)]
    await world.tap(p["Riet"], "📅 Dagen")
    await world.tap(p["Riet"], "Werkdagen")
    panel = world.emulator.bot_messages(p["Riet"].id)[-1]
    assert "Wanneer: op werkdagen om 21:30." in panel["text"]
    settings = await world.store.checkin_settings(m["Riet"].id)
    assert settings.at == dt.time(21, 30) and settings.days == frozenset(range(5))


async def test_a_typed_time_is_taken_while_the_time_screen_is_open(world, circle):
    p, m = circle["people"], circle["members"]
    riet = p["Riet"]
    await world.say(riet, "/waakvlam")
    await world.tap(riet, "✅ Aanzetten")
    await world.tap(riet, "🕙 Tijd")
    [panel] = await world.say(riet, "9.30")
    assert "Wanneer: elke dag om 09:30." in panel["text"]
    assert (await world.store.checkin_settings(m["Riet"].id)).at == dt.time(9, 30)
    assert await world.store.draft(riet.id) is None
    # Not a time: said kindly, the screen keeps waiting; then "kwart over negen" works.
    await world.tap(riet, "🕙 Tijd")
    [reply] = await world.say(riet, "25.00")
    assert reply["text"].startswith("Die tijd begrijp ik niet. Typ hem zo: 9.30.")
    [panel] = await world.say(riet, "half acht")
    assert "om 07:30." in panel["text"]
    # A time tapped closes the question: later words are not taken as a time.
    await world.tap(riet, "🕙 Tijd")
    await world.tap(riet, "08:00")
    [reply] = await world.say(riet, "10.00")
    assert reply["text"].startswith("Dat begreep ik niet helemaal.")
    assert (await world.store.checkin_settings(m["Riet"].id)).at == dt.time(8, 0)
    # Words that are no time go on as any message would (and lose nothing), also when
    # they hold a number.
    for words in ("ik ga boodschappen doen", "ik ben om 3 uur weer thuis"):
        await world.tap(riet, "🕙 Tijd")
        [reply] = await world.say(riet, words)
        assert reply["text"].startswith("Dat begreep ik niet helemaal.")
        assert await world.store.draft(riet.id) is None
        await world.tap(riet, "« Terug")
    # The screen left open a long while: a time typed later is no answer to it.
    await world.tap(riet, "🕙 Tijd")
    world.clock.advance(minutes=20)
    [reply] = await world.say(riet, "9.30")
    assert reply["text"].startswith("Dat begreep ik niet helemaal.")
    assert (await world.store.checkin_settings(m["Riet"].id)).at == dt.time(8, 0)
    # Someone else's check-in time cannot be typed: Sandra may only pause Riet's.
    await world.say(p["Sandra"], "/waakvlam")
    await world.tap(p["Sandra"], "Riet")
    assert "🕙 Tijd" not in [
        b["text"] for b in world.emulator.buttons(world.emulator.bot_messages(p["Sandra"].id)[-1])
    ]


async def test_a_long_text_is_cut_after_a_word_and_said(world, circle):
    p = circle["people"]
    await world.say(p["Riet"], "🙏 Ik zoek hulp")
    await world.tap(p["Riet"], "🛒 Boodschappen")
    long = " ".join(f"woord{n}" for n in range(120))  # 840 characters
    [notice, summary] = await world.say(p["Riet"], long)
    assert notice["text"].startswith(
        "Dat was langer dan 500 tekens. Ik heb het eerste deel bewaard"
    )
    details = summary["text"].split("“")[1].split("”")[0]
    assert len(details) <= 500 and details.endswith("…")
    assert long.startswith(details.removesuffix("…"))
    last_word = details.removesuffix("…").split()[-1]
    assert last_word in long.split()  # a whole word, not cut in the middle
    assert f"tot en met: “{' '.join(details.removesuffix('…').split()[-4:])}”" in notice["text"]
    # A name is cut after a word too, and said.
    kees = world.person("Kees")
    # In the Telegram group, so the group's link lets him in without the voorzitter.
    await world.handled(await world.emulator.user_joins_group(circle["chat_id"], kees.id))
    code = world.join_link_code(circle["chat_id"])
    await world.say(kees, f"/start {code}")
    name = "Cornelis Johannes Maria van den Heuvel-Oosterhout tot Zevenbergen"
    [notice, _language] = await world.say(kees, name)
    assert notice["text"] == (
        "Dat was langer dan 40 tekens. Ik heb het eerste deel bewaard, tot en met: "
        "“Cornelis Johannes Maria van den”."
    )


@pytest.mark.parametrize(
    ("typed", "time"),
    [
        ("9.30", "09:30"),
        ("9:30", "09:30"),
        ("09.30", "09:30"),
        ("0930", "09:30"),
        ("930", "09:30"),
        ("9,30", "09:30"),
        ("9h30", "09:30"),
        ("9", "09:00"),
        ("9 uur", "09:00"),
        ("21.00", "21:00"),
        ("13:45u", "13:45"),
        ("0", "00:00"),
        ("23:59", "23:59"),
        ("9.30 pm", "21:30"),
        ("12 pm", "12:00"),
        ("12am", "00:00"),
        ("half tien", "09:30"),
        ("Half Tien", "09:30"),
        ("half 10", "09:30"),
        ("kwart over negen", "09:15"),
        ("kwart voor tien", "09:45"),
        ("tien uur", "10:00"),
        ("half drie", "14:30"),
        ("half een", "12:30"),
        ("24.00", None),
        ("9.60", None),
        ("7.5", None),
        ("half", None),
        ("half dertien", None),
        ("13 pm", None),
        ("boodschappen", None),
        ("", None),
    ],
)
def test_a_time_as_people_type_it(typed, time):
    expected = dt.time.fromisoformat(time) if time else None
    assert parse_time(typed) == expected


@pytest.mark.parametrize(
    ("text", "limit", "kept", "cut"),
    [
        ("kort", 10, "kort", False),
        ("precies tien", 12, "precies tien", False),
        ("hallo wereld dit is een test", 15, "hallo wereld…", True),
        ("hallo wereld dit is een test", 13, "hallo wereld…", True),
        ("a" * 30, 10, "a" * 9 + "…", True),  # one long word: cut where it must
        ("een, twee, drie", 11, "een, twee…", True),  # no comma before the mark
    ],
)
def test_clip_cuts_after_a_word(text, limit, kept, cut):
    clipped = clip(text, limit)
    assert (clipped.text, clipped.cut) == (kept, cut)
    assert len(clipped.text) <= limit
