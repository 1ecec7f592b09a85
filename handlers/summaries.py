"""The voorzitter's summary on demand (/overzicht), and exports for the signaleringsoverleg."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler

from core.callbacks import Choice, Codec, Int
from domain.policy import Role
from domain.records import Circle
from domain.summary import export_csv, export_html, week_bounds
from handlers.context import OmkijkContext
from handlers.wizard import answer_stale


async def send_summary(context: OmkijkContext, circle: Circle, user_id: int) -> None:
    """This week so far, with the chart and the export buttons."""
    summaries = context.services.summaries
    _ = context.t.gettext
    now = context.services.clock.now()
    start, end = week_bounds(now, context.services.i18n.timezone)
    parts, chart = await summaries.compose(context.t, circle.id, start, end)
    for part in parts:
        await context.bot.send_message(user_id, part)
    await context.bot.send_photo(
        user_id, chart, caption=_("📈 The last eight weeks of {circle}.", circle=circle.title)
    )
    await export_buttons(context, circle, user_id)


EXPORT = Codec("ov", Choice("format", ("csv", "html")), Int("circle"))


async def export_buttons(context: OmkijkContext, circle: Circle, user_id: int) -> None:
    _ = context.t.gettext
    await context.bot.send_message(
        user_id,
        _("Figures for the signaleringsoverleg (no names, no content):"),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        _("📄 Spreadsheet (CSV)"), callback_data=EXPORT.encode("csv", circle.id)
                    )
                ],
                [
                    InlineKeyboardButton(
                        _("🌐 Page to print"), callback_data=EXPORT.encode("html", circle.id)
                    )
                ],
            ]
        ),
    )


async def export_button(update: Update, context: OmkijkContext) -> None:
    query = update.callback_query
    values = EXPORT.decode(query.data)
    store = context.services.store
    circle = await store.circle(values[1]) if values else None
    me = await store.member_of(circle.id, update.effective_user.id) if circle else None
    if circle is None:
        await answer_stale(update, context)
        return
    if me is None or not me.consented or me.role not in (Role.VOORZITTER, Role.PROFESSIONAL):
        await query.answer(
            context.t.gettext("This is not possible for you (any more)."), show_alert=True
        )
        return
    await query.answer()
    rows = await context.services.summaries.export_rows(circle.id)
    slug = re.sub(r"[^a-z0-9]+", "-", circle.title.lower()).strip("-") or "kring"
    if values[0] == "csv":
        await update.effective_message.reply_document(
            export_csv(context.t, rows), filename=f"cijfers-{slug}.csv"
        )
    else:
        await update.effective_message.reply_document(
            export_html(context.t, circle.title, rows), filename=f"cijfers-{slug}.html"
        )


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(export_button, pattern=EXPORT.pattern))
