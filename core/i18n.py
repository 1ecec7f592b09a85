"""Translations (gettext catalogues in ``locales/``) and locale-aware formatting.

Source strings (msgids) are English; Dutch is the default language people see.
The ``.po`` files are read at start with babel, so there is no compile step and
no binary ``.mo`` in git.

Run ``python -m core.i18n extract`` (``make locales``) after adding text: it
refreshes ``locales/omkijkbot.pot`` and adds the new msgids, empty, to each
language; ``tests/test_i18n.py`` fails until every one is translated.
"""

from __future__ import annotations

import datetime as dt
import gettext
import html
import io
import sys
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

DOMAIN = "omkijkbot"
DEFAULT_LANGUAGE = "nl"
LANGUAGES: dict[str, str] = {
    "nl": "Nederlands",
    "en": "English",
    "tr": "Türkçe",
    "ar": "العربية",
}
ROOT = Path(__file__).resolve().parent.parent
LOCALES_DIR = ROOT / "locales"
SOURCE_DIRS = ("bot", "core", "domain", "handlers", "scheduling", "services", "storage")
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
# The practice page's script: its texts are msgids too (``_("…")``, ``N_("…")``), served
# to the page in each language by bot/practice.py.
PAGE_DIR = ROOT / "emulator" / "static"
PAGE_KEYWORDS = {"_": None, "N_": None}


def N_(message: str) -> str:
    """Mark a string for extraction without translating it here."""
    return message


def po_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def translated(message) -> bool:
    """A catalogue entry with its translation; a plural one with every form filled."""
    if isinstance(message.string, str):
        return bool(message.string)
    return bool(message.string) and all(message.string)


def read_catalog(language: str) -> Catalog:
    with po_path(language).open("rb") as fh:
        return read_po(fh, locale=language, domain=DOMAIN)


def normalise_language(code: str | None) -> str:
    """Telegram's language_code ('en-GB', 'nl') to one we speak; Dutch otherwise."""
    if not code:
        return DEFAULT_LANGUAGE
    base = code.replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


# Unicode isolates: a Latin name, a time or a number inside right-to-left text keeps
# its own direction and does not drag the punctuation around it along.
FSI, PDI = "\u2068", "\u2069"


def _escaped(params: dict[str, object], isolate: bool = False) -> dict[str, object]:
    def one(value: object) -> object:
        if not isinstance(value, str):
            return value  # numbers keep their format spec ({hour:02d}); digits read fine
        text = html.escape(value, quote=False)
        # A link stays bare, so Telegram finds it and a copy holds no invisible marks.
        bare = not text or text.startswith(("http://", "https://"))
        return text if bare or not isolate else f"{FSI}{text}{PDI}"

    return {key: one(value) for key, value in params.items()}


class Translator:
    """The text and formats of one language."""

    def __init__(
        self,
        language: str,
        translations: gettext.NullTranslations,
        timezone: ZoneInfo,
        known: frozenset[str] | None = None,
    ) -> None:
        self.language = language
        self.locale = Locale.parse(language)
        self._t = translations
        self.tz = timezone
        # Strict mode (tests): text that is not in the catalogue is an error, so a
        # message that escaped extraction cannot reach a person untranslated.
        self._known = known
        self.right_to_left = self.locale.character_order == "right-to-left"

    def _check(self, message: str) -> None:
        if self._known is not None and message not in self._known:
            raise LookupError(f"not in the {self.language} catalogue: {message!r}")

    def gettext(self, message: str, **params: object) -> str:
        """Translate, then fill in ``{name}``-style values, HTML-escaped.

        Messages go out with parse mode HTML, so whatever a person typed (a name,
        a request) must not be read as markup.
        """
        self._check(message)
        text = self._t.gettext(message)
        return text.format(**_escaped(params, self.right_to_left)) if params else text

    def ngettext(self, singular: str, plural: str, n: int, **params: object) -> str:
        self._check(singular)
        text = self._t.ngettext(singular, plural, n)
        return text.format(**_escaped({"n": n, **params}, self.right_to_left))

    def datetime(self, moment: dt.datetime) -> str:
        """'dinsdag 24 november om 14:00' in the person's language and local time."""
        _ = self._t.gettext
        # Translators: a babel date pattern; keep the letters, translate the word in quotes.
        pattern = _("EEEE d MMMM 'at' HH:mm")
        return format_datetime(moment, pattern, tzinfo=self.tz, locale=self.locale)

    def date(self, day: dt.date) -> str:
        """'dinsdag 24 november' in the person's language."""
        _ = self._t.gettext
        # Translators: a babel date pattern (weekday, day, month).
        return format_date(day, _("EEEE d MMMM"), locale=self.locale)

    def short_date(self, day: dt.date) -> str:
        """'24 nov.': for the labels of a chart."""
        return format_date(day, "d MMM", locale=self.locale)

    def time(self, moment: dt.datetime) -> str:
        return format_datetime(moment, "HH:mm", tzinfo=self.tz, locale=self.locale)


class I18n:
    def __init__(
        self, timezone: ZoneInfo, languages: dict[str, str] = LANGUAGES, *, strict: bool = False
    ) -> None:
        self.timezone = timezone
        self._translators: dict[str, Translator] = {}
        for language in languages:
            catalog = read_catalog(language)
            buffer = io.BytesIO()
            write_mo(buffer, catalog)
            buffer.seek(0)
            translations = gettext.GNUTranslations(buffer)
            known = (
                frozenset(
                    m.id if isinstance(m.id, str) else m.id[0]
                    for m in catalog
                    if m.id and translated(m)
                )
                if strict
                else None
            )
            self._translators[language] = Translator(language, translations, timezone, known)

    def for_language(self, language: str | None) -> Translator:
        return self._translators.get(language or "", self._translators[DEFAULT_LANGUAGE])

    def all(self) -> dict[str, Translator]:
        return dict(self._translators)


Gettext = Callable[..., str]


def _page_found(directory: Path = PAGE_DIR):
    return extract_from_dir(
        directory,
        method_map=[("**.js", "javascript")],
        keywords=PAGE_KEYWORDS,
        comment_tags=("Translators:",),
    )


def page_messages(directory: Path = PAGE_DIR) -> list[str]:
    """The msgids in the practice page's script, in order, once each."""
    found = (message for _f, _l, message, _c, _x in _page_found(directory))
    return list(dict.fromkeys(m if isinstance(m, str) else m[0] for m in found))


# -- maintenance: extract and update catalogues ---------------------------


def extract_messages() -> Catalog:
    catalog = Catalog(domain=DOMAIN, project="omkijkbot", charset="utf-8")
    for directory in SOURCE_DIRS:
        for filename, lineno, message, comments, _context in extract_from_dir(
            ROOT / directory, keywords=KEYWORDS, comment_tags=("Translators:",)
        ):
            catalog.add(
                message, locations=[(f"{directory}/{filename}", lineno)], auto_comments=comments
            )
    page = PAGE_DIR.relative_to(ROOT).as_posix()
    for filename, lineno, message, comments, _context in _page_found():
        catalog.add(message, locations=[(f"{page}/{filename}", lineno)], auto_comments=comments)
    return catalog


def update_catalogs() -> None:
    template = extract_messages()
    with (LOCALES_DIR / f"{DOMAIN}.pot").open("wb") as fh:
        write_po(fh, template, omit_header=False, sort_output=True, width=100)
    for language in LANGUAGES:
        catalog = read_catalog(language)
        catalog.update(template, no_fuzzy_matching=True)
        with po_path(language).open("wb") as fh:
            write_po(fh, catalog, sort_output=True, width=100, ignore_obsolete=True)
        missing = [m.id for m in catalog if m.id and not translated(m)]
        print(f"{language}: {len(missing)} untranslated")


if __name__ == "__main__":
    if sys.argv[1:] == ["extract"]:
        update_catalogs()
    else:
        print("usage: python -m core.i18n extract")
        sys.exit(2)
