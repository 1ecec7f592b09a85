"""Names people see: invisible characters and look-alike letters never make a name."""

from __future__ import annotations

import pytest

from domain.circles import clean_name


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Riet", "Riet"),
        ("  Mevrouw   de Vries ", "Mevrouw de Vries"),
        ("Ayşe", "Ayşe"),
        ("فاطمة", "فاطمة"),
        ("Jan-Willem", "Jan-Willem"),
        ("Ｈｅｎｋ", "Henk"),  # full-width letters become plain ones
        ("He\u200bnk", "Henk"),  # a zero-width space is taken out
        ("\u202eknеH", None),  # a direction override and a Cyrillic е: refused
        ("Неnk", None),  # Cyrillic Н and е posing as Henk
        ("Ηenk", None),  # a Greek Eta
        ("\u200b\u200d", None),  # nothing visible
        ("🙂", None),  # no letter at all
        ("/start", None),
        ("", None),
        ("Riet 🌷", "Riet 🌷"),
        ("Олег", "Олег"),  # Cyrillic alone is a name like any other
    ],
)
def test_names(typed, kept):
    assert clean_name(typed) == kept


async def test_a_look_alike_name_is_refused_kindly_in_onboarding(world):
    henk, kees = world.person("Henk"), world.person("Kees")
    chat_id = await world.group_with_bot("Zandweerd", henk, [kees])
    await world.say(kees, f"/start {world.join_link_code(chat_id)}")
    [reply] = await world.say(kees, "Неnk")
    assert reply["text"] == "Typ alsjeblieft een naam van een paar letters, of tik op de knop."
