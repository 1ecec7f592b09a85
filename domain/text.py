"""What people type, made to fit: one line of words, cut at a word, never mid-word."""

from __future__ import annotations

from dataclasses import dataclass

ELLIPSIS = "…"


@dataclass(frozen=True)
class Clipped:
    text: str
    cut: bool  # it was longer than the limit: say so, do not cut it silently

    @property
    def end(self) -> str:
        """What was kept, for "I kept it up to: …": all of a short text (a name), the
        last few words of a long one."""
        kept = self.text.removesuffix(ELLIPSIS)
        return kept if len(kept) <= 60 else " ".join(kept.split()[-4:])


def one_line(text: str) -> str:
    """Words separated by single spaces: no line breaks, no runs of spaces."""
    return " ".join(text.split())


def clip(text: str, limit: int, *, mark: bool = True) -> Clipped:
    """At most ``limit`` characters. Longer text is cut after the last whole word that
    fits (a single word longer than half the limit is cut where it must), and marked
    with "…" when ``mark``."""
    if len(text) <= limit:
        return Clipped(text, False)
    room = limit - (len(ELLIPSIS) if mark else 0)
    kept = text[:room]
    if not text[room].isspace():
        space = kept.rfind(" ")
        if space >= room // 2:
            kept = kept[:space]
    kept = kept.rstrip(" ,;:-")
    return Clipped(kept + (ELLIPSIS if mark else ""), True)
