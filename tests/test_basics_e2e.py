"""The bot end to end: real Application, real Update JSON, over HTTP to the emulator."""

from __future__ import annotations

from telegram import BotCommandScopeAllPrivateChats


async def test_start_in_private_gets_dutch_welcome_with_big_buttons(world):
    riet = world.person("Riet")
    [reply] = await world.say(riet, "/start")
    assert reply["text"].startswith("Welkom, Riet! Leuk dat je er bent.")
    assert "Bij nood: bel 112." in reply["text"]
    keyboard = reply["_keyboard"]["keyboard"]
    assert [[b["text"] for b in row] for row in keyboard] == [["❓ Wat kan deze bot?", "🌐 Taal"]]
    assert reply["_keyboard"]["resize_keyboard"] is True
    person = await world.store.user(riet.id)
    assert person.first_name == "Riet" and person.language == "nl" and person.reachable


async def test_english_speaker_is_answered_in_english(world):
    anna = world.person("Anna", language_code="en-GB")
    [reply] = await world.say(anna, "/start")
    assert reply["text"].startswith("Welcome, Anna! Nice that you are here.")
    assert "In an emergency: call 112." in reply["text"]


async def test_unsupported_language_falls_back_to_dutch(world):
    piotr = world.person("Piotr", language_code="pl")
    [reply] = await world.say(piotr, "/start")
    assert reply["text"].startswith("Welkom, Piotr!")


async def test_name_with_markup_is_shown_literally(world):
    odd = world.person("<b>Kees</b> & Co")
    [reply] = await world.say(odd, "/start")
    assert reply["text"].startswith("Welkom, <b>Kees</b> & Co!")


async def test_menu_button_explains_the_bot(world):
    riet = world.person("Riet")
    await world.say(riet, "/start")
    [reply] = await world.say(riet, "❓ Wat kan deze bot?")
    assert "Deze bot is geen alarmdienst. Bij nood: bel 112." in reply["text"]


async def test_choose_english_with_taal_and_it_sticks(world):
    riet = world.person("Riet")
    [question] = await world.say(riet, "/taal")
    assert question["text"] == "In welke taal wil je het lezen?"
    labels = [b["text"] for b in world.emulator.buttons(question)]
    assert labels == ["✓ Nederlands", "English", "Türkçe", "العربية"]
    replies = await world.press(riet, question, "taal:en")
    edited = world.emulator.messages[riet.id][question["message_id"] - 1]
    assert edited["text"] == "Done: I will write to you in English from now on."
    assert replies[-1]["_keyboard"]["keyboard"][-1][1]["text"] == "🌐 Language"
    # Telegram still says Dutch, but the person chose English: that wins.
    [reply] = await world.say(riet, "/help")
    assert reply["text"].startswith("What this bot does, in short:")


async def test_forged_language_button_is_refused_and_changes_nothing(world):
    riet = world.person("Riet")
    [question] = await world.say(riet, "/taal")
    sent = await world.press(riet, question, "taal:xx", forge=True)
    assert sent == []
    answer = world.emulator.callback_answers[-1]
    assert answer["text"] == "Deze knop werkt niet meer." and answer["show_alert"] is True
    assert (await world.store.user(riet.id)).language == "nl"


async def test_unknown_button_gets_a_kind_refusal(world):
    riet = world.person("Riet")
    [question] = await world.say(riet, "/taal")
    await world.press(riet, question, "hulp:999:claim", forge=True)
    assert world.emulator.callback_answers[-1]["text"] == "Deze knop werkt niet meer."


async def test_odd_text_is_not_understood_kindly(world):
    riet = world.person("Riet")
    [reply] = await world.say(riet, "ik wil graag een praatje 🙂 \x00 <script>")
    assert reply["text"].startswith("Dat begreep ik niet helemaal.")


async def test_commands_registered_per_language_and_chat_type(world):
    commands = world.emulator.commands
    private_nl = commands[("all_private_chats", "")]
    private_en = commands[("all_private_chats", "en")]
    assert [c["command"] for c in private_nl][:3] == ["start", "help", "taal"]
    assert {"cirkel", "waakvlam", "mijngegevens", "vergeetmij"} <= {
        c["command"] for c in private_nl
    }
    assert private_nl[2]["description"] == "Kies je taal"
    assert private_en[2]["description"] == "Choose your language"
    # In the group: help, and asking for help (both go on in the private chat).
    assert [c["command"] for c in commands[("all_group_chats", "")]] == ["help", "hulpvraag"]
    # and PTB reads them back through the same API
    got = await world.runtime.application.bot.get_my_commands(
        scope=BotCommandScopeAllPrivateChats(), language_code="en"
    )
    assert got[0].command == "start"


async def test_handler_crash_gets_kind_answer_and_keeps_the_update(world):
    from telegram.ext import CommandHandler

    async def broken(update, context):
        raise RuntimeError("boom")

    world.runtime.application.add_handler(CommandHandler("kapot", broken), group=-2)
    riet = world.person("Riet")
    [reply] = await world.say(riet, "/kapot")
    assert reply["text"].startswith("Sorry, er ging iets mis aan onze kant.")
    assert (await world.store.inbox_counts()).get("failed") == 1
    payload, error = await world.runtime.db.fetchone(
        "SELECT payload, error FROM inbox WHERE status = 'failed'"
    )
    assert '"/kapot"' in payload and "boom" in error


async def test_blocking_and_unblocking_the_bot_marks_reachability(world):
    riet = world.person("Riet")
    await world.say(riet, "/start")
    await world.handled(await world.emulator.block_bot(riet.id))
    assert (await world.store.user(riet.id)).reachable is False
    await world.handled(await world.emulator.unblock_bot(riet.id))
    assert (await world.store.user(riet.id)).reachable is True
