"""Joint activities: announced in the group with "Ik kom", a reminder the day before."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from enum import StrEnum

from core.i18n import N_
from core.priority import Priority
from domain.activities import ACTIVITY_LABELS, attendance_buttons
from domain.policy import Role
from domain.records import Activity
from scheduling.timers import Scheduler, TimerRun
from services.service import Service

REMIND = "act.remind"


class Activities(Service):
    def register(self, scheduler: Scheduler) -> None:
        scheduler.register(REMIND, self._on_remind)

    async def post_text(self, t, activity: Activity) -> str:
        time = f"{activity.at_minutes // 60:02d}:{activity.at_minutes % 60:02d}"
        text = t.gettext(
            "{what}: {day} at {time}.",
            what=t.gettext(ACTIVITY_LABELS.get(activity.kind, ACTIVITY_LABELS["other"])),
            day=t.date(activity.day),
            time=time,
        )
        if activity.place:
            text += "\n📍 " + html.escape(activity.place, quote=False)
        coming = await self.store.coming(activity.id)
        if coming:
            text += "\n\n" + t.gettext(
                "Coming: {count} ({names})",
                count=len(coming),
                names=", ".join(name for _id, name, _u in coming),
            )
        return text

    async def announce(
        self,
        *,
        circle_id: int,
        kind: str,
        day: dt.date,
        at_minutes: int,
        place: str | None,
        created_by: int,
    ) -> list[int]:
        circle = await self.store.circle(circle_id)
        async with self.store.db.write() as tx:
            activity_id = await self.store.create_activity(
                tx,
                circle_id=circle_id,
                kind=kind,
                day=day,
                at_minutes=at_minutes,
                place=place,
                created_by=created_by,
            )
            await self.store.clear_draft(created_by, tx)
            activity = await self.store.activity(activity_id, tx)
            remind_at = dt.datetime.combine(
                day - dt.timedelta(days=1), dt.time(19, 0), tzinfo=self.tz
            ).astimezone(dt.UTC)
            if remind_at > self.clock.now():
                await self.store.schedule(
                    REMIND,
                    remind_at,
                    {"activity_id": activity_id},
                    dedupe_key=f"act:{activity_id}:remind",
                    tx=tx,
                )
            if circle is None or circle.chat_id is None or not circle.active:
                return []
            message_id = await self._queue(
                tx,
                circle.chat_id,
                lambda t: self.post_text(t, activity),
                buttons=attendance_buttons(activity_id),
                priority=Priority.INTERACTIVE,
                source=f"act:post:{activity_id}",
            )
            await self.store.add_activity_post(tx, activity_id, message_id)
            return [message_id]

    async def _on_remind(self, run: TimerRun) -> None:
        activity = await self.store.activity(int(run.timer.payload["activity_id"]), run.tx)
        if activity is None:
            return
        for _member_id, _name, user_id in await self.store.coming(activity.id, run.tx):
            if user_id is None:
                continue
            t = await self._t(user_id)
            await self._send(
                run.tx,
                user_id,
                N_("A reminder: tomorrow {what}. See you there!"),
                what=await self.post_text(t, activity),
                priority=Priority.ROUTINE,
                source=f"act:remind:{activity.id}",
            )

    async def attend(self, user_id: int, activity_id: int, coming: bool) -> Attendance:
        """ "Ik kom" or "Deze keer niet": only a member of the activity's circle."""
        activity = await self.store.activity(activity_id)
        if activity is None:
            return Attendance(AttendStatus.GONE)
        me = await self.store.member_of(activity.circle_id, user_id)
        if me is None or not me.consented or me.role == Role.PROFESSIONAL:
            return Attendance(AttendStatus.NOT_A_MEMBER, activity)
        await self.store.set_attendance(activity.id, me.id, coming)
        return Attendance(AttendStatus.COMING if coming else AttendStatus.NOT_COMING, activity)


class AttendStatus(StrEnum):
    COMING = "coming"
    NOT_COMING = "not_coming"
    NOT_A_MEMBER = "not_a_member"  # join the circle first
    GONE = "gone"  # no such activity (any more)


@dataclass(frozen=True)
class Attendance:
    status: AttendStatus
    activity: Activity | None = None
