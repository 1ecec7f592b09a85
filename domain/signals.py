"""Worries (signals): kinds, who may see them, and when an acknowledgement is due."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from core.callbacks import Choice, Codec, Int, Keyboard, column
from core.i18n import N_
from domain.lifecycle import Lifecycle
from domain.policy import Role
from domain.records import Member


class WorryKind(StrEnum):
    LONELINESS = "loneliness"
    HEALTH = "health"
    MEMORY = "memory"
    MONEY = "money"
    HOUSING = "housing"
    OTHER = "other"


WORRY_LABELS = {
    WorryKind.LONELINESS: N_("Loneliness"),
    WorryKind.HEALTH: N_("Health"),
    WorryKind.MEMORY: N_("Memory, or confused"),
    WorryKind.MONEY: N_("Money or post"),
    WorryKind.HOUSING: N_("Home or nuisance"),
    WorryKind.OTHER: N_("Something else"),
}

WORK_START, WORK_END = dt.time(9, 0), dt.time(17, 0)


def working_hours_later(start: dt.datetime, hours: float, tz: dt.tzinfo) -> dt.datetime:
    """``hours`` of office time (Monday to Friday, 9 to 17, local) after ``start``."""
    remaining = dt.timedelta(hours=hours)
    local = start.astimezone(tz)
    while True:
        day_start = dt.datetime.combine(local.date(), WORK_START, tzinfo=tz)
        day_end = dt.datetime.combine(local.date(), WORK_END, tzinfo=tz)
        if local.weekday() < 5 and local < day_end:
            begin = max(local, day_start)
            if begin + remaining <= day_end:
                return (begin + remaining).astimezone(dt.UTC)
            remaining -= day_end - begin
        local = dt.datetime.combine(local.date() + dt.timedelta(days=1), WORK_START, tzinfo=tz)


def acknowledge_within(urgency: str, start: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """Today: within an hour. This week: within four working hours."""
    if urgency == "today":
        return start + dt.timedelta(hours=1)
    return working_hours_later(start, 4, tz)


def professionals(members: list[Member], *, backup: bool) -> list[Member]:
    return [
        m
        for m in members
        if m.role == Role.PROFESSIONAL
        and m.consented
        and m.user_id is not None
        and m.is_backup == backup
    ]


def voorzitters(members: list[Member], exclude_user: int | None = None) -> list[Member]:
    return [
        m
        for m in members
        if m.role == Role.VOORZITTER
        and m.consented
        and m.user_id is not None
        and m.user_id != exclude_user
    ]


class WorryStatus(StrEnum):
    OPEN = "open"  # nobody has picked it up
    ACKNOWLEDGED = "acknowledged"  # someone has it
    CLOSED = "closed"


WORRY_LIFECYCLE = Lifecycle(
    {
        WorryStatus.OPEN: {WorryStatus.ACKNOWLEDGED, WorryStatus.CLOSED},
        WorryStatus.ACKNOWLEDGED: {WorryStatus.CLOSED},
        WorryStatus.CLOSED: set(),
    }
)


class WorryStep(StrEnum):
    """Where a worry is on its way to an owner."""

    SENT = "sent"  # to the voorzitters and the professional
    REMINDED = "reminded"  # not picked up in time: the professional is reminded
    ESCALATED = "escalated"  # still not: the backup professional and the voorzitters
    BEHEERDER = "beheerder"  # still not: the operators; the last step


NEXT_STEP = {
    WorryStep.SENT: WorryStep.REMINDED,
    WorryStep.REMINDED: WorryStep.ESCALATED,
    WorryStep.ESCALATED: WorryStep.BEHEERDER,
}


def _not(member: Member, sender_user_id: int | None, about: Member | None) -> bool:
    """Never the person the worry is about, never the sender themselves."""
    return (about is None or (member.id != about.id and member.user_id != about.user_id)) and (
        member.user_id != sender_user_id
    )


def in_charge(about: Member | None) -> bool:
    """A worry about a voorzitter must not reach the voorzitters (seed 002: abuse by
    volunteers in the neighbourhood): it goes to the professionals only."""
    return about is not None and about.role == Role.VOORZITTER


def step_people(
    step: WorryStep, members: list[Member], sender_user_id: int | None, about: Member | None
) -> list[Member]:
    """Who hears of a worry at this step. Never the person it is about, never the
    sender. Only people the bot can reach; a step with nobody is skipped."""
    mains = professionals(members, backup=False)
    backups = professionals(members, backup=True)
    chairs = [] if in_charge(about) else voorzitters(members)
    if step == WorryStep.SENT:
        people = chairs + mains + (backups if in_charge(about) else [])
    elif step == WorryStep.REMINDED:
        # Who could have picked it up and did not: the professional (the chair only in
        # a circle without one). A professional who cannot be reached is not waited for.
        people = mains + (backups if in_charge(about) else []) if mains or backups else chairs
    elif step == WorryStep.ESCALATED:
        people = backups + chairs
    else:
        people = []
    seen: set[int] = set()
    result = []
    for m in people:
        if m.id not in seen and m.reachable and _not(m, sender_user_id, about):
            seen.add(m.id)
            result.append(m)
    return result


def may_pick_up(
    actor: Member | None, members: list[Member], step: str, about: Member | None
) -> bool:
    """The professional picks a worry up. A voorzitter may too (not about themselves)
    when no professional can be reached, or when nobody picked it up in time."""
    if actor is None or not actor.consented:
        return False
    if actor.role == Role.PROFESSIONAL:
        return about is None or actor.id != about.id
    if actor.role != Role.VOORZITTER or in_charge(about):
        return False
    reachable = [m for m in members if m.role == Role.PROFESSIONAL and m.reachable and m.consented]
    return not reachable or step in (WorryStep.ESCALATED, WorryStep.BEHEERDER)


def may_share_name(about: Member | None, about_self: bool, safety: bool) -> bool:
    """The professional sees who it is about only with that person's consent, or when
    the sender says their safety is at stake."""
    if about_self:
        return True
    return about is not None and (about.professional_consent or safety)


# The buttons under a worry, and the data they carry.
WORRY_ACTION = Codec(
    "zs", Int("signal"), Choice("action", ("ack", "contact", "close", "reply", "log"))
)
BUTTON_ACK = N_("👍 I'll pick this up")
BUTTON_CONTACT = N_("📞 I'll contact the voorzitter")
BUTTON_CLOSE = N_("✅ Closed")
BUTTON_REPLY = N_("✏️ Short reply to the sender")
BUTTON_LOG = N_("📜 Log")


def worry_buttons(signal_id: int, *, professional: bool, owner: bool) -> Keyboard:
    """A professional's buttons; someone else who may pick it up gets those that fit
    them; a voorzitter who only reads it, the log."""
    if professional:
        actions = [
            (BUTTON_ACK, "ack"),
            (BUTTON_CONTACT, "contact"),
            (BUTTON_REPLY, "reply"),
            (BUTTON_CLOSE, "close"),
            (BUTTON_LOG, "log"),
        ]
    elif owner:
        actions = [(BUTTON_ACK, "ack"), (BUTTON_REPLY, "reply"), (BUTTON_CLOSE, "close")]
        actions.append((BUTTON_LOG, "log"))
    else:
        actions = [(BUTTON_LOG, "log")]
    return column(*(WORRY_ACTION.button(label, signal_id, action) for label, action in actions))
