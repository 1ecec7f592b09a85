"""Circles in Telegram: the group becoming a circle, joining, /cirkel, invites, the wegwijzer.

Every button press is checked against the database and the policy module: the
data in a button is never trusted.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Awaitable, Callable

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from core.callbacks import Choice, Codec, Int, Keyboard, Word, column
from core.i18n import LANGUAGES, N_
from core.priority import Priority
from domain import circles as rules
from domain.phone_list import phone_list_html
from domain.policy import ROLE_LABELS, Action, Role, may
from domain.privacy import privacy_statement
from domain.records import Circle, Member
from handlers import common
from handlers.buttons import decoded
from handlers.context import OmkijkContext
from handlers.menu import MENU_CIRCLE, MENU_SIGNPOSTS, main_menu, menu_filter
from handlers.wizard import Wizard, answer_stale, mark_chosen
from services import circles as membership

log = logging.getLogger(__name__)


# The data of this module's buttons (each codec also gives its handler's pattern).
CIRCLE_CHOSEN = Codec("k", Word("purpose", "[a-z]+"), Int("circle"))
CIRCLE_MENU = Codec("cm", Word("what", "[a-z]+"), Int("id"), Word("value", "[a-z]+"), optional=1)
INVITE_REVOKE = Codec("inv", Choice("action", ("rv",)), Word("code"))
TAKE_CHAIR = Codec("chair", Int("circle"))
SIGNPOST_ACTION = Codec(
    "ww", Choice("action", ("add", "rm")), Int("circle"), Int("signpost"), optional=1
)
BUTTON_TAKE_CHAIR = N_("✋")

JOIN = "join"  # the onboarding wizard
NO_PHONE = "nophone"  # adding someone without a smartphone
SIGNPOST = "signpost"  # adding a wegwijzer line
RENAME = "rename"  # renaming a circle


def _role(context: OmkijkContext, role: str) -> str:
    return context.t.gettext(ROLE_LABELS[Role(role)])


def join_button(context: OmkijkContext, circle: Circle) -> InlineKeyboardMarkup:
    _ = context.t.gettext
    url = rules.join_link(context.bot.username, circle.join_code)
    return InlineKeyboardMarkup([[InlineKeyboardButton(_("👋 Join in"), url=url)]])


async def _post_to_group(
    context: OmkijkContext, circle: Circle, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    if circle.chat_id is None or not circle.active:
        return
    try:
        await context.bot.send_message(circle.chat_id, text, reply_markup=markup)
    except TelegramError:
        log.warning("could not post in the group of circle %s", circle.id, exc_info=True)


async def tell_privately(
    context: OmkijkContext,
    members: list[Member],
    text_id: str,
    *,
    priority: int = Priority.ROUTINE,
    buttons: Keyboard | None = None,
    **params: object,
) -> None:
    """A durable private message to each member, in their own language, sent now."""
    ids = await context.services.notices.tell(
        [m.user_id for m in members if m.user_id is not None],
        text_id,
        priority=priority,
        buttons=buttons,
        source="circles",
        **params,
    )
    await context.services.outbox.deliver(context.bot, ids)


async def _voorzitters(context: OmkijkContext, circle_id: int) -> list[Member]:
    members = await context.services.store.members(circle_id)
    return [m for m in members if m.role == Role.VOORZITTER and m.user_id is not None]


# -- the group --------------------------------------------------------------


async def bot_membership_in_group(update: Update, context: OmkijkContext) -> None:
    change = update.my_chat_member
    if change.chat.type == ChatType.PRIVATE:
        await common.private_membership(update, context)
        return
    store = context.services.store
    present = change.new_chat_member.status in (
        ChatMemberStatus.MEMBER,
        ChatMemberStatus.ADMINISTRATOR,
    )
    was_present = change.old_chat_member.status in (
        ChatMemberStatus.MEMBER,
        ChatMemberStatus.ADMINISTRATOR,
    )
    if present and not was_present:
        result = await membership.register_circle(
            store,
            change.chat.id,
            change.chat.title or "",
            change.from_user.id,
            change.from_user.first_name,
        )
        await context.services.summaries.ensure_scheduled(result.circle.id)
        # Each arrival in the group gets its greeting with the join button (the inbox
        # already makes sure one Telegram update is handled once).
        await _welcome_group(context, result.circle, again=not result.created)
        if result.reactivated:
            await tell_privately(
                context,
                await _voorzitters(context, result.circle.id),
                N_("Good news: the bot is back in the group of {circle}. Everything is as it was."),
                circle=result.circle.title,
            )
    elif was_present and not present:
        circle = await store.circle_by_chat(change.chat.id)
        if circle is not None and await membership.group_lost(store, circle):
            log.info("bot removed from circle %s", circle.id)
            await tell_privately(
                context,
                await _voorzitters(context, circle.id),
                N_(
                    "The bot was removed from the group of {circle}. Nothing is lost, but the "
                    "circle is paused: no posts in the group. Add the bot to the group again "
                    "to continue."
                ),
                priority=Priority.ALERT,
                circle=circle.title,
            )


async def _welcome_group(context: OmkijkContext, circle: Circle, *, again: bool = False) -> None:
    translator = context.services.i18n.for_language(None)  # the group reads Dutch
    context.use_language(translator.language)
    _ = translator.gettext
    if again:
        text = _(
            "Hello again! I am back, and nothing was lost. New here? Join in with the button below."
        )
    else:
        text = _(
            "Hello everyone! I am Omkijkbot. I help you look out for each other a bit: "
            "asking for help, helping, and now and then asking if all is well.\n\n"
            "Join in with one tap on the button below; we will continue in a private "
            "chat.\n\nIn an emergency: call 112."
        )
    await _post_to_group(context, circle, text, join_button(context, circle))


async def start_in_group(update: Update, context: OmkijkContext) -> None:
    chat = update.effective_chat
    user = update.effective_user
    store = context.services.store
    circle = await store.circle_by_chat(chat.id)
    context.use_language(context.services.i18n.for_language(None).language)
    _ = context.t.gettext
    if circle is not None and circle.active:
        await update.effective_message.reply_text(
            _(
                "This group is a circle already: {circle}. Join in with the button.",
                circle=circle.title,
            ),
            reply_markup=join_button(context, circle),
        )
        return
    is_admin = False
    # No sender: an anonymous admin or a channel, nobody to make voorzitter.
    if user is not None:
        try:
            member = await context.bot.get_chat_member(chat.id, user.id)
            is_admin = member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
        except TelegramError:
            is_admin = False
    if not is_admin:
        await update.effective_message.reply_text(
            _(
                "Only an admin of this group can make it a circle. Ask one of them to send "
                "/start here."
            )
        )
        return
    result = await membership.register_circle(
        store, chat.id, chat.title or "", user.id, user.first_name
    )
    await context.services.summaries.ensure_scheduled(result.circle.id)
    await _welcome_group(context, result.circle, again=result.reactivated)


async def group_migrated(update: Update, context: OmkijkContext) -> None:
    """A group became a supergroup: the circle follows with everything in it."""
    message = update.effective_message
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    else:
        old, new = message.migrate_from_chat_id, message.chat.id
    circle = await membership.follow_migration(context.services.store, old, new)
    if circle is not None:
        log.info("circle %s moved from chat %s to %s", circle.id, old, new)


async def group_members_changed(update: Update, context: OmkijkContext) -> None:
    message = update.effective_message
    store = context.services.store
    circle = await store.circle_by_chat(message.chat.id)
    if circle is None:
        return
    if message.left_chat_member and not message.left_chat_member.is_bot:
        # Leaving the group is not leaving the circle: data stays until they say so.
        await membership.seen_in_group(store, circle.id, message.left_chat_member.id, False)
        return
    newcomers = [u for u in message.new_chat_members or () if not u.is_bot]
    unknown = []
    for user in newcomers:
        if await store.member_of(circle.id, user.id) is None:
            unknown.append(user.first_name)
        else:
            await membership.seen_in_group(store, circle.id, user.id, True)
    if unknown:
        _ = context.services.i18n.for_language(None).gettext
        await _post_to_group(
            context,
            circle,
            _(
                "Welcome, {names}! Nice that you are here. Tap the button to join the circle.",
                names=", ".join(unknown),
            ),
            join_button(context, circle),
        )


# -- /start in private: joining, and the menu --------------------------------


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


async def _start_join(update: Update, context: OmkijkContext, code: str, kind: str) -> None:
    store = context.services.store
    _ = context.t.gettext
    target = await membership.resolve_join_code(
        store, code, context.services.clock.now(), kind=kind
    )
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
    if target.problem is not None:
        already = target.circle and await store.member_of(
            target.circle.id, update.effective_user.id
        )
        if already and already.consented:
            await _already_member(update, context, target.circle)
            return
        await update.effective_message.reply_text(problems[target.problem])
        return
    circle = target.circle
    assert circle is not None
    existing = await store.member_of(circle.id, update.effective_user.id)
    if existing is not None and existing.consented:
        await _already_member(update, context, circle)
        return
    await JOIN_WIZARD.begin(
        update,
        context,
        {
            "circle_id": circle.id,
            "invite": target.invite.code if target.invite else None,
            "kind": kind,
            "role": Role.PROFESSIONAL
            if kind == "professional"
            else (existing.role if existing else Role.LID),
        },
    )


async def _already_member(update: Update, context: OmkijkContext, circle: Circle) -> None:
    _ = context.t.gettext
    await update.effective_message.reply_text(
        _("You are already part of {circle}. Welcome back!", circle=circle.title),
        reply_markup=await main_menu(context),
    )


# -- the onboarding wizard ------------------------------------------------------


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
        name = rules.clean_name(update.effective_message.text or "")
        if name is None:
            _ = context.t.gettext
            await update.effective_message.reply_text(
                _("Please type a name of a few letters, or tap the button.")
            )
            return
        state["name"] = name
        await self.goto(update, context, state, "language")

    async def button_name(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        state["name"] = rules.clean_name(update.effective_user.first_name) or "?"
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
        text = (update.effective_message.text or "").strip()[:300]
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
        text = (update.effective_message.text or "").strip()[:300]
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
        _member_id, new = await membership.complete_joining(
            store,
            circle.id,
            user.id,
            state["name"],
            professional_consent=bool(state.get("professional_consent")),
            invite_code=state.get("invite"),
            role=role,
            phone=state.get("phone"),
            share_phone=bool(state.get("phone")),
        )
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
                await _voorzitters(context, circle.id),
                N_("{name} is now linked to {circle} as a professional."),
                name=state["name"],
                circle=circle.title,
            )
        else:
            dutch = context.services.i18n.for_language(None)  # the group reads Dutch
            await _post_to_group(
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


# -- /cirkel -------------------------------------------------------------------


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


async def circle_command(update: Update, context: OmkijkContext) -> None:
    chosen = await choose_circle(update, context, "cirkel", Action.SEE_MEMBERS)
    if chosen:
        await _show_circle(update, context, *chosen)


async def _show_circle(
    update: Update, context: OmkijkContext, circle: Circle, me: Member, *, edit: bool = False
) -> None:
    _ = context.t.gettext
    members = await context.services.store.members(circle.id)
    lines = [_("<b>{circle}</b>", circle=circle.title)]
    if not circle.active:
        lines.append(_("⏸ Paused: the bot is not in the group."))
    neighbours = [m for m in members if m.role != Role.PROFESSIONAL]
    for m in neighbours:
        marks = []
        if m.no_phone:
            marks.append(_("📵 no smartphone"))
        elif not m.consented:
            marks.append(_("has not joined yet"))
        elif not m.reachable:
            marks.append(_("⚠️ the bot cannot reach them"))
        line = _("• {name} — {role}", name=m.display_name, role=_role(context, m.role))
        lines.append(line + (f" ({', '.join(marks)})" if marks else ""))
    professionals = [m for m in members if m.role == Role.PROFESSIONAL]
    if professionals:
        lines.append(
            _(
                "Linked professional: {names}",
                names=", ".join(html.escape(m.display_name) for m in professionals),
            )
        )
    if me.role == Role.VOORZITTER and rules.needs_second_kartrekker(members):
        lines.append(
            "\n"
            + _(
                "💡 A circle runs better with two contact persons who can stand "
                "in for each other. Who could share this with you? Make them "
                "voorzitter too with “Change roles”."
            )
        )
    buttons = []
    if may(me, Action.MANAGE_ROLES, circle):
        buttons.append(
            [
                InlineKeyboardButton(
                    _("Change roles"), callback_data=CIRCLE_MENU.encode("roles", circle.id)
                )
            ]
        )
    if may(me, Action.INVITE_MEMBER, circle):
        buttons.append(
            [
                InlineKeyboardButton(
                    _("Invite someone"), callback_data=CIRCLE_MENU.encode("inv", circle.id)
                )
            ]
        )
    if may(me, Action.ADD_ON_BEHALF, circle):
        buttons.append(
            [
                InlineKeyboardButton(
                    _("Add someone without a smartphone"),
                    callback_data=CIRCLE_MENU.encode("nophone", circle.id),
                )
            ]
        )
    if may(me, Action.LINK_PROFESSIONAL, circle):
        buttons.append(
            [
                InlineKeyboardButton(
                    _("Link a professional"), callback_data=CIRCLE_MENU.encode("pro", circle.id)
                )
            ]
        )
    if may(me, Action.PHONE_LIST, circle):
        buttons.append(
            [
                InlineKeyboardButton(
                    _("Phone list to print"), callback_data=CIRCLE_MENU.encode("tel", circle.id)
                )
            ]
        )
    if may(me, Action.RENAME_CIRCLE, circle):
        buttons.append(
            [
                InlineKeyboardButton(
                    _("Change the circle's name"),
                    callback_data=CIRCLE_MENU.encode("name", circle.id),
                )
            ]
        )
    buttons.append(
        [
            InlineKeyboardButton(
                _("I want to leave this circle"),
                callback_data=CIRCLE_MENU.encode("leave", circle.id),
            )
        ]
    )
    text = "\n".join(lines)
    markup = InlineKeyboardMarkup(buttons)
    if edit and update.callback_query:
        await update.callback_query.edit_message_text(text, reply_markup=markup)
    else:
        await update.effective_message.reply_text(text, reply_markup=markup)


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


async def circle_button(update: Update, context: OmkijkContext) -> None:
    """``cm:<what>:<id>[:<value>]`` from the /cirkel screens."""
    query = update.callback_query
    values = await decoded(update, context, CIRCLE_MENU)
    if values is None:
        return
    what, number, value = values
    store = context.services.store
    _ = context.t.gettext
    if what in ("m", "r", "rm", "rmy"):
        target = await store.member(number)
        if target is None:
            await answer_stale(update, context)
            return
        allowed = await membership_for(update, context, target.circle_id, Action.MANAGE_ROLES)
        if allowed is None:
            return
        circle, me = allowed
        await _member_button(update, context, circle, me, target, what, value)
        return
    action = {
        "roles": Action.MANAGE_ROLES,
        "inv": Action.INVITE_MEMBER,
        "nophone": Action.ADD_ON_BEHALF,
        "pro": Action.LINK_PROFESSIONAL,
        "tel": Action.PHONE_LIST,
        "name": Action.RENAME_CIRCLE,
        "leave": Action.SEE_MEMBERS,
        "leavey": Action.SEE_MEMBERS,
        "back": Action.SEE_MEMBERS,
    }.get(what)
    if action is None:
        await answer_stale(update, context)
        return
    allowed = await membership_for(update, context, number, action)
    if allowed is None:
        return
    circle, me = allowed
    await query.answer()
    if what == "roles":
        members = await store.members(circle.id)
        buttons = [
            [
                InlineKeyboardButton(
                    f"{m.display_name} — {_role(context, m.role)}",
                    callback_data=CIRCLE_MENU.encode("m", m.id),
                )
            ]
            for m in members
        ]
        buttons.append(
            [InlineKeyboardButton(_("« Back"), callback_data=CIRCLE_MENU.encode("back", circle.id))]
        )
        await query.edit_message_text(
            _("Whose role do you want to change?"), reply_markup=InlineKeyboardMarkup(buttons)
        )
    elif what == "back":
        await _show_circle(update, context, circle, me, edit=True)
    elif what == "inv":
        await _send_invite(update, context, circle, me, kind="member")
    elif what == "pro":
        await _send_invite(update, context, circle, me, kind="professional")
    elif what == "nophone":
        await NO_PHONE_WIZARD.begin(update, context, {"circle_id": circle.id})
    elif what == "name":
        await RENAME_WIZARD.begin(update, context, {"circle_id": circle.id})
    elif what == "tel":
        await _send_phone_list(update, context, circle)
    elif what == "leave":
        await query.edit_message_text(
            _(
                "Do you really want to leave {circle}? Your name and role in this circle will be "
                "deleted.",
                circle=circle.title,
            ),
            reply_markup=InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            _("Yes, I'm leaving"),
                            callback_data=CIRCLE_MENU.encode("leavey", circle.id),
                        )
                    ],
                    [
                        InlineKeyboardButton(
                            _("No, I'm staying"),
                            callback_data=CIRCLE_MENU.encode("back", circle.id),
                        )
                    ],
                ]
            ),
        )
    elif what == "leavey":
        removal = await membership.remove_member(store, context.services.waakvlam, me, me)
        await context.services.outbox.deliver(context.bot, list(removal.message_ids))
        await query.edit_message_text(_("You have left {circle}. Take care!", circle=circle.title))
        if removal.chair_empty:
            await ask_for_new_chair(context, circle)


async def _member_button(
    update: Update,
    context: OmkijkContext,
    circle: Circle,
    me: Member,
    target: Member,
    what: str,
    value: str | None,
) -> None:
    query = update.callback_query
    store = context.services.store
    _ = context.t.gettext
    if what == "m":
        await query.answer()
        if target.role == Role.PROFESSIONAL:
            choices: list[Role] = []
        elif target.no_phone:
            choices = [Role.LID]
        else:
            choices = [Role.LID, Role.SUPERBUUR, Role.VOORZITTER]
        options = [
            [
                InlineKeyboardButton(
                    ("✓ " if target.role == role else "") + _role(context, role),
                    callback_data=CIRCLE_MENU.encode("r", target.id, role.value),
                )
            ]
            for role in choices
        ]
        options.append(
            [
                InlineKeyboardButton(
                    _("Remove from the circle"), callback_data=CIRCLE_MENU.encode("rm", target.id)
                )
            ]
        )
        options.append(
            [
                InlineKeyboardButton(
                    _("« Back"), callback_data=CIRCLE_MENU.encode("roles", circle.id)
                )
            ]
        )
        await query.edit_message_text(
            _(
                "{name} is now: {role}. What should it be?",
                name=target.display_name,
                role=_role(context, target.role),
            ),
            reply_markup=InlineKeyboardMarkup(options),
        )
    elif what == "r":
        try:
            role = Role(value or "")
        except ValueError:
            await answer_stale(update, context)
            return
        result = await membership.change_role(store, me, target, role)
        messages = {
            rules.RoleChange.DONE: _(
                "Done: {name} is now {role}.", name=target.display_name, role=_role(context, role)
            ),
            rules.RoleChange.UNCHANGED: _(
                "{name} is {role} already.", name=target.display_name, role=_role(context, role)
            ),
            rules.RoleChange.LAST_VOORZITTER: _(
                "A circle always needs a voorzitter. First make someone else voorzitter, then "
                "change this role."
            ),
            rules.RoleChange.NOT_ALLOWED: _("This is not possible for you (any more)."),
            rules.RoleChange.NOT_FOR_THIS_PERSON: _(
                "This role is not possible for {name}.", name=target.display_name
            ),
        }
        await query.answer(
            _strip_tags(messages[result]), show_alert=result != rules.RoleChange.DONE
        )
        if result == rules.RoleChange.DONE:
            refreshed = await store.member_of(circle.id, update.effective_user.id)
            if refreshed is not None and may(refreshed, Action.SEE_MEMBERS, circle):
                await _show_circle(update, context, circle, refreshed, edit=True)
            if target.user_id is not None and target.user_id != update.effective_user.id:
                await _tell_role(context, target, me, circle, role)
    elif what == "rm":
        await query.answer()
        await query.edit_message_text(
            _(
                "Remove {name} from {circle}? Their name and role in this circle will be deleted.",
                name=target.display_name,
                circle=circle.title,
            ),
            reply_markup=InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            _("Yes, remove"), callback_data=CIRCLE_MENU.encode("rmy", target.id)
                        )
                    ],
                    [
                        InlineKeyboardButton(
                            _("No"), callback_data=CIRCLE_MENU.encode("m", target.id)
                        )
                    ],
                ]
            ),
        )
    elif what == "rmy":
        removal = await membership.remove_member(store, context.services.waakvlam, me, target)
        if not removal.done:
            await answer_stale(update, context)
            return
        await context.services.outbox.deliver(context.bot, list(removal.message_ids))
        await query.answer()
        await query.edit_message_text(
            _(
                "{name} is no longer part of {circle}.",
                name=target.display_name,
                circle=circle.title,
            )
        )
        if removal.chair_empty:
            await ask_for_new_chair(context, circle)


async def _tell_role(
    context: OmkijkContext, target: Member, actor: Member, circle: Circle, role: Role
) -> None:
    person = await context.services.store.user(target.user_id or 0)
    role_label = context.services.i18n.for_language(person.language if person else None).gettext(
        ROLE_LABELS[role]
    )
    await tell_privately(
        context,
        [target],
        N_("{actor} made you {role} in {circle}."),
        actor=actor.display_name,
        circle=circle.title,
        role=role_label,
    )


def _strip_tags(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


async def ask_for_new_chair(context: OmkijkContext, circle: Circle) -> None:
    """Nobody is voorzitter any more: ask the superburen (or everyone) who takes it on."""
    candidates = await membership.chair_candidates(context.services.store, circle.id)
    buttons = column(TAKE_CHAIR.button(BUTTON_TAKE_CHAIR, circle.id))
    await tell_privately(
        context,
        candidates,
        N_(
            "{circle} has no voorzitter any more. A circle needs a contact person. Would you "
            "like to take this on? Tap ✋ below."
        ),
        priority=Priority.ALERT,
        buttons=buttons,
        circle=circle.title,
    )


async def chair_button(update: Update, context: OmkijkContext) -> None:
    query = update.callback_query
    values = TAKE_CHAIR.decode(query.data)
    store = context.services.store
    member = None
    if values is not None:
        member = await store.member_of(values[0], update.effective_user.id)
    if member is None:
        await answer_stale(update, context)
        return
    circle = await store.circle(member.circle_id)
    _ = context.t.gettext
    outcome = await membership.take_chair(store, circle.id, member)
    if outcome == rules.ChairTaken.DONE:
        await query.answer()
        await query.edit_message_text(
            _("Thank you! You are now the voorzitter of {circle}.", circle=circle.title)
        )
    elif outcome == rules.ChairTaken.TAKEN:
        await query.answer(
            _("Already arranged: someone else took it on. Thank you!"), show_alert=True
        )
        await mark_chosen(update, drop_only=True)
    else:
        await query.answer(_("This is not possible for you (any more)."), show_alert=True)


# -- invites and the phone list ------------------------------------------------


async def invite_command(update: Update, context: OmkijkContext) -> None:
    chosen = await choose_circle(update, context, "inv", Action.INVITE_MEMBER)
    if chosen:
        await _send_invite(update, context, *chosen, kind="member")


async def _send_invite(
    update: Update, context: OmkijkContext, circle: Circle, me: Member, *, kind: str
) -> None:
    _ = context.t.gettext
    invite = await membership.create_invite(
        context.services.store, me, circle, context.services.clock.now(), kind=kind
    )
    if invite is None:
        await update.effective_message.reply_text(_("This is not possible for you (any more)."))
        return
    until = context.t.datetime(invite.expires_at)
    if kind == "professional":
        link = rules.professional_link(context.bot.username, invite.code)
        text = _(
            "Send this link to the professional (for example from the wijkteam). It works "
            "once, until {until}:\n\n{link}",
            until=until,
            link=link,
        )
    else:
        link = rules.join_link(context.bot.username, invite.code)
        text = _(
            "Send this link to your neighbour. It works once, until {until}:\n\n{link}",
            until=until,
            link=link,
        )
    await update.effective_message.reply_text(
        text,
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        _("Withdraw this link"),
                        callback_data=INVITE_REVOKE.encode("rv", invite.code),
                    )
                ]
            ]
        ),
    )


async def revoke_button(update: Update, context: OmkijkContext) -> None:
    query = update.callback_query
    values = await decoded(update, context, INVITE_REVOKE)
    if values is None:
        return
    store = context.services.store
    invite = await store.invite(values[1])
    _ = context.t.gettext
    if invite is None:
        await answer_stale(update, context)
        return
    me = await store.member_of(invite.circle_id, update.effective_user.id)
    if invite.created_by != update.effective_user.id and not may(me, Action.MANAGE_ROLES):
        await query.answer(_("This is not possible for you (any more)."), show_alert=True)
        return
    if await membership.revoke_invite(store, invite):
        await query.answer()
        await query.edit_message_text(_("The link has been withdrawn. It no longer works."))
    else:
        await query.answer(_("This link was already used or withdrawn."), show_alert=True)


async def _send_phone_list(update: Update, context: OmkijkContext, circle: Circle) -> None:
    _ = context.t.gettext
    members = await context.services.store.members(circle.id)
    document = phone_list_html(circle, members, context.t, context.services.clock.now())
    filename = re.sub(r"[^A-Za-z0-9]+", "-", circle.title).strip("-").lower() or "kring"
    await update.effective_message.reply_document(
        document.encode(),
        filename=f"telefoonlijst-{filename}.html",
        caption=_("The phone list of {circle}: open it and print it.", circle=circle.title),
    )


# -- wizards for adding someone, renaming, the wegwijzer -----------------------


class NoPhoneWizard(Wizard):
    flow = NO_PHONE
    prefix = "np"

    async def step_name(self, update: Update, context: OmkijkContext, state: dict) -> None:
        _ = context.t.gettext
        await self.ask(
            update,
            context,
            state,
            _("You are adding someone who has no smartphone. What is their name?"),
            [],
        )

    async def text_name(self, update: Update, context: OmkijkContext, state: dict) -> None:
        name = rules.clean_name(update.effective_message.text or "")
        if name is None:
            await update.effective_message.reply_text(
                context.t.gettext("Please type a name of a few letters.")
            )
            return
        state["name"] = name
        await self.goto(update, context, state, "phone")

    async def step_phone(self, update: Update, context: OmkijkContext, state: dict) -> None:
        _ = context.t.gettext
        await self.ask(
            update,
            context,
            state,
            _("Their phone number, for the phone list? Only if they agree. Type it, or skip this."),
            [[(_("Skip"), "skip")]],
        )

    async def text_phone(self, update: Update, context: OmkijkContext, state: dict) -> None:
        digits = re.sub(r"[^\d+]", "", update.effective_message.text or "")
        if not 6 <= len(digits) <= 16:
            await update.effective_message.reply_text(
                context.t.gettext(
                    "That does not look like a phone number. Type it again, or tap Skip."
                )
            )
            return
        state["phone"] = digits
        await self.goto(update, context, state, "contact")

    async def button_phone(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        await self.goto(update, context, state, "contact")

    async def step_contact(self, update: Update, context: OmkijkContext, state: dict) -> None:
        _ = context.t.gettext
        members = [
            m
            for m in await context.services.store.members(state["circle_id"])
            if m.consented and not m.no_phone and m.role != Role.PROFESSIONAL
        ]
        await self.ask(
            update,
            context,
            state,
            _(
                "Who is their contact neighbour: the one who looks in on them and "
                "passes on messages?"
            ),
            [[(m.display_name, str(m.id))] for m in members],
        )

    async def button_contact(
        self, update: Update, context: OmkijkContext, state: dict, value: str
    ) -> None:
        store = context.services.store
        contact = await store.member(int(value)) if value.isdigit() else None
        if contact is None or contact.circle_id != state["circle_id"]:
            await answer_stale(update, context)
            return
        me = await store.member_of(state["circle_id"], update.effective_user.id)
        circle = await store.circle(state["circle_id"])
        _ = context.t.gettext
        added = await membership.add_without_phone(
            store, circle, me, state["name"], state.get("phone"), contact
        )
        if added is None:
            await update.callback_query.answer(
                _("This is not possible for you (any more)."), show_alert=True
            )
            return
        await update.effective_message.reply_text(
            _(
                "{name} is now in {circle}, marked 📵 (no smartphone). Contact neighbour: "
                "{contact}.",
                name=state["name"],
                circle=circle.title,
                contact=contact.display_name,
            ),
            reply_markup=await main_menu(context),
        )


class RenameWizard(Wizard):
    flow = RENAME
    prefix = "rn"

    async def step_name(self, update: Update, context: OmkijkContext, state: dict) -> None:
        await self.ask(
            update, context, state, context.t.gettext("What should the circle be called?"), []
        )

    async def text_name(self, update: Update, context: OmkijkContext, state: dict) -> None:
        name = rules.clean_name(update.effective_message.text or "")
        store = context.services.store
        me = await store.member_of(state["circle_id"], update.effective_user.id)
        _ = context.t.gettext
        if name is None:
            await update.effective_message.reply_text(_("Please type a name of a few letters."))
            return
        if not await membership.rename(store, me, state["circle_id"], name):
            await context.services.people.clear_draft(update.effective_user.id)
            await update.effective_message.reply_text(_("This is not possible for you (any more)."))
            return
        await update.effective_message.reply_text(
            _("Done: the circle is now called {name}.", name=name)
        )


class SignpostWizard(Wizard):
    flow = SIGNPOST
    prefix = "sp"
    first = "text"

    async def step_text(self, update: Update, context: OmkijkContext, state: dict) -> None:
        await self.ask(
            update,
            context,
            state,
            context.t.gettext(
                "Type the line for the wegwijzer, for example: “Wijkteam Zandweerd: 0570 123 456, "
                "weekdays 9-12”."
            ),
            [],
        )

    async def text_text(self, update: Update, context: OmkijkContext, state: dict) -> None:
        text = " ".join((update.effective_message.text or "").split())[:300]
        store = context.services.store
        me = await store.member_of(state["circle_id"], update.effective_user.id)
        _ = context.t.gettext
        if not text:
            await update.effective_message.reply_text(_("Please type a few words."))
            return
        if not await membership.add_signpost(store, me, state["circle_id"], text):
            await context.services.people.clear_draft(update.effective_user.id)
            await update.effective_message.reply_text(_("This is not possible for you (any more)."))
            return
        circle = await store.circle(state["circle_id"])
        await _show_signposts(update, context, circle, me)


NO_PHONE_WIZARD = NoPhoneWizard()
RENAME_WIZARD = RenameWizard()
SIGNPOST_WIZARD = SignpostWizard()


async def signposts_command(update: Update, context: OmkijkContext) -> None:
    chosen = await choose_circle(update, context, "wegwijzer", Action.SEE_SIGNPOSTS)
    if chosen:
        await _show_signposts(update, context, *chosen)


async def _show_signposts(
    update: Update, context: OmkijkContext, circle: Circle, me: Member
) -> None:
    _ = context.t.gettext
    entries = await context.services.store.signposts(circle.id)
    lines = [_("🧭 <b>Where to go</b> — {circle}", circle=circle.title)]
    if entries:
        lines += [f"• {html.escape(text)}" for _id, text in entries]
    else:
        lines.append(_("Nothing here yet. The voorzitter or the professional can add lines."))
    lines.append("\n" + _("In an emergency: call 112."))
    buttons = []
    if may(me, Action.EDIT_SIGNPOSTS, circle):
        buttons.append(
            [
                InlineKeyboardButton(
                    _("➕ Add a line"), callback_data=SIGNPOST_ACTION.encode("add", circle.id)
                )
            ]
        )
        buttons += [
            [
                InlineKeyboardButton(
                    "🗑 " + text[:30],
                    callback_data=SIGNPOST_ACTION.encode("rm", circle.id, entry_id),
                )
            ]
            for entry_id, text in entries
        ]
    await update.effective_message.reply_text(
        "\n".join(lines), reply_markup=InlineKeyboardMarkup(buttons) if buttons else None
    )


async def signpost_button(update: Update, context: OmkijkContext) -> None:
    query = update.callback_query
    values = await decoded(update, context, SIGNPOST_ACTION)
    if values is None:
        return
    what, circle_id, signpost_id = values
    allowed = await membership_for(update, context, circle_id, Action.EDIT_SIGNPOSTS)
    if allowed is None:
        return
    circle, me = allowed
    if what == "add":
        await query.answer()
        await SIGNPOST_WIZARD.begin(update, context, {"circle_id": circle.id})
        return
    if not await membership.remove_signpost(context.services.store, circle, signpost_id or 0):
        await answer_stale(update, context)
        return
    await query.answer(context.t.gettext("Removed."))
    await _show_signposts(update, context, circle, me)


async def _send_member_invite(
    update: Update, context: OmkijkContext, circle: Circle, me: Member
) -> None:
    await _send_invite(update, context, circle, me, kind="member")


CIRCLE_PURPOSES.update(
    {
        "cirkel": (Action.SEE_MEMBERS, _show_circle),
        "inv": (Action.INVITE_MEMBER, _send_member_invite),
        "wegwijzer": (Action.SEE_SIGNPOSTS, _show_signposts),
    }
)


def register(application: Application, i18n) -> None:
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    for wizard in (JOIN_WIZARD, NO_PHONE_WIZARD, RENAME_WIZARD, SIGNPOST_WIZARD):
        wizard.register(application)
    application.add_handlers(
        [
            ChatMemberHandler(bot_membership_in_group, ChatMemberHandler.MY_CHAT_MEMBER),
            CommandHandler("start", start_in_group, filters=groups),
            CommandHandler("start", start_private, filters=private),
            MessageHandler(filters.StatusUpdate.MIGRATE, group_migrated),
            MessageHandler(
                groups
                & (filters.StatusUpdate.NEW_CHAT_MEMBERS | filters.StatusUpdate.LEFT_CHAT_MEMBER),
                group_members_changed,
            ),
            CommandHandler("cirkel", circle_command, filters=private),
            CommandHandler("uitnodigen", invite_command, filters=private),
            CommandHandler("wegwijzer", signposts_command, filters=private),
            MessageHandler(private & menu_filter(i18n, MENU_CIRCLE), circle_command),
            MessageHandler(private & menu_filter(i18n, MENU_SIGNPOSTS), signposts_command),
            CallbackQueryHandler(circle_chosen, pattern=CIRCLE_CHOSEN.pattern),
            CallbackQueryHandler(circle_button, pattern=CIRCLE_MENU.pattern),
            CallbackQueryHandler(revoke_button, pattern=INVITE_REVOKE.pattern),
            CallbackQueryHandler(chair_button, pattern=TAKE_CHAIR.pattern),
            CallbackQueryHandler(signpost_button, pattern=SIGNPOST_ACTION.pattern),
        ]
    )
