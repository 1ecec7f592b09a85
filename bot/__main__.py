"""``omkijkbot practice`` (default) and ``omkijkbot run``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable

from telegram.error import InvalidToken, NetworkError

from bot.config import ConfigError, Settings, load_settings, require_token
from bot.logs import mask_tokens, setup_logging
from core.clock import SystemClock

log = logging.getLogger("omkijkbot")


async def _serve_until_signal(
    start: Callable[[], Awaitable[object]], stop: Callable[[], Awaitable[None]]
) -> None:
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    try:
        await start()
        await stopping.wait()
        log.info("stopping cleanly")
    finally:
        await stop()


NO_BEHEERDER = (
    "OMKIJK_ADMIN_IDS is empty: there is no beheerder. When nobody in a circle can be "
    'reached about a silent "Alles goed?" or a worry, the bot then falls back to the '
    "whole circle, and if nobody at all can be reached the only trace is a CRITICAL log "
    'line. Set OMKIJK_ADMIN_IDS to your Telegram user id (see README, "The last rung").'
)


async def _run(settings: Settings) -> None:
    from bot.app import Runtime

    token = require_token(settings)
    if not settings.admin_ids:
        log.warning(NO_BEHEERDER)
    clock = SystemClock(settings.time_scale, settings.clock_start)
    runtime = Runtime(
        settings,
        clock,
        token=token,
        base_url=settings.telegram_api_url,
        webhook_url=settings.webhook_url,
    )
    await _serve_until_signal(runtime.start, runtime.stop)


async def _practice(settings: Settings, fresh: bool) -> None:
    from bot.practice import Practice

    practice = Practice(settings, fresh=fresh)
    await _serve_until_signal(practice.start, practice.stop)


def _operate(mode: str, file: str | None, settings: Settings) -> int:
    from pathlib import Path

    from bot.operations import OperationError, backup, restore, status

    try:
        if mode == "status":
            clock = SystemClock(settings.time_scale, settings.clock_start)
            health = status(settings.db_path, clock.now())
            health["beheerders"] = (
                len(settings.admin_ids)
                if settings.admin_ids
                else 'none: OMKIJK_ADMIN_IDS is empty (see README, "The last rung")'
            )
            for key, value in health.items():
                print(f"{key:<24} {value}")
            return 0
        if not file:
            print(
                f"omkijkbot: {mode} needs a file name, e.g. omkijkbot {mode} backup.sqlite3",
                file=sys.stderr,
            )
            return 2
        if mode == "backup":
            size = backup(settings.db_path, Path(file))
            print(f"backup written to {file} ({size} bytes), checked")
        else:
            clock = SystemClock(settings.time_scale, settings.clock_start)
            restored = restore(Path(file), settings.db_path, clock.now())
            print(
                f"restored {file} to {settings.db_path}"
                + (
                    f"; the previous file is kept as {restored.kept} (for 7 days)"
                    if restored.kept
                    else ""
                )
            )
            if restored.erasures_unknown:
                print(
                    "warning: the replaced database could not be read, so people who used "
                    "/vergeetmij after this backup was made are not known; if there were any, "
                    "ask them to use /vergeetmij again"
                )
            if restored.erased_again:
                print(
                    f"erased again: {len(restored.erased_again)} people who asked to be "
                    "forgotten after this backup was made (/vergeetmij on "
                    + ", ".join(restored.erased_again)
                    + "); their data in this backup is deleted again"
                )
    except OperationError as exc:
        print(mask_tokens(f"omkijkbot: {exc}"), file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="omkijkbot",
        description="Omkijkbot: a Telegram bot for neighbours who look out for each other.",
    )
    parser.add_argument(
        "mode",
        nargs="?",
        default="practice",
        choices=["practice", "run", "backup", "restore", "status"],
        help="practice: a local practice page, no Telegram account needed (default); "
        "run: talk to Telegram with TELEGRAM_TOKEN; backup FILE: a consistent copy of the "
        "database while the bot runs; restore FILE: check a copy and put it in place (stop "
        "the bot first); status: the database's health",
    )
    parser.add_argument("file", nargs="?", help="the backup file, for backup and restore")
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="practice: forget the earlier practice chats and data and start over",
    )
    args = parser.parse_args(argv)
    if args.fresh and args.mode != "practice":
        parser.error("--fresh is for practice mode only")
    try:
        settings = load_settings()
        if args.mode in ("backup", "restore", "status"):
            return _operate(args.mode, args.file, settings)
        setup_logging(settings.log_level, settings.log_format)
        asyncio.run(_practice(settings, args.fresh) if args.mode == "practice" else _run(settings))
    except ConfigError as exc:
        print(mask_tokens(f"omkijkbot: {exc}"), file=sys.stderr)
        return 2
    except InvalidToken:
        print(
            "omkijkbot: Setting TELEGRAM_TOKEN was refused by Telegram: check the token "
            "from @BotFather",
            file=sys.stderr,
        )
        return 2
    except NetworkError as exc:
        print(
            mask_tokens(f"omkijkbot: cannot reach the Bot API at TELEGRAM_API_URL ({exc})"),
            file=sys.stderr,
        )
        return 3
    except OSError as exc:
        print(mask_tokens(f"omkijkbot: {exc}"), file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
