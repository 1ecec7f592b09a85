"""The bot tells its operator: a private message to each beheerder (``OMKIJK_ADMIN_IDS``)
when something needs a person who runs the bot, at most once a day for each kind.

The ladders' own last rung (a check-in nobody answered, a worry nobody picked up) goes
to the beheerders through the waakvlam and worry services; this is for the rest.
"""

from __future__ import annotations

import logging
from enum import StrEnum

from core.clock import Clock
from core.i18n import N_, I18n
from core.priority import Priority
from scheduling.builtin import NOTICE
from services.service import LadderService
from storage.store import Store

log = logging.getLogger(__name__)


class Trouble(StrEnum):
    SET_ASIDE = "set_aside"  # an update could not be handled and was set aside
    GROUP_LOST = "group_lost"  # a circle's group removed the bot, or is gone
    OUTBOX_STUCK = "outbox_stuck"  # urgent messages waiting over five minutes
    DISK_LOW = "disk_low"  # little free space left for the database
    BACKUP_OLD = "backup_old"  # the last backup is older than configured


MESSAGES = {
    Trouble.SET_ASIDE: N_(
        "Omkijkbot, for the beheerder: a message from someone could not be handled and was "
        "set aside. The person was asked to try again. “omkijkbot status” shows the count; "
        "the log has the details (no content)."
    ),
    Trouble.GROUP_LOST: N_(
        "Omkijkbot, for the beheerder: the circle “{circle}” lost its Telegram group (the bot "
        "was removed, or the group is gone). Its members still get private messages; ask the "
        "voorzitter to add the bot to a group again."
    ),
    Trouble.OUTBOX_STUCK: N_(
        "Omkijkbot, for the beheerder: {n} urgent messages (alerts, worries) have been "
        "waiting more than five minutes to be sent. Telegram may be unreachable: please look "
        "at the log and at “omkijkbot status”."
    ),
    Trouble.DISK_LOW: N_(
        "Omkijkbot, for the beheerder: the disk holding the database has only {mb} MB "
        "free. When it is full, the bot cannot store anything: please make room."
    ),
    Trouble.BACKUP_OLD: N_(
        "Omkijkbot, for the beheerder: the last backup was made {hours} hours ago. "
        "Please run “omkijkbot backup” (or check the job that does)."
    ),
}


class Operator(LadderService):
    def __init__(self, store: Store, i18n: I18n, clock: Clock, admin_ids: list[int]) -> None:
        super().__init__(store, i18n, clock, admin_ids)

    async def warn(self, trouble: Trouble, **params: object) -> int:
        """Tell each beheerder, once a day for this kind of trouble. Returns how many
        were told now (0: none set, or told already today)."""
        today = self.clock.now().astimezone(self.tz).date().isoformat()
        told = 0
        for admin_id, _name in await self._beheerders(set()):
            scheduled = await self.store.schedule(
                NOTICE,
                self.clock.now(),
                {
                    "user_id": admin_id,
                    "message": MESSAGES[trouble],
                    "params": params,
                    "priority": Priority.INTERACTIVE,
                },
                dedupe_key=f"operator:{trouble}:{today}:{admin_id}",
                priority=Priority.INTERACTIVE,
            )
            told += scheduled is not None
        if told:
            log.info("told %d beheerder(s): %s", told, trouble)
        return told
