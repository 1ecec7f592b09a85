"""Safeguards against exploitation: requests about money, a PIN or a bank card are not
passed on as ordinary requests. Better a kind "not through the bot" than a neighbour
who lost their savings."""

from __future__ import annotations

import re

_PATTERNS = [
    r"\bpin(code|nummer|pas|nen)?\b",
    r"\b(bank|betaal|credit)(pas|kaart)\b",
    r"\biban\b",
    r"\brekening\s?nummer\b",
    r"\b[a-z]{2}\d{2}\s?[a-z]{4}\s?\d{4}\s?\d{4}\s?\d{2}\b",  # an IBAN
    r"\bgeld\b",
    r"\b(lenen|leen|overmaken|maak\s+over)\b",
    r"€\s?\d",
    r"\b\d+([.,]\d+)?\s?(euro|eur)\b",
    r"\b(tikkie|betaalverzoek)\b",
    r"\b(money|bank\s?card|debit\s?card|credit\s?card|pin\s?code|lend|loan)\b",
]
_MONEY = re.compile("|".join(_PATTERNS), re.IGNORECASE)


def asks_for_money(text: str | None) -> bool:
    return bool(text) and _MONEY.search(text) is not None
