"""A local stand-in for the Telegram Bot API, for tests, practice and benchmarks.

It speaks the part of the Bot API the bot uses, with Telegram's real error
shapes, and it also acts for people: make users and groups, send text and
voice, press buttons, add or remove the bot, migrate a group to a supergroup.
"""

from emulator.core import BotApiError, Emulator, Fault

__all__ = ["BotApiError", "Emulator", "Fault"]
