"""Requests for help: posting, claiming, and never leaving an asker in silence.

Posting and every message that matters go through the outbox in the same
transaction as the state change, so a crash neither loses a request nor posts it
twice. Timers move a request along when nobody volunteers: familiar faces are
asked at once, the superburen after a while, the voorzitter at the deadline, and
the asker is told honestly at each step.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from core.clock import Clock
from core.i18n import N_, I18n
from core.priority import Priority
from domain.records import HelpRequest, Member
from domain.requests import (
    DEFAULT_QUIET,
    KIND_WORDS,
    NOT_A_TASK,
    REQUEST_LIFECYCLE,
    ClaimStatus,
    Kind,
    RequestStatus,
    after_quiet_hours,
    audience,
    coordinators,
    done_buttons,
    due_moment,
    hand_back_buttons,
    help_buttons,
    may_claim,
    next_weekly_day,
    private_audience,
    superburen_first,
    valid_day,
    widening_times,
)
from scheduling.timers import Scheduler, TimerRun
from services.service import Service
from storage.database import Session
from storage.store import OutgoingMessage, Store

log = logging.getLogger(__name__)

NUDGE = "hulp.nudge"
DEADLINE = "hulp.deadline"
REMIND = "hulp.remind"
FOLLOW_UP = "hulp.followup"
REPEAT = "hulp.repeat"


class HelpStatus(StrEnum):
    """What a request's use case did, for the handler to say."""

    CREATED = "created"
    UNSEEN = "unseen"  # stored, but nobody else can see it (no superburen)
    BAD_DAY = "bad_day"  # a day that is over, or far off
    NOT_ALLOWED = "not_allowed"
    NOT_A_MEMBER = "not_a_member"  # join the circle first
    ALREADY = "already"  # closed already
    ALREADY_HELPING = "already_helping"
    TAKEN = "taken"  # someone else was first
    CLAIMED = "claimed"
    JOINED = "joined"  # one of several helpers
    HANDED_BACK = "handed_back"
    DONE = "done"
    CANCELLED = "cancelled"


@dataclass
class Result:
    status: HelpStatus
    request: HelpRequest | None = None
    message_ids: list[int] = field(default_factory=list)
    helper: str = ""
    seen_by: list[Member] = field(default_factory=list)  # who got it privately


def request_key(request_id: int) -> str:
    return f"hulp:{request_id}:"


class HelpDesk(Service):
    def __init__(
        self,
        store: Store,
        i18n: I18n,
        clock: Clock,
        quiet: tuple[dt.time, dt.time] = DEFAULT_QUIET,
    ) -> None:
        super().__init__(store, i18n, clock)
        self.quiet = quiet

    def register(self, scheduler: Scheduler) -> None:
        scheduler.register(NUDGE, self._on_nudge)
        scheduler.register(DEADLINE, self._on_deadline)
        scheduler.register(REMIND, self._on_remind)
        scheduler.register(FOLLOW_UP, self._on_follow_up)
        scheduler.register(REPEAT, self._on_repeat)
        scheduler.on_bounce(self._on_bounced)

    # -- words ----------------------------------------------------------------------

    def describe(self, t, request: HelpRequest) -> str:
        """'boodschappen, morgen rond 12:00' in the reader's language."""
        what = t.gettext(KIND_WORDS[Kind(request.kind)])
        if request.day is None:
            return t.gettext("{what}, any day", what=what)
        today = self.clock.now().astimezone(self.tz).date()
        if request.day == today:
            day = t.gettext("today")
        elif request.day == today + dt.timedelta(days=1):
            day = t.gettext("tomorrow")
        else:
            day = t.date(request.day)
        if request.at_minutes is None:
            return t.gettext("{what}, {day}", what=what, day=day)
        time = f"{request.at_minutes // 60:02d}:{request.at_minutes % 60:02d}"
        return t.gettext("{what}, {day} around {time}", what=what, day=day, time=time)

    async def post_text(self, t, request: HelpRequest) -> str:
        member = await self.store.member(request.member_id) if request.member_id else None
        name = member.display_name if member else "?"
        text = t.gettext(
            "{name} is looking for help: {what}.", name=name, what=self.describe(t, request)
        )
        if request.details:
            text += "\n“" + html.escape(request.details, quote=False) + "”"
        if request.voice_file_id:
            text += "\n" + t.gettext("🎤 With a voice message for the helper.")
        if request.asked_by and member is not None and request.asked_by != member.user_id:
            asker = await self.store.member_of(request.circle_id, request.asked_by)
            if asker is not None:
                text += "\n" + t.gettext(
                    "Asked on their behalf by {name}.", name=asker.display_name
                )
        return text

    async def asker_id(self, request: HelpRequest) -> int | None:
        """Who hears back: the member, or whoever asked on their behalf."""
        member = await self.store.member(request.member_id) if request.member_id else None
        if (
            member is not None
            and member.user_id is not None
            and (request.asked_by in (None, member.user_id))
        ):
            return member.user_id
        return request.asked_by

    async def _for_someone_else(self, request: HelpRequest, reader_id: int) -> str:
        """The name of who the help is for, when that is not the reader; else ''."""
        member = await self.store.member(request.member_id) if request.member_id else None
        if member is None or member.user_id == reader_id:
            return ""
        return member.display_name

    # -- asking -------------------------------------------------------------------------

    async def create(self, *, asked_by: int, day: dt.date | None, **fields: Any) -> Result:
        """Store the request and queue its posts, all in one transaction (the fields are
        ``_create``'s). A day that is over (a wizard left open across midnight) or far
        off (a forged button) is refused: status ``bad_day``."""
        if not valid_day(day, self.clock.now().astimezone(self.tz).date()):
            return Result(HelpStatus.BAD_DAY)
        async with self.store.db.write() as tx:
            await self.store.clear_draft(asked_by, tx)
            return await self._create(tx, asked_by=asked_by, day=day, **fields)

    async def _resting(self, member_id: int) -> bool:
        """'Ik kan even niets terugdoen': asked nothing, invited to nothing, until then."""
        until = await self.store.resting_until(member_id)
        return until is not None and until >= self.clock.now().astimezone(self.tz).date()

    async def _create(
        self,
        tx: Session,
        *,
        circle_id: int,
        member: Member,
        asked_by: int,
        kind: Kind,
        day: dt.date | None,
        at_minutes: int | None,
        details: str | None,
        voice_file_id: str | None,
        visibility: str,
        repeat_weekly: bool = False,
        helpers_needed: int = 1,
    ) -> Result:
        circle = await self.store.circle(circle_id)
        members = await self.store.members(circle_id)
        ids: list[int] = []
        # A voice message goes to the superburen and the voorzitter only.
        visibility = audience(visibility, voice_file_id)
        request_id = await self.store.create_request(
            tx,
            circle_id=circle_id,
            member_id=member.id,
            asked_by=asked_by,
            kind=kind,
            day=day,
            at_minutes=at_minutes,
            details=details,
            voice_file_id=voice_file_id,
            visibility=visibility,
        )
        if helpers_needed > 1:
            await self.store.set_helpers_needed(tx, request_id, min(helpers_needed, 5))
        request = await self.store.help_request(request_id, tx)
        status = HelpStatus.CREATED
        if kind in NOT_A_TASK:
            # Not a task for the group: one superbuur hears it, privately.
            chosen = superburen_first(members, exclude=member.id)[:1]
            for person in chosen:
                ids.append(await self._post(tx, person.user_id, request))
            return Result(HelpStatus.CREATED, request, ids, seen_by=chosen)
        if repeat_weekly and day is not None:
            await self.store.set_repeat_weekly(tx, request_id)
            next_post = dt.datetime.combine(
                day + dt.timedelta(days=1), dt.time(0, 5), tzinfo=self.tz
            ).astimezone(dt.UTC)
            await self.store.schedule(
                REPEAT,
                next_post,
                {"request_id": request_id},
                # Not under request_key: claiming an occurrence must not stop the series.
                dedupe_key=f"hulpserie:{request_id}",
                tx=tx,
            )
        seeing: list[Member] = []
        if (
            circle is not None
            and circle.active
            and circle.chat_id is not None
            and visibility == "circle"
        ):
            ids.append(await self._post(tx, circle.chat_id, request))
        else:
            seeing = private_audience(members, member.id, asked_by)
            ids += await self._post_privately(tx, request, seeing)
            if not seeing:
                status = HelpStatus.UNSEEN  # nobody else can see it: the asker is told so
        # Familiar faces first: who helped this person before, and whose standing offer
        # fits, hear it personally.
        familiar = await self.store.earlier_helpers(member.id)
        offering = await self.store.matching_offers(circle_id, kind, day.weekday() if day else None)
        asked: set[int] = set()
        for helper_id, text in [
            (h, N_("You helped {name} before. Could you help again? {what}")) for h in familiar
        ] + [
            (o, N_("You offered to help with this. {name} is looking for help: {what}"))
            for o in offering
        ]:
            helper = next((m for m in members if m.id == helper_id), None)
            if (
                helper is None
                or not helper.user_id
                or helper.id in asked
                or not may_claim(helper, circle_id, member, visibility)
                or await self._resting(helper.id)
            ):
                continue
            asked.add(helper.id)
            ids.append(
                await self._send(
                    tx,
                    helper.user_id,
                    text,
                    name=member.display_name,
                    what=self.describe(await self._t(helper.user_id), request),
                    source=f"hulp:familiar:{request_id}",
                    buttons=help_buttons(request_id),
                )
            )
        nudge, deadline = widening_times(self.clock.now(), day, at_minutes, self.tz, self.quiet)
        await self.store.schedule(
            NUDGE,
            nudge,
            {"request_id": request_id, "deadline": deadline.isoformat()},
            dedupe_key=f"{request_key(request_id)}nudge",
            tx=tx,
        )
        return Result(status, request, ids, seen_by=seeing)

    async def _on_repeat(self, run: TimerRun) -> None:
        """A weekly request: the next occurrence, posted anew, with its own claims."""
        request = await self.store.help_request(int(run.timer.payload["request_id"]), run.tx)
        if (
            request is None
            or request.day is None
            or request.member_id is None
            or not await self.store.repeats_weekly(request.id, run.tx)
        ):
            return
        member = await self.store.member(request.member_id)
        if member is None:
            return
        await self._create(
            run.tx,
            circle_id=request.circle_id,
            member=member,
            asked_by=request.asked_by or member.user_id,
            kind=Kind(request.kind),
            day=next_weekly_day(request.day, self.clock.now().astimezone(self.tz).date()),
            at_minutes=request.at_minutes,
            details=request.details,
            voice_file_id=request.voice_file_id,
            visibility=request.visibility,
            repeat_weekly=True,
            helpers_needed=request.helpers_needed,
        )

    async def _post(self, tx: Session, chat_id: int, request: HelpRequest) -> int:
        """The request, with "Ik help", in a group or to one person privately; where
        it went is remembered, so every copy can show who helps."""
        message_id = await self._queue(
            tx,
            chat_id,
            lambda t: self.post_text(t, request),
            source=f"hulp:post:{request.id}",
            priority=Priority.INTERACTIVE,
            buttons=help_buttons(request.id),
        )
        await self.store.add_request_post(tx, request.id, message_id)
        return message_id

    async def _post_privately(
        self, tx: Session, request: HelpRequest, people: list[Member]
    ) -> list[int]:
        return [await self._post(tx, person.user_id, request) for person in people]

    # -- claiming, handing back, done -------------------------------------------------

    async def claim(self, user_id: int, request_id: int) -> Result:
        request = await self.store.help_request(request_id)
        if request is None:
            return Result(HelpStatus.NOT_ALLOWED)
        helper = await self.store.member_of(request.circle_id, user_id)
        if helper is None or not helper.consented:
            return Result(HelpStatus.NOT_A_MEMBER, request)
        asker = await self.store.member(request.member_id) if request.member_id else None
        # audience(): a voice request stored before voice went to the coordinators only
        # is still claimed by them only, since the helper gets the voice message.
        seen = audience(request.visibility, request.voice_file_id)
        if not may_claim(helper, request.circle_id, asker, seen):
            return Result(HelpStatus.NOT_ALLOWED, request)
        if request.status in REQUEST_LIFECYCLE.ended:
            return Result(HelpStatus.ALREADY, request)
        ids: list[int] = []
        async with self.store.db.write() as tx:
            joined = await self.store.claim_request(tx, request_id, helper.id)
            if joined == ClaimStatus.ALREADY:
                return Result(HelpStatus.ALREADY_HELPING, request, helper=helper.display_name)
            if joined == ClaimStatus.FULL:
                current = await self.store.help_request(request_id, tx)
                taken_by = (
                    await self.store.member(current.helper_member_id)
                    if current.helper_member_id
                    else None
                )
                return Result(
                    HelpStatus.TAKEN, current, helper=taken_by.display_name if taken_by else ""
                )
            request = await self.store.help_request(request_id, tx)
            if joined == ClaimStatus.CLAIMED:
                # Complete: no more nudges for helpers (reminders are per helper).
                await self.store.cancel_timers(f"{request_key(request_id)}nudge", tx)
                await self.store.cancel_timers(f"{request_key(request_id)}deadline", tx)
            asker_id = await self.asker_id(request)
            if asker_id:
                # Asked on someone's behalf: "Henk helpt Mevrouw de Vries", not "helpt je".
                for_whom = await self._for_someone_else(request, asker_id)
                ids.append(
                    await self._send(
                        tx,
                        asker_id,
                        N_("Good news: {helper} will help {name} with {what}.")
                        if for_whom
                        else N_("Good news: {helper} will help you with {what}."),
                        helper=helper.display_name,
                        name=for_whom,
                        what=self.describe(await self._t(asker_id), request),
                        source=f"hulp:claimed:{request_id}",
                    )
                )
            await self._schedule_reminders(tx, request, helper)
        return Result(HelpStatus(joined), request, ids, helper.display_name)

    async def _schedule_reminders(self, tx: Session, request: HelpRequest, helper: Member) -> None:
        due = due_moment(request.day, request.at_minutes, self.tz)
        now = self.clock.now()
        key = request_key(request.id)
        if due is not None:
            evening = dt.datetime.combine(
                request.day - dt.timedelta(days=1), dt.time(19, 0), tzinfo=self.tz
            ).astimezone(dt.UTC)
            for name, moment in (("evening", evening), ("hour", due - dt.timedelta(hours=1))):
                if moment > now:
                    await self.store.schedule(
                        REMIND,
                        moment,
                        {"request_id": request.id, "helper_member_id": helper.id},
                        dedupe_key=f"{key}remind:{name}:{helper.id}",
                        tx=tx,
                    )
            follow_up = due + dt.timedelta(hours=2)
        else:
            follow_up = now + dt.timedelta(days=2)
        await self.store.schedule(
            FOLLOW_UP,
            max(follow_up, now),
            {"request_id": request.id},
            dedupe_key=f"{key}followup",
            tx=tx,
        )

    async def hand_back(self, user_id: int, request_id: int) -> Result:
        request = await self.store.help_request(request_id)
        helper = await self.store.member_of(request.circle_id, user_id) if request else None
        if (
            request is None
            or helper is None
            or helper.id not in await self.store.request_helpers(request_id)
        ):
            return Result(HelpStatus.NOT_ALLOWED, request)
        members = await self.store.members(request.circle_id)
        ids: list[int] = []
        async with self.store.db.write() as tx:
            if not await self.store.reopen_request(tx, request_id, helper.id):
                return Result(HelpStatus.NOT_ALLOWED, request)
            key = request_key(request_id)
            for moment in ("evening", "hour"):  # this helper's reminders, not the others'
                await self.store.cancel_timers(f"{key}remind:{moment}:{helper.id}", tx)
            request = await self.store.help_request(request_id, tx)
            if request.helper_member_id is None:
                await self.store.cancel_timers(f"{key}followup", tx)
            asker_id = await self.asker_id(request)
            if asker_id:
                ids.append(
                    await self._send(
                        tx,
                        asker_id,
                        N_(
                            "{helper} cannot make it after all. I am looking for "
                            "someone else and will let you know."
                        ),
                        helper=helper.display_name,
                        source=f"hulp:back:{request_id}",
                    )
                )
            for person in superburen_first(members, exclude=helper.id):
                ids.append(
                    await self._send(
                        tx,
                        person.user_id,
                        N_(
                            "{helper} cannot help {name} after all: {what}. "
                            "Can you help, or do you know someone?"
                        ),
                        helper=helper.display_name,
                        name=(await self.store.member(request.member_id)).display_name,
                        what=self.describe(await self._t(person.user_id), request),
                        source=f"hulp:back:{request_id}",
                        priority=Priority.INTERACTIVE,
                        buttons=help_buttons(request_id),
                    )
                )
            await self.store.schedule(
                NUDGE,
                after_quiet_hours(self.clock.now() + dt.timedelta(hours=1), self.tz, self.quiet),
                {"request_id": request_id},
                dedupe_key=f"{request_key(request_id)}nudge:again",
                tx=tx,
            )
        return Result(HelpStatus.HANDED_BACK, request, ids, helper.display_name)

    async def finish(self, user_id: int, request_id: int, status: RequestStatus) -> Result:
        """Done (asker or helper) or cancelled (asker): the others are told."""
        request = await self.store.help_request(request_id)
        if request is None:
            return Result(HelpStatus.NOT_ALLOWED)
        asker_id = await self.asker_id(request)
        helpers = [
            h
            for h in [
                await self.store.member(m) for m in await self.store.request_helpers(request_id)
            ]
            if h is not None
        ]
        presser = next((h for h in helpers if h.user_id == user_id), None)
        is_helper = presser is not None
        helper = presser or (helpers[0] if helpers else None)
        allowed = user_id == asker_id or (status == RequestStatus.DONE and is_helper)
        if not allowed:
            return Result(HelpStatus.NOT_ALLOWED, request)
        member = await self.store.member(request.member_id) if request.member_id else None
        ids: list[int] = []
        async with self.store.db.write() as tx:
            if not await self.store.close_request(tx, request_id, status):
                return Result(HelpStatus.ALREADY, request)
            if status == RequestStatus.CANCELLED:
                # Cancelling stops a weekly series too: no surprise posts next week.
                await self.store.set_repeat_weekly(tx, request_id, on=False)
            await self.store.cancel_timers(request_key(request_id), tx)
            for other in [h for h in helpers if h.user_id and h is not presser]:
                text = (
                    N_("{name} says: done, thank you so much for your help! 🙏")
                    if status == RequestStatus.DONE
                    else N_("{name} no longer needs help with {what}. Thank you for offering!")
                )
                ids.append(
                    await self._send(
                        tx,
                        other.user_id,
                        text,
                        name=member.display_name if member else "?",
                        what=self.describe(await self._t(other.user_id), request),
                        source=f"hulp:closed:{request_id}",
                    )
                )
            if is_helper and asker_id:
                ids.append(
                    await self._send(
                        tx,
                        asker_id,
                        N_("{helper} has marked the help as done. 🙌"),
                        helper=helper.display_name,
                        source=f"hulp:closed:{request_id}",
                    )
                )
        return Result(
            HelpStatus(status),
            await self.store.help_request(request_id),
            ids,
            helper.display_name if helper else "",
        )

    # -- timers -------------------------------------------------------------------------

    async def _open(self, run: TimerRun) -> tuple[HelpRequest, Member, list[Member]] | None:
        request = await self.store.help_request(int(run.timer.payload["request_id"]), run.tx)
        if request is None or request.status != RequestStatus.OPEN or request.member_id is None:
            return None
        member = await self.store.member(request.member_id)
        if member is None:
            return None
        return request, member, await self.store.members(request.circle_id)

    async def _on_nudge(self, run: TimerRun) -> None:
        """Nobody yet: the superburen (not those taking a break) are asked."""
        found = await self._open(run)
        if found is None:
            return
        request, member, members = found
        asker_id = await self.asker_id(request)
        people = [
            p
            for p in superburen_first(members, exclude=member.id)
            if p.user_id != asker_id and not await self._resting(p.id)
        ]
        await self._widen(
            run,
            request,
            member,
            people,
            "nudge",
            Priority.INTERACTIVE,
            N_(
                "Nobody has offered to help {name} yet: {what}. Can you help, or do you know "
                "someone?"
            ),
            (
                "superbuur",
                N_(
                    "Nobody has responded to your request yet. I have asked the superburen to "
                    "help look for someone. I will keep you posted."
                ),
                N_(
                    "Nobody has responded to your request yet. I have asked {names} to help "
                    "look for someone. I will keep you posted."
                ),
            ),
        )
        deadline = run.timer.payload.get("deadline")
        if deadline is None:  # a nudge again after a hand-back, or from an older version
            deadline_at = after_quiet_hours(
                self.clock.now() + dt.timedelta(hours=1), self.tz, self.quiet
            )
        else:
            deadline_at = max(dt.datetime.fromisoformat(deadline), self.clock.now())
        await self.store.schedule(
            DEADLINE,
            deadline_at,
            {"request_id": request.id},
            dedupe_key=f"{request_key(request.id)}deadline",
            tx=run.tx,
        )

    async def _on_deadline(self, run: TimerRun) -> None:
        """Still nobody: the voorzitter is asked."""
        found = await self._open(run)
        if found is None:
            return
        request, member, members = found
        asker_id = await self.asker_id(request)
        people = [
            m
            for m in coordinators(members, member.id)
            if m.role == "voorzitter" and m.user_id != asker_id
        ]
        await self._widen(
            run,
            request,
            member,
            people,
            "deadline",
            Priority.ALERT,
            N_("Still nobody to help {name}: {what}. Could you find someone?"),
            (
                "voorzitter",
                N_(
                    "Still nobody has been found. I have asked the voorzitter too. Sorry it "
                    "takes this long."
                ),
                N_(
                    "Still nobody has been found. I have asked {names} too. Sorry it takes "
                    "this long."
                ),
            ),
        )

    async def _widen(
        self,
        run: TimerRun,
        request: HelpRequest,
        member: Member,
        people: list[Member],
        step: str,
        priority: int,
        to_people: str,
        to_asker: tuple[str, str, str],
    ) -> None:
        """Ask more people, with "Ik help", and tell the asker honestly who: "the
        superburen" only when it were superburen, by name otherwise, and with nobody to
        ask the asker hears that instead. ``to_asker``: (role, text naming the role,
        text naming the people)."""
        for person in people:
            await self._send(
                run.tx,
                person.user_id,
                to_people,
                name=member.display_name,
                what=self.describe(await self._t(person.user_id), request),
                source=f"hulp:{step}:{request.id}",
                priority=priority,
                buttons=help_buttons(request.id),
            )
        asker_id = await self.asker_id(request)
        if not asker_id:
            return
        if people:
            role, by_role, by_name = to_asker
            text = by_role if all(p.role == role for p in people) else by_name
            names = ", ".join(p.display_name for p in people)
            await self._send(
                run.tx, asker_id, text, names=names, source=f"hulp:{step}:{request.id}"
            )
        elif step == "nudge":
            await self._send(
                run.tx,
                asker_id,
                N_(
                    "Nobody has responded to your request yet, and there is nobody else I can "
                    "ask for you just now. You can see your request with /taken."
                ),
                source=f"hulp:{step}:{request.id}",
            )

    async def _on_remind(self, run: TimerRun) -> None:
        request = await self.store.help_request(int(run.timer.payload["request_id"]), run.tx)
        helper_id = int(run.timer.payload["helper_member_id"])
        if (
            request is None
            or request.status not in REQUEST_LIFECYCLE.ongoing
            or helper_id not in await self.store.request_helpers(request.id)
        ):
            return
        helper = await self.store.member(helper_id)
        member = await self.store.member(request.member_id) if request.member_id else None
        if helper is None or helper.user_id is None:
            return
        await self._send(
            run.tx,
            helper.user_id,
            N_("A reminder: you are helping {name} with {what}. Thank you!"),
            name=member.display_name if member else "?",
            what=self.describe(await self._t(helper.user_id), request),
            source=f"hulp:remind:{request.id}",
            priority=Priority.ROUTINE,
            buttons=hand_back_buttons(request.id),
        )

    async def _on_follow_up(self, run: TimerRun) -> None:
        request = await self.store.help_request(int(run.timer.payload["request_id"]), run.tx)
        if (
            request is None
            or request.status not in REQUEST_LIFECYCLE.ongoing
            or request.helper_member_id is None
        ):
            return
        asker_id = await self.asker_id(request)
        if asker_id:
            await self._send(
                run.tx,
                asker_id,
                N_(
                    "Did it work out: {what}? Tap “Done” when it "
                    "is, then the helper gets your thanks."
                ),
                what=self.describe(await self._t(asker_id), request),
                source=f"hulp:followup:{request.id}",
                priority=Priority.ROUTINE,
                buttons=done_buttons(request.id),
            )

    # -- when the group post cannot be delivered ------------------------------------------

    async def _on_bounced(self, run: TimerRun, message: OutgoingMessage) -> None:
        if message.chat_id > 0:
            return  # a private copy: the others still have theirs
        request_id = await self.store.request_of_post(message.id, run.tx)
        request = await self.store.help_request(request_id, run.tx) if request_id else None
        if request is None or request.status != RequestStatus.OPEN:
            return
        log.warning("request %s could not be posted in the group: sent privately", request.id)
        members = await self.store.members(request.circle_id)
        await self._post_privately(run.tx, request, coordinators(members, request.member_id))
