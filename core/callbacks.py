"""Buttons as the services see them, and the data a button carries.

A ``Button`` is a label and either callback data or a link; a ``Keyboard`` is rows of
them. Services build keyboards with msgids as labels (translated for the reader when
the message is queued); only ``bot/`` and ``handlers/`` turn them into Telegram's
markup, so no Telegram type or wire format lives below ``handlers/``.

A ``Codec`` is the one description of one kind of button's data
(``prefix:field:field``): the service encodes with it, the handler registers its
``pattern`` and decodes with it. Button data comes from the person's device and can be
forged, so ``decode`` accepts only what the codec describes and returns None for
anything else; the value is checked against the database afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

# Telegram's limit for callback data.
MAX_DATA_BYTES = 64


@dataclass(frozen=True)
class Button:
    label: str
    data: str | None = None
    url: str | None = None


Keyboard = list[list[Button]]


def column(*buttons: Button) -> Keyboard:
    """One button a row: big targets for an unsteady hand."""
    return [[button] for button in buttons]


@dataclass(frozen=True)
class Field:
    name: str
    regex: str
    convert: Callable[[str], Any] = str


def Int(name: str) -> Field:
    return Field(name, r"\d{1,18}", int)


def Choice(name: str, values: Iterable[str]) -> Field:
    return Field(name, "|".join(re.escape(str(v)) for v in values))


def Word(name: str, regex: str = r"[\w-]{1,40}") -> Field:
    return Field(name, regex)


class Codec:
    """``prefix:a:b``; the last ``optional`` fields may be left out (then None)."""

    def __init__(self, prefix: str, *fields: Field, optional: int = 0) -> None:
        self.prefix = prefix
        self.fields = fields
        required, extra = fields[: len(fields) - optional], fields[len(fields) - optional :]
        body = "".join(f":({f.regex})" for f in required)
        body += "".join(f"(?::({f.regex}))?" for f in extra)
        self._regex = re.compile(re.escape(prefix) + body)

    @property
    def pattern(self) -> str:
        """For ``CallbackQueryHandler(pattern=...)``: every button of this kind."""
        return f"^{re.escape(self.prefix)}:"

    def encode(self, *values: object) -> str:
        data = ":".join([self.prefix, *(str(v) for v in values if v is not None)])
        if not self._regex.fullmatch(data) or len(data.encode()) > MAX_DATA_BYTES:
            raise ValueError(f"{data!r} is not {self.prefix} button data")
        return data

    def decode(self, data: str | None) -> tuple[Any, ...] | None:
        match = self._regex.fullmatch(data or "")
        if match is None:
            return None
        return tuple(
            None if raw is None else field.convert(raw)
            for field, raw in zip(self.fields, match.groups(), strict=True)
        )

    def button(self, label: str, *values: object) -> Button:
        return Button(label, self.encode(*values))
