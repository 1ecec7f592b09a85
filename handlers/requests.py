"""Asking for help and helping: the "Ik zoek hulp" wizard, "Ik help", /helpen and /taken."""

from __future__ import annotations

import datetime as dt
import html
import logging

from telegram import MaybeInaccessibleMessage, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from core.i18n import N_, I18n
from domain.policy import Action, Role
from domain.records import Circle, HelpRequest, Member
from domain.requests import (
    FIRST_KINDS,
    KIND_LABELS,
    NOT_A_TASK,
    REQUEST_ACTION,
    REQUEST_LIFECYCLE,
    TIMES,
    Kind,
    RequestStatus,
    asker_buttons,
    day_options,
    help_buttons,
    helper_buttons,
    private_audience,
    voice_audience_text,
)
from domain.safeguards import asks_for_money
from handlers import groups, picker, telling
from handlers.buttons import decoded, inline, own_buttons
from handlers.context import OmkijkContext
from handlers.menu import MENU_ASK, MENU_HELP_OTHERS, OPEN_BY_LINK, main_menu, menu_filter
from handlers.wizard import Wizard, answer_stale
from services.requests import HelpStatus, Result

log = logging.getLogger(__name__)
ASK = "ask"
MANY_HANDS = {Kind.JOB, Kind.OTHER}  # kinds that may need several helpers
# Who may see a request: the choice on the summary (its labels are the old question's).
VISIBILITY_LABELS = {
    "circle": N_("The whole circle (in the group)"),
    "coordinators": N_("Only the superburen and the voorzitter"),
}


async def ask_command(update: Update, context: OmkijkContext) -> None:
    chosen = await picker.choose_circle(update, context, "hulp", Action.SEE_MEMBERS)
    if chosen:
        await _begin(update, context, *chosen)


async def _begin(update: Update, context: OmkijkContext, circle: Circle, me: Member) -> None:
    state = {"circle_id": circle.id, "member_id": me.id, "visibility": "circle"}
    if me.role in (Role.SUPERBUUR, Role.VOORZITTER):
        # A superbuur or voorzitter may ask on behalf of someone (also without a phone).
        state["on_behalf"] = True
    await ASK_WIZARD.begin(update, context, state)


async def begin_with(
    update: Update,
    context: OmkijkContext,
    circle: Circle,
    me: Member,
    *,
    kind: Kind | None,
    day: dt.date | None,
    details: str | None,
    voice_file_id: str | None,
) -> None:
    """Start asking for help with what the person already said in their own words
    (free words or a voice message): the wizard asks only what is still missing."""
    state: dict = {"circle_id": circle.id, "member_id": me.id}
    if details:
        state["details"] = " ".join(details.split())[:500]
    if voice_file_id:
        state["voice_file_id"] = voice_file_id
    if asks_for_money(state.get("details")):
        await ASK_WIZARD._money_refused(update, context, state)
        return
    today = context.services.clock.now().astimezone(context.services.i18n.timezone).date()
    if day not in day_options(today):
        day = None  # over already, or too far ahead: the summary offers "when"
    if kind is None:
        state["first_step"] = "kind"  # then the summary, with the words on it
    else:
        state["kind"] = kind.value
        state["visibility"] = "coordinators" if kind in NOT_A_TASK else "circle"
        state.update(day=day.isoformat() if day else None, at_minutes=None, repeat_weekly=False)
        state["first_step"] = "confirm"  # everything known: the summary with ✅ Send
    await ASK_WIZARD.begin(update, context, state)


class AskWizard(Wizard):
    """Asking for help in three taps: the menu, the kind, Send. The summary that comes
    right after the kind has everything else as choices: when, who may see it, how
    many hands; a few typed words or a voice message add to it."""

    flow = ASK
    prefix = "hq"
    first = "kind"

    async def step_whom(self, update: Update, context: OmkijkContext, state: dict) -> None:
        _ = context.t.gettext
        members = [
            m
            for m in await context.services.store.members(state["circle_id"])
            if m.user_id != update.effective_user.id
            and m.role != Role.PROFESSIONAL
            and (m.consented or m.no_phone)
        ]
        await self.ask(
            update,
            context,
            state,
            _("Who is the help for?"),
            [[(_("For myself"), "me")]]
            + [[(m.display_name + (" 📵" if m.no_phone else ""), str(m.id))] for m in members],
        )

    async def button_whom(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        me = await context.services.store.member_of(state["circle_id"], update.effective_user.id)
        if value == "me":
            state["member_id"] = me.id if me else state["member_id"]
        else:
            member = await context.services.store.member(int(value)) if value.isdigit() else None
            if member is None or member.circle_id != state["circle_id"]:
                await answer_stale(update, context)
                return
            state["member_id"] = member.id
        await self.goto(update, context, state, "kind")

    async def step_kind(self, update: Update, context: OmkijkContext, state: dict) -> None:
        _ = context.t.gettext
        options = [[(_(KIND_LABELS[kind]), kind.value)] for kind in FIRST_KINDS]
        options.append([(_("➕ Something else…"), "_more")])
        if state.get("on_behalf"):
            options.append([(_("👤 For someone else"), "_whom")])
        await self.ask(
            update,
            context,
            state,
            _("What would you like help with? Asking is fine: that is what a circle is for."),
            options,
        )

    async def button_kind(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        if value == "_more":
            await self.goto(update, context, state, "more_kinds")
            return
        if value == "_whom" and state.get("on_behalf"):
            await self.goto(update, context, state, "whom")
            return
        await self._kind_chosen(update, context, state, value)

    async def step_more_kinds(self, update: Update, context: OmkijkContext, state: dict) -> None:
        _ = context.t.gettext
        await self.ask(
            update,
            context,
            state,
            _("What would you like help with? Asking is fine: that is what a circle is for."),
            [[(_(KIND_LABELS[kind]), kind.value)] for kind in Kind if kind not in FIRST_KINDS],
        )

    async def button_more_kinds(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        await self._kind_chosen(update, context, state, value)

    async def _kind_chosen(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        if value not in {k.value for k in Kind}:
            await answer_stale(update, context)
            return
        state["kind"] = value
        if Kind(value) in NOT_A_TASK:
            state["visibility"] = "coordinators"  # a chat goes privately to a superbuur
        elif state.get("visibility") not in ("circle", "coordinators"):
            state["visibility"] = "circle"
        await self.goto(update, context, state, "confirm")

    async def step_day(self, update: Update, context: OmkijkContext, state: dict) -> None:
        _ = context.t.gettext
        today = context.services.clock.now().astimezone(context.services.i18n.timezone).date()
        options = []
        for day in day_options(today):
            if day is None:
                label = _("Any day is fine")
            elif day == today:
                label = _("Today")
            elif day == today + dt.timedelta(days=1):
                label = _("Tomorrow")
            else:
                label = context.t.date(day)
            options.append([(label, day.isoformat() if day else "any")])
        await self.ask(update, context, state, _("When?"), options)

    async def button_day(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        if value == "any":
            state.update(day=None, at_minutes=None, repeat_weekly=False)
            await self.goto(update, context, state, "confirm")
            return
        today = context.services.clock.now().astimezone(context.services.i18n.timezone).date()
        if value not in {day.isoformat() for day in day_options(today) if day is not None}:
            await answer_stale(update, context)  # a day that is over, or a made-up one
            return
        state["day"] = value
        await self.goto(update, context, state, "time")

    async def step_time(self, update: Update, context: OmkijkContext, state: dict) -> None:
        _ = context.t.gettext
        options = [
            [
                (
                    _("Any time")
                    if minutes is None
                    else _("around {time}", time=f"{minutes // 60:02d}:{minutes % 60:02d}"),
                    "any" if minutes is None else str(minutes),
                )
            ]
            for minutes in TIMES
        ]
        await self.ask(update, context, state, _("At what time, roughly?"), options)

    async def button_time(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        if value != "any" and (not value.isdigit() or int(value) not in TIMES):
            await answer_stale(update, context)
            return
        state["at_minutes"] = None if value == "any" else int(value)
        await self.goto(update, context, state, "repeat")

    async def step_repeat(self, update: Update, context: OmkijkContext, state: dict) -> None:
        _ = context.t.gettext
        weekday = context.t.date(dt.date.fromisoformat(state["day"])).split()[0]
        await self.ask(
            update,
            context,
            state,
            _("Just once, or every week?"),
            [
                [(_("Just once"), "once")],
                [(_("Every week on {weekday}", weekday=weekday), "weekly")],
            ],
        )

    async def button_repeat(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        state["repeat_weekly"] = value == "weekly"
        await self.goto(update, context, state, "confirm")

    async def _money_refused(self, update: Update, context: OmkijkContext, state: dict) -> None:
        """Not posted: said kindly to the asker, and the voorzitter knows."""
        _ = context.t.gettext
        store = context.services.store
        await context.services.people.clear_draft(update.effective_user.id)
        await self.drop_old_screen(update, context, state)
        await update.effective_message.reply_text(
            _(
                "Requests about money, a PIN or a bank card are not passed on through the bot. "
                "That protects everyone against abuse. Never share your PIN, not even with "
                "neighbours. I have let the voorzitter know, so they can get in touch with you "
                "if you need something."
            ),
            reply_markup=await main_menu(context),
        )
        member = await store.member(state["member_id"])
        members = await store.members(state["circle_id"])
        chairs = [
            m
            for m in members
            if m.role == Role.VOORZITTER
            and m.consented
            and m.user_id not in (None, update.effective_user.id)
        ]
        await telling.tell_privately(
            context,
            chairs,
            N_(
                "{name} asked for something about money, a PIN or a bank card. I did not pass "
                "it on. Could you get in touch with {name}?"
            ),
            name=member.display_name if member else "?",
        )

    def _day_is_over(self, context: OmkijkContext, state: dict) -> bool:
        """The wizard stayed open across midnight: "today" is yesterday now."""
        today = context.services.clock.now().astimezone(context.services.i18n.timezone).date()
        return bool(state.get("day")) and dt.date.fromisoformat(state["day"]) < today

    async def _ask_day_again(self, update: Update, context: OmkijkContext, state: dict) -> None:
        await update.effective_message.reply_text(
            context.t.gettext("That day is over now. Which day would you like help?")
        )
        await self.goto(update, context, state, "day")

    async def step_confirm(self, update: Update, context: OmkijkContext, state: dict) -> None:
        """The summary, and the choices that change it in place; Send is one tap away."""
        _ = context.t.gettext
        desk = context.services.helpdesk
        kind = Kind(state["kind"])
        preview = HelpRequest(
            0,
            state["circle_id"],
            state["member_id"],
            None,
            state["kind"],
            dt.date.fromisoformat(state["day"]) if state.get("day") else None,
            state.get("at_minutes"),
            state.get("details"),
            state.get("voice_file_id"),
            state.get("visibility", "circle"),
            "open",
            None,
        )
        if kind in NOT_A_TASK:
            who = _("A superbuur will get your message privately.")
        elif state.get("voice_file_id"):
            people = private_audience(
                await context.services.store.members(state["circle_id"]),
                state["member_id"],
                update.effective_user.id,
            )
            who = _(voice_audience_text(people), names=_names(people))
        elif state.get("visibility") == "coordinators":
            who = _("Only the superburen and the voorzitter will see it.")
        else:
            who = _("It will be posted in the circle's group.")
        lines = [_("This is what I will send:"), await desk.post_text(context.t, preview), who]
        if kind in MANY_HANDS:
            lines.append(
                _("How many people are needed? Some jobs need several hands (a move, the garden).")
            )
        lines.append(_("Want to add something? Just type it, or send a voice message."))
        options: list[list[tuple[str, str]]] = [[(_("✅ Send"), "send")]]
        if kind not in NOT_A_TASK:
            options.append([("📅 " + _("When?"), "when")])
            if kind in MANY_HANDS:
                wanted = int(state.get("helpers_needed", 1))
                options.append(
                    [
                        (
                            ("✓ " if n == wanted else "")
                            + context.t.ngettext("{n} person", "{n} people", n),
                            f"h{n}",
                        )
                        for n in (1, 2, 3)
                    ]
                )
            seen_by = state.get("visibility", "circle")
            # A voice message goes to the superburen and the voorzitter whatever is
            # chosen (the bot cannot hear it): no choice is offered that is not true.
            if not state.get("voice_file_id"):
                options += [
                    [(("✓ " if seen_by == value else "") + _(label), value)]
                    for value, label in VISIBILITY_LABELS.items()
                ]
        message = await self.ask(update, context, state, "\n\n".join(lines), options)
        await self.remember_screen(update, context, state, message)

    def keeps_screen(self, step: str, value: str) -> bool:
        return step == "confirm" and (value in VISIBILITY_LABELS or value in ("h1", "h2", "h3"))

    async def text_confirm(self, update: Update, context: OmkijkContext, state: dict) -> None:
        """A few words or a voice message, typed at the summary: added, summary again."""
        if not await self.words_or_voice(update, context, state, limit=500):
            return
        if asks_for_money(state.get("details")):
            await self._money_refused(update, context, state)
            return
        await self.drop_old_screen(update, context, state)
        await self.goto(update, context, state, "confirm")

    async def button_confirm(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        kind = Kind(state["kind"])
        if value == "when" and kind not in NOT_A_TASK:
            await self.goto(update, context, state, "day")
        elif value in VISIBILITY_LABELS and kind not in NOT_A_TASK:
            state["visibility"] = value
            await self.redraw(update, context, state)
        elif value in ("h1", "h2", "h3") and kind in MANY_HANDS:
            state["helpers_needed"] = int(value[1])
            await self.redraw(update, context, state)
        elif value == "send":
            await self._send(update, context, state)
        else:
            await answer_stale(update, context)

    async def _send(self, update: Update, context: OmkijkContext, state: dict) -> None:
        store = context.services.store
        member = await store.member(state["member_id"])
        circle = await store.circle(state["circle_id"])
        _ = context.t.gettext
        me = await store.member_of(state["circle_id"], update.effective_user.id) if circle else None
        on_behalf = (
            me is not None
            and member is not None
            and me.id != member.id
            and me.role in (Role.SUPERBUUR, Role.VOORZITTER)
            and me.consented
        )
        if (
            member is None
            or circle is None
            or (member.user_id != update.effective_user.id and not on_behalf)
        ):
            await context.services.people.clear_draft(update.effective_user.id)
            await update.effective_message.reply_text(_("This is not possible for you (any more)."))
            return
        if self._day_is_over(context, state):
            await self._ask_day_again(update, context, state)
            return
        result = await context.services.helpdesk.create(
            circle_id=circle.id,
            member=member,
            asked_by=update.effective_user.id,
            kind=Kind(state["kind"]),
            day=dt.date.fromisoformat(state["day"]) if state.get("day") else None,
            at_minutes=state.get("at_minutes"),
            details=state.get("details"),
            voice_file_id=state.get("voice_file_id"),
            visibility=state.get("visibility", "circle"),
            repeat_weekly=bool(state.get("repeat_weekly")),
            helpers_needed=int(state.get("helpers_needed", 1)),
        )
        if result.status == HelpStatus.BAD_DAY:
            await self._ask_day_again(update, context, state)
            return
        await context.services.outbox.deliver(context.bot, result.message_ids)
        if Kind(state["kind"]) in NOT_A_TASK:
            reply = _("Sent. A superbuur will get in touch with you.")
        elif state.get("voice_file_id") and result.status == HelpStatus.UNSEEN:
            reply = _(
                "Saved, but nobody else can hear it yet: a voice message only goes to the "
                "superburen and the voorzitter, and your circle has nobody else in those "
                "roles. Type your request again for the whole circle, or add a superbuur "
                "with /cirkel."
            )
        elif state.get("voice_file_id"):
            reply = _(
                "Sent to {names}. I will let you know as soon as someone helps. You can see "
                "your requests with /taken.",
                names=_names(result.seen_by),
            )
        elif result.status == HelpStatus.UNSEEN:
            reply = _(
                "Saved, but nobody else can see it yet: your circle has no superburen or other "
                "voorzitter. Ask for it again for the whole circle, or add a superbuur with "
                "/cirkel."
            )
        else:
            reply = _(
                "Sent! I will let you know as soon as someone helps. You can see your "
                "requests with /taken."
            )
        await update.effective_message.reply_text(reply, reply_markup=await main_menu(context))


ASK_WIZARD = AskWizard()


def _names(people: list[Member]) -> str:
    return ", ".join(p.display_name for p in people)


async def ask_button(update: Update, context: OmkijkContext) -> None:
    """An offer elsewhere (after "Het gaat niet zo goed") to make a request."""
    await update.callback_query.answer()
    await ask_command(update, context)


# -- helping --------------------------------------------------------------------------


async def request_button(update: Update, context: OmkijkContext) -> None:
    """``hv:<request>:claim|back|done|cancel``."""
    query = update.callback_query
    values = await decoded(update, context, REQUEST_ACTION)
    if values is None:
        return
    desk = context.services.helpdesk
    request_id, action = values
    user_id = update.effective_user.id
    _ = context.t.gettext
    if action == "claim":
        result = await desk.claim(user_id, request_id)
    elif action == "back":
        result = await desk.hand_back(user_id, request_id)
    else:
        status = RequestStatus.DONE if action == "done" else RequestStatus.CANCELLED
        result = await desk.finish(user_id, request_id, status)
    if result.status == HelpStatus.NOT_A_MEMBER and await groups.join_first(
        update, context, result.request.circle_id
    ):
        return
    if result.status in (HelpStatus.NOT_ALLOWED, HelpStatus.NOT_A_MEMBER):
        await query.answer(_("This is not possible for you (any more)."), show_alert=True)
        return
    if result.status == HelpStatus.TAKEN:
        await query.answer(
            _(
                "Already arranged: {helper} is helping. Thank you for offering!",
                helper=html.unescape(result.helper) or "?",
            ),
            show_alert=True,
        )
        return
    if result.status in (HelpStatus.ALREADY, HelpStatus.ALREADY_HELPING) and result.request:
        # The same tap again, or handled again after a crash that came between the
        # change and the edit: make the posts show the truth (an edit is idempotent).
        await _refresh_posts(context, result, query.message)
    if result.status == HelpStatus.ALREADY:
        await query.answer(_("This request is closed already. Thank you!"), show_alert=True)
        return
    if result.status == HelpStatus.ALREADY_HELPING:
        await query.answer(_("You are helping with this already. Thank you!"), show_alert=True)
        return
    await query.answer()
    await context.services.outbox.deliver(context.bot, result.message_ids)
    await _refresh_posts(context, result, query.message)
    if result.status in (HelpStatus.CLAIMED, HelpStatus.JOINED):
        await _tell_helper(update, context, result.request)
    elif result.status == HelpStatus.HANDED_BACK:
        await context.bot.send_message(
            user_id, _("No problem, thank you for telling. I am looking for someone else.")
        )
    elif result.status == HelpStatus.DONE:
        await context.bot.send_message(user_id, _("Wonderful, it is marked as done. Thank you!"))
    else:
        await context.bot.send_message(user_id, _("Your request has been cancelled."))


async def _tell_helper(update: Update, context: OmkijkContext, request: HelpRequest) -> None:
    """The helper gets the details privately, with the voice message if there is one."""
    _ = context.t.gettext
    desk = context.services.helpdesk
    text = _("Thank you for helping!") + "\n\n" + await desk.post_text(context.t, request)
    markup = inline(context.t, helper_buttons(request.id))
    user_id = update.effective_user.id
    try:
        await context.bot.send_message(user_id, text, reply_markup=markup)
        if request.voice_file_id:
            await context.bot.send_voice(user_id, request.voice_file_id)
    except TelegramError:
        log.warning("could not reach helper %s privately", user_id, exc_info=True)
        if update.callback_query:
            await update.callback_query.answer(
                _("Please open a private chat with me first (tap my name, then Start)."),
                show_alert=True,
            )


async def _refresh_posts(
    context: OmkijkContext, result: Result, tapped: MaybeInaccessibleMessage | None = None
) -> None:
    """Every post of the request shows who helps, or gets its button back.

    The post that was tapped counts too: after a crash between Telegram accepting
    a post and the outbox writing that down, the post is sent again, and the first
    copy is known only by the tap on it."""
    request = result.request
    desk = context.services.helpdesk
    t = context.services.i18n.for_language(None)
    text = await desk.post_text(t, request)
    markup = None
    store = context.services.store
    helpers = [
        m.display_name
        for m in [await store.member(i) for i in await store.request_helpers(request.id)]
        if m
    ]
    names = ", ".join(helpers)
    if request.status in REQUEST_LIFECYCLE.ongoing and helpers and request.helpers_needed > 1:
        text += "\n\n" + t.gettext(
            "🙌 Helping: {names} ({count} of {needed}).",
            names=names,
            count=len(helpers),
            needed=request.helpers_needed,
        )
    elif request.status == RequestStatus.CLAIMED:
        text += "\n\n" + t.gettext("🙌 {helper} is helping.", helper=names or result.helper)
    elif request.status == RequestStatus.DONE:
        text += "\n\n" + t.gettext("✅ Done. Thank you, {helper}!", helper=names or result.helper)
    elif request.status == RequestStatus.CANCELLED:
        text += "\n\n" + t.gettext("No longer needed.")
    if request.status == RequestStatus.OPEN:
        markup = inline(t, help_buttons(request.id))
    posts = {tuple(post) for post in await context.services.store.request_posts(request.id)}
    if tapped is not None and await _is_a_lost_post(context, request, tapped):
        posts.add((tapped.chat.id, tapped.message_id))
    for chat_id, message_id in sorted(posts):
        try:
            await context.bot.edit_message_text(
                text, chat_id=chat_id, message_id=message_id, reply_markup=markup
            )
        except TelegramError:
            log.info("could not update post of request %s in %s", request.id, chat_id)


async def _is_a_lost_post(
    context: OmkijkContext, request: HelpRequest, tapped: MaybeInaccessibleMessage
) -> bool:
    """A post of this request in the circle's group that the database does not list (sent
    twice after a crash): it carries this request's own button. Any other message a
    press was made up on is not touched."""
    circle = await context.services.store.circle(request.circle_id)
    return (
        request.visibility == "circle"
        and circle is not None
        and tapped.chat.id == circle.chat_id
        and any(
            (values := REQUEST_ACTION.decode(data)) is not None and values[0] == request.id
            for data in own_buttons(tapped)
        )
    )


async def open_requests_command(update: Update, context: OmkijkContext) -> None:
    """/helpen: open requests in my circles, each with "Ik help"."""
    store = context.services.store
    _ = context.t.gettext
    memberships = [
        (c, m)
        for c, m in await store.memberships(update.effective_user.id)
        if m.consented and m.role != Role.PROFESSIONAL
    ]
    if not memberships:
        await picker.choose_circle(update, context, "hulp", Action.SEE_MEMBERS)
        return
    mine = {c.id: m for c, m in memberships}
    visible = []
    for request in await store.open_requests(list(mine)):
        me = mine[request.circle_id]
        if request.member_id == me.id:
            continue
        if request.visibility == "coordinators" and me.role not in (
            Role.SUPERBUUR,
            Role.VOORZITTER,
        ):
            continue
        visible.append(request)
    if not visible:
        await update.effective_message.reply_text(
            _("Nobody is asking for help right now. Nice!"), reply_markup=await main_menu(context)
        )
        return
    await update.effective_message.reply_text(_("These neighbours would like some help:"))
    for request in visible[:10]:
        await update.effective_message.reply_text(
            await context.services.helpdesk.post_text(context.t, request),
            reply_markup=inline(context.t, help_buttons(request.id)),
        )


async def tasks_command(update: Update, context: OmkijkContext) -> None:
    """/taken: what I help with and what I asked."""
    store = context.services.store
    desk = context.services.helpdesk
    _ = context.t.gettext
    user_id = update.effective_user.id
    member_ids = [m.id for _c, m in await store.memberships(user_id)]
    helping = await store.requests_helped_by(member_ids)
    asked = await store.requests_asked_by(user_id, member_ids)
    message = update.effective_message
    if not helping and not asked:
        await message.reply_text(
            _("You have no open tasks or requests."), reply_markup=await main_menu(context)
        )
        return
    for request in helping:
        await message.reply_text(
            _("You are helping:") + "\n" + await desk.post_text(context.t, request),
            reply_markup=inline(context.t, helper_buttons(request.id)),
        )
    for request in asked:
        status = (
            _("Nobody has offered yet.")
            if request.status == RequestStatus.OPEN
            else _("Someone is helping.")
        )
        await message.reply_text(
            _("You asked:") + "\n" + await desk.post_text(context.t, request) + "\n" + status,
            reply_markup=inline(
                context.t,
                asker_buttons(request.id, claimed=request.status == RequestStatus.CLAIMED),
            ),
        )


def register(application: Application, i18n: I18n) -> None:
    picker.CIRCLE_PURPOSES["hulp"] = (Action.SEE_MEMBERS, _begin)
    OPEN_BY_LINK.update(hulpvraag=ask_command, helpen=open_requests_command, taken=tasks_command)
    private = filters.ChatType.PRIVATE
    ASK_WIZARD.register(application)
    application.add_handlers(
        [
            CommandHandler("hulpvraag", ask_command, filters=private),
            CommandHandler("helpen", open_requests_command, filters=private),
            CommandHandler("taken", tasks_command, filters=private),
            MessageHandler(private & menu_filter(i18n, MENU_ASK), ask_command),
            MessageHandler(private & menu_filter(i18n, MENU_HELP_OTHERS), open_requests_command),
            CallbackQueryHandler(request_button, pattern=REQUEST_ACTION.pattern),
            CallbackQueryHandler(ask_button, pattern=r"^ask:start$"),
        ]
    )


# -- standing offers and "ik kan even niets terugdoen" ----------------------------------
