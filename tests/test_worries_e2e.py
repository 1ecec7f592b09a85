"""Worries to the professional and the voorzitter's summary, end to end."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from domain.signals import working_hours_later
from domain.summary import split_message


@pytest.fixture
async def circle(world):
    """Henk (voorzitter), Sandra, Riet (no consent for the professional), Jan; Fatima and
    Bram linked as professionals (Bram is the backup)."""
    people = {n: world.person(n) for n in ("Henk", "Sandra", "Riet", "Jan", "Fatima", "Bram")}
    chat_id = await world.group_with_bot(
        "Zandweerd", people["Henk"], [people[n] for n in ("Sandra", "Riet", "Jan")]
    )
    code = world.join_link_code(chat_id)
    for name in ("Henk", "Sandra", "Jan"):
        await world.join(people[name], code)
    await world.join(people["Riet"], code, professional_ok=False)
    for name in ("Fatima", "Bram"):
        await world.say(people["Henk"], "/cirkel")
        [link] = await world.tap(people["Henk"], "Een professional koppelen")
        await world.say(people[name], "/start " + link["text"].split("?start=")[1])
        await world.tap(people[name], name)
        await world.tap(people[name], "Nederlands")
        await world.tap(people[name], "✅ Ja, koppel mij")
    circle = await world.store.circle_by_chat(chat_id)
    members = {m.display_name: m for m in await world.store.members(circle.id)}
    assert not members["Fatima"].is_backup and members["Bram"].is_backup
    return {"people": people, "chat_id": chat_id, "circle": circle, "members": members}


async def share(
    world,
    person,
    about,
    kind="Eenzaamheid",
    details="ze komt de deur niet uit",
    urgency="Vandaag",
    safety=None,
):
    """Whom it is about (and, where needed, safety); then the summary, where what it is
    about and how soon are ticked ("Iets anders" and "Deze week" until then) and a few
    words typed. Returns the summary, with its Send button."""
    await world.say(person, "💭 Ik maak me zorgen")
    await world.tap(person, about)
    if safety is not None:
        await world.tap(person, safety)
    if kind != "Iets anders":
        await world.tap(person, kind)
    if details is not None:
        await world.say(person, details)
    if urgency != "Deze week":
        await world.tap(person, urgency)
    return world.emulator.bot_messages(person.id)[-1]


async def test_a_worry_shows_who_will_see_it_and_goes_privately(world, circle):
    p = circle["people"]
    confirm = await share(world, p["Jan"], "Sandra")
    assert confirm["text"].endswith(
        "Wie ziet dit: Henk (voorzitter), Fatima (professional). Nooit de groep."
    )
    await world.tap(p["Jan"], "✅ Versturen")
    assert world.texts(p["Jan"].id)[-1].startswith("Je zorg is verstuurd naar Henk, Fatima.")
    to_fatima = world.texts(p["Fatima"].id)[-1]
    assert to_fatima.startswith(
        "💭 Een zorg uit Zandweerd, vandaag:\nJan maakt zich zorgen "
        "over Sandra.\nSoort: Eenzaamheid"
    )
    assert "“ze komt de deur niet uit”" in to_fatima
    assert world.texts(p["Henk"].id)[-1].startswith("💭 Een zorg uit Zandweerd")
    assert not any("zorg" in t.lower() for t in world.texts(circle["chat_id"]))
    assert not any("deur" in t for t in world.texts(p["Bram"].id))  # the backup waits


async def test_no_consent_no_name_for_the_professional_unless_safety(world, circle):
    p = circle["people"]
    await share(world, p["Jan"], "Riet", safety="Nee")
    await world.tap(p["Jan"], "✅ Versturen")
    assert "over een buur in de kring (naam niet gedeeld)" in world.texts(p["Fatima"].id)[-1]
    assert "Riet" not in world.texts(p["Fatima"].id)[-1]
    assert "over Riet" in world.texts(p["Henk"].id)[-1]  # the voorzitter knows the circle
    await share(world, p["Jan"], "Riet", safety="Ja, het gaat om de veiligheid")
    await world.tap(p["Jan"], "✅ Versturen")
    assert "Jan maakt zich zorgen over Riet." in world.texts(p["Fatima"].id)[-1]
    assert "⚠️ De afzender zegt dat het om de veiligheid gaat." in world.texts(p["Fatima"].id)[-1]


async def test_the_professional_picks_it_up_replies_and_closes(world, circle):
    p = circle["people"]
    await share(
        world,
        p["Jan"],
        "Over mezelf",
        kind="Gezondheid",
        details="ik slaap slecht",
        urgency="Deze week",
    )
    await world.tap(p["Jan"], "✅ Versturen")
    await world.tap(p["Fatima"], "👍 Ik pak dit op")
    assert world.texts(p["Jan"].id)[-1] == (
        "Fatima (professional) heeft je zorg opgepakt. Dank je wel dat je het deelde."
    )
    await world.tap(p["Fatima"], "✏️ Kort antwoord aan de afzender")
    await world.say(p["Fatima"], "Ik bel je morgen even, goed?")
    assert world.texts(p["Jan"].id)[-1] == (
        "Fatima (professional) over je zorg: “Ik bel je morgen even, goed?”"
    )
    await world.tap(p["Fatima"], "✅ Afgerond")
    assert world.texts(p["Jan"].id)[-1].startswith("Fatima (professional) heeft je zorg afgerond.")
    # The log, for the professional and the voorzitter; not for a member.
    [log] = await world.tap(p["Fatima"], "📜 Logboek")
    assert "Jan deelde de zorg" in log["text"]
    assert "de bot gestuurd aan Fatima" in log["text"]
    assert "Fatima heeft het opgepakt" in log["text"]
    assert "Fatima heeft de afzender geantwoord: Ik bel je morgen even, goed?" in log["text"]
    assert "Fatima heeft het afgerond" in log["text"]
    [henk_log] = await world.tap(p["Henk"], "📜 Logboek")
    assert henk_log["text"] == log["text"]
    signal_id = int(
        world.emulator.bot_messages(p["Henk"].id)[-2]["reply_markup"]["inline_keyboard"][0][0][
            "callback_data"
        ].split(":")[1]
    )
    await world.say(p["Sandra"], "/help")
    message = world.emulator.bot_messages(p["Sandra"].id)[-1]
    for forged in (f"zs:{signal_id}:log", f"zs:{signal_id}:ack", f"zs:{signal_id}:close"):
        await world.press(p["Sandra"], message, forged, forge=True)
        assert world.last_alert() == "Dit kan (nu) niet voor jou."
    # The voorzitter cannot close it in the professional's name either.
    await world.press(p["Henk"], message, f"zs:{signal_id}:close", forge=True)
    assert world.last_alert() == "Dit kan (nu) niet voor jou."


async def test_not_picked_up_reminds_then_tells_backup_and_voorzitter(world, circle):
    p = circle["people"]
    await share(world, p["Jan"], "Sandra", urgency="Vandaag")
    await world.tap(p["Jan"], "✅ Versturen")
    world.clock.advance(minutes=59)
    await world.runtime.tick()
    assert not world.texts(p["Fatima"].id)[-1].startswith("Herinnering")
    world.clock.advance(minutes=1)
    await world.runtime.tick()
    assert world.texts(p["Fatima"].id)[-1].startswith(
        "Herinnering: deze zorg is nog niet opgepakt."
    )
    world.clock.advance(hours=1)
    await world.runtime.tick()
    for name in ("Bram", "Henk"):
        assert world.texts(p[name].id)[-1].startswith("Niemand heeft deze zorg op tijd opgepakt.")
    await world.tap(p["Bram"], "👍 Ik pak dit op")
    assert world.texts(p["Jan"].id)[-1].startswith("Bram (professional) heeft je zorg opgepakt")


def test_four_working_hours_skip_the_weekend():
    tz = ZoneInfo("Europe/Amsterdam")
    friday_four = dt.datetime(2026, 11, 27, 16, 0, tzinfo=tz)
    assert working_hours_later(friday_four, 4, tz) == dt.datetime(
        2026, 11, 30, 12, 0, tzinfo=tz
    ).astimezone(dt.UTC)
    sunday = dt.datetime(2026, 11, 29, 20, 0, tzinfo=tz)
    assert working_hours_later(sunday, 4, tz) == dt.datetime(
        2026, 11, 30, 13, 0, tzinfo=tz
    ).astimezone(dt.UTC)


def test_long_summaries_are_split_under_telegrams_limit():
    text = "\n".join(f"regel {n} " + "x" * 90 for n in range(120))
    parts = split_message(text)
    assert len(parts) > 2 and all(len(part) <= 4096 for part in parts)
    assert "\n".join(parts) == text
    assert split_message("y" * 9000) == ["y" * 4096, "y" * 4096, "y" * 808]


async def test_professional_overview_lists_open_and_recent(world, circle):
    p = circle["people"]
    await share(world, p["Jan"], "Sandra")
    await world.tap(p["Jan"], "✅ Versturen")
    replies = await world.say(p["Fatima"], "/overzicht")
    assert replies[-1]["text"].startswith("💭 Een zorg uit Zandweerd")
    assert replies[-1]["text"].endswith("Nog niet opgepakt")
    [reply] = await world.say(p["Jan"], "/overzicht")
    assert reply["text"] == "Alleen de voorzitter en de professional hebben een overzicht."


async def test_weekly_summary_on_monday_with_chart_and_on_demand(world, circle):
    p = circle["people"]
    # Some life in the circle this week: a request, helped.
    await world.say(p["Riet"], "🙏 Ik zoek hulp")
    await world.tap(p["Riet"], "🛒 Boodschappen")
    await world.tap(p["Riet"], "✅ Versturen")
    await world.tap(p["Jan"], "🙋 Ik help", chat_id=circle["chat_id"])
    replies = await world.say(p["Henk"], "/overzicht")
    summary, chart = replies[0], replies[-2]
    assert summary["text"].startswith(
        "📊 Zandweerd: de week van maandag 23 november tot en met zondag 29 november"
    )
    assert "• Hulpvragen: 1 gevraagd, 1 keer hielp iemand, 0 staan nog open." in summary["text"]
    # A count, never a list of who gave (the circle keeps no tally).
    assert "Dank je wel 🙏\n1 buur heeft deze week iemand geholpen." in summary["text"]
    assert "Jan" not in summary["text"]
    assert "Om te delen in de kring\nDeze week kregen 1 buren hulp" in summary["text"]
    png = world.emulator.files[chart["photo"][0]["file_id"]][0]
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    # Monday 09:00: the timer sends last week's summary, with the chart, to the voorzitter.
    tz = world.runtime.services.i18n.timezone
    world.clock.set(dt.datetime(2026, 11, 30, 9, 0, tzinfo=tz))
    await world.runtime.tick()
    sent = world.emulator.bot_messages(p["Henk"].id)
    assert sent[-2]["text"].startswith("📊 Zandweerd: de week van maandag 23 november")
    assert "photo" in sent[-1] and sent[-1]["caption"].startswith("📈 De laatste acht weken")
    assert not any(
        m.get("text", "").startswith("📊") for m in world.emulator.bot_messages(p["Jan"].id)
    )
    # and the next one is in the schedule
    pending = [t for t in await world.store.timers("pending") if t[1] == "summary.weekly"]
    assert pending and pending[0][2].startswith("2026-12-07T08:00")


async def test_exports_for_the_signaleringsoverleg_have_no_personal_content(world, circle):
    p = circle["people"]
    await share(world, p["Jan"], "Sandra", details="geheim verhaal")
    await world.tap(p["Jan"], "✅ Versturen")
    await world.say(p["Henk"], "/overzicht")
    [csv_file] = await world.tap(p["Henk"], "📄 Spreadsheet (CSV)")
    data = world.emulator.files[csv_file["document"]["file_id"]][0].decode()
    lines = data.strip().splitlines()
    assert lines[0] == (  # the headings in the reader's language
        "Week,Hulp gevraagd,Geholpen,Nog open,Praatjes,“Alles goed?” gevraagd,"
        "Buren gingen kijken,Voorzitter gewaarschuwd,Open zorgen"
    )
    assert len(lines) == 6 and lines[-1].startswith("2026-11-23,")
    assert lines[-1].endswith(",1")  # one open worry, as a number
    [page] = await world.tap(p["Henk"], "🌐 Pagina om te printen")
    html_page = world.emulator.files[page["document"]["file_id"]][0].decode()
    assert "Cijfers van Zandweerd" in html_page
    for private in ("geheim", "Sandra", "Jan"):
        assert private not in data and private not in html_page
    # The professional can export too; a member cannot, even forged.
    await world.say(p["Fatima"], "/overzicht")
    await world.tap(p["Fatima"], "📄 Spreadsheet (CSV)")
    await world.say(p["Jan"], "/help")
    await world.press(
        p["Jan"],
        world.emulator.bot_messages(p["Jan"].id)[-1],
        f"ov:csv:{circle['circle'].id}",
        forge=True,
    )
    assert world.last_alert() == "Dit kan (nu) niet voor jou."


async def test_a_long_summary_arrives_in_parts_under_the_limit(world, circle):
    p = circle["people"]
    # A big circle where the bot cannot reach many people with long names.
    async with world.store.db.write() as tx:
        for n in range(90):
            user_id = 500_000 + n
            await world.store.ensure_user(tx, user_id, f"Buur{n}")
            await world.store.add_member(
                tx,
                circle["circle"].id,
                user_id,
                f"Buurvrouw met een heel lange naam nummer {n}",
                "lid",
                consented=True,
            )
    replies = await world.say(p["Henk"], "/overzicht")
    texts = [m["text"] for m in replies if "text" in m]
    summary_parts = [t for t in texts if not t.startswith("Cijfers voor")]
    assert len(summary_parts) >= 2
    assert all(len(part) <= 4096 for part in summary_parts)
    joined = "\n".join(summary_parts)

    assert "nummer 0," in joined and "nummer 89," in joined and "nummer 9." in joined


async def test_a_professional_in_two_circles_sees_both_and_only_those(world, circle):
    p = circle["people"]
    # A second circle where Fatima is linked too, and a third where she is not.
    ans = world.person("Ans")
    other = await world.group_with_bot("Keizerslanden", ans)
    await world.join(ans, world.join_link_code(other))
    await world.say(ans, "/cirkel")
    [link] = await world.tap(ans, "Een professional koppelen")
    await world.say(p["Fatima"], "/start " + link["text"].split("?start=")[1])
    await world.tap(p["Fatima"], "Fatima")
    await world.tap(p["Fatima"], "Nederlands")
    await world.tap(p["Fatima"], "✅ Ja, koppel mij")
    piet = world.person("Piet")
    third = await world.group_with_bot("Rivierenwijk", piet)
    await world.join(piet, world.join_link_code(third))
    for sender, about in ((p["Jan"], "Sandra"), (ans, "Over mezelf"), (piet, "Over mezelf")):
        await share(world, sender, about, details=f"zorg van {sender.first_name}")
        last = world.emulator.bot_messages(sender.id)[-1]
        if "✅ Versturen" in [b["text"] for b in world.emulator.buttons(last)]:
            await world.tap(sender, "✅ Versturen")
        else:  # Rivierenwijk has nobody to receive it: said plainly, nothing sent
            assert "Er kan nog niemand het ontvangen" in last["text"]
    replies = await world.say(p["Fatima"], "/overzicht")
    seen = "\n".join(m.get("text", "") for m in replies)
    assert "zorg van Jan" in seen and "zorg van Ans" in seen
    assert "zorg van Piet" not in seen
    assert "Een zorg uit Zandweerd" in seen and "Een zorg uit Keizerslanden" in seen


async def test_the_worry_log_shows_names_as_text_and_comes_in_parts(world, circle):
    """A name with markup is shown as typed, never a link; a long log is split under
    Telegram's limit instead of failing (issue: privacy and access, small ones)."""
    p = circle["people"]
    await share(world, p["Jan"], "Sandra")
    await world.tap(p["Jan"], "✅ Versturen")
    [signal_id] = [r[0] for r in await world.runtime.db.fetchall("SELECT id FROM signals")]
    async with world.store.db.write() as tx:
        await world.store.log_signal(
            tx, signal_id, "<a href='https://x.example'>Kees</a>", "picked up"
        )
        for _ in range(40):
            await world.store.log_signal(tx, signal_id, "Fatima", "replied", "lang antwoord " * 12)
    parts = await world.tap(p["Fatima"], "📜 Logboek")
    assert len(parts) >= 2
    assert all(len(part["text"]) <= 4096 for part in parts)
    # Shown as typed: unescaped, Telegram would have made it a link named "Kees".
    assert "<a href='https://x.example'>Kees</a> heeft het opgepakt" in parts[0]["text"]


async def test_a_long_worry_log_arrives_in_parts(world, circle):
    """Five replies of the allowed 1000 characters: the log comes in parts under
    Telegram's limit, each with its heading, none an apology."""
    p = circle["people"]
    await share(world, p["Jan"], "Sandra")
    await world.tap(p["Jan"], "✅ Versturen")
    [worry] = await world.store.signals_of([circle["circle"].id])
    for n in range(5):
        await world.runtime.services.worries.reply(p["Fatima"].id, worry.id, str(n) * 1000)
    await world.runtime.tick()
    await world.say(p["Fatima"], "/help")
    parts = await world.press(
        p["Fatima"], world.emulator.bot_messages(p["Fatima"].id)[-1], f"zs:{worry.id}:log",
        forge=True,
    )  # fmt: skip
    texts = [m["text"] for m in parts]
    assert len(texts) >= 2
    assert all(t.startswith("📜 Logboek van de zorg") and len(t) <= 4096 for t in texts)
    assert all(str(n) * 1000 in "\n".join(texts) for n in range(5))
    assert not any(t.startswith("Sorry, er ging iets mis") for t in world.texts(p["Fatima"].id))


async def test_a_name_with_html_stays_text_in_the_worry_log(world):
    henk, jan = world.person("Henk"), world.person("Jan")
    chat_id = await world.group_with_bot("Zandweerd", henk, [jan])
    code = world.join_link_code(chat_id)
    await world.join(henk, code)
    evil = '<a href="https://ev.il/x">Henk</a>'  # within the 40 characters of a name
    await world.say(jan, f"/start {code}")
    await world.say(jan, evil)
    await world.tap(jan, "Nederlands")
    await world.tap(jan, "✅ Ja, ik doe mee")
    await world.tap(jan, "Ja, dat mag")
    await world.say(jan, "Liever niet")
    await world.tap(jan, "Overslaan")
    await world.tap(jan, "Overslaan")
    await world.say(jan, "💭 Ik maak me zorgen")
    for label in ("Over mezelf", "✅ Versturen"):
        await world.tap(jan, label)
    [log] = await world.tap(henk, "📜 Logboek")
    assert '<a href="https://ev.il/x">' not in log.get("_html", "")
    assert f"{evil} deelde de zorg" in log["text"]  # shown as the text it is, once
