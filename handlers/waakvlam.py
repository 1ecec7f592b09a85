"""/waakvlam: a member's own "Alles goed?" settings, and the buttons of the ladder."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import logging
import re

from babel.dates import get_day_names
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from core.i18n import N_, I18n
from domain.calendar import parse_time
from domain.policy import Action, Role, checkin_rights
from domain.records import Circle, Member
from domain.waakvlam import (
    ANSWER,
    DECLINE_CONTACT,
    EVERY_DAY,
    LADDER_ACTION,
    SETTINGS,
    WEEKDAYS,
    Answer,
    CheckinSettings,
    ladder_contacts,
)
from handlers import picker
from handlers.buttons import decoded
from handlers.context import OmkijkContext
from handlers.menu import MENU_CHECKIN, OPEN_BY_LINK, main_menu, menu_filter
from handlers.wizard import Wizard, answer_stale, mark_chosen
from services.waakvlam import Done, Outcome

# The whole day in half hours; any other time can be typed ("9.15").
log = logging.getLogger(__name__)

TIMES = [f"{m // 60:02d}:{m % 60:02d}" for m in range(0, 24 * 60, 30)]
TYPED_TIME = "checkin_time"  # the draft while the time screen waits for a typed time
TYPED_TIME_WAITS = dt.timedelta(minutes=15)  # after that, typed words are no answer to it
HOLIDAY_WEEKS = [1, 2, 3, 4]


async def waakvlam_command(update: Update, context: OmkijkContext) -> None:
    chosen = await picker.choose_circle(update, context, "waakvlam", Action.SEE_MEMBERS)
    if chosen:
        await _start(update, context, *chosen)


async def _start(update: Update, context: OmkijkContext, circle: Circle, me: Member) -> None:
    """Members see their own settings; coordinators are asked for whom first."""
    if me.role not in (Role.SUPERBUUR, Role.VOORZITTER):
        await _show(update, context, me, me)
        return
    _ = context.t.gettext
    others = [
        m
        for m in await context.services.store.members(circle.id)
        if m.id != me.id and checkin_rights(me, m)
    ]
    buttons = [
        [InlineKeyboardButton(_("For myself"), callback_data=SETTINGS.encode(me.id, "show"))]
    ]
    buttons += [
        [
            InlineKeyboardButton(
                m.display_name + (" 📵" if m.no_phone else ""),
                callback_data=SETTINGS.encode(m.id, "show"),
            )
        ]
        for m in others
    ]
    await update.effective_message.reply_text(
        _(
            "Whose “All well?” is this about? For neighbours who have a smartphone you can only "
            "pause it (holiday, hospital); they decide the rest themselves."
        ),
        reply_markup=InlineKeyboardMarkup(buttons),
    )


def _days_text(context: OmkijkContext, days: frozenset[int]) -> str:
    _ = context.t.gettext
    if days == EVERY_DAY:
        return _("every day")
    if days == WEEKDAYS:
        return _("on weekdays")
    names = get_day_names("wide", locale=context.t.locale)
    return ", ".join(names[d] for d in sorted(days)) or _("no days chosen")


async def _screen(
    context: OmkijkContext, me: Member, target: Member
) -> tuple[str, InlineKeyboardMarkup]:
    _ = context.t.gettext
    store = context.services.store
    s = await store.checkin_settings(target.id)
    rights = checkin_rights(me, target)
    members = await store.members(target.circle_id)
    if target.id == me.id:
        lines = [_("🕯️ <b>Your daily “All well?”</b>")]
    else:
        lines = [_("🕯️ <b>Daily “All well?” for {name}</b>", name=target.display_name)]
    if not s.enabled:
        lines.append(_("Status: off."))
    elif s.paused and s.paused_until:
        lines.append(_("Status: paused until {date}.", date=context.t.date(s.paused_until)))
    elif s.paused:
        lines.append(_("Status: paused until it is switched on again."))
    else:
        lines.append(_("Status: on."))
    lines.append(
        _("When: {days} at {time}.", days=_days_text(context, s.days), time=s.at.strftime("%H:%M"))
    )
    chosen = [m.display_name for m in members if m.id in s.contacts]
    contacts = ladder_contacts(s, target, members)
    if chosen:
        lines.append(_("Contact neighbours: {names}.", names=", ".join(chosen)))
    else:
        lines.append(
            _(
                "Contact neighbours: the superburen ({names}).",
                names=", ".join(m.display_name for m in contacts) or "–",
            )
        )
    lines.append(
        _(
            "Alert the professional when nobody can reach you: {answer}.",
            answer=_("yes") if s.professional_ok else _("no"),
        )
    )
    if s.enabled and not (s.paused and s.paused_until is None):
        upcoming = await _next(context, target.id)
        if upcoming:
            lines.append(_("Next time: {moment}.", moment=context.t.datetime(upcoming)))
    lines.append("")
    lines.append(
        _(
            "If nobody answers, the bot asks again after an hour, then your contact "
            "neighbours, then the voorzitter. The bot is no alarm service. In an "
            "emergency: call 112."
        )
    )
    rows: list[list[InlineKeyboardButton]] = []
    if rights == "full":
        rows.append(
            [
                InlineKeyboardButton(
                    _("Switch off") if s.enabled else _("✅ Switch on"),
                    callback_data=SETTINGS.encode(target.id, "off" if s.enabled else "on"),
                )
            ]
        )
        rows.append(
            [
                InlineKeyboardButton(
                    _("📅 Days"), callback_data=SETTINGS.encode(target.id, "days")
                ),
                InlineKeyboardButton(
                    _("🕙 Time"), callback_data=SETTINGS.encode(target.id, "time")
                ),
            ]
        )
        rows.append(
            [
                InlineKeyboardButton(
                    _("👥 Contact neighbours"), callback_data=SETTINGS.encode(target.id, "contacts")
                )
            ]
        )
        rows.append(
            [
                InlineKeyboardButton(
                    _("Professional may be alerted: yes")
                    if s.professional_ok
                    else _("Professional may be alerted: no"),
                    callback_data=SETTINGS.encode(target.id, "pro"),
                )
            ]
        )
    if rights in ("full", "pause") and s.enabled:
        if s.paused:
            rows.append(
                [
                    InlineKeyboardButton(
                        _("▶️ Switch on again"), callback_data=SETTINGS.encode(target.id, "resume")
                    )
                ]
            )
        else:
            rows.append(
                [
                    InlineKeyboardButton(
                        _("🧳 On holiday"), callback_data=SETTINGS.encode(target.id, "holiday")
                    ),
                    InlineKeyboardButton(
                        _("🏥 In hospital"), callback_data=SETTINGS.encode(target.id, "hospital")
                    ),
                ]
            )
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def _next(context: OmkijkContext, member_id: int) -> dt.datetime | None:
    from domain.waakvlam import next_checkin

    s = await context.services.store.checkin_settings(member_id)
    return next_checkin(s, context.services.clock.now(), context.services.i18n.timezone)


async def _show(
    update: Update, context: OmkijkContext, me: Member, target: Member, *, edit: bool = False
) -> None:
    text, markup = await _screen(context, me, target)
    if edit and update.callback_query is not None:
        try:
            await update.callback_query.edit_message_text(text, reply_markup=markup)
            return
        except TelegramError:
            pass  # e.g. "message is not modified": send it fresh below
    await update.effective_message.reply_text(text, reply_markup=markup)


async def settings_button(update: Update, context: OmkijkContext) -> None:
    """``wz:<member id>:<what>[:<value>]``: every change checked against the policy."""
    query = update.callback_query
    values = await decoded(update, context, SETTINGS)
    if values is None:
        return
    member_id, what, value = values
    store = context.services.store
    target = await store.member(member_id)
    if target is None:
        await answer_stale(update, context)
        return
    me = await store.member_of(target.circle_id, update.effective_user.id)
    rights = checkin_rights(me, target)
    pause_only = {"show", "holiday", "hospital", "resume", "until"}
    _ = context.t.gettext
    if rights is None or (rights == "pause" and what not in pause_only):
        await query.answer(_("This is not possible for you (any more)."), show_alert=True)
        return
    s = await store.checkin_settings(target.id)
    await _stop_waiting_for_a_time(context, update.effective_user.id)
    if what == "show":
        await query.answer()
        await _show(update, context, me, target, edit=True)
        return
    if what in ("days", "time", "contacts", "holiday"):
        await query.answer()
        await _sub_screen(update, context, target, s, what)
        if what == "time":
            # Typing "9.30" is an answer too, while this screen is the question.
            await context.services.people.save_draft(
                update.effective_user.id,
                TYPED_TIME,
                {"member_id": target.id, "since": context.services.clock.now().isoformat()},
            )
        return
    changed = _change(s, what, value, context.services.clock.now(), context)
    if changed is None:
        await answer_stale(update, context)
        return
    change = await context.services.waakvlam.change_settings(changed, update.effective_user.id)
    await context.services.outbox.deliver(context.bot, change.message_ids)
    if what in ("dt", "ct"):
        # Several days or neighbours may be chosen: the screen stays, its ✓ marks move.
        await query.answer()
        await _sub_screen(update, context, target, changed, _sub_of(what))
        return
    # One choice made: said aloud (an alert, not a passing toast), and the panel is back.
    await query.answer(_("Saved."), show_alert=True)
    await _show(update, context, me, target, edit=True)


def _sub_of(what: str) -> str:
    return {"dt": "days", "ct": "contacts"}.get(what, what)


async def _stop_waiting_for_a_time(context: OmkijkContext, user_id: int) -> None:
    draft = await context.services.store.draft(user_id)
    if draft is not None and draft[0] == TYPED_TIME:
        await context.services.people.clear_draft(user_id)


class TypedTime(Wizard):
    """A time typed while the time screen is open ("9.30", "09:30", "half tien")."""

    flow = TYPED_TIME
    prefix = "wt"  # no buttons of its own: the time screen's are the settings' buttons

    async def on_message(self, update: Update, context: OmkijkContext, state: dict) -> bool:
        message = update.effective_message
        text = message.text or ""
        at = parse_time(text)
        user_id = update.effective_user.id
        _ = context.t.gettext
        since = dt.datetime.fromisoformat(state.get("since") or "2000-01-01T00:00:00+00:00")
        if context.services.clock.now() - since > TYPED_TIME_WAITS:
            at = None  # the time screen was long ago: this is no answer to it
        elif at is None and len(text) <= 12 and any(ch.isdigit() for ch in text):
            # Meant as a time, surely ("25.00", "9.3O"): say how, and keep waiting.
            await message.reply_text(
                _("That is not a time I know. Type it like 9.30, or tap a time above.")
            )
            return True
        if at is None:
            # Something else entirely: the time screen no longer waits for it.
            await context.services.people.clear_draft(user_id)
            return False
        await context.services.people.clear_draft(user_id)
        store = context.services.store
        target = await store.member(state.get("member_id") or 0)
        me = await store.member_of(target.circle_id, user_id) if target else None
        if target is None or checkin_rights(me, target) != "full":
            await message.reply_text(_("This is not possible for you (any more)."))
            return True
        s = dataclasses.replace(await store.checkin_settings(target.id), at=at)
        change = await context.services.waakvlam.change_settings(s, user_id)
        await context.services.outbox.deliver(context.bot, change.message_ids)
        await _show(update, context, me, target)  # its "When: ... at 09:30" says it is saved
        return True


TYPED_TIME_ANSWER = TypedTime()


def _change(
    s: CheckinSettings, what: str, value: str | None, now: dt.datetime, context: OmkijkContext
) -> CheckinSettings | None:
    """The settings after one button press; None when the value makes no sense."""
    replace = dataclasses.replace
    if what == "on":
        return replace(s, enabled=True, paused=False, paused_until=None, pause_reason=None)
    if what == "off":
        return replace(s, enabled=False)
    if what == "pro":
        return replace(s, professional_ok=not s.professional_ok)
    if what == "dp" and value in ("all", "work", "week"):
        days = {"all": EVERY_DAY, "work": WEEKDAYS, "week": frozenset({0})}[value]
        return replace(s, days=days)
    if what == "dt" and value is not None and value.isdigit() and int(value) < 7:
        return replace(s, days=s.days ^ {int(value)})
    if what == "tm" and value is not None and re.fullmatch(r"([01]\d|2[0-3])[0-5]\d", value):
        return replace(s, at=dt.time(int(value[:2]), int(value[2:])))
    if what == "ct" and value is not None and value.isdigit():
        chosen = set(s.contacts) ^ {int(value)}
        return replace(s, contacts=tuple(sorted(chosen)))
    if what == "until" and value is not None and value.isdigit() and int(value) in HOLIDAY_WEEKS:
        today = now.astimezone(context.services.i18n.timezone).date()
        return replace(
            s,
            paused=True,
            pause_reason="holiday",
            paused_until=today + dt.timedelta(weeks=int(value)),
        )
    if what == "hospital":
        return replace(s, paused=True, pause_reason="hospital", paused_until=None)
    if what == "resume":
        return replace(s, paused=False, paused_until=None, pause_reason=None)
    return None


async def _sub_screen(
    update: Update, context: OmkijkContext, target: Member, s: CheckinSettings, what: str
) -> None:
    _ = context.t.gettext
    back = [InlineKeyboardButton(_("« Back"), callback_data=SETTINGS.encode(target.id, "show"))]
    # Where several may be chosen (days, neighbours), the way back is "that's it".
    ready = [InlineKeyboardButton(_("✅ Ready"), callback_data=SETTINGS.encode(target.id, "show"))]
    if what == "days":
        names = get_day_names("abbreviated", locale=context.t.locale)
        text = _("On which days? Now: {days}.", days=_days_text(context, s.days))
        rows = [
            [
                InlineKeyboardButton(
                    _("Every day"), callback_data=SETTINGS.encode(target.id, "dp", "all")
                ),
                InlineKeyboardButton(
                    _("Weekdays"), callback_data=SETTINGS.encode(target.id, "dp", "work")
                ),
            ],
            [
                InlineKeyboardButton(
                    _("Once a week"), callback_data=SETTINGS.encode(target.id, "dp", "week")
                )
            ],
            [
                InlineKeyboardButton(
                    ("✓ " if d in s.days else "") + names[d],
                    callback_data=SETTINGS.encode(target.id, "dt", d),
                )
                for d in range(4)
            ],
            [
                InlineKeyboardButton(
                    ("✓ " if d in s.days else "") + names[d],
                    callback_data=SETTINGS.encode(target.id, "dt", d),
                )
                for d in range(4, 7)
            ],
            ready,
        ]
    elif what == "time":
        text = _(
            "At what time? Now: {time}. Tap a time, or type one, for example 9.30.",
            time=s.at.strftime("%H:%M"),
        )
        buttons = [
            InlineKeyboardButton(
                ("✓ " if s.at.strftime("%H:%M") == t else "") + t,
                callback_data=SETTINGS.encode(target.id, "tm", t.replace(":", "")),
            )
            for t in TIMES
        ]
        rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)] + [back]
    elif what == "contacts":
        members = [
            m
            for m in await context.services.store.members(target.circle_id)
            if m.id != target.id and m.consented and not m.no_phone and m.role != Role.PROFESSIONAL
        ]
        text = _(
            "Who are your contact neighbours? They are asked to look in when nobody "
            "answers. Nobody chosen: the superburen."
        )
        rows = [
            [
                InlineKeyboardButton(
                    ("✓ " if m.id in s.contacts else "") + m.display_name,
                    callback_data=SETTINGS.encode(target.id, "ct", m.id),
                )
            ]
            for m in members
        ]
        rows.append(ready)
    else:  # holiday
        text = _("Until when are you away?")
        rows = [
            [
                InlineKeyboardButton(
                    context.t.ngettext("{n} week", "{n} weeks", weeks),
                    callback_data=SETTINGS.encode(target.id, "until", weeks),
                )
                for weeks in HOLIDAY_WEEKS
            ],
            back,
        ]
    markup = InlineKeyboardMarkup(rows)
    try:
        await update.callback_query.edit_message_text(text, reply_markup=markup)
    except TelegramError:
        await update.effective_message.reply_text(text, reply_markup=markup)


# -- the ladder's buttons ----------------------------------------------------------


# "All well" and "leave me be" need nothing more than this: the question itself says it.
ANSWERED_IN_PLACE = {
    Answer.OK: N_("✅ All well — good to hear!"),
    Answer.LEAVE_ME: N_("🙂 Leave me be for now — fine, I will leave you be."),
}


async def answer_button(update: Update, context: OmkijkContext) -> None:
    """``wv:<round>:<answer>``: the member's own answer to "Alles goed?". "All well" and
    "leave me be" edit the question itself (one message, not two); the others mark it
    too and say in a message who was asked to get in touch."""
    values = await decoded(update, context, ANSWER)
    if values is None:
        return
    outcome = await context.services.waakvlam.answer(
        update.effective_user.id, values[0], Answer(values[1])
    )
    if outcome.status == Done.ANSWERED and outcome.answer in ANSWERED_IN_PLACE:
        await update.callback_query.answer()
        await context.services.outbox.deliver(context.bot, outcome.message_ids)
        await _answered_in_place(
            update, context, context.t.gettext(ANSWERED_IN_PLACE[outcome.answer])
        )
        return
    await _after(update, context, outcome)
    if outcome.status == Done.ANSWERED:
        await tell_answer(update, context, outcome)


async def tell_answer(update: Update, context: OmkijkContext, outcome: Outcome) -> None:
    """What the member hears after answering "Alles goed?" (a tap, or their own words):
    only who was really asked, and the next step offered when they are not well."""
    _ = context.t.gettext
    # Only who was really asked; an empty name is a beheerder who never wrote to the bot.
    names = ", ".join(dict.fromkeys(name or _("the beheerder") for name in outcome.told))
    if names:
        replies = {
            Answer.CONTACT: _(
                "I have let {names} know that you would like some contact.", names=names
            ),
            Answer.NOT_WELL: _(
                "I am sorry to hear that. I have asked {names} to get in touch "
                "with you soon. In an emergency: call 112.",
                names=names,
            ),
        }
    else:
        replies = {
            Answer.CONTACT: _(
                "I could not reach anyone in your circle just now. Could you call someone "
                "you know yourself?"
            ),
            Answer.NOT_WELL: _(
                "I am sorry to hear that. I could not reach anyone in your circle just now. "
                "Please call someone you trust. In an emergency: call 112."
            ),
        }
    markup = await main_menu(context)
    if outcome.answer == Answer.NOT_WELL:
        # Offer the next step, without pushing: ask for help, or share a worry.
        markup = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(_("🙏 Ask for help"), callback_data="ask:start")],
                [InlineKeyboardButton(_("💭 Share a worry"), callback_data="worry:start")],
            ]
        )
    await update.effective_message.reply_text(replies[outcome.answer], reply_markup=markup)


async def _answered_in_place(update: Update, context: OmkijkContext, line: str) -> None:
    """The check-in message says what was answered, and its buttons go. A question
    Telegram no longer lets us edit (older than two days) gets the line as a message."""
    query = update.callback_query
    message = query.message
    if isinstance(message, Message) and message.text:
        try:
            await query.edit_message_text(f"{html.escape(message.text)}\n\n{line}")
            return
        except TelegramError:
            log.info("could not edit check-in message %s", message.message_id)
    await context.bot.send_message(update.effective_user.id, line)


async def neighbour_button(update: Update, context: OmkijkContext) -> None:
    """``wn:<round>:going|ok``: a neighbour or the chair on the ladder."""
    values = await decoded(update, context, LADDER_ACTION)
    if values is None:
        return
    outcome = await context.services.waakvlam.neighbour(update.effective_user.id, *values)
    await _after(update, context, outcome)
    _ = context.t.gettext
    if outcome.status == Done.GOING:
        await update.effective_message.reply_text(
            _(
                "Thank you! When you have had contact, tap “I had contact, all well” above, so "
                "the others know."
            )
        )
    elif outcome.status == Done.CONFIRMED:
        await update.effective_message.reply_text(
            _(
                "Thank you! I am letting the others know that all is well with {name}.",
                name=outcome.name,
            )
        )
    elif outcome.status == Done.HAD_CONTACT:
        await update.effective_message.reply_text(
            _(
                "Thank you! I am letting the others know that you had contact with {name}.",
                name=outcome.name,
            )
        )


async def decline_button(update: Update, context: OmkijkContext) -> None:
    """``wc:<member id>:no``: a chosen contact neighbour would rather not."""
    query = update.callback_query
    values = await decoded(update, context, DECLINE_CONTACT)
    if values is None:
        return
    outcome = await context.services.waakvlam.decline_contact(update.effective_user.id, values[0])
    _ = context.t.gettext
    if outcome.status == Done.NOT_YOURS:
        await query.answer(_("This is not possible for you (any more)."), show_alert=True)
        return
    await query.answer()
    await mark_chosen(update, drop_only=outcome.status != Done.DECLINED)
    if outcome.status == Done.DECLINED:
        await context.services.outbox.deliver(context.bot, outcome.message_ids)
        await update.effective_message.reply_text(
            _("Fine. {name} will hear it kindly. Thank you for letting us know.", name=outcome.name)
        )


async def _after(update: Update, context: OmkijkContext, outcome: Outcome) -> None:
    """Answer the tap, mark what was chosen, and send what the outcome queued."""
    query = update.callback_query
    _ = context.t.gettext
    if outcome.status == Done.NOT_YOURS:
        await query.answer(_("This is not possible for you (any more)."), show_alert=True)
        return
    already = {
        Done.ANSWERED_ALREADY: N_("You have answered already. Thank you!"),
        Done.ALREADY_WELL: N_("Already arranged: {name} is fine. Thank you!"),
        Done.ALREADY: N_("This has been taken care of already. Thank you!"),
    }
    if outcome.status in already:
        text = _(already[outcome.status], name=outcome.name)
        await query.answer(html.unescape(text), show_alert=True)
        await mark_chosen(update, drop_only=True)
        return
    await query.answer()
    if outcome.status != Done.GOING:
        await mark_chosen(update)
    await context.services.outbox.deliver(context.bot, outcome.message_ids)


async def sign_of_life(update: Update, context: OmkijkContext) -> None:
    """Runs before the handlers: a member's own message answers an open check-in."""
    if (
        update.message is None
        or update.effective_chat is None
        or update.effective_chat.type != "private"
        or update.effective_user is None
    ):
        return
    ids = await context.services.waakvlam.sign_of_life(update.effective_user.id)
    await context.services.outbox.deliver(context.bot, ids)


def register(application: Application, i18n: I18n) -> None:
    from telegram.ext import TypeHandler

    picker.CIRCLE_PURPOSES["waakvlam"] = (Action.SEE_MEMBERS, _start)
    OPEN_BY_LINK["waakvlam"] = waakvlam_command
    private = filters.ChatType.PRIVATE
    application.add_handler(TypeHandler(Update, sign_of_life), group=-5)
    TYPED_TIME_ANSWER.register(application)
    application.add_handlers(
        [
            CommandHandler("waakvlam", waakvlam_command, filters=private),
            MessageHandler(private & menu_filter(i18n, MENU_CHECKIN), waakvlam_command),
            CallbackQueryHandler(settings_button, pattern=SETTINGS.pattern),
            CallbackQueryHandler(answer_button, pattern=ANSWER.pattern),
            CallbackQueryHandler(neighbour_button, pattern=LADDER_ACTION.pattern),
            CallbackQueryHandler(decline_button, pattern=DECLINE_CONTACT.pattern),
        ]
    )
