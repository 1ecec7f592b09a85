"""Circles, the rules: codes and links, names, what a join code leads to, roles, and
when a circle needs a second voorzitter. The use cases that change a circle live in
``services.circles``."""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from domain.lifecycle import Lifecycle
from domain.policy import Action, Role, may
from domain.records import Circle, Invite, Member
from domain.text import Clipped, clip, one_line

INVITE_VALID = dt.timedelta(days=7)
NAME_MAX = 40


def new_code() -> str:
    """A short random code for a deep link (``start`` payloads allow [A-Za-z0-9_-], ≤64)."""
    return secrets.token_urlsafe(9)


def join_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start=c_{code}"


def professional_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start=p_{code}"


def private_link(bot_username: str, command: str | None = None) -> str:
    """The private chat with the bot; with a command, Start opens that command there."""
    base = f"https://t.me/{bot_username}"
    return f"{base}?start={command}" if command else base


def _script(ch: str) -> str | None:
    """The script of a letter, as far as look-alikes go: Latin, Cyrillic, Greek."""
    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "")
    return next((s for s in ("LATIN", "CYRILLIC", "GREEK") if name.startswith(s)), "OTHER")


def clean_name(text: str) -> str | None:
    """A name people will see: one line, printable, not too long. None if unusable."""
    clipped = clean_name_clipped(text)
    return clipped.text if clipped else None


def clean_name_clipped(text: str) -> Clipped | None:
    """The clean name, and whether it had to be cut (after a whole word) to fit. None if
    unusable: also a name of invisible characters only, or a word that mixes look-alike
    scripts ("Неnk" with a Cyrillic Н, posing as Henk)."""
    text = unicodedata.normalize("NFKC", text)
    # Invisible characters (zero-width, direction marks) are format characters: gone.
    visible = "".join(ch for ch in text if ch.isprintable() and unicodedata.category(ch) != "Cf")
    name = one_line(visible)
    if not name or name.startswith("/") or not any(ch.isalnum() for ch in name):
        return None
    for word in name.split():
        if len({_script(ch) for ch in word} - {None, "OTHER"}) > 1:
            return None
    return clip(name, NAME_MAX, mark=False)


@dataclass(frozen=True)
class Registration:
    circle: Circle
    created: bool  # False: it was a circle already
    reactivated: bool


class JoinProblem(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED = "used"
    INACTIVE = "inactive"


class InviteState(StrEnum):
    """Where a personal invite (or a professional's link) is. Storage keeps the moments
    (used_at, revoked_at, expires_at); ``invite_state`` reads the state from them."""

    OPEN = "open"
    USED = "used"
    REVOKED = "revoked"
    EXPIRED = "expired"


# Once used, withdrawn or past its week, an invite is done: nobody can complete it.
INVITE_LIFECYCLE = Lifecycle(
    {
        InviteState.OPEN: {InviteState.USED, InviteState.REVOKED, InviteState.EXPIRED},
        InviteState.USED: set(),
        InviteState.REVOKED: set(),
        InviteState.EXPIRED: set(),
    }
)


def invite_state(invite: Invite, now: dt.datetime) -> InviteState:
    if invite.revoked:
        return InviteState.REVOKED
    if invite.used_by is not None:
        return InviteState.USED
    if invite.expires_at <= now:
        return InviteState.EXPIRED
    return InviteState.OPEN


@dataclass(frozen=True)
class JoinTarget:
    circle: Circle | None
    invite: Invite | None
    problem: JoinProblem | None


class ChairTaken(StrEnum):
    DONE = "done"  # this member is voorzitter now
    TAKEN = "taken"  # someone else was first
    NOT_ALLOWED = "not_allowed"  # this member was never asked (a forged or replayed ✋)


class RoleChange(StrEnum):
    DONE = "done"
    NOT_ALLOWED = "not_allowed"
    LAST_VOORZITTER = "last_voorzitter"
    UNCHANGED = "unchanged"
    NOT_FOR_THIS_PERSON = "not_for_this_person"


@dataclass(frozen=True)
class Removal:
    done: bool
    chair_empty: bool  # the circle has no voorzitter left: someone must be asked
    message_ids: tuple[int, ...] = ()  # who was looking in hears the ladder stopped
    new_link: bool = False  # removed by the voorzitter: the group's link was renewed


def may_remove(actor: Member | None, target: Member) -> bool:
    """A voorzitter removes someone, or a person removes themselves."""
    self_removal = actor is not None and actor.id == target.id
    return self_removal or (
        actor is not None
        and actor.circle_id == target.circle_id
        and may(actor, Action.REMOVE_MEMBER)
    )


def needs_second_kartrekker(members: list[Member]) -> bool:
    return sum(1 for m in members if m.role == Role.VOORZITTER) == 1 and len(members) > 2
