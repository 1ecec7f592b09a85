"""The voorzitter's summary on demand (/overzicht), and exports for the signaleringsoverleg."""

from __future__ import annotations

from bot.services import OmkijkContext
from domain.summary import week_bounds
from storage.circles import Circle


async def send_summary(context: OmkijkContext, circle: Circle, user_id: int) -> None:
    """This week so far, with the chart."""
    summaries = context.services.summaries
    now = context.services.clock.now()
    start, _end = week_bounds(now, context.services.i18n.timezone)
    parts, chart = await summaries.compose(context.t, circle.id, start, now)
    for part in parts:
        await context.bot.send_message(user_id, part)
    await context.bot.send_photo(
        user_id,
        chart,
        caption=context.t.gettext("📈 The last eight weeks of {circle}.", circle=circle.title),
    )
