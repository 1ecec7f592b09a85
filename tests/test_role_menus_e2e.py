"""Each role its own menu (issue 17, point 3): the member, the superbuur, the voorzitter
and the professional each see their own buttons, their own "/" command list
(``BotCommandScopeChat``) and their own /help; every button on a menu works for the
person who sees it."""

from __future__ import annotations

import pytest

from domain.signals import WorryKind
from tests.support import build_circle

MEMBER_MENU = [
    ["🙏 Ik zoek hulp", "🤝 Ik help"],
    ["🕯️ Mijn “Alles goed?”", "💭 Ik maak me zorgen"],
    ["👥 Mijn kring", "🧭 Wegwijzer"],
    ["❓ Wat kan deze bot?", "🌐 Taal"],
]
VOORZITTER_MENU = [
    ["🙏 Ik zoek hulp", "🤝 Ik help"],
    ["🕯️ Mijn “Alles goed?”", "💭 Ik maak me zorgen"],
    ["📊 Overzicht", "📣 Samen iets doen"],
    ["👥 Mijn kring", "🧭 Wegwijzer"],
    ["❓ Wat kan deze bot?", "🌐 Taal"],
]
PROFESSIONAL_MENU = [
    ["💭 Open zorgen", "📊 Overzicht"],
    ["📇 Contactpersonen", "🧭 Wegwijzer"],
    ["❓ Wat kan deze bot?", "🌐 Taal"],
]
MEMBER_COMMANDS = [
    "start",
    "help",
    "taal",
    "hulpvraag",
    "helpen",
    "taken",
    "activiteit",
    "aanbod",
    "zorgen",
    "cirkel",
    "waakvlam",
    "wegwijzer",
    "mijngegevens",
    "vergeetmij",
]
REFUSALS = ("Dit kan alleen de voorzitter", "Alleen de voorzitter en de professional")


@pytest.fixture
async def circle(world):
    """Zandweerd: Henk (voorzitter), Sandra, Riet, Jan; Fatima linked as professional."""
    people, members = await build_circle(
        world, ("Henk", "Sandra", "Riet", "Jan"), professional="Fatima"
    )
    return {"people": people, "members": members}


def menu(message):
    return [[b["text"] for b in row] for row in message["_keyboard"]["keyboard"]]


async def test_each_role_sees_its_own_menu(world, circle):
    p = circle["people"]
    [riet] = await world.say(p["Riet"], "/start")
    assert menu(riet) == MEMBER_MENU
    [henk] = await world.say(p["Henk"], "/start")
    assert menu(henk) == VOORZITTER_MENU
    [fatima] = await world.say(p["Fatima"], "/start")
    assert menu(fatima) == PROFESSIONAL_MENU
    # Someone in no circle yet: only help and language.
    [stranger] = await world.say(world.person("Kees"), "/start")
    assert menu(stranger) == [["❓ Wat kan deze bot?", "🌐 Taal"]]


async def test_every_button_of_the_professionals_menu_works_for_her(world, circle):
    p, m = circle["people"], circle["members"]
    fatima = p["Fatima"]
    [none] = await world.say(fatima, "💭 Open zorgen")
    assert none["text"] == "Geen open zorgen. 🌿"
    worries = world.runtime.services.worries
    await worries.create(
        circle_id=m["Jan"].circle_id,
        sender_id=p["Jan"].id,
        about=m["Sandra"],
        about_self=False,
        kind=WorryKind.LONELINESS,
        details="ze komt de deur niet uit",
        voice_file_id=None,
        urgency="week",
        safety=False,
    )
    await world.runtime.tick()
    [worry] = await world.say(fatima, "💭 Open zorgen")
    assert worry["text"].startswith("💭 Een zorg uit Zandweerd, deze week:")
    assert worry["text"].endswith("Nog niet opgepakt")
    await world.tap(fatima, "👍 Ik pak dit op")
    # Picked up is still open: it stays on her list until it is closed.
    [worry] = await world.say(fatima, "/zorgen")
    assert worry["text"].endswith("Opgepakt")
    overview = await world.say(fatima, "📊 Overzicht")
    assert overview[0]["text"].startswith("Cijfers voor het signaleringsoverleg")
    for way in ("📇 Contactpersonen", "/cirkel"):
        [contacts] = await world.say(fatima, way)
        assert contacts["text"] == "Zandweerd\nContactpersonen in de kring:\n• Henk — voorzitter"
    [signposts] = await world.say(fatima, "🧭 Wegwijzer")
    assert signposts["text"].startswith("🧭 Wegwijzer — Zandweerd")
    assert [b["text"] for b in world.emulator.buttons(signposts)] == ["➕ Regel toevoegen"]
    [explained] = await world.say(fatima, "❓ Wat kan deze bot?")
    assert explained["text"].startswith("Als professional krijg je alleen wat de kring")
    assert "Je buren om hulp vragen" not in explained["text"]
    for text in world.texts(fatima.id):
        assert not text.startswith(REFUSALS), text


async def test_the_voorzitters_menu_has_overview_and_activity(world, circle):
    p = circle["people"]
    sent = await world.say(p["Henk"], "📊 Overzicht")
    assert "📈 De laatste acht weken van Zandweerd." in [m.get("caption") for m in sent]
    assert sent[-1]["text"].startswith("Cijfers voor het signaleringsoverleg")
    [question] = await world.say(p["Henk"], "📣 Samen iets doen")
    assert question["text"] == "Wat wil je samen doen?"
    # A member who types /overzicht is told kindly whose it is; the button is not hers.
    [refusal] = await world.say(p["Riet"], "/overzicht")
    assert refusal["text"].startswith("Alleen de voorzitter en de professional")


async def test_help_lists_what_each_role_can_do(world, circle):
    p, m = circle["people"], circle["members"]
    async with world.store.db.write() as tx:
        await world.store.set_role(tx, m["Sandra"].id, "superbuur")
    [riet] = await world.say(p["Riet"], "/help")
    assert riet["text"].startswith("Wat deze bot doet, in het kort:")
    assert "Als voorzitter" not in riet["text"] and "Als superbuur" not in riet["text"]
    assert riet["text"].endswith("ook niet met buren.")
    [sandra] = await world.say(p["Sandra"], "/help")
    assert "Als superbuur kun je ook:\n• helpen bij hulpvragen" in sandra["text"]
    assert "Als voorzitter" not in sandra["text"]
    [henk] = await world.say(p["Henk"], "❓ Wat kan deze bot?")
    assert "Als voorzitter kun je ook:\n• /overzicht: de week in je kring" in henk["text"]
    assert "/activiteit" in henk["text"]
    [fatima] = await world.say(p["Fatima"], "/help")
    assert fatima["text"].startswith("Als professional")
    assert "/zorgen: de open zorgen" in fatima["text"]
    assert fatima["text"].endswith("Bij nood: bel 112.")


async def test_commands_per_role_in_each_chat(world, circle):
    p = circle["people"]
    emu = world.emulator
    # A member sees the default list: no overview, no inviting.
    assert emu.visible_commands(p["Riet"].id) == MEMBER_COMMANDS
    assert ("chat:" + str(p["Riet"].id), "") not in emu.commands
    henk = emu.visible_commands(p["Henk"].id)
    assert {"overzicht", "uitnodigen", "activiteit"} <= set(henk)
    fatima = emu.commands[("chat", "", p["Fatima"].id, None)]
    assert [c["command"] for c in fatima] == [
        "start",
        "help",
        "taal",
        "zorgen",
        "overzicht",
        "cirkel",
        "wegwijzer",
        "mijngegevens",
        "vergeetmij",
    ]
    descriptions = {c["command"]: c["description"] for c in fatima}
    assert descriptions["zorgen"] == "De open zorgen"
    assert descriptions["cirkel"] == "De contactpersonen van de kring"

    # Henk makes Riet superbuur: her list follows at once; back to lid, back to default.
    async def make(name, role):
        await world.say(p["Henk"], "/cirkel")
        await world.tap(p["Henk"], "Rollen aanpassen")
        await world.tap(p["Henk"], f"{name} — lid" if role != "lid" else f"{name} — superbuur")
        await world.tap(p["Henk"], role)

    await make("Riet", "superbuur")
    assert "uitnodigen" in emu.visible_commands(p["Riet"].id)
    assert "overzicht" not in emu.visible_commands(p["Riet"].id)
    await make("Riet", "lid")
    assert emu.visible_commands(p["Riet"].id) == MEMBER_COMMANDS
    assert (f"chat:{p['Riet'].id}", "") not in emu.commands

    # Her own list speaks her language: Henk chooses English.
    await world.say(p["Henk"], "/taal")
    await world.tap(p["Henk"], "English")
    henk = {c["command"]: c["description"] for c in emu.commands[("chat", "", p["Henk"].id, None)]}
    assert henk["overzicht"] == "Overview: the week, or open worries"

    # Forgotten: the chat's own list goes too.
    await world.say(p["Fatima"], "/vergeetmij")
    await world.tap(p["Fatima"], "Ja, wis alles")
    assert (f"chat:{p['Fatima'].id}", "") not in emu.commands
