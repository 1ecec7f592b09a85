"""Lifecycles: the states a thing can be in and the moves between them, as one table.

Each feature names its own (a request, a check-in round, a worry, an invite) beside
its rules; storage writes a move only from the states the table allows (``sources``),
so two taps at once, a crash and a replay can never make an impossible move.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Generic, TypeVar

S = TypeVar("S", bound=StrEnum)


class Lifecycle(Generic[S]):
    def __init__(self, moves: Mapping[S, frozenset[S] | set[S]]) -> None:
        self.moves = {state: frozenset(targets) for state, targets in moves.items()}

    def may(self, current: S | str, new: S) -> bool:
        return new in self.moves.get(type(new)(current), frozenset())

    def sources(self, new: S) -> tuple[S, ...]:
        """The states from which ``new`` may be reached (for a guarded UPDATE)."""
        return tuple(state for state, targets in self.moves.items() if new in targets)

    @property
    def ongoing(self) -> tuple[S, ...]:
        """The states that are not the end: something may still happen."""
        return tuple(state for state, targets in self.moves.items() if targets)

    @property
    def ended(self) -> tuple[S, ...]:
        return tuple(state for state, targets in self.moves.items() if not targets)


def placeholders(states: tuple[StrEnum, ...]) -> str:
    """``?, ?`` for an ``IN (...)`` of these states."""
    return ", ".join("?" * len(states))
