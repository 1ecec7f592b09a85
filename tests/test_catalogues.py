"""Every message renders in every language: filled with realistic values (names with
``&``, ``<``, right-to-left letters and emoji; numbers 0, 1, 2, 5, 11, 100), it has no
unfilled placeholder, no missing or extra argument, no double escaping, only HTML that
Telegram accepts, and fits Telegram's limits. And the English catalogue speaks English."""

from __future__ import annotations

import re
import string
from zoneinfo import ZoneInfo

import pytest

from core.i18n import LANGUAGES, I18n, read_catalog
from emulator.botapi import _check_html, _strip_html
from emulator.world import MAX_TEXT, BotApiError

NAMES = ("Ans & Bob", "<b>Kees</b>", "فاطمة الزهراء", "Ayşe 🌷")
NUMBERS = (0, 1, 2, 5, 11, 100)
I18N = I18n(ZoneInfo("Europe/Amsterdam"))


def _fields(msgid: str) -> dict[str, str]:
    """Placeholder name -> its format spec."""
    return {
        name: spec or ""
        for _, name, spec, _ in string.Formatter().parse(msgid)
        if name is not None and name != ""
    }


def _values(fields: dict[str, str], name: str, number: int) -> dict[str, object]:
    return {
        field: number if spec.endswith("d") or field in ("n", "hour", "minute") else name
        for field, spec in fields.items()
    }


def _messages():
    for message in read_catalog("nl"):
        if message.id:
            yield message.id


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_message_renders_in_every_language(language):
    t = I18N.for_language(language)
    faults, rendered = [], 0
    for msgid in _messages():
        singular, plural = (msgid, None) if isinstance(msgid, str) else msgid
        fields = _fields(singular)
        counted = plural or any(spec.endswith("d") for spec in fields.values())
        rendered += 1
        for name in NAMES:
            for number in NUMBERS if counted else (1,):
                values = _values(fields, name, number)
                try:
                    if plural:
                        values.pop("n", None)
                        text = t.ngettext(singular, plural, number, **values)
                    else:
                        text = t.gettext(singular, **values) if values else t.gettext(singular)
                except (KeyError, IndexError, ValueError) as exc:
                    faults.append(f"{singular[:50]!r}: does not format: {exc!r}")
                    break
                if re.search(r"\{\w*\}", text):
                    faults.append(f"{singular[:50]!r}: unfilled placeholder in {text[:80]!r}")
                if "&amp;amp;" in text or "&amp;lt;" in text:
                    faults.append(f"{singular[:50]!r}: escaped twice: {text[:80]!r}")
                if fields and "<b>Kees</b>" in text:
                    faults.append(f"{singular[:50]!r}: a name became markup")
                try:
                    _check_html(text)
                except BotApiError as exc:
                    faults.append(f"{singular[:50]!r}: Telegram refuses it: {exc.description}")
                if len(_strip_html(text)) > MAX_TEXT:
                    faults.append(f"{singular[:50]!r}: longer than Telegram allows")
    assert not faults, "\n".join(sorted(set(faults))[:40])
    assert rendered > 450  # every message of the catalogue, not a handful


# Dutch words that are names of roles or meetings in the source, not English.
DUTCH_UI = re.compile(r"voorzitter|superbu(ur|ren)|buurtkring|signaleringsoverleg|beheerder", re.I)


def test_the_english_catalogue_speaks_english():
    """Dutch role names may stand in quotes, as a name (“Wijkteam Zandweerd”), never as
    the word for the role."""
    found = []
    for message in read_catalog("en"):
        if not message.id:
            continue
        texts = [message.string] if isinstance(message.string, str) else list(message.string)
        for text in texts:
            unquoted = re.sub(r"“[^”]*”", "", text)
            if DUTCH_UI.search(unquoted):
                found.append(text)
    assert not found, found
