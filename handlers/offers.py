"""/aanbod: standing offers ("ik kan dinsdags rijden", asked first when a request fits)
and a break from giving ("ik kan even niets terugdoen"): always the presser's own."""

from __future__ import annotations

import datetime as dt
import logging

from babel.dates import get_day_names
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from core.callbacks import Choice, Codec, Int
from domain.policy import Action
from domain.records import Circle, Member
from domain.requests import (
    KIND_LABELS,
    NOT_A_TASK,
    Kind,
)
from handlers.context import OmkijkContext
from handlers.picker import CIRCLE_PURPOSES, choose_circle
from handlers.wizard import Wizard, answer_stale

log = logging.getLogger(__name__)


OFFER = Codec(
    "of",
    Choice("what", ("rm", "add", "rest", "restw", "wake")),
    Int("member"),
    Int("value"),
    optional=1,
)


REST_WEEKS = [2, 4, 12]


async def offers_command(update: Update, context: OmkijkContext) -> None:
    chosen = await choose_circle(update, context, "aanbod", Action.SEE_MEMBERS)
    if chosen:
        await _show_offers(update, context, *chosen)


async def _show_offers(update: Update, context: OmkijkContext, circle: Circle, me: Member) -> None:
    _ = context.t.gettext
    store = context.services.store
    offers = await store.offers_of(me.id)
    resting = await store.resting_until(me.id)
    today = context.services.clock.now().astimezone(context.services.i18n.timezone).date()
    lines = [_("🤲 <b>What you offer</b>")]
    names = get_day_names("wide", locale=context.t.locale)
    rows = []
    for offer_id, kind, weekday in offers:
        label = _(KIND_LABELS[Kind(kind)]) + (f" ({names[weekday]})" if weekday is not None else "")
        lines.append("• " + label)
        rows.append(
            [InlineKeyboardButton("🗑 " + label, callback_data=OFFER.encode("rm", me.id, offer_id))]
        )
    if not offers:
        lines.append(_("Nothing yet. When a request fits your offer, you are asked first."))
    rows.append(
        [InlineKeyboardButton(_("➕ Offer something"), callback_data=OFFER.encode("add", me.id))]
    )
    if resting and resting >= today:
        lines.append(
            _(
                "You are taking a break until {date}: the bot asks nothing of you.",
                date=context.t.date(resting),
            )
        )
        rows.append(
            [InlineKeyboardButton(_("▶️ I'm back"), callback_data=OFFER.encode("wake", me.id))]
        )
    else:
        rows.append(
            [
                InlineKeyboardButton(
                    _("⏸ I can't give anything back for a while"),
                    callback_data=OFFER.encode("rest", me.id),
                )
            ]
        )
    await update.effective_message.reply_text(
        "\n".join(lines), reply_markup=InlineKeyboardMarkup(rows)
    )


async def offers_button(update: Update, context: OmkijkContext) -> None:
    """``of:<what>:<member>[:<value>]``: only ever about the presser's own membership."""
    query = update.callback_query
    values = OFFER.decode(query.data)
    store = context.services.store
    me = await store.member(values[1]) if values else None
    _ = context.t.gettext
    if me is None or me.user_id != update.effective_user.id:
        await query.answer(_("This is not possible for you (any more)."), show_alert=True)
        return
    what, value = values[0], values[2]
    circle = await store.circle(me.circle_id)
    today = context.services.clock.now().astimezone(context.services.i18n.timezone).date()
    await query.answer()
    if what == "add":
        await OFFER_WIZARD.begin(update, context, {"member_id": me.id})
        return
    if what == "rm" and value:
        await context.services.offers.remove(me, value)
    elif what == "rest":
        await update.effective_message.reply_text(
            _(
                "That is fine: receiving for a while without giving back is what a circle is "
                "for. Until when?"
            ),
            reply_markup=InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            context.t.ngettext("{n} week", "{n} weeks", weeks),
                            callback_data=OFFER.encode("restw", me.id, weeks),
                        )
                        for weeks in REST_WEEKS
                    ]
                ]
            ),
        )
        return
    elif what == "restw" and value and value in REST_WEEKS:
        await context.services.offers.rest(me, today + dt.timedelta(weeks=value))
    elif what == "wake":
        await context.services.offers.rest(me, None)
    await _show_offers(update, context, circle, await store.member(me.id))


class OfferWizard(Wizard):
    flow = "offer"
    prefix = "ow"
    first = "kind"

    async def step_kind(self, update: Update, context: OmkijkContext, state: dict) -> None:
        _ = context.t.gettext
        await self.ask(
            update,
            context,
            state,
            _("What could you do for a neighbour?"),
            [[(_(KIND_LABELS[k]), k.value)] for k in Kind if k not in NOT_A_TASK],
        )

    async def button_kind(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        if value not in {k.value for k in Kind} or Kind(value) in NOT_A_TASK:
            await answer_stale(update, context)
            return
        state["kind"] = value
        await self.goto(update, context, state, "weekday")

    async def step_weekday(self, update: Update, context: OmkijkContext, state: dict) -> None:
        _ = context.t.gettext
        names = get_day_names("wide", locale=context.t.locale)
        await self.ask(
            update,
            context,
            state,
            _("On which day of the week?"),
            [[(_("Any day"), "any")]] + [[(names[d], str(d))] for d in range(7)],
        )

    async def button_weekday(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        if value != "any" and not (value.isdigit() and int(value) < 7):
            await answer_stale(update, context)
            return
        store = context.services.store
        member = await store.member(state["member_id"])
        if member is None or member.user_id != update.effective_user.id:
            await answer_stale(update, context)
            return
        weekday = None if value == "any" else int(value)
        await context.services.offers.add(member, state["kind"], weekday)
        circle = await store.circle(member.circle_id)
        await _show_offers(update, context, circle, member)


OFFER_WIZARD = OfferWizard()


def register(application: Application) -> None:
    CIRCLE_PURPOSES["aanbod"] = (Action.SEE_MEMBERS, _show_offers)
    OFFER_WIZARD.register(application)
    application.add_handlers(
        [
            CommandHandler("aanbod", offers_command, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(offers_button, pattern=OFFER.pattern),
        ]
    )
