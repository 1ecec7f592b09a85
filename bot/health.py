"""Health for monitors: an HTTP health endpoint and a Prometheus endpoint.

The health endpoint (``OMKIJK_HEALTH_PORT``) answers 200 only while

- the ticker ran within the last minute (it fires the timers: check-ins, ladders),
- the poller completed a getUpdates within two long-poll periods (in webhook mode:
  Telegram says the webhook is set, to our address),
- no urgent message (an alert, a worry) has waited over five minutes to be sent, and
- the database answers, both a reader and the one writer;

otherwise 503, with a short JSON body naming each failing cause. Ages are in real
seconds: a trainer's faster clock (``OMKIJK_TIME_SCALE``) does not make them fail.

The Prometheus endpoint (``OMKIJK_METRICS_PORT``) gives the heartbeat's figures, the
same checks, and the process's own (memory, CPU, open files).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from aiohttp import web
from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.process_collector import ProcessCollector
from telegram import Bot
from telegram.error import TelegramError

from bot.config import ConfigError, Settings
from bot.inbox import POLL_TIMEOUT
from core.clock import Clock
from storage.database import Database
from storage.store import Store

log = logging.getLogger(__name__)

TICKER_LIMIT = 60.0  # real seconds: the ticker runs every second
POLL_LIMIT = 2.0 * POLL_TIMEOUT  # real seconds: two long-poll periods
ANSWER_WITHIN = 5.0  # real seconds the database (and getWebhookInfo) may take to answer


@dataclass(frozen=True)
class Report:
    """One look at the bot: what fails (cause → why), and the heartbeat's figures.
    A figure the database could not give is None."""

    checks: tuple[str, ...]  # what was checked: ticker, poller (or webhook), outbox, database
    failing: Mapping[str, str]
    handled: int
    sent: int
    waiting: int | None = None
    urgent_stuck: int | None = None
    oldest_timer: dt.datetime | None = None
    ticker_age: float | None = None
    poller_age: float | None = None

    @property
    def ok(self) -> bool:
        return not self.failing

    def body(self) -> dict[str, object]:
        return {"status": "ok" if self.ok else "failing", "failing": dict(self.failing)}


@dataclass
class Health:
    """What the runtime tells it (a tick done, a getUpdates answered, the webhook set),
    and the check that reads it together with the database."""

    clock: Clock
    store: Store
    db: Database
    counts: Callable[[], tuple[int, int]]  # updates handled, messages sent (since start)
    urgent_wait: dt.timedelta
    answer_within: float = ANSWER_WITHIN
    started_at: dt.datetime = field(init=False)
    ticked_at: dt.datetime | None = field(default=None, init=False)
    polled_at: dt.datetime | None = field(default=None, init=False)
    polling_since: dt.datetime | None = field(default=None, init=False)
    # Webhook mode: the bot to ask getWebhookInfo, and the address we set.
    webhook: tuple[Bot, str] | None = field(default=None, init=False)
    _last_failing: tuple[str, ...] = field(default=(), init=False)

    def __post_init__(self) -> None:
        self.started_at = self.clock.now()

    def ticked(self) -> None:
        self.ticked_at = self.clock.now()

    def polled(self) -> None:
        self.polled_at = self.clock.now()

    def _age(self, since: dt.datetime) -> float:
        return max(0.0, self.clock.real_seconds(self.clock.now() - since))

    async def check(self) -> Report:
        now = self.clock.now()
        failing: dict[str, str] = {}
        ticker_age = self._age(self.ticked_at or self.started_at)
        if ticker_age > TICKER_LIMIT:
            failing["ticker"] = (
                f"last ran {ticker_age:.0f} s ago" if self.ticked_at else "has not run yet"
            )
        poller_age = None
        if self.webhook is not None:
            trouble = await self._webhook_trouble()
            if trouble:
                failing["webhook"] = trouble
        else:
            since = self.polled_at or self.polling_since
            poller_age = self._age(since) if since else None
            if since is None:
                failing["poller"] = "not started"
            elif poller_age > POLL_LIMIT:
                failing["poller"] = (
                    f"last getUpdates completed {poller_age:.0f} s ago"
                    if self.polled_at
                    else f"no getUpdates completed in {poller_age:.0f} s"
                )
        waiting = stuck = None
        oldest = None
        try:
            async with asyncio.timeout(self.answer_within):
                waiting, stuck, oldest = await self.store.alive_figures(now - self.urgent_wait)
                await self.db.ping()
        except TimeoutError:
            failing["database"] = f"no answer within {self.answer_within:g} s"
        except Exception as exc:  # what the database says is no place for content
            failing["database"] = f"error: {type(exc).__name__}"
        if stuck:
            minutes = self.urgent_wait.total_seconds() / 60
            failing["outbox"] = f"{stuck} urgent messages waiting over {minutes:g} minutes"
        handled, sent = self.counts()
        checks = ("ticker", "webhook" if self.webhook else "poller", "outbox", "database")
        report = Report(
            checks, failing, handled, sent, waiting, stuck, oldest, ticker_age, poller_age
        )
        self._log_change(report)
        return report

    async def _webhook_trouble(self) -> str | None:
        assert self.webhook is not None
        bot, url = self.webhook
        try:
            async with asyncio.timeout(self.answer_within):
                info = await bot.get_webhook_info()
        except (TelegramError, TimeoutError) as exc:
            return f"getWebhookInfo failed: {type(exc).__name__}"
        if info.url != url:
            return "the webhook is not set" if not info.url else "the webhook points elsewhere"
        return None

    def _log_change(self, report: Report) -> None:
        causes = tuple(sorted(report.failing))
        if causes == self._last_failing:
            return
        if causes:
            log.warning(
                "health: failing: %s", "; ".join(f"{c} {report.failing[c]}" for c in causes)
            )
        else:
            log.info("health: all checks pass again")
        self._last_failing = causes


class _Figures:
    """A Prometheus collector over the latest report (set just before each scrape)."""

    def __init__(self) -> None:
        self.report: Report | None = None

    def collect(self) -> Iterator[Metric]:
        report = self.report
        if report is None:
            return
        yield CounterMetricFamily(
            "omkijkbot_updates_handled", "Updates handled since start", value=report.handled
        )
        yield CounterMetricFamily(
            "omkijkbot_messages_sent",
            "Messages sent through the outbox since start",
            value=report.sent,
        )
        gauges = [
            ("omkijkbot_outbox_waiting", "Messages waiting to be sent", report.waiting),
            (
                "omkijkbot_outbox_urgent_stuck",
                "Urgent messages (alerts, worries) waiting over five minutes",
                report.urgent_stuck,
            ),
            (
                "omkijkbot_oldest_pending_timer_due_timestamp_seconds",
                "When the oldest pending timer is due, on the bot's clock (absent: none)",
                report.oldest_timer.timestamp() if report.oldest_timer else None,
            ),
            (
                "omkijkbot_ticker_age_seconds",
                "Real seconds since the ticker last ran",
                report.ticker_age,
            ),
            (
                "omkijkbot_getupdates_age_seconds",
                "Real seconds since a getUpdates last completed (polling mode)",
                report.poller_age,
            ),
        ]
        for name, documentation, value in gauges:
            if value is not None and not math.isnan(value):
                yield GaugeMetricFamily(name, documentation, value=value)
        checks = GaugeMetricFamily(
            "omkijkbot_health_check", "1 while this check of /health passes", labels=["check"]
        )
        for check in report.checks:
            checks.add_metric([check], 0 if check in report.failing else 1)
        yield checks
        yield GaugeMetricFamily(
            "omkijkbot_healthy", "1 while /health answers 200", value=1 if report.ok else 0
        )


class Monitor:
    """The health and metrics endpoints: off unless a port is set; one server when both
    are given the same address and port."""

    def __init__(self, health: Health) -> None:
        self.health = health
        self._figures = _Figures()
        self._registry = CollectorRegistry(auto_describe=False)
        self._registry.register(self._figures)
        ProcessCollector(registry=self._registry)
        self._runners: list[web.AppRunner] = []
        self.addresses: dict[str, tuple[str, int]] = {}  # "health"/"metrics" → bound address

    async def start(self, settings: Settings) -> None:
        wanted: dict[tuple[str, int], list[str]] = {}
        if settings.health_port is not None:
            wanted.setdefault((settings.health_listen, settings.health_port), []).append("health")
        if settings.metrics_port is not None:
            key = (settings.metrics_listen, settings.metrics_port)
            wanted.setdefault(key, []).append("metrics")
        for (listen, port), kinds in wanted.items():
            app = web.Application()
            if "health" in kinds:
                app.router.add_get("/health", self._health)
            if "metrics" in kinds:
                app.router.add_get("/metrics", self._metrics)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            self._runners.append(runner)
            try:
                await web.TCPSite(runner, listen, port).start()
            except OSError as exc:
                name = "OMKIJK_HEALTH_PORT" if "health" in kinds else "OMKIJK_METRICS_PORT"
                raise ConfigError(
                    f"Setting {name} is not valid: cannot listen on {listen}:{port} "
                    f"({exc.strerror or exc})"
                ) from None
            host, bound = runner.addresses[0][:2]
            for kind in kinds:
                self.addresses[kind] = (host, bound)
                log.info("%s endpoint on http://%s:%d/%s", kind, host, bound, kind)

    async def stop(self) -> None:
        for runner in self._runners:
            await runner.cleanup()
        self._runners.clear()

    async def _health(self, request: web.Request) -> web.Response:
        report = await self.health.check()
        return web.Response(
            status=200 if report.ok else 503,
            text=json.dumps(report.body()),
            content_type="application/json",
        )

    async def _metrics(self, request: web.Request) -> web.Response:
        self._figures.report = await self.health.check()
        # The text format Prometheus asks for (OpenMetrics, or the classic 0.0.4).
        encode, content_type = choose_encoder(request.headers.get("Accept", ""))
        return web.Response(body=encode(self._registry), headers={"Content-Type": content_type})
