"""Every text a person can see is translated, in every language the bot speaks."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core.i18n import (
    LANGUAGES,
    I18n,
    extract_messages,
    normalise_language,
    read_catalog,
)
from core.i18n import (
    translated as is_translated,
)


def _ids(catalog):
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_catalogue_has_every_message_in_the_code(language):
    in_code = _ids(extract_messages())
    catalog = read_catalog(language)
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalog
        if m.id and is_translated(m) and not m.fuzzy
    }
    missing = sorted(in_code - translated)
    assert not missing, (
        f"{language}: untranslated messages; run `make locales` and translate: {missing}"
    )


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_translations_keep_their_placeholders(language):
    import re

    for message in read_catalog(language):
        if not message.id or not message.string:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        target = message.string if isinstance(message.string, str) else message.string[0]
        assert set(re.findall(r"\{\w+\}", source)) == set(re.findall(r"\{\w+\}", target)), source


def test_dutch_text_in_catalogue_is_plain_dutch():
    nl = I18n(ZoneInfo("Europe/Amsterdam")).for_language("nl")
    assert nl.gettext("This button no longer works.") == "Deze knop werkt niet meer."


def test_dates_are_written_the_way_people_say_them():
    i18n = I18n(ZoneInfo("Europe/Amsterdam"))
    moment = dt.datetime(2026, 11, 24, 13, 0, tzinfo=dt.UTC)  # 14:00 in Amsterdam
    assert i18n.for_language("nl").datetime(moment) == "dinsdag 24 november om 14:00"
    assert i18n.for_language("en").datetime(moment) == "Tuesday 24 November at 14:00"
    summer = dt.datetime(2026, 7, 1, 8, 30, tzinfo=dt.UTC)
    assert i18n.for_language("nl").datetime(summer) == "woensdag 1 juli om 10:30"


def test_language_from_telegram_code():
    assert normalise_language("en-GB") == "en"
    assert normalise_language("nl") == "nl"
    assert normalise_language("de") == "nl"
    assert normalise_language(None) == "nl"


def test_values_are_escaped_for_html():
    nl = I18n(ZoneInfo("Europe/Amsterdam")).for_language("nl")
    text = nl.gettext(
        "Welcome, {name}! Nice that you are here.\n\n"
        "Omkijkbot helps neighbours look out for each other: ask for help, lend a "
        "hand, and now and then a friendly “All well?”.\n\n"
        "Do you want to join your neighbourhood circle? Open the link you got from "
        "your circle. You do not need to type anything: the buttons below do the "
        "work.\n\nIn an emergency: call 112.",
        name="<i>Jo</i>",
    )
    assert text.startswith("Welkom, &lt;i&gt;Jo&lt;/i&gt;!")
