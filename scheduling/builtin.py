"""Timer kinds every installation has: nightly housekeeping, and the name of the plain
notice (whose message ``services.notices`` writes)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from domain.calendar import local_midnight, next_local_time
from scheduling.timers import Scheduler, TimerRun
from storage.operations import remove_set_aside_copies
from storage.timefmt import to_db

log = logging.getLogger(__name__)

NOTICE = "notice"  # one message at a given moment: services.notices sends it
HOUSEKEEPING = "housekeeping"


@dataclass(frozen=True)
class Retention:
    """How long each kind of content is kept (PRIVACY.md, "Hoe lang?")."""

    requests: dt.timedelta = dt.timedelta(days=90)  # after closing; also activities
    checkins: dt.timedelta = dt.timedelta(days=30)
    signals: dt.timedelta = dt.timedelta(days=365)  # after closing
    messages: dt.timedelta = dt.timedelta(days=30)  # sent by the bot
    inbox: dt.timedelta = dt.timedelta(days=7)  # updates, once handled
    drafts: dt.timedelta = dt.timedelta(days=30)  # unfinished questions
    strangers: dt.timedelta = dt.timedelta(days=30)  # people in no circle
    invites: dt.timedelta = dt.timedelta(days=30)  # after use, withdrawal or expiry
    failed_timers: dt.timedelta = dt.timedelta(days=7)
    copies: dt.timedelta = dt.timedelta(days=7)  # the file a restore set aside


@dataclass(frozen=True)
class Kept:
    """What a table holds of a person (``holds``; empty: nothing), and for how long:
    ``rule`` names a field of ``Retention`` (then it goes), ``why`` says the rest."""

    holds: str
    rule: str | None
    why: str


# Every table of the schema. PRIVACY.md shows this list; tests/test_retention.py holds
# it to the schema and to PRIVACY.md.
RETENTION: dict[str, Kept] = {
    "users": Kept(
        "first name, language, what you enjoy and could offer",
        "strangers",
        "while you are in a circle; in no circle, 30 days after the last change",
    ),
    "members": Kept("name in the circle, role, phone, consent", None, "while you are a member"),
    "checkin_settings": Kept("your “All well?” settings", None, "while you are a member"),
    "offers": Kept("what you offer to do", None, "while you are a member"),
    "checkin_rounds": Kept("answers to “All well?”, who confirmed", "checkins", "30 days"),
    "round_notices": Kept("who was asked to look in", "checkins", "30 days"),
    "requests": Kept(
        "requests: for whom, by whom, words, voice message, helper",
        "requests",
        "90 days after closing; one nobody took, 90 days after its day",
    ),
    "request_helpers": Kept("who helped with a request", "requests", "90 days after closing"),
    "request_posts": Kept("", None, "where a request was posted (message numbers)"),
    "activities": Kept("place, who announced it", "requests", "90 days after the day"),
    "attendance": Kept("who comes", "requests", "90 days after the day"),
    "activity_posts": Kept("", None, "where an activity was posted (message numbers)"),
    "signals": Kept(
        "worries: sender, about whom, words, voice message",
        "signals",
        "365 days after closing; an open worry stays while the professional works on it",
    ),
    "signal_log": Kept("who saw and did what with a worry", "signals", "365 days after closing"),
    "signal_notices": Kept("who was told of a worry", "signals", "365 days after closing"),
    "outbox": Kept("messages the bot sent", "messages", "30 days"),
    "inbox": Kept("messages and taps sent to the bot", "inbox", "7 days"),
    "drafts": Kept("unfinished questions", "drafts", "30 days after the last step"),
    "invites": Kept("who made an invite and who used it", "invites", "30 days after use or expiry"),
    "join_requests": Kept(
        "who asked to be let in, their name, who answered",
        "invites",
        "30 days after the answer (or the asking)",
    ),
    "timers": Kept(
        "what the bot will do, for whom",
        "failed_timers",
        "once done, until the night after; one that failed, 7 days",
    ),
    "signposts": Kept(
        "who added a wegwijzer entry",
        None,
        "while the entry is there; /vergeetmij takes the name out",
    ),
    "circles": Kept("", None, "the group's name and link"),
    "erasures": Kept(
        "",
        None,
        "a fingerprint per /vergeetmij, not the Telegram number: so a restore can erase again",
    ),
    "erasure_key": Kept("", None, "the key of those fingerprints"),
}


def register_builtin_timers(
    scheduler: Scheduler,
    tz: dt.tzinfo,
    retention: Retention | None = None,
    keep_users: list[int] | None = None,
) -> None:
    """``keep_users``: the beheerders, known by the bot even when in no circle."""
    keep = retention or Retention()

    async def housekeeping(run: TimerRun) -> None:
        now = run.clock.now()
        pruned = await run.store.prune_inbox(now - keep.inbox, tx=run.tx)
        forgotten = await run.store.forget_old_content(
            run.tx,
            now=to_db(now),
            requests_before=to_db(now - keep.requests),
            checkins_before=to_db(now - keep.checkins),
            signals_before=to_db(now - keep.signals),
            messages_before=to_db(now - keep.messages),
            drafts_before=to_db(now - keep.drafts),
            strangers_before=to_db(now - keep.strangers),
            invites_before=to_db(now - keep.invites),
            fired_before=to_db(local_midnight(now, tz)),
            failed_timers_before=to_db(now - keep.failed_timers),
            keep_users=keep_users or (),
        )
        copies = remove_set_aside_copies(run.store.db.path, now - keep.copies)
        # Counts only: no ids or content in the log.
        log.info(
            "housekeeping: forgot %d handled updates, old content %s, %d set-aside copies",
            pruned,
            forgotten,
            copies,
        )
        await schedule_housekeeping(run, tz)
        await run.store.drop_timer(run.timer.id, run.tx)  # it leaves no row of its own

    scheduler.register(HOUSEKEEPING, housekeeping)


async def schedule_housekeeping(run_or_scheduler: TimerRun | Scheduler, tz: dt.tzinfo) -> None:
    store = run_or_scheduler.store
    tx = run_or_scheduler.tx if isinstance(run_or_scheduler, TimerRun) else None
    due = next_local_time(run_or_scheduler.clock.now(), tz, dt.time(3, 30))
    await store.schedule(HOUSEKEEPING, due, dedupe_key=f"housekeeping:{due.date()}", tx=tx)
