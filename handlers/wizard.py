"""Step-by-step questions in the private chat that survive a restart.

A wizard's state is a row in ``drafts`` (one per person), saved at every step,
so what someone typed is never lost. Each step has ``step_<name>`` (ask),
and ``text_<name>`` and/or ``button_<name>`` (take the answer). Every question
has "« Back" and "✖ Stop". Buttons carry the step they belong to, so an old
button from an earlier step is refused instead of acting.

A step can also be a screen with choices that change it in place (a summary with
"who may see it" to tick before "Send"): ``keeps_screen`` names those buttons, and
``redraw`` shows the same step again by editing the message that was tapped.
"""

from __future__ import annotations

import html
import logging
from typing import Any, ClassVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler

from core.callbacks import Codec, Word
from domain.text import Clipped, clip, one_line
from handlers.context import OmkijkContext

log = logging.getLogger(__name__)

Options = list[list[tuple[str, str]]]


async def mark_chosen(update: Update, *, drop_only: bool = False) -> None:
    """Show under a question what was chosen, and take its buttons away (so an old
    button cannot be pressed again by an unsteady hand). Only a question in the
    presser's own private chat: a press made up on anything else changes nothing."""
    query = update.callback_query
    message = query.message
    if message is None or message.chat.id != query.from_user.id:
        return
    label = next(
        (
            b.text
            for row in (message.reply_markup.inline_keyboard if message.reply_markup else ())
            for b in row
            if b.callback_data == query.data
        ),
        None,
    )
    try:
        if label and not drop_only:
            await query.edit_message_text(
                f"{html.escape(message.text or '')}\n\n➜ {html.escape(label)}"
            )
        else:
            await query.edit_message_reply_markup(None)
    except TelegramError:
        log.debug("could not mark the chosen button", exc_info=True)


async def answer_stale(update: Update, context: OmkijkContext) -> None:
    """A button that no longer applies (or was forged): say so kindly, change nothing."""
    query = update.callback_query
    if query is not None and not context.callback_answered:
        context.callback_answered = True
        await query.answer(context.t.gettext("This button no longer works."), show_alert=True)


class Wizard:
    registry: ClassVar[dict[str, Wizard]] = {}
    flow: str = ""
    prefix: str = ""
    first: str = "name"

    @property
    def codec(self) -> Codec:
        """``<prefix>:<step>:<value>``: the answer to one step's question."""
        return Codec(self.prefix, Word("step", "[a-z_]+"), Word("value"))

    # -- moving between steps ------------------------------------------------------

    async def begin(self, update: Update, context: OmkijkContext, state: dict[str, Any]) -> None:
        first = state.pop("first_step", None) or self.first
        await self.goto(update, context, {**state, "history": []}, first, remember=False)

    async def goto(
        self,
        update: Update,
        context: OmkijkContext,
        state: dict[str, Any],
        step: str,
        *,
        remember: bool = True,
    ) -> None:
        if remember and state.get("step") != step:
            state.setdefault("history", []).append(state.get("step"))
        state["step"] = step
        state["by_update"] = update.update_id
        await context.services.people.save_draft(update.effective_user.id, self.flow, state)
        await getattr(self, f"step_{step}")(update, context, state)

    async def redraw(self, update: Update, context: OmkijkContext, state: dict[str, Any]) -> None:
        """The same step once more, in the message that was tapped (a choice on a screen)."""
        context.redraw = True
        try:
            await self.goto(update, context, state, state["step"], remember=False)
        finally:
            context.redraw = False

    def keeps_screen(self, step: str, value: str) -> bool:
        """True for a button that changes its own screen (``redraw``) rather than
        answering the question: its message is not marked as answered."""
        return False

    async def remember_screen(
        self, update: Update, context: OmkijkContext, state: dict[str, Any], message: Any
    ) -> None:
        """Keep the id of the message that shows this step's screen, so a typed answer
        that brings a fresh copy can take the old copy's buttons away."""
        if message is not None and state.get("screen") != message.message_id:
            state["screen"] = message.message_id
            await context.services.people.save_draft(update.effective_user.id, self.flow, state)

    async def drop_old_screen(
        self, update: Update, context: OmkijkContext, state: dict[str, Any]
    ) -> None:
        if state.get("screen"):
            try:
                await context.bot.edit_message_reply_markup(
                    update.effective_chat.id, state["screen"], reply_markup=None
                )
            except TelegramError:
                log.debug("could not take the buttons off an old screen", exc_info=True)

    async def ask_again_after_crash(
        self, update: Update, context: OmkijkContext, state: dict[str, Any]
    ) -> bool:
        """True if this update already moved the wizard on before a crash.

        The durable inbox hands an update to us again when the process died while
        handling it. If its step was saved but the next question never left, the
        person would otherwise be stuck on an old button: show the question again.
        """
        if state.get("by_update") != update.update_id:
            return False
        await getattr(self, f"step_{state['step']}")(update, context, state)
        return True

    async def ask(
        self,
        update: Update,
        context: OmkijkContext,
        state: dict[str, Any],
        text: str,
        options: Options,
    ) -> Any:
        """Ask with buttons; returns the message that asks (None if none was sent)."""
        _ = context.t.gettext
        step = state["step"]
        rows = [
            [
                InlineKeyboardButton(label, callback_data=self.codec.encode(step, value))
                for label, value in row
            ]
            for row in options
        ]
        controls = []
        if state.get("history"):
            controls.append(
                InlineKeyboardButton(_("« Back"), callback_data=self.codec.encode(step, "_back"))
            )
        controls.append(
            InlineKeyboardButton(_("✖ Stop"), callback_data=self.codec.encode(step, "_stop"))
        )
        rows.append(controls)
        markup = InlineKeyboardMarkup(rows)
        if context.redraw and update.callback_query is not None:
            try:
                return await update.callback_query.edit_message_text(text, reply_markup=markup)
            except TelegramError:
                # "Not modified": the same choice tapped again; nothing to show.
                log.debug("screen not redrawn", exc_info=True)
                return None
        return await update.effective_message.reply_text(text, reply_markup=markup)

    async def cancel(self, update: Update, context: OmkijkContext, state: dict[str, Any]) -> None:
        await context.services.people.clear_draft(update.effective_user.id)
        await self.cancelled(update, context, state)

    async def cancelled(
        self, update: Update, context: OmkijkContext, state: dict[str, Any]
    ) -> None:
        from handlers.menu import main_menu

        await update.effective_message.reply_text(
            context.t.gettext("Stopped. Nothing was saved."), reply_markup=await main_menu(context)
        )

    # -- answers ----------------------------------------------------------------------

    async def on_button(self, update: Update, context: OmkijkContext) -> None:
        query = update.callback_query
        values = self.codec.decode(query.data)
        draft = await context.services.store.draft(update.effective_user.id)
        if (
            values
            and draft is not None
            and draft[0] == self.flow
            and await self.ask_again_after_crash(update, context, draft[1])
        ):
            context.callback_answered = True
            await query.answer()
            return
        if (
            not values
            or draft is None
            or draft[0] != self.flow
            or draft[1].get("step") != values[0]
        ):
            await answer_stale(update, context)
            return
        state, value = draft[1], values[1]
        if not self.keeps_screen(state["step"], value):
            await mark_chosen(update)
        if value == "_stop":
            await self.cancel(update, context, state)
        elif value == "_back" and state.get("history"):
            await self.goto(update, context, state, state["history"].pop(), remember=False)
        else:
            handler = getattr(self, f"button_{state['step']}", None)
            if handler is None:
                await answer_stale(update, context)
                return
            await handler(update, context, state, value)
        if not context.callback_answered:
            context.callback_answered = True
            await query.answer()

    async def words_or_voice(
        self, update: Update, context: OmkijkContext, state: dict[str, Any], limit: int
    ) -> bool:
        """Take a few typed words or a voice message into the state. False: neither."""
        message = update.effective_message
        if message.voice is not None:
            state["voice_file_id"] = message.voice.file_id
        elif message.text:
            state["details"] = await typed(update, context, limit)
        else:
            await message.reply_text(context.t.gettext("Please type a few words."))
            return False
        return True

    async def on_message(
        self, update: Update, context: OmkijkContext, state: dict[str, Any]
    ) -> None:
        if await self.ask_again_after_crash(update, context, state):
            return
        handler = getattr(self, f"text_{state.get('step')}", None)
        if handler is None:
            await update.effective_message.reply_text(
                context.t.gettext("Please choose one of the buttons above, or tap ✖ Stop.")
            )
            return
        await handler(update, context, state)

    def register(self, application: Application) -> None:
        Wizard.registry[self.flow] = self
        application.add_handler(CallbackQueryHandler(self.on_button, pattern=self.codec.pattern))


async def typed(update: Update, context: OmkijkContext, limit: int) -> str:
    """The typed text on one line, at most ``limit`` characters. Longer text is cut after
    a whole word, and the person is told what was kept: never cut silently."""
    text = one_line(update.effective_message.text or "")
    clipped = clip(text, limit)
    await say_if_cut(update, context, clipped, limit)
    return clipped.text


async def say_if_cut(
    update: Update, context: OmkijkContext, clipped: Clipped | None, limit: int
) -> None:
    if clipped is None or not clipped.cut:
        return
    log.info("text of %s cut at %d characters", update.effective_user.id, limit)
    await update.effective_message.reply_text(
        context.t.gettext(
            "That was longer than {limit} characters, so I kept the first part, up to: “{end}”.",
            limit=limit,
            end=clipped.end,
        )
    )


async def route_private_message(update: Update, context: OmkijkContext) -> bool:
    """Give a private message to the wizard the person is in. False: not in one, or the
    wizard handed it back (it was no answer to its question)."""
    if update.effective_user is None or update.effective_message is None:
        return True  # nobody to answer (Telegram never sends this; a forged update might)
    draft = await context.services.store.draft(update.effective_user.id)
    if draft is None or draft[0] not in Wizard.registry:
        return False
    handled = await Wizard.registry[draft[0]].on_message(update, context, draft[1])
    return handled is not False
