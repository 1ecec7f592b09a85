"""The waakvlam ladder, step by step, as durable timers.

1. At the member's time: "Goedemorgen <naam>, alles goed?" (for someone without a
   phone: their contact neighbour is asked to look in).
2. No answer ``ask_again`` after the question reached them: ask once more.
3. Still nothing after ``neighbours``: the rungs (``domain.waakvlam.LADDER``): the
   contact neighbours (or the superburen, or the voorzitter); nobody has had contact
   within ``escalate``: the voorzitters and, with consent, the professional; then the
   beheerder. A rung with nobody the bot can reach is skipped at once, and so is a
   rung whose every message bounced; without a beheerder, the whole circle is the
   last rung. A silence never ends in a log line while anyone can be told.

Each step is a timer row; its messages go to the outbox in the same transaction,
and every message about a round is recorded as a notice (who, which rung, which
outbox row). So a restart continues the ladder, a step that fell due while the bot
was down fires at start, a bounce is noticed from the database (the outbox schedules
``outbox.bounced``), and everyone who was told hears how it ended, truthfully.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field, replace
from enum import StrEnum

from core.callbacks import Keyboard
from core.i18n import N_
from core.priority import Priority
from domain.records import ACTING, Member, Notice, Round
from domain.waakvlam import (
    ALL_RIGHT,
    NEED_OF_ANSWER,
    Answer,
    CheckinSettings,
    Need,
    Stage,
    answer_buttons,
    decline_buttons,
    escalation_after,
    greeting_key,
    is_late,
    is_later_rung,
    ladder_buttons,
    ladder_contacts,
    next_checkin,
    rung_after,
    rung_members,
    visit_contact,
)
from scheduling.timers import Scheduler, TimerRun
from services.service import LadderService, Part
from storage.database import Session
from storage.store import OutgoingMessage

log = logging.getLogger(__name__)

CHECKIN = "waakvlam.checkin"
STEP = "waakvlam.step"
# The question still waits in the outbox (a burst at 10:00, Telegram slow): look again.
RECHECK = dt.timedelta(minutes=5)

GREETINGS = {
    "morning": N_("Good morning {name}, all well?"),
    "afternoon": N_("Good afternoon {name}, all well?"),
    "evening": N_("Good evening {name}, all well?"),
    "late": N_("Hello {name}, all well?"),
}
EMERGENCY = N_("In an emergency: call 112.")

# What the neighbours' rung is asked, by what the round is about.
ASK_NEIGHBOURS = {
    Need.SILENCE: N_(
        "{name} has not answered “All well?” today ({time}). Could you look in or "
        "give a call? Tap a button to let the others know."
    ),
    Need.CONTACT: N_("{name} would like some contact. Could you give a call or drop by?"),
    Need.NOT_WELL: N_("{name} said things are not so good today. Could you get in touch soon?"),
}
# The chair, the beheerder and the whole circle hear the same, with what happened so far.
ASK_CHAIR = {
    Need.SILENCE: N_(
        "Nobody has been able to reach {name} ({circle}) today. The check-in was at {time}."
    ),
    Need.CONTACT: N_("{name} ({circle}) would like some contact today."),
    Need.NOT_WELL: N_("{name} ({circle}) said things are not so good today."),
}
# How a round ended, told to everyone who was asked to act: only what is true.
ENDED = {
    Answer.OK: N_("Good news: {name} has answered. All is well. Thank you!"),
    Answer.LEAVE_ME: N_(
        "{name} has answered and would rather be left be for now. Nobody needs to look in "
        "any more. Thank you!"
    ),
    Answer.MESSAGE: N_(
        "{name} has just sent the bot a message, so they are there. Nobody needs to look in "
        "any more. Thank you!"
    ),
    Answer.PAUSED: N_(
        "The daily “All well?” of {name} has been paused. Nobody needs to look in for it "
        "any more. Thank you!"
    ),
    Answer.OFF: N_(
        "The daily “All well?” of {name} has been switched off. Nobody needs to look in for "
        "it any more. Thank you!"
    ),
    Answer.LEFT: N_(
        "{name} is no longer in the circle, so their “All well?” has stopped. Nobody needs to "
        "look in for it any more."
    ),
}
CONFIRMED_ALL_WELL = N_("{helper} had contact with {name}: all is well. Thank you all!")
CONFIRMED_CONTACT = N_("{helper} has had contact with {name}. Thank you all!")


class Done(StrEnum):
    """What a tap on the ladder did, for the handler to say."""

    NOT_YOURS = "not_yours"  # forged, or not (any more) this person's to press
    ANSWERED_ALREADY = "answered_already"  # the member answered this round before
    ALREADY_WELL = "already_well"  # closed, and it was all well
    ALREADY = "already"  # closed otherwise
    ANSWERED = "answered"  # the member's answer is taken (see ``answer``)
    GOING = "going"
    CONFIRMED = "confirmed"  # a neighbour had contact after a silence: all well
    HAD_CONTACT = "had_contact"  # a neighbour had contact after "contact"/"niet zo goed"
    DECLINED = "declined"  # a contact neighbour would rather not


@dataclass
class Outcome:
    """What a press or a message did: a status for the presser, and messages to send."""

    status: Done
    name: str = ""
    message_ids: list[int] = field(default_factory=list)
    told: list[str] = field(default_factory=list)
    answer: Answer | None = None


@dataclass(frozen=True)
class QuestionWindow:
    """How long the member still has to answer before being asked again."""

    wait_until: dt.datetime | None = None  # look again then
    ready_at: dt.datetime | None = None  # the time ran out then (None: no question)


@dataclass
class SettingsChange:
    """The next check-in, and the messages a change of settings queued."""

    due: dt.datetime | None
    message_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Person:
    """Someone on a rung: a member of the circle, or a beheerder (no member; their
    name is what Telegram told us, or empty when they never wrote to the bot)."""

    user_id: int
    name: str


@dataclass(frozen=True)
class Told:
    people: list[Person]
    message_ids: list[int]


def _closed_status(checkin: Round | None) -> Done:
    """What a late press on a closed round may say: "all is well" only when it is."""
    well = checkin is not None and (
        checkin.ended == Answer.OK
        or (checkin.ended == Answer.CONFIRMED and checkin.need == Need.SILENCE)
    )
    return Done.ALREADY_WELL if well else Done.ALREADY


def checkin_key(member_id: int) -> str:
    return f"wv:{member_id}:"


def step_key(round_id: int) -> str:
    return f"wvs:{round_id}:"


class Waakvlam(LadderService):
    def register(self, scheduler: Scheduler) -> None:
        scheduler.register(CHECKIN, self._on_checkin)
        scheduler.register(STEP, self._on_step)
        scheduler.on_bounce(self._on_bounced)

    # -- settings -------------------------------------------------------------

    async def apply_settings(self, settings: CheckinSettings) -> dt.datetime | None:
        """Save settings and put the next check-in in the schedule (replacing the old one)."""
        return (await self.change_settings(settings)).due

    async def change_settings(
        self, settings: CheckinSettings, actor_user_id: int | None = None
    ) -> SettingsChange:
        """Save settings, schedule the next check-in, and tell who must know: a pause
        or switching off stops a running ladder (everyone asked hears it), the contact
        neighbours hear of a pause, and a newly chosen contact is told once, kindly."""
        member = await self.store.member(settings.member_id)
        async with self.store.db.write() as tx:
            before = await self.store.checkin_settings(settings.member_id, tx)
            await self.store.save_checkin_settings(tx, settings)
            await self.store.cancel_timers(checkin_key(settings.member_id), tx)
            due = await self.schedule_next(tx, settings, self.clock.now())
            if member is None:
                return SettingsChange(due)
            ids: list[int] = []
            today = self.clock.now().astimezone(self.tz).date()
            stopped = not settings.enabled or settings.paused_on(today)
            told: dict[int, int] = {}
            if stopped:
                how = Answer.PAUSED if settings.enabled else Answer.OFF
                for checkin in await self.store.open_rounds_of_member(member.id, tx):
                    ids += await self._end(tx, checkin, member, how, actor_user_id, told)
            members = await self.store.members(member.circle_id)
            if (before.paused, before.paused_until) != (settings.paused, settings.paused_until):
                by_member = actor_user_id is not None and actor_user_id == member.user_id
                ids += await self._tell_pause(tx, settings, member, members, told, by_member)
            if member.user_id is not None:
                for contact in members:
                    if contact.id in settings.contacts and contact.id not in before.contacts:
                        ids.append(await self._tell_chosen(tx, member, contact))
        return SettingsChange(due, ids)

    async def _tell_pause(
        self,
        tx: Session,
        settings: CheckinSettings,
        member: Member,
        members: list[Member],
        already: dict[int, int],
        by_member: bool,
    ) -> list[int]:
        """The contact neighbours hear of a pause; who did it is said only when it was
        the member themselves (a superbuur may pause it for them)."""
        params: dict[str, object] = {}
        if not settings.paused:
            text = N_("The daily “All well?” of {name} is on again.")
        elif settings.paused_until:
            params = {"date": settings.paused_until}
            text = (
                N_("{name} has paused the daily “All well?”: on holiday until {date}.")
                if by_member
                else N_("The daily “All well?” of {name} is paused: on holiday until {date}.")
            )
        else:
            text = (
                N_(
                    "{name} has paused the daily “All well?”: in hospital, until it is "
                    "switched on again."
                )
                if by_member
                else N_(
                    "The daily “All well?” of {name} is paused: in hospital, until it is "
                    "switched on again."
                )
            )
        ids = []
        for contact in ladder_contacts(settings, member, members, reachable_only=True):
            if contact.user_id in already:
                continue
            already[contact.user_id] = await self._send(
                tx,
                contact.user_id,
                text,
                name=member.display_name,
                source="waakvlam:pause",
                **params,
            )
            ids.append(already[contact.user_id])
        return ids

    async def _tell_chosen(self, tx: Session, member: Member, contact: Member) -> int:
        return await self._send(
            tx,
            contact.user_id,
            N_(
                "{name} has chosen you as a contact neighbour for the daily “All well?”. If "
                "{name} does not answer, the bot asks you to look in or give a call. Is that "
                "all right? If not, tap the button and {name} will hear it kindly."
            ),
            name=member.display_name,
            source="waakvlam:chosen",
            buttons=decline_buttons(member.id),
        )

    async def decline_contact(self, user_id: int, member_id: int) -> Outcome:
        """A chosen contact neighbour would rather not: taken off the list, the member
        is told kindly. Only someone who is on the member's list can do this."""
        member = await self.store.member(member_id)
        if member is None:
            return Outcome(Done.NOT_YOURS)
        contact = await self.store.member_of(member.circle_id, user_id)
        async with self.store.db.write() as tx:
            # Read and write in one transaction: a change made at the same moment (a
            # pause switched off) is not overwritten with an old copy.
            settings = await self.store.checkin_settings(member.id, tx)
            if contact is None or contact.id not in settings.contacts:
                return Outcome(Done.ALREADY, member.display_name)
            contacts = tuple(c for c in settings.contacts if c != contact.id)
            await self.store.save_checkin_settings(tx, replace(settings, contacts=contacts))
            ids = []
            if member.user_id is not None:
                ids.append(
                    await self._send(
                        tx,
                        member.user_id,
                        N_(
                            "{helper} cannot be your contact neighbour just now. You can choose "
                            "someone else in /waakvlam; until then the superburen are asked."
                        ),
                        helper=contact.display_name,
                        source="waakvlam:declined",
                    )
                )
        return Outcome(Done.DECLINED, member.display_name, ids)

    async def schedule_next(
        self, tx: Session, settings: CheckinSettings, after: dt.datetime
    ) -> dt.datetime | None:
        """Put the first check-in after ``after`` in the schedule; when, or None."""
        due = next_checkin(settings, after, self.tz)
        if due is not None:
            await self.store.schedule(
                CHECKIN,
                due,
                {"member_id": settings.member_id},
                dedupe_key=f"{checkin_key(settings.member_id)}{due.isoformat()}",
                tx=tx,
            )
        return due

    # -- rendering --------------------------------------------------------------

    def _local_time(self, moment: dt.datetime) -> str:
        return moment.astimezone(self.tz).strftime("%H:%M")

    # -- the member is asked ----------------------------------------------------------

    async def _on_checkin(self, run: TimerRun) -> None:
        member = await self.store.member(int(run.timer.payload["member_id"]))
        if member is None:
            return  # the member left: their ladder ends with them
        settings = await self.store.checkin_settings(member.id, run.tx)
        due, now = run.timer.due_at, self.clock.now()
        # Whatever happens with this round, the next one is in the schedule. After a
        # long downtime that is the next one from now: one question, not one per day.
        await self.schedule_next(run.tx, settings, max(due, now))
        if not settings.enabled or settings.paused_on(due.astimezone(self.tz).date()):
            return
        # A check-in that fell due while the bot was down is asked now (never skipped);
        # the ladder's times count from when the question reaches the member, and the
        # round is of the moment it is really asked (what the alerts and figures say).
        late = is_late(due, now)
        round_id = await self.store.start_round(run.tx, member.id, now if late else due)
        if round_id is None:
            return  # this check-in was asked before
        if member.no_phone:
            if await self._ask_contact_to_visit(run.tx, member, settings, round_id, again=False):
                await self._schedule_step(
                    run.tx, round_id, Stage.ASKED_AGAIN, now + settings.ask_again
                )
            return
        person = await self.store.user(member.user_id or 0)
        if person is None or not person.reachable:
            # A check-in we know cannot arrive is a silence: straight to the neighbours.
            checkin = await self.store.checkin_round(round_id, run.tx)
            await self._climb(run.tx, checkin, member, settings, Stage.NEIGHBOURS)
            return
        greeting = "late" if late else greeting_key(now.astimezone(self.tz).time())
        await self._notify(
            run.tx,
            round_id,
            member.user_id,
            Stage.ASKED,
            "question",
            [
                (GREETINGS[greeting], {"name": member.display_name}),
                (N_("Just tap a button. In an emergency: call 112."), {}),
            ],
            priority=Priority.ROUTINE,
            buttons=answer_buttons(round_id),
        )
        await self._schedule_step(run.tx, round_id, Stage.ASKED_AGAIN, now + settings.ask_again)

    async def _schedule_step(
        self, tx: Session, round_id: int, stage: Stage, due: dt.datetime
    ) -> None:
        await self.store.schedule(
            STEP,
            due,
            {"round_id": round_id, "stage": stage},
            # The moment is part of the key: a step put off (the question was late)
            # is a new row, and cancelling the round's prefix still finds them all.
            dedupe_key=f"{step_key(round_id)}{stage}:{due.isoformat()}",
            priority=Priority.ALERT,
            tx=tx,
        )

    async def _on_step(self, run: TimerRun) -> None:
        tx = run.tx
        checkin = await self.store.checkin_round(int(run.timer.payload["round_id"]), tx)
        if checkin is None or not checkin.open:
            return  # answered in time: nothing to do
        member = await self.store.member(checkin.member_id)
        if member is None:
            return
        settings = await self.store.checkin_settings(member.id, tx)
        stage = Stage(run.timer.payload["stage"])
        now = self.clock.now()
        if stage == Stage.ASKED_AGAIN:
            if checkin.stage != Stage.ASKED:
                return  # the ladder moved on already (the question bounced)
            asked_again_at = now
            if not member.no_phone:
                window = await self._question_window(tx, checkin, settings, now)
                if window.wait_until is not None:
                    await self._schedule_step(tx, checkin.id, Stage.ASKED_AGAIN, window.wait_until)
                    return
                asked_again_at = window.ready_at or now
            await self.store.set_round_stage(tx, checkin.id, Stage.ASKED_AGAIN)
            # The neighbours' time counts from when the member should have been asked
            # again: after a downtime both steps may be due at once, never earlier.
            await self._schedule_step(
                tx, checkin.id, Stage.NEIGHBOURS, asked_again_at + settings.neighbours
            )
            if member.no_phone:
                await self._ask_contact_to_visit(tx, member, settings, checkin.id, again=True)
            else:
                await self._notify(
                    tx,
                    checkin.id,
                    member.user_id,
                    Stage.ASKED_AGAIN,
                    "question",
                    [
                        (
                            N_(
                                "I asked earlier: all well with you, {name}? "
                                "Tap a button, or just send a message."
                            ),
                            {"name": member.display_name},
                        )
                    ],
                    priority=Priority.INTERACTIVE,
                    buttons=answer_buttons(checkin.id),
                )
        elif is_later_rung(stage, Stage(checkin.stage)):
            # The neighbours' rung when the member stayed silent; a later rung when
            # those told had no contact in time. A step the ladder passed is void.
            await self._climb(tx, checkin, member, settings, stage)

    async def _question_window(
        self, tx: Session, checkin: Round, settings: CheckinSettings, now: dt.datetime
    ) -> QuestionWindow:
        """Has the member had ``ask_again`` since the question reached them? Then the
        moment that time ran out; else when to look again. A question that cannot
        arrive needs no waiting (its bounce moves the ladder)."""
        question = next(
            (n for n in await self.store.round_notices(checkin.id, tx) if n.kind == "question"),
            None,
        )
        if question is None or question.delivery in ("unreachable", "failed", "gone"):
            return QuestionWindow()
        if question.delivery == "pending":
            return QuestionWindow(wait_until=now + RECHECK)
        assert question.sent_at is not None
        ready = question.sent_at + settings.ask_again
        return QuestionWindow(wait_until=ready) if ready > now else QuestionWindow(ready_at=ready)

    async def _ask_contact_to_visit(
        self,
        tx: Session,
        member: Member,
        settings: CheckinSettings,
        round_id: int,
        *,
        again: bool,
    ) -> bool:
        """Ask the contact neighbour of someone without a phone to look in. False when
        there is nobody to ask: then the ladder has climbed already."""
        members = await self.store.members(member.circle_id)
        visitor = visit_contact(settings, member, members)
        if visitor is None:
            checkin = await self.store.checkin_round(round_id, tx)
            await self._climb(tx, checkin, member, settings, Stage.NEIGHBOURS)
            return False
        text = (
            N_("Reminder: would you look in on {name} today? Nobody has confirmed yet.")
            if again
            else N_(
                "Would you look in on {name} today? {name} has no smartphone, and you are "
                "the contact neighbour. Tap a button when you have been."
            )
        )
        await self._notify(
            tx,
            round_id,
            visitor.user_id,
            Stage.ASKED_AGAIN if again else Stage.ASKED,
            "visit",
            [(text, {"name": member.display_name}), *self._phone(member)],
            priority=Priority.INTERACTIVE if again else Priority.ROUTINE,
            buttons=ladder_buttons(round_id, Need.SILENCE),
        )
        return True

    # -- the rungs --------------------------------------------------------------------

    async def _notify(
        self,
        tx: Session,
        round_id: int,
        user_id: int,
        rung: Stage | str,
        kind: str,
        parts: list[Part],
        *,
        priority: int,
        buttons: Keyboard | None = None,
    ) -> int:
        """Queue a message about a round and record who was told what, through which
        outbox row: how the ladder knows who was reached and who must hear the end."""
        message_id = await self._send_parts(
            tx,
            user_id,
            parts,
            priority=priority,
            source=f"waakvlam:{kind}:{round_id}",
            buttons=buttons,
        )
        await self.store.add_round_notice(tx, round_id, user_id, rung, kind, message_id)
        return message_id

    def _phone(self, member: Member) -> list[Part]:
        if member.share_phone and member.phone:
            return [
                (
                    N_("Phone number of {name}: {phone}"),
                    {"name": member.display_name, "phone": member.phone},
                )
            ]
        return []

    async def _rung_people(
        self,
        tx: Session,
        stage: Stage,
        checkin: Round,
        member: Member,
        settings: CheckinSettings,
    ) -> list[Person]:
        if stage == Stage.BEHEERDER:
            beheerders = await self._beheerders({member.user_id})
            people = [Person(i, name) for i, name in beheerders]
            return people
        members = await self.store.members(member.circle_id)
        visited = frozenset(
            n.user_id for n in await self.store.round_notices(checkin.id, tx) if n.kind == "visit"
        )
        return [
            Person(m.user_id, m.display_name)
            for m in rung_members(stage, Need(checkin.need), settings, member, members, visited)
            if m.user_id is not None
        ]

    async def _climb(
        self,
        tx: Session,
        checkin: Round,
        member: Member,
        settings: CheckinSettings,
        start: Stage,
    ) -> Told:
        """Tell the people of the first rung from ``start`` that the bot can reach, and
        put the next rung in the schedule. Returns who was told, and the messages."""
        need = Need(checkin.need)
        stage: Stage | None = start
        while stage is not None:
            people = await self._rung_people(tx, stage, checkin, member, settings)
            if people:
                await self.store.cancel_timers(step_key(checkin.id), tx)
                await self.store.set_round_stage(tx, checkin.id, stage)
                ids = await self._alert(tx, checkin, member, settings, stage, people)
                later = escalation_after(need, stage, has_beheerder=bool(self.admin_ids))
                if later is not None:
                    moment = self.clock.now() + settings.escalate
                    await self._schedule_step(tx, checkin.id, later, moment)
                if stage == Stage.CHAIR:
                    log.info("waakvlam round %s reached the voorzitter", checkin.id)
                if stage in (Stage.BEHEERDER, Stage.CIRCLE):
                    log.warning(
                        "waakvlam round %s reached the %s rung (%d told)",
                        checkin.id,
                        stage,
                        len(people),
                    )
                return Told(people, ids)
            log.info("waakvlam round %s: nobody to reach on the %s rung", checkin.id, stage)
            stage = rung_after(stage)
        await self.store.cancel_timers(step_key(checkin.id), tx)
        await self.store.set_round_stage(tx, checkin.id, Stage.CIRCLE)
        log.critical(
            "waakvlam round %s for member %s: nobody at all can be told (no beheerder set: "
            "OMKIJK_ADMIN_IDS)",
            checkin.id,
            member.id,
        )
        return Told([], [])

    async def _alert(
        self,
        tx: Session,
        checkin: Round,
        member: Member,
        settings: CheckinSettings,
        stage: Stage,
        people: list[Person],
    ) -> list[int]:
        need = Need(checkin.need)
        notices = await self.store.round_notices(checkin.id, tx)
        circle = await self.store.circle(member.circle_id)
        time = self._local_time(checkin.due_at)
        name = member.display_name
        kind = "alert" if need == Need.SILENCE else "answer"
        if stage == Stage.NEIGHBOURS:
            parts: list[Part] = [(ASK_NEIGHBOURS[need], {"name": name, "time": time})]
        else:
            parts = [
                *(
                    [(N_("Waakvlam: a message for the beheerder."), {})]
                    if stage == Stage.BEHEERDER
                    else []
                ),
                (
                    ASK_CHAIR[need],
                    {"name": name, "circle": circle.title if circle else "", "time": time},
                ),
                *await self._history(checkin, member, notices),
                (N_("Please make sure someone gets in touch."), {}),
            ]
            if stage == Stage.CIRCLE:
                parts.append(
                    (
                        N_(
                            "You get this because the bot could not reach the voorzitter or "
                            "anyone else who usually looks in."
                        ),
                        {},
                    )
                )
        parts += self._phone(member)
        if need == Need.SILENCE or stage != Stage.NEIGHBOURS:
            parts.append((EMERGENCY, {}))
        return [
            await self._notify(
                tx,
                checkin.id,
                person.user_id,
                stage,
                kind,
                parts,
                priority=Priority.ALERT,
                buttons=ladder_buttons(checkin.id, need),
            )
            for person in people
        ]

    async def _names(self, circle_id: int) -> dict[int, str]:
        """Display names by Telegram id in a circle (a beheerder is not among them)."""
        return {
            m.user_id: m.display_name
            for m in await self.store.members(circle_id)
            if m.user_id is not None
        }

    async def _history(self, checkin: Round, member: Member, notices: list[Notice]) -> list[Part]:
        """What happened so far, in words that are true: who was asked, who is on the
        way. Never "the neighbours were asked" when nobody was."""
        known = await self._names(member.circle_id)
        asked = [n.user_id for n in notices if n.kind in ACTING and n.live]
        names = [known[u] for u in dict.fromkeys(asked) if u in known]
        parts: list[Part] = []
        if names:
            parts.append(
                (
                    N_("Asked before: {names}. Nobody has confirmed contact yet."),
                    {"names": ", ".join(names)},
                )
            )
        else:
            parts.append((N_("There was nobody the bot could ask to look in before."), {}))
        if checkin.going in known:
            parts.append(
                (
                    N_("{helper} said they would look in, but has not confirmed yet."),
                    {"helper": known[checkin.going]},
                )
            )
        return parts

    # -- answers ---------------------------------------------------------------

    async def answer(self, user_id: int, round_id: int, answer: Answer) -> Outcome:
        """The member tapped one of their check-in buttons."""
        checkin = await self.store.checkin_round(round_id)
        member = await self.store.member(checkin.member_id) if checkin else None
        if checkin is None or member is None or member.user_id != user_id:
            return Outcome(Done.NOT_YOURS)
        settings = await self.store.checkin_settings(member.id)
        async with self.store.db.write() as tx:
            checkin = await self.store.checkin_round(round_id, tx)
            if checkin is None:
                return Outcome(Done.ANSWERED_ALREADY, member.display_name)
            if not checkin.open and answer in NEED_OF_ANSWER:
                # After the round ended (a message, a neighbour's visit, even her own
                # "alles goed"), "niet zo goed" is a new need, never "answered already".
                new_id = await self._round_now(tx, member.id)
                checkin = await self.store.checkin_round(new_id, tx)
                round_id = checkin.id
            if not checkin.open:
                return Outcome(Done.ANSWERED_ALREADY, member.display_name)
            if answer in ALL_RIGHT:
                # The member is there and says so: every open round of theirs ends,
                # also one waiting for contact since yesterday.
                told: dict[int, int] = {}
                ids: list[int] = []
                for other in await self.store.open_rounds_of_member(member.id, tx):
                    ids += await self._end(tx, other, member, answer, user_id, told)
                return Outcome(Done.ANSWERED, member.display_name, ids, answer=answer)
            need = NEED_OF_ANSWER[answer]
            if not await self.store.set_round_need(tx, round_id, need, answer):
                return Outcome(Done.ANSWERED_ALREADY, member.display_name)
            checkin = await self.store.checkin_round(round_id, tx)
            told = await self._tell_need(tx, checkin, member, settings)
            # An empty name is a beheerder who never wrote to the bot: the handler
            # says "the beheerder" in the member's language.
            names = [p.name for p in told.people]
            return Outcome(
                Done.ANSWERED, member.display_name, told.message_ids, names, answer=answer
            )

    async def _round_now(self, tx: Session, member_id: int) -> int:
        """A new round for a need that came after the last one ended: at this moment, or
        a millisecond on when a round of this very moment exists."""
        moment, new_id = self.clock.now(), None
        while new_id is None:
            new_id = await self.store.start_round(tx, member_id, moment)
            moment += dt.timedelta(milliseconds=1)
        return new_id

    async def need_now(self, user_id: int, member_id: int, answer: Answer) -> Outcome:
        """The member said in their own words that they are not well, or would like
        contact, and confirmed it: their open round takes the need, or a new one starts,
        exactly as a late tap on "Alles goed?" would."""
        member = await self.store.member(member_id)
        if member is None or member.user_id != user_id or answer not in NEED_OF_ANSWER:
            return Outcome(Done.NOT_YOURS)
        async with self.store.db.read() as session:
            open_rounds = await self.store.open_rounds_of_member(member.id, session)
        if open_rounds:
            return await self.answer(user_id, open_rounds[-1].id, answer)
        settings = await self.store.checkin_settings(member.id)
        async with self.store.db.write() as tx:
            new_id = await self._round_now(tx, member.id)
            await self.store.set_round_need(tx, new_id, NEED_OF_ANSWER[answer], answer)
            checkin = await self.store.checkin_round(new_id, tx)
            told = await self._tell_need(tx, checkin, member, settings)
        names = [p.name for p in told.people]
        return Outcome(Done.ANSWERED, member.display_name, told.message_ids, names, answer=answer)

    async def _tell_need(
        self, tx: Session, checkin: Round, member: Member, settings: CheckinSettings
    ) -> Told:
        """The member asked for contact, or is not well. Everyone already asked to act
        hears it as it is (never "all is well"); if nobody was asked yet, the ladder
        starts at the neighbours. A late "not so good" keeps climbing on time."""
        need = Need(checkin.need)
        notices = await self.store.round_notices(checkin.id, tx)
        told = [n for n in notices if n.kind in ACTING and n.live]
        if not told:
            return await self._climb(tx, checkin, member, settings, Stage.NEIGHBOURS)
        stage = Stage(checkin.stage)
        known = await self._names(member.circle_id)
        people = [Person(u, known.get(u, "")) for u in dict.fromkeys(n.user_id for n in told)]
        ids = await self._alert(tx, checkin, member, settings, stage, people)
        await self.store.cancel_timers(step_key(checkin.id), tx)
        later = escalation_after(need, stage, has_beheerder=bool(self.admin_ids))
        if later is not None:
            await self._schedule_step(tx, checkin.id, later, self.clock.now() + settings.escalate)
        return Told(people, ids)

    async def neighbour(self, user_id: int, round_id: int, action: str) -> Outcome:
        """A neighbour (or the chair) tapped "I'll look in" or "I had contact"."""
        checkin = await self.store.checkin_round(round_id)
        member = await self.store.member(checkin.member_id) if checkin else None
        if checkin is None or member is None:
            return Outcome(Done.NOT_YOURS)
        presser = await self.store.member_of(member.circle_id, user_id)
        allowed = (
            user_id in checkin.alerted
            or user_id in self.admin_ids
            or (
                presser is not None
                and presser.consented
                and presser.role in ("superbuur", "voorzitter")
            )
        ) and user_id != member.user_id
        if not allowed:
            return Outcome(Done.NOT_YOURS)
        if presser is not None:
            helper = presser.display_name
        else:  # a beheerder: the bot knows them from the tap itself
            known = await self.store.user(user_id)
            helper = known.first_name if known else "?"
        async with self.store.db.write() as tx:
            checkin = await self.store.checkin_round(round_id, tx)
            if checkin is None or not checkin.open:
                return Outcome(_closed_status(checkin), member.display_name)
            ids: list[int] = []
            if action == "going":
                await self.store.set_round_going(tx, round_id, user_id)
                for other in checkin.alerted:
                    if other != user_id:
                        ids.append(
                            await self._notify(
                                tx,
                                round_id,
                                other,
                                checkin.stage,
                                "going",
                                [
                                    (
                                        N_("{helper} is going to look in on {name}."),
                                        {"helper": helper, "name": member.display_name},
                                    )
                                ],
                                priority=Priority.INTERACTIVE,
                            )
                        )
                return Outcome(Done.GOING, member.display_name, ids)
            ids = await self._end(tx, checkin, member, Answer.CONFIRMED, user_id, {}, helper)
            status = Done.CONFIRMED if checkin.need == Need.SILENCE else Done.HAD_CONTACT
            return Outcome(status, member.display_name, ids)

    async def sign_of_life(self, user_id: int) -> list[int]:
        """Any message from the member during a silent round closes it: they are there.
        (A round where they asked for contact stays open until someone had contact.)"""
        ids: list[int] = []
        # A cheap look first (this runs for every private message), then again inside
        # the transaction: a timer may have moved the round on in between.
        if not any(r.need == Need.SILENCE for r in await self.store.open_rounds_of_user(user_id)):
            return ids
        async with self.store.db.write() as tx:
            told: dict[int, int] = {}
            for member in await self.store.members_of_user(user_id, tx):
                for checkin in await self.store.open_rounds_of_member(member.id, tx):
                    if checkin.need == Need.SILENCE:
                        ids += await self._end(tx, checkin, member, Answer.MESSAGE, user_id, told)
        return ids

    async def end_rounds_of(self, member: Member) -> list[int]:
        """The member leaves (removed, or forgotten): their ladder stops, and everyone
        who was asked to look in hears that, before the name is gone."""
        async with self.store.db.write() as tx:
            told: dict[int, int] = {}
            ids = []
            for checkin in await self.store.open_rounds_of_member(member.id, tx):
                ids += await self._end(tx, checkin, member, Answer.LEFT, None, told)
            await self.store.cancel_timers(checkin_key(member.id), tx)
        return ids

    async def _end(
        self,
        tx: Session,
        checkin: Round,
        member: Member,
        how: Answer,
        closed_by: int | None,
        heard: dict[int, int],
        helper: str = "",
    ) -> list[int]:
        """Close a round and tell everyone asked to act how it ended. ``heard``: who
        was told already in this step (user id to message), so closing several rounds
        at once sends each person one message, recorded for each round."""
        if not await self.store.close_round(tx, checkin.id, how, closed_by):
            return []
        await self.store.cancel_timers(step_key(checkin.id), tx)
        if how == Answer.CONFIRMED:
            text = CONFIRMED_ALL_WELL if checkin.need == Need.SILENCE else CONFIRMED_CONTACT
        else:
            text = ENDED[how]
        ids = []
        for other in checkin.alerted:
            if other == closed_by or other == member.user_id:
                continue
            if other in heard:
                await self.store.add_round_notice(
                    tx, checkin.id, other, checkin.stage, "outcome", heard[other]
                )
                continue
            heard[other] = await self._notify(
                tx,
                checkin.id,
                other,
                checkin.stage,
                "outcome",
                [(text, {"name": member.display_name, "helper": helper})],
                priority=Priority.ALERT,
            )
            ids.append(heard[other])
        return ids

    # -- when Telegram cannot deliver ---------------------------------------------

    async def _on_bounced(self, run: TimerRun, message: OutgoingMessage) -> None:
        """A message about a round can never arrive (blocked, chat gone, refused). A
        question that bounced is a silence: the neighbours now. When every person of
        the current rung bounced, the next rung now, not in two hours."""
        found = await self.store.round_notice_of_message(message.id, run.tx)
        if found is None:
            return
        round_id, notice = found
        checkin = await self.store.checkin_round(round_id, run.tx)
        if checkin is None or not checkin.open:
            return
        member = await self.store.member(checkin.member_id)
        if member is None:
            return
        settings = await self.store.checkin_settings(member.id, run.tx)
        stage = Stage(checkin.stage)
        log.warning("waakvlam %s message for round %s not delivered", notice.kind, round_id)
        if notice.kind in ("question", "visit"):
            if stage in (Stage.ASKED, Stage.ASKED_AGAIN):
                await self._climb(run.tx, checkin, member, settings, Stage.NEIGHBOURS)
            return
        if notice.kind not in ACTING or notice.rung != stage:
            return  # an old rung's message, or an outcome: the ladder is elsewhere
        notices = await self.store.round_notices(round_id, run.tx)
        if any(n.live for n in notices if n.rung == stage and n.kind in ACTING):
            return  # someone on this rung was reached
        following = rung_after(stage)
        if following is not None:
            await self._climb(run.tx, checkin, member, settings, following)
        else:
            log.critical("waakvlam round %s: the last rung bounced; nobody was told", round_id)
