"""/cirkel: which circle, its members and roles, leaving, the chair never left empty,
someone without a smartphone, the phone list, and the circle's name.

Every button press is checked against the database and the policy module: the
data in a button is never trusted.
"""

from __future__ import annotations

import html
import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from core.callbacks import Codec, Int, Word, column
from core.i18n import N_, I18n
from core.priority import Priority
from domain import circles as rules
from domain.phone_list import phone_list_html
from domain.policy import ROLE_LABELS, Action, Role, may
from domain.records import Circle, Member
from handlers import groups, invites, telling
from handlers.buttons import decoded
from handlers.context import OmkijkContext
from handlers.menu import (
    MENU_CIRCLE,
    MENU_CONTACTS,
    OPEN_BY_LINK,
    main_menu,
    menu_filter,
    refresh_commands,
)
from handlers.picker import CIRCLE_PURPOSES, choose_circle, circles_allowing, membership_for
from handlers.wizard import Wizard, answer_stale, mark_chosen, say_if_cut
from services import circles as membership

log = logging.getLogger(__name__)


# The data of this module's buttons (each codec also gives its handler's pattern).


CIRCLE_MENU = Codec("cm", Word("what", "[a-z]+"), Int("id"), Word("value", "[a-z]+"), optional=1)


TAKE_CHAIR = Codec("chair", Int("circle"))


BUTTON_TAKE_CHAIR = N_("✋")


NO_PHONE = "nophone"  # adding someone without a smartphone


RENAME = "rename"  # renaming a circle


def _role(context: OmkijkContext, role: str) -> str:
    return context.t.gettext(ROLE_LABELS[Role(role)])


async def circle_command(update: Update, context: OmkijkContext) -> None:
    user_id = update.effective_user.id
    if not await circles_allowing(context, user_id, Action.SEE_MEMBERS) and await circles_allowing(
        context, user_id, Action.SEE_CONTACT_PERSONS
    ):
        # A professional does not see the members, but does see whom to turn to.
        await contacts_command(update, context)
        return
    chosen = await choose_circle(update, context, "cirkel", Action.SEE_MEMBERS)
    if chosen:
        await _show_circle(update, context, *chosen)


async def contacts_command(update: Update, context: OmkijkContext) -> None:
    """The contact persons (voorzitters and superburen) of each circle one may see them
    of: names and roles, nothing else (the phone list stays the voorzitter's)."""
    _ = context.t.gettext
    store = context.services.store
    circles = await circles_allowing(context, update.effective_user.id, Action.SEE_CONTACT_PERSONS)
    if not circles:
        await choose_circle(update, context, "cirkel", Action.SEE_CONTACT_PERSONS)
        return
    blocks = []
    for circle, _me in circles:
        lines = [_("<b>{circle}</b>", circle=circle.title), _("Contact persons in the circle:")]
        lines += [
            _("• {name} — {role}", name=m.display_name, role=_role(context, m.role))
            for m in await store.members(circle.id)
            if m.role in (Role.VOORZITTER, Role.SUPERBUUR) and m.consented
        ]
        blocks.append("\n".join(lines))
    await update.effective_message.reply_text("\n\n".join(blocks))


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
    if may(me, Action.RENEW_GROUP_LINK, circle):
        buttons.append(
            [
                InlineKeyboardButton(
                    _("🔄 New link for the group"),
                    callback_data=CIRCLE_MENU.encode("link", circle.id),
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
        "link": Action.RENEW_GROUP_LINK,
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
        await invites.send_invite(update, context, circle, me, kind="member")
    elif what == "pro":
        await invites.send_invite(update, context, circle, me, kind="professional")
    elif what == "nophone":
        await NO_PHONE_WIZARD.begin(update, context, {"circle_id": circle.id})
    elif what == "name":
        await RENAME_WIZARD.begin(update, context, {"circle_id": circle.id})
    elif what == "tel":
        await _send_phone_list(update, context, circle)
    elif what == "link":
        renewed = await membership.renew_group_link(store, me, circle)
        if renewed is not None:
            await groups.announce_new_link(context, renewed)
            await query.edit_message_text(_(groups.NEW_LINK, circle=circle.title))
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
        await refresh_commands(context, me.user_id)
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
        await query.answer(_strip_tags(messages[result]), show_alert=True)
        if result == rules.RoleChange.DONE:
            refreshed = await store.member_of(circle.id, update.effective_user.id)
            if refreshed is not None and may(refreshed, Action.SEE_MEMBERS, circle):
                await _show_circle(update, context, circle, refreshed, edit=True)
            await refresh_commands(context, target.user_id)
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
        await refresh_commands(context, target.user_id)
        renewed = await store.circle(circle.id)
        if removal.new_link and renewed is not None:
            await groups.announce_new_link(context, renewed)
        if removal.chair_empty:
            await ask_for_new_chair(context, circle)


async def _tell_role(
    context: OmkijkContext, target: Member, actor: Member, circle: Circle, role: Role
) -> None:
    person = await context.services.store.user(target.user_id or 0)
    role_label = context.services.i18n.for_language(person.language if person else None).gettext(
        ROLE_LABELS[role]
    )
    await telling.tell_privately(
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
    await telling.tell_privately(
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
        await refresh_commands(context, update.effective_user.id)
    elif outcome == rules.ChairTaken.TAKEN:
        await query.answer(
            _("Already arranged: someone else took it on. Thank you!"), show_alert=True
        )
        await mark_chosen(update, drop_only=True)
    else:
        await query.answer(_("This is not possible for you (any more)."), show_alert=True)


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
        clipped = rules.clean_name_clipped(update.effective_message.text or "")
        name = clipped.text if clipped else None
        if name is None:
            await update.effective_message.reply_text(
                context.t.gettext("Please type a name of a few letters.")
            )
            return
        await say_if_cut(update, context, clipped, rules.NAME_MAX)
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
        clipped = rules.clean_name_clipped(update.effective_message.text or "")
        name = clipped.text if clipped else None
        store = context.services.store
        me = await store.member_of(state["circle_id"], update.effective_user.id)
        _ = context.t.gettext
        if name is None:
            await update.effective_message.reply_text(_("Please type a name of a few letters."))
            return
        await say_if_cut(update, context, clipped, rules.NAME_MAX)
        if not await membership.rename(store, me, state["circle_id"], name):
            await context.services.people.clear_draft(update.effective_user.id)
            await update.effective_message.reply_text(_("This is not possible for you (any more)."))
            return
        await update.effective_message.reply_text(
            _("Done: the circle is now called {name}.", name=name)
        )


NO_PHONE_WIZARD = NoPhoneWizard()


RENAME_WIZARD = RenameWizard()


def register(application: Application, i18n: I18n) -> None:
    CIRCLE_PURPOSES["cirkel"] = (Action.SEE_MEMBERS, _show_circle)
    OPEN_BY_LINK["cirkel"] = circle_command
    private = filters.ChatType.PRIVATE
    for wizard in (NO_PHONE_WIZARD, RENAME_WIZARD):
        wizard.register(application)
    application.add_handlers(
        [
            CommandHandler("cirkel", circle_command, filters=private),
            MessageHandler(private & menu_filter(i18n, MENU_CIRCLE), circle_command),
            MessageHandler(private & menu_filter(i18n, MENU_CONTACTS), contacts_command),
            CallbackQueryHandler(circle_button, pattern=CIRCLE_MENU.pattern),
            CallbackQueryHandler(chair_button, pattern=TAKE_CHAIR.pattern),
        ]
    )
