"""The callback context handlers get: the services, and the person's language ready.

``OmkijkContext`` is python-telegram-bot's ``CallbackContext`` with two things added:
``services`` (the one ``bot.services.Services`` object the application was built with)
and ``t`` (the translator for the person this update is from).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import Application, CallbackContext, ExtBot

from core.i18n import Translator
from domain.records import User

if TYPE_CHECKING:  # the wiring above handlers: a type only, never imported at run time
    from bot.services import Services


class BotData:
    """``application.bot_data``: the services, set once at start, and what this process
    set as a person's own command list (user id -> what; see handlers/menu.py)."""

    services: Services

    def __init__(self) -> None:
        self.commands_sent: dict[int, object] = {}


class OmkijkContext(CallbackContext[ExtBot, dict, dict, BotData]):
    """The callback context with the person's language ready (set by ``remember_person``)."""

    def __init__(
        self, application: Application, chat_id: int | None = None, user_id: int | None = None
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self.person: User | None = None
        # A button press is answered once; whoever answers it first says so here.
        self.callback_answered = False
        # A wizard shows a step again in the tapped message (see handlers/wizard.py).
        self.redraw = False
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
