"""How long 10,000 check-ins due in the same minute take to dispatch and send, and
whether an alert raised during the burst overtakes them.

The real bot code (timers, waakvlam, outbox, priority rate limiter) runs against the
emulator over HTTP on 127.0.0.1, with Telegram's 30 messages/second enforced there.
The domain clock is manual (set to 10:00); sending runs in real time.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import resource
import tempfile
import time
from pathlib import Path

from bot.app import Runtime
from bot.config import load_settings
from core.clock import ManualClock
from core.priority import Priority
from domain.waakvlam import CheckinSettings
from emulator.core import Emulator
from emulator.server import EmulatorServer

START = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)  # 09:00 in Amsterdam


async def seed(runtime: Runtime, emulator: Emulator, count: int, per_circle: int = 10) -> None:
    """Circles of ``per_circle`` members, each with a check-in at 10:00, via the storage layer."""
    store = runtime.services.store
    async with store.db.write() as tx:
        for n in range(count):
            if n % per_circle == 0:
                circle_id = await store.create_circle(tx, -(10_000_000 + n), f"Kring {n}", f"b{n}")
            user = emulator.add_user(f"Lid{n}", user_id=100_000 + n)
            user.started_bot = True
            await store.ensure_user(tx, user.id, user.first_name, reachable=True)
            member_id = await store.add_member(
                tx,
                circle_id,
                user.id,
                user.first_name,
                "superbuur" if n % per_circle == 0 else "lid",
                consented=True,
            )
            settings = CheckinSettings(member_id=member_id, enabled=True)
            await store.save_checkin_settings(tx, settings)
            await runtime.services.waakvlam.schedule_next(tx, settings, START)


async def run(count: int, send_seconds: float, alert_after: int) -> dict[str, object]:
    logging.basicConfig(level=logging.WARNING)
    workdir = Path(tempfile.mkdtemp(prefix="omkijk-bench-"))
    emulator = Emulator(enforce_limits=True)
    server = await EmulatorServer(emulator, "127.0.0.1", 0, practice_page=False).start()
    clock = ManualClock(START)
    settings = load_settings(_env_file=None, db_path=workdir / "bench.sqlite3")
    runtime = Runtime(
        settings, clock, token=emulator.token, base_url=server.api_url, tick_seconds=None
    )
    await runtime.start()
    results: dict[str, object] = {"check-ins": count}
    try:
        t = time.perf_counter()
        await seed(runtime, emulator, count)
        results["seed (s)"] = round(time.perf_counter() - t, 1)
        clock.set(dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC))  # 10:00 local
        t = time.perf_counter()
        fired = 0
        while batch := await runtime.services.scheduler.run_due(limit=1000):
            fired += batch
        dispatch = time.perf_counter() - t
        results["timers fired"] = fired
        results["dispatch to outbox (s)"] = round(dispatch, 2)
        results["dispatch rate (/s)"] = round(fired / dispatch)

        bot = runtime.application.bot
        sender = asyncio.create_task(runtime.services.outbox.run_forever(bot))
        sent_start = time.perf_counter()
        total_bot = lambda: sum(len(emulator.bot_messages(100_000 + n)) for n in range(count))  # noqa: E731
        await emulator.wait_for(
            lambda: emulator.version > 0 and len(emulator.calls) > alert_after, timeout=120
        )
        # An alert (as a ladder step would raise) in the middle of the burst.
        alert_user = 100_000
        async with runtime.services.store.db.write() as tx:
            await runtime.services.store.enqueue_message(
                tx,
                alert_user,
                "ALERT: Lid1 heeft niet gereageerd",
                priority=Priority.ALERT,
                source="bench:alert",
            )
        alert_raised = time.perf_counter()
        runtime.services.outbox.wake()
        await emulator.wait_for(
            lambda: any(m["text"].startswith("ALERT") for m in emulator.bot_messages(alert_user)),
            timeout=60,
        )
        results["alert latency (s)"] = round(time.perf_counter() - alert_raised, 3)
        remaining = send_seconds - (time.perf_counter() - sent_start)
        if remaining > 0:
            await asyncio.sleep(remaining)  # a benchmark measures real sending time
        elapsed = time.perf_counter() - sent_start
        sent = total_bot()
        sender.cancel()
        rate = sent / elapsed
        results["sent in window"] = sent
        results["send rate (/s)"] = round(rate, 1)
        results["of Telegram's 30/s"] = f"{rate / 30:.0%}"
        results["429s from emulator"] = emulator.rate_limited
        results["projected: last check-in leaves after (s)"] = round(count / rate)
        results["peak RSS (MB)"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    finally:
        await runtime.stop()
        await server.stop()
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench checkins")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--send-seconds", type=float, default=20.0)
    parser.add_argument(
        "--alert-after",
        type=int,
        default=200,
        help="raise the alert after this many Bot API calls of the burst",
    )
    args = parser.parse_args(argv)
    results = asyncio.run(run(args.count, args.send_seconds, args.alert_after))
    width = max(len(k) for k in results)
    print()
    for key, value in results.items():
        print(f"  {key:<{width}}  {value}")
