"""Safeguards against exploitation: requests about money, a PIN or a bank card are not
passed on as ordinary requests. Better a kind "not through the bot" than a neighbour
who lost their savings.

How a text is read:

1. It is *normalised* first (``normalise``), so a trick does not hide a word: Unicode
   NFKC (full-width ``ＰＩＮ``, ligatures, mathematical letters), invisible characters
   removed (zero-width space, joiner and non-joiner, word joiner, BOM, soft hyphen,
   bidi controls, and every other format character), letters from other scripts that
   look Latin (a Cyrillic ``Р``) read as the Latin letter, accents folded (``é`` → ``e``),
   case folded, a hyphen or dot between letters dropped (``pin-code`` → ``pincode``,
   ``p.i.n`` → ``pin``), white space collapsed.
2. Then *stems* are looked for, also inside Dutch compounds (``spaargeld``,
   ``bankpasje``, ``geldautomaat``), each with the exceptions that keep ordinary
   requests out (``geldig``, ``spinazie``, ``rekening houden met``, ``cashewnoten``).

Decisions on words that can go either way (tested in ``tests/test_safeguards.py``):

- **bank**: alone it is not money, nor is a bank's name: in Dutch a bank is as often the
  bench in the park or the sofa, and a lift *to* the bank is ordinary help. Money is
  ``bank`` with ``pas``, ``pasje``, ``kaart``, ``rekening``, ``zaken``, ``app``,
  ``gegevens``, ``saldo`` (``bankpas``, ``bankzaken``, ``bank card``, ``bank account``)
  and banking itself (``internetbankieren``, ``online banking``).
- **rekening** (an account, a bill) counts, also in a compound (``energierekening``),
  but not ``rekening houden met`` (to take into account) nor ``berekening``.
- **geld** counts, also in a compound (``spaargeld``, ``kleingeld``), but not ``geldig``,
  ``geldt``, ``gelden``, ``Gelderland``, nor a verb in -gelen (``geregeld``).
- **lenen / borrow / lend**: alone it is not money (``iets lenen: een boor``). It is money
  when the thing lent is money (``geld lenen``, ``50 euro lenen``: the money word
  decides), and when nothing is named but it is to be paid back by a moment: ``kun je
  me wat lenen tot vrijdag`` is refused, since a thing would have been named and "until
  Friday" is how money is borrowed; ``kun je me wat lenen?`` alone passes, and the
  helper asks what. ``voorschieten`` (to advance money) is always money.
- **pin**: ``pin`` as a word, spelled out (``p i n``), a PIN word (``pincode``,
  ``pinpas``, ``pinautomaat``, also as the start of a longer compound such as
  ``pinautomaatwandeling``) and the verb (``pinnen``, ``gepind``). Not ``pin`` inside
  another word: ``spinazie``, ``opinie``, ``pingpong``, ``pindakaas``, ``pinda's``,
  ``pinguïn``, ``pincet``, ``pink``.
- **pasje**: a card; money unless it is plainly another card (``bibliotheekpasje``,
  ``ov-pasje``, ``parkeerpasje``…). ``pas`` alone is an adverb ("ik ben pas
  geopereerd"), so only ``mijn pas`` and its likes count.
- **an amount** counts (``€ 20``, ``50 euro``, ``vijftig euro``, ``een tientje``), also
  in an ordinary errand ("ik geef je 10 euro mee"): handing money over goes past the
  bot, and the voorzitter hears it.
- **English transfer** counts, except moving a person or going somewhere (``transfer
  from bed to chair``, ``transfer naar Schiphol``).

Spelling with digits for letters (``p1n``) is not caught: it would catch too much.
"""

from __future__ import annotations

import re
import unicodedata

# Characters nobody sees that can be put inside a word to hide it. Every other
# format character (Unicode category Cf) is removed as well.
INVISIBLE = (
    "\u00ad"  # soft hyphen
    "\u200b\u200c\u200d"  # zero-width space, non-joiner, joiner
    "\u2060"  # word joiner
    "\ufeff"  # zero-width no-break space (BOM)
    "\u200e\u200f"  # left-to-right and right-to-left marks
    "\u202a\u202b\u202c\u202d\u202e"  # bidi embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # bidi isolates
)

# Letters of other scripts that look like Latin ones, read as the Latin letter.
_LOOKALIKES = str.maketrans(
    "АВЕКМНОРСТУХІЈЅаеорсухіјѕ" + "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαιορ" + "ıİ",  # Cyrillic, Greek, Turkish
    "ABEKMHOPCTYXIJSaeopcyxijs" + "ABEZHIKMNOPTYXaiop" + "iI",
)
# A hyphen or apostrophe inside a word, and the dots of a spelled-out abbreviation.
_BETWEEN_LETTERS = re.compile(
    r"(?<=[^\W\d_])[-‐‑‒–—'’](?=[^\W\d_])|(?<=\b[^\W\d_])[.·](?=[^\W\d_]\b)"
)


def normalise(text: str) -> str:
    """The text as the money check reads it (see the module's docstring)."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(
        c for c in text if c not in INVISIBLE and unicodedata.category(c) != "Cf"
    ).translate(_LOOKALIKES)
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = unicodedata.normalize("NFKC", text)
    text = _BETWEEN_LETTERS.sub("", text)
    return " ".join(text.split())


_DAYS = (
    r"(maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|morgen|overmorgen"
    r"|volgende\s+week|het\s+eind|eind|de\s+eerste|begin|mijn|m'?n|ik|de\s+\d+\w*)"
)
_LEND = r"(lenen|leen|leent|uitlenen|lend|loan|borrow)"
# fmt: off
# Verbs in -gelen ("regelen", "nagelen"), whose forms end in "geld" ("geregeld").
_GELEN = (
    "ver", "na", "zwen", "ko", "ben", "big", "trog", "trug", "klun", "slun", "sin", "man",
    "rin", "mer", "hen", "wag", "gor", "pin", "ha", "re", "ze", "spie", "te", "vo", "goo",
    "steg", "prie", "tin", "wie", "jen", "bun", "or", "stren", "wrig", "mie", "gag", "pe",
    "jog", "zwin", "ke", "vleu", "tjin", "teu", "beu", "lin", "men",
)
# Cards that are not for money ("bibliotheekpasje", "ov-pasje"), and a little step, a
# spirit level, a mountain pass.
_OTHER_CARDS = (
    "bieb", "bibliotheek", "ov", "museum", "stads", "parkeer", "ooievaars", "zorg",
    "verzekerings", "klanten", "leden", "bonus", "toegangs", "ziekenhuis", "student",
    "studenten", "sport", "zwem", "fiets", "bus", "trein", "leners", "spelers", "verlof",
    "backstage", "dans", "loop", "water", "berg",
)
# fmt: on

_PATTERNS = [
    # -- a PIN, a pass, a card --------------------------------------------------------
    r"\b(ge)?pin(nen|de|den|d)?\b",  # pin, pinnen, gepind
    r"\b(ge)?pin(code|nummer|number|pas|automaat|apparaat|betaling|transactie|gegevens)",
    r"\bp i n\b",  # spelled out
    r"(bank|betaal|credit|debit|debet|pin|cash|atm)(pas|passen|kaart)",
    r"(bank|betaal|credit|debit|debet|pin|cash|atm)\s?cards?\b",
    r"\bcard\s+(details|number)",
    "".join(f"(?<!{other})(?<!{other} )" for other in _OTHER_CARDS) + "pasje",
    # "mijn pas meenemen", not "mijn pas gekochte fiets" (pas: just now)
    r"\b(mijn|mn|uw|jouw)\s+(pas|passen)\b(?!\s+(ge|be|ver|over|aan|op|in|af|uit)\w*)",
    r"creditcard|mastercard|\bvisa\s?(card|kaart)",
    # -- banking ----------------------------------------------------------------------
    r"bank(rekening|zaken|app|gegevens|saldo|afschrift)|\bbank\s?(account|details|transfer)",
    r"bankier|\bbanking\b",
    r"(?<!be)rekening(?!\s+(mee|met|te\s+houden|houden|hou|houdt|hield|gehouden)\b)",
    r"\biban\b",
    r"\b[a-z]{2}\d{2}\s?[a-z]{4}\s?\d{4}\s?\d{4}\s?\d{2}\b",  # a Dutch IBAN
    r"\bsaldo\b",
    # -- codes and passwords ------------------------------------------------------------
    r"wachtwoord|passwoord|password|passcode",
    r"(inlog|beveiligings|verificatie|activatie|toegangs|controle|bevestigings|sms)\s?code",
    r"\b(security|verification|login|access|one\s?time|sms)\s?codes?\b",
    r"inloggegevens|\blogin\s?details|\bdigi\s?d\b|\be\.?dentifier\b",
    # -- money itself -----------------------------------------------------------------------
    # geld, geldautomaat, spaargeld, kleingeld; not geldig, geldt, gelden, Gelderland,
    # vergelden, nor a verb in -gelen: geregeld, aangenageld, gespiegeld, bengelde
    r"\bgeld(?!ig|t\b|en\b|end|er|rop)",
    r"(?<=\w)" + "".join(f"(?<!{stem})" for stem in _GELEN) + r"geld(?!e|ig|t\b|r)",
    r"\bmoney|\bcash(?!ew|mere)|contant",
    r"\bcent(en|jes)?\b|\bduiten\b|\bpoen\b|\bknaken\b|\bpegels\b",
    r"\b(tientje|twintigje|vijfje|briefje\s+van)\b",
    r"€|£|\$\s?\d",
    r"\b\d+([.,]\d+)?\s?(euro|eur|pond|pounds?|quid|dollars?|bucks)\b",
    r"\beuro('?s|tje|tjes)?\b|\b(quid|dollars?|tenner|fiver)\b",
    r"\d+,-",
    # -- moving money ---------------------------------------------------------------------
    r"\bover(maken|maak|maakt|gemaakt|schrijven|schrijf|schrijft|geschreven|schrijving"
    r"|boeken|boek|boekt|geboekt|boeking)\b",
    r"\b(maak|maakt|schrijf|schrijft)\s+(je\s+|jij\s+|u\s+)?"
    r"(het|dat|dit|'t|wat|iets|\S*\d\S*(\s+euro)?)\s+over\b"
    r"(?!\s+(een|de|het|twee|drie|vier|\d|mij|jou|hem|haar|ons)\b)",
    r"\b(tikkie|betaalverzoek|paypal|revolut\b|western\s?union|moneygram|paysafecard)",
    r"betaal(pas|kaart|verzoek|link|app|rekening|gegevens|automaat)",
    r"\b(bitcoin|crypto(munt|valuta)?\b|giftcard|gift\s+card)",
    r"\b(pin|geld)automaat|(opnemen|opneem|opgenomen)\s+bij\s+(de|een)\s+automaat",
    r"\bcash\s?(machine|point)|\batm\b",
    r"\bwithdraw(?!n)",
    r"\btransfer(s|red|ring)?\b(?!\s+(from|to|into|out\s+of|naar|van)\s+"
    r"(the\s+|my\s+|a\s+|her\s+|his\s+|de\s+|het\s+|een\s+)?(bed|chair|wheelchair|toilet|car"
    r"|bath|shower|hospital|station|bus|train|airport|ward|stoel|rolstoel|auto|bad"
    r"|ziekenhuis|trein|vliegveld|schiphol)\b)",
    # -- lending: only money, or nothing named but paid back by a moment (see above) --------
    r"\bvoor(schieten|schiet|geschoten)\b|\bschiet\s+(je\s+|u\s+)?(het|dat|wat|iets)\s+voor\b",
    rf"\b(wat|iets|een\s+beetje)(\s+\w+)?\s+{_LEND}\s+tot\s+{_DAYS}",
    rf"\b{_LEND}\s+(je\s+|jij\s+|u\s+)?(me|mij|ons)\s+(even\s+)?(wat|iets)\s+tot\s+{_DAYS}",
    rf"\btot\s+{_DAYS}\s+(\w+\s+)?(wat|iets)\s+{_LEND}\b",
    r"\b(lend|loan)\s+(me|us)\s+(some|something|a\s+bit|a\s+little)\s+(till|until|til)\b",
    r"\bborrow\s+(some|a\s+bit|a\s+little)\s+(till|until|til)\b",
    r"\b(a|small|quick|short|payday)\s+loan\b",
]
_MONEY = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))


def money_word(text: str | None) -> str | None:
    """The first words that make this about money (normalised), or None."""
    if not text:
        return None
    found = _MONEY.search(normalise(text))
    return found.group(0) if found else None


def asks_for_money(text: str | None) -> bool:
    return money_word(text) is not None
