"""Free words understood: what someone typed outside a question, read with a small set
of rules (no cloud, no model). It says what it recognised (the kind of help, a day,
"niet goed", a worry, an answer to "Alles goed?"); the bot then says back what it
understood and offers the matching start. Misspellings ("boodschapen") are matched
with rapidfuzz; anything it cannot place is UNKNOWN, never a guess.

Errs towards care: "niet goed" wins over "goed", and "alles goed" is only read as an
answer when nothing in the text says otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process

from domain.requests import Kind


class Intent(StrEnum):
    NOT_WELL = "not_well"  # "ik voel me niet zo lekker"
    CONTACT = "contact"  # "bel me even", "ik wil graag even contact"
    WORRY = "worry"  # "ik maak me zorgen over Jan"
    ASK_HELP = "ask_help"  # "kan iemand morgen boodschappen doen"
    ALL_WELL = "all_well"  # "alles goed", "prima" (only read as an answer to the question)
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Understood:
    intent: Intent
    kind: Kind | None = None
    day: dt.date | None = None


# Phrases, matched on whole words of the cleaned text (Dutch and English).
NOT_WELL = (
    "niet goed",
    "niet zo goed",
    "niet lekker",
    "niet zo lekker",
    "voel me niet",
    "ziek",
    "beroerd",
    "pijn",
    "gevallen",
    "duizelig",
    "benauwd",
    "slecht",
    "ellendig",
    "not well",
    "not so well",
    "not good",
    "not feeling well",
    "unwell",
    "sick",
    "ill",
    "in pain",
    "fell",
    "dizzy",
    "poorly",
)
CONTACT = (
    "bel me",
    "bellen",
    "even contact",
    "graag contact",
    "langskomen",
    "kom even langs",
    "call me",
    "ring me",
    "some contact",
    "come by",
    "visit me",
)
WORRY = (
    "zorgen over",
    "zorgen om",
    "maak me zorgen",
    "bezorgd",
    "ongerust",
    "worried about",
    "i am worried",
    "i'm worried",
    "im worried",
    "concerned about",
)
ALL_WELL = (
    "alles goed",
    "goed",
    "prima",
    "uitstekend",
    "het gaat goed",
    "all well",
    "all good",
    "fine",
    "good",
    "ok",
    "oke",
    "okay",
    "ja",
    "yes",
)
ASKING = (
    "hulp",
    "help",
    "helpen",
    "kan iemand",
    "kan er iemand",
    "zou iemand",
    "wil iemand",
    "dat iemand",
    "heb nodig",
    "nodig",
    "can someone",
    "could someone",
    "would someone",
    "i need",
    "need someone",
)
# Saying what one does oneself: a kind of help in it is news, not a request.
DOING_IT_MYSELF = ("ik ga", "ik ben", "ik heb net", "ik deed", "i am going", "i'm going", "i went")
# Words for each kind of help. Longer words may be misspelt (fuzzy match).
# The most specific first: "medicijnen ophalen" is medicine, not a lift.
KIND_WORDS: dict[Kind, tuple[str, ...]] = {
    Kind.MEDICINE: ("medicijnen", "apotheek", "pillen", "medicine", "pharmacy", "prescription"),
    Kind.GROCERIES: (
        "boodschappen",
        "boodschap",
        "supermarkt",
        "winkel",
        "groceries",
        "shopping",
        "supermarket",
    ),
    Kind.MEAL: ("soep", "maaltijd", "eten", "koken", "soup", "meal", "cook", "dinner"),
    Kind.LIFT: (
        "rijden",
        "lift",
        "vervoer",
        "brengen",
        "ziekenhuis",
        "afspraak",
        "drive",
        "ride",
        "hospital",
    ),
    Kind.COMPANY: ("gezelschap", "bezoek", "kopje koffie", "company", "visit", "coffee"),
    Kind.JOB: (
        "klusje",
        "klus",
        "lamp",
        "gordijn",
        "tuin",
        "repareren",
        "ophangen",
        "job",
        "repair",
        "garden",
        "fix",
    ),
    Kind.CHAT: ("praatje", "kletsen", "chat", "talk"),
}
WEEKDAYS = {
    **{
        name: n
        for n, name in enumerate(
            ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
        )
    },
    **{
        name: n
        for n, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
}
FUZZY_FROM = 6  # letters: shorter words must be spelt right ("lamp" is not "lamb")
FUZZY_SCORE = 85


def clean(text: str) -> str:
    """Lower case, accents and look-alikes folded, punctuation to spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    text = text.replace("’", "'")
    return " ".join(re.sub(r"[^\w' ]+", " ", text).split())


def _has(cleaned: str, phrases: tuple[str, ...]) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", cleaned) for p in phrases)


def _kind(cleaned: str) -> Kind | None:
    for kind, words in KIND_WORDS.items():
        if _has(cleaned, words):
            return kind
    vocabulary = {w: kind for kind, words in KIND_WORDS.items() for w in words if " " not in w}
    for token in cleaned.split():
        if len(token) < FUZZY_FROM:
            continue
        found = process.extractOne(
            token,
            [w for w in vocabulary if len(w) >= FUZZY_FROM],
            scorer=fuzz.ratio,
            score_cutoff=FUZZY_SCORE,
        )
        if found:
            return vocabulary[found[0]]
    return None


def _day(cleaned: str, today: dt.date) -> dt.date | None:
    words = cleaned.split()
    if any(w.startswith("overmorgen") for w in words) or "day after tomorrow" in cleaned:
        return today + dt.timedelta(days=2)
    if any(w.startswith("morgen") for w in words) or "tomorrow" in words:
        return today + dt.timedelta(days=1)
    if "vandaag" in words or "today" in words or "vanmiddag" in words or "vanavond" in words:
        return today
    for word in words:
        if word in WEEKDAYS:
            ahead = (WEEKDAYS[word] - today.weekday()) % 7
            return today + dt.timedelta(days=ahead or 7)
    return None


def understand(text: str | None, today: dt.date) -> Understood:
    """What these words ask for, as far as the rules can tell."""
    cleaned = clean(text or "")
    if not cleaned:
        return Understood(Intent.UNKNOWN)
    if _has(cleaned, WORRY):
        return Understood(Intent.WORRY)
    if _has(cleaned, NOT_WELL):
        return Understood(Intent.NOT_WELL)
    kind = _kind(cleaned)
    asking = _has(cleaned, ASKING)
    if kind is not None and not asking and _has(cleaned, DOING_IT_MYSELF):
        return Understood(Intent.UNKNOWN)  # "ik ga boodschappen doen": news, not a request
    if kind is not None or asking:
        return Understood(Intent.ASK_HELP, kind, _day(cleaned, today))
    if _has(cleaned, CONTACT):
        return Understood(Intent.CONTACT)
    if _has(cleaned, ALL_WELL):
        # "goed" with a "niet" anywhere: read as not well, never as all well.
        if re.search(r"(?<!\w)(niet|geen|not|no)(?!\w)", cleaned):
            return Understood(Intent.NOT_WELL)
        return Understood(Intent.ALL_WELL)
    return Understood(Intent.UNKNOWN)
