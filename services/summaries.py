"""The weekly summary for the voorzitter: Monday 09:00 by default, durable like the rest."""

from __future__ import annotations

import datetime as dt
import logging

from core.i18n import Translator
from core.priority import Priority
from domain.calendar import next_local_time
from domain.chart import weeks_chart
from domain.summary import split_message, summary_text, week_bounds
from scheduling.timers import Scheduler, TimerRun
from services.service import Service

log = logging.getLogger(__name__)

WEEKLY = "summary.weekly"
SEND_AT = dt.time(9, 0)  # Monday morning


def _weekly(circle_id: int, due: dt.datetime) -> tuple[dict[str, int], str]:
    """A circle's weekly summary timer: its payload and its key (one per week)."""
    return {"circle_id": circle_id}, f"summary:{circle_id}:{due.date()}"


class Summaries(Service):
    def register(self, scheduler: Scheduler) -> None:
        scheduler.register(WEEKLY, self._on_weekly)

    def _next_monday(self, after: dt.datetime) -> dt.datetime:
        due = next_local_time(after, self.tz, SEND_AT, weekdays={0})
        assert due is not None  # a Monday always comes
        return due

    async def ensure_scheduled(self, circle_id: int, tx=None) -> None:
        due = self._next_monday(self.clock.now())
        payload, key = _weekly(circle_id, due)
        await self.store.schedule(WEEKLY, due, payload, dedupe_key=key, tx=tx)

    async def ensure_all(self) -> None:
        due = self._next_monday(self.clock.now())
        circles = await self.store.active_circles()
        await self.store.schedule_many(WEEKLY, due, [_weekly(c, due) for c in circles])

    async def compose(
        self, t: Translator, circle_id: int, start: dt.datetime, end: dt.datetime
    ) -> tuple[list[str], bytes]:
        circle = await self.store.circle(circle_id)
        figures = await self.store.week_figures(circle_id, start, end)
        members = await self.store.members(circle_id)
        unreachable = [
            m.display_name
            for m in members
            if m.user_id is not None and m.consented and not m.reachable
        ]
        text = summary_text(t, circle.title if circle else "?", start, end, figures, unreachable)
        weeks = []
        for back in range(7, -1, -1):
            week_start = start - dt.timedelta(weeks=back)
            week_end = week_start + dt.timedelta(weeks=1)
            data = await self.store.week_figures(circle_id, week_start, week_end)
            weeks.append(
                {
                    "label": t.short_date(week_start.astimezone(self.tz).date()),
                    "asked": data["asked"],
                    "helped": data["helped"],
                    "alerts": data["to_neighbours"],
                }
            )
        return split_message(text), weeks_chart(t, weeks)

    async def export_rows(self, circle_id: int, weeks: int = 4) -> list[dict[str, object]]:
        """The last ``weeks`` full weeks plus this one, counts only."""
        start, _end = week_bounds(self.clock.now(), self.tz)
        rows = []
        for back in range(weeks, -1, -1):
            week_start = start - dt.timedelta(weeks=back)
            data = await self.store.week_figures(
                circle_id, week_start, week_start + dt.timedelta(weeks=1)
            )
            rows.append(
                {
                    "week": week_start.astimezone(self.tz).date().isoformat(),
                    "asked": data["asked"],
                    "helped": data["helped"],
                    "open": data["open"],
                    "chats": data["chats"],
                    "checkins": data["rounds"],
                    "to_neighbours": data["to_neighbours"],
                    "to_chair": data["to_chair"],
                    "open_worries": data["open_signals"],
                }
            )
        return rows

    async def _on_weekly(self, run: TimerRun) -> None:
        circle_id = int(run.timer.payload["circle_id"])
        circle = await self.store.circle(circle_id)
        if circle is None:
            return
        # Next week's first, so a failure below cannot end the chain.
        due = self._next_monday(run.timer.due_at)
        await self.store.schedule(
            WEEKLY,
            due,
            {"circle_id": circle_id},
            dedupe_key=f"summary:{circle_id}:{due.date()}",
            tx=run.tx,
        )
        if not circle.active:
            return
        start, end = week_bounds(run.timer.due_at - dt.timedelta(days=7), self.tz)
        for member in await self.store.members(circle_id):
            if member.role != "voorzitter" or member.user_id is None or not member.consented:
                continue
            person = await self.store.user(member.user_id)
            t = self.i18n.for_language(person.language if person else None)
            parts, chart = await self.compose(t, circle_id, start, end)
            for part in parts:
                await self._queue(
                    run.tx,
                    member.user_id,
                    part,
                    priority=Priority.ROUTINE,
                    source=f"summary:{circle_id}",
                )
            await self._queue(
                run.tx,
                member.user_id,
                t.gettext("📈 The last eight weeks of {circle}.", circle=circle.title),
                priority=Priority.ROUTINE,
                source=f"summary:{circle_id}:chart",
                photo=chart,
            )
