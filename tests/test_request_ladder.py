"""A request nobody takes is passed on with respect: not at night, early enough to
help, never for a day that is over, never in a burst, and the asker is told only
what is true."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from domain.requests import Kind, next_weekly_day, valid_day, widening_times
from tests.test_requests_e2e import ask, circle  # noqa: F401  (the fixture)

TZ = ZoneInfo("Europe/Amsterdam")
NUDGE = "Nog niemand heeft aangeboden"


def local(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=TZ)


@pytest.mark.parametrize(
    ("asked", "day", "at", "nudge", "deadline"),
    [
        # Tomorrow 10:00, asked at 21:00: not in the night; both before 10:00.
        (local(24, 21), dt.date(2026, 11, 25), 600, local(25, 8), local(25, 9)),
        # Today 10:00, asked at 09:45: a third and two thirds of the time left.
        (local(24, 9, 45), dt.date(2026, 11, 24), 600, local(24, 9, 50), local(24, 9, 55)),
        # Today 23:30, asked at 22:30: help wanted today may still be sought.
        (local(24, 22, 30), dt.date(2026, 11, 24), 1410, local(24, 22, 50), local(24, 23, 10)),
        # Far off: the usual waits (four hours, then four more).
        (local(24, 9), dt.date(2026, 11, 28), 720, local(24, 13), local(24, 17)),
        # Any day, asked in the evening: the morning after, then an hour later.
        (local(24, 20), None, None, local(25, 8), local(25, 9)),
    ],
)
def test_widening_times(asked, day, at, nudge, deadline):
    assert widening_times(asked.astimezone(dt.UTC), day, at, TZ) == (
        nudge.astimezone(dt.UTC),
        deadline.astimezone(dt.UTC),
    )


def test_days_that_may_be_asked_for():
    today = dt.date(2026, 11, 24)
    assert valid_day(None, today) and valid_day(today, today)
    assert valid_day(today + dt.timedelta(days=60), today)
    assert not valid_day(today - dt.timedelta(days=1), today)
    assert not valid_day(today + dt.timedelta(days=61), today)
    # A weekly series that started long ago goes on from now, not with every week since.
    assert next_weekly_day(dt.date(2025, 1, 7), today) == dt.date(2026, 11, 24)
    assert next_weekly_day(dt.date(2026, 11, 17), today) == dt.date(2026, 11, 24)
    assert next_weekly_day(today, today) == dt.date(2026, 12, 1)


async def _watch(world, people, hours, step_minutes=15):
    seen = []
    for _ in range(int(hours * 60 / step_minutes)):
        counts = {n: len(world.texts(p.id)) for n, p in people.items()}
        world.clock.advance(minutes=step_minutes)
        await world.runtime.tick()
        moment = world.clock.now().astimezone(TZ)
        for name, person in people.items():
            seen += [(moment, name, t) for t in world.texts(person.id)[counts[name] :]]
    return seen


async def test_an_evening_request_for_tomorrow_is_not_passed_on_at_night(world, circle):  # noqa: F811
    p = circle["people"]
    world.clock.set(local(24, 21))
    await ask(world, p["Riet"], day="Morgen", time="rond 10:00")
    await world.tap(p["Riet"], "✅ Versturen")
    seen = await _watch(world, {n: p[n] for n in ("Sandra", "Henk", "Riet")}, 14)
    assert seen, "nobody was ever asked"
    assert all(not (moment.hour >= 22 or moment.hour < 8) for moment, _, _ in seen), seen
    [sandra] = [(moment, t) for moment, name, t in seen if name == "Sandra"]
    assert sandra[0] == local(25, 8) and sandra[1].startswith(NUDGE)


async def test_a_request_for_today_is_passed_on_before_its_time(world, circle):  # noqa: F811
    p = circle["people"]
    world.clock.set(local(24, 9, 45))
    await ask(world, p["Riet"], day="Vandaag", time="rond 10:00")
    await world.tap(p["Riet"], "✅ Versturen")
    seen = await _watch(world, {n: p[n] for n in ("Sandra", "Henk")}, 1, step_minutes=5)
    first = {name: moment for moment, name, _ in reversed(seen)}
    assert first["Sandra"] <= local(24, 9, 50)
    assert first["Henk"] <= local(24, 9, 55)


async def test_a_wizard_left_open_across_midnight_asks_the_day_again(world, circle):  # noqa: F811
    p = circle["people"]
    world.clock.set(local(24, 23, 55))
    await world.say(p["Riet"], "🙏 Ik zoek hulp")
    await world.tap(p["Riet"], "🛒 Boodschappen")
    await world.tap(p["Riet"], "📅 Wanneer?")
    await world.tap(p["Riet"], "Vandaag")
    world.clock.set(local(25, 0, 10))
    for label in ("rond 12:00", "Eén keer"):
        await world.tap(p["Riet"], label)
    before = len(world.texts(circle["chat_id"]))
    await world.tap(p["Riet"], "✅ Versturen")
    assert len(world.texts(circle["chat_id"])) == before  # nothing posted for yesterday
    assert world.texts(p["Riet"].id)[-2] == "Die dag is al voorbij. Op welke dag wil je hulp?"
    assert world.texts(p["Riet"].id)[-1] == "Wanneer?"
    await world.tap(p["Riet"], "Vandaag")  # the 25th now
    for label in ("rond 12:00", "Eén keer"):
        await world.tap(p["Riet"], label)
    await world.tap(p["Riet"], "✅ Versturen")
    assert world.texts(circle["chat_id"])[-1].startswith("Riet zoekt hulp: boodschappen, vandaag")


async def test_a_forged_day_is_refused_and_a_series_never_posts_a_burst(world, circle):  # noqa: F811
    p = circle["people"]
    await world.say(p["Riet"], "🙏 Ik zoek hulp")
    await world.tap(p["Riet"], "🛒 Boodschappen")
    await world.tap(p["Riet"], "📅 Wanneer?")
    question = world.emulator.bot_messages(p["Riet"].id)[-1]
    assert (await world.store.draft(p["Riet"].id))[1]["step"] == "day"
    await world.press(p["Riet"], question, "hq:day:2025-01-07", forge=True)
    assert world.last_alert() == "Deze knop werkt niet meer."
    draft = await world.store.draft(p["Riet"].id)
    assert "day" not in draft[1]
    # The service refuses it too, whatever calls it.
    circle_ = circle["circle"]
    riet = await world.store.member_of(circle_.id, p["Riet"].id)
    result = await world.runtime.services.helpdesk.create(
        circle_id=circle_.id,
        member=riet,
        asked_by=p["Riet"].id,
        kind=Kind.GROCERIES,
        day=dt.date(2025, 1, 7),
        at_minutes=720,
        details=None,
        voice_file_id=None,
        visibility="circle",
        repeat_weekly=True,
    )
    assert result.status == "bad_day"
    # A weekly series whose day lies long past (an old database) posts one, not 99.
    result = await world.runtime.services.helpdesk.create(
        circle_id=circle_.id,
        member=riet,
        asked_by=p["Riet"].id,
        kind=Kind.GROCERIES,
        day=dt.date(2026, 11, 24),
        at_minutes=720,
        details=None,
        voice_file_id=None,
        visibility="circle",
        repeat_weekly=True,
    )
    await world.runtime.db.execute(
        "UPDATE requests SET day = '2025-01-07' WHERE id = ?", (result.request.id,)
    )
    await world.runtime.tick()  # its first post
    before = len(world.texts(circle["chat_id"]))
    world.clock.advance(days=1)
    fired, _ = await world.runtime.tick()
    assert fired < 5
    posts = world.texts(circle["chat_id"])[before:]
    assert len(posts) == 1 and "dinsdag 1 december" in posts[0]


async def test_the_asker_is_never_told_that_people_were_asked_who_were_not(world):
    """Henk, the only voorzitter and no superburen, asks "only superburen and voorzitter"."""
    henk, riet, jan = world.person("Henk"), world.person("Riet"), world.person("Jan")
    await world.circle("Zandweerd", henk, [riet, jan])
    await world.say(henk, "🙏 Ik zoek hulp")
    for label in ("🛒 Boodschappen", "📅 Wanneer?", "Morgen", "rond 12:00", "Eén keer"):
        await world.tap(henk, label)
    await world.tap(henk, "Alleen de superburen en de voorzitter")
    await world.tap(henk, "✅ Versturen")
    assert world.texts(henk.id)[-1].startswith(
        "Je vraag is bewaard. Maar niemand anders kan hem nog zien"
    )
    seen = await _watch(world, {"Henk": henk, "Riet": riet, "Jan": jan}, 9, step_minutes=60)
    told_henk = [t for _, name, t in seen if name == "Henk"]
    assert not [t for t in told_henk if "gevraagd" in t and "niemand anders" not in t]
    assert told_henk == [
        "Er heeft nog niemand gereageerd op je vraag. Er is nu ook niemand anders die ik kan "
        "vragen. Je ziet je vraag bij /taken."
    ]


async def test_the_asker_is_told_by_name_when_the_voorzitter_stands_in(world):
    """No superburen: the voorzitter is asked at the first widening, and the asker hears
    his name, not "the superburen"."""
    henk, riet, jan = world.person("Henk"), world.person("Riet"), world.person("Jan")
    chat_id = await world.circle("Zandweerd", henk, [riet, jan])
    post = await world.ask_for_groceries(riet, chat_id)
    assert post["text"].startswith("Riet zoekt hulp")
    await _watch(world, {"Riet": riet}, 5, step_minutes=60)
    assert world.texts(riet.id)[-1].startswith(
        "Er heeft nog niemand gereageerd op je vraag. Ik heb Henk gevraagd om mee te zoeken"
    )
