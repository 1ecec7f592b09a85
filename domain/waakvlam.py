"""The waakvlam: when to ask "Alles goed?", and who is next on the ladder.

Plain rules, no Telegram, no database: times are computed in the member's local
time zone so a check-in stays at 10:00 across daylight saving changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from core.callbacks import Choice, Codec, Int, Keyboard, Word, column
from core.i18n import N_
from domain.calendar import next_local_time
from domain.lifecycle import Lifecycle
from domain.policy import Role
from domain.records import Member

EVERY_DAY = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
DEFAULT_TIME = dt.time(10, 0)


class RoundStatus(StrEnum):
    OPEN = "open"  # waiting for the member, or for someone to have had contact
    CLOSED = "closed"  # how it ended is the round's ``ended``


ROUND_LIFECYCLE = Lifecycle({RoundStatus.OPEN: {RoundStatus.CLOSED}, RoundStatus.CLOSED: set()})


class Stage(StrEnum):
    """Where a round of the ladder is. The member is asked twice; then the rungs."""

    ASKED = "asked"
    ASKED_AGAIN = "asked_again"
    NEIGHBOURS = "neighbours"  # contact neighbours, else superburen, else the voorzitter
    CHAIR = "chair"  # the voorzitters and, with consent, the professional
    BEHEERDER = "beheerder"  # the operators (OMKIJK_ADMIN_IDS)
    CIRCLE = "circle"  # everyone else in the circle: nobody above could be reached


# The rungs, in order. A rung with nobody the bot can reach is skipped at once, and so
# is a rung whose every message bounced: a silence never ends where nobody hears it.
LADDER = (Stage.NEIGHBOURS, Stage.CHAIR, Stage.BEHEERDER, Stage.CIRCLE)


class Need(StrEnum):
    """What the round is about: nothing heard yet, or what the member asked for."""

    SILENCE = "silence"
    CONTACT = "contact"  # "Graag even contact": company is a need too
    NOT_WELL = "notwell"  # "Het gaat niet zo goed"


class Answer(StrEnum):
    OK = "ok"  # Alles goed
    LEAVE_ME = "leave"  # Laat me maar even: fine, and no fuss
    CONTACT = "contact"  # Graag even contact
    NOT_WELL = "notwell"  # Het gaat niet zo goed
    MESSAGE = "message"  # any message from the member counts as a sign of life
    CONFIRMED = "confirmed"  # a neighbour (or chair) had contact
    PAUSED = "paused"  # the check-in was paused during the round
    OFF = "off"  # the check-in was switched off during the round
    LEFT = "left"  # the member left the circle or asked to be forgotten


# The buttons of the waakvlam, and the data they carry.
ANSWER = Codec("wv", Int("round"), Choice("answer", ("ok", "contact", "notwell", "leave")))
LADDER_ACTION = Codec("wn", Int("round"), Choice("action", ("going", "ok")))
DECLINE_CONTACT = Codec("wc", Int("member"), Choice("answer", ("no",)))
SETTINGS = Codec("wz", Int("member"), Word("what", "[a-z]+"), Word("value"), optional=1)

BUTTON_OK = N_("👍 All well")
BUTTON_CONTACT = N_("☕ I'd like some contact")
BUTTON_NOT_WELL = N_("😟 Not so good")
BUTTON_LEAVE = N_("🙂 Leave me be for now")
BUTTON_GOING = N_("🚶 I'll look in / call")
BUTTON_CONFIRM = N_("✅ I had contact, all well")
BUTTON_HAD_CONTACT = N_("✅ I had contact")
BUTTON_NOT_CONTACT = N_("No, I'd rather not")


def answer_buttons(round_id: int) -> Keyboard:
    """The member's answers to "Alles goed?"."""
    return column(
        ANSWER.button(BUTTON_OK, round_id, "ok"),
        ANSWER.button(BUTTON_CONTACT, round_id, "contact"),
        ANSWER.button(BUTTON_NOT_WELL, round_id, "notwell"),
        ANSWER.button(BUTTON_LEAVE, round_id, "leave"),
    )


def ladder_buttons(round_id: int, need: Need) -> Keyboard:
    """On every alert: "I'll look in" and "I had contact" (with "all well" only when
    it was a silence: after "niet zo goed", contact is not the same as all well)."""
    confirm = BUTTON_CONFIRM if need == Need.SILENCE else BUTTON_HAD_CONTACT
    return column(
        LADDER_ACTION.button(BUTTON_GOING, round_id, "going"),
        LADDER_ACTION.button(confirm, round_id, "ok"),
    )


def decline_buttons(member_id: int) -> Keyboard:
    return column(DECLINE_CONTACT.button(BUTTON_NOT_CONTACT, member_id, "no"))


NEED_OF_ANSWER = {Answer.CONTACT: Need.CONTACT, Answer.NOT_WELL: Need.NOT_WELL}
# The member's answers after which nobody needs to look in any more (also for an
# earlier round that waits for contact: they said so themselves).
ALL_RIGHT = frozenset({Answer.OK, Answer.LEAVE_ME})


def rung_after(stage: Stage) -> Stage | None:
    """The next rung when this one reached nobody (empty, or every message bounced)."""
    if stage in (Stage.ASKED, Stage.ASKED_AGAIN):
        return Stage.NEIGHBOURS
    index = LADDER.index(stage)
    return LADDER[index + 1] if index + 1 < len(LADDER) else None


def escalation_after(need: Need, stage: Stage, *, has_beheerder: bool) -> Stage | None:
    """Where the ladder goes when the people of ``stage`` were told and nobody has had
    contact within the member's ``escalate`` time. "Graag even contact" is company,
    not an emergency: it does not climb on time. After the chair, only a beheerder is
    left to tell; without one the ladder ends with the chair, who was told."""
    if need == Need.CONTACT:
        return None
    if stage == Stage.NEIGHBOURS:
        return Stage.CHAIR
    if stage == Stage.CHAIR and has_beheerder:
        return Stage.BEHEERDER
    return None


def is_later_rung(stage: Stage, than: Stage) -> bool:
    order = (Stage.ASKED, Stage.ASKED_AGAIN, *LADDER)
    return order.index(stage) > order.index(than)


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


def _neighbours(member: Member, members: list[Member], reachable_only: bool) -> list[Member]:
    return [
        m
        for m in members
        if m.id != member.id
        and m.consented
        and not m.no_phone
        and m.role != Role.PROFESSIONAL
        and m.user_id is not None
        and m.user_id != member.user_id
        and (m.reachable or not reachable_only)
    ]


def ladder_contacts(
    settings: CheckinSettings,
    member: Member,
    members: list[Member],
    *,
    reachable_only: bool = False,
) -> list[Member]:
    """Who looks in when the member is silent: chosen neighbours, else the superburen,
    else the voorzitters. Never the member themselves. ``reachable_only``: among those
    the bot can write to, so a contact who blocked the bot hands over to the next."""
    reachable = _neighbours(member, members, reachable_only)
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
    contacts = ladder_contacts(settings, member, members, reachable_only=True)
    return contacts[0] if contacts else None


def escalation_neighbours(
    settings: CheckinSettings,
    member: Member,
    members: list[Member],
    visited: frozenset[int] = frozenset(),
) -> list[Member]:
    """The neighbours' rung, among those the bot can reach. Without a phone, the
    contact neighbour who had the task to look in (``visited``: their user ids) is not
    asked again: the rung is the other contacts, or the superburen, or the chair."""
    if not member.no_phone:
        return ladder_contacts(settings, member, members, reachable_only=True)
    rest = [
        m
        for m in ladder_contacts(settings, member, members, reachable_only=True)
        if m.user_id not in visited
    ]
    if rest:
        return rest
    others = [m for m in _neighbours(member, members, True) if m.user_id not in visited]
    superburen = [m for m in others if m.role == Role.SUPERBUUR]
    return superburen or [m for m in others if m.role == Role.VOORZITTER]


def chair_and_professional(
    settings: CheckinSettings, member: Member, members: list[Member], need: Need = Need.SILENCE
) -> list[Member]:
    """The chair's rung: the voorzitters and, where the member agreed, the professional
    (not for a wish for company). Only people the bot can reach; never the member."""
    result = [
        m
        for m in members
        if m.role == Role.VOORZITTER
        and m.id != member.id
        and m.user_id is not None
        and m.user_id != member.user_id
        and m.consented
        and m.reachable
    ]
    if settings.professional_ok and need != Need.CONTACT:
        result += [
            m
            for m in members
            if m.role == Role.PROFESSIONAL
            and m.consented
            and m.user_id is not None
            and m.user_id != member.user_id
            and m.reachable
        ]
    return result


def whole_circle(member: Member, members: list[Member]) -> list[Member]:
    """The last rung in the circle, when nobody above could be reached: every neighbour
    with a phone the bot can write to (not the professional: that needs consent)."""
    return _neighbours(member, members, reachable_only=True)


def rung_members(
    stage: Stage,
    need: Need,
    settings: CheckinSettings,
    member: Member,
    members: list[Member],
    visited: frozenset[int] = frozenset(),
) -> list[Member]:
    """The circle's people on this rung (the beheerder's rung has none: it is the
    operators, who are no members)."""
    if stage == Stage.NEIGHBOURS:
        return escalation_neighbours(settings, member, members, visited)
    if stage == Stage.CHAIR:
        return chair_and_professional(settings, member, members, need)
    if stage == Stage.CIRCLE:
        return whole_circle(member, members)
    return []


def is_late(due: dt.datetime, now: dt.datetime) -> bool:
    """Asked well after its time (the bot was down): greet plainly, not "Goedemorgen"."""
    return now - due > dt.timedelta(minutes=30)


def greeting_key(local_time: dt.time) -> str:
    if local_time.hour < 12:
        return "morning"
    if local_time.hour < 18:
        return "afternoon"
    return "evening"
