"""A person's own things: who they are to the bot (name, language, whether the bot can
reach them), what they told once (what they enjoy, what they can offer), and the
question they are in the middle of (a wizard's draft, so a restart loses nothing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.clock import Clock
from core.i18n import I18n
from domain.policy import Role
from domain.records import Circle, User
from services.service import Service
from storage.database import Session
from storage.store import Store

if TYPE_CHECKING:
    from services.waakvlam import Waakvlam


@dataclass
class Forgotten:
    """After /vergeetmij: the messages that tell whoever was looking in that the
    ladder stopped, the circles that lost their only voorzitter, and the person's
    posts that still show their words on Telegram."""

    message_ids: list[int] = field(default_factory=list)
    chairless: list[Circle] = field(default_factory=list)
    # Their posts in the group and in others' chats (chat id, message id): to be blanked.
    posts: list[tuple[int, int]] = field(default_factory=list)


class People(Service):
    def __init__(self, store: Store, i18n: I18n, clock: Clock, waakvlam: Waakvlam) -> None:
        super().__init__(store, i18n, clock)
        self.waakvlam = waakvlam

    async def forget(self, user_id: int) -> Forgotten:
        """Delete the person everywhere. A running "Alles goed?" of theirs stops first,
        and whoever was asked to look in hears it while the name is still known."""
        result = Forgotten()
        for circle, member in await self.store.memberships(user_id):
            if (
                member.role == Role.VOORZITTER
                and await self.store.count_role(circle.id, Role.VOORZITTER) == 1
            ):
                result.chairless.append(circle)
            result.message_ids += await self.waakvlam.end_rounds_of(member)
        result.posts = (await self.store.forget(user_id)).posts
        await self.store.db.checkpoint()
        return result

    async def leave_no_trace(self) -> None:
        """After an erasure and its last messages: the old versions of what changed are
        copied out of the write-ahead log and overwritten (``secure_delete``)."""
        await self.store.db.checkpoint()

    async def remember(
        self, user_id: int, first_name: str, language: str, *, reachable: bool | None
    ) -> User:
        """Record a person (Telegram's name and language, until they choose one)."""
        return await self.store.remember_user(user_id, first_name, language, reachable=reachable)

    async def choose_language(self, user_id: int, language: str) -> None:
        await self.store.choose_language(user_id, language)

    async def set_reachable(self, user_id: int, reachable: bool) -> None:
        """They blocked the bot (False), or started it again (True)."""
        if reachable:
            await self.store.mark_reachable(user_id)
        else:
            await self.store.mark_unreachable(user_id)

    async def set_profile(
        self, user_id: int, *, enjoys: str | None = None, can_offer: str | None = None
    ) -> None:
        await self.store.set_profile(user_id, enjoys=enjoys, can_offer=can_offer)

    # -- what they are in the middle of ------------------------------------------------

    async def draft(self, user_id: int) -> tuple[str, dict[str, Any]] | None:
        return await self.store.draft(user_id)

    async def save_draft(self, user_id: int, flow: str, state: dict[str, Any]) -> None:
        await self.store.save_draft(user_id, flow, state)

    async def clear_draft(self, user_id: int, tx: Session | None = None) -> None:
        await self.store.clear_draft(user_id, tx)
