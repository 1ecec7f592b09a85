"""What handlers and timers share: one object, kept in ``application.bot_data``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.outbox import OutboxSender
from core.clock import Clock
from core.i18n import I18n, Translator
from domain.records import User
from scheduling.timers import Scheduler
from services.activities import Activities
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
    inbox: Inbox | None = None


class BotData:
    """``application.bot_data``: the services, set once at start."""

    services: Services


class OmkijkContext(CallbackContext[ExtBot, dict, dict, BotData]):
    """The callback context with the person's language ready (set by ``remember_person``)."""

    def __init__(
        self, application: Application, chat_id: int | None = None, user_id: int | None = None
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self.person: User | None = None
        # A button press is answered once; whoever answers it first says so here.
        self.callback_answered = False
        self._translator: Translator | None = None

    @property
    def services(self) -> Services:
        return self.bot_data.services

    @property
    def t(self) -> Translator:
        """The translator for the person this update is from (Dutch by default)."""
        if self._translator is None:
            language = self.person.language if self.person else None
            self._translator = self.services.i18n.for_language(language)
        return self._translator

    def use_language(self, language: str) -> None:
        self._translator = self.services.i18n.for_language(language)
