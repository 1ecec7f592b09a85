"""The records of the domain: what a circle, a member, a request, a check-in round
and a worry are, as plain frozen data. Storage reads and writes them; services and
handlers pass them around; nothing here knows of SQL or Telegram."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Circle:
    id: int
    chat_id: int | None
    title: str
    join_code: str
    active: bool


@dataclass(frozen=True)
class Member:
    id: int
    circle_id: int
    user_id: int | None
    display_name: str
    role: str
    consented: bool
    professional_consent: bool
    phone: str | None
    share_phone: bool
    contact_member_id: int | None
    in_group: bool
    reachable: bool
    is_backup: bool

    @property
    def no_phone(self) -> bool:
        """Added on their behalf: no Telegram account of their own."""
        return self.user_id is None


@dataclass(frozen=True)
class Invite:
    code: str
    circle_id: int
    kind: str
    created_by: int
    expires_at: dt.datetime
    revoked: bool
    used_by: int | None


@dataclass(frozen=True)
class User:
    id: int
    first_name: str
    language: str
    language_chosen: bool
    reachable: bool
    enjoys: str | None = None
    can_offer: str | None = None


@dataclass(frozen=True)
class HelpRequest:
    id: int
    circle_id: int
    member_id: int | None
    asked_by: int | None
    kind: str
    day: dt.date | None
    at_minutes: int | None
    details: str | None
    voice_file_id: str | None
    visibility: str
    status: str
    helper_member_id: int | None
    helpers_needed: int = 1


@dataclass(frozen=True)
class Activity:
    id: int
    circle_id: int
    kind: str
    day: dt.date
    at_minutes: int
    place: str | None


# Who was asked to act about a round: the neighbours, the chair, the beheerder, ...
ACTING = ("visit", "alert", "answer")


@dataclass(frozen=True)
class Round:
    id: int
    member_id: int
    due_at: dt.datetime
    open: bool
    stage: str
    need: str
    answer: str | None  # what the member answered (or "message", "confirmed")
    ended: str | None  # how the round ended
    closed_by: int | None
    going: int | None
    alerted: tuple[int, ...]  # derived: everyone asked to act (visit, alert, answer)


@dataclass(frozen=True)
class Notice:
    """One person told one thing about a round, and how far that message got."""

    user_id: int
    rung: str
    kind: str
    outbox_id: int | None
    delivery: str  # pending, sent, unreachable, failed; 'gone' once the outbox row is
    sent_at: dt.datetime | None

    @property
    def live(self) -> bool:
        """Delivered, or still on its way: this person was (or will be) reached."""
        return self.delivery in ("pending", "sent", "gone")


@dataclass(frozen=True)
class Signal:
    id: int
    circle_id: int
    sender_id: int | None
    about_member_id: int | None
    about_self: bool
    kind: str
    details: str | None
    voice_file_id: str | None
    urgency: str
    name_shared: bool
    safety: bool
    status: str
    owner_member_id: int | None
    created_at: dt.datetime
    stage: str = "sent"


@dataclass(frozen=True)
class SignalNotice:
    """One person told of a worry at one step, and how far that message got."""

    user_id: int
    step: str
    can_pick_up: bool
    outbox_id: int | None
    delivery: str  # pending, sent, unreachable, failed; 'gone' once the outbox row is

    @property
    def live(self) -> bool:
        return self.delivery in ("pending", "sent", "gone")
