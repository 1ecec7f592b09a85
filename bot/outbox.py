"""Deliver queued messages; mark each sent only once Telegram accepted it.

Messages that matter (reminders, waakvlam steps, alerts) go through here rather
than straight to Telegram, so a restart, a 429 or a timeout delays them but
never drops them. A person who blocked the bot (403) is marked unreachable and
the callbacks in ``on_undeliverable`` decide what happens next (for the waakvlam:
an undelivered check-in is a silence, not a success).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from bot.clock import Clock
from storage.store import OutgoingMessage, Store

log = logging.getLogger(__name__)

Undeliverable = Callable[[OutgoingMessage, str], Awaitable[None]]


def _retry_delay(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(5 * 2**attempts, 600))


class OutboxSender:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.on_undeliverable: list[Undeliverable] = []
        self._lock = asyncio.Lock()

    async def flush(self, bot: Bot) -> int:
        """Send what is due. Returns how many were accepted by Telegram."""
        if self._lock.locked():
            return 0
        sent = 0
        async with self._lock:
            while batch := await self.store.messages_to_send():
                progress = False
                for message in batch:
                    ok = await self._send(bot, message)
                    sent += ok
                    progress = progress or ok
                if not progress:
                    break
        return sent

    async def deliver(self, bot: Bot, ids: list[int]) -> int:
        """Send these queued messages now (a handler's own, urgent ones); the rest waits."""
        sent = 0
        for message in await self.store.messages_by_id(ids):
            sent += await self._send(bot, message)
        return sent

    async def _undeliverable(self, message: OutgoingMessage, reason: str) -> None:
        """Tell whoever must act when a message can never arrive (the waakvlam ladder)."""
        for callback in self.on_undeliverable:
            try:
                await callback(message, reason)
            except Exception:
                log.exception("undeliverable handler failed for outbox %s", message.id)

    async def _send(self, bot: Bot, message: OutgoingMessage) -> bool:
        markup = (
            InlineKeyboardMarkup.de_json(message.reply_markup, bot)
            if message.reply_markup
            else None
        )
        now = self.clock.now()
        try:
            result = await bot.send_message(
                message.chat_id,
                message.text,
                reply_markup=markup,
                # The outbox retries durably itself: the limiter must not sleep on a 429.
                rate_limit_args={"priority": message.priority, "max_retries": 0},
            )
        except ChatMigrated as exc:
            # The group became a supergroup: follow it, and try again there.
            await self.store.move_circle_chat(message.chat_id, exc.new_chat_id)
            await self.store.redirect_message(message.id, exc.new_chat_id)
            return await self._send(bot, replace(message, chat_id=exc.new_chat_id))
        except Forbidden as exc:
            log.warning("chat %s cannot be reached: %s", message.chat_id, exc.message)
            await self.store.message_not_delivered(
                message.id, error=exc.message, retry_at=None, unreachable=True
            )
            await self.store.mark_unreachable(message.chat_id)
            await self._undeliverable(message, exc.message)
            return False
        except RetryAfter as exc:
            retry_after = exc.retry_after
            seconds = (
                retry_after.total_seconds()
                if isinstance(retry_after, dt.timedelta)
                else float(retry_after)
            )
            await self.store.message_not_delivered(
                message.id,
                error=f"429 retry after {seconds}s",
                retry_at=now + dt.timedelta(seconds=seconds),
                unreachable=False,
            )
            return False
        except (TimedOut, NetworkError) as exc:
            if isinstance(exc, BadRequest):
                log.error("outbox %s refused by Telegram: %s", message.id, exc.message)
                await self.store.message_not_delivered(
                    message.id, error=exc.message, retry_at=None, unreachable=False
                )
                await self._undeliverable(message, exc.message)
                return False
            await self.store.message_not_delivered(
                message.id,
                error=str(exc),
                retry_at=now + _retry_delay(message.attempts),
                unreachable=False,
            )
            return False
        await self.store.message_sent(message.id, result.message_id)
        return True
