"""The waakvlam ladder, step by step, as durable timers.

1. At the member's time: "Goedemorgen <naam>, alles goed?" (for someone without a
   phone: their contact neighbour is asked to look in).
2. No answer after ``ask_again``: ask once more.
3. Still nothing after ``neighbours``: the contact neighbours (or the superburen).
4. Nobody confirms within ``escalate``: the voorzitters and, with consent, the
   professional.

Each step is a timer row; its messages go to the outbox in the same
transaction, so a restart in the middle continues the ladder and a step that
fell due while the bot was down fires at start, once. An undelivered check-in
is a silence: the ladder jumps to the neighbours at once.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field, replace

from bot.clock import Clock
from bot.i18n import N_, I18n
from bot.ratelimit import Priority
from domain.waakvlam import (
    Answer,
    CheckinSettings,
    Stage,
    chair_and_professional,
    escalation_neighbours,
    greeting_key,
    is_stale,
    ladder_contacts,
    next_checkin,
    visit_contact,
)
from scheduling.service import Service
from scheduling.timers import Scheduler, TimerRun
from storage.circles import Member
from storage.database import Session
from storage.store import OutgoingMessage, Store
from storage.waakvlam import Round

log = logging.getLogger(__name__)

CHECKIN = "waakvlam.checkin"
STEP = "waakvlam.step"

GREETINGS = {
    "morning": N_("Good morning {name}, all well?"),
    "afternoon": N_("Good afternoon {name}, all well?"),
    "evening": N_("Good evening {name}, all well?"),
}
BUTTON_OK = N_("👍 All well")
BUTTON_CONTACT = N_("☕ I'd like some contact")
BUTTON_NOT_WELL = N_("😟 Not so good")
BUTTON_LEAVE = N_("🙂 Leave me be for now")
BUTTON_GOING = N_("🚶 I'll look in / call")
BUTTON_CONFIRM = N_("✅ I had contact, all well")


@dataclass
class Outcome:
    """What a press or a message did: a status for the presser, and messages to send."""

    status: str
    name: str = ""
    message_ids: list[int] = field(default_factory=list)
    told: list[str] = field(default_factory=list)


def checkin_key(member_id: int) -> str:
    return f"wv:{member_id}:"


def step_key(round_id: int) -> str:
    return f"wvs:{round_id}:"


class Waakvlam(Service):
    def __init__(
        self, store: Store, i18n: I18n, clock: Clock, admin_ids: list[int] | None = None
    ) -> None:
        super().__init__(store, i18n, clock)
        self.admin_ids = admin_ids or []

    def register(self, scheduler: Scheduler) -> None:
        scheduler.register(CHECKIN, self._on_checkin)
        scheduler.register(STEP, self._on_step)

    # -- settings -------------------------------------------------------------

    async def apply_settings(self, settings: CheckinSettings) -> dt.datetime | None:
        """Save settings and put the next check-in in the schedule (replacing the old one)."""
        async with self.store.db.write() as tx:
            await self.store.save_checkin_settings(tx, settings)
            await self.store.cancel_timers(checkin_key(settings.member_id), tx)
            return await self.schedule_next(tx, settings, self.clock.now())

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

    # -- timers -------------------------------------------------------------------

    async def _on_checkin(self, run: TimerRun) -> None:
        member = await self.store.member(int(run.timer.payload["member_id"]))
        if member is None:
            return  # the member left: their ladder ends with them
        settings = await self.store.checkin_settings(member.id, run.tx)
        due = run.timer.due_at
        # Whatever happens with this round, the next one is in the schedule.
        await self.schedule_next(run.tx, settings, due)
        if not settings.enabled or settings.paused_on(due.astimezone(self.tz).date()):
            return
        if is_stale(due, self.clock.now(), self.tz):
            log.warning(
                "check-in of member %s due %s skipped: the bot was down that day", member.id, due
            )
            return
        round_id = await self.store.start_round(run.tx, member.id, due)
        if round_id is None:
            return  # this check-in was asked before
        await self._schedule_step(run.tx, round_id, Stage.ASKED_AGAIN, due + settings.ask_again)
        if member.no_phone:
            await self._ask_contact_to_visit(run.tx, member, settings, round_id, again=False)
            return
        person = await self.store.user(member.user_id or 0)
        if person is None or not person.reachable:
            # A check-in we know cannot arrive is a silence: straight to the neighbours.
            await self._alert_neighbours(run.tx, member, settings, round_id, due, due)
            return
        local = due.astimezone(self.tz).time()
        await self._send(
            run.tx,
            member.user_id,
            GREETINGS[greeting_key(local)],
            name=member.display_name,
            priority=Priority.ROUTINE,
            source=f"waakvlam:checkin:{round_id}",
            extra_ids=(N_("Just tap a button. In an emergency: call 112."),),
            buttons=self._answer_buttons(round_id),
        )

    def _answer_buttons(self, round_id: int) -> list[tuple[str, str]]:
        return [
            (BUTTON_OK, f"wv:{round_id}:{Answer.OK}"),
            (BUTTON_CONTACT, f"wv:{round_id}:{Answer.CONTACT}"),
            (BUTTON_NOT_WELL, f"wv:{round_id}:{Answer.NOT_WELL}"),
            (BUTTON_LEAVE, f"wv:{round_id}:{Answer.LEAVE_ME}"),
        ]

    def _neighbour_buttons(self, round_id: int) -> list[tuple[str, str]]:
        return [(BUTTON_GOING, f"wn:{round_id}:going"), (BUTTON_CONFIRM, f"wn:{round_id}:ok")]

    async def _schedule_step(
        self, tx: Session, round_id: int, stage: Stage, due: dt.datetime
    ) -> None:
        await self.store.schedule(
            STEP,
            due,
            {"round_id": round_id, "stage": stage},
            dedupe_key=f"{step_key(round_id)}{stage}",
            priority=Priority.ALERT,
            tx=tx,
        )

    async def _on_step(self, run: TimerRun) -> None:
        checkin = await self.store.checkin_round(int(run.timer.payload["round_id"]), run.tx)
        if checkin is None or not checkin.open:
            return  # answered in time: nothing to do
        member = await self.store.member(checkin.member_id)
        if member is None:
            return
        settings = await self.store.checkin_settings(member.id, run.tx)
        stage = Stage(run.timer.payload["stage"])
        now = run.timer.due_at
        if stage == Stage.ASKED_AGAIN:
            await self.store.set_round_stage(run.tx, checkin.id, stage)
            await self._schedule_step(
                run.tx, checkin.id, Stage.NEIGHBOURS, now + settings.neighbours
            )
            if member.no_phone:
                await self._ask_contact_to_visit(run.tx, member, settings, checkin.id, again=True)
            else:
                await self._send(
                    run.tx,
                    member.user_id,
                    N_(
                        "I asked earlier: all well with you, {name}? "
                        "Tap a button, or just send a message."
                    ),
                    name=member.display_name,
                    priority=Priority.INTERACTIVE,
                    source=f"waakvlam:checkin:{checkin.id}",
                    buttons=self._answer_buttons(checkin.id),
                )
        elif stage == Stage.NEIGHBOURS:
            await self._alert_neighbours(run.tx, member, settings, checkin.id, checkin.due_at, now)
        elif stage == Stage.CHAIR:
            await self._alert_chair(run.tx, member, settings, checkin, now)

    async def _ask_contact_to_visit(
        self,
        tx: Session,
        member: Member,
        settings: CheckinSettings,
        round_id: int,
        *,
        again: bool,
    ) -> None:
        members = await self.store.members(member.circle_id)
        visitor = visit_contact(settings, member, members)
        contacts = [visitor] if visitor else []
        if not contacts:
            now = self.clock.now()
            await self._alert_neighbours(tx, member, settings, round_id, now, now)
            return
        text = (
            N_("Reminder: would you look in on {name} today? Nobody has confirmed yet.")
            if again
            else N_(
                "Would you look in on {name} today? {name} has no smartphone, and you are "
                "the contact neighbour. Tap a button when you have been."
            )
        )
        await self._send(
            tx,
            contacts[0].user_id,
            text,
            name=member.display_name,
            priority=Priority.INTERACTIVE if again else Priority.ROUTINE,
            source=f"waakvlam:visit:{round_id}",
            buttons=self._neighbour_buttons(round_id),
        )
        await self._remember_alerted(tx, round_id, [contacts[0].user_id])

    async def _remember_alerted(
        self,
        tx: Session,
        round_id: int,
        user_ids: list[int],
        stage: Stage | None = None,
    ) -> None:
        checkin = await self.store.checkin_round(round_id, tx)
        alerted = list(dict.fromkeys([*checkin.alerted, *user_ids]))
        await self.store.set_round_stage(tx, round_id, stage or checkin.stage, alerted)

    async def _alert_neighbours(
        self,
        tx: Session,
        member: Member,
        settings: CheckinSettings,
        round_id: int,
        asked_at: dt.datetime,
        base: dt.datetime,
    ) -> None:
        """Ask the contact neighbours to look in. The chair follows ``escalate`` after
        ``base`` (when this step was due): after downtime an overdue chair step fires at
        once instead of waiting again."""
        members = await self.store.members(member.circle_id)
        checkin = await self.store.checkin_round(round_id, tx)
        contacts = [
            m
            for m in escalation_neighbours(settings, member, members)
            if m.user_id not in checkin.alerted
        ]
        reachable = [m for m in contacts if m.reachable]
        for contact in reachable:
            await self._send(
                tx,
                contact.user_id,
                N_(
                    "{name} has not answered “All well?” today ({time}). Could you look in or "
                    "give a call? Tap a button to let the others know."
                ),
                extra_ids=(N_("In an emergency: call 112."),),
                name=member.display_name,
                time=self._local_time(asked_at),
                priority=Priority.ALERT,
                source=f"waakvlam:alert:{round_id}",
                buttons=self._neighbour_buttons(round_id),
            )
        await self._remember_alerted(tx, round_id, [m.user_id for m in reachable], Stage.NEIGHBOURS)
        await self.store.cancel_timers(f"{step_key(round_id)}{Stage.ASKED_AGAIN}", tx)
        await self.store.cancel_timers(f"{step_key(round_id)}{Stage.NEIGHBOURS}", tx)
        if not reachable and not checkin.alerted:
            # Nobody to ask: the next rung now, not in two hours.
            await self._alert_chair(tx, member, settings, checkin, self.clock.now())
            return
        await self._schedule_step(tx, round_id, Stage.CHAIR, base + settings.escalate)

    async def _alert_chair(
        self,
        tx: Session,
        member: Member,
        settings: CheckinSettings,
        checkin: Round,
        now: dt.datetime,
    ) -> None:
        members = await self.store.members(member.circle_id)
        circle = await self.store.circle(member.circle_id)
        recipients = [
            m
            for m in chair_and_professional(settings, member, members)
            if m.user_id not in checkin.alerted or m.role == "voorzitter"
        ]
        going = next(
            (m.display_name for m in members if checkin.going and m.user_id == checkin.going), None
        )
        sent_to = []
        for person in recipients:
            if not person.reachable:
                continue
            extra = (
                (N_("A neighbour said they would look in, but has not confirmed yet."),)
                if going
                else ()
            )
            await self._send(
                tx,
                person.user_id,
                N_(
                    "Nobody has been able to reach {name} ({circle}) today. The check-in was at "
                    "{time}; the neighbours were asked to look in, and nobody has confirmed yet "
                    "that all is well. Please make sure someone gets in touch."
                ),
                extra_ids=(*extra, N_("In an emergency: call 112.")),
                name=member.display_name,
                circle=circle.title if circle else "",
                time=self._local_time(checkin.due_at),
                priority=Priority.ALERT,
                source=f"waakvlam:alert:{checkin.id}",
                buttons=[(BUTTON_CONFIRM, f"wn:{checkin.id}:ok")],
            )
            sent_to.append(person.user_id)
        if not sent_to:
            await self._last_resort(tx, member, checkin)
        await self._remember_alerted(tx, checkin.id, sent_to, Stage.CHAIR)

    async def _last_resort(self, tx: Session, member: Member, checkin: Round) -> None:
        """Nobody in the circle can be told: the operators must hear it, loudly."""
        circle = await self.store.circle(member.circle_id)
        log.critical(
            "waakvlam round %s for member %s: nobody in the circle can be alerted",
            checkin.id,
            member.id,
        )
        for admin in self.admin_ids:
            await self._send(
                tx,
                admin,
                N_(
                    "Waakvlam: nobody in {circle} can be alerted that {name} did not answer "
                    "today. Please make sure someone gets in touch."
                ),
                name=member.display_name,
                circle=circle.title if circle else "?",
                priority=Priority.ALERT,
                source=f"waakvlam:admin:{checkin.id}",
                buttons=[(BUTTON_CONFIRM, f"wn:{checkin.id}:ok")],
            )

    # -- answers ---------------------------------------------------------------

    async def answer(self, user_id: int, round_id: int, answer: Answer) -> Outcome:
        """The member tapped one of their check-in buttons."""
        checkin = await self.store.checkin_round(round_id)
        member = await self.store.member(checkin.member_id) if checkin else None
        if checkin is None or member is None or member.user_id != user_id:
            return Outcome("not_yours")
        if not checkin.open:
            return Outcome("already", member.display_name)
        settings = await self.store.checkin_settings(member.id)
        members = await self.store.members(member.circle_id)
        contacts = [m for m in ladder_contacts(settings, member, members) if m.reachable]
        ids: list[int] = []
        async with self.store.db.write() as tx:
            if not await self.store.close_round(tx, round_id, answer, user_id):
                return Outcome("already", member.display_name)
            await self.store.cancel_timers(step_key(round_id), tx)
            ids += await self._tell_handled(tx, checkin, member, None)
            if answer in (Answer.CONTACT, Answer.NOT_WELL):
                if not contacts:
                    contacts = chair_and_professional(
                        replace(settings, professional_ok=False), member, members
                    )
                text = (
                    N_("{name} would like some contact. Could you give a call or drop by?")
                    if answer == Answer.CONTACT
                    else N_(
                        "{name} said things are not so good today. Could you get in touch soon?"
                    )
                )
                for contact in contacts:
                    if contact.user_id in checkin.alerted:
                        continue
                    ids.append(
                        await self._send(
                            tx,
                            contact.user_id,
                            text,
                            name=member.display_name,
                            priority=Priority.ALERT
                            if answer == Answer.NOT_WELL
                            else Priority.INTERACTIVE,
                            source=f"waakvlam:answer:{round_id}",
                        )
                    )
        return Outcome(answer, member.display_name, ids, [c.display_name for c in contacts])

    async def neighbour(self, user_id: int, round_id: int, action: str) -> Outcome:
        """A neighbour (or the chair) tapped "I'll look in" or "I had contact, all well"."""
        checkin = await self.store.checkin_round(round_id)
        member = await self.store.member(checkin.member_id) if checkin else None
        if checkin is None or member is None:
            return Outcome("not_yours")
        presser = await self.store.member_of(member.circle_id, user_id)
        allowed = (
            user_id in checkin.alerted
            or user_id in self.admin_ids
            or (
                presser is not None
                and presser.consented
                and presser.role in ("superbuur", "voorzitter")
            )
        )
        if not allowed:
            return Outcome("not_yours")
        helper = presser.display_name if presser else "?"
        if not checkin.open:
            return Outcome("already", member.display_name)
        ids: list[int] = []
        async with self.store.db.write() as tx:
            if action == "going":
                await self.store.set_round_going(tx, round_id, user_id)
                for other in checkin.alerted:
                    if other != user_id:
                        ids.append(
                            await self._send(
                                tx,
                                other,
                                N_("{helper} is going to look in on {name}."),
                                helper=helper,
                                name=member.display_name,
                                priority=Priority.INTERACTIVE,
                                source=f"waakvlam:going:{round_id}",
                            )
                        )
                return Outcome("going", member.display_name, ids)
            if not await self.store.close_round(tx, round_id, Answer.CONFIRMED, user_id):
                return Outcome("already", member.display_name)
            await self.store.cancel_timers(step_key(round_id), tx)
            ids += await self._tell_handled(tx, checkin, member, (user_id, helper))
        return Outcome("confirmed", member.display_name, ids)

    async def sign_of_life(self, user_id: int) -> list[int]:
        """Any message from the member during an open round closes it: they are there."""
        ids: list[int] = []
        for checkin in await self.store.open_rounds_of_user(user_id):
            member = await self.store.member(checkin.member_id)
            async with self.store.db.write() as tx:
                if not await self.store.close_round(tx, checkin.id, Answer.MESSAGE, user_id):
                    continue
                await self.store.cancel_timers(step_key(checkin.id), tx)
                ids += await self._tell_handled(tx, checkin, member, None)
        return ids

    async def _tell_handled(
        self, tx: Session, checkin: Round, member: Member, by: tuple[int, str] | None
    ) -> list[int]:
        ids = []
        for other in checkin.alerted:
            if by is not None and other == by[0]:
                continue
            if by is None:
                text = N_("Good news: {name} has answered. All is well. Thank you!")
            else:
                text = N_("{helper} had contact with {name}: all is well. Thank you all!")
            ids.append(
                await self._send(
                    tx,
                    other,
                    text,
                    name=member.display_name,
                    helper=by[1] if by else "",
                    priority=Priority.ALERT,
                    source=f"waakvlam:handled:{checkin.id}",
                )
            )
        return ids

    # -- when Telegram cannot deliver ---------------------------------------------

    async def on_undeliverable(self, message: OutgoingMessage, reason: str) -> None:
        source = message.source or ""
        if not source.startswith("waakvlam:"):
            return
        _, kind, round_text = source.split(":", 2)
        checkin = await self.store.checkin_round(int(round_text))
        if checkin is None or not checkin.open:
            return
        member = await self.store.member(checkin.member_id)
        if member is None:
            return
        settings = await self.store.checkin_settings(member.id)
        log.warning("waakvlam %s message for round %s not delivered (%s)", kind, checkin.id, reason)
        async with self.store.db.write() as tx:
            if kind in ("checkin", "visit"):
                # An undelivered check-in is a silence, not a success.
                now = self.clock.now()
                await self._alert_neighbours(tx, member, settings, checkin.id, checkin.due_at, now)
            elif kind == "alert":
                still_reachable = [
                    uid
                    for uid in checkin.alerted
                    if (person := await self.store.user(uid)) and person.reachable
                ]
                if still_reachable:
                    return
                if checkin.stage == Stage.NEIGHBOURS:
                    # No neighbour can be told: the chair now, not in two hours.
                    await self.store.cancel_timers(f"{step_key(checkin.id)}{Stage.CHAIR}", tx)
                    await self._alert_chair(tx, member, settings, checkin, self.clock.now())
                else:
                    await self._last_resort(tx, member, checkin)
