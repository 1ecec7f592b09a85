"""Our Bot API transport turns HTTP trouble into PTB's own errors, so retries work."""

from __future__ import annotations

import asyncio
import socket

import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest

from bot.transport import AiohttpRequest
from emulator import Fault


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_nobody_listening_is_a_network_error():
    bot = Bot("1:A", base_url=f"http://127.0.0.1:{_closed_port()}/bot", request=AiohttpRequest())
    await bot.request.initialize()
    try:
        with pytest.raises(NetworkError) as caught:
            await bot.send_message(1, "hallo")
        assert not isinstance(caught.value, TimedOut)
    finally:
        await bot.request.shutdown()


async def test_a_slow_answer_times_out_as_asked(emulator_server):
    emu = emulator_server.emulator
    riet = emu.add_user("Riet")
    await emu.send_text(riet.id, riet.id, "/start")  # she started the bot: it may write
    release = asyncio.Event()
    emu.inject_fault("sendMessage", Fault("hold", release=release))
    request = AiohttpRequest(read_timeout=0.2)
    bot = Bot(emu.token, base_url=emulator_server.api_url, request=request)
    async with bot:
        with pytest.raises(TimedOut):
            await bot.send_message(riet.id, "hallo")
        release.set()
        # A call's own timeout wins over the default.
        sent = await bot.send_message(riet.id, "weer", read_timeout=5)
    assert sent.text == "weer"


async def test_not_initialized_is_refused():
    with pytest.raises(RuntimeError):
        await AiohttpRequest().do_request("http://127.0.0.1:1/", "POST")


def test_timeouts_keep_ptb_meaning():
    default = BaseRequest.DEFAULT_NONE
    request = AiohttpRequest(connect_timeout=5, read_timeout=4, write_timeout=3, pool_timeout=1)
    timeout = request._timeout(None, default, default, default, default)
    # aiohttp's connect covers waiting for the pool and opening the connection.
    assert (timeout.connect, timeout.sock_connect, timeout.sock_read) == (6, 5, 7)
    assert timeout.total is None
    # A call's own values win; None means no limit, as in PTB.
    timeout = request._timeout(None, 30, default, None, default)
    assert (timeout.connect, timeout.sock_connect, timeout.sock_read) == (None, None, 33)
