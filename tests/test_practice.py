"""Practice mode stands apart from a real installation: its own database whatever the
settings say, and a page that only the page itself can drive."""

from __future__ import annotations

import datetime as dt

import aiohttp
import pytest

from bot.config import load_settings
from bot.practice import (
    BEHEERDER,
    PRACTICE_DB,
    PRACTICE_GROUP_ID,
    Practice,
    seed_practice_world,
)

HENK = 103


def test_practice_never_uses_the_real_database(tmp_path, monkeypatch):
    # The operator keeps the real settings in .env, as the README suggests, and runs
    # `omkijkbot` without a mode (practice is the default) in that directory.
    (tmp_path / ".env").write_text(
        "TELEGRAM_TOKEN=123:abc\nOMKIJK_DB=/srv/omkijk/omkijk.sqlite3\nOMKIJK_ADMIN_IDS=555\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OMKIJK_DB", raising=False)
    assert load_settings().db_path != PRACTICE_DB  # the real one, as `run` would use
    practice = Practice(load_settings())
    assert practice.settings.db_path == PRACTICE_DB
    # Its beheerder is the practice one, Bea, never a real person from `.env`.
    assert practice.settings.admin_ids == [BEHEERDER]
    # Set in the environment itself, it is still not the practice database.
    monkeypatch.setenv("OMKIJK_DB", str(tmp_path / "omkijk.sqlite3"))
    assert Practice(load_settings()).settings.db_path == PRACTICE_DB
    # Nor does practice mode open a webhook for Telegram.
    monkeypatch.setenv("OMKIJK_WEBHOOK_URL", "https://bot.example.org")
    assert Practice(load_settings()).settings.webhook_url is None


async def _post(server, body: str, **headers: str) -> int:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{server.base_url}/emu/api/send", data=body, headers=headers) as resp,
    ):
        return resp.status


@pytest.mark.parametrize(
    "headers",
    [
        # What any web page can make a browser send without a CORS preflight.
        {"Content-Type": "text/plain", "Origin": "https://evil.example"},
        # The same, from a page on a name that resolves to 127.0.0.1 (DNS rebinding).
        {"Content-Type": "application/json", "Host": "attacker.example:8080"},
        # A page on the same machine but another port is another site.
        {"Content-Type": "application/json", "Origin": "http://localhost:3000"},
        {"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"},
        # A form post without an Origin (an old browser): not JSON, so not taken.
        {"Content-Type": "application/x-www-form-urlencoded"},
    ],
    ids=["simple-post", "rebinding", "other-port", "fetch-metadata", "form"],
)
async def test_practice_api_refuses_other_origins(emulator_server, headers):
    emu = emulator_server.emulator
    seed_practice_world(emu)
    body = f'{{"user_id": {HENK}, "chat_id": {HENK}, "text": "/vergeetmij"}}'
    assert await _post(emulator_server, body, **headers) in (403, 415)
    assert emu.pending_updates == [] and emu.messages[HENK] == []


async def test_practice_api_answers_its_own_page(emulator_server):
    emu = emulator_server.emulator
    seed_practice_world(emu)
    body = f'{{"user_id": {HENK}, "chat_id": {HENK}, "text": "/start"}}'
    origin = emulator_server.base_url
    assert await _post(emulator_server, body, **{"Content-Type": "application/json"}) == 200
    own = {"Content-Type": "application/json", "Origin": origin, "Sec-Fetch-Site": "same-origin"}
    assert await _post(emulator_server, body, **own) == 200
    assert [u["message"]["text"] for u in emu.pending_updates] == ["/start", "/start"]
    # A page on a rebinding name cannot read the chats either.
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{emulator_server.base_url}/emu/api/chat?chat={HENK}",
            headers={"Host": f"attacker.example:{emulator_server.port}"},
        ) as resp,
    ):
        assert resp.status == 403


def test_the_page_texts_are_found_and_translated():
    """The page's script is read for its texts like the bot's code; each language has them."""
    from zoneinfo import ZoneInfo

    from bot.practice import PageHooks
    from core.i18n import I18n, page_messages
    from emulator.server import STATIC

    found = page_messages(STATIC)
    assert {"Who are you?", "{name} joined the group", "Private with {bot}"} <= set(found)
    texts = PageHooks(None, I18n(ZoneInfo("Europe/Amsterdam"))).page_texts()
    assert texts["nl"]["Who are you?"] == "Wie ben je?"
    assert texts["tr"]["Who are you?"] == "Siz kimsiniz?"
    assert texts["nl"]["member, 82"] == "lid, 82 jaar"  # the people's roles too


@pytest.fixture
async def practice(tmp_path, monkeypatch):
    """Practice mode in this process, on a free port, in a directory of its own."""
    monkeypatch.chdir(tmp_path)
    settings = load_settings(
        _env_file=None, practice_port=0, clock_start="2026-11-24T09:40:00+01:00"
    )
    practice = Practice(settings)
    await practice.start()
    yield practice
    await practice.stop()


async def _clock(practice, change=None, *, raw: str | None = None):
    url = f"{practice.server.base_url}/emu/api/clock?lang=nl"
    async with aiohttp.ClientSession() as session:
        if change is None and raw is None:
            async with session.get(url) as resp:
                return resp.status, await resp.json()
        data = raw if raw is not None else __import__("json").dumps(change)
        headers = {"Content-Type": "application/json"}
        async with session.post(url, data=data, headers=headers) as resp:
            return resp.status, (await resp.json() if resp.status == 200 else await resp.text())


async def test_the_page_moves_the_bots_clock_forward_only(practice):
    emu = practice.server.emulator
    await emu.wait_for(lambda: emu.bot_messages(PRACTICE_GROUP_ID))  # the circle is there
    status, view = await _clock(practice)
    assert status == 200 and view["label"] == "dinsdag 24 november om 09:40"
    assert view["scale"] == 1 and view["next"] == "maandag 30 november om 09:00"  # the week
    status, view = await _clock(practice, {"action": "advance", "minutes": 60})
    assert status == 200 and view["label"] == "dinsdag 24 november om 10:40"
    # Nonsense changes nothing and gets a clear answer, never a 500.
    for change in (
        {"action": "advance", "minutes": -30},  # time never runs back
        {"action": "advance", "minutes": "10"},
        {"action": "advance", "minutes": 10**9},
        {"action": "speed", "scale": 7},
        {"action": "speed", "scale": None},
        {"action": "teleport"},
        [],
    ):
        status, _text = await _clock(practice, change)
        assert status == 400, change
    assert (await _clock(practice, raw="{not json"))[0] == 400
    status, view = await _clock(practice, {"action": "speed", "scale": 60})
    assert status == 200 and view["scale"] == 60
    assert practice.runtime.clock is practice.clock  # the bot's own clock moved
    status, view = await _clock(practice, {"action": "next"})
    assert view["label"] == "maandag 30 november om 09:00"


async def test_a_snapshot_of_the_world_comes_back_whole(emulator_server):
    """What the emulator keeps across a restart: people, chats, messages, files, updates
    the bot has not fetched, and the numbers it hands out."""
    import json

    from emulator.core import Emulator

    emu = emulator_server.emulator
    seed_practice_world(emu)
    emu.users[101].started_bot = True
    await emu.send_text(101, 101, "/start")
    await emu.send_voice(101, 101, audio=b"OggS\x00\x01")
    await emu.call("sendMessage", {"chat_id": 101, "text": "<b>Welkom</b>", "parse_mode": "HTML"})
    saved = json.loads(json.dumps(emu.snapshot()))

    again = Emulator(first_update_id=1)
    again.restore(saved)
    assert again.snapshot() == emu.snapshot()
    assert again.messages[101] == emu.messages[101] and again.files == emu.files
    assert again.users[101].started_bot and again.chats[PRACTICE_GROUP_ID].members == {
        101,
        102,
        103,
        105,
    }
    # Numbers go on: the next message, update and file are new ones.
    sent = await again.call("sendMessage", {"chat_id": 101, "text": "Nog iets"})
    assert sent["message_id"] == 4
    update = await again.send_text(101, 101, "hoi")
    assert update["update_id"] == 3
    with pytest.raises(ValueError):
        again.restore({"snapshot": 99})


async def test_practice_restarts_with_the_same_chats_and_starts_fresh_when_asked(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(_env_file=None, practice_port=0)

    async def started(**kwargs) -> Practice:
        practice = Practice(settings, **kwargs)
        await practice.start()
        return practice

    practice = await started()
    emu = practice.server.emulator
    await emu.send_text(101, 101, "/start")
    await emu.wait_for(lambda: emu.bot_messages(101) and emu.bot_messages(PRACTICE_GROUP_ID))
    moved = practice.clock.advance(dt.timedelta(hours=5))
    before = {chat: list(sent) for chat, sent in emu.messages.items() if sent}
    await practice.stop()
    assert (tmp_path / "omkijk-practice.world.json").stat().st_mode & 0o777 == 0o600

    practice = await started()
    emu = practice.server.emulator
    assert {chat: sent for chat, sent in emu.messages.items() if sent} == before
    assert practice.clock.now() >= moved  # the clock did not run back
    # The bot can still reach Riet, and did not join the group a second time.
    answered = len(emu.bot_messages(101))
    await emu.send_text(101, 101, "/help")
    await emu.wait_for(lambda: len(emu.bot_messages(101)) > answered)
    assert len(emu.bot_messages(PRACTICE_GROUP_ID)) == len(
        [m for m in before[PRACTICE_GROUP_ID] if m["from"]["is_bot"]]
    )
    await practice.stop()

    practice = await started(fresh=True)
    emu = practice.server.emulator
    assert emu.messages[101] == [] and practice.clock.now() < moved
    await practice.stop()


async def test_the_page_opens_files_safely(emulator_server):
    """Pictures, documents and voice notes for the page: a type from a short list, never
    sniffed, and sandboxed, so a document cannot run anything as the page."""
    emu = emulator_server.emulator
    seed_practice_world(emu)
    emu.users[103].started_bot = True
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
    photo = await emu.call("sendPhoto", {"chat_id": 103, "photo": png})
    page = b"<h1>Telefoonlijst</h1><script>alert(1)</script>"
    sent = await emu.call(
        "sendDocument", {"chat_id": 103, "document": page, "_filename": "telefoonlijst.html"}
    )
    odd = await emu.call("sendDocument", {"chat_id": 103, "document": b"MZ", "_filename": "x.exe"})
    base = f"{emulator_server.base_url}/emu/api/file/"
    async with aiohttp.ClientSession() as session:
        async with session.get(base + photo["photo"][0]["file_id"]) as resp:
            assert resp.status == 200 and resp.content_type == "image/png"
            assert await resp.read() == png
        async with session.get(base + sent["document"]["file_id"]) as resp:
            assert resp.content_type == "text/html"
            assert resp.headers["Content-Security-Policy"].startswith("sandbox")
            assert resp.headers["X-Content-Type-Options"] == "nosniff"
            assert "telefoonlijst.html" in resp.headers["Content-Disposition"]
        async with session.get(base + odd["document"]["file_id"]) as resp:
            assert resp.content_type == "application/octet-stream"
            assert resp.headers["Content-Disposition"].startswith("attachment")
        async with session.get(base + "F999999") as resp:
            assert resp.status == 404


async def test_the_guided_demo_is_served_and_gets_the_circle_ready(practice):
    emu = practice.server.emulator
    await emu.wait_for(lambda: emu.bot_messages(PRACTICE_GROUP_ID))
    url = f"{practice.server.base_url}/emu/api/demo"
    json = {"Content-Type": "application/json"}
    async with aiohttp.ClientSession() as session:
        async with session.get(url + "?lang=nl") as resp:
            demo = await resp.json()
        titles = [journey["title"] for journey in demo["journeys"]]
        assert titles[1:] == [
            "Hulp vragen, en helpen",
            "“Alles goed?” en de ladder",
            "Een zorg",
            "De week van de voorzitter",
            "Privacy: wat de bot bewaart",
        ]
        first = demo["journeys"][0]["steps"][0]
        assert first["tap"] == "👋 Doe mee" and "“👋 Doe mee”" in first["text"]
        assert first["chat"] == PRACTICE_GROUP_ID and first["person"] == 103
        async with session.get(url + "?lang=tr") as resp:
            turkish = await resp.json()
        assert turkish["journeys"][3]["title"] == "Bir endişe"
        # A step that cannot be done yet says so; nonsense is refused.
        async with session.post(url, data='{"action": "waakvlam"}', headers=json) as resp:
            assert resp.status == 409
        async with session.post(url, data='{"action": "teleport"}', headers=json) as resp:
            assert resp.status == 400
        async with session.post(url, data='{"action": "prepare"}', headers=json) as resp:
            assert resp.status == 200
        # Again changes nothing: everyone is in already.
        async with session.post(url, data='{"action": "prepare"}', headers=json) as resp:
            assert resp.status == 200
    store = practice.runtime.services.store
    circle = await store.circle_by_chat(PRACTICE_GROUP_ID)
    roles = {m.display_name: m.role for m in await store.members(circle.id) if m.consented}
    assert roles == {
        "Henk": "voorzitter",
        "Riet": "lid",
        "Sandra": "superbuur",
        "Jan": "lid",
        "Fatima": "professional",
    }
