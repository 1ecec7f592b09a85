"""``python -m emulator``: the Bot API emulator as its own process (for benchmarks).

Prints one line, ``listening on <api url>``, once it is ready.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from emulator.core import Emulator
from emulator.server import EmulatorServer


async def serve(
    port: int, token: str, enforce_limits: bool, open_world: bool, send_rate: int
) -> None:
    emulator = Emulator(
        token, enforce_limits=enforce_limits, open_world=open_world, send_rate=send_rate
    )
    server = await EmulatorServer(
        emulator, "127.0.0.1", port, practice_page=False, control_api=True
    ).start()
    print(f"listening on {server.api_url}", flush=True)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    await stopping.wait()
    await server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m emulator")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default="123456:PRACTICE")
    parser.add_argument("--enforce-limits", action="store_true", help="30 msg/s, 20/min a group")
    parser.add_argument("--open-world", action="store_true", help="every chat id exists")
    parser.add_argument("--send-rate", type=int, default=30, help="messages/s with limits on")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            serve(args.port, args.token, args.enforce_limits, args.open_world, args.send_rate)
        )


if __name__ == "__main__":
    main()
