"""Joint activities: announced in the group with "Ik kom", a reminder the day before."""

from __future__ import annotations

import datetime as dt
import html

from core.i18n import N_
from core.priority import Priority
from domain.records import Activity
from scheduling.timers import Scheduler, TimerRun
from services.service import Service

REMIND = "act.remind"
ACTIVITY_LABELS = {
    "soup": N_("🍲 Soup lunch"),
    "coffee": N_("☕ Coffee morning"),
    "walk": N_("🚶 A walk"),
    "other": N_("🎲 Something together"),
}
BUTTON_COMING = N_("✅ I'm coming")
BUTTON_NOT_COMING = N_("Not this time")


class Activities(Service):
    def register(self, scheduler: Scheduler) -> None:
        scheduler.register(REMIND, self._on_remind)

    def markup(self, t, activity_id: int) -> dict:
        return {
            "inline_keyboard": [
                [
                    {"text": t.gettext(BUTTON_COMING), "callback_data": f"ac:{activity_id}:yes"},
                    {"text": t.gettext(BUTTON_NOT_COMING), "callback_data": f"ac:{activity_id}:no"},
                ]
            ]
        }

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
        t = self.i18n.for_language(None)  # the group reads Dutch
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
            return [
                await self.store.enqueue_message(
                    tx,
                    circle.chat_id,
                    await self.post_text(t, activity),
                    reply_markup=self.markup(t, activity_id),
                    priority=Priority.INTERACTIVE,
                    source=f"act:post:{activity_id}",
                )
            ]

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
