"""What handlers and timers share: one object, kept in ``application.bot_data``
(see ``handlers.context``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.outbox import OutboxSender
from core.clock import Clock
from core.i18n import I18n
from scheduling.timers import Scheduler
from services.activities import Activities
from services.notices import Notices
from services.offers import Offers
from services.operator import Operator
from services.people import People
from services.requests import HelpDesk
from services.signals import Worries
from services.summaries import Summaries
from services.waakvlam import Waakvlam
from storage.store import Store

if TYPE_CHECKING:
    from bot.inbox import Inbox


@dataclass
class Services:
    settings: Settings
    clock: Clock
    store: Store
    i18n: I18n
    scheduler: Scheduler
    outbox: OutboxSender
    waakvlam: Waakvlam
    helpdesk: HelpDesk
    worries: Worries
    summaries: Summaries
    activities: Activities
    notices: Notices
    people: People
    offers: Offers
    operator: Operator
    inbox: Inbox | None = None
