"""Which circle: the one a person is in, or, with several, a question with buttons;
and the check that a button press is allowed in the circle it names. Features say
what happens once the circle is chosen (``CIRCLE_PURPOSES``) when they register."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler

from core.callbacks import Codec, Int, Word
from domain.policy import Action, may
from domain.records import Circle, Member
from handlers.buttons import decoded
from handlers.context import OmkijkContext
from handlers.wizard import answer_stale

CIRCLE_CHOSEN = Codec("k", Word("purpose", "[a-z]+"), Int("circle"))


async def circles_allowing(
    context: OmkijkContext, user_id: int, action: Action
) -> list[tuple[Circle, Member]]:
    """The circles (with the membership) in which this person may do this."""
    return [
        (c, m) for c, m in await context.services.store.memberships(user_id) if may(m, action, c)
    ]


async def choose_circle(
    update: Update, context: OmkijkContext, purpose: str, action: Action
) -> tuple[Circle, Member] | None:
    """The one circle this is about; with several, ask once with buttons."""
    _ = context.t.gettext
    memberships = [
        (c, m)
        for c, m in await context.services.store.memberships(update.effective_user.id)
        if m.consented
    ]
    allowed = [(c, m) for c, m in memberships if may(m, action, c)]
    if not memberships:
        await update.effective_message.reply_text(
            _(
                "You are not part of a neighbourhood circle yet. Ask someone from your circle "
                "for the “Join in” link, or tap it in your group."
            )
        )
        return None
    if not allowed:
        await update.effective_message.reply_text(
            _(
                "Only the voorzitter (and sometimes a superbuur) can do this. Ask them if you "
                "need it."
            )
        )
        return None
    if len(allowed) == 1:
        return allowed[0]
    buttons = [
        [InlineKeyboardButton(c.title, callback_data=CIRCLE_CHOSEN.encode(purpose, c.id))]
        for c, _m in allowed
    ]
    await update.effective_message.reply_text(
        _("Which circle is this about?"), reply_markup=InlineKeyboardMarkup(buttons)
    )
    return None


async def membership_for(
    update: Update, context: OmkijkContext, circle_id: int, action: Action
) -> tuple[Circle, Member] | None:
    """For a button press: is this person in this circle, and may they do this?"""
    store = context.services.store
    circle = await store.circle(circle_id)
    member = await store.member_of(circle_id, update.effective_user.id) if circle else None
    if circle is None or not may(member, action, circle):
        await update.callback_query.answer(
            context.t.gettext("This is not possible for you (any more)."), show_alert=True
        )
        return None
    return circle, member


# What to do once the circle is chosen: purpose -> (the right needed, what to do).
CIRCLE_PURPOSES: dict[str, tuple[Action, Callable[..., Awaitable[None]]]] = {}


async def circle_chosen(update: Update, context: OmkijkContext) -> None:
    """``k:<purpose>:<circle id>``: the answer to "which circle?"."""
    query = update.callback_query
    values = await decoded(update, context, CIRCLE_CHOSEN)
    if values is None:
        return
    purpose, circle_id = values
    if purpose not in CIRCLE_PURPOSES:
        await answer_stale(update, context)
        return
    action, then = CIRCLE_PURPOSES[purpose]
    allowed = await membership_for(update, context, circle_id, action)
    if allowed is None:
        return
    await query.answer()
    await then(update, context, *allowed)


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(circle_chosen, pattern=CIRCLE_CHOSEN.pattern))
