"""Joining a circle: the "Doe mee" link or a personal invite opens the private chat,
and a short onboarding asks a name, the language, consent, and what people enjoy."""

from __future__ import annotations

import logging

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from core.callbacks import Button, Choice, Codec, Int, column
from core.i18n import LANGUAGES, N_
from core.priority import Priority
from domain import circles as rules
from domain.policy import Role
from domain.privacy import privacy_statement
from domain.records import Circle
from handlers import common, groups
from handlers.buttons import decoded
from handlers.context import OmkijkContext
from handlers.menu import OPEN_BY_LINK, main_menu
from handlers.telling import tell_privately, voorzitters_of
from handlers.wizard import Wizard, answer_stale, mark_chosen, say_if_cut, typed
from services import circles as membership

log = logging.getLogger(__name__)


JOIN = "join"  # the onboarding wizard


async def start_private(update: Update, context: OmkijkContext) -> None:
    payload = context.args[0] if context.args else ""
    store = context.services.store
    user = update.effective_user
    if payload.startswith(("c_", "p_")):
        await _start_join(
            update, context, payload[2:], "member" if payload[0] == "c" else "professional"
        )
        return
    memberships = await store.memberships(user.id)
    pending = [(c, m) for c, m in memberships if not m.consented]
    if pending:
        circle, member = pending[0]
        await JOIN_WIZARD.begin(
            update,
            context,
            {"circle_id": circle.id, "invite": None, "kind": "member", "role": member.role},
        )
        return
    if payload in OPEN_BY_LINK:
        # A link from the group ("go on in private"): straight to what was asked for.
        await OPEN_BY_LINK[payload](update, context)
        return
    if memberships:
        _ = context.t.gettext
        names = ", ".join(c.title for c, _m in memberships)
        await update.effective_message.reply_text(
            _(
                "Hello {name}! You are part of: {circles}.\n\nWhat would you like to do? "
                "Use the buttons below.",
                name=user.first_name,
                circles=names,
            ),
            reply_markup=await main_menu(context),
        )
        return
    await common.start_private(update, context)


def _join_problem(context: OmkijkContext, problem: rules.JoinProblem) -> str:
    """Why a link does not work (any more), and what to do about it."""
    _ = context.t.gettext
    problems = {
        rules.JoinProblem.UNKNOWN: _(
            "I do not know this link. Perhaps a letter went missing? "
            "Ask for a new link from someone in your circle."
        ),
        rules.JoinProblem.EXPIRED: _(
            "This invitation has expired. Ask the person who sent it for a new link."
        ),
        rules.JoinProblem.REVOKED: _(
            "This invitation was withdrawn. Ask the person who sent it for a new link."
        ),
        rules.JoinProblem.USED: _(
            "This invitation has been used already. Ask the person who sent it for a new link."
        ),
        rules.JoinProblem.INACTIVE: _(
            "This circle is paused at the moment. Ask the voorzitter of the circle about it."
        ),
    }
    return problems[problem]


async def _start_join(update: Update, context: OmkijkContext, code: str, kind: str) -> None:
    store = context.services.store
    _ = context.t.gettext
    target = await membership.resolve_join_code(
        store, code, context.services.clock.now(), kind=kind
    )
    if target.problem is not None:
        already = target.circle and await store.member_of(
            target.circle.id, update.effective_user.id
        )
        if already and already.consented:
            await _already_member(update, context, target.circle)
            return
        await update.effective_message.reply_text(_join_problem(context, target.problem))
        return
    circle = target.circle
    assert circle is not None
    existing = await store.member_of(circle.id, update.effective_user.id)
    if existing is not None and existing.consented:
        await _already_member(update, context, circle)
        return
    group_link = target.invite is None
    if group_link and not await _in_the_group(context, circle, update.effective_user.id):
        await _ask_to_be_let_in(update, context, circle)
        return
    await JOIN_WIZARD.begin(
        update,
        context,
        {
            "circle_id": circle.id,
            "invite": target.invite.code if target.invite else None,
            # The group's link is checked again at the end: renewed meanwhile, it joins
            # nobody.
            "group_code": code if group_link else None,
            "kind": kind,
            "role": Role.PROFESSIONAL
            if kind == "professional"
            else (existing.role if existing else Role.LID),
        },
    )


async def _in_the_group(context: OmkijkContext, circle: Circle, user_id: int) -> bool:
    """Is this person in the circle's Telegram group (Telegram says so)?"""
    if circle.chat_id is None:
        return False
    try:
        member = await context.bot.get_chat_member(circle.chat_id, user_id)
    except TelegramError as exc:
        log.info("could not check %s in the group of circle %s: %s", user_id, circle.id, exc)
        return False
    if member.status == ChatMemberStatus.RESTRICTED:
        return bool(getattr(member, "is_member", False))
    return member.status in (
        ChatMemberStatus.OWNER,
        ChatMemberStatus.ADMINISTRATOR,
        ChatMemberStatus.MEMBER,
    )


# The voorzitter's answer to someone who asked to be let in.
LET_IN = Codec("li", Int("request"), Choice("answer", ("yes", "no")))


async def _ask_to_be_let_in(update: Update, context: OmkijkContext, circle: Circle) -> None:
    """The group's link, but not in the group (a forwarded link, or someone who was
    removed): the voorzitter decides. Asked once while the question waits."""
    user = update.effective_user
    request_id = await membership.ask_to_join(
        context.services.store, circle, user.id, user.first_name
    )
    if request_id is not None:
        await tell_privately(
            context,
            await voorzitters_of(context, circle.id),
            N_(
                "{name} would like to join {circle} with the group's link, but is not in the "
                "Telegram group. Do you know {name}, and may they join?"
            ),
            priority=Priority.INTERACTIVE,
            buttons=column(
                LET_IN.button(N_("✅ Yes, let them in"), request_id, "yes"),
                LET_IN.button(N_("No, rather not"), request_id, "no"),
            ),
            name=user.first_name,
            circle=circle.title,
        )
    _ = context.t.gettext
    await update.effective_message.reply_text(
        _(
            "You are not in the Telegram group of {circle}, so I have asked the voorzitter "
            "whether you may join. You will hear from me.",
            circle=circle.title,
        )
    )


async def let_in_button(update: Update, context: OmkijkContext) -> None:
    """``li:<request>:yes|no``: only a voorzitter of that circle, once."""
    values = await decoded(update, context, LET_IN)
    if values is None:
        return
    request_id, answer = values
    store = context.services.store
    found = await store.join_request(request_id)
    me = await store.member_of(found[0], update.effective_user.id) if found else None
    result = await membership.let_in(
        store, me, request_id, answer == "yes", context.services.clock.now()
    )
    if not result.done or found is None or result.user_id is None:
        await answer_stale(update, context)
        return
    await update.callback_query.answer()
    await mark_chosen(update)
    circle = await store.circle(found[0])
    if result.invite is not None:
        text = N_("The voorzitter of {circle} lets you in. Tap the button to join.")
        url = rules.join_link(context.bot.username, result.invite.code)
        buttons = [[Button(N_("👋 Join in"), url=url)]]
    else:
        text = N_(
            "The voorzitter of {circle} has not let you in. Do you know someone in the circle? "
            "Ask them about it."
        )
        buttons = None
    ids = await context.services.notices.tell(
        [result.user_id],
        text,
        priority=Priority.INTERACTIVE,
        buttons=buttons,
        source="circles",
        circle=circle.title,
    )
    await context.services.outbox.deliver(context.bot, ids)


async def _already_member(update: Update, context: OmkijkContext, circle: Circle) -> None:
    _ = context.t.gettext
    await update.effective_message.reply_text(
        _("You are already part of {circle}. Welcome back!", circle=circle.title),
        reply_markup=await main_menu(context),
    )


class JoinWizard(Wizard):
    flow = JOIN
    prefix = "ob"

    async def step_name(self, update: Update, context: OmkijkContext, state: dict) -> None:
        _ = context.t.gettext
        circle = await context.services.store.circle(state["circle_id"])
        first = update.effective_user.first_name
        if state["kind"] == "professional":
            intro = _(
                "Welcome! You are being linked as a professional to {circle}.", circle=circle.title
            )
        else:
            intro = _("Nice that you are joining {circle}!", circle=circle.title)
        await self.ask(
            update,
            context,
            state,
            intro + "\n\n" + _("What name may the others see? Tap your name, or type another one."),
            [[(first, "first")]],
        )

    async def text_name(self, update: Update, context: OmkijkContext, state: dict) -> None:
        clipped = rules.clean_name_clipped(update.effective_message.text or "")
        name = clipped.text if clipped else None
        if name is None:
            _ = context.t.gettext
            await update.effective_message.reply_text(
                _("Please type a name of a few letters, or tap the button.")
            )
            return
        await say_if_cut(update, context, clipped, rules.NAME_MAX)
        state["name"] = name
        await self.goto(update, context, state, "language")

    async def button_name(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        clipped = rules.clean_name_clipped(update.effective_user.first_name)
        await say_if_cut(update, context, clipped, rules.NAME_MAX)
        state["name"] = clipped.text if clipped else "?"
        await self.goto(update, context, state, "language")

    async def step_language(self, update: Update, context: OmkijkContext, state: dict) -> None:
        _ = context.t.gettext
        await self.ask(
            update,
            context,
            state,
            _("Which language would you like?"),
            [[(name, code)] for code, name in LANGUAGES.items()],
        )

    async def button_language(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        if value not in LANGUAGES:
            await answer_stale(update, context)
            return
        await context.services.people.choose_language(update.effective_user.id, value)
        context.use_language(value)
        await self.goto(
            update, context, state, "pro_consent" if state["kind"] == "professional" else "consent"
        )

    async def step_consent(self, update: Update, context: OmkijkContext, state: dict) -> None:
        _ = context.t.gettext
        text = _(
            "Good to know before you join:\n\n"
            "• The bot keeps your first name, the name you chose, your language and your "
            "circle. What you share yourself (a request for help, your answer to “All well?”) "
            "is kept for a while and then deleted.\n"
            "• The others in your circle see your name and your role. Nobody sees a tally of "
            "who gave or received what.\n"
            "• A worry about you only goes to the circle's professional if you agree, unless "
            "your safety is at stake. Then we say so honestly.\n"
            "• With /mijngegevens you see everything we know about you. With /vergeetmij you "
            "delete it all.\n\n"
            "Do you want to join?"
        )
        # Said before anything else is shared: the PIN never goes through anyone.
        text = _(common.NEVER_SHARE_PIN) + "\n\n" + text
        await self.ask(
            update,
            context,
            state,
            text,
            [
                [(_("✅ Yes, I'm in"), "yes")],
                [(_("🔒 Read the privacy statement"), "privacy")],
                [(_("No, rather not"), "no")],
            ],
        )

    async def button_consent(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        if value == "privacy":
            # The whole statement (PRIVACY.md), then the same question again.
            await update.effective_message.reply_text(privacy_statement(context.t.language))
            await self.step_consent(update, context, state)
            return
        if value != "yes":
            await self.cancel(update, context, state)
            return
        await self.goto(update, context, state, "professional")

    async def step_professional(self, update: Update, context: OmkijkContext, state: dict) -> None:
        _ = context.t.gettext
        await self.ask(
            update,
            context,
            state,
            _(
                "Sometimes someone in the circle is worried about a neighbour. May such a worry "
                "about you also go to the professional linked to the circle (for example the "
                "wijkteam)? You can change this later."
            ),
            [[(_("Yes, that is fine"), "yes")], [(_("Rather not"), "no")]],
        )

    async def button_professional(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        state["professional_consent"] = value == "yes"
        await self.goto(update, context, state, "phone")

    async def step_phone(self, update: Update, context: OmkijkContext, state: dict) -> None:
        _ = context.t.gettext
        keyboard = ReplyKeyboardMarkup(
            [
                [KeyboardButton(_("📞 Yes, share my number"), request_contact=True)],
                [KeyboardButton(_("No thanks"))],
            ],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
        await update.effective_message.reply_text(
            _(
                "Would you like your phone number on the circle's phone list? That helps "
                "neighbours who do not use the app. Only the voorzitter can print the list."
            ),
            reply_markup=keyboard,
        )

    async def text_phone(self, update: Update, context: OmkijkContext, state: dict) -> None:
        message = update.effective_message
        if message.contact is not None:
            if message.contact.user_id not in (None, update.effective_user.id):
                _ = context.t.gettext
                await message.reply_text(_("Please share your own number, or tap “No thanks”."))
                return
            state["phone"] = message.contact.phone_number
        await self.goto(update, context, state, "enjoys")

    async def step_enjoys(self, update: Update, context: OmkijkContext, state: dict) -> None:
        person = await context.services.store.user(update.effective_user.id)
        if person and person.enjoys:
            await self.goto(update, context, state, "can_offer", remember=False)
            return
        _ = context.t.gettext
        await update.effective_message.reply_text(
            _("Thank you."), reply_markup=ReplyKeyboardRemove()
        )
        await self.ask(
            update,
            context,
            state,
            _(
                "What do you enjoy? For example: cooking, walking, cards, the garden. "
                "Type a few words, or skip this."
            ),
            [[(_("Skip"), "skip")]],
        )

    async def text_enjoys(self, update: Update, context: OmkijkContext, state: dict) -> None:
        text = await typed(update, context, 300)
        if text:
            await context.services.people.set_profile(update.effective_user.id, enjoys=text)
        await self.goto(update, context, state, "can_offer")

    async def button_enjoys(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        await self.goto(update, context, state, "can_offer")

    async def step_can_offer(self, update: Update, context: OmkijkContext, state: dict) -> None:
        person = await context.services.store.user(update.effective_user.id)
        if person and person.can_offer:
            await self.finish(update, context, state)
            return
        _ = context.t.gettext
        await self.ask(
            update,
            context,
            state,
            _(
                "What could you do for someone else? For example: bring along some "
                "shopping, give a lift, have a chat. Type a few words, or skip this."
            ),
            [[(_("Skip"), "skip")]],
        )

    async def text_can_offer(self, update: Update, context: OmkijkContext, state: dict) -> None:
        text = await typed(update, context, 300)
        if text:
            await context.services.people.set_profile(update.effective_user.id, can_offer=text)
        await self.finish(update, context, state)

    async def button_can_offer(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        await self.finish(update, context, state)

    async def step_pro_consent(self, update: Update, context: OmkijkContext, state: dict) -> None:
        _ = context.t.gettext
        await self.ask(
            update,
            context,
            state,
            _(
                "As a professional you are not part of the group chat. You only receive what "
                "the circle sends to you on purpose: a worry, or an alert when a check-in stays "
                "unanswered. The bot keeps your name and the circles you are linked to.\n\n"
                "Do you want to be linked?"
            ),
            [[(_("✅ Yes, link me"), "yes")], [(_("No, rather not"), "no")]],
        )

    async def button_pro_consent(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        if value != "yes":
            await self.cancel(update, context, state)
            return
        await self.finish(update, context, state)

    async def finish(self, update: Update, context: OmkijkContext, state: dict) -> None:
        store = context.services.store
        circle = await store.circle(state["circle_id"])
        user = update.effective_user
        role = Role(state.get("role") or Role.LID)
        joined = await membership.complete_joining(
            store,
            circle.id,
            user.id,
            state["name"],
            professional_consent=bool(state.get("professional_consent")),
            invite_code=state.get("invite"),
            group_code=state.get("group_code"),
            role=role,
            phone=state.get("phone"),
            share_phone=bool(state.get("phone")),
            now=context.services.clock.now(),
        )
        if joined.problem is not None:
            # Withdrawn, used by someone else or expired while this wizard was open.
            await update.effective_message.reply_text(
                _join_problem(context, joined.problem), reply_markup=await main_menu(context)
            )
            return
        new = joined.new
        _ = context.t.gettext
        await update.effective_message.reply_text(
            _(
                "Welcome to {circle}, {name}! Your menu is below.",
                circle=circle.title,
                name=state["name"],
            ),
            reply_markup=await main_menu(context),
        )
        if not new:
            return
        if role == Role.PROFESSIONAL:
            await tell_privately(
                context,
                await voorzitters_of(context, circle.id),
                N_("{name} is now linked to {circle} as a professional."),
                name=state["name"],
                circle=circle.title,
            )
        else:
            dutch = context.services.i18n.for_language(None)  # the group reads Dutch
            await groups.post_to_group(
                context,
                circle,
                dutch.gettext("👋 {name} has joined. Nice that you are here!", name=state["name"]),
            )

    async def cancelled(self, update: Update, context: OmkijkContext, state: dict) -> None:
        _ = context.t.gettext
        await update.effective_message.reply_text(
            _("No problem. Nothing was saved. You can always join later with the link."),
            reply_markup=await main_menu(context),
        )


JOIN_WIZARD = JoinWizard()


def register(application: Application) -> None:
    JOIN_WIZARD.register(application)
    application.add_handlers(
        [
            CommandHandler("start", start_private, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(let_in_button, pattern=LET_IN.pattern),
        ]
    )
