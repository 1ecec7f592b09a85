"""Free words and voice outside a question: understood, said back, never dropped.

"Kan iemand morgen boodschappen voor me doen?" gets "Wil je hulp vragen bij
boodschappen, morgen?" with a button that starts the request with all of it filled
in; "ik voel me niet zo lekker" offers to let the neighbours know; a voice message
offers to send it as a request for help or as a worry. A reply in words to the
"Alles goed?" question is an answer to it. What the rules cannot place gets the menu.
What was said waits in a draft until the person chooses, so nothing is lost.
"""

from __future__ import annotations

import datetime as dt

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler

from core.callbacks import Choice, Codec
from domain.policy import Action
from domain.records import Circle, Member
from domain.requests import KIND_WORDS, Kind
from domain.understanding import Intent, understand
from domain.waakvlam import ANSWER, Answer
from handlers import picker, requests, signals, waakvlam
from handlers.buttons import decoded
from handlers.context import OmkijkContext
from handlers.menu import main_menu
from handlers.wizard import mark_chosen
from services.waakvlam import Done

FLOW = "understood"  # the draft that holds what was said until the person chooses
CHOICE = Codec("fw", Choice("action", ("ask", "worry", "notwell", "contact", "no")))


def _checkin_answered(message) -> int | None:
    """The round of the "Alles goed?" question this message replies to, if any."""
    replied = message.reply_to_message
    markup = replied.reply_markup if replied is not None else None
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            values = ANSWER.decode(button.callback_data or "")
            if values is not None:
                return values[0]
    return None


async def understood(update: Update, context: OmkijkContext) -> bool:
    """Answer free words or a voice message from a member. False: nothing placed."""
    message, user = update.effective_message, update.effective_user
    store = context.services.store
    if not [m for _c, m in await store.memberships(user.id) if m.consented]:
        return False
    _ = context.t.gettext
    if message.voice is not None:
        await context.services.people.save_draft(
            user.id, FLOW, {"voice_file_id": message.voice.file_id}
        )
        await message.reply_text(
            _("I have your voice message. What shall I do with it?"),
            reply_markup=_buttons(
                context,
                [(_("🙏 Send it as a request for help"), "ask")],
                [(_("💭 Share it as a worry"), "worry")],
            ),
        )
        return True
    if not message.text:
        return False
    today = context.services.clock.now().astimezone(context.services.i18n.timezone).date()
    said = understand(message.text, today)
    round_id = _checkin_answered(message)
    answers = {Intent.ALL_WELL: Answer.OK, Intent.NOT_WELL: Answer.NOT_WELL}
    answers[Intent.CONTACT] = Answer.CONTACT
    if round_id is not None and said.intent in answers:
        outcome = await context.services.waakvlam.answer(user.id, round_id, answers[said.intent])
        await context.services.outbox.deliver(context.bot, outcome.message_ids)
        if outcome.status == Done.ANSWERED:
            await waakvlam.tell_answer(update, context, outcome)
            return True
    if said.intent in (Intent.ALL_WELL, Intent.UNKNOWN):
        return False
    await context.services.people.save_draft(
        user.id,
        FLOW,
        {
            "details": message.text,
            "kind": said.kind.value if said.kind else None,
            "day": said.day.isoformat() if said.day else None,
        },
    )
    if said.intent == Intent.ASK_HELP:
        what = _(KIND_WORDS[said.kind]) if said.kind else None
        day = _day(context, said.day, today) if said.day else None
        if what and day:
            question = _("Would you like to ask for help with {what}, {day}?", what=what, day=day)
        elif what:
            question = _("Would you like to ask for help with {what}?", what=what)
        else:
            question = _("Would you like to ask the circle for help?")
        rows = [[(_("🙏 Yes, ask for it"), "ask")], [(_("Something else"), "no")]]
    elif said.intent == Intent.WORRY:
        question = _("Would you like to share a worry? I will take along what you wrote.")
        rows = [[(_("💭 Yes, share a worry"), "worry")], [(_("Something else"), "no")]]
    elif said.intent == Intent.NOT_WELL:
        question = _(
            "I am sorry you are not feeling well. Shall I ask your neighbours to get in "
            "touch with you? In an emergency: call 112."
        )
        rows = [[(_("😟 Yes, let them know"), "notwell")], [(_("No, thank you"), "no")]]
    else:
        question = _("Would you like a neighbour to get in touch with you?")
        rows = [[(_("☕ Yes, please"), "contact")], [(_("No, thank you"), "no")]]
    await message.reply_text(question, reply_markup=_buttons(context, *rows))
    return True


def _day(context: OmkijkContext, day: dt.date, today: dt.date) -> str:
    _ = context.t.gettext
    if day == today:
        return _("today")
    if day == today + dt.timedelta(days=1):
        return _("tomorrow")
    return context.t.date(day)


def _buttons(context: OmkijkContext, *rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=CHOICE.encode(v)) for label, v in row]
            for row in rows
        ]
    )


async def choice_button(update: Update, context: OmkijkContext) -> None:
    """``fw:<action>``: what to do with what was said."""
    values = await decoded(update, context, CHOICE)
    if values is None:
        return
    await update.callback_query.answer()
    await mark_chosen(update)
    action = values[0]
    if action == "no":
        await context.services.people.clear_draft(update.effective_user.id)
        await update.effective_message.reply_text(
            context.t.gettext("Fine. Here is the menu."), reply_markup=await main_menu(context)
        )
        return
    purpose = {"ask": "fwhulp", "worry": "fwzorg"}.get(action, "fwbuur")
    said = await _said(context, update.effective_user.id)
    if not said and action in ("ask", "worry"):
        said = {}  # the draft is gone (a second tap, or a restart): start afresh
    await context.services.people.save_draft(
        update.effective_user.id, FLOW, {**said, "action": action}
    )
    chosen = await picker.choose_circle(update, context, purpose, Action.SEE_MEMBERS)
    if chosen:
        await PURPOSES[purpose](update, context, *chosen, action=action)


async def _said(context: OmkijkContext, user_id: int) -> dict:
    draft = await context.services.store.draft(user_id)
    return draft[1] if draft and draft[0] == FLOW else {}


async def _ask(
    update: Update, context: OmkijkContext, circle: Circle, me: Member, action: str = "ask"
) -> None:
    said = await _said(context, update.effective_user.id)
    await requests.begin_with(
        update,
        context,
        circle,
        me,
        kind=Kind(said["kind"]) if said.get("kind") else None,
        day=dt.date.fromisoformat(said["day"]) if said.get("day") else None,
        details=said.get("details"),
        voice_file_id=said.get("voice_file_id"),
    )


async def _worry(
    update: Update, context: OmkijkContext, circle: Circle, me: Member, action: str = "worry"
) -> None:
    said = await _said(context, update.effective_user.id)
    await signals.begin_with(
        update,
        context,
        circle,
        me,
        details=said.get("details"),
        voice_file_id=said.get("voice_file_id"),
    )


async def _neighbours(
    update: Update, context: OmkijkContext, circle: Circle, me: Member, action: str = ""
) -> None:
    action = action or (await _said(context, update.effective_user.id)).get("action", "")
    answer = Answer.NOT_WELL if action == "notwell" else Answer.CONTACT
    await context.services.people.clear_draft(update.effective_user.id)
    outcome = await context.services.waakvlam.need_now(update.effective_user.id, me.id, answer)
    await context.services.outbox.deliver(context.bot, outcome.message_ids)
    if outcome.status == Done.ANSWERED:
        await waakvlam.tell_answer(update, context, outcome)
    else:  # asked already (a second yes): said, never a silence
        await update.effective_message.reply_text(
            context.t.gettext(
                "Your neighbours know already, and someone will get in touch with you. "
                "In an emergency: call 112."
            ),
            reply_markup=await main_menu(context),
        )


PURPOSES = {"fwhulp": _ask, "fwzorg": _worry, "fwbuur": _neighbours}


def register(application: Application) -> None:
    # Chosen through the circle picker, when someone is in several circles.
    picker.CIRCLE_PURPOSES["fwhulp"] = (Action.SEE_MEMBERS, _ask)
    picker.CIRCLE_PURPOSES["fwzorg"] = (Action.SEE_MEMBERS, _worry)
    picker.CIRCLE_PURPOSES["fwbuur"] = (Action.SEE_MEMBERS, _neighbours)
    application.add_handler(CallbackQueryHandler(choice_button, pattern=CHOICE.pattern))
