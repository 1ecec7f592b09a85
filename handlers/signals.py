"""/zorgen: "Ik maak me zorgen", privately to the voorzitter and the professional."""

from __future__ import annotations

import datetime as dt
import html
import re

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from core.i18n import N_, I18n
from domain.policy import ROLE_LABELS, Action, Role
from domain.records import Circle, Member, Signal
from domain.signals import (
    WORRY_ACTION,
    WORRY_LABELS,
    WorryKind,
    may_share_name,
    worry_buttons,
)
from domain.summary import TELEGRAM_LIMIT, split_message
from handlers import picker, summaries
from handlers.buttons import decoded, inline
from handlers.context import OmkijkContext
from handlers.menu import (
    MENU_OPEN_WORRIES,
    MENU_OVERVIEW,
    MENU_WORRY,
    OPEN_BY_LINK,
    main_menu,
    menu_filter,
)
from handlers.wizard import Wizard, answer_stale, typed
from services.signals import Shared

WORRY = "worry"
REPLY = "worryreply"


async def worry_command(update: Update, context: OmkijkContext) -> None:
    user_id = update.effective_user.id
    if not await picker.circles_allowing(
        context, user_id, Action.SEE_MEMBERS
    ) and await picker.circles_allowing(context, user_id, Action.SEE_OPEN_WORRIES):
        # A professional shares no worry with themselves: /zorgen is the worries to pick up.
        await open_worries_command(update, context)
        return
    chosen = await picker.choose_circle(update, context, "zorgen", Action.SEE_MEMBERS)
    if chosen:
        await _begin(update, context, *chosen)


async def _begin(update: Update, context: OmkijkContext, circle: Circle, me: Member) -> None:
    # What it is about and how soon are choices on the summary: "something else" and
    # "this week" until tapped, so sharing a worry is three taps (menu, whom, Send).
    state = {"circle_id": circle.id, "kind": WorryKind.OTHER.value, "urgency": "week"}
    await WORRY_WIZARD.begin(update, context, state)


async def begin_with(
    update: Update,
    context: OmkijkContext,
    circle: Circle,
    me: Member,
    *,
    details: str | None,
    voice_file_id: str | None,
) -> None:
    """Share a worry with what the person already wrote or said: the wizard asks whom
    it is about, then shows the summary with the words on it."""
    state: dict = {"circle_id": circle.id}
    if details:
        state["details"] = " ".join(details.split())[:1000]
    if voice_file_id:
        state["voice_file_id"] = voice_file_id
    await WORRY_WIZARD.begin(update, context, state)


async def worry_button(update: Update, context: OmkijkContext) -> None:
    """An offer elsewhere (after "Het gaat niet zo goed") to share a worry."""
    await update.callback_query.answer()
    await worry_command(update, context)


class WorryWizard(Wizard):
    """Whom the worry is about, then the summary with who will see it: what it is about
    and how soon are choices on it, a few typed words or a voice message add to it."""

    flow = WORRY
    prefix = "zw"
    first = "about"

    async def step_about(self, update: Update, context: OmkijkContext, state: dict) -> None:
        _ = context.t.gettext
        members = [
            m
            for m in await context.services.store.members(state["circle_id"])
            if m.user_id != update.effective_user.id
            and m.role != Role.PROFESSIONAL
            and (m.consented or m.no_phone)
        ]
        options = [[(_("About myself"), "self")]]
        options += [[(m.display_name, f"m{m.id}")] for m in members]
        options.append([(_("Someone else in the neighbourhood"), "other")])
        await self.ask(
            update,
            context,
            state,
            _(
                "Who are you worried about? What you share goes privately to the "
                "voorzitter and the circle's professional, never to the group."
            ),
            options,
        )

    async def button_about(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        if value in ("self", "other"):
            state["about"] = value
        elif re.fullmatch(r"m\d+", value):
            member = await context.services.store.member(int(value[1:]))
            if member is None or member.circle_id != state["circle_id"]:
                await answer_stale(update, context)
                return
            state["about"] = value
        else:
            await answer_stale(update, context)
            return
        about = await self._about(context, state)
        if about is not None and not may_share_name(about, False, False):
            await self.goto(update, context, state, "safety")
        else:
            await self.goto(update, context, state, "confirm")

    async def _about(self, context: OmkijkContext, state: dict) -> Member | None:
        value = state.get("about", "")
        return (
            await context.services.store.member(int(value[1:])) if value.startswith("m") else None
        )

    async def step_safety(self, update: Update, context: OmkijkContext, state: dict) -> None:
        _ = context.t.gettext
        about = await self._about(context, state)
        await self.ask(
            update,
            context,
            state,
            _(
                "{name} has not said that a worry about them may go to the professional. Then "
                "the professional hears there is a worry, but not who it is about. Is "
                "{name}'s safety at stake?",
                name=about.display_name if about else "?",
            ),
            [[(_("Yes, it is about safety"), "yes")], [(_("No"), "no")]],
        )

    async def button_safety(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        state["safety"] = value == "yes"
        await self.goto(update, context, state, "confirm")

    async def step_confirm(self, update: Update, context: OmkijkContext, state: dict) -> None:
        _ = context.t.gettext
        worries = context.services.worries
        # (A draft begun before these were choices on the summary has neither yet.)
        state.setdefault("kind", WorryKind.OTHER.value)
        state.setdefault("urgency", "week")
        about = await self._about(context, state)
        me = await context.services.store.member_of(state["circle_id"], update.effective_user.id)
        recipients = await worries.who_will_see(
            state["circle_id"], update.effective_user.id, me if state["about"] == "self" else about
        )
        preview = Signal(
            0,
            state["circle_id"],
            update.effective_user.id,
            about.id if about else None,
            state["about"] == "self",
            state["kind"],
            state.get("details"),
            state.get("voice_file_id"),
            state["urgency"],
            may_share_name(about, state["about"] == "self", bool(state.get("safety"))),
            bool(state.get("safety")),
            "open",
            None,
            context.services.clock.now(),
        )
        text = (
            _("This is what I will send:")
            + "\n\n"
            + await worries.describe(context.t, preview, for_professional=False)
        )
        if recipients:
            names = ", ".join(
                f"{html.escape(m.display_name)} ({_(ROLE_LABELS[Role(m.role)])})"
                for m in recipients
            )
            who = _("Who will see this: {names}. Never the group.", names=names)
        elif context.services.worries.admin_ids:
            who = _(
                "Nobody in the circle can receive it: there is no other voorzitter and no "
                "professional. It goes to the beheerder of the bot. Never the group."
            )
        else:
            who = _(
                "Nobody can receive it yet: the circle has no other voorzitter and no "
                "professional. Ask the voorzitter to link one."
            )
        can_send = bool(recipients) or bool(context.services.worries.admin_ids)
        hint = _(
            "What is it about, and how soon should someone look at it? Tap what fits. Want "
            "to add something? Just type it, or send a voice message. In an emergency: call "
            "112."
        )
        kinds = [
            (("✓ " if state["kind"] == kind.value else "") + _(WORRY_LABELS[kind]), f"k-{kind}")
            for kind in WorryKind
        ]
        options = [kinds[i : i + 2] for i in range(0, len(kinds), 2)]
        options.append(
            [
                (("✓ " if state["urgency"] == value else "") + _(label), f"u-{value}")
                for value, label in (("today", N_("Today")), ("week", N_("This week")))
            ]
        )
        if can_send:
            options.append([(_("✅ Send"), "send")])
        # Who will see it stands last, right above Send.
        message = await self.ask(
            update, context, state, text + "\n\n" + hint + "\n\n" + who, options
        )
        await self.remember_screen(update, context, state, message)

    def keeps_screen(self, step: str, value: str) -> bool:
        return step == "confirm" and value.startswith(("k-", "u-"))

    async def text_confirm(self, update: Update, context: OmkijkContext, state: dict) -> None:
        if not await self.words_or_voice(update, context, state, limit=1000):
            return
        await self.drop_old_screen(update, context, state)
        await self.goto(update, context, state, "confirm")

    async def button_confirm(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        if value.startswith(("k-", "u-")):
            choice = value[2:]
            if value[0] == "k" and choice in {k.value for k in WorryKind}:
                state["kind"] = choice
            elif value[0] == "u" and choice in ("today", "week"):
                state["urgency"] = choice
            else:
                await answer_stale(update, context)
                return
            await self.redraw(update, context, state)
            return
        if value != "send":
            await answer_stale(update, context)
            return
        me = await context.services.store.member_of(state["circle_id"], update.effective_user.id)
        _ = context.t.gettext
        if me is None or not me.consented:
            await context.services.people.clear_draft(update.effective_user.id)
            await update.effective_message.reply_text(_("This is not possible for you (any more)."))
            return
        outcome = await context.services.worries.create(
            circle_id=state["circle_id"],
            sender_id=update.effective_user.id,
            about=await self._about(context, state),
            about_self=state["about"] == "self",
            kind=WorryKind(state["kind"]),
            details=state.get("details"),
            voice_file_id=state.get("voice_file_id"),
            urgency=state["urgency"],
            safety=bool(state.get("safety")),
        )
        await context.services.outbox.deliver(context.bot, outcome.message_ids)
        # Only who really has it (not whom it bounced off); the sender heard already
        # when nobody at all could receive it (the status says so).
        reached = await context.services.worries.names_reached(outcome)
        names = ", ".join(dict.fromkeys(n or _("the beheerder") for n in reached))
        if outcome.status in (Shared.SHARED, Shared.TO_BEHEERDER) and not reached:
            text = _(
                "Your worry is saved. I am finding someone who can receive it, and you will "
                "hear from me."
            )
        elif outcome.status == Shared.NOBODY:
            text = _("Your worry is saved. Here is your menu.")
        elif outcome.status == Shared.TO_BEHEERDER:
            text = _(
                "Nobody in your circle can receive worries yet, so your worry has been sent to "
                "the beheerder of the bot. You will hear when someone picks it up. Thank you "
                "for caring."
            )
        else:
            text = _(
                "Your worry has been sent to {names}. You will hear when someone picks it up. "
                "Thank you for caring.",
                names=names,
            )
        await update.effective_message.reply_text(text, reply_markup=await main_menu(context))


class ReplyWizard(Wizard):
    flow = REPLY
    prefix = "zr"
    first = "text"

    async def step_text(self, update: Update, context: OmkijkContext, state: dict) -> None:
        await self.ask(
            update,
            context,
            state,
            context.t.gettext("Type your short reply. The bot passes it on to the sender."),
            [],
        )

    async def text_text(self, update: Update, context: OmkijkContext, state: dict) -> None:
        text = await typed(update, context, 1000)
        _ = context.t.gettext
        if not text:
            await update.effective_message.reply_text(_("Please type a few words."))
            return
        outcome = await context.services.worries.reply(
            update.effective_user.id, state["signal_id"], text
        )
        if outcome.status == Shared.NOT_ALLOWED:
            await context.services.people.clear_draft(update.effective_user.id)
            await update.effective_message.reply_text(_("This is not possible for you (any more)."))
            return
        await context.services.outbox.deliver(context.bot, outcome.message_ids)
        await update.effective_message.reply_text(_("Passed on. Thank you."))


WORRY_WIZARD = WorryWizard()
REPLY_WIZARD = ReplyWizard()


async def signal_button(update: Update, context: OmkijkContext) -> None:
    """``zs:<signal>:ack|contact|close|reply|log``."""
    query = update.callback_query
    values = await decoded(update, context, WORRY_ACTION)
    if values is None:
        return
    worries = context.services.worries
    signal_id, action = values
    signal = await context.services.store.signal(signal_id)
    _ = context.t.gettext
    user_id = update.effective_user.id
    if action == "log":
        if signal is None or not await worries.may_see_log(user_id, signal):
            await query.answer(_("This is not possible for you (any more)."), show_alert=True)
            return
        await query.answer()
        # A long log (many replies) comes in parts under Telegram's limit, each with the
        # log's heading, so every message says which worry it is about.
        heading, _nl, body = (await worries.log_text(context.t, signal)).partition("\n")
        for part in split_message(body, TELEGRAM_LIMIT - len(heading) - 1) or [""]:
            await update.effective_message.reply_text(f"{heading}\n{part}".rstrip("\n"))
        return
    if action == "reply":
        if signal is None or not await worries.may_reply(user_id, signal):
            await query.answer(_("This is not possible for you (any more)."), show_alert=True)
            return
        await query.answer()
        await REPLY_WIZARD.begin(update, context, {"signal_id": signal_id})
        return
    outcome = await worries.act(user_id, signal_id, action)
    if outcome.status == Shared.NOT_ALLOWED:
        await query.answer(_("This is not possible for you (any more)."), show_alert=True)
        return
    if outcome.status == Shared.ALREADY:
        await query.answer(_("That was done already."), show_alert=True)
        return
    await query.answer(_("Done. The sender is told."), show_alert=True)
    await context.services.outbox.deliver(context.bot, outcome.message_ids)


async def open_worries_command(update: Update, context: OmkijkContext) -> None:
    """The professional's "Open worries": every worry not closed yet, with its buttons."""
    _ = context.t.gettext
    circles = await picker.circles_allowing(
        context, update.effective_user.id, Action.SEE_OPEN_WORRIES
    )
    if not circles:
        await update.effective_message.reply_text(
            _("Only the voorzitter and the professional have an overview.")
        )
        return
    found = await context.services.store.signals_of([c.id for c, _m in circles], open_only=True)
    if not found:
        await update.effective_message.reply_text(_("No open worries. 🌿"))
        return
    await _list_worries(update, context, found)


async def _list_worries(update: Update, context: OmkijkContext, found: list[Signal]) -> None:
    _ = context.t.gettext
    worries = context.services.worries
    for signal in found:
        status = {
            "open": _("Not picked up yet"),
            "acknowledged": _("Picked up"),
            "closed": _("Closed"),
        }[signal.status]
        text = await worries.describe(context.t, signal, for_professional=True)
        await update.effective_message.reply_text(
            f"{text}\n\n{status}",
            reply_markup=inline(context.t, worry_buttons(signal.id, professional=True, owner=True)),
        )


async def overview_command(update: Update, context: OmkijkContext) -> None:
    """/overzicht: a professional sees open and recent worries; a voorzitter the week."""
    store = context.services.store
    _ = context.t.gettext
    memberships = await picker.circles_allowing(
        context, update.effective_user.id, Action.SEE_OVERVIEW
    )
    professional_of = [c for c, m in memberships if m.role == Role.PROFESSIONAL]
    chair_of = [c for c, m in memberships if m.role == Role.VOORZITTER]
    if not professional_of and not chair_of:
        await update.effective_message.reply_text(
            _("Only the voorzitter and the professional have an overview.")
        )
        return
    if chair_of:
        for circle in chair_of:
            await summaries.send_summary(context, circle, update.effective_user.id)
    if not professional_of:
        return
    for circle in professional_of:
        await summaries.export_buttons(context, circle, update.effective_user.id)
    since = context.services.clock.now() - dt.timedelta(days=30)
    found = await store.signals_of([c.id for c in professional_of], since=since)
    if not found:
        await update.effective_message.reply_text(_("No open or recent worries. 🌿"))
        return
    await _list_worries(update, context, found)


def register(application: Application, i18n: I18n) -> None:
    picker.CIRCLE_PURPOSES["zorgen"] = (Action.SEE_MEMBERS, _begin)
    OPEN_BY_LINK.update(zorgen=worry_command, overzicht=overview_command)
    private = filters.ChatType.PRIVATE
    WORRY_WIZARD.register(application)
    REPLY_WIZARD.register(application)
    application.add_handlers(
        [
            CommandHandler("zorgen", worry_command, filters=private),
            CommandHandler("overzicht", overview_command, filters=private),
            MessageHandler(private & menu_filter(i18n, MENU_WORRY), worry_command),
            MessageHandler(private & menu_filter(i18n, MENU_OPEN_WORRIES), open_worries_command),
            MessageHandler(private & menu_filter(i18n, MENU_OVERVIEW), overview_command),
            CallbackQueryHandler(signal_button, pattern=WORRY_ACTION.pattern),
            CallbackQueryHandler(worry_button, pattern=r"^worry:start$"),
        ]
    )
