"""/mijngegevens and /vergeetmij: see everything the bot keeps, or delete it all."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.services import OmkijkContext
from domain import circles as rules
from domain.policy import Role
from domain.privacy import json_export, readable_export
from handlers import circles
from handlers.wizard import answer_stale


async def my_data(update: Update, context: OmkijkContext) -> None:
    _ = context.t.gettext
    data = await context.services.store.everything_about(update.effective_user.id)
    message = update.effective_message
    await message.reply_text(
        _(
            "Here is everything Omkijkbot keeps about you: a file to read, "
            "and the same in full as a data file."
        )
    )
    await message.reply_document(
        readable_export(data, context.t).encode(), filename="omkijkbot-gegevens.txt"
    )
    await message.reply_document(json_export(data), filename="omkijkbot-gegevens.json")


async def forget_me(update: Update, context: OmkijkContext) -> None:
    _ = context.t.gettext
    await update.effective_message.reply_text(
        _(
            "Do you want us to delete everything about you? Your name, your circles, your "
            "“All well?” settings and answers, and your messages. This cannot be undone. You "
            "can always start again later."
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(_("Yes, delete everything"), callback_data="forget:yes")],
                [InlineKeyboardButton(_("No, keep it"), callback_data="forget:no")],
            ]
        ),
    )


async def forget_button(update: Update, context: OmkijkContext) -> None:
    query = update.callback_query
    _ = context.t.gettext
    if query.data == "forget:no":
        await query.answer()
        await query.edit_message_text(_("Fine, nothing was deleted."))
        return
    if query.data != "forget:yes":
        await answer_stale(update, context)
        return
    store = context.services.store
    user_id = update.effective_user.id
    # Circles where this person is the only voorzitter need someone new afterwards.
    chairless = []
    for circle, member in await store.memberships(user_id):
        if (
            member.role == Role.VOORZITTER
            and await store.count_role(circle.id, Role.VOORZITTER) == 1
        ):
            chairless.append(circle)
    goodbye = _(
        "Everything about you has been deleted. Take care! You can always start again with /start."
    )
    await store.forget(user_id)
    await query.answer()
    await query.edit_message_text(goodbye)
    await query.message.reply_text("👋", reply_markup=ReplyKeyboardRemove())
    for circle in chairless:
        if await rules.chair_candidates(store, circle.id):
            await circles.ask_for_new_chair(context, circle)


def register(application: Application) -> None:
    private = filters.ChatType.PRIVATE
    application.add_handlers(
        [
            CommandHandler("mijngegevens", my_data, filters=private),
            CommandHandler("vergeetmij", forget_me, filters=private),
            CallbackQueryHandler(forget_button, pattern=r"^forget:"),
        ]
    )
