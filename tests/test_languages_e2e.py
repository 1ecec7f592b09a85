"""The neighbourhood's languages end to end: someone who reads Turkish joins, asks for
help, answers "Alles goed?" and shares a worry in Turkish; the neighbours read Dutch."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from core.i18n import I18n
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
    assert "Buna sevindim! İyi günler." in world.texts(ayse.id)
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
