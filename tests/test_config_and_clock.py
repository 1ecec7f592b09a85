from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

from bot.config import ConfigError, load_settings
from core.clock import ManualClock, SystemClock
from tests.support import REPO


def test_defaults_are_the_documented_ones(monkeypatch):
    for name in ("OMKIJK_DB", "OMKIJK_TZ", "TELEGRAM_API_URL", "OMKIJK_TIME_SCALE"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(_env_file=None)
    assert str(settings.db_path) == "omkijk.sqlite3"
    assert settings.timezone == "Europe/Amsterdam"
    assert settings.telegram_api_url == "https://api.telegram.org/bot"
    assert settings.time_scale == 1.0 and settings.clock_start is None


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("OMKIJK_ADMIN_IDS", "12, 34")
    monkeypatch.setenv("OMKIJK_TIME_SCALE", "60")
    monkeypatch.setenv("OMKIJK_CLOCK_START", "2026-11-24T10:00:00+01:00")
    settings = load_settings(_env_file=None)
    assert settings.admin_ids == [12, 34]
    assert settings.time_scale == 60
    assert settings.clock_start == dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("OMKIJK_TZ", "Europe/Nergens"),
        ("OMKIJK_TIME_SCALE", "snel"),
        ("OMKIJK_CLOCK_START", "morgen"),
        ("OMKIJK_ADMIN_IDS", "henk"),
        ("TELEGRAM_API_URL", "api.telegram.org"),
    ],
)
def test_a_bad_setting_is_named_in_one_line(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    message = str(caught.value)
    assert message.startswith(f"Setting {name} is not valid")
    assert "\n" not in message


def _run_cli(args, **env):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("OMKIJK_", "TELEGRAM_"))}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_stops_on_a_bad_setting_without_a_traceback(tmp_path):
    result = _run_cli(["run"], OMKIJK_TZ="Mars/Olympus", OMKIJK_DB=str(tmp_path / "x.db"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "omkijkbot: Setting OMKIJK_TZ is not valid: unknown time zone 'Mars/Olympus' "
        "(got 'Mars/Olympus')"
    ]


def test_cli_run_without_a_token_says_so(tmp_path):
    result = _run_cli(["run"], OMKIJK_DB=str(tmp_path / "x.db"))
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("omkijkbot: Setting TELEGRAM_TOKEN is missing")
    assert "Traceback" not in result.stderr


def test_time_scale_sixty_makes_a_second_count_as_a_minute():
    real = [1000.0]
    start = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
    clock = SystemClock(scale=60, start=start, monotonic=lambda: real[0])
    assert clock.now() == start
    real[0] += 1
    assert clock.now() == start + dt.timedelta(minutes=1)
    real[0] += 120  # two real minutes: the whole two-hour ladder step
    assert clock.now() == start + dt.timedelta(hours=2, minutes=1)


def test_a_trainer_moves_the_system_clock_forward_and_changes_its_speed():
    real = [1000.0]
    start = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
    clock = SystemClock(scale=1, start=start, monotonic=lambda: real[0])
    assert clock.advance(dt.timedelta(minutes=10)) == start + dt.timedelta(minutes=10)
    real[0] += 30
    clock.set_scale(60)  # no jump: the same moment, then a minute a second
    assert clock.now() == start + dt.timedelta(minutes=10, seconds=30)
    real[0] += 2
    assert clock.now() == start + dt.timedelta(minutes=12, seconds=30)
    with pytest.raises(ValueError):
        clock.advance(dt.timedelta(minutes=-1))  # what happened stays happened
    with pytest.raises(ValueError):
        clock.set_scale(0)
    assert clock.now() == start + dt.timedelta(minutes=12, seconds=30)


def test_system_clock_is_utc_and_real_by_default():
    now = SystemClock().now()
    assert now.tzinfo is dt.UTC
    assert abs((now - dt.datetime.now(dt.UTC)).total_seconds()) < 5


def test_manual_clock_moves_only_when_told():
    clock = ManualClock(dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC))
    assert clock.now() == clock.now()
    clock.advance(hours=1)
    assert clock.now().hour == 10
    with pytest.raises(ValueError):
        ManualClock(dt.datetime(2026, 1, 1))
