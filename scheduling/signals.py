"""Worries to the professional: sent privately, acknowledged, never left lying.

A worry goes to the voorzitter and the circle's professional (never to the
group). Not acknowledged in time (today: an hour; this week: four working hours)
the professional is reminded; after that the backup professional and the
voorzitter are told. Every step is written in the worry's log.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass, field
from typing import Any

from bot.i18n import N_
from bot.ratelimit import Priority
from domain.signals import (
    WORRY_LABELS,
    WorryKind,
    acknowledge_within,
    may_share_name,
    professionals,
    voorzitters,
)
from scheduling.service import Service
from scheduling.timers import Scheduler, TimerRun
from storage.circles import Member
from storage.database import Session
from storage.signals import Signal

log = logging.getLogger(__name__)

REMIND = "zorg.remind"
ESCALATE = "zorg.escalate"
BUTTON_ACK = N_("👍 I'll pick this up")
BUTTON_CONTACT = N_("📞 I'll contact the voorzitter")
BUTTON_CLOSE = N_("✅ Closed")
BUTTON_REPLY = N_("✏️ Short reply to the sender")
BUTTON_LOG = N_("📜 Log")


@dataclass
class Outcome:
    status: str
    message_ids: list[int] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signal: Signal | None = None


def signal_key(signal_id: int) -> str:
    return f"zorg:{signal_id}:"


class Worries(Service):
    def register(self, scheduler: Scheduler) -> None:
        scheduler.register(REMIND, self._on_remind)
        scheduler.register(ESCALATE, self._on_escalate)

    async def who_will_see(self, circle_id: int, sender_id: int) -> list[Member]:
        members = await self.store.members(circle_id)
        return voorzitters(members, sender_id) + professionals(members, backup=False)

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

    def _markup(self, t, signal_id: int, *, professional: bool) -> dict[str, Any]:
        buttons = (
            [
                (BUTTON_ACK, "ack"),
                (BUTTON_CONTACT, "contact"),
                (BUTTON_REPLY, "reply"),
                (BUTTON_CLOSE, "close"),
                (BUTTON_LOG, "log"),
            ]
            if professional
            else [(BUTTON_LOG, "log")]
        )
        return {
            "inline_keyboard": [
                [{"text": t.gettext(label), "callback_data": f"zs:{signal_id}:{action}"}]
                for label, action in buttons
            ]
        }

    async def _tell(
        self,
        tx: Session,
        signal: Signal,
        member: Member,
        *,
        intro: str | None = None,
        priority: int = Priority.ALERT,
        source: str,
    ) -> int:
        t = await self._t(member.user_id)
        professional = member.role == "professional"
        text = await self.describe(t, signal, for_professional=professional)
        if intro:
            text = t.gettext(intro) + "\n\n" + text
        return await self.store.enqueue_message(
            tx,
            member.user_id,
            text,
            priority=priority,
            source=source,
            reply_markup=self._markup(t, signal.id, professional=professional),
        )

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
        members = await self.store.members(circle_id)
        sender = await self.store.member_of(circle_id, sender_id)
        recipients = voorzitters(members, sender_id) + professionals(members, backup=False)
        if about_self and sender is not None:
            about = sender
        ids: list[int] = []
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
            for member in recipients:
                ids.append(await self._tell(tx, signal, member, source=f"zorg:{signal_id}"))
                await self.store.log_signal(tx, signal_id, "bot", "sent to", member.display_name)
            if voice_file_id:
                for member in recipients:
                    await self.store.log_signal(
                        tx, signal_id, "bot", "voice kept for", member.display_name
                    )
            await self.store.schedule(
                REMIND,
                acknowledge_within(urgency, self.clock.now(), self.tz),
                {"signal_id": signal_id},
                dedupe_key=f"{signal_key(signal_id)}remind",
                priority=Priority.ALERT,
                tx=tx,
            )
        return Outcome("shared", ids, [m.display_name for m in recipients], signal)

    # -- the professional's side -------------------------------------------------------------

    async def _actor(self, user_id: int, signal: Signal) -> Member | None:
        member = await self.store.member_of(signal.circle_id, user_id)
        return member if member is not None and member.consented else None

    async def act(self, user_id: int, signal_id: int, action: str) -> Outcome:
        signal = await self.store.signal(signal_id)
        actor = await self._actor(user_id, signal) if signal else None
        if signal is None or actor is None or actor.role != "professional":
            return Outcome("not_allowed")
        members = await self.store.members(signal.circle_id)
        ids: list[int] = []
        async with self.store.db.write() as tx:
            if action == "ack":
                if not await self.store.set_signal_status(tx, signal_id, "acknowledged", actor.id):
                    return Outcome("already", signal=signal)
                await self.store.cancel_timers(signal_key(signal_id), tx)
                await self.store.log_signal(tx, signal_id, actor.display_name, "picked up")
                text = N_(
                    "{name} (professional) has picked up your worry. Thank you for sharing it."
                )
            elif action == "close":
                if not await self.store.set_signal_status(tx, signal_id, "closed", actor.id):
                    return Outcome("already", signal=signal)
                await self.store.cancel_timers(signal_key(signal_id), tx)
                await self.store.log_signal(tx, signal_id, actor.display_name, "closed")
                text = N_("{name} (professional) has closed your worry. Thank you for caring.")
            else:  # contact the voorzitter
                await self.store.set_signal_status(tx, signal_id, "acknowledged", actor.id)
                await self.store.cancel_timers(signal_key(signal_id), tx)
                await self.store.log_signal(
                    tx, signal_id, actor.display_name, "will contact the voorzitter"
                )
                for chair in voorzitters(members):
                    t = await self._t(chair.user_id)
                    ids.append(
                        await self.store.enqueue_message(
                            tx,
                            chair.user_id,
                            t.gettext(
                                "{name} (professional) will get in touch with you about a worry "
                                "from your circle.",
                                name=actor.display_name,
                            ),
                            priority=Priority.INTERACTIVE,
                            source=f"zorg:{signal_id}:contact",
                        )
                    )
                text = N_(
                    "{name} (professional) has seen your worry and will talk with the voorzitter."
                )
            if signal.sender_id:
                t = await self._t(signal.sender_id)
                ids.append(
                    await self.store.enqueue_message(
                        tx,
                        signal.sender_id,
                        t.gettext(text, name=actor.display_name),
                        priority=Priority.INTERACTIVE,
                        source=f"zorg:{signal_id}:update",
                    )
                )
        return Outcome(action, ids, signal=await self.store.signal(signal_id))

    async def reply(self, user_id: int, signal_id: int, text: str) -> Outcome:
        signal = await self.store.signal(signal_id)
        actor = await self._actor(user_id, signal) if signal else None
        if signal is None or actor is None or actor.role != "professional":
            return Outcome("not_allowed")
        ids = []
        async with self.store.db.write() as tx:
            await self.store.clear_draft(user_id, tx)
            await self.store.log_signal(tx, signal_id, actor.display_name, "replied", text)
            if signal.sender_id:
                t = await self._t(signal.sender_id)
                ids.append(
                    await self.store.enqueue_message(
                        tx,
                        signal.sender_id,
                        t.gettext(
                            "{name} (professional) about your worry: “{text}”",
                            name=actor.display_name,
                            text=text,
                        ),
                        priority=Priority.INTERACTIVE,
                        source=f"zorg:{signal_id}:reply",
                    )
                )
        return Outcome("replied", ids, signal=signal)

    async def may_see_log(self, user_id: int, signal: Signal) -> bool:
        actor = await self._actor(user_id, signal)
        return actor is not None and actor.role in ("professional", "voorzitter")

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
            who = t.gettext("the bot") if actor == "bot" else actor
            line = f"{t.time(at)} {t.date(at.astimezone(self.tz).date())}: {who} " + t.gettext(
                events.get(event, event)
            )
            if detail:
                line += f" {html.escape(detail, quote=False)}"
            lines.append(line)
        return "\n".join(lines)

    # -- timers --------------------------------------------------------------------------------

    async def _on_remind(self, run: TimerRun) -> None:
        signal = await self.store.signal(int(run.timer.payload["signal_id"]), run.tx)
        if signal is None or signal.status != "open":
            return
        members = await self.store.members(signal.circle_id)
        for member in professionals(members, backup=False):
            await self._tell(
                run.tx,
                signal,
                member,
                source=f"zorg:{signal.id}:remind",
                intro=N_("Reminder: this worry has not been picked up yet."),
            )
            await self.store.log_signal(run.tx, signal.id, "bot", "reminded", member.display_name)
        await self.store.schedule(
            ESCALATE,
            acknowledge_within(signal.urgency, run.timer.due_at, self.tz),
            {"signal_id": signal.id},
            dedupe_key=f"{signal_key(signal.id)}escalate",
            priority=Priority.ALERT,
            tx=run.tx,
        )

    async def _on_escalate(self, run: TimerRun) -> None:
        signal = await self.store.signal(int(run.timer.payload["signal_id"]), run.tx)
        if signal is None or signal.status != "open":
            return
        members = await self.store.members(signal.circle_id)
        told = professionals(members, backup=True) + voorzitters(members)
        if not told:
            log.critical("worry %s not picked up and nobody else to tell", signal.id)
        for member in told:
            await self._tell(
                run.tx,
                signal,
                member,
                source=f"zorg:{signal.id}:escalate",
                intro=N_(
                    "Nobody has picked up this worry in time. Could you make sure it gets an owner?"
                ),
            )
            await self.store.log_signal(run.tx, signal.id, "bot", "escalated", member.display_name)
