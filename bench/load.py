"""The busy hour at municipal scale: bot and emulator as separate processes.

1. Seeds (once, then cached in ``.bench-cache/``) a database through the bot's
   own storage layer: 10,000 circles, 120,000 members, 30,000 daily check-ins
   with today's round open, one open request per circle.
2. Starts the emulator (``python -m emulator``, Telegram's send limits enforced)
   and then a bot process, with one ``/start`` already waiting: the time from
   starting the process to the answer is the start-up time.
3. Drives ``--rate`` updates a second for ``--seconds`` through the emulator's
   control API: /start and /helpen from random members, check-in answers, and
   claims of open requests in the groups.
4. Reads from the emulator the time from each update to the bot's first answer,
   and from /proc the bot process's CPU time and peak RSS.

The same load runs first against a minimal python-telegram-bot echo bot
(``bench/echo_bot.py``): the framework floor for the CPU ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp

from bench.seeding import SEED_MOMENT, Size, seeded_copy

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".bench-cache"
TOKEN = "123456:PRACTICE"
CLOCK_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICK  # utime + stime


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Processes:
    def __init__(self, log: Path) -> None:
        self.log = log
        self.running: list[asyncio.subprocess.Process] = []

    async def start(self, *args: str, env: dict[str, str] | None = None, capture: bool = False):
        """A Python process in the repository; ``capture``: its stdout is read, not logged."""
        handle = self.log.open("ab")
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            *args,
            cwd=REPO,
            env={**os.environ, **(env or {})},
            stdout=asyncio.subprocess.PIPE if capture else handle,
            stderr=handle,
        )
        self.running.append(proc)
        return proc

    async def stop(self, proc) -> None:
        if proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 20)
            except TimeoutError:
                proc.kill()
                await proc.wait()

    async def stop_all(self) -> None:
        for proc in reversed(self.running):
            await self.stop(proc)


class Load:
    """Who does what, deterministic for a given seed."""

    def __init__(self, size: Size, seed: int) -> None:
        self.size = size
        self.rng = random.Random(seed)
        checkin_seats = range(2, 2 + size.checkins_per_circle)
        self.rounds = [(c, s) for c in range(size.circles) for s in checkin_seats]
        self.rng.shuffle(self.rounds)
        self.requests = list(range(size.circles))
        self.rng.shuffle(self.requests)

    def next(self) -> tuple[str, dict[str, object]]:
        size, rng = self.size, self.rng
        circle = rng.randrange(size.circles)
        user = size.user_id(circle, rng.randrange(size.per_circle))
        roll = rng.random()
        if roll < 0.30 and self.rounds:
            c, seat = self.rounds.pop()
            person = size.user_id(c, seat)
            data = f"wv:{size.round_id(c, seat)}:ok"
            return "press", {"user_id": person, "chat_id": person, "data": data}
        if roll < 0.50 and self.requests:
            c = self.requests.pop()
            helper = size.user_id(c, 1 + rng.randrange(size.per_circle - 2))
            data = f"hv:{size.request_id(c)}:claim"
            return "press", {"user_id": helper, "chat_id": size.chat_id(c), "data": data}
        text = "/start" if roll < 0.75 else "/helpen"
        return "send", {"user_id": user, "chat_id": user, "text": text}


async def emulator_process(procs: Processes, send_rate: int) -> tuple[object, str]:
    proc = await procs.start(
        "-m",
        "emulator",
        "--enforce-limits",
        "--open-world",
        "--send-rate",
        str(send_rate),
        capture=True,  # it prints its address
    )
    line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode().strip()
    api_url = line.removeprefix("listening on ")
    return proc, api_url


async def stats(http: aiohttp.ClientSession, base: str) -> dict:
    async with http.get(f"{base}/emu/api/stats") as response:
        return await response.json()


async def act(http: aiohttp.ClientSession, base: str, kind: str, body: dict) -> None:
    if kind == "press":
        body = {**body, "message_id": 1, "forge": True}
    async with http.post(f"{base}/emu/api/{kind}", json=body) as response:
        response.raise_for_status()


async def measure(
    name: str,
    bot_args: list[str],
    bot_env: dict[str, str],
    size: Size,
    rate: float,
    seconds: float,
    procs: Processes,
    send_rate: int = 30,
) -> dict[str, object]:
    emulator, api_url = await emulator_process(procs, send_rate)
    base = api_url.removesuffix("/bot")
    env = {"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_API_URL": api_url, **bot_env}
    async with aiohttp.ClientSession() as http:
        first = size.user_id(0, 0)
        await act(http, base, "send", {"user_id": first, "chat_id": first, "text": "/start"})
        started = time.perf_counter()
        bot = await procs.start(*bot_args, env=env)
        while not (await stats(http, base))["latencies"]:
            if bot.returncode is not None:
                raise RuntimeError(f"{name} exited at start; see {procs.log}")
            await asyncio.sleep(0.02)  # a benchmark measures real time
        startup = time.perf_counter() - started
        cpu_before = cpu_seconds(bot.pid)
        load = Load(size, seed=7)
        count = int(rate * seconds)
        sends = []
        begin = time.perf_counter()
        for i in range(count):
            delay = begin + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)  # pacing the load in real time
            sends.append(asyncio.create_task(act(http, base, *load.next())))
        await asyncio.gather(*sends)
        deadline = time.perf_counter() + 120
        while len((figures := await stats(http, base))["latencies"]) < count + 1:
            if time.perf_counter() > deadline:
                break
            await asyncio.sleep(0.1)
        finished = time.perf_counter()
        cpu = cpu_seconds(bot.pid) - cpu_before
        rss = peak_rss_mb(bot.pid)
    await procs.stop(bot)
    await procs.stop(emulator)
    latencies = sorted(figures["latencies"][1:])
    answered = len(latencies)
    quantiles = statistics.quantiles(latencies, n=100) if answered >= 2 else [float("nan")] * 99
    sent = sum(n for method, n in figures["bot_calls"].items() if method.startswith("send"))
    return {
        "bot": name,
        "Telegram send limit (msg/s)": send_rate,
        "updates sent": count,
        "answered": answered,
        "updates/s handled": round(answered / (finished - begin), 1),
        "p50 latency (ms)": round(quantiles[49] * 1000, 1),
        "p99 latency (ms)": round(quantiles[98] * 1000, 1),
        "CPU ms/update": round(cpu / max(answered, 1) * 1000, 2),
        "peak RSS (MB)": round(rss),
        "start-up to first answer (s)": round(startup, 2),
        "messages sent/s": round(sent / (finished - begin), 1),
        "429s from emulator": figures["rate_limited"],
        "Bot API calls/update": {
            method: round(n / max(answered, 1), 2)
            for method, n in sorted(figures["bot_calls"].items())
            if method not in ("getUpdates", "getMe", "setMyCommands", "deleteWebhook")
        },
    }


async def run(
    size: Size, db: Path, rate: float, seconds: float, only: str | None = None
) -> list[dict[str, object]]:
    procs = Processes(db.parent / "processes.log")
    pristine = db.with_suffix(".pristine")
    shutil.copyfile(db, pristine)

    async def omkijkbot(send_rate: int) -> dict[str, object]:
        shutil.copyfile(pristine, db)  # each run starts from the same seeded state
        for extra in db.parent.glob(db.name + "-*"):
            extra.unlink()
        return await measure(
            f"omkijkbot @{send_rate}/s",
            ["-m", "bot", "run"],
            {
                "OMKIJK_DB": str(db),
                "OMKIJK_CLOCK_START": SEED_MOMENT.isoformat(),
                "OMKIJK_LOG_LEVEL": "WARNING",
                "OMKIJK_SEND_RATE": str(send_rate),
            },
            size,
            rate,
            seconds,
            procs,
            send_rate,
        )

    if only == "lifted":  # for profiling one run
        try:
            return [await omkijkbot(1000)]
        finally:
            await procs.stop_all()
    try:
        # The floor has no rate limiter of its own: give it room, so its figure is
        # the framework's cost and not lost replies.
        echo = await measure(
            "echo (PTB floor)", ["-m", "bench.echo_bot"], {}, size, rate, seconds, procs, 1000
        )
        # The same echo bot on Omkijkbot's own transport (bot/transport.py), so the
        # table shows how much of the ratio the transport makes.
        echo_aiohttp = await measure(
            "echo, our transport",
            ["-m", "bench.echo_bot"],
            {"ECHO_TRANSPORT": "aiohttp"},
            size,
            rate,
            seconds,
            procs,
            1000,
        )
        # As Telegram allows a bot (30 messages/s), and with that limit lifted (as
        # with paid broadcasts): the second shows the bot's own latency and CPU.
        limited = await omkijkbot(30)
        lifted = await omkijkbot(1000)
    finally:
        await procs.stop_all()
    for row in (limited, lifted):
        row["CPU ratio to echo"] = round(row["CPU ms/update"] / echo["CPU ms/update"], 2)
        row["CPU ratio to echo, same transport"] = round(
            row["CPU ms/update"] / echo_aiohttp["CPU ms/update"], 2
        )
    print(f"\nlogs of the processes: {procs.log}")
    return [echo, echo_aiohttp, limited, lifted]


def print_table(rows: list[dict[str, object]]) -> None:
    keys = list(dict.fromkeys(k for row in rows for k in row))
    width = max(len(k) for k in keys)
    print()
    for key in keys:
        cells = "".join(f"{row.get(key, '')!s:>22}" for row in rows)
        print(f"  {key:<{width}}{cells}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench load")
    parser.add_argument("--circles", type=int, default=10_000)
    parser.add_argument("--per-circle", type=int, default=12)
    parser.add_argument("--checkins-per-circle", type=int, default=3)
    parser.add_argument("--rate", type=float, default=50.0, help="updates a second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--only", choices=["lifted"], help="only Omkijkbot, limit lifted")
    args = parser.parse_args(argv)
    size = Size(args.circles, args.per_circle, args.checkins_per_circle)
    work = Path(tempfile.mkdtemp(prefix="omkijk-load-"))
    db, seed_seconds = seeded_copy(size, CACHE, work, ZoneInfo("Europe/Amsterdam"))
    rows = asyncio.run(run(size, db, args.rate, args.seconds, args.only))
    rows[-1]["database (MB)"] = round(sum(p.stat().st_size for p in work.glob(db.name + "*")) / 1e6)
    if seed_seconds:
        rows[-1]["seeding (s, once)"] = round(seed_seconds)
    print_table(rows)
