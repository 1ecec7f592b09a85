"""Telling circle members privately and durably (through the outbox), in their language."""

from __future__ import annotations

import logging

from core.callbacks import Keyboard
from core.priority import Priority
from domain.policy import Role
from domain.records import Member
from handlers.context import OmkijkContext

log = logging.getLogger(__name__)


async def tell_privately(
    context: OmkijkContext,
    members: list[Member],
    text_id: str,
    *,
    priority: int = Priority.ROUTINE,
    buttons: Keyboard | None = None,
    **params: object,
) -> None:
    """A durable private message to each member, in their own language, sent now."""
    ids = await context.services.notices.tell(
        [m.user_id for m in members if m.user_id is not None],
        text_id,
        priority=priority,
        buttons=buttons,
        source="circles",
        **params,
    )
    await context.services.outbox.deliver(context.bot, ids)


async def voorzitters_of(context: OmkijkContext, circle_id: int) -> list[Member]:
    members = await context.services.store.members(circle_id)
    return [m for m in members if m.role == Role.VOORZITTER and m.user_id is not None]
