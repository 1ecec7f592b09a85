"""Circles, the use cases: becoming one, joining, invites, roles, leaving, and the
chair never left empty. The rules they follow are in ``domain.circles``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from domain.circles import (
    INVITE_VALID,
    ChairTaken,
    InviteState,
    JoinProblem,
    JoinTarget,
    Registration,
    Removal,
    RoleChange,
    invite_state,
    may_remove,
    new_code,
)
from domain.policy import Action, Role, may
from domain.records import Circle, Invite, Member
from services.waakvlam import Waakvlam
from storage.database import Session
from storage.store import Store


async def register_circle(
    store: Store, chat_id: int, title: str, admin_id: int, admin_name: str
) -> Registration:
    """A group becomes a circle; the admin who did it becomes voorzitter."""
    existing = await store.circle_by_chat(chat_id)
    if existing is not None:
        reactivated = await store.set_circle_active(existing.id, True)
        circle = await store.circle(existing.id)
        assert circle is not None
        return Registration(circle, created=False, reactivated=reactivated)
    async with store.db.write() as tx:
        await store.ensure_user(tx, admin_id, admin_name)
        circle_id = await store.create_circle(tx, chat_id, title or "Buurtkring", new_code())
        # The voorzitter is named now; their consent follows in the private chat.
        await store.add_member(
            tx, circle_id, admin_id, admin_name, Role.VOORZITTER, consented=False, added_by=admin_id
        )
    circle = await store.circle(circle_id)
    assert circle is not None
    return Registration(circle, created=True, reactivated=False)


async def resolve_join_code(
    store: Store, code: str, now: dt.datetime, *, kind: str = "member"
) -> JoinTarget:
    """What a ``c_<code>`` (or ``p_<code>``) link leads to, or why it no longer works."""
    invite = await store.invite(code)
    if invite is None or invite.kind != kind:
        circle = await store.circle_by_join_code(code) if kind == "member" else None
        if circle is None:
            return JoinTarget(None, None, JoinProblem.UNKNOWN)
        if not circle.active:
            return JoinTarget(circle, None, JoinProblem.INACTIVE)
        return JoinTarget(circle, None, None)
    circle = await store.circle(invite.circle_id)
    state = invite_state(invite, now)
    if state != InviteState.OPEN:
        return JoinTarget(circle, invite, JoinProblem(state.value))
    if circle is None or not circle.active:
        return JoinTarget(circle, invite, JoinProblem.INACTIVE)
    return JoinTarget(circle, invite, None)


@dataclass(frozen=True)
class Joined:
    member_id: int | None
    new: bool  # a member now who was not before
    problem: JoinProblem | None = None  # the invite no longer works: nothing was stored


async def complete_joining(
    store: Store,
    circle_id: int,
    user_id: int,
    name: str,
    *,
    professional_consent: bool,
    invite_code: str | None,
    now: dt.datetime,
    group_code: str | None = None,
    role: Role = Role.LID,
    phone: str | None = None,
    share_phone: bool = False,
) -> Joined:
    """Record consent and membership. A personal invite is checked again here, in the
    same transaction that uses it: withdrawn, expired or taken by someone else while
    the wizard was open, it joins nobody (two people racing one link: one wins); so is
    the group's link (``group_code``), renewed meanwhile."""
    before = await store.member_of(circle_id, user_id)
    async with store.db.write() as tx:
        if group_code and await store.join_code(circle_id, tx) != group_code:
            # The group's link was renewed while the wizard was open (someone removed).
            await store.clear_draft(user_id, tx)
            return Joined(None, False, JoinProblem.UNKNOWN)
        if invite_code and not await store.use_invite(tx, invite_code, user_id, now):
            invite = await store.invite(invite_code)
            # A second tap of the same link by the one who used it is harmless.
            if invite is None or invite.used_by != user_id:
                await store.clear_draft(user_id, tx)
                state = invite_state(invite, now) if invite else InviteState.REVOKED
                return Joined(None, False, JoinProblem(state.value))
        # The first professional linked is the one who is told; later ones stand in.
        backup = role == Role.PROFESSIONAL and await store.count_role(
            circle_id, Role.PROFESSIONAL, tx
        ) > (1 if before is not None and before.role == Role.PROFESSIONAL else 0)
        member_id = await store.add_member(
            tx,
            circle_id,
            user_id,
            name,
            role,
            consented=True,
            professional_consent=professional_consent,
            phone=phone,
            share_phone=share_phone,
            added_by=user_id,
        )
        if backup:
            await store.mark_backup(tx, member_id)
        await store.clear_draft(user_id, tx)
    return Joined(member_id, before is None or not before.consented)


async def create_invite(
    store: Store, actor: Member, circle: Circle, now: dt.datetime, *, kind: str = "member"
) -> Invite | None:
    action = Action.LINK_PROFESSIONAL if kind == "professional" else Action.INVITE_MEMBER
    if not may(actor, action, circle) or actor.user_id is None:
        return None
    code = new_code()
    await store.create_invite(code, circle.id, kind, actor.user_id, now + INVITE_VALID)
    return await store.invite(code)


async def change_role(store: Store, actor: Member | None, target: Member, role: Role) -> RoleChange:
    if actor is None or actor.circle_id != target.circle_id or not may(actor, Action.MANAGE_ROLES):
        return RoleChange.NOT_ALLOWED
    if (
        target.role == Role.PROFESSIONAL
        or role == Role.PROFESSIONAL
        or (target.no_phone and role != Role.LID)
    ):
        return RoleChange.NOT_FOR_THIS_PERSON
    if target.role == role:
        return RoleChange.UNCHANGED
    async with store.db.write() as tx:
        if (
            target.role == Role.VOORZITTER
            and await store.count_role(target.circle_id, Role.VOORZITTER, tx) <= 1
        ):
            return RoleChange.LAST_VOORZITTER
        await store.set_role(tx, target.id, role)
    return RoleChange.DONE


async def remove_member(
    store: Store, waakvlam: Waakvlam, actor: Member | None, target: Member
) -> Removal:
    """A voorzitter removes someone, or a person removes themselves. A running "Alles
    goed?" of theirs stops first, and whoever was asked to look in hears it while the
    name is still known."""
    if not may_remove(actor, target):
        return Removal(False, False)
    told = await waakvlam.end_rounds_of(target)
    removed_by_chair = actor is not None and actor.id != target.id
    async with store.db.write() as tx:
        await store.remove_member(tx, target.id)
        left = await store.count_role(target.circle_id, Role.VOORZITTER, tx)
        if removed_by_chair:
            # Whoever was removed cannot walk back in with the group's old link.
            await store.renew_join_code(tx, target.circle_id, new_code())
    return Removal(
        True, target.role == Role.VOORZITTER and left == 0, tuple(told), removed_by_chair
    )


async def renew_group_link(store: Store, actor: Member | None, circle: Circle) -> Circle | None:
    """The voorzitter gives the group a new "Doe mee" link; the old one stops working."""
    if not may(actor, Action.RENEW_GROUP_LINK, circle):
        return None
    async with store.db.write() as tx:
        await store.renew_join_code(tx, circle.id, new_code())
    return await store.circle(circle.id)


@dataclass(frozen=True)
class LetIn:
    """A voorzitter's answer to someone who asked to be let in."""

    done: bool  # False: not theirs to decide, or decided already
    user_id: int | None = None  # who asked
    invite: Invite | None = None  # let in: their own link to join with


async def ask_to_join(store: Store, circle: Circle, user_id: int, name: str) -> int | None:
    """Someone with the group's link is not in the Telegram group: the voorzitter is
    asked to let them in. The request's id; None when one is waiting already."""
    return await store.ask_to_join(circle.id, user_id, name)


async def let_in(
    store: Store, actor: Member | None, request_id: int, approve: bool, now: dt.datetime
) -> LetIn:
    """The voorzitter lets them in (they get a personal invite of their own) or not."""
    found = await store.join_request(request_id)
    if found is None or actor is None or actor.user_id is None:
        return LetIn(False)
    circle_id, user_id, _name, waiting = found
    circle = await store.circle(circle_id)
    if not waiting or not may(actor, Action.RENEW_GROUP_LINK, circle):
        return LetIn(False)
    code = new_code()
    async with store.db.write() as tx:
        if not await store.decide_join_request(tx, request_id, actor.user_id, approve):
            return LetIn(False)
        if approve:
            await store.add_invite(tx, code, circle_id, "member", actor.user_id, now + INVITE_VALID)
    return LetIn(True, user_id, await store.invite(code) if approve else None)


async def chair_candidates(store: Store, circle_id: int) -> list[Member]:
    """Who is asked to take the chair: the superburen, or else every reachable neighbour."""
    members = [m for m in await store.members(circle_id) if m.consented and not m.no_phone]
    superburen = [m for m in members if m.role == Role.SUPERBUUR]
    return superburen or [m for m in members if m.role == Role.LID]


async def take_chair(store: Store, circle_id: int, member: Member) -> ChairTaken:
    """First one asked to say yes becomes voorzitter."""
    if member.circle_id != circle_id:
        return ChairTaken.NOT_ALLOWED
    async with store.db.write() as tx:
        if await store.count_role(circle_id, Role.VOORZITTER, tx) > 0:
            return ChairTaken.TAKEN
        if member.id not in {m.id for m in await chair_candidates(store, circle_id)}:
            return ChairTaken.NOT_ALLOWED
        await store.set_role(tx, member.id, Role.VOORZITTER)
    return ChairTaken.DONE


# -- the group, as Telegram tells it ------------------------------------------------------


async def group_lost(store: Store, circle: Circle) -> bool:
    """The bot was removed from the group: the circle pauses, nothing is deleted. True
    when this changed anything (a redelivered update does nothing twice)."""
    return await store.set_circle_active(circle.id, False)


async def follow_migration(store: Store, old_chat_id: int, new_chat_id: int) -> Circle | None:
    """The group became a supergroup: the circle follows to its new chat id."""
    return await store.move_circle_chat(old_chat_id, new_chat_id)


async def seen_in_group(store: Store, circle_id: int, user_id: int, present: bool) -> None:
    await store.set_in_group(circle_id, user_id, present)


# -- invites, someone without a phone, the name, the wegwijzer ----------------------------


async def revoke_invite(store: Store, invite: Invite) -> bool:
    return await store.revoke_invite(invite.code)


async def add_without_phone(
    store: Store,
    circle: Circle,
    actor: Member,
    name: str,
    phone: str | None,
    contact: Member,
) -> int | None:
    """A voorzitter or superbuur adds a neighbour who has no smartphone, with the
    contact neighbour who looks in. None when the actor may not (any more)."""
    if not may(actor, Action.ADD_ON_BEHALF, circle) or actor.user_id is None:
        return None
    async with store.db.write() as tx:
        member_id = await store.add_member(
            tx,
            circle.id,
            None,
            name,
            Role.LID,
            consented=True,
            phone=phone,
            share_phone=bool(phone),
            contact_member_id=contact.id,
            added_by=actor.user_id,
        )
        await store.clear_draft(actor.user_id, tx)
    return member_id


async def _finish_draft(
    store: Store,
    actor: Member | None,
    action: Action,
    change: Callable[[Session, int], Awaitable[None]],
) -> bool:
    """A wizard's last step: if the policy still allows it, make the change and clear
    the draft in one transaction. False: not (any more) theirs to do."""
    if actor is None or actor.user_id is None or not may(actor, action):
        return False
    async with store.db.write() as tx:
        await change(tx, actor.user_id)
        await store.clear_draft(actor.user_id, tx)
    return True


async def rename(store: Store, actor: Member | None, circle_id: int, name: str) -> bool:
    """The voorzitter names the circle."""

    async def change(tx: Session, _user_id: int) -> None:
        await store.rename_circle(circle_id, name, tx)

    return await _finish_draft(store, actor, Action.RENAME_CIRCLE, change)


async def add_signpost(store: Store, actor: Member | None, circle_id: int, text: str) -> bool:
    """A line for the wegwijzer."""

    async def change(tx: Session, user_id: int) -> None:
        await store.add_signpost(circle_id, text, user_id, tx)

    return await _finish_draft(store, actor, Action.EDIT_SIGNPOSTS, change)


async def remove_signpost(store: Store, circle: Circle, signpost_id: int) -> bool:
    return await store.remove_signpost(circle.id, signpost_id)
