"""Requests for help: kinds, when, who may see and claim them. No Telegram here."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from core.callbacks import Choice, Codec, Int, Keyboard, column
from core.i18n import N_
from domain.lifecycle import Lifecycle
from domain.policy import Role
from domain.records import Member


class RequestStatus(StrEnum):
    OPEN = "open"  # nobody yet, or more hands still wanted
    CLAIMED = "claimed"  # enough helpers
    DONE = "done"
    CANCELLED = "cancelled"


REQUEST_LIFECYCLE = Lifecycle(
    {
        RequestStatus.OPEN: {RequestStatus.CLAIMED, RequestStatus.DONE, RequestStatus.CANCELLED},
        # A helper who hands it back makes it open again.
        RequestStatus.CLAIMED: {RequestStatus.OPEN, RequestStatus.DONE, RequestStatus.CANCELLED},
        RequestStatus.DONE: set(),
        RequestStatus.CANCELLED: set(),
    }
)


class ClaimStatus(StrEnum):
    """What "Ik help" did."""

    CLAIMED = "claimed"  # enough hands now
    JOINED = "joined"  # one more; more hands still wanted
    FULL = "full"  # too late: someone else took it
    ALREADY = "already"  # this person helps already


class Kind(StrEnum):
    GROCERIES = "groceries"
    MEAL = "meal"
    LIFT = "lift"
    COMPANY = "company"
    JOB = "job"
    MEDICINE = "medicine"
    CHAT = "chat"  # "Graag even een praatje": not a task, goes to a superbuur
    UNBURDEN = "unburden"  # "Ik wil iets kwijt": not a task either
    OTHER = "other"


KIND_LABELS = {
    Kind.GROCERIES: N_("🛒 Groceries"),
    Kind.MEAL: N_("🍲 Soup or a meal"),
    Kind.LIFT: N_("🚗 A lift"),
    Kind.COMPANY: N_("☕ Company or a visit"),
    Kind.JOB: N_("🔧 A small job"),
    Kind.MEDICINE: N_("💊 Picking up medicine"),
    Kind.CHAT: N_("💬 I'd like a chat"),
    Kind.UNBURDEN: N_("🗣️ I want to get something off my chest"),
    Kind.OTHER: N_("✏️ Something else"),
}
# The most asked kinds, shown first; "Iets anders…" shows the rest.
FIRST_KINDS = (Kind.GROCERIES, Kind.MEAL, Kind.LIFT, Kind.COMPANY, Kind.JOB)
# In running text: "Riet zoekt hulp: boodschappen, morgen rond 12:00".
KIND_WORDS = {
    Kind.GROCERIES: N_("groceries"),
    Kind.MEAL: N_("soup or a meal"),
    Kind.LIFT: N_("a lift"),
    Kind.COMPANY: N_("company or a visit"),
    Kind.JOB: N_("a small job"),
    Kind.MEDICINE: N_("picking up medicine"),
    Kind.CHAT: N_("a chat"),
    Kind.UNBURDEN: N_("someone to listen"),
    Kind.OTHER: N_("something else"),
}
NOT_A_TASK = {Kind.CHAT, Kind.UNBURDEN}

# The buttons of a request, and the data they carry.
REQUEST_ACTION = Codec("hv", Int("request"), Choice("action", ("claim", "back", "done", "cancel")))
BUTTON_HELP = N_("🙋 I'll help")
BUTTON_DONE = N_("✅ Done")
BUTTON_HAND_BACK = N_("😕 I can't make it after all")
BUTTON_CANCEL = N_("Cancel this request")


def help_buttons(request_id: int) -> Keyboard:
    """Under a request: "Ik help"."""
    return column(REQUEST_ACTION.button(BUTTON_HELP, request_id, "claim"))


def helper_buttons(request_id: int) -> Keyboard:
    """For whoever helps: done, or hand it back."""
    return column(
        REQUEST_ACTION.button(BUTTON_DONE, request_id, "done"),
        REQUEST_ACTION.button(BUTTON_HAND_BACK, request_id, "back"),
    )


def asker_buttons(request_id: int, *, claimed: bool) -> Keyboard:
    """For whoever asked: done (once someone helps), or cancel."""
    done = [REQUEST_ACTION.button(BUTTON_DONE, request_id, "done")] if claimed else []
    return column(*done, REQUEST_ACTION.button(BUTTON_CANCEL, request_id, "cancel"))


def done_buttons(request_id: int) -> Keyboard:
    return column(REQUEST_ACTION.button(BUTTON_DONE, request_id, "done"))


def hand_back_buttons(request_id: int) -> Keyboard:
    return column(REQUEST_ACTION.button(BUTTON_HAND_BACK, request_id, "back"))


TIMES = [None, 10 * 60, 12 * 60, 14 * 60, 17 * 60, 19 * 60]


def day_options(today: dt.date) -> list[dt.date | None]:
    """Today, tomorrow, the rest of the week, or any day (None)."""
    return [today + dt.timedelta(days=n) for n in range(7)] + [None]


def due_moment(day: dt.date | None, at_minutes: int | None, tz: dt.tzinfo) -> dt.datetime | None:
    """The moment help is wanted, in UTC; a day without a time counts as 12:00."""
    if day is None:
        return None
    minutes = 12 * 60 if at_minutes is None else at_minutes
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=tz).astimezone(
        dt.UTC
    )


# How far ahead a request may be (the wizard offers a week; a forged button more).
MAX_DAYS_AHEAD = 60
DEFAULT_QUIET = (dt.time(22, 0), dt.time(8, 0))


def valid_day(day: dt.date | None, today: dt.date) -> bool:
    """A request is for today or a day to come, not for a day that is over (a wizard
    left open across midnight, a forged button) and not for next year."""
    return day is None or today <= day <= today + dt.timedelta(days=MAX_DAYS_AHEAD)


def nudge_after(day: dt.date | None, today: dt.date) -> dt.timedelta:
    """How long to wait for a volunteer before the superburen are asked."""
    return dt.timedelta(hours=1) if day is not None and day <= today else dt.timedelta(hours=4)


def in_quiet_hours(moment: dt.datetime, tz: dt.tzinfo, quiet: tuple[dt.time, dt.time]) -> bool:
    start, end = quiet
    local = moment.astimezone(tz).time()
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def after_quiet_hours(
    moment: dt.datetime, tz: dt.tzinfo, quiet: tuple[dt.time, dt.time]
) -> dt.datetime:
    """The moment itself, or the end of the quiet hours it falls in (UTC)."""
    if not in_quiet_hours(moment, tz, quiet):
        return moment
    local = moment.astimezone(tz)
    day = local.date() if local.time() < quiet[1] else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, quiet[1], tzinfo=tz).astimezone(dt.UTC)


def widening_times(
    now: dt.datetime,
    day: dt.date | None,
    at_minutes: int | None,
    tz: dt.tzinfo,
    quiet: tuple[dt.time, dt.time] = DEFAULT_QUIET,
) -> tuple[dt.datetime, dt.datetime]:
    """When the superburen are asked (nudge) and when the voorzitter (deadline), for a
    request nobody has taken. Early enough to help before the wanted time (a third
    and two thirds of the time left, at most the usual wait), and never in the quiet
    hours of the night, unless the help is wanted today."""
    today = now.astimezone(tz).date()
    usual = nudge_after(day, today)
    due = due_moment(day, at_minutes, tz)
    if due is None:
        nudge, deadline = now + usual, now + 2 * usual
    else:
        left = max(due - now, dt.timedelta(0))
        nudge, deadline = now + min(usual, left / 3), now + min(2 * usual, left * 2 / 3)

    def polite(moment: dt.datetime) -> dt.datetime:
        if day == today:
            return moment  # help wanted today may still be sought late in the evening
        return after_quiet_hours(moment, tz, quiet)

    nudge, deadline = polite(nudge), polite(deadline)
    if deadline <= nudge:
        room = (due - nudge) / 2 if due is not None and due > nudge else dt.timedelta(hours=1)
        deadline = nudge + min(dt.timedelta(hours=1), room)
    return nudge, deadline


def next_weekly_day(day: dt.date, today: dt.date) -> dt.date:
    """The next occurrence of a weekly request: a week on, and never a day that is
    over (a series started on a day long gone does not post a burst of weeks)."""
    following = day + dt.timedelta(days=7)
    if following < today:
        following += dt.timedelta(days=7 * -(-(today - following).days // 7))
    return following


def may_claim(
    member: Member | None, request_circle: int, asker: Member | None, visibility: str
) -> bool:
    if member is None or not member.consented or member.no_phone:
        return False
    if member.circle_id != request_circle or member.role == Role.PROFESSIONAL:
        return False
    if asker is not None and member.id == asker.id:
        return False
    if visibility == "coordinators":
        return member.role in (Role.SUPERBUUR, Role.VOORZITTER)
    return True


def audience(visibility: str, voice_file_id: str | None) -> str:
    """Who a request is for: "circle" (the group) or "coordinators" (the superburen and
    the voorzitter, privately). A voice message is always for the coordinators, whatever
    was chosen: the bot cannot read it, so it cannot tell whether it asks for money or a
    PIN (see ``domain.safeguards``)."""
    return "coordinators" if voice_file_id else visibility


def private_audience(members: list[Member], member_id: int, asked_by: int | None) -> list[Member]:
    """Who gets a request that is not posted in the group: the superburen and the
    voorzitters, not the member it is for, nor whoever asked on their behalf."""
    return [p for p in coordinators(members, member_id) if p.user_id != asked_by]


def voice_audience_text(people: list[Member]) -> str:
    """What the asker of a voice request hears about who gets it (``{names}``): the roles
    named are the roles of the people it really goes to."""
    roles = {p.role for p in people}
    if not people:
        return N_(
            "I cannot listen to a voice message myself, so it only goes to the superburen "
            "and the voorzitter. Your circle has nobody else in those roles yet, so nobody "
            "would get it. Type your request instead, then it can go to the whole circle."
        )
    if roles == {Role.SUPERBUUR}:
        return N_(
            "I cannot listen to a voice message myself, so it only goes to the superburen: {names}."
        )
    if roles == {Role.VOORZITTER}:
        return N_(
            "I cannot listen to a voice message myself, so it only goes to the voorzitter: {names}."
        )
    return N_(
        "I cannot listen to a voice message myself, so it only goes to the superburen and "
        "the voorzitter: {names}."
    )


def coordinators(members: list[Member], exclude: int | None = None) -> list[Member]:
    return [
        m
        for m in members
        if m.role in (Role.SUPERBUUR, Role.VOORZITTER)
        and m.consented
        and m.user_id is not None
        and m.id != exclude
    ]


def superburen_first(members: list[Member], exclude: int | None = None) -> list[Member]:
    """The superburen; a circle without them falls back to the voorzitters."""
    found = [m for m in coordinators(members, exclude) if m.role == Role.SUPERBUUR]
    return found or [m for m in coordinators(members, exclude) if m.role == Role.VOORZITTER]
