"""Logs are for operators: ids and events, never names, typed words or the token."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.logs import setup_logging

PERSONAL = ("Wilhelmina", "Gerritsen", "appelmoes", "huilt veel", "612345678", "breien")


@pytest.fixture
def log_output():
    """Our real logging set-up at DEBUG, written to a buffer; restored afterwards."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level, {n: logging.getLogger(n).level for n in ("telegram",)}
    buffer = io.StringIO()
    setup_logging("DEBUG", "json")
    root.handlers[0].setStream(buffer)
    yield buffer
    root.handlers[:], root.level = saved[0], saved[1]
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)


async def test_a_busy_flow_logs_no_personal_content(world, log_output):
    henk = world.person("Henk")
    wil = world.person("Wilhelmina", last_name="Gerritsen")
    jan = world.person("Jan")
    chat_id = await world.group_with_bot("Zandweerd", henk, [wil, jan])
    code = world.join_link_code(chat_id)
    await world.join(henk, code)
    await world.join(wil, code, share_phone=True, enjoys="breien")
    await world.join(jan, code)
    await world.say(wil, "🙏 Ik zoek hulp")
    await world.tap(wil, "🍲 Soep of een maaltijd")
    await world.tap(wil, "📅 Wanneer?")
    await world.tap(wil, "Morgen")
    await world.tap(wil, "rond 12:00")
    await world.tap(wil, "Eén keer")
    await world.say(wil, "graag met appelmoes")
    await world.tap(wil, "✅ Versturen")
    await world.say(jan, "💭 Ik maak me zorgen")
    await world.tap(jan, "Wilhelmina")
    await world.tap(jan, "Eenzaamheid")
    await world.say(jan, "ze huilt veel")
    await world.tap(jan, "Vandaag")
    await world.say(wil, "iets wat de bot niet kent")
    await world.press(wil, world.emulator.bot_messages(wil.id)[-1], "x:forged:1", forge=True)

    lines = [json.loads(line) for line in log_output.getvalue().splitlines()]
    assert lines, "the flow logged nothing at all at DEBUG"
    assert {"time", "level", "logger", "message"} <= set(lines[0])
    assert any(line["logger"].startswith("handlers") for line in lines)  # the forged button
    text = log_output.getvalue()
    for word in (*PERSONAL, world.emulator.token):
        assert word not in text, word


def test_a_token_in_a_message_or_traceback_is_masked(log_output):
    token = "123456789:AAHk-secret_part_of_the_token_0123"
    log = logging.getLogger("bot.test")
    log.warning("calling https://api.telegram.org/bot%s/getMe failed", token)
    try:
        raise RuntimeError(f"connection to /bot{token}/sendMessage reset")
    except RuntimeError:
        log.exception("send failed")
    text = log_output.getvalue()
    assert token not in text
    assert text.count("<token>") == 2


def test_a_token_never_shows_in_a_start_up_error(tmp_path):
    """Telegram unreachable, or a setting refused: the one line printed names the
    problem, never the token (which may sit in a URL or a refused value)."""
    import os
    import socket
    import subprocess
    import sys

    from tests.support import REPO

    token = "123456789:AAHk-secret_part_of_the_token_0123"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMKIJK_", "TELEGRAM_"))}
    for extra in (
        {"TELEGRAM_API_URL": f"http://127.0.0.1:{port}/bot{token}/"},
        {"OMKIJK_TZ": f"Mars/{token}"},
    ):
        result = subprocess.run(
            [sys.executable, "-m", "bot", "run"],
            cwd=REPO,
            env={**env, "OMKIJK_DB": str(tmp_path / "o.sqlite3"), "TELEGRAM_TOKEN": token, **extra},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode in (2, 3), result.stderr
        assert token not in result.stderr + result.stdout
        assert "omkijkbot:" in result.stderr
