"""Application wiring: the PTB Application, its services, and the runtime around it.

``Runtime`` is what both ``omkijkbot run`` and ``omkijkbot practice`` start, and
what end-to-end tests start against the emulator: the same code everywhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import secrets
import shutil
from collections.abc import Callable
from typing import Any

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults

from bot.config import Settings
from bot.health import Health, Monitor
from bot.inbox import Inbox, origin
from bot.operations import last_backup_marker
from bot.outbox import OutboxSender
from bot.ratelimit import PriorityRateLimiter
from bot.services import Services
from bot.systemd import Systemd
from bot.transport import over_aiohttp
from core.clock import Clock
from core.i18n import DEFAULT_LANGUAGE, N_, I18n
from core.priority import Priority
from handlers import (
    activities,
    circles,
    common,
    errors,
    free_words,
    groups,
    invites,
    joining,
    offers,
    picker,
    privacy,
    requests,
    signals,
    signposts,
    summaries,
    waakvlam,
)
from handlers.context import BotData, OmkijkContext
from handlers.menu import DEFAULT_COMMANDS, GROUP_COMMANDS
from scheduling.builtin import NOTICE, Retention, register_builtin_timers, schedule_housekeeping
from scheduling.timers import Scheduler
from services.activities import Activities
from services.notices import Notices
from services.offers import Offers
from services.operator import Operator, Trouble
from services.people import People
from services.requests import HelpDesk
from services.signals import Worries
from services.summaries import Summaries
from services.waakvlam import Waakvlam
from storage.database import Database
from storage.store import Store

log = logging.getLogger(__name__)

TICK_SECONDS = 1.0  # real seconds between looks at the schedule
HEARTBEAT = dt.timedelta(minutes=15)  # one INFO line that says the bot is alive
LOOK_AT_OUTBOX = dt.timedelta(minutes=1)  # how often to look for urgent messages stuck
URGENT_WAIT = dt.timedelta(minutes=5)  # an alert waiting longer: the beheerder is told


def build_application(
    token: str,
    base_url: str,
    services: Services,
    *,
    base_file_url: str | None = None,
    on_updates: Callable[[], None] | None = None,
) -> Application:
    """``on_updates``: called each time a getUpdates was answered (for the health check)."""
    defaults = Defaults(tzinfo=services.settings.tz, parse_mode=ParseMode.HTML)
    context_types = ContextTypes(context=OmkijkContext, bot_data=BotData)
    builder = (
        over_aiohttp(ApplicationBuilder(), on_updates)
        .token(token)
        .base_url(base_url)
        .defaults(defaults)
        .context_types(context_types)
        .rate_limiter(PriorityRateLimiter(overall_per_second=services.settings.send_rate))
        # The durable inbox fetches updates itself (see bot/inbox.py).
        .updater(None)
        .concurrent_updates(False)
    )
    if base_file_url:
        builder = builder.base_file_url(base_file_url)
    application = builder.build()
    application.bot_data.services = services
    # Order matters within a group: the first matching handler wins, so the
    # features come first and the kind fallbacks last.
    picker.register(application)
    joining.register(application)
    groups.register(application)
    circles.register(application, services.i18n)
    invites.register(application)
    signposts.register(application, services.i18n)
    waakvlam.register(application, services.i18n)
    privacy.register(application)
    requests.register(application, services.i18n)
    offers.register(application)
    signals.register(application, services.i18n)
    summaries.register(application)
    activities.register(application, services.i18n)
    free_words.register(application)
    common.register(application, services.i18n)
    common.register_fallbacks(application)
    application.add_error_handler(errors.on_error)
    return application


async def register_commands(application: Application, i18n: I18n) -> None:
    """``set_my_commands`` per language and chat type; Dutch is the default list. The
    private chats get a member's list; other roles get their own list per chat as their
    menu is shown (``handlers.menu``)."""
    for language, translator in i18n.all().items():
        code = None if language == DEFAULT_LANGUAGE else language
        for scope, commands in (
            (BotCommandScopeAllPrivateChats(), DEFAULT_COMMANDS),
            (BotCommandScopeAllGroupChats(), GROUP_COMMANDS),
        ):
            await application.bot.set_my_commands(
                [BotCommand(name, translator.gettext(text)) for name, text in commands],
                scope=scope,
                language_code=code,
            )


class Runtime:
    """Database, Application, inbox, ticker: started and stopped as one."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        *,
        token: str,
        base_url: str,
        base_file_url: str | None = None,
        tick_seconds: float | None = TICK_SECONDS,
        webhook_url: str | None = None,
        strict_i18n: bool = False,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.token = token
        self.base_url = base_url
        self.base_file_url = base_file_url
        self.tick_seconds = tick_seconds
        self.webhook_url = webhook_url
        self.strict_i18n = strict_i18n
        self.db: Database | None = None
        self.application: Application | None = None
        self.services: Services | None = None
        self.inbox: Inbox | None = None
        self.health: Health | None = None
        self.monitor: Monitor | None = None
        self.systemd = Systemd(clock)
        self._tick_lock = asyncio.Lock()
        self._sender: asyncio.Task[None] | None = None
        self._next_heartbeat: dt.datetime | None = None
        self._next_look: dt.datetime | None = None
        self.disk_free = shutil.disk_usage  # tests give a full disk without filling one
        self._counted = (0, 0)  # updates handled, messages sent, at the last heartbeat

    async def start(self) -> Runtime:
        settings = self.settings
        self.db = await Database(settings.db_path).open()
        store = Store(self.db, self.clock)
        self.health = Health(self.clock, store, self.db, self._counts, URGENT_WAIT)
        i18n = I18n(settings.tz, strict=self.strict_i18n)
        scheduler = Scheduler(store, self.clock)
        register_builtin_timers(
            scheduler,
            i18n.timezone,
            Retention(
                requests=dt.timedelta(days=settings.retain_requests_days),
                checkins=dt.timedelta(days=settings.retain_checkins_days),
                signals=dt.timedelta(days=settings.retain_signals_days),
            ),
            keep_users=settings.admin_ids,
        )
        outbox = OutboxSender(store, self.clock)
        waakvlam = Waakvlam(store, i18n, self.clock, settings.admin_ids)
        waakvlam.register(scheduler)
        helpdesk = HelpDesk(store, i18n, self.clock, settings.quiet)
        helpdesk.register(scheduler)
        worries = Worries(store, i18n, self.clock, settings.admin_ids)
        worries.register(scheduler)
        summary_service = Summaries(store, i18n, self.clock)
        summary_service.register(scheduler)
        activity_service = Activities(store, i18n, self.clock)
        activity_service.register(scheduler)
        notices = Notices(store, i18n, self.clock)
        notices.register(scheduler)
        people = People(store, i18n, self.clock, waakvlam)
        offers = Offers(store, i18n, self.clock)
        operator = Operator(store, i18n, self.clock, settings.admin_ids)
        self.services = Services(
            settings,
            self.clock,
            store,
            i18n,
            scheduler,
            outbox,
            waakvlam,
            helpdesk,
            worries,
            summary_service,
            activity_service,
            notices,
            people,
            offers,
            operator,
        )
        self.application = build_application(
            self.token,
            self.base_url,
            self.services,
            base_file_url=self.base_file_url,
            on_updates=self.health.polled,
        )
        self.inbox = Inbox(store, self.application, on_set_aside=self._apologise)
        self.services.inbox = self.inbox
        await self.application.initialize()
        try:
            await register_commands(self.application, i18n)
        except TelegramError:
            log.warning("could not register the command list; continuing", exc_info=True)
        await self.application.start()
        await schedule_housekeeping(scheduler, settings.tz)
        await summary_service.ensure_all()
        if self.tick_seconds:
            # Fires at once too: whatever fell due while the bot was down goes now.
            self.application.job_queue.run_repeating(
                self._tick_job, interval=self.tick_seconds, first=0, name="ticker"
            )
            # The sender is its own loop, so firing timers never waits for a long
            # send queue and an alert overtakes routine messages.
            self._sender = asyncio.create_task(
                self.services.outbox.run_forever(self.application.bot), name="outbox-sender"
            )
        bot = self.application.bot
        if self.webhook_url:
            secret = settings.webhook_secret or secrets.token_urlsafe(32)
            path = "/telegram/" + secrets.token_urlsafe(16)
            await self.inbox.start_webhook(
                settings.webhook_listen, settings.webhook_port, path, secret
            )
            await bot.set_webhook(
                self.webhook_url.rstrip("/") + path,
                secret_token=secret,
                allowed_updates=[
                    "message",
                    "edited_message",
                    "callback_query",
                    "my_chat_member",
                    "chat_member",
                ],
            )
            self.health.webhook = (bot, self.webhook_url.rstrip("/") + path)
            self.inbox.start(polling=False)
        else:
            await bot.delete_webhook()
            self.health.polling_since = self.clock.now()
            self.inbox.start(polling=True)
        self.monitor = Monitor(self.health)
        await self.monitor.start(settings)
        log.info("Omkijkbot is running as @%s", bot.username)
        self.systemd.ready(f"running as @{bot.username}")
        return self

    def _counts(self) -> tuple[int, int]:
        """Updates handled and messages sent since start (the heartbeat, the health)."""
        handled = self.inbox.handled_total if self.inbox else 0
        return handled, self.services.outbox.sent_total if self.services else 0

    async def _apologise(self, payload: dict[str, Any]) -> None:
        """Tell a person that what they sent could not be handled (set aside), and the
        beheerder that it happened."""
        await self.services.operator.warn(Trouble.SET_ASIDE)
        user_id, _chat_id, chat_type = origin(payload)
        if chat_type != "private" or user_id is None:
            return  # groups and strangers: the log line is enough
        await self.services.store.schedule(
            NOTICE,
            self.clock.now(),
            {
                "user_id": user_id,
                "message": N_(
                    "Sorry, something went wrong with what you just sent. "
                    "Please try it once more, or tap /start."
                ),
                "priority": Priority.INTERACTIVE,
            },
        )

    async def _tick_job(self, context: object) -> None:
        """The ticker: fire what is due (urgent first), then wake the sender."""
        assert self.services is not None
        if self._tick_lock.locked():
            return  # the previous tick is still firing a large batch
        async with self._tick_lock:
            fired = await self.services.scheduler.run_due(limit=500)
        self._ticked()
        if fired:
            self.services.outbox.wake()
        await self._heartbeat()

    def _ticked(self) -> None:
        """The timers were looked at (the database answered): the health check and
        systemd's watchdog hear the ticker is alive."""
        self.health.ticked()
        self.systemd.ticked()

    async def _heartbeat(self) -> None:
        """Every 15 minutes (of the bot's clock) one INFO line that says it is alive;
        every minute a look for urgent messages that have waited over five minutes (the
        beheerder is told, once a day)."""
        now = self.clock.now()
        if self._next_heartbeat is None or self._next_look is None:
            self._next_heartbeat, self._next_look = now + HEARTBEAT, now + LOOK_AT_OUTBOX
            return
        if now < self._next_look:
            return
        self._next_look = now + LOOK_AT_OUTBOX
        if self.inbox is not None:
            self.inbox.check_alive()
        waiting, stuck, oldest = await self.services.store.alive_figures(now - URGENT_WAIT)
        if stuck:
            log.warning("%d urgent messages waiting over %s", stuck, URGENT_WAIT)
            await self.services.operator.warn(Trouble.OUTBOX_STUCK, n=stuck)
        if now < self._next_heartbeat:
            return
        self._next_heartbeat = now + HEARTBEAT
        await self._look_after_the_files(now)
        handled, sent = self._counts()
        log.info(
            "alive: %d updates handled, %d messages sent since the last heartbeat; "
            "%d waiting to be sent; oldest pending timer due %s",
            handled - self._counted[0],
            sent - self._counted[1],
            waiting,
            oldest.isoformat(timespec="minutes") if oldest else "none",
        )
        self._counted = (handled, sent)

    async def _look_after_the_files(self, now: dt.datetime) -> None:
        """Room on the disk for the database, and a backup not too old."""
        settings, operator = self.settings, self.services.operator
        free_mb = self.disk_free(settings.db_path.resolve().parent).free // 1_000_000
        if free_mb < settings.disk_min_free_mb:
            log.warning("only %d MB free for the database", free_mb)
            await operator.warn(Trouble.DISK_LOW, mb=free_mb)
        if settings.backup_max_age_hours:
            marker = last_backup_marker(settings.db_path)
            made = (
                dt.datetime.fromisoformat(marker.read_text().strip()) if marker.exists() else None
            )
            age = (now - made) if made else None
            if age is None or age > dt.timedelta(hours=settings.backup_max_age_hours):
                hours = int(age.total_seconds() // 3600) if age else "?"
                log.warning("the last backup is %s hours old", hours)
                await operator.warn(Trouble.BACKUP_OLD, hours=hours)

    async def tick(self) -> tuple[int, int]:
        """Fire due timers, then deliver the outbox. Returns (fired, sent)."""
        assert self.services is not None and self.application is not None
        fired = sent = 0
        async with self._tick_lock:
            # A failed delivery can put new work in the schedule (an undelivered
            # check-in moves the ladder on): go round until nothing more is due.
            for _ in range(5):
                new_fired = await self.services.scheduler.run_due()
                self._ticked()
                new_sent = await self.services.outbox.flush(self.application.bot)
                fired, sent = fired + new_fired, sent + new_sent
                if not new_fired:
                    break
        await self._heartbeat()
        return fired, sent

    async def stop(self) -> None:
        self.systemd.stopping()
        if self.monitor is not None:
            await self.monitor.stop()
            self.monitor = None
        if self._sender is not None:
            self._sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sender
            self._sender = None
        if self.inbox is not None:
            await self.inbox.stop()
        if self.application is not None:
            if self.application.running:
                await self.application.stop()
            await self.application.shutdown()
        if self.db is not None:
            await self.db.close()
