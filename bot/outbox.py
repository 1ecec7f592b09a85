"""Deliver queued messages; mark each sent only once Telegram accepted it.

Messages that matter (reminders, waakvlam steps, alerts) go through here rather
than straight to Telegram, so a restart, a 429 or a timeout delays them but
never drops them. A chat that is gone (the person blocked the bot, or Telegram no
longer knows the chat) is marked unreachable, and in that same write an
``outbox.bounced`` timer is scheduled: the services decide what happens next from
the database (for the waakvlam: an undelivered check-in is a silence, not a
success), so not even a crash right after the bounce can end a ladder. Anything
else Telegram (or a bug) answers is tried again a few times, then given up on the
same way: one bad message never blocks the ones behind it.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import logging
from dataclasses import replace

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from core.clock import Clock
from handlers.errors import chat_is_gone
from scheduling.timers import BOUNCED
from storage.store import OutgoingMessage, Store

log = logging.getLogger(__name__)

# An answer we do not understand (or a bug of ours) is tried this often, then given up.
MAX_ODD_ATTEMPTS = 5


def _retry_delay(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(5 * 2**attempts, 600))


class OutboxSender:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._sending: set[int] = set()  # never the same message twice at once
        # Sent by this process lately: a list read before another task sent one of its
        # messages must not send it again (flush and a handler's deliver run side by side).
        self._sent: set[int] = set()
        self._sent_order: collections.deque[int] = collections.deque()
        self.sent_total = 0  # for the heartbeat

    async def flush(self, bot: Bot) -> int:
        """Send what is due, most urgent first. Returns how many Telegram accepted.

        It looks again after every message, so an alert queued in the middle of a
        burst of 10,000 check-ins goes next, not after them. A message that fails
        leaves the due set (retry later, unreachable, or failed), so this ends.
        """
        if self._lock.locked():
            return 0
        sent = 0
        async with self._lock:
            while True:
                due = [
                    m
                    for m in await self.store.messages_to_send(limit=5)
                    if m.id not in self._sending and m.id not in self._sent
                ]
                if not due:
                    break
                sent += await self._send(bot, due[0])
        return sent

    async def deliver(self, bot: Bot, ids: list[int]) -> int:
        """Send these queued messages now (a handler's own); the rest waits its turn."""
        sent = 0
        for message in await self.store.messages_by_id(ids):
            if message.id not in self._sending and message.id not in self._sent:
                sent += await self._send(bot, message)
        return sent

    def wake(self) -> None:
        self._wake.set()

    async def run_forever(self, bot: Bot) -> None:
        """The sender loop: deliver whenever there is something, retry what waits."""
        while True:
            self._wake.clear()
            try:
                await self.flush(bot)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox sender failed; going on")
            # Retries wait in the database (not_before): look again each second.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 1.0)

    async def _undeliverable(self, message: OutgoingMessage, reason: str, *, gone: bool) -> None:
        """The message can never arrive: recorded, and whoever must act is told through
        the schedule (``outbox.bounced``), in the same write."""
        await self.store.message_undeliverable(
            message.id, error=reason, chat_gone=gone, bounce_kind=BOUNCED
        )

    async def _send(self, bot: Bot, message: OutgoingMessage) -> bool:
        self._sending.add(message.id)
        try:
            sent = await self._send_once(bot, message)
        finally:
            self._sending.discard(message.id)
        if sent:
            self.sent_total += 1
            self._sent.add(message.id)
            self._sent_order.append(message.id)
            if len(self._sent_order) > 10_000:
                self._sent.discard(self._sent_order.popleft())
        return sent

    async def _send_once(self, bot: Bot, message: OutgoingMessage) -> bool:
        markup = (
            InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(b.label, callback_data=b.data, url=b.url) for b in row]
                    for row in message.buttons
                ]
            )
            if message.buttons
            else None
        )
        now = self.clock.now()
        try:
            if message.photo:
                result = await bot.send_photo(
                    message.chat_id,
                    message.photo,
                    caption=message.text[:1024],
                    reply_markup=markup,
                    rate_limit_args={"priority": message.priority, "max_retries": 0},
                )
            else:
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
            return await self._send_once(bot, replace(message, chat_id=exc.new_chat_id))
        except (Forbidden, BadRequest) as exc:
            gone = chat_is_gone(exc)
            if gone:
                log.warning("chat %s cannot be reached: %s", message.chat_id, exc.message)
            else:
                log.error("outbox %s refused by Telegram: %s", message.id, exc.message)
            await self._undeliverable(message, exc.message, gone=gone)
            return False
        except RetryAfter as exc:
            retry_after = exc.retry_after
            seconds = (
                retry_after.total_seconds()
                if isinstance(retry_after, dt.timedelta)
                else float(retry_after)
            )
            await self.store.message_delayed(
                message.id,
                error=f"429 retry after {seconds}s",
                retry_at=now + dt.timedelta(seconds=seconds),
            )
            return False
        except (TimedOut, NetworkError) as exc:
            await self.store.message_delayed(
                message.id, error=str(exc), retry_at=now + _retry_delay(message.attempts)
            )
            return False
        except Exception as exc:  # one message, not the queue
            # An answer we do not know, or a bug of ours in this one message: try it a few
            # times, then give up on it the way a refusal is given up. The queue goes on.
            log.exception(
                "outbox %s could not be sent (attempt %d)", message.id, message.attempts + 1
            )
            if message.attempts + 1 >= MAX_ODD_ATTEMPTS:
                await self._undeliverable(message, repr(exc), gone=False)
            else:
                await self.store.message_delayed(
                    message.id, error=repr(exc), retry_at=now + _retry_delay(message.attempts)
                )
            return False
        await self.store.message_sent(message.id, result.message_id)
        return True
