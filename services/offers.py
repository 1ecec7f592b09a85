"""Standing offers ("ik kan dinsdags rijden") and a break from giving ("ik kan even
niets terugdoen"): always about the presser's own membership."""

from __future__ import annotations

import datetime as dt

from domain.records import Member
from services.service import Service


class Offers(Service):
    async def add(self, member: Member, kind: str, weekday: int | None) -> None:
        """A new standing offer; the question that led to it is done."""
        async with self.store.db.write() as tx:
            await self.store.add_offer(member.id, kind, weekday, tx)
            if member.user_id is not None:
                await self.store.clear_draft(member.user_id, tx)

    async def remove(self, member: Member, offer_id: int) -> bool:
        return await self.store.remove_offer(member.id, offer_id)

    async def rest(self, member: Member, until: dt.date | None) -> None:
        """A break from being asked until ``until`` (None: back now)."""
        await self.store.set_resting(member.id, until)
