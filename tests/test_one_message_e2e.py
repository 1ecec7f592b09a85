"""One message where one will do (issue 17, point 5): the answer to "Alles goed?" edits
the question itself; what the ladder needs (the round closed, neighbours told) is as
before; a confirmation a screen reader must read aloud is a message or an alert, never
a passing toast."""

from __future__ import annotations

import ast

from tests.support import REPO, at, build_circle, switch_on

CHECKIN = "Goedemorgen Riet, alles goed?"


async def circle(world):
    return await build_circle(world, ("Henk", "Sandra", "Riet"), {"Sandra": "superbuur"})


def sends_to(world, chat_id: int, since: int) -> list[str]:
    return [
        method
        for method, params in world.emulator.calls[since:]
        if method.startswith("send") and str(params.get("chat_id")) == str(chat_id)
    ]


async def test_all_well_edits_the_question_and_sends_nothing_more(world):
    p, m = await circle(world)
    await switch_on(world, m["Riet"])
    await at(world, 10)
    question = world.emulator.bot_messages(p["Riet"].id)[-1]
    calls = len(world.emulator.calls)
    assert await world.tap(p["Riet"], "👍 Alles goed") == []
    assert sends_to(world, p["Riet"].id, calls) == []  # one send fewer in the 10:00 burst
    edited = world.emulator.bot_messages(p["Riet"].id)[-1]
    assert edited["message_id"] == question["message_id"]
    assert edited["text"].startswith(CHECKIN)
    assert edited["text"].endswith("\n\n✅ Alles goed — fijn om te horen!")
    assert world.emulator.buttons(edited) == []
    assert world.emulator.callback_answers[-1].get("text") is None
    # The ladder has what it needs: the round is closed as answered, nothing follows.
    [round_] = await world.store.rounds_of(m["Riet"].id)
    assert round_.answer == "ok" and not round_.open
    for hour in (11, 12, 14):
        await at(world, hour)
    assert not any("Riet" in t and "gereageerd" in t for t in world.texts(p["Sandra"].id))


async def test_leave_me_be_edits_the_question_too(world):
    p, m = await circle(world)
    await switch_on(world, m["Riet"])
    await at(world, 10)
    assert await world.tap(p["Riet"], "🙂 Laat me maar even") == []
    edited = world.emulator.bot_messages(p["Riet"].id)[-1]
    assert edited["text"].endswith("🙂 Laat me maar even — prima, ik laat je met rust.")
    assert world.emulator.buttons(edited) == []
    [round_] = await world.store.rounds_of(m["Riet"].id)
    assert round_.answer == "leave" and not round_.open


async def test_a_late_all_well_still_tells_the_neighbours(world):
    p, m = await circle(world)
    await switch_on(world, m["Riet"])
    for hour in (10, 11, 12):
        await at(world, hour)
    assert world.texts(p["Sandra"].id)[-1].startswith("Riet heeft vandaag nog niet gereageerd")
    await world.tap(p["Riet"], "👍 Alles goed")
    assert world.texts(p["Sandra"].id)[-1] == (
        "Goed nieuws: Riet heeft gereageerd. Alles is goed. Dank je wel!"
    )
    assert world.texts(p["Riet"].id)[-1].endswith("✅ Alles goed — fijn om te horen!")


async def test_not_so_good_marks_the_question_and_says_who_was_asked(world):
    """Here the answer needs words of its own (who was asked, 112, what next): the
    question says what was chosen, and one message says the rest aloud."""
    p, m = await circle(world)
    await switch_on(world, m["Riet"])
    await at(world, 10)
    question = world.emulator.bot_messages(p["Riet"].id)[-1]
    [reply] = await world.tap(p["Riet"], "😟 Het gaat niet zo goed")
    edited = world.emulator.messages[p["Riet"].id][question["message_id"] - 1]
    assert edited["text"].endswith("➜ 😟 Het gaat niet zo goed")
    assert world.emulator.buttons(edited) == []
    assert reply["text"].startswith("Wat vervelend. Ik heb Sandra gevraagd")
    assert "Bij nood: bel 112." in reply["text"]
    assert world.texts(p["Sandra"].id)[-1].startswith("Riet gaf aan dat het vandaag niet zo goed")


async def test_a_question_too_old_to_edit_gets_the_answer_as_a_message(world):
    p, m = await circle(world)
    await switch_on(world, m["Riet"])
    await at(world, 10)
    [round_] = await world.store.rounds_of(m["Riet"].id)
    # Telegram sends an InaccessibleMessage for a question older than two days.
    update = await world.emulator.press_button(
        p["Riet"].id, p["Riet"].id, 999_999, f"wv:{round_.id}:ok", check_exists=False
    )
    await world.handled(update)
    assert world.texts(p["Riet"].id)[-1] == "✅ Alles goed — fijn om te horen!"
    [round_] = await world.store.rounds_of(m["Riet"].id)
    assert round_.answer == "ok"


async def test_a_professionals_pick_up_is_said_aloud(world):
    people, _members = await build_circle(world, ("Henk", "Jan"), professional="Fatima")
    await world.say(people["Jan"], "💭 Ik maak me zorgen")
    await world.tap(people["Jan"], "Over mezelf")
    await world.tap(people["Jan"], "✅ Versturen")
    await world.runtime.tick()
    await world.tap(people["Fatima"], "👍 Ik pak dit op")
    answer = world.emulator.callback_answers[-1]
    assert answer["text"] == "Gedaan. De afzender hoort het."
    assert answer["show_alert"] is True


def _toasts(path) -> list[str]:
    """Callback answers with words but without show_alert (or a link to open)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "answer"
            and ast.unparse(node.func.value).endswith("query")
        ):
            continue
        keywords = {k.arg: k.value for k in node.keywords}
        has_words = bool(node.args) or "text" in keywords
        alert = keywords.get("show_alert")
        said = "url" in keywords or (isinstance(alert, ast.Constant) and alert.value is True)
        if has_words and not said:
            found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)[:80]}")
    return found


def test_no_confirmation_is_a_passing_toast(tmp_path):
    """A toast is gone in a second and a screen reader may not read it: every answer to
    a tap that has words is an alert (or the words go in a message)."""
    toasts = [t for path in sorted((REPO / "handlers").glob("*.py")) for t in _toasts(path)]
    assert toasts == []
    # The check finds a toast when there is one, and leaves services' own answer() be.
    sample = tmp_path / "sample.py"
    sample.write_text(
        "async def f(query, update, services):\n"
        "    await query.answer('Saved.')\n"
        "    await update.callback_query.answer(text='Done.', show_alert=False)\n"
        "    await query.answer('Fine.', show_alert=True)\n"
        "    await query.answer()\n"
        "    await services.waakvlam.answer(1, 2, 'ok')\n"
    )
    assert [t.split(":")[1] for t in _toasts(sample)] == ["2", "3"]
