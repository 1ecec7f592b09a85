"""Requests about money, a PIN or a bank card are not posted; the asker and voorzitter know.

The table is the safeguard's specification: what must be refused and what must pass,
in Dutch and English, with the tricks that once slipped through and the ordinary
requests that must not raise a false alarm. The decisions on words that go either way
(bank, lenen, pin) are explained in ``domain/safeguards.py``.
"""

from __future__ import annotations

import pytest

from domain.safeguards import INVISIBLE, asks_for_money, normalise

REFUSED = [
    # the old list
    "kun je voor me pinnen?",
    "mijn pincode is 1234",
    "wil je mijn bankpas meenemen",
    "kan ik 50 euro lenen",
    "graag € 20 voor de boodschappen",
    "maak het over naar NL91 ABNA 0417 1643 00",
    "stuur een tikkie",
    "I need money",
    "geld nodig",
    # tricks: invisible characters, full-width, look-alike letters, accents, hyphens
    "mijn P\u200bIN-code",
    "mijn P\u200cI\u200dN",
    "de p\u2060in\ufeffcode is 1234",
    "mijn pin\u00adcode",
    "mijn \u202ePIN\u202c en \u2066pas\u2069je",
    "ＰＩＮ ２４６８",
    "mijn \u0420IN",  # a Cyrillic Р
    "mijn pin-code",
    "mijn p.i.n. is 1234",
    "mijn p i n",
    "wachtwóórd van de bank",
    "GELD OPNEMEN",
    # compounds
    "haal je wat bij de geldautomaat?",
    "mijn spaargeld staat thuis",
    "neem mijn pinpas mee",
    "wil je mijn inlogcode bewaren",
    "mijn pasje ligt op tafel",
    "breng je mijn bankpasje terug",
    "hulp met DigiD",
    "wat is mijn wachtwoord ook alweer",
    "ik krijg een beveiligingscode per sms",
    "kun je het bedrag overmaken",
    "wil je het overschrijven naar mijn zoon",
    "ik betaal contant",
    "contanten ophalen",
    "ik heb cash nodig",
    "even pinnen bij de Jumbo",
    "kun je iets opnemen bij de automaat",
    "op mijn rekening staat te weinig",
    "mijn betaalpas doet het niet",
    "een creditcard aanvragen",
    "wat is je IBAN?",
    "€50 voor de kapper",
    "50 euro meenemen",
    "vijftig euro",
    "ik stuur een betaalverzoek",
    "een pinautomaat-wandeling",
    "wil je mijn bankzaken regelen",
    "internetbankieren lukt niet",
    # lending: money, or nothing named and paid back by a moment
    "kun je me geld lenen",
    "kun je me wat lenen tot vrijdag",
    "kun je me tot vrijdag iets lenen",
    "wil je het even voorschieten",
    # English
    "can you bring some cash",
    "my PIN is 4321",
    "please take my bank card to the shop",
    "what is my password again",
    "could you withdraw 100 for me",
    "can you transfer it to my account",
    "help with online banking",
    "could you lend me some until Friday",
]

PASSED = [
    # the old list
    "soep brengen",
    "boodschappen: melk en brood",
    "een lift naar het ziekenhuis om 10:00",
    "Wijkteam: 0570 123 456",
    "even een praatje",
    "de tuin omspitten",
    None,
    "",
    # borrowing a thing is ordinary
    "iets lenen: een boor",
    "mag ik je ladder lenen tot vrijdag",
    "kun je me wat lenen?",
    "ik wil graag een boor lenen",
    "can I borrow your drill",
    "could you lend me a ladder",
    # bank alone is a bench, a sofa, or a place to be driven to
    "naar de bank (de zitbank) in het park wandelen",
    "samen op de bank een film kijken",
    "een lift naar de bank",
    # pin inside another word
    "pindakaas meenemen",
    "een zakje pinda's",
    "spinazie uit de diepvries",
    "wat is jouw opinie",
    "pingpong in het buurthuis",
    "een pincet lenen",
    "mijn pink is gekneusd",
    # geld, rekening, pas inside ordinary words
    "boodschappen doen bij de Jumbo",
    "het is al geregeld, dank je",
    "is mijn paspoort nog geldig?",
    "dat geldt ook voor de buren",
    "houd er rekening mee dat ik slecht hoor",
    "kun je rekening houden met mijn rollator",
    "ik ben pas geopereerd",
    "kun je pas morgen komen?",
    "mijn pas gekochte lamp ophangen",
    "mijn bibliotheekpasje verlengen",
    "een waterpasje lenen",
    "cashewnoten voor de verjaardag",
    "een cryptogram samen oplossen",
    "maak je geen zorgen over mij",
    "de telefoon opnemen als ik bel",
    "we gaan naar Europa Park",
    # English
    "help me transfer from the bed to the chair",
    "a cashmere scarf from the attic",
    "a lift to the bank on Monday",
]


def test_the_table_is_big_enough_both_ways():
    assert len(REFUSED) >= 20 and len([t for t in PASSED if t]) >= 20


@pytest.mark.parametrize("text", REFUSED)
def test_money_is_recognised(text):
    assert asks_for_money(text)


@pytest.mark.parametrize("text", PASSED)
def test_ordinary_requests_pass(text):
    assert not asks_for_money(text)


@pytest.mark.parametrize("hidden", list(INVISIBLE))
def test_every_invisible_character_is_removed(hidden):
    assert normalise(f"P{hidden}I{hidden}N") == "pin"
    assert asks_for_money(f"mijn P{hidden}IN")


def test_normalising():
    assert normalise("  Ｇeld\u200b  Ópnemen\n") == "geld opnemen"
    assert normalise("pin-code") == "pincode"
    assert normalise("pinda's") == "pindas"


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


async def test_a_hidden_pin_is_refused_too_and_the_voorzitter_is_told(world):
    """A zero-width space inside PIN does not get it past the bot."""
    henk, riet, jan = world.person("Henk"), world.person("Riet"), world.person("Jan")
    chat_id = await world.group_with_bot("Zandweerd", henk, [riet, jan])
    code = world.join_link_code(chat_id)
    for person in (henk, riet, jan):
        await world.join(person, code)
    posts_before = len(world.emulator.bot_messages(chat_id))
    jan_before = len(world.texts(jan.id))
    await world.say(riet, "🙏 Ik zoek hulp")
    await world.tap(riet, "🛒 Boodschappen")
    [reply] = await world.say(riet, "Boodschappen doen? Mijn P\u200bIN-code krijg je erbij")
    assert reply["text"].startswith(
        "Vragen over geld, een pincode of een bankpas zet de bot niet door."
    )
    assert world.texts(henk.id)[-1].startswith(
        "Riet vroeg iets over geld, een pincode of een bankpas."
    )
    assert "P\u200bIN" not in world.texts(henk.id)[-1]
    assert len(world.emulator.bot_messages(chat_id)) == posts_before
    assert len(world.texts(jan.id)) == jan_before
    assert await world.store.draft(riet.id) is None
