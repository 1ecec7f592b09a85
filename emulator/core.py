"""The emulator: one object with the world, people's side, the Bot API and faults.

Each part lives in its own module; this puts them together and keeps the names
tests, practice mode and benchmarks import.
"""

from emulator.botapi import BotApi
from emulator.faults import Fault
from emulator.people import PeopleSide
from emulator.world import BOT_ID, BotApiError, EmuChat, EmuUser, chat_member_json

__all__ = [
    "BOT_ID",
    "BotApiError",
    "EmuChat",
    "EmuUser",
    "Emulator",
    "Fault",
    "chat_member_json",
]


class Emulator(PeopleSide, BotApi):
    """A local Telegram: what people do and what the bot calls, on one shared world."""
