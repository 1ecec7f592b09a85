"""The neighbourhood's languages end to end: someone who reads Turkish or Arabic joins,
answers "Alles goed?" and starts a help request in their language; the group reads Dutch."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core.i18n import FSI, PDI, I18n, read_catalog
from tests.support import at, switch_on


async def test_a_turkish_reader_joins_and_answers_all_well_in_turkish(world):
    henk = world.person("Henk")
    ayse = world.person("Ayşe", language_code="tr")
    chat_id = await world.group_with_bot("Zandweerd", henk, [ayse])
    code = world.join_link_code(chat_id)
    await world.join(henk, code)
    await world.join(ayse, code, language="Türkçe")
    assert world.texts(ayse.id)[-1] == "Zandweerd çevresine hoş geldiniz, Ayşe! Menünüz aşağıda."
    assert (await world.store.user(ayse.id)).language == "tr"
    circle = await world.store.circle_by_chat(chat_id)
    member = await world.store.member_of(circle.id, ayse.id)
    await switch_on(world, member)
    await at(world, 10, 0)
    assert world.texts(ayse.id)[-1].startswith("Günaydın Ayşe, her şey yolunda mı?")
    assert "Acil durumda: 112'yi arayın." in world.texts(ayse.id)[-1]
    await world.tap(ayse, "👍 Her şey yolunda")
    assert world.texts(ayse.id)[-1].endswith("✅ Her şey yolunda — buna sevindim!")
    # Help: the menu button in Turkish leads to the first question in Turkish.
    [question] = await world.say(ayse, "/hulpvraag")
    assert question["text"] == I18n(ZoneInfo("Europe/Amsterdam")).for_language("tr").gettext(
        "What would you like help with? Asking is fine: that is what a circle is for."
    )
    # The group reads Dutch, whoever wrote.
    assert all("Ayşe" not in t or "doet nu mee" in t for t in world.texts(chat_id))


def test_turkish_dates_are_written_the_turkish_way():
    tr = I18n(ZoneInfo("Europe/Amsterdam")).for_language("tr")
    moment = dt.datetime(2026, 11, 24, 13, 0, tzinfo=dt.UTC)
    assert tr.datetime(moment) == "24 Kasım Salı saat 14:00"
    assert tr.date(moment.date()) == "Salı 24 Kasım"


async def test_an_arabic_reader_joins_and_answers_all_well_in_arabic(world):
    henk = world.person("Henk")
    fatima = world.person("Fatima", language_code="ar")
    chat_id = await world.group_with_bot("Zandweerd", henk, [fatima])
    code = world.join_link_code(chat_id)
    await world.join(henk, code)
    await world.join(fatima, code, language="العربية")
    # Inserted names sit in isolates, so a Latin name keeps its place in Arabic text.
    welcome = f"أهلًا بكم في {FSI}Zandweerd{PDI} يا {FSI}Fatima{PDI}! القائمة في الأسفل."
    assert world.texts(fatima.id)[-1] == welcome
    circle = await world.store.circle_by_chat(chat_id)
    await switch_on(world, await world.store.member_of(circle.id, fatima.id))
    await at(world, 10, 0)
    assert world.texts(fatima.id)[-1].startswith(f"صباح الخير يا {FSI}Fatima{PDI}، هل كل شيء بخير؟")
    await world.tap(fatima, "👍 كل شيء بخير")
    assert world.texts(fatima.id)[-1].endswith("✅ كل شيء بخير — يسعدنا سماع ذلك!")
    # The group reads Dutch, without isolates.
    assert "👋 Fatima doet nu mee. Leuk dat je er bent!" in world.texts(chat_id)


def test_arabic_has_its_six_plural_forms_and_dates():
    ar = I18n(ZoneInfo("Europe/Amsterdam")).for_language("ar")
    forms = {n: ar.ngettext("{n} person", "{n} people", n) for n in (0, 1, 2, 5, 11, 100)}
    assert len(set(forms.values())) == 6, forms
    moment = dt.datetime(2026, 11, 24, 13, 0, tzinfo=dt.UTC)
    assert ar.datetime(moment) == "الثلاثاء 24 نوفمبر الساعة 14:00"


def test_a_link_is_never_wrapped_in_isolates():
    ar = I18n(ZoneInfo("Europe/Amsterdam")).for_language("ar")
    text = ar.gettext(
        "Send this link to your neighbour. It works once, until {until}:\n\n{link}",
        until="الثلاثاء",
        link="https://t.me/OmkijkOefenBot?start=c_abc",
    )
    assert text.endswith("\nhttps://t.me/OmkijkOefenBot?start=c_abc")


@pytest.mark.parametrize(("language", "name"), [("tr", "Türkçe"), ("ar", "العربية")])
async def test_ask_for_help_and_share_a_worry_in_the_readers_language(world, language, name):
    """Every button read in the reader's own language, end to end; the group and the
    neighbours read what they chose (Dutch here)."""
    t = I18n(ZoneInfo("Europe/Amsterdam")).for_language(language)
    henk, jan = world.person("Henk"), world.person("Jan")
    reader = world.person("Leyla", language_code=language)
    chat_id = await world.group_with_bot("Zandweerd", henk, [jan, reader])
    code = world.join_link_code(chat_id)
    for person in (henk, jan):
        await world.join(person, code)
    await world.join(reader, code, language=name)

    await world.say(reader, t.gettext("🙏 I'm looking for help"))
    await world.tap(reader, t.gettext("🍲 Soup or a meal"))
    await world.tap(reader, "📅 " + t.gettext("When?"))
    await world.tap(reader, t.gettext("Tomorrow"))
    await world.tap(reader, t.gettext("around {time}", time="12:00"))
    await world.tap(reader, t.gettext("Just once"))
    await world.say(reader, "graag met wat brood")
    await world.tap(reader, t.gettext("✅ Send"))
    await world.runtime.tick()
    post = world.texts(chat_id)[-1]
    assert "Leyla zoekt hulp" in post and "graag met wat brood" in post  # Dutch in the group

    await world.say(reader, t.gettext("💭 I'm worried"))
    await world.tap(reader, "Jan")
    await world.say(reader, "hij komt de deur niet uit")
    await world.tap(reader, t.gettext("✅ Send"))
    await world.runtime.tick()
    assert "hij komt de deur niet uit" in world.texts(henk.id)[-1]  # Henk reads Dutch
    assert not [x for x in world.texts(jan.id) if "deur niet uit" in x]  # never its subject
    # Every word the reader got back was in their language: no Dutch menu word leaked.
    for text in world.texts(reader.id):
        assert "Ik zoek hulp" not in text and "Versturen" not in text, text


@pytest.mark.parametrize(("code", "language"), [("tr", "tr"), ("ar-SA", "ar"), ("fr", "nl")])
async def test_the_first_language_comes_from_telegram(world, code, language):
    """Before anyone chooses, the bot speaks the language Telegram says the person uses
    (Dutch when it does not speak that one)."""
    person = world.person("Deniz", language_code=code)
    [reply] = await world.say(person, "/start")
    welcome = next(
        m.id for m in read_catalog("nl") if str(m.id).startswith("Welcome, {name}! Nice that")
    )
    t = I18n(ZoneInfo("Europe/Amsterdam")).for_language(language)
    assert reply["text"] == t.gettext(welcome, name="Deniz")


def test_the_privacy_statement_in_arabic_is_the_document_itself():
    """What an Arabic reader agrees to is PRIVACY.md's own Arabic section."""
    from domain.privacy import privacy_statement

    statement = privacy_statement("ar")
    assert statement.startswith("<b>ماذا يحفظ البوت؟</b>")
    assert "/mijngegevens" in statement and "/vergeetmij" in statement
    assert "##" not in statement and "Wat bewaart de bot?" not in statement


def test_the_privacy_statement_in_turkish_is_the_document_itself():
    from domain.privacy import privacy_statement

    statement = privacy_statement("tr")
    assert statement.startswith("<b>Bot neleri saklar?</b>")
    assert "Acil durumda: 112'yi arayın." in statement and "##" not in statement
