"""Joint activities (soepmoment, koffieochtend): their kinds and the "Ik kom" buttons."""

from __future__ import annotations

from core.callbacks import Choice, Codec, Int, Keyboard
from core.i18n import N_

ACTIVITY_LABELS = {
    "soup": N_("🍲 Soup lunch"),
    "coffee": N_("☕ Coffee morning"),
    "walk": N_("🚶 A walk"),
    "other": N_("🎲 Something together"),
}

ATTENDANCE = Codec("ac", Int("activity"), Choice("answer", ("yes", "no")))
BUTTON_COMING = N_("✅ I'm coming")
BUTTON_NOT_COMING = N_("Not this time")


def attendance_buttons(activity_id: int) -> Keyboard:
    """Under an announcement: two answers side by side."""
    return [
        [
            ATTENDANCE.button(BUTTON_COMING, activity_id, "yes"),
            ATTENDANCE.button(BUTTON_NOT_COMING, activity_id, "no"),
        ]
    ]
