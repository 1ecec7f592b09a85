"""The emulator answers like Telegram, errors included, as PTB's own Bot sees it."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter
from telegram.request import HTTPXRequest

from bot.transport import AiohttpRequest
from emulator import Fault


# PTB's default transport, and ours (bot/transport.py): both must see the same Telegram.
@pytest.fixture(params=[HTTPXRequest, AiohttpRequest])
async def bot(request, emulator_server):
    bot = Bot(
        emulator_server.emulator.token,
        base_url=emulator_server.api_url,
        base_file_url=emulator_server.file_url,
        request=request.param(),
        get_updates_request=request.param(),
    )
    async with bot:
        yield bot


@pytest.fixture
def emu(emulator_server):
    return emulator_server.emulator


async def test_get_me_and_updates_with_offset_confirming(bot, emu):
    me = await bot.get_me()
    assert me.is_bot and me.username == "OmkijkOefenBot"
    riet = emu.add_user("Riet")
    await emu.send_text(riet.id, riet.id, "/start")
    [update] = await bot.get_updates(timeout=1)
    assert update.message.text == "/start" and update.message.from_user.first_name == "Riet"
    assert update.message.entities[0].type == "bot_command"
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [update.update_id]  # not confirmed yet
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
    assert emu.confirmed_offset == update.update_id + 1


async def test_too_long_text_is_refused_like_telegram(bot, emu):
    riet = emu.add_user("Riet")
    await emu.send_text(riet.id, riet.id, "hoi")
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(riet.id, "x" * 4097)
    await bot.send_message(riet.id, "x" * 4096)


async def test_too_long_button_data_is_refused(bot, emu):
    riet = emu.add_user("Riet")
    await emu.send_text(riet.id, riet.id, "hoi")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ik help", callback_data="x" * 65)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(riet.id, "vraag", reply_markup=markup)


async def test_blocked_and_never_started_users_answer_403(bot, emu):
    riet = emu.add_user("Riet")
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(riet.id, "hallo")
    await emu.send_text(riet.id, riet.id, "/start")
    await emu.block_bot(riet.id)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(riet.id, "hallo")


async def test_injected_429_carries_retry_after(bot, emu):
    riet = emu.add_user("Riet")
    await emu.send_text(riet.id, riet.id, "/start")
    emu.inject_fault("sendMessage", Fault("429", retry_after=7))
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(riet.id, "hallo")
    assert caught.value.retry_after in (7, __import__("datetime").timedelta(seconds=7))
    await bot.send_message(riet.id, "hallo")  # the fault was used up


async def test_bad_html_is_refused(bot, emu):
    riet = emu.add_user("Riet")
    await emu.send_text(riet.id, riet.id, "/start")
    with pytest.raises(BadRequest, match="parse entities"):
        await bot.send_message(riet.id, "<b>hallo", parse_mode="HTML")
    message = await bot.send_message(riet.id, "<b>hallo</b> &amp; tot ziens", parse_mode="HTML")
    assert message.text == "hallo & tot ziens"


async def test_group_life_migrate_and_kick(bot, emu):
    henk = emu.add_user("Henk")
    group = emu.add_group("Buurtkring", [henk.id], admins=[henk.id])
    await emu.add_bot_to_group(group.id, henk.id)
    updates = await bot.get_updates(timeout=0)
    assert updates[0].my_chat_member.new_chat_member.status == "member"
    assert updates[1].message.new_chat_members[0].is_bot
    new = await emu.migrate_group(group.id)
    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(group.id, "hallo")
    assert caught.value.new_chat_id == new.id
    await bot.send_message(new.id, "hallo supergroep")
    member = await bot.get_chat_member(new.id, henk.id)
    assert member.status == "creator"
    await emu.remove_bot_from_group(new.id, henk.id)
    with pytest.raises(Forbidden, match="kicked"):
        await bot.send_message(new.id, "hallo")


async def test_privacy_mode_bot_sees_commands_not_chatter(emu):
    henk = emu.add_user("Henk")
    group = emu.add_group("Buurtkring", [henk.id], admins=[henk.id])
    await emu.add_bot_to_group(group.id, henk.id)
    assert await emu.send_text(henk.id, group.id, "gezellig vanmiddag!") is None
    assert await emu.send_text(henk.id, group.id, "/help@OmkijkOefenBot") is not None
    assert await emu.send_text(henk.id, group.id, "/help@AndereBot") is None


async def test_voice_and_files_round_trip(bot, emu):
    riet = emu.add_user("Riet")
    update = await emu.send_voice(riet.id, riet.id, b"OggS-voice-bytes", duration=5)
    file_id = update["message"]["voice"]["file_id"]
    telegram_file = await bot.get_file(file_id)
    assert bytes(await telegram_file.download_as_bytearray()) == b"OggS-voice-bytes"
    sent = await bot.send_document(riet.id, b"a,b\n1,2\n", filename="cijfers.csv")
    assert sent.document.file_size == 8


async def test_unknown_token_and_method(emulator_server):
    bad = Bot("1:WRONG", base_url=emulator_server.api_url)
    from telegram.error import InvalidToken

    with pytest.raises(InvalidToken):
        await bad.get_me()


async def test_the_command_menu_is_found_as_telegram_finds_it(emu):
    """The first list set, narrowest scope first, each in the person's language then for
    all languages (Bot API: "Determining list of commands")."""
    riet, henk = emu.add_user("Riet"), emu.add_user("Henk")
    group = emu.add_group("Zandweerd", [riet.id, henk.id], admins=[henk.id])

    async def menu(commands, **params):
        listed = [{"command": c, "description": c} for c in commands]
        await emu.call("setMyCommands", {"commands": listed, **params})

    await menu(["start"])
    assert [c["command"] for c in emu.commands_for(riet.id, riet.id, "nl")] == ["start"]
    await menu(["hulp"], scope={"type": "all_private_chats"})
    await menu(["help"], scope={"type": "all_private_chats"}, language_code="en")
    await menu(["groep"], scope={"type": "all_group_chats"})
    await menu(["beheer"], scope={"type": "chat_administrators", "chat_id": group.id})

    def names(chat, user, language):
        return [c["command"] for c in emu.commands_for(chat, user, language)]

    assert names(riet.id, riet.id, "nl") == ["hulp"]
    assert names(riet.id, riet.id, "en") == ["help"]
    assert names(riet.id, riet.id, "tr") == ["hulp"]  # no Turkish list: the general one
    assert names(group.id, riet.id, "nl") == ["groep"]
    assert names(group.id, henk.id, "nl") == ["beheer"]  # the group's admin
    await emu.call("deleteMyCommands", {"scope": {"type": "all_group_chats"}})
    assert names(group.id, riet.id, "en") == ["start"]  # the default, then
