"""AVG rights end to end: see everything the bot keeps, and delete it all."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3

from domain.requests import Kind
from domain.waakvlam import CheckinSettings
from tests.support import at, switch_on

PHONE = "+31612345678"  # what world.join shares
SECRET = "insuline ophalen bij apotheek"  # Riet's own request
WORRY = "Jan lijkt erg verward"  # a worry Riet shares about Jan


async def _member_of_circle(world):
    henk, riet = world.person("Henk"), world.person("Riet")
    chat_id = await world.group_with_bot("Zandweerd", henk, [riet])
    code = world.join_link_code(chat_id)
    await world.join(henk, code)
    await world.join(riet, code, share_phone=True, enjoys="kaarten & koken")
    return henk, riet, chat_id


async def test_my_data_sends_a_readable_file_and_the_full_data(world):
    _henk, riet, _chat = await _member_of_circle(world)
    replies = await world.say(riet, "/mijngegevens")
    assert replies[0]["text"].startswith("Hier is alles wat Omkijkbot over jou bewaart")
    text_file, data_file = replies[1]["document"], replies[2]["document"]
    readable = world.emulator.files[text_file["file_id"]][0].decode()
    assert "Alles wat Omkijkbot over jou bewaart" in readable
    assert "Kring: Zandweerd, als Riet (lid)" in readable
    assert "Telefoonnummer: +31612345678" in readable
    assert "Waar je plezier in hebt: kaarten & koken" in readable  # plain text, not &amp;
    data = json.loads(world.emulator.files[data_file["file_id"]][0])
    assert data["person"]["first_name"] == "Riet"
    assert data["circles"][0]["circle"] == "Zandweerd"
    assert any(
        m["payload"].get("message", {}).get("text") == "/mijngegevens"
        for m in data["messages_you_sent_recently"]
    )


async def test_forget_me_deletes_everything_after_confirmation(world):
    _henk, riet, chat_id = await _member_of_circle(world)
    circle = await world.store.circle_by_chat(chat_id)
    member = await world.store.member_of(circle.id, riet.id)
    await world.runtime.services.waakvlam.apply_settings(
        CheckinSettings(member_id=member.id, enabled=True)
    )
    [question] = await world.say(riet, "/vergeetmij")
    assert question["text"].startswith("Wil je dat we alles over jou wissen?")
    await world.tap(riet, "Nee, bewaar het")
    assert await world.store.user(riet.id) is not None
    await world.say(riet, "/vergeetmij")
    await world.tap(riet, "Ja, wis alles")
    assert world.texts(riet.id)[-2].startswith("Alles over jou is gewist.")
    assert await world.store.user(riet.id) is None
    assert await world.store.member_of(circle.id, riet.id) is None
    data = await world.store.everything_about(riet.id)
    assert data["person"] is None and data["circles"] == []
    assert data["messages_you_sent_recently"] == [] and data["check_in_settings"] == []
    # Her check-in is gone from the schedule with her: nothing fires for her.
    world.clock.advance(hours=2)
    await world.runtime.tick()
    assert not any(t.startswith("Goedemorgen Riet") for t in world.texts(riet.id))
    # The circle goes on.
    assert {m.display_name for m in await world.store.members(circle.id)} == {"Henk"}


async def test_the_last_voorzitter_forgetting_hands_over_the_chair(world):
    henk, riet, _chat_id = await _member_of_circle(world)
    await world.say(henk, "/vergeetmij")
    await world.tap(henk, "Ja, wis alles")
    assert world.texts(riet.id)[-1].startswith("Zandweerd heeft geen voorzitter meer.")


async def test_the_consent_screen_opens_the_privacy_statement(world):
    henk, riet = world.person("Henk"), world.person("Riet")
    chat_id = await world.group_with_bot("Zandweerd", henk, [riet])
    code = world.join_link_code(chat_id)
    await world.join(henk, code)
    await world.say(riet, f"/start {code}")
    await world.tap(riet, "Riet")
    await world.tap(riet, "Nederlands")
    statement, question = await world.tap(riet, "🔒 Lees de privacyverklaring")
    # The statement is PRIVACY.md itself, the Dutch part.
    assert statement["text"].startswith("Wat bewaart de bot?")
    assert "• Inhoud van afgeronde hulpvragen: 90 dagen." in statement["text"]
    assert "English" not in statement["text"]
    # Then the same question, to decide with the statement read.
    assert question["text"].endswith("Doe je mee?")
    [next_question] = await world.tap(riet, "✅ Ja, ik doe mee")
    assert "professional" in next_question["text"]


async def test_an_old_yes_delete_button_cannot_delete_later(world):
    _henk, riet, chat_id = await _member_of_circle(world)
    [question] = await world.say(riet, "/vergeetmij")
    old_yes = world.emulator.buttons(question)[0]["callback_data"]
    await world.press(riet, question, world.emulator.buttons(question)[1]["callback_data"])
    # Pressed again later (a replay, or the old message scrolled back to): refused.
    await world.press(riet, question, old_yes, forge=True)
    assert world.last_alert() == "Deze knop werkt niet meer."
    circle = await world.store.circle_by_chat(chat_id)
    assert await world.store.member_of(circle.id, riet.id) is not None


# -- /vergeetmij leaves nothing ------------------------------------------------------------


async def _riet_uses_everything(world):
    """Riet (superbuur, phone shared, "kaarten en breien") asks for insulin (Jan helps, done),
    asks a lift on Jan's behalf, offers groceries, announces a coffee morning and comes,
    shares a worry about Jan, invites Kees, and has her "Alles goed?" on with Jan as her
    contact: today she does not answer, so Jan has been asked to look in."""
    henk, riet, jan, kees = (world.person(n) for n in ("Henk", "Riet", "Jan", "Kees"))
    chat_id = await world.group_with_bot("Zandweerd", henk, [riet, jan, kees])
    code = world.join_link_code(chat_id)
    await world.join(henk, code)
    await world.join(riet, code, share_phone=True, enjoys="kaarten en breien")
    await world.join(jan, code)
    store, services = world.store, world.runtime.services
    circle = await store.circle_by_chat(chat_id)
    riet_m = await store.member_of(circle.id, riet.id)
    jan_m = await store.member_of(circle.id, jan.id)
    async with store.db.write() as tx:
        await store.set_role(tx, riet_m.id, "superbuur")
    own = await services.helpdesk.create(
        circle_id=circle.id, member=riet_m, asked_by=riet.id, kind=Kind.MEDICINE, day=None,
        at_minutes=None, details=SECRET, voice_file_id=None, visibility="circle",
    )  # fmt: skip
    await services.outbox.deliver(world.runtime.application.bot, own.message_ids)
    post = world.emulator.bot_messages(chat_id)[-1]
    await world.press(jan, post, world.emulator.buttons(post)[0]["callback_data"])
    await services.helpdesk.finish(riet.id, own.request.id, "done")
    await services.helpdesk.create(
        circle_id=circle.id, member=jan_m, asked_by=riet.id, kind=Kind.LIFT, day=None,
        at_minutes=None, details="naar de huisarts", voice_file_id=None, visibility="circle",
    )  # fmt: skip
    await store.add_offer(riet_m.id, "groceries", 1)
    ids = await services.activities.announce(
        circle_id=circle.id, kind="coffee", day=dt.date(2026, 11, 26), at_minutes=600,
        place="buurtkamer", created_by=riet.id,
    )  # fmt: skip
    await services.outbox.deliver(world.runtime.application.bot, ids)
    activity = world.emulator.bot_messages(chat_id)[-1]
    await world.press(riet, activity, world.emulator.buttons(activity)[0]["callback_data"])
    await world.say(riet, "💭 Ik maak me zorgen")
    for label in ("Jan", "Gezondheid"):
        await world.tap(riet, label)
    await world.say(riet, WORRY)
    await world.tap(riet, "✅ Versturen")
    [invite] = await world.say(riet, "/uitnodigen")
    await world.join(kees, invite["text"].split("?start=")[1])
    await switch_on(world, riet_m, contacts=(jan_m.id,))
    for hour in (10, 11, 12):
        await at(world, hour)
    assert any("Riet" in t for t in world.texts(jan.id)[-2:]), "Jan was asked to look in"
    return riet, jan, chat_id, post


def traces(db_path, riet) -> list[tuple[str, str, object]]:
    """(table, column, what) wherever Riet's id, name, phone or words are stored, in every
    column of every table the schema has."""
    words = ["Riet", PHONE, SECRET, "kaarten en breien"]
    found = set()
    with sqlite3.connect(db_path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        assert {"users", "members", "inbox", "outbox", "timers", "signal_log"} <= set(tables)
        for table in tables:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            for row in conn.execute(f"SELECT * FROM {table}"):
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, bytes):
                        value = value.decode("latin-1")
                    if value == riet.id or (
                        isinstance(value, str) and re.search(rf"(?<!\d){riet.id}(?!\d)", value)
                    ):
                        found.add((table, column, riet.id))
                    for word in words:
                        if isinstance(value, str) and word in value:
                            found.add((table, column, word))
    return sorted(found, key=str)


async def test_forget_me_leaves_nothing_that_identifies_her(world):
    riet, jan, chat_id, post = await _riet_uses_everything(world)
    db_path = world.runtime.settings.db_path
    before = traces(db_path, riet)
    for table in ("users", "members", "inbox", "outbox", "requests", "invites", "activities"):
        assert any(t == table for t, _c, _w in before), f"the scenario stores her in {table}"
    await world.say(riet, "/vergeetmij")
    await world.tap(riet, "Ja, wis alles")
    await world.runtime.tick()
    assert traces(db_path, riet) == []
    # Jan heard, while her name was known, that nobody needs to look in any more; the
    # copy of that message is blanked once it went.
    assert "Riet" in world.texts(jan.id)[-1]
    # Her request's post in the group says "(gewist)" now, without buttons.
    [shown] = [m for m in world.emulator.messages[chat_id] if m["message_id"] == post["message_id"]]
    assert shown["text"] == "(gewist)" and not world.emulator.buttons(shown)
    # The worry she shared stays with the voorzitter, without her name.
    db = world.runtime.db
    assert await db.fetchvalue("SELECT sender_id FROM signals WHERE details = ?", (WORRY,)) is None
    # What is kept of the erasure is a fingerprint, which a restore can match.
    assert await db.fetchvalue("SELECT COUNT(*) FROM erasures") == 1


async def test_forgotten_words_are_not_left_in_the_database_files(world):
    riet, _jan, _chat, _post = await _riet_uses_everything(world)
    await world.say(riet, "/vergeetmij")
    await world.tap(riet, "Ja, wis alles")
    await world.runtime.tick()
    db = world.runtime.db
    assert await db.fetchvalue("PRAGMA secure_delete") == 1
    db_path = world.runtime.settings.db_path
    wal = db_path.with_name(db_path.name + "-wal")
    # While the bot runs: neither in the database file nor in its write-ahead log.
    for path in (db_path, wal):
        raw = path.read_bytes() if path.exists() else b""
        assert PHONE.encode() not in raw and b"kaarten en breien" not in raw, path.name
        assert SECRET.encode() not in raw, path.name
    await world.runtime.stop()
    raw = db_path.read_bytes()
    assert PHONE.encode() not in raw and b"kaarten en breien" not in raw


async def test_forget_me_clears_other_peoples_updates_that_quote_her(world):
    henk, riet, jan = (world.person(n) for n in ("Henk", "Riet", "Jan"))
    chat_id = await world.circle("Zandweerd", henk, [riet, jan])
    post = await world.ask_for_groceries(riet, chat_id)
    await world.press(jan, post, world.emulator.buttons(post)[0]["callback_data"])
    db = world.runtime.db
    quoting = "SELECT COUNT(*) FROM inbox WHERE payload LIKE '%Riet zoekt hulp%'"
    assert await db.fetchvalue(quoting) > 0  # Jan's tap carries her post
    await world.say(riet, "/vergeetmij")
    await world.tap(riet, "Ja, wis alles")
    assert await db.fetchvalue(quoting) == 0
    # Jan's tap is still known as handled (the update's number stays).
    assert await db.fetchvalue("SELECT COUNT(*) FROM inbox WHERE status = 'pending'") == 0


# -- /mijngegevens gives everything ---------------------------------------------------------


async def _my_data(world, person) -> tuple[str, dict]:
    replies = await world.say(person, "/mijngegevens")
    readable = world.emulator.files[replies[1]["document"]["file_id"]][0].decode()
    return readable, json.loads(world.emulator.files[replies[2]["document"]["file_id"]][0])


async def test_my_data_holds_everything_she_did(world):
    riet, _jan, _chat, _post = await _riet_uses_everything(world)
    readable, data = await _my_data(world, riet)
    [own] = data["requests_for_you"]
    assert own["details"] == SECRET and own["status"] == "done"
    [for_jan] = data["requests_you_asked_for_someone_else"]
    assert (for_jan["for_whom"], for_jan["details"]) == ("Jan", "naar de huisarts")
    assert [(o["kind"], o["weekday"]) for o in data["offers"]] == [("groceries", 1)]
    [announced] = data["activities_you_announced"]
    [answered] = data["activities_you_answered"]
    assert announced["place"] == answered["place"] == "buurtkamer" and answered["coming"]
    [worry] = data["worries_you_shared"]
    assert (worry["details"], worry["about"], worry["kind"]) == (WORRY, "Jan", "health")
    [invite] = data["invites"]
    assert invite["used"] and invite["kind"] == "member"
    assert data["check_in_settings"][0]["enabled"] and data["check_in_rounds"]
    # The same, readable, in her language.
    for line in (
        "Jouw hulpvragen: 1",
        f"  2026-11-24: medicijnen ophalen, “{SECRET}” (gedaan)",
        "Hulpvragen die je voor een ander stelde: 1",
        "  2026-11-24, Jan: vervoer of een lift, “naar de huisarts” (open)",
        "Wat je aanbiedt: 1",
        "  boodschappen (dinsdag)",
        "Activiteiten: 2",
        "  2026-11-26: ☕ Koffieochtend, “buurtkamer” (jij kondigde het aan)",
        "Zorgen die je deelde: 1",
        f"  2026-11-24, Jan: Gezondheid, “{WORRY}” (open)",
        "Uitnodigingen die je maakte: 1",
    ):
        assert line in readable.splitlines(), line


async def test_worries_about_someone_show_kind_and_date_not_the_writer(world):
    riet, jan, _chat, _post = await _riet_uses_everything(world)
    readable, data = await _my_data(world, jan)
    assert data["worries_about_you"] == [
        {"circle": "Zandweerd", "kind": "health", "date": "2026-11-24", "status": "open"}
    ]
    assert WORRY not in json.dumps(data, ensure_ascii=False) and WORRY not in readable
    lines = readable.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Zorgen die anderen"))
    assert lines[start].startswith("Zorgen die anderen over jou deelden: 1. Om hen te beschermen")
    assert lines[start + 1] == "  2026-11-24: Gezondheid (open)"
    # What he helped with is his too.
    [helped] = data["requests_you_helped_with"]
    assert (helped["for_whom"], helped["kind"], helped["status"]) == ("Riet", "medicine", "done")
    assert "Hulpvragen waarbij je hielp: 1" in lines
    assert data["worries_you_shared"] == [] and riet.id != jan.id


def test_traces_are_whole_words_also_escaped():
    from storage.privacy import Traces

    traces = Traces(1002, ["Zoë", "R"], ["+31612345678", "kaarten & breien"])
    for text in (
        "Zoë zoekt hulp",
        '{"first_name": "Zo\\u00eb"}',  # as JSON stores it
        "“kaarten &amp; breien”",  # as HTML sends it
        "bel +31612345678.",
        '{"id": 1002}',
    ):
        assert traces.found_in(text), text
    for text in ("Zoëlla", "10023", "R is a letter, not a name to look for", None):
        assert not traces.found_in(text), text
