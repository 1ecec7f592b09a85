"""/activiteit: announce a soepmoment or koffieochtend with "Ik kom"."""

from __future__ import annotations

import contextlib
import datetime as dt

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from core.i18n import I18n
from domain.activities import ACTIVITY_LABELS, ATTENDANCE, attendance_buttons
from domain.policy import Action
from domain.records import Circle, Member
from domain.requests import day_options
from handlers import groups, picker
from handlers.buttons import decoded, inline
from handlers.context import OmkijkContext
from handlers.menu import MENU_ACTIVITY, OPEN_BY_LINK, main_menu, menu_filter
from handlers.wizard import Wizard, answer_stale, typed
from services.activities import AttendStatus

TIMES = [10 * 60, 12 * 60, 14 * 60, 15 * 60 + 30, 19 * 60]


async def activity_command(update: Update, context: OmkijkContext) -> None:
    chosen = await picker.choose_circle(update, context, "activiteit", Action.SEE_MEMBERS)
    if chosen:
        await _begin(update, context, *chosen)


async def _begin(update: Update, context: OmkijkContext, circle: Circle, me: Member) -> None:
    await ACTIVITY_WIZARD.begin(update, context, {"circle_id": circle.id})


class ActivityWizard(Wizard):
    flow = "activity"
    prefix = "aw"
    first = "kind"

    async def step_kind(self, update: Update, context: OmkijkContext, state: dict) -> None:
        _ = context.t.gettext
        await self.ask(
            update,
            context,
            state,
            _("What would you like to do together?"),
            [[(_(label), kind)] for kind, label in ACTIVITY_LABELS.items()],
        )

    async def button_kind(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        if value not in ACTIVITY_LABELS:
            await answer_stale(update, context)
            return
        state["kind"] = value
        await self.goto(update, context, state, "day")

    async def step_day(self, update: Update, context: OmkijkContext, state: dict) -> None:
        today = context.services.clock.now().astimezone(context.services.i18n.timezone).date()
        days = [d for d in day_options(today) if d is not None]
        await self.ask(
            update,
            context,
            state,
            context.t.gettext("Which day?"),
            [[(context.t.date(d), d.isoformat())] for d in days],
        )

    async def button_day(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            await answer_stale(update, context)
            return
        state["day"] = value
        await self.goto(update, context, state, "time")

    async def step_time(self, update: Update, context: OmkijkContext, state: dict) -> None:
        await self.ask(
            update,
            context,
            state,
            context.t.gettext("At what time?"),
            [[(f"{m // 60:02d}:{m % 60:02d}", str(m))] for m in TIMES],
        )

    async def button_time(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        if not value.isdigit() or int(value) not in TIMES:
            await answer_stale(update, context)
            return
        state["at_minutes"] = int(value)
        await self.goto(update, context, state, "place")

    async def step_place(self, update: Update, context: OmkijkContext, state: dict) -> None:
        _ = context.t.gettext
        await self.ask(
            update,
            context,
            state,
            _("Where? Type the place, for example “the buurtkamer”, or skip this."),
            [[(_("Skip"), "skip")]],
        )

    async def text_place(self, update: Update, context: OmkijkContext, state: dict) -> None:
        state["place"] = await typed(update, context, 120) or None
        await self._announce(update, context, state)

    async def button_place(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        await self._announce(update, context, state)

    async def _announce(self, update: Update, context: OmkijkContext, state: dict) -> None:
        ids = await context.services.activities.announce(
            circle_id=state["circle_id"],
            kind=state["kind"],
            day=dt.date.fromisoformat(state["day"]),
            at_minutes=state["at_minutes"],
            place=state.get("place"),
            created_by=update.effective_user.id,
        )
        await context.services.outbox.deliver(context.bot, ids)
        _ = context.t.gettext
        await update.effective_message.reply_text(
            _("Announced in the group. Those who come will get a reminder the day before.")
            if ids
            else _("Saved, but the circle's group cannot be reached right now."),
            reply_markup=await main_menu(context),
        )


ACTIVITY_WIZARD = ActivityWizard()


async def attendance_button(update: Update, context: OmkijkContext) -> None:
    """``ac:<activity>:yes|no``: one tap, and the count on the post follows."""
    query = update.callback_query
    values = await decoded(update, context, ATTENDANCE)
    if values is None:
        return
    activities = context.services.activities
    result = await activities.attend(update.effective_user.id, values[0], values[1] == "yes")
    _ = context.t.gettext
    if result.status == AttendStatus.GONE:
        await answer_stale(update, context)
        return
    if result.status == AttendStatus.NOT_A_MEMBER:
        if await groups.join_first(update, context, result.activity.circle_id):
            return
        await query.answer(_("Join the circle first: tap “Join in” in the group."), show_alert=True)
        return
    coming = result.status == AttendStatus.COMING
    await query.answer(
        _("Nice, see you there!") if coming else _("Thank you for letting us know."),
        show_alert=True,
    )
    activity = result.activity
    t = context.services.i18n.for_language(None)
    text = await activities.post_text(t, activity)
    markup = inline(t, attendance_buttons(activity.id))
    for chat_id, message_id in await context.services.store.activity_posts(activity.id):
        # "Not modified" (the same answer twice) or a post that is gone: nothing to do.
        with contextlib.suppress(TelegramError):
            await context.bot.edit_message_text(
                text, chat_id=chat_id, message_id=message_id, reply_markup=markup
            )


def register(application: Application, i18n: I18n) -> None:
    picker.CIRCLE_PURPOSES["activiteit"] = (Action.SEE_MEMBERS, _begin)
    OPEN_BY_LINK["activiteit"] = activity_command
    ACTIVITY_WIZARD.register(application)
    application.add_handlers(
        [
            CommandHandler("activiteit", activity_command, filters=filters.ChatType.PRIVATE),
            MessageHandler(
                filters.ChatType.PRIVATE & menu_filter(i18n, MENU_ACTIVITY), activity_command
            ),
            CallbackQueryHandler(attendance_button, pattern=ATTENDANCE.pattern),
        ]
    )
