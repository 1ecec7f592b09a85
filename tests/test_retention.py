"""Retention: content goes after its time (a daily timer), the counts stay."""

from __future__ import annotations

import datetime as dt

from domain.requests import Kind
from domain.signals import WorryKind
from domain.waakvlam import CheckinSettings


async def test_old_content_is_forgotten_and_counts_stay(world):
    henk, riet, jan = world.person("Henk"), world.person("Riet"), world.person("Jan")
    chat_id = await world.group_with_bot("Zandweerd", henk, [riet, jan])
    code = world.join_link_code(chat_id)
    for person in (henk, riet, jan):
        await world.join(person, code)
    circle = await world.store.circle_by_chat(chat_id)
    riet_m = await world.store.member_of(circle.id, riet.id)
    services = world.runtime.services
    # A request, helped and done.
    result = await services.helpdesk.create(
        circle_id=circle.id,
        member=riet_m,
        asked_by=riet.id,
        kind=Kind.GROCERIES,
        day=None,
        at_minutes=None,
        details="melk en brood",
        voice_file_id=None,
        visibility="circle",
    )
    await services.helpdesk.claim(jan.id, result.request.id)
    await services.helpdesk.finish(riet.id, result.request.id, "done")
    # A check-in answered.
    await services.waakvlam.apply_settings(CheckinSettings(member_id=riet_m.id, enabled=True))
    world.clock.advance(hours=1)
    await world.runtime.tick()
    [round_] = await world.store.rounds_of(riet_m.id)
    await services.waakvlam.answer(riet.id, round_.id, "ok")
    # A worry, closed.
    await world.store.remember_user(7777, "Fatima", "nl", reachable=True)
    async with world.store.db.write() as tx:
        await world.store.add_member(tx, circle.id, 7777, "Fatima", "professional", consented=True)
    outcome = await services.worries.create(
        circle_id=circle.id,
        sender_id=jan.id,
        about=riet_m,
        about_self=False,
        kind=WorryKind.HEALTH,
        details="ze hoest veel",
        voice_file_id=None,
        urgency="week",
        safety=False,
    )
    await services.worries.act(7777, outcome.signal.id, "close")
    start = world.clock.now() - dt.timedelta(days=1)
    before = await world.store.week_figures(circle.id, start, start + dt.timedelta(days=7))

    # 31 days on: the check-in answer is gone; the request and the worry are not yet.
    world.clock.advance(days=31)
    await world.runtime.tick()
    round_ = (await world.store.rounds_of(riet_m.id))[0]
    assert round_.answer is None and round_.closed_by is None
    assert (await world.store.help_request(result.request.id)).details == "melk en brood"
    # 91 days: the request's content and who was involved are gone.
    world.clock.advance(days=60)
    await world.runtime.tick()
    request = await world.store.help_request(result.request.id)
    assert request.details is None and request.member_id is None
    assert request.helper_member_id is None and request.asked_by is None
    assert (await world.store.signal(outcome.signal.id)).details == "ze hoest veel"
    # 366 days: the worry's content, sender and subject are gone.
    world.clock.advance(days=275)
    await world.runtime.tick()
    signal = await world.store.signal(outcome.signal.id)
    assert signal.details is None and signal.sender_id is None
    assert signal.about_member_id is None
    assert all(detail is None for *_rest, detail in await world.store.signal_log(signal.id))
    # The figures of that first week did not change.
    after = await world.store.week_figures(circle.id, start, start + dt.timedelta(days=7))
    for key in ("asked", "helped", "rounds"):
        assert after[key] == before[key]
    # And no sent message texts older than a month are kept.
    from storage.timefmt import to_db

    assert (
        await world.runtime.db.fetchone(
            "SELECT COUNT(*) FROM outbox WHERE created_at < ?",
            (to_db(world.clock.now() - dt.timedelta(days=31)),),
        )
    )[0] == 0


def test_privacy_document_states_the_retention_the_code_uses():
    from bot.config import load_settings
    from tests.support import REPO

    settings = load_settings(_env_file=None)
    text = (REPO / "PRIVACY.md").read_text()
    assert f"{settings.retain_requests_days} dagen" in text
    assert f"{settings.retain_checkins_days} dagen" in text
    assert f"{settings.retain_signals_days} dagen" in text
    assert f"{settings.retain_requests_days} days" in text
    assert f"{settings.retain_checkins_days} days" in text
    assert f"{settings.retain_signals_days} days" in text
