"""The waakvlam: when to ask "Alles goed?", and who is next on the ladder.

Plain rules, no Telegram, no database: times are computed in the member's local
time zone so a check-in stays at 10:00 across daylight saving changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from domain.calendar import next_local_time
from domain.policy import Role
from storage.circles import Member

EVERY_DAY = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
DEFAULT_TIME = dt.time(10, 0)


class Stage(StrEnum):
    ASKED = "asked"
    ASKED_AGAIN = "asked_again"
    NEIGHBOURS = "neighbours"
    CHAIR = "chair"


class Answer(StrEnum):
    OK = "ok"  # Alles goed
    LEAVE_ME = "leave"  # Laat me maar even: fine, and no fuss
    CONTACT = "contact"  # Graag even contact
    NOT_WELL = "notwell"  # Het gaat niet zo goed
    MESSAGE = "message"  # any message from the member counts as a sign of life
    CONFIRMED = "confirmed"  # a neighbour (or chair) had contact: all well


@dataclass(frozen=True)
class CheckinSettings:
    member_id: int
    enabled: bool = False
    days: frozenset[int] = EVERY_DAY
    at: dt.time = DEFAULT_TIME
    contacts: tuple[int, ...] = ()
    professional_ok: bool = False
    paused: bool = False
    paused_until: dt.date | None = None
    pause_reason: str | None = None
    ask_again: dt.timedelta = dt.timedelta(minutes=60)
    neighbours: dt.timedelta = dt.timedelta(minutes=60)
    escalate: dt.timedelta = dt.timedelta(minutes=120)
    extra: dict[str, object] = field(default_factory=dict)

    def paused_on(self, day: dt.date) -> bool:
        if not self.paused:
            return False
        return self.paused_until is None or day <= self.paused_until


def next_checkin(
    settings: CheckinSettings, after: dt.datetime, tz: dt.tzinfo
) -> dt.datetime | None:
    """The first check-in moment strictly after ``after`` (UTC), or None if none is due."""
    if not settings.enabled or not settings.days:
        return None
    if settings.paused and settings.paused_until is None:
        return None  # paused until switched back on
    return next_local_time(after, tz, settings.at, settings.days, skip=settings.paused_on)


def ladder_contacts(
    settings: CheckinSettings, member: Member, members: list[Member]
) -> list[Member]:
    """Who looks in when the member is silent: chosen neighbours, else the superburen,
    else the voorzitters. Never the member themselves; only people the bot can reach."""
    reachable = [
        m
        for m in members
        if m.id != member.id
        and m.consented
        and not m.no_phone
        and m.role != Role.PROFESSIONAL
        and m.user_id is not None
    ]
    chosen = [m for m in reachable if m.id in settings.contacts]
    if member.no_phone and member.contact_member_id:
        chosen = [m for m in reachable if m.id == member.contact_member_id] + [
            m for m in chosen if m.id != member.contact_member_id
        ]
    if chosen:
        return chosen
    superburen = [m for m in reachable if m.role == Role.SUPERBUUR]
    return superburen or [m for m in reachable if m.role == Role.VOORZITTER]


def visit_contact(
    settings: CheckinSettings, member: Member, members: list[Member]
) -> Member | None:
    """For someone without a phone: the neighbour who gets the check-in task."""
    contacts = ladder_contacts(settings, member, members)
    return contacts[0] if contacts else None


def escalation_neighbours(
    settings: CheckinSettings, member: Member, members: list[Member]
) -> list[Member]:
    """The neighbours' rung. Without a phone, the contact neighbour already had the
    task, so the rung above is the other contacts, or the superburen, or the chair."""
    if not member.no_phone:
        return ladder_contacts(settings, member, members)
    visitor = visit_contact(settings, member, members)
    rest = [m for m in ladder_contacts(settings, member, members) if m is not visitor]
    if rest:
        return rest
    others = [
        m
        for m in members
        if m is not visitor
        and m.id != member.id
        and m.consented
        and not m.no_phone
        and m.user_id is not None
    ]
    superburen = [m for m in others if m.role == Role.SUPERBUUR]
    return superburen or [m for m in others if m.role == Role.VOORZITTER]


def is_stale(due: dt.datetime, now: dt.datetime, tz: dt.tzinfo) -> bool:
    """A check-in from an earlier day (the bot was down) is not asked any more."""
    return due.astimezone(tz).date() < now.astimezone(tz).date()


def chair_and_professional(
    settings: CheckinSettings, member: Member, members: list[Member]
) -> list[Member]:
    """The last rung: the voorzitters and, where the member agreed, the professional."""
    result = [
        m
        for m in members
        if m.role == Role.VOORZITTER and m.id != member.id and m.user_id is not None and m.consented
    ]
    if settings.professional_ok:
        result += [
            m
            for m in members
            if m.role == Role.PROFESSIONAL and m.consented and m.user_id is not None
        ]
    return result


def greeting_key(local_time: dt.time) -> str:
    if local_time.hour < 12:
        return "morning"
    if local_time.hour < 18:
        return "afternoon"
    return "evening"
