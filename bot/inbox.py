"""The durable inbox: every update is stored in SQLite before Telegram is told.

python-telegram-bot's own polling asks Telegram for the next batch (which
confirms the previous one) before the handlers have run, so a crash there would
lose a person's tap. Here the order is: fetch, store, then confirm by asking for
the next batch; a separate drain hands stored updates to the Application (each
person's and each group's in order, different ones side by side) and marks each
done afterwards. After a crash, what was stored and not yet
handled is handled at start; an update delivered twice is stored once.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import hmac
import logging
import os
import time
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application
from telegram.warnings import PTBUserWarning

from storage.store import InboxItem, Store

log = logging.getLogger(__name__)

POLL_TIMEOUT = 25  # seconds Telegram may hold a getUpdates open
# A poller without a finished getUpdates for two long-poll periods is stuck: restarted.
POLL_STALLED_AFTER = 2 * (POLL_TIMEOUT + 10)
MAX_ATTEMPTS = 5  # an update that crashed the process this often is set aside
CONCURRENCY = 64  # updates handled at the same time (each person's in order)

# Test-only fault injection: makes the process die at a given point, as a power
# cut or a kill -9 would, so tests can prove nothing is lost. Never set it in
# production.
_CRASH_POINT = os.environ.get("OMKIJK_TEST_CRASH", "")


def _crash_here(point: str) -> None:
    if point == _CRASH_POINT:
        log.critical("test crash injected at %s", point)
        os._exit(75)


def origin(payload: dict[str, Any]) -> tuple[int | None, int | None, str | None]:
    """Who sent a raw update and in which chat: (user id, chat id, chat type).

    Read from the stored JSON, not a parsed Update: it must work on anything,
    also an update so odd that it crashed the bot."""
    for kind in ("message", "edited_message", "callback_query", "my_chat_member", "chat_member"):
        event = payload.get(kind)
        if not isinstance(event, dict):
            continue
        holder = event.get("message") if kind == "callback_query" else event
        chat = holder.get("chat") if isinstance(holder, dict) else None
        chat = chat if isinstance(chat, dict) else {}
        sender = event.get("from")
        sender = sender if isinstance(sender, dict) else {}
        return _as_int(sender.get("id")), _as_int(chat.get("id")), chat.get("type")
    return None, None, None


def ordering_key(payload: dict[str, Any]) -> tuple[str, int]:
    """Updates with the same key are handled in order: one person's private chat
    (their wizard, their taps), or everything in one group (its post edits)."""
    user_id, chat_id, chat_type = origin(payload)
    if chat_id is not None and chat_type not in (None, "private"):
        return ("chat", chat_id)
    if user_id is not None:
        return ("user", user_id)
    return ("other", 0)  # channel posts, odd updates: one line, in order


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class Inbox:
    def __init__(
        self,
        store: Store,
        application: Application,
        on_set_aside: Callable[[dict[str, Any]], Awaitable[None]] | None = None,
    ) -> None:
        self.store = store
        self.application = application
        self.on_set_aside = on_set_aside
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._failures: dict[int, str] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()
        self._webhook_runner: web.AppRunner | None = None
        self._handled = asyncio.Condition()
        self._recent: set[int] = set()
        self._recent_order: collections.deque[int] = collections.deque()
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._chains: dict[tuple[str, int], asyncio.Task[None]] = {}
        self._slots = asyncio.Semaphore(CONCURRENCY)
        self._started_upto = -1  # the drain has started every pending update up to here
        self.handled_total = 0  # for the heartbeat
        self.monotonic = time.monotonic  # real time of the long polls (tests put a fake)
        self.last_poll_done: float | None = None  # when a getUpdates last finished
        self._polling = False
        self._poller: asyncio.Task[None] | None = None

    # -- intake -------------------------------------------------------------

    async def accept(self, updates: list[dict[str, Any]]) -> None:
        """Store raw updates durably, then wake the drain."""
        await self.store.store_updates(updates)
        _crash_here("after_store")
        ids = [u["update_id"] for u in updates if isinstance(u.get("update_id"), int)]
        if ids:
            # A webhook may deliver an older update late: let the drain look back.
            self._started_upto = min(self._started_upto, min(ids) - 1)
        self._wake.set()

    async def _poll_forever(self) -> None:
        bot = self.application.bot
        highest = await self.store.highest_update_id()
        offset = highest + 1 if highest is not None else None
        backoff = 1.0
        while not self._stopping.is_set():
            try:
                kwargs: dict[str, Any] = {
                    "timeout": POLL_TIMEOUT,
                    "allowed_updates": Update.ALL_TYPES,
                }
                if offset is not None:
                    kwargs["offset"] = offset
                with warnings.catch_warnings():
                    # We want the raw JSON (nothing PTB does not know is dropped),
                    # which Bot.get_updates would parse away; PTB warns about that.
                    warnings.simplefilter("ignore", PTBUserWarning)
                    raw = await bot.do_api_request(
                        "getUpdates", api_kwargs=kwargs, read_timeout=POLL_TIMEOUT + 10
                    )
            except asyncio.CancelledError:
                raise
            except InvalidToken:
                log.critical("Telegram refused the token (TELEGRAM_TOKEN); stopping polling")
                raise
            except RetryAfter as exc:
                await asyncio.sleep(
                    float(
                        exc.retry_after
                        if isinstance(exc.retry_after, int | float)
                        else exc.retry_after.total_seconds()
                    )
                )
                continue
            except (NetworkError, TelegramError) as exc:
                log.warning("getUpdates failed (%s); trying again in %.0fs", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30)
                continue
            self.last_poll_done = self.monotonic()
            backoff = 1.0
            if raw:
                # Stored first; the next getUpdates with the higher offset confirms.
                await self.accept(raw)
                offset = max(u["update_id"] for u in raw) + 1

    async def start_webhook(self, listen: str, port: int, path: str, secret: str | None) -> None:
        """Our own webhook endpoint: answers 200 only once the update is stored."""

        async def receive(request: web.Request) -> web.Response:
            given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
            # Compared in constant time: the answer's timing tells nothing about the secret.
            if secret and not hmac.compare_digest(given.encode(), secret.encode()):
                return web.Response(status=403)
            try:
                update = await request.json()
                if not isinstance(update, dict) or "update_id" not in update:
                    return web.Response(status=400)
                await self.accept([update])
            except Exception:
                log.exception("could not store a webhook update; Telegram will retry it")
                return web.Response(status=500)
            return web.Response(status=200)

        app = web.Application()
        app.router.add_post(path, receive)
        self._webhook_runner = web.AppRunner(app, access_log=None)
        await self._webhook_runner.setup()
        await web.TCPSite(self._webhook_runner, listen, port).start()

    # -- drain --------------------------------------------------------------

    def record_failure(self, update_id: int, error: str) -> None:
        """Called by the error handler: the handler of this update raised."""
        self._failures[update_id] = error

    async def _handle(self, item: InboxItem) -> bool:
        """Hand one stored update to the Application, then mark it done. False: set aside."""
        if item.attempts >= MAX_ATTEMPTS:
            log.error(
                "update %s crashed the bot %d times; set aside", item.update_id, item.attempts
            )
            if self.on_set_aside is not None:
                # Never a silence: the person hears it did not work (scheduled before
                # the update counts as handled, so nobody sees it handled and unanswered).
                await self.on_set_aside(item.payload)
            await self.store.finish_update(item.update_id, error="set aside after crashes")
            await self._notify_handled()
            return False
        await self.store.note_update_attempt(item.update_id)
        _crash_here("before_handle")
        try:
            update = Update.de_json(item.payload, self.application.bot)
            await self.application.process_update(update)
        except Exception as exc:  # process_update already routes handler errors
            log.exception("update %s could not be processed", item.update_id)
            self._failures[item.update_id] = repr(exc)
        await self.store.finish_update(
            item.update_id, error=self._failures.pop(item.update_id, None)
        )
        self._remember_handled(item.update_id)
        await self._notify_handled()
        return True

    async def _drain_forever(self) -> None:
        """Hand stored updates over as they come: one person's (or one group's) in
        order, different people at the same time, so one slow reply (waiting for
        Telegram's send limit) does not hold up everyone else's."""
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                # Only what is new: re-reading (and decoding) the ones in flight on
                # every wake-up cost more than handling them under load.
                for item in await self.store.pending_updates(
                    limit=CONCURRENCY * 2, after=self._started_upto
                ):
                    if item.update_id not in self._in_flight:
                        self._start(item)
                    self._started_upto = max(self._started_upto, item.update_id)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("inbox drain failed; retrying")
                await asyncio.sleep(1)
                continue
            if not self._in_flight:
                self._idle.set()
            await self._wake.wait()
            self._idle.clear()

    def _start(self, item: InboxItem) -> None:
        key = ordering_key(item.payload)
        before = self._chains.get(key)
        task = asyncio.create_task(
            self._handle_after(before, item), name=f"update-{item.update_id}"
        )
        self._in_flight[item.update_id] = task
        self._chains[key] = task

        def done(finished: asyncio.Task[None]) -> None:
            self._in_flight.pop(item.update_id, None)
            if self._chains.get(key) is finished:
                del self._chains[key]
            self._wake.set()

        task.add_done_callback(done)

    async def _handle_after(self, before: asyncio.Task[None] | None, item: InboxItem) -> None:
        if before is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.shield(before)
        async with self._slots:
            try:
                await self._handle(item)
            except Exception:
                # Storage trouble: the update stays pending and is tried again.
                log.exception("update %s: handling failed; it stays in the inbox", item.update_id)
                await asyncio.sleep(1)
                self._started_upto = min(self._started_upto, item.update_id - 1)

    async def wait_handled(self, update_id: int) -> None:
        """Until the update with this id has been stored and handled."""
        async with self._handled:
            # In memory too: handling may delete the row itself (/vergeetmij).
            while update_id not in self._recent and not await self.store.update_handled(update_id):
                await self._handled.wait()

    def _remember_handled(self, update_id: int) -> None:
        self.handled_total += 1
        self._recent.add(update_id)
        self._recent_order.append(update_id)
        if len(self._recent_order) > 1000:
            self._recent.discard(self._recent_order.popleft())

    async def _notify_handled(self) -> None:
        async with self._handled:
            self._handled.notify_all()

    async def wait_idle(self) -> None:
        """Until every stored update has been handled (tests, shutdown)."""
        while True:
            await self._idle.wait()
            if not await self.store.pending_updates(limit=1):
                return
            self._wake.set()
            await asyncio.sleep(0)

    # -- life cycle ---------------------------------------------------------

    async def _cancel_in_flight(self) -> None:
        tasks = list(self._in_flight.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def start(self, *, polling: bool) -> None:
        self._polling = polling
        self._tasks.append(
            asyncio.create_task(self._supervise("inbox-drain", self._drain_forever), name="drain")
        )
        if polling:
            self._start_poller()

    def _start_poller(self) -> None:
        self.last_poll_done = self.monotonic()  # a fresh poller gets its full periods
        self._poller = asyncio.create_task(
            self._supervise("inbox-poll", self._poll_forever), name="poll"
        )
        self._tasks.append(self._poller)

    async def _supervise(self, name: str, loop: Callable[[], Awaitable[None]]) -> None:
        """Keep a loop running: one that ends with an unexpected error is logged and
        started again, so the bot never looks alive while it is deaf."""
        while not self._stopping.is_set():
            try:
                await loop()
            except asyncio.CancelledError:
                raise
            except InvalidToken:
                return  # logged where it happened; no retry can fix a refused token
            except Exception:
                log.exception("%s stopped unexpectedly; starting it again", name)
                await asyncio.sleep(1)

    def check_alive(self) -> bool:
        """A poller without a finished getUpdates for two long-poll periods is stuck:
        it is cancelled and started again. False when that was needed."""
        if not self._polling or self._stopping.is_set() or self.last_poll_done is None:
            return True
        if self.monotonic() - self.last_poll_done <= POLL_STALLED_AFTER:
            return True
        log.error("no getUpdates finished for %ss; restarting the poller", POLL_STALLED_AFTER)
        if self._poller is not None:
            self._poller.cancel()
            self._tasks.remove(self._poller)
        self._start_poller()
        return False

    async def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        # Whatever was being handled stays pending in the database: handled at start.
        await self._cancel_in_flight()
        if self._webhook_runner is not None:
            await self._webhook_runner.cleanup()
            self._webhook_runner = None
