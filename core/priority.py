"""How urgent an outgoing message is: lower goes first."""

from __future__ import annotations

from enum import IntEnum


class Priority(IntEnum):
    ALERT = 0  # waakvlam alerts, worries
    INTERACTIVE = 1  # the reply to a person's own tap or message
    ROUTINE = 5  # check-ins, reminders, summaries
