"""Worries to the professional: sent privately, picked up, never left lying.

A worry goes to the voorzitters and the circle's professional (never to the group,
never to the person it is about: a worry about a voorzitter goes to the
professionals only). Not picked up in time (today: an hour; this week: four working
hours) the professional is reminded; after that the backup professional and the
voorzitters are told, and the sender hears that nobody has picked it up yet; after
that the beheerder. A step with nobody the bot can reach is skipped, and when the
message to everyone who could pick it up bounces, the next step comes at once.
Every step is written in the worry's log and recorded as notices (who, which step,
which outbox row).
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass, field, replace
from enum import StrEnum

from core.i18n import N_, Translator
from core.priority import Priority
from domain.policy import ROLE_LABELS, Role
from domain.records import Member, Signal
from domain.signals import (
    NEXT_STEP,
    WORRY_LABELS,
    WorryKind,
    WorryStatus,
    WorryStep,
    acknowledge_within,
    may_pick_up,
    may_share_name,
    step_people,
    voorzitters,
    worry_buttons,
)
from scheduling.timers import Scheduler, TimerRun
from services.service import LadderService
from storage.database import Session
from storage.store import OutgoingMessage

log = logging.getLogger(__name__)

STEP = "zorg.step"
# Timers of an earlier version, still in a database: handled as steps.
REMIND = "zorg.remind"
ESCALATE = "zorg.escalate"

# When a step was skipped to (nobody could be reached), "not in time" would be untrue.
INTRO_SKIPPED_TO = {
    WorryStep.ESCALATED: N_(
        "This worry cannot go to the professional just now. Could you make sure someone "
        "picks it up?"
    ),
    WorryStep.BEHEERDER: N_(
        "A message for the beheerder: nobody in the circle can receive this worry just now. "
        "Could you make sure it gets an owner?"
    ),
}
INTRO = {
    WorryStep.REMINDED: N_("Reminder: this worry has not been picked up yet."),
    WorryStep.ESCALATED: N_(
        "Nobody has picked up this worry in time. Could you make sure it gets an owner?"
    ),
    WorryStep.BEHEERDER: N_(
        "A message for the beheerder: nobody in the circle has picked up this worry in "
        "time. Could you make sure it gets an owner?"
    ),
}


class Shared(StrEnum):
    """What a worry's use case did, for the handler to say."""

    SHARED = "shared"  # on its way to the first readers
    TO_BEHEERDER = "to_beheerder"  # nobody in the circle: the beheerder has it
    NOBODY = "nobody"  # nobody at all: the sender was told so
    NOT_ALLOWED = "not_allowed"
    ALREADY = "already"
    PICKED_UP = "ack"
    CLOSED = "close"
    WILL_CONTACT = "contact"  # the professional will talk with the voorzitter
    REPLIED = "replied"


@dataclass
class Outcome:
    status: Shared
    message_ids: list[int] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signal: Signal | None = None
    deliveries: list[tuple[str, int]] = field(default_factory=list)  # (name, message)


@dataclass(frozen=True)
class Reached:
    readers: list[Reader]
    message_ids: list[int]


@dataclass(frozen=True)
class Reader:
    """Someone who hears of a worry: a member, or a beheerder (no member)."""

    user_id: int
    name: str
    member: Member | None

    @property
    def professional(self) -> bool:
        return self.member is not None and self.member.role == Role.PROFESSIONAL


def signal_key(signal_id: int) -> str:
    return f"zorg:{signal_id}:"


# What each way of picking a worry up does: its new status, the log line, what the
# sender hears.
PICK_UP = {
    "ack": (
        WorryStatus.ACKNOWLEDGED,
        "picked up",
        N_("{name} ({role}) has picked up your worry. Thank you for sharing it."),
    ),
    "close": (
        WorryStatus.CLOSED,
        "closed",
        N_("{name} ({role}) has closed your worry. Thank you for caring."),
    ),
    "contact": (
        WorryStatus.ACKNOWLEDGED,
        "will contact the voorzitter",
        N_("{name} (professional) has seen your worry and will talk with the voorzitter."),
    ),
}


class Worries(LadderService):
    def register(self, scheduler: Scheduler) -> None:
        scheduler.register(STEP, self._on_step)
        scheduler.register(REMIND, self._on_step)
        scheduler.register(ESCALATE, self._on_step)
        scheduler.on_bounce(self._on_bounced)

    async def who_will_see(
        self, circle_id: int, sender_id: int, about: Member | None = None
    ) -> list[Member]:
        members = await self.store.members(circle_id)
        return step_people(WorryStep.SENT, members, sender_id, about)

    async def _readers(self, signal: Signal, step: WorryStep) -> list[Reader]:
        """Who hears of this worry at this step; the beheerders at the last."""
        if step == WorryStep.BEHEERDER:
            about = await self._about(signal)
            # A beheerder who is in a circle too is never told a worry about themselves
            # (nor their own worry).
            never = {signal.sender_id, about.user_id if about else None}
            readers = [Reader(i, name, None) for i, name in await self._beheerders(never)]
            return readers
        members = await self.store.members(signal.circle_id)
        about = await self._about(signal)
        return [
            Reader(m.user_id, m.display_name, m)
            for m in step_people(step, members, signal.sender_id, about)
            if m.user_id is not None
        ]

    async def _about(self, signal: Signal) -> Member | None:
        return await self.store.member(signal.about_member_id) if signal.about_member_id else None

    async def _may_pick_up(self, user_id: int, signal: Signal) -> tuple[bool, str]:
        """Whether this person may pick the worry up, and how the sender hears their name."""
        about = await self._about(signal)
        if about is not None and about.user_id == user_id:
            return False, ""  # never the person it is about, whatever else they are
        if user_id in self.admin_ids:
            known = await self.store.user(user_id)
            return True, known.first_name if known else ""
        actor = await self.store.member_of(signal.circle_id, user_id)
        members = await self.store.members(signal.circle_id)
        if may_pick_up(actor, members, signal.stage, await self._about(signal)):
            return True, actor.display_name
        return False, ""

    async def describe(self, t, signal: Signal, *, for_professional: bool) -> str:
        circle = await self.store.circle(signal.circle_id)
        sender = (
            await self.store.member_of(signal.circle_id, signal.sender_id)
            if signal.sender_id
            else None
        )
        about = await self.store.member(signal.about_member_id) if signal.about_member_id else None
        if signal.about_self:
            who = t.gettext("about themselves")
        elif about is not None and (signal.name_shared or not for_professional):
            who = t.gettext("about {name}", name=about.display_name)
        elif about is not None:
            who = t.gettext("about a neighbour in the circle (name not shared)")
        else:
            who = t.gettext("about someone in the neighbourhood")
        urgency = t.gettext("today") if signal.urgency == "today" else t.gettext("this week")
        lines = [
            t.gettext(
                "💭 A worry from {circle}, {urgency}:",
                circle=circle.title if circle else "?",
                urgency=urgency,
            ),
            t.gettext(
                "{sender} is worried {who}.",
                sender=sender.display_name if sender else t.gettext("A member"),
                who=who,
            ),
            t.gettext("Kind: {kind}", kind=t.gettext(WORRY_LABELS[WorryKind(signal.kind)])),
        ]
        if signal.details:
            lines.append("“" + html.escape(signal.details, quote=False) + "”")
        if signal.voice_file_id:
            lines.append(t.gettext("🎤 With a voice message."))
        if signal.safety and not signal.about_self:
            lines.append(t.gettext("⚠️ The sender says this concerns their safety."))
        return "\n".join(lines)

    async def _tell(
        self,
        tx: Session,
        signal: Signal,
        reader: Reader,
        step: WorryStep,
        *,
        owner: bool,
        skipped_to: bool = False,
    ) -> int:
        """Queue the worry for one reader, in their language, and record the notice."""
        intro = INTRO_SKIPPED_TO.get(step) if skipped_to else INTRO.get(step)

        async def render(t: Translator) -> str:
            text = await self.describe(
                t, signal, for_professional=reader.member is None or reader.professional
            )
            return t.gettext(intro) + "\n\n" + text if intro else text

        message_id = await self._queue(
            tx,
            reader.user_id,
            render,
            priority=Priority.ALERT,
            source=f"zorg:{signal.id}:{step}",
            buttons=worry_buttons(signal.id, professional=reader.professional, owner=owner),
        )
        await self.store.add_signal_notice(
            tx, signal.id, reader.user_id, step, message_id, can_pick_up=owner
        )
        await self.store.log_signal(tx, signal.id, "bot", _LOG_EVENT[step], reader.name or None)
        return message_id

    async def _run_step(self, tx: Session, signal: Signal, step: WorryStep) -> Reached:
        """Tell the readers of the first step from ``step`` with anyone to reach, and put
        the next step in the schedule. Returns who was told, and the messages."""
        current: WorryStep | None = step
        while current is not None:
            readers = await self._readers(signal, current)
            signal = replace(signal, stage=current)
            if readers:
                await self.store.set_signal_stage(tx, signal.id, current)
                ids = []  # the readers' messages first, in their order
                for reader in readers:
                    owner = (
                        reader.member is None
                        or (await self._may_pick_up(reader.user_id, signal))[0]
                    )
                    ids.append(
                        await self._tell(
                            tx, signal, reader, current, owner=owner, skipped_to=current != step
                        )
                    )
                if current == WorryStep.ESCALATED:
                    ids += await self._tell_sender_nobody_yet(tx, signal, readers)
                following = NEXT_STEP.get(current)
                if following is not None:
                    await self.store.schedule(
                        STEP,
                        acknowledge_within(signal.urgency, self.clock.now(), self.tz),
                        {"signal_id": signal.id, "step": following},
                        dedupe_key=f"{signal_key(signal.id)}{following}",
                        priority=Priority.ALERT,
                        tx=tx,
                    )
                return Reached(readers, ids)
            log.info("worry %s: nobody to tell at step %s", signal.id, current)
            current = NEXT_STEP.get(current)
        await self.store.set_signal_stage(tx, signal.id, WorryStep.BEHEERDER)
        ids = await self._tell_sender_nobody_at_all(tx, signal)
        log.critical("worry %s: nobody can be told (no beheerder set: OMKIJK_ADMIN_IDS)", signal.id)
        return Reached([], ids)

    async def _tell_sender_nobody_yet(
        self, tx: Session, signal: Signal, readers: list[Reader]
    ) -> list[int]:
        if not signal.sender_id:
            return []
        names = ", ".join(r.name for r in readers if r.name)
        message_id = await self._send(
            tx,
            signal.sender_id,
            N_(
                "Nobody has picked up your worry yet. I have now also asked {names}. You will "
                "hear when someone picks it up."
            ),
            names=names,
            source=f"zorg:{signal.id}:sender",
        )
        await self.store.add_signal_notice(tx, signal.id, signal.sender_id, "sender", message_id)
        return [message_id]

    async def _tell_sender_nobody_at_all(self, tx: Session, signal: Signal) -> list[int]:
        """The sender is never left thinking someone has it when nobody can (once)."""
        told = await self.store.signal_notices(signal.id, tx)
        if not signal.sender_id or any(n.step == "nobody" for n in told):
            return []
        message_id = await self._send(
            tx,
            signal.sender_id,
            N_(
                "Nobody has picked up your worry yet, and there is nobody else the bot can "
                "ask. If it cannot wait, please call the wijkteam or the huisarts yourself. "
                "In an emergency: call 112."
            ),
            source=f"zorg:{signal.id}:sender",
        )
        await self.store.add_signal_notice(tx, signal.id, signal.sender_id, "nobody", message_id)
        return [message_id]

    # -- sharing a worry ------------------------------------------------------------------

    async def create(
        self,
        *,
        circle_id: int,
        sender_id: int,
        about: Member | None,
        about_self: bool,
        kind: WorryKind,
        details: str | None,
        voice_file_id: str | None,
        urgency: str,
        safety: bool,
    ) -> Outcome:
        """Store the worry and send it on its way. ``recipients`` are the names of who
        was told (a beheerder without a known name is an empty string); none at all
        means the sender was told so (the status says which)."""
        sender = await self.store.member_of(circle_id, sender_id)
        if about_self and sender is not None:
            about = sender
        async with self.store.db.write() as tx:
            signal_id = await self.store.create_signal(
                tx,
                circle_id=circle_id,
                sender_id=sender_id,
                about_member_id=about.id if about else None,
                about_self=int(about_self),
                kind=kind,
                details=details,
                voice_file_id=voice_file_id,
                urgency=urgency,
                name_shared=int(may_share_name(about, about_self, safety)),
                safety=int(safety),
            )
            await self.store.clear_draft(sender_id, tx)
            signal = await self.store.signal(signal_id, tx)
            await self.store.log_signal(
                tx, signal_id, sender.display_name if sender else "?", "shared"
            )
            reached = await self._run_step(tx, signal, WorryStep.SENT)
            if voice_file_id:
                for reader in reached.readers:
                    await self.store.log_signal(
                        tx, signal_id, "bot", "voice kept for", reader.name or None
                    )
        status = Shared.SHARED if reached.readers else Shared.NOBODY
        if reached.readers and all(r.member is None for r in reached.readers):
            status = Shared.TO_BEHEERDER
        return Outcome(
            status,
            reached.message_ids,
            [r.name for r in reached.readers],
            await self.store.signal(signal_id),
            [(r.name, m) for r, m in zip(reached.readers, reached.message_ids, strict=False)],
        )

    async def names_reached(self, outcome: Outcome) -> list[str]:
        """Who of the first readers the worry did not bounce off (Telegram refused it
        to someone who blocked the bot): what the sender may be told it went to."""
        names = []
        for name, message_id in outcome.deliveries:
            if await self.store.delivered_or_on_its_way(message_id):
                names.append(name)
        return names

    # -- picking it up -----------------------------------------------------------------------

    async def act(self, user_id: int, signal_id: int, action: str) -> Outcome:
        signal = await self.store.signal(signal_id)
        if signal is None:
            return Outcome(Shared.NOT_ALLOWED)
        allowed, name = await self._may_pick_up(user_id, signal)
        actor = await self.store.member_of(signal.circle_id, user_id)
        if not allowed or (
            action == "contact" and (actor is None or actor.role != Role.PROFESSIONAL)
        ):
            return Outcome(Shared.NOT_ALLOWED)
        role = ROLE_LABELS[Role(actor.role)] if actor is not None else N_("beheerder")
        owner_id = actor.id if actor is not None else None
        members = await self.store.members(signal.circle_id)
        ids: list[int] = []
        status, logged, text = PICK_UP[action]
        async with self.store.db.write() as tx:
            moved = await self.store.set_signal_status(tx, signal_id, status, owner_id)
            # "I'll contact the voorzitter" may follow a pick-up, never a close. Read now:
            # writes are serialized, so this sees any close that came before.
            now = await self.store.signal(signal_id) if not moved else None
            if not moved and (
                action != "contact" or now is None or now.status == WorryStatus.CLOSED
            ):
                return Outcome(Shared.ALREADY, signal=signal)
            await self.store.cancel_timers(signal_key(signal_id), tx)
            await self.store.log_signal(tx, signal_id, name or None, logged)
            if action == "contact":
                about = await self._about(signal)
                for chair in voorzitters(members):
                    if about is not None and chair.id == about.id:
                        continue  # never the person it is about
                    ids.append(
                        await self._send(
                            tx,
                            chair.user_id,
                            N_(
                                "{name} (professional) will get in touch with you about a "
                                "worry from your circle."
                            ),
                            name=name,
                            source=f"zorg:{signal_id}:contact",
                        )
                    )
            if signal.sender_id and signal.sender_id != user_id:
                ids.append(
                    await self._queue(
                        tx,
                        signal.sender_id,
                        lambda t: t.gettext(
                            text, name=name or t.gettext(N_("the beheerder")), role=t.gettext(role)
                        ),
                        priority=Priority.INTERACTIVE,
                        source=f"zorg:{signal_id}:update",
                    )
                )
        return Outcome(Shared(action), ids, signal=await self.store.signal(signal_id))

    async def may_reply(self, user_id: int, signal: Signal) -> bool:
        return (await self._may_pick_up(user_id, signal))[0]

    async def reply(self, user_id: int, signal_id: int, text: str) -> Outcome:
        signal = await self.store.signal(signal_id)
        allowed, name = await self._may_pick_up(user_id, signal) if signal else (False, "")
        actor = await self.store.member_of(signal.circle_id, user_id) if signal else None
        if signal is None or not allowed:
            return Outcome(Shared.NOT_ALLOWED)
        role = ROLE_LABELS[Role(actor.role)] if actor is not None else N_("beheerder")
        ids = []
        async with self.store.db.write() as tx:
            await self.store.clear_draft(user_id, tx)
            await self.store.log_signal(tx, signal_id, name or None, "replied", text)
            if signal.sender_id:
                ids.append(
                    await self._queue(
                        tx,
                        signal.sender_id,
                        lambda t: t.gettext(
                            N_("{name} ({role}) about your worry: “{text}”"),
                            name=name or t.gettext(N_("the beheerder")),
                            role=t.gettext(role),
                            text=text,
                        ),
                        priority=Priority.INTERACTIVE,
                        source=f"zorg:{signal_id}:reply",
                    )
                )
        return Outcome(Shared.REPLIED, ids, signal=signal)

    async def may_see_log(self, user_id: int, signal: Signal) -> bool:
        """Whoever may pick it up, and the voorzitters it was sent to (never the person
        it is about)."""
        if (await self._may_pick_up(user_id, signal))[0]:
            return True
        told = {n.user_id for n in await self.store.signal_notices(signal.id)}
        actor = await self.store.member_of(signal.circle_id, user_id)
        return actor is not None and actor.consented and user_id in told

    async def log_text(self, t, signal: Signal) -> str:
        lines = [t.gettext("📜 Log of the worry of {date}", date=t.datetime(signal.created_at))]
        events = {
            "shared": N_("shared the worry"),
            "sent to": N_("sent to"),
            "picked up": N_("picked it up"),
            "closed": N_("closed it"),
            "will contact the voorzitter": N_("will contact the voorzitter"),
            "replied": N_("replied to the sender"),
            "reminded": N_("reminder sent to"),
            "escalated": N_("not picked up in time; told"),
            "voice kept for": N_("voice message available to"),
        }
        for at, actor, event, detail in await self.store.signal_log(signal.id):
            # A name is the member's own choice: escaped, so it stays text. None: the
            # person was forgotten (/vergeetmij).
            who = (
                t.gettext("the bot")
                if actor == "bot"
                else html.escape(actor, quote=False)
                if actor
                else t.gettext("(deleted)")
            )
            line = f"{t.time(at)} {t.date(at.astimezone(self.tz).date())}: {who} " + t.gettext(
                events.get(event, event)
            )
            if detail:
                line += f" {html.escape(detail, quote=False)}"
            lines.append(line)
        return "\n".join(lines)

    # -- timers --------------------------------------------------------------------------------

    async def _on_step(self, run: TimerRun) -> None:
        signal = await self.store.signal(int(run.timer.payload["signal_id"]), run.tx)
        if signal is None or signal.status != WorryStatus.OPEN:
            return
        step = WorryStep(
            run.timer.payload.get("step")
            or {REMIND: WorryStep.REMINDED, ESCALATE: WorryStep.ESCALATED}[run.timer.kind]
        )
        if _order(step) <= _order(WorryStep(signal.stage)):
            return  # the worry moved on already (a bounce)
        await self._run_step(run.tx, signal, step)

    async def _on_bounced(self, run: TimerRun, message: OutgoingMessage) -> None:
        """A worry that cannot reach anyone who could pick it up goes on at once."""
        found = await self.store.signal_notice_of_message(message.id, run.tx)
        if found is None:
            return
        signal_id, notice = found
        signal = await self.store.signal(signal_id, run.tx)
        if signal is None or signal.status != WorryStatus.OPEN or notice.step != signal.stage:
            return
        notices = await self.store.signal_notices(signal_id, run.tx)
        if any(n.step == signal.stage and n.live and n.can_pick_up for n in notices):
            return  # someone who can pick it up has it
        following = NEXT_STEP.get(WorryStep(signal.stage))
        log.warning("worry %s: nobody who could pick it up was reached; next step", signal.id)
        if following is None:
            await self._tell_sender_nobody_at_all(run.tx, signal)
            log.critical("worry %s: the last step bounced; nobody can be told", signal.id)
            return
        await self.store.cancel_timers(signal_key(signal.id), run.tx)
        reached = await self._run_step(run.tx, signal, following)
        stage = (await self.store.signal(signal.id, run.tx)).stage
        if reached.readers and stage != WorryStep.ESCALATED and signal.sender_id:
            # The sender was told who has it: what changed is told too (the escalation
            # step says it itself; nobody at all is said by _run_step).
            names = ", ".join(r.name for r in reached.readers if r.name)
            message_id = await self._send(
                run.tx,
                signal.sender_id,
                N_(
                    "Not everyone could be reached. Your worry has now gone to {names}. You "
                    "will hear when someone picks it up."
                )
                if names
                else N_(
                    "Not everyone could be reached. Your worry has now gone to the beheerder "
                    "of the bot. You will hear when someone picks it up."
                ),
                names=names,
                source=f"zorg:{signal.id}:sender",
            )
            await self.store.add_signal_notice(
                run.tx, signal.id, signal.sender_id, "sender", message_id
            )


_STEPS = list(WorryStep)


def _order(step: WorryStep) -> int:
    return _STEPS.index(step)


_LOG_EVENT = {
    WorryStep.SENT: "sent to",
    WorryStep.REMINDED: "reminded",
    WorryStep.ESCALATED: "escalated",
    WorryStep.BEHEERDER: "escalated",
}
