"""systemd: readiness and the watchdog over a real notify socket, and the unit file,
checked by systemd-analyze where it is installed. On the manual clock."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from bot.systemd import Systemd
from tests.support import REPO
from tests.test_health import _runtime


@pytest.fixture
def notify_socket(tmp_path, monkeypatch):
    """A datagram socket standing in for systemd's, as NOTIFY_SOCKET."""
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.setblocking(False)
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    monkeypatch.setenv("WATCHDOG_USEC", "30000000")  # WatchdogSec=30: a ping every 15 s
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    yield sock
    sock.close()


def _heard(sock: socket.socket) -> list[str]:
    messages = []
    while True:
        try:
            messages.append(sock.recv(4096).decode())
        except BlockingIOError:
            return messages


async def test_systemd_hears_ready_the_watchdog_and_stopping(
    notify_socket, tmp_path, clock, emulator_server
):
    runtime = _runtime(tmp_path, clock, emulator_server)
    assert _heard(notify_socket) == []
    await runtime.start()
    try:
        [ready] = _heard(notify_socket)
        assert ready.startswith("READY=1\nSTATUS=running as @")
        await runtime.tick()
        assert _heard(notify_socket) == ["WATCHDOG=1"]
        clock.advance(seconds=14)
        await runtime.tick()
        assert _heard(notify_socket) == []  # twice per period, not every tick
        clock.advance(seconds=1)
        await runtime.tick()
        assert _heard(notify_socket) == ["WATCHDOG=1"]
        # A ticker that stops feeds nothing: systemd restarts the bot after 30 s.
        clock.advance(seconds=40)
        assert _heard(notify_socket) == []
    finally:
        await runtime.stop()
    assert _heard(notify_socket) == ["STOPPING=1\nSTATUS=stopping"]


async def test_without_systemd_nothing_is_sent(notify_socket, monkeypatch, tmp_path, clock):
    monkeypatch.delenv("NOTIFY_SOCKET")
    quiet = Systemd(clock)
    quiet.ready("running")
    quiet.ticked()
    assert not quiet.active and _heard(notify_socket) == []
    # The watchdog is someone else's (WATCHDOG_PID): readiness only.
    monkeypatch.setenv("NOTIFY_SOCKET", notify_socket.getsockname())
    monkeypatch.setenv("WATCHDOG_PID", "1")
    other = Systemd(clock)
    other.ticked()
    assert other.active and other.watchdog_every is None and _heard(notify_socket) == []


UNIT = REPO / "contrib" / "omkijkbot.service"


def _unit_settings(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";", "[")):
            key, value = line.split("=", 1)
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def test_the_unit_restarts_watches_and_hardens():
    unit = _unit_settings(UNIT.read_text())
    one = {key: values[-1] for key, values in unit.items()}
    assert one["Type"] == "notify" and one["Restart"] == "always"
    assert int(one["WatchdogSec"]) > 0
    assert one["User"] == "omkijkbot" and one["UMask"] == "0077"
    assert one["NoNewPrivileges"] == "yes" and one["ProtectSystem"] == "strict"
    assert one["ProtectHome"] == "yes" and one["PrivateTmp"] == "yes"
    # The database lives in the one directory the bot may write to.
    [db] = [v.split("=", 1)[1] for v in unit["Environment"] if v.startswith("OMKIJK_DB=")]
    assert str(Path(db).parent) in one["ReadWritePaths"].split()


def _analyze(unit_text: str, root: Path, *command: str) -> str:
    """systemd-analyze on the unit, in a root with systemd's own units and a stand-in
    for the program ExecStart names; returns its exit code and everything it said."""
    system = root / "etc" / "systemd" / "system"
    system.mkdir(parents=True, exist_ok=True)
    (system / "omkijkbot.service").write_text(unit_text)
    if not (root / "usr" / "lib" / "systemd" / "system").exists():
        shutil.copytree(
            "/usr/lib/systemd/system", root / "usr" / "lib" / "systemd" / "system", symlinks=True
        )
    program = Path(_unit_settings(unit_text)["ExecStart"][-1].split()[0])
    stand_in = root / program.relative_to("/")
    stand_in.parent.mkdir(parents=True, exist_ok=True)
    stand_in.write_text("#!/bin/sh\n")
    stand_in.chmod(0o755)
    done = subprocess.run(
        ["systemd-analyze", *command, f"--root={root}", "omkijkbot.service"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return f"exit {done.returncode}\n{done.stdout}{done.stderr}".strip()


needs_systemd_analyze = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None or not Path("/usr/lib/systemd/system").is_dir(),
    reason="systemd-analyze is not installed here",
)


@needs_systemd_analyze
def test_systemd_analyze_verifies_the_unit(tmp_path):
    text = UNIT.read_text()
    assert _analyze(text, tmp_path / "root", "verify") == "exit 0"
    # The check itself: a misspelt option is reported.
    broken = text.replace("ProtectHome=", "ProtectHom=")
    assert "Unknown key" in _analyze(broken, tmp_path / "root", "verify")


@needs_systemd_analyze
def test_the_units_exposure_stays_ok(tmp_path):
    """systemd-analyze security rates the hardening (0 best, 10 worst): 1.3, "OK", with
    systemd 252 when written; this fails above 2.0. Without the hardening it is above."""
    text = UNIT.read_text()
    rate = ("security", "--offline=yes", "--threshold=20")
    said = _analyze(text, tmp_path / "root", *rate)
    assert said.startswith("exit 0"), said
    assert "Overall exposure level for omkijkbot.service: " in said
    bare = text.split("# Hardening")[0] + "[Install]\nWantedBy=multi-user.target\n"
    assert not _analyze(bare, tmp_path / "root", *rate).startswith("exit 0")
