"""The benchmarks still run end to end, at toy size (their figures are not checked
here: speed targets live in bench/, never in timed tests)."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from bench import checkin_burst, load
from bench.seeding import Size, seeded_copy


def test_the_busy_hour_harness_drives_all_four_bots(tmp_path):
    size = Size(circles=20, per_circle=6, checkins_per_circle=2)
    (tmp_path / "work").mkdir()  # as main() makes it
    db, _seconds = seeded_copy(size, tmp_path / "cache", tmp_path / "work", ZoneInfo("UTC"))
    rows = asyncio.run(load.run(size, db, rate=20, seconds=1))  # as `python -m bench load`
    assert [row["bot"] for row in rows] == [
        "echo (PTB floor)",
        "echo, our transport",
        "omkijkbot @30/s",
        "omkijkbot @1000/s",
    ]
    for row in rows:
        assert row["answered"] == row["updates sent"] == 20, row
        assert row["CPU ms/update"] > 0 and row["peak RSS (MB)"] > 0
    for row in rows[2:]:
        calls = row["Bot API calls/update"]
        # Check-in answers and claims were real ones: a button was marked or a post
        # edited, which a refused (forged or unknown) press never does.
        assert calls.get("editMessageReplyMarkup", 0) + calls.get("editMessageText", 0) > 0
        assert "CPU ratio to echo" in row and "CPU ratio to echo, same transport" in row


async def test_the_check_in_burst_sends_everything_and_the_alert_first():
    results = await checkin_burst.run(count=60, send_seconds=3, alert_after=10)
    assert results["timers fired"] == 60
    assert results["alert latency (s)"] < 60  # it arrived (wait_for would have raised)
    assert results["sent in window"] >= 60  # all check-ins and the alert went out
