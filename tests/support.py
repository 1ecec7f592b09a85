"""Test helpers: the real bot against the real emulator over HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.app import Runtime
from bot.clock import ManualClock
from bot.config import Settings, load_settings
from emulator.core import Emulator, EmuUser
from emulator.server import EmulatorServer

# Tuesday 24 November 2026, 09:00 in Amsterdam.
T0 = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
REPO = Path(__file__).resolve().parent.parent


def make_settings(db_path: Path, **overrides: Any) -> Settings:
    return load_settings(_env_file=None, db_path=db_path, **overrides)


@dataclass
class World:
    """The emulator, the bot, the clock: what an end-to-end test talks to."""

    emulator: Emulator
    server: EmulatorServer
    runtime: Runtime
    clock: ManualClock

    @property
    def store(self):
        return self.runtime.services.store

    def person(self, name: str, language_code: str = "nl", **kwargs: Any) -> EmuUser:
        return self.emulator.add_user(name, language_code=language_code, **kwargs)

    async def handled(self, update: dict[str, Any] | None) -> None:
        """Wait (on events, not on time) until the bot has handled this update."""
        assert update is not None, "the bot never saw this message"
        await asyncio.wait_for(self.runtime.inbox.wait_handled(update["update_id"]), 10)

    async def say(self, user: EmuUser, text: str, chat_id: int | None = None) -> list[dict]:
        """``user`` types ``text``; returns what the bot sent in that chat in answer."""
        chat = chat_id if chat_id is not None else user.id
        before = len(self.emulator.bot_messages(chat))
        await self.handled(await self.emulator.send_text(user.id, chat, text))
        return self.emulator.bot_messages(chat)[before:]

    async def press(
        self, user: EmuUser, message: dict, data: str, *, forge: bool = False
    ) -> list[dict]:
        chat = message["chat"]["id"]
        before = len(self.emulator.bot_messages(chat))
        update = await self.emulator.press_button(
            user.id, chat, message["message_id"], data, check_exists=not forge
        )
        await self.handled(update)
        return self.emulator.bot_messages(chat)[before:]

    def answers_to(self, update_count: int = 1) -> list[dict]:
        return self.emulator.callback_answers[-update_count:]
