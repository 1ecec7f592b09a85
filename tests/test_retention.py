"""Retention: content goes after its time (a daily timer), the counts stay; every table
of the schema has a rule or a reason, and PRIVACY.md says the same."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
import subprocess
import sys

from domain.requests import Kind
from domain.signals import WorryKind
from domain.waakvlam import CheckinSettings
from scheduling.builtin import HOUSEKEEPING, RETENTION, Retention
from storage.database import Database
from tests.support import REPO, add_beheerder


async def test_old_content_is_forgotten_and_counts_stay(world):
    henk, riet, jan = world.person("Henk"), world.person("Riet"), world.person("Jan")
    chat_id = await world.group_with_bot("Zandweerd", henk, [riet, jan])
    code = world.join_link_code(chat_id)
    for person in (henk, riet, jan):
        await world.join(person, code)
    circle = await world.store.circle_by_chat(chat_id)
    riet_m = await world.store.member_of(circle.id, riet.id)
    services = world.runtime.services
    # A request, helped and done.
    result = await services.helpdesk.create(
        circle_id=circle.id,
        member=riet_m,
        asked_by=riet.id,
        kind=Kind.GROCERIES,
        day=None,
        at_minutes=None,
        details="melk en brood",
        voice_file_id=None,
        visibility="circle",
    )
    await services.helpdesk.claim(jan.id, result.request.id)
    await services.helpdesk.finish(riet.id, result.request.id, "done")
    # A check-in answered.
    await services.waakvlam.apply_settings(CheckinSettings(member_id=riet_m.id, enabled=True))
    world.clock.advance(hours=1)
    await world.runtime.tick()
    [round_] = await world.store.rounds_of(riet_m.id)
    await services.waakvlam.answer(riet.id, round_.id, "ok")
    # A worry, closed.
    await world.store.remember_user(7777, "Fatima", "nl", reachable=True)
    async with world.store.db.write() as tx:
        await world.store.add_member(tx, circle.id, 7777, "Fatima", "professional", consented=True)
    outcome = await services.worries.create(
        circle_id=circle.id,
        sender_id=jan.id,
        about=riet_m,
        about_self=False,
        kind=WorryKind.HEALTH,
        details="ze hoest veel",
        voice_file_id=None,
        urgency="week",
        safety=False,
    )
    await services.worries.act(7777, outcome.signal.id, "close")
    start = world.clock.now() - dt.timedelta(days=1)
    before = await world.store.week_figures(circle.id, start, start + dt.timedelta(days=7))

    # 31 days on: the check-in answer is gone; the request and the worry are not yet.
    world.clock.advance(days=31)
    await world.runtime.tick()
    round_ = (await world.store.rounds_of(riet_m.id))[0]
    assert round_.answer is None and round_.closed_by is None
    assert (await world.store.help_request(result.request.id)).details == "melk en brood"
    # 91 days: the request's content and who was involved are gone.
    world.clock.advance(days=60)
    await world.runtime.tick()
    request = await world.store.help_request(result.request.id)
    assert request.details is None and request.member_id is None
    assert request.helper_member_id is None and request.asked_by is None
    assert (await world.store.signal(outcome.signal.id)).details == "ze hoest veel"
    # 366 days: the worry's content, sender and subject are gone.
    world.clock.advance(days=275)
    await world.runtime.tick()
    signal = await world.store.signal(outcome.signal.id)
    assert signal.details is None and signal.sender_id is None
    assert signal.about_member_id is None
    assert all(detail is None for *_rest, detail in await world.store.signal_log(signal.id))
    # The figures of that first week did not change.
    after = await world.store.week_figures(circle.id, start, start + dt.timedelta(days=7))
    for key in ("asked", "helped", "rounds"):
        assert after[key] == before[key]
    # And no sent message texts older than a month are kept.
    from storage.timefmt import to_db

    assert (
        await world.runtime.db.fetchone(
            "SELECT COUNT(*) FROM outbox WHERE created_at < ?",
            (to_db(world.clock.now() - dt.timedelta(days=31)),),
        )
    )[0] == 0


def test_privacy_document_states_the_retention_the_code_uses():
    from bot.config import load_settings
    from tests.support import REPO

    settings = load_settings(_env_file=None)
    text = (REPO / "PRIVACY.md").read_text()
    assert f"{settings.retain_requests_days} dagen" in text
    assert f"{settings.retain_checkins_days} dagen" in text
    assert f"{settings.retain_signals_days} dagen" in text
    assert f"{settings.retain_requests_days} days" in text
    assert f"{settings.retain_checkins_days} days" in text
    assert f"{settings.retain_signals_days} days" in text

    assert (
        f"{Retention().drafts.days} dagen" in text and f"{Retention().strangers.days} dagen" in text
    )


# -- every table has a rule ----------------------------------------------------------------

# Columns that can hold a person: an id, a name, a phone, their words.
PERSONAL = re.compile(
    r"^(user_id|member_id|\w+_by|sender_id|going|first_name|display_name|phone|details?|"
    r"text|payload|state|actor|place|enjoys|can_offer|\w+_member_id)$"
)


async def test_every_table_has_a_retention_rule_or_a_reason(tmp_path):
    db = await Database(tmp_path / "schema.sqlite3").open()
    try:
        tables = {
            name: [c[1] for c in await db.fetchall(f"PRAGMA table_info({name})")]
            for (name,) in await db.fetchall(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        }
    finally:
        await db.close()
    assert set(RETENTION) == set(tables)
    keep = Retention()
    for table, columns in tables.items():
        kept = RETENTION[table]
        personal = [c for c in columns if PERSONAL.match(c)]
        assert bool(kept.holds) == bool(personal), (table, personal)
        assert kept.rule or kept.why, table
        if kept.rule:
            assert f"{getattr(keep, kept.rule).days} days" in kept.why, table
    # PRIVACY.md shows this very list.
    section = (REPO / "PRIVACY.md").read_text().split("## What each table keeps", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert rows == [f"| `{t}` | {k.holds or '—'} | {k.why} |" for t, k in RETENTION.items()]
    assert f"removed by the running bot after {keep.copies.days} days" in " ".join(section.split())


# -- what is left long after --------------------------------------------------------------


async def _a_circle_that_helped(world):
    """Riet asks for groceries, Jan helps and it is done; a coffee morning Riet comes to;
    Riet leaves a worry about Jan half-way; a passer-by in the group taps "Ik help"."""
    henk, riet, jan = world.person("Henk"), world.person("Riet"), world.person("Jan")
    chat_id = await world.circle("Zandweerd", henk, [riet, jan])
    circle = await world.store.circle_by_chat(chat_id)
    services = world.runtime.services
    post = await world.ask_for_groceries(riet, chat_id)
    await world.press(jan, post, world.emulator.buttons(post)[0]["callback_data"])
    [request_id] = [r[0] for r in await world.runtime.db.fetchall("SELECT id FROM requests")]
    await services.helpdesk.finish(riet.id, request_id, "done")
    ids = await services.activities.announce(
        circle_id=circle.id, kind="coffee", day=dt.date(2026, 11, 26), at_minutes=600,
        place="buurtkamer", created_by=riet.id,
    )  # fmt: skip
    await services.outbox.deliver(world.runtime.application.bot, ids)
    activity = world.emulator.bot_messages(chat_id)[-1]
    await world.press(riet, activity, world.emulator.buttons(activity)[0]["callback_data"])
    await world.say(riet, "💭 Ik maak me zorgen")
    for label in ("Jan", "Gezondheid"):
        await world.tap(riet, label)
    await world.say(riet, "Jan drinkt weer, zijn vrouw is bang")  # and she closes the app
    passer_by = world.person("Voorbijganger")
    world.emulator.chats[chat_id].members.add(passer_by.id)
    second = await world.ask_for_groceries(jan, chat_id)
    await world.press(passer_by, second, world.emulator.buttons(second)[0]["callback_data"])
    return riet, jan, passer_by


async def test_long_after_only_counts_remain(world):
    riet, jan, passer_by = await _a_circle_that_helped(world)
    bea = add_beheerder(world)  # in no circle, but a beheerder: kept
    await world.say(bea, "/help")
    db = world.runtime.db

    async def count(sql):
        return await db.fetchvalue(sql)

    assert await count("SELECT COUNT(*) FROM request_helpers") == 1
    assert await count("SELECT COUNT(*) FROM attendance") == 1
    assert await count("SELECT COUNT(*) FROM drafts WHERE state LIKE '%drinkt%'") == 1
    assert await world.store.user(passer_by.id) is not None
    world.clock.advance(days=400)
    await world.runtime.tick()
    world.clock.advance(days=1)
    await world.runtime.tick()
    # Who helped whom and who came are gone; so are the place and who announced it.
    assert await count("SELECT COUNT(*) FROM request_helpers") == 0
    assert await count("SELECT COUNT(*) FROM attendance") == 0
    assert await count("SELECT COUNT(*) FROM activities WHERE place IS NOT NULL") == 0
    # Jan's request nobody took, its day long gone: closed, its words gone.
    assert await count("SELECT COUNT(*) FROM requests WHERE status = 'open'") == 0
    assert await count("SELECT COUNT(*) FROM requests WHERE member_id IS NOT NULL") == 0
    # The unfinished worry, the passer-by's name, and every fired timer.
    assert await count("SELECT COUNT(*) FROM drafts") == 0
    assert await world.store.user(passer_by.id) is None
    assert await world.store.user(bea.id) is not None
    assert await count("SELECT COUNT(*) FROM timers WHERE status != 'pending'") == 0
    # The newest stored update stays as a number only (the offset), nothing else.
    [payload] = [r[0] for r in await db.fetchall("SELECT payload FROM inbox")]
    assert set(__import__("json").loads(payload)) == {"update_id"}
    # Members are members still.
    assert await world.store.user(riet.id) is not None and await world.store.user(jan.id)
    # The counts of that first week are there.
    circle_id = await db.fetchvalue("SELECT id FROM circles")
    start = world.clock.now() - dt.timedelta(days=402)
    figures = await world.store.week_figures(circle_id, start, start + dt.timedelta(days=7))
    assert figures["asked"] == 2 and figures["helped"] == 1


# -- a restore erases again ------------------------------------------------------------------


def _omkijkbot(*args, db, clock):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMKIJK_", "TELEGRAM_"))}
    env |= {"OMKIJK_DB": str(db), "OMKIJK_CLOCK_START": clock.isoformat()}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


async def test_a_restore_erases_again_who_asked_after_the_backup(world, tmp_path):
    henk, riet, jan = world.person("Henk"), world.person("Riet"), world.person("Jan")
    chat_id = await world.group_with_bot("Zandweerd", henk, [riet, jan])
    code = world.join_link_code(chat_id)
    for person in (henk, riet, jan):
        await world.join(person, code, share_phone=person is riet)
    db = world.runtime.settings.db_path
    backup = tmp_path / "backup.sqlite3"
    made = _omkijkbot("backup", str(backup), db=db, clock=world.clock.now())
    assert made.returncode == 0, made.stderr
    await world.say(riet, "/vergeetmij")
    await world.tap(riet, "Ja, wis alles")
    await world.runtime.stop()  # the beheerder stops the bot, then restores
    restored = _omkijkbot("restore", str(backup), db=db, clock=world.clock.now())
    assert restored.returncode == 0, restored.stderr
    assert "erased again: 1 people" in restored.stdout
    assert "2026-11-24" in restored.stdout and "Riet" not in restored.stdout
    with contextlib.closing(sqlite3.connect(db)) as conn:
        names = {r[0] for r in conn.execute("SELECT display_name FROM members")}
        assert names == {"Henk", "Jan"}
        assert (
            conn.execute("SELECT COUNT(*) FROM users WHERE id = ?", (riet.id,)).fetchone()[0] == 0
        )
        assert conn.execute("SELECT COUNT(*) FROM erasures").fetchone()[0] == 1
    assert b"+31612345678" not in db.read_bytes()
    # The file the restore set aside is removed by the running bot a week later.
    [aside] = list(db.parent.glob(db.name + ".before-restore-*"))
    await world.restart(down_for=dt.timedelta(days=6))
    await world.runtime.tick()
    assert aside.exists()
    world.clock.advance(days=2)
    await world.runtime.tick()
    assert not aside.exists()
    # And a second restore of that backup erases her again: the fingerprints came along.
    await world.runtime.stop()
    again = _omkijkbot("restore", str(backup), db=db, clock=world.clock.now())
    assert "erased again: 1 people" in again.stdout
    await world.restart()
    assert [t for t in await world.store.timers("pending") if t[1] == HOUSEKEEPING]


async def test_a_damaged_database_can_still_be_replaced_and_the_restore_says_what_it_cannot_know(
    tmp_path,
):
    backup = tmp_path / "backup.sqlite3"
    db = await Database(backup).open()
    await db.close()
    live = tmp_path / "omkijk.sqlite3"
    live.write_bytes(b"this is not a database at all" * 100)
    now = dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC)
    result = _omkijkbot("restore", str(backup), db=live, clock=now)
    assert result.returncode == 0, result.stderr
    assert "the replaced database could not be read" in result.stdout
    [aside] = list(tmp_path.glob("omkijk.sqlite3.before-restore-*"))
    assert aside.read_bytes().startswith(b"this is not a database")
    with contextlib.closing(sqlite3.connect(live)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
