"""Worries (signals): kinds, who may see them, and when an acknowledgement is due."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from bot.i18n import N_
from domain.policy import Role
from storage.circles import Member


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


def may_share_name(about: Member | None, about_self: bool, safety: bool) -> bool:
    """The professional sees who it is about only with that person's consent, or when
    the sender says their safety is at stake."""
    if about_self:
        return True
    return about is not None and (about.professional_consent or safety)
