"""Forged, replayed and stale buttons, for every kind of button the bot makes.

Button data comes from the person's phone, so it is never trusted: each press
below is made up by someone who has no business pressing it (another circle's
request, someone else's check-in, a task already done, a role they do not have,
garbage). Every one must get a clear refusal and change nothing at all: the
database is compared table by table before and after, and nobody else hears of it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from domain.waakvlam import CheckinSettings

REFUSALS = {
    "Dit kan (nu) niet voor jou.",
    "Deze knop werkt niet meer.",
    "Deze vraag is al afgerond. Dank je wel!",
    "Al geregeld: iemand anders doet het al. Dank je wel!",
}


def snapshot(db_path) -> dict[str, list[tuple]]:
    """Every row of every table, except the inbox (the press itself is stored there)."""
    with sqlite3.connect(db_path) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT IN ('inbox', 'sqlite_sequence')"
            )
        ]
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}


async def two_circles(world):
    """Zandweerd (Henk voorzitter, Sandra superbuur, Riet, Fatima professional) and
    Vogelwijk (Bea voorzitter, Bob), with a check-in round, requests and a worry."""
    names = ("Henk", "Sandra", "Riet", "Fatima", "Bea", "Bob")
    p = {n: world.person(n) for n in names}
    zandweerd = await world.circle("Zandweerd", p["Henk"], [p["Sandra"], p["Riet"]])
    vogelwijk = await world.circle("Vogelwijk", p["Bea"], [p["Bob"]])
    store = world.store
    a = await store.circle_by_chat(zandweerd)
    b = await store.circle_by_chat(vogelwijk)
    await store.remember_user(p["Fatima"].id, "Fatima", "nl", reachable=True)
    world.emulator.users[p["Fatima"].id].started_bot = True
    members = {m.display_name: m for m in await store.members(a.id)}
    async with store.db.write() as tx:
        await store.set_role(tx, members["Sandra"].id, "superbuur")
        await store.add_member(tx, a.id, p["Fatima"].id, "Fatima", "professional", consented=True)
    members = {m.display_name: m for m in await store.members(a.id)}
    members |= {m.display_name: m for m in await store.members(b.id)}

    # Riet's check-in is asked: a round is open.
    await world.runtime.services.waakvlam.apply_settings(
        CheckinSettings(member_id=members["Riet"].id, enabled=True)
    )
    world.clock.advance(hours=1)
    await world.runtime.tick()
    [checkin_round] = await store.rounds_of(members["Riet"].id)

    # Bob asks for help in Vogelwijk; Riet's request in Zandweerd is done.
    async def ask(person, chat_id):
        post = await world.ask_for_groceries(person, chat_id)
        return int(world.emulator.buttons(post)[0]["callback_data"].split(":")[1])

    open_request = await ask(p["Bob"], vogelwijk)
    done_request = await ask(p["Riet"], zandweerd)
    desk = world.runtime.services.helpdesk
    await desk.claim(p["Sandra"].id, done_request)
    await desk.finish(p["Sandra"].id, done_request, "done")

    # Sandra shares a worry about Riet with Zandweerd's professional.
    await world.say(p["Sandra"], "💭 Ik maak me zorgen")
    for label in ("Riet", "Eenzaamheid", "✅ Versturen"):
        await world.tap(p["Sandra"], label)
    [worry] = await store.signals_of([a.id])
    invite = "forgedtest"
    await store.create_invite(
        invite, a.id, "member", p["Henk"].id, world.clock.now() + dt.timedelta(days=7)
    )
    await world.runtime.tick()
    return {
        "p": p,
        "m": members,
        "a": a,
        "b": b,
        "round": checkin_round.id,
        "open_request": open_request,
        "done_request": done_request,
        "worry": worry.id,
        "invite": invite,
    }


async def test_every_forged_button_is_refused_and_changes_nothing(world):
    w = await two_circles(world)
    p, m, a = w["p"], w["m"], w["a"]
    round_id, worry = w["round"], w["worry"]
    cases = [
        # Someone else's check-in: answer it, or confirm it as a neighbour never asked.
        ("Bob", f"wv:{round_id}:ok"),
        ("Henk", f"wv:{round_id}:notwell"),
        ("Bob", f"wn:{round_id}:ok"),
        ("Bea", f"wn:{round_id}:going"),
        # Someone else's check-in settings.
        ("Bob", f"wz:{m['Riet'].id}:off"),
        ("Sandra", f"wz:{m['Riet'].id}:off"),
        ("Bob", f"wz:{m['Riet'].id}:tm:0600"),
        # Another circle's request; a request already done; cancelling another's.
        ("Riet", f"hv:{w['open_request']}:claim"),
        ("Henk", f"hv:{w['open_request']}:cancel"),
        ("Sandra", f"hv:{w['done_request']}:claim"),
        ("Bob", f"hv:{w['done_request']}:done"),
        ("Henk", "hv:999999:claim"),
        # A worry: only its professional acts on it; another circle sees nothing.
        ("Riet", f"zs:{worry}:log"),
        ("Bob", f"zs:{worry}:ack"),
        ("Henk", f"zs:{worry}:close"),
        ("Bea", f"zs:{worry}:reply"),
        # Another circle's management, roles, invites, exports, wegwijzer, chair.
        ("Bea", f"cm:roles:{a.id}"),
        ("Riet", f"cm:r:{m['Sandra'].id}:voorzitter"),
        ("Riet", f"cm:rmy:{m['Henk'].id}"),
        ("Bea", f"cm:rmy:{m['Riet'].id}"),
        ("Riet", f"inv:rv:{w['invite']}"),
        ("Bob", f"ov:csv:{a.id}"),
        ("Riet", f"ov:html:{a.id}"),
        ("Bob", f"ww:add:{a.id}"),
        ("Riet", f"chair:{a.id}"),
        ("Bob", f"chair:{a.id}"),
        ("Bob", f"k:ask:{a.id}"),
        # Someone else's standing offers.
        ("Bob", f"of:rest:{m['Riet'].id}"),
        ("Bob", f"of:restw:{m['Riet'].id}:4"),
        # A wizard step the person is not at, and plain garbage.
        ("Riet", "ask:day:tomorrow"),
        ("Riet", "forget:yes"),
        ("Riet", "forget:yes:0123456789ab"),
        ("Bob", "taal:xx"),
        ("Bob", "hv:abc:claim"),
        ("Bob", "wv:1:explode"),
        ("Bob", "🙂" * 30),
        ("Bob", ""),
    ]
    db_path = world.runtime.settings.db_path
    failures = []
    for who, data in cases:
        person = p[who]
        before = snapshot(db_path)
        others = {
            chat: len(msgs) for chat, msgs in world.emulator.messages.items() if chat != person.id
        }
        own = len(world.emulator.bot_messages(person.id))
        await world.say(person, "/help")
        screen = world.emulator.bot_messages(person.id)[-1]
        own += 1
        answers = len(world.emulator.callback_answers)
        await world.press(person, screen, data, forge=True)
        await world.runtime.tick()
        answer = world.emulator.callback_answers[answers:]
        problems = []
        if [x.get("text") for x in answer if x.get("show_alert")] == []:
            problems.append(f"no refusal alert: {answer}")
        elif answer[-1].get("text") not in REFUSALS:
            problems.append(f"unexpected answer {answer[-1].get('text')!r}")
        after = snapshot(db_path)
        changed = [t for t in before if before[t] != after.get(t)]
        if changed:
            problems.append(f"changed tables {changed}")
        told = [
            chat
            for chat, msgs in world.emulator.messages.items()
            if chat != person.id and len(msgs) != others.get(chat, 0)
        ]
        if told:
            problems.append(f"others were messaged: {told}")
        if len(world.emulator.bot_messages(person.id)) != own:
            problems.append(f"sent {world.emulator.bot_messages(person.id)[own:]}")
        if problems:
            failures.append((who, data, problems))
    assert failures == [], "\n".join(map(str, failures))


async def test_buttons_on_messages_older_than_two_days_still_work(world):
    """Telegram sends an InaccessibleMessage (chat, id, date 0) for a button under a
    message older than 48 hours. The press must still do what it says, or be
    refused kindly; never the "something went wrong" apology."""
    w = await two_circles(world)
    p, emu = w["p"], world.emulator
    store = world.store

    async def press_old(person, chat_id, data):
        answers = len(emu.callback_answers)
        update = await emu.press_button(person.id, chat_id, 999_999, data, check_exists=False)
        await world.handled(update)
        await world.runtime.tick()
        return emu.callback_answers[answers:]

    # Bob's check-in at 11:00; he answers on a message Telegram no longer shows us.
    await world.runtime.services.waakvlam.apply_settings(
        CheckinSettings(member_id=w["m"]["Bob"].id, enabled=True, at=dt.time(11, 0))
    )
    world.clock.advance(hours=1)
    await world.runtime.tick()
    [bob_round] = await store.rounds_of(w["m"]["Bob"].id)
    await press_old(p["Bob"], p["Bob"].id, f"wv:{bob_round.id}:ok")
    [bob_round] = await store.rounds_of(w["m"]["Bob"].id)
    assert bob_round.answer == "ok"
    vogelwijk = (await store.circle(w["m"]["Bea"].circle_id)).chat_id
    await press_old(p["Bea"], vogelwijk, f"hv:{w['open_request']}:claim")
    assert (await store.help_request(w["open_request"])).status == "claimed"
    await press_old(p["Fatima"], p["Fatima"].id, f"zs:{w['worry']}:ack")
    assert (await store.signal(w["worry"])).status == "acknowledged"
    [answer] = await press_old(p["Bob"], p["Bob"].id, "ask:kind:shopping")
    assert answer.get("text") == "Deze knop werkt niet meer."
    apology = "Sorry, er ging iets mis aan onze kant"
    for person in p.values():
        assert not any(t.startswith(apology) for t in world.texts(person.id)), person.first_name
    assert (await store.inbox_counts()).get("failed", 0) == 0


def _as_shown(world, chat_id):
    return [(m.get("text"), world.emulator.buttons(m)) for m in world.emulator.messages[chat_id]]


async def test_a_press_made_up_on_a_group_post_changes_no_post(world):
    """Button data of a private question, pressed "on" a post in the group, neither acts
    nor edits the post; a request's own data on another message edits only the posts
    the database lists for that request."""
    henk, sandra, riet, jan = (world.person(n) for n in ("Henk", "Sandra", "Riet", "Jan"))
    chat_id = await world.circle("Zandweerd", henk, [sandra, riet, jan])
    store = world.store
    circle = await store.circle_by_chat(chat_id)
    async with store.db.write() as tx:
        await store.set_role(tx, (await store.member_of(circle.id, sandra.id)).id, "superbuur")
    # Riet asks only the superburen and the voorzitter, and the whole circle for groceries.
    await world.say(riet, "🙏 Ik zoek hulp")
    for label in ("➕ Iets anders…", "💊 Medicijnen ophalen"):
        await world.tap(riet, label)
    await world.say(riet, "mijn morfine bij de apotheek")
    await world.tap(riet, "Alleen de superburen en de voorzitter")
    await world.tap(riet, "✅ Versturen")
    [private] = [r[0] for r in await world.runtime.db.fetchall("SELECT id FROM requests")]
    post = await world.ask_for_groceries(riet, chat_id)
    welcome = world.emulator.bot_messages(chat_id)[0]
    [forget] = await world.say(henk, "/vergeetmij")
    forget_yes = world.emulator.buttons(forget)[0]["callback_data"]
    [invite] = await world.say(henk, "/uitnodigen")
    code = invite["text"].split("?start=")[1].split()[0]
    await world.say(jan, "🙏 Ik zoek hulp")  # Jan is at the wizard's first question
    shown = _as_shown(world, chat_id)
    for who, message, data in (
        (jan, post, "hq:kind:groceries"),
        (henk, post, forget_yes),
        (henk, welcome, f"inv:rv:{code[2:]}"),
        (riet, post, "taal:en"),
    ):
        answers = len(world.emulator.callback_answers)
        await world.press(who, message, data, forge=True)
        assert world.emulator.callback_answers[answers:] == [
            {"callback_query_id": world.emulator.callback_answers[-1]["callback_query_id"],
             "text": "Deze knop werkt niet meer.", "show_alert": True}
        ], data  # fmt: skip
    assert await store.user(henk.id) is not None and (await store.user(riet.id)).language == "nl"
    assert not (await store.invite(code[2:])).revoked
    # Sandra may take the private request, but a press "on" the group's welcome post
    # does not put it in the group.
    await world.press(sandra, welcome, f"hv:{private}:claim", forge=True)
    assert (await store.help_request(private)).status == "claimed"
    assert _as_shown(world, chat_id) == shown
    assert not any("morfine" in t for t in world.texts(chat_id))
