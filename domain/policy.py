"""Who may see and do what: the one place where rights are decided.

Handlers ask ``may(member, Action.X)``; they never compare roles themselves.
"""

from __future__ import annotations

from enum import StrEnum

from core.i18n import N_
from domain.records import Circle, Member


class Role(StrEnum):
    LID = "lid"
    SUPERBUUR = "superbuur"
    VOORZITTER = "voorzitter"
    PROFESSIONAL = "professional"


ROLE_LABELS = {
    Role.LID: N_("member"),
    Role.SUPERBUUR: N_("superbuur"),
    Role.VOORZITTER: N_("voorzitter"),
    Role.PROFESSIONAL: N_("professional"),
}


class Action(StrEnum):
    SEE_MEMBERS = "see_members"
    MANAGE_ROLES = "manage_roles"
    REMOVE_MEMBER = "remove_member"
    INVITE_MEMBER = "invite_member"
    LINK_PROFESSIONAL = "link_professional"
    ADD_ON_BEHALF = "add_on_behalf"
    SEE_SIGNPOSTS = "see_signposts"
    EDIT_SIGNPOSTS = "edit_signposts"
    PHONE_LIST = "phone_list"
    RENAME_CIRCLE = "rename_circle"
    SEE_OVERVIEW = "see_overview"  # the week's summary, or the worries with their figures
    SEE_OPEN_WORRIES = "see_open_worries"  # the worries a professional picks up
    SEE_CONTACT_PERSONS = "see_contact_persons"  # who the voorzitters and superburen are
    RENEW_GROUP_LINK = "renew_group_link"  # and let in who is not in the group


_NEIGHBOURS = {Role.LID, Role.SUPERBUUR, Role.VOORZITTER}
_COORDINATORS = {Role.SUPERBUUR, Role.VOORZITTER}

RIGHTS: dict[Action, set[Role]] = {
    # A professional is not part of the group: they see only what is sent to them.
    Action.SEE_MEMBERS: _NEIGHBOURS,
    Action.MANAGE_ROLES: {Role.VOORZITTER},
    Action.REMOVE_MEMBER: {Role.VOORZITTER},
    Action.INVITE_MEMBER: _COORDINATORS,
    Action.LINK_PROFESSIONAL: {Role.VOORZITTER},
    Action.ADD_ON_BEHALF: _COORDINATORS,
    Action.SEE_SIGNPOSTS: _NEIGHBOURS | {Role.PROFESSIONAL},
    Action.EDIT_SIGNPOSTS: {Role.VOORZITTER, Role.PROFESSIONAL},
    Action.PHONE_LIST: {Role.VOORZITTER},
    Action.RENAME_CIRCLE: {Role.VOORZITTER},
    Action.SEE_OVERVIEW: {Role.VOORZITTER, Role.PROFESSIONAL},
    Action.SEE_OPEN_WORRIES: {Role.PROFESSIONAL},
    # The professional is not in the group, but may know whom to turn to in the circle.
    Action.SEE_CONTACT_PERSONS: _NEIGHBOURS | {Role.PROFESSIONAL},
    Action.RENEW_GROUP_LINK: {Role.VOORZITTER},
}

# Things that change the group or invite people wait while the bot is out of the group.
_NEEDS_ACTIVE_CIRCLE = {Action.INVITE_MEMBER, Action.LINK_PROFESSIONAL}


def may(member: Member | None, action: Action, circle: Circle | None = None) -> bool:
    """May this member (of this circle) do this? No membership, no consent: no."""
    if member is None or not member.consented or member.no_phone:
        return False
    if circle is not None and (
        circle.id != member.circle_id or (action in _NEEDS_ACTIVE_CIRCLE and not circle.active)
    ):
        return False
    return Role(member.role) in RIGHTS[action]


def roles_in(memberships: list[Member]) -> set[Role]:
    """The roles a person holds, in the circles they joined: what their menu is made of."""
    return {Role(m.role) for m in memberships if m.consented and not m.no_phone}


def roles_a_voorzitter_can_give() -> list[Role]:
    return [Role.LID, Role.SUPERBUUR, Role.VOORZITTER]


def checkin_rights(actor: Member | None, target: Member) -> str | None:
    """What ``actor`` may change in ``target``'s waakvlam: "full", "pause" or None.

    A member decides about their own check-in. A superbuur or voorzitter sets it up
    for someone without a smartphone, and may pause anyone's (holiday, hospital),
    but does not switch on a check-in for someone who can decide for themselves.
    """
    if actor is None or not actor.consented or actor.circle_id != target.circle_id:
        return None
    if actor.id == target.id and target.role != Role.PROFESSIONAL:
        return "full"
    if Role(actor.role) in _COORDINATORS and target.role != Role.PROFESSIONAL:
        return "full" if target.no_phone else "pause"
    return None
