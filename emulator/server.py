"""HTTP for the emulator: the Bot API at /bot<token>/<method>, files at
/file/bot<token>/<path>, and the people's side (the practice page) at / and /emu/api/."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

import aiohttp
from aiohttp import web

from emulator.core import BotApiError, Emulator

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"

# Parameters that are strings even when they look like JSON ("123" stays text).
_STRING_PARAMS = {
    "text",
    "caption",
    "callback_query_id",
    "url",
    "secret_token",
    "parse_mode",
    "language_code",
    "file_id",
    "description",
    "short_description",
    "name",
    "title",
    "emoji",
    "message_thread_id_str",
}


def _decode(name: str, value: str) -> Any:
    if name in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


async def _read_params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = {k: _decode(k, v) for k, v in request.query.items()}
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.update(body)
        return params
    if request.method == "POST" and request.can_read_body:
        form = await request.post()
        for name, value in form.items():
            if isinstance(value, web.FileField):
                params[name] = value.file.read()
                params["_filename"] = value.filename
            else:
                params[name] = _decode(name, str(value))
    return params


# What the page may open, by file name ending; anything else is a download.
_FILE_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".ogg": "audio/ogg",
}
_MAGIC = ((b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"OggS", "audio/ogg"))


def _file_type(data: bytes, name: str) -> str:
    if name:
        return _FILE_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")
    # A photo or a voice note has no name: what it starts with says what it is.
    for magic, content_type in _MAGIC:
        if data.startswith(magic):
            return content_type
    return "application/octet-stream"


class PracticeHooks(Protocol):
    """What practice mode (bot/practice.py) adds to the page; the emulator itself knows
    nothing of the bot. Without hooks the page shows its texts untranslated (English)."""

    def page_texts(self) -> dict[str, dict[str, str]]:
        """The page's texts: language -> msgid -> translation."""
        ...

    async def languages(self) -> dict[int, str]:
        """The language each person reads (the bot's choice for them), by user id."""
        ...

    async def clock(self, language: str) -> dict[str, Any]:
        """The bot's clock for the page: ``label``, ``scale``, ``speeds``, ``next``."""
        ...

    async def move_clock(self, change: dict[str, Any]) -> None:
        """Move the bot's clock forward or change its speed; ValueError on nonsense."""
        ...

    async def demo(self, language: str) -> dict[str, Any]:
        """The guided demo: ``journeys`` (a title and steps each) and ``end``."""
        ...

    async def demo_action(self, action: str) -> None:
        """Do one of the demo's own steps; RuntimeError when it cannot be done now."""
        ...


class EmulatorServer:
    def __init__(
        self,
        emulator: Emulator,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        practice_page: bool = True,
        control_api: bool = False,
        hooks: PracticeHooks | None = None,
    ) -> None:
        self.emulator = emulator
        self.hooks = hooks
        self.host = host
        self.port = port
        self.practice_page = practice_page
        # Benchmarks in another process drive people and read figures over HTTP.
        self.control_api = control_api
        self._runner: web.AppRunner | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._callback_viewers: dict[str, int] = {}

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """What the bot's TELEGRAM_API_URL should be."""
        return f"{self.base_url}/bot"

    @property
    def file_url(self) -> str:
        return f"{self.base_url}/file/bot"

    def _own_hosts(self) -> set[str]:
        """The Host headers a request to this server may carry: its own address only."""
        names = {self.host, "127.0.0.1", "localhost", "[::1]"}
        hosts = {f"{name}:{self.port}" for name in names}
        if self.port == 80:
            hosts |= names
        return hosts

    @web.middleware
    async def _same_origin_only(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Only this machine's own page and programs may drive the emulator.

        A web page elsewhere must not make a browser act as one of the practice people
        (a cross-site "simple" POST needs no CORS preflight), and a page on a name that
        resolves to 127.0.0.1 (DNS rebinding) must not read or drive it either: the Host
        must be this server's own address, an Origin this page's own, and what a page
        posts to the people's side JSON (which a foreign page cannot send unasked).
        """
        hosts = self._own_hosts()
        origin = request.headers.get("Origin")
        fetch_site = request.headers.get("Sec-Fetch-Site", "same-origin")
        refused = (
            request.host not in hosts
            or (origin is not None and origin not in {f"http://{h}" for h in hosts})
            or fetch_site not in ("same-origin", "none")
        )
        if refused:
            log.warning("emulator refused a request from another origin to %s", request.path)
            return web.Response(status=403, text="Forbidden: this server answers only itself")
        if (
            request.method == "POST"
            and request.path.startswith("/emu/api/")
            and request.content_type != "application/json"
        ):
            return web.Response(status=415, text="Unsupported Media Type: send JSON")
        if not request.path.startswith("/emu/api/"):
            return await handler(request)
        try:
            return await handler(request)
        except (KeyError, ValueError, TypeError, BotApiError) as exc:
            # Whatever a page or a program sent that does not fit: a clear 400, never a 500.
            log.info("emulator: a bad request to %s (%s)", request.path, type(exc).__name__)
            raise web.HTTPBadRequest(text=f"Bad Request: {type(exc).__name__}") from None

    def app(self) -> web.Application:
        app = web.Application(
            client_max_size=50 * 1024 * 1024, middlewares=[self._same_origin_only]
        )
        app.router.add_route("*", "/bot{token}/{method}", self._bot_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        if self.practice_page or self.control_api:
            app.router.add_post("/emu/api/send", self._send)
            app.router.add_post("/emu/api/press", self._press)
        if self.control_api:
            app.router.add_get("/emu/api/stats", self._stats)
        if self.practice_page:
            app.router.add_get("/", self._index)
            app.router.add_static("/static/", STATIC)
            app.router.add_get("/emu/api/world", self._world)
            app.router.add_get("/emu/api/texts", self._texts)
            app.router.add_get("/emu/api/file/{file_id}", self._page_file)
            app.router.add_get("/emu/api/commands", self._commands)
            if self.hooks is not None:
                app.router.add_get("/emu/api/clock", self._clock)
                app.router.add_post("/emu/api/clock", self._move_clock)
                app.router.add_get("/emu/api/demo", self._demo)
                app.router.add_post("/emu/api/demo", self._demo_action)
            app.router.add_get("/emu/api/chat", self._chat_view)
            app.router.add_post("/emu/api/voice", self._voice)
            app.router.add_post("/emu/api/contact", self._contact)
            app.router.add_post("/emu/api/group", self._group_action)
        return app

    async def start(self) -> EmulatorServer:
        self._runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=2)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        if self.port == 0:
            sockets = site._server.sockets  # type: ignore[union-attr]
            self.port = sockets[0].getsockname()[1]
        self._webhook_task = asyncio.create_task(self._deliver_webhooks(), name="emu-webhook")
        return self

    async def stop(self) -> None:
        await self.emulator.close()
        if self._webhook_task:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
        if self._runner:
            await self._runner.cleanup()

    # -- Bot API ---------------------------------------------------------------

    async def _bot_api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.emulator.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        try:
            params = await _read_params(request)
            result = await self.emulator.call(method, params)
        except BotApiError as exc:
            return web.json_response(exc.body(), status=exc.code)
        except ConnectionResetError:
            # An injected network fault: drop the connection without an answer.
            if request.transport is not None:
                request.transport.close()
            raise web.HTTPInternalServerError() from None
        except Exception as exc:  # the emulator must answer like Telegram, never hang
            log.exception("emulator failed on %s", method)
            return web.json_response(
                {"ok": False, "error_code": 500, "description": f"Internal Server Error: {exc}"},
                status=500,
            )
        return web.json_response({"ok": True, "result": result})

    async def _file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.emulator.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        for data, stored_path in self.emulator.files.values():
            if stored_path == path:
                return web.Response(body=data)
        return web.Response(status=404)

    async def _deliver_webhooks(self) -> None:
        """Post pending updates to the webhook, one by one, until each gets a 200."""
        emu = self.emulator
        async with aiohttp.ClientSession() as session:
            while True:
                await emu.wait_for(lambda: emu.webhook_url and emu.pending_updates, timeout=3600)
                update = emu.pending_updates[0]
                headers = {}
                if emu.webhook_secret:
                    headers["X-Telegram-Bot-Api-Secret-Token"] = emu.webhook_secret
                try:
                    async with session.post(
                        emu.webhook_url or "", json=update, headers=headers
                    ) as response:
                        ok = response.status == 200
                except aiohttp.ClientError:
                    ok = False
                if ok and emu.pending_updates and emu.pending_updates[0] is update:
                    emu.pending_updates.pop(0)
                    emu.delivered_update_ids.append(update["update_id"])
                    await emu._notify()
                elif not ok:
                    await asyncio.sleep(0.5)  # Telegram too waits before redelivering

    # -- the people's side (practice page) --------------------------------------

    async def _index(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "index.html")

    async def _commands(self, request: web.Request) -> web.StreamResponse:
        """The "/" menu of a person in a chat (``lang``: their app's language)."""
        query = request.query
        commands = self.emulator.commands_for(
            int(query["chat"]), int(query["user"]), query.get("lang", "")
        )
        return web.json_response({"commands": commands})

    async def _page_file(self, request: web.Request) -> web.StreamResponse:
        """A picture, document or voice note for the page to show, open or play.

        Files come from the bot (and in principle from anyone): served with a type from
        a short list, never sniffed, and sandboxed, so an HTML page (the phone list to
        print) shows but cannot run anything as this page."""
        file_id = request.match_info["file_id"]
        stored = self.emulator.files.get(file_id)
        if stored is None:
            raise web.HTTPNotFound(text="no such file")
        data, _path = stored
        name = self.emulator.file_name(file_id) or ""
        content_type = _file_type(data, name)
        headers = {
            "Content-Type": content_type,
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'; img-src data:; "
            "style-src 'unsafe-inline'",
            "Cache-Control": "no-store",
        }
        if name:
            disposition = "attachment" if content_type == "application/octet-stream" else "inline"
            headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(name)}"
        return web.Response(body=data, headers=headers)

    async def _texts(self, request: web.Request) -> web.StreamResponse:
        return web.json_response({"texts": self.hooks.page_texts() if self.hooks else {}})

    async def _clock(self, request: web.Request) -> web.StreamResponse:
        assert self.hooks is not None
        return web.json_response(await self.hooks.clock(request.query.get("lang", "")))

    async def _move_clock(self, request: web.Request) -> web.StreamResponse:
        assert self.hooks is not None
        try:
            await self.hooks.move_clock(await self._body(request))
        except ValueError as exc:
            raise web.HTTPBadRequest(text=str(exc)) from None
        await self.emulator._notify()  # the page looks again
        return web.json_response(await self.hooks.clock(request.query.get("lang", "")))

    async def _demo(self, request: web.Request) -> web.StreamResponse:
        assert self.hooks is not None
        return web.json_response(await self.hooks.demo(request.query.get("lang", "")))

    async def _demo_action(self, request: web.Request) -> web.StreamResponse:
        assert self.hooks is not None
        body = await self._body(request)
        try:
            await self.hooks.demo_action(str(body["action"]))
        except RuntimeError as exc:
            log.info("practice demo: a step could not be done now")
            raise web.HTTPConflict(text=str(exc)) from None
        await self.emulator._notify()
        return web.json_response({"ok": True})

    async def _world(self, request: web.Request) -> web.StreamResponse:
        emu = self.emulator
        languages = await self.hooks.languages() if self.hooks else {}
        people = [
            {
                "id": u.id,
                "name": u.first_name,
                "role": u.role_hint,
                "language": u.language_code,
                "page_language": languages.get(u.id, u.language_code),
                "blocked": u.blocked_bot,
            }
            for u in emu.users.values()
        ]
        groups = [
            {
                "id": c.id,
                "title": c.title,
                "members": sorted(c.members),
                "bot": c.bot_status,
                "migrated_to": c.migrated_to,
                "type": c.type,
            }
            for c in emu.chats.values()
            if c.type != "private"
        ]
        return web.json_response(
            {"version": emu.version, "people": people, "groups": groups, "bot": emu.bot_json()}
        )

    async def _chat_view(self, request: web.Request) -> web.StreamResponse:
        emu = self.emulator
        since = int(request.query.get("since", "-1"))
        if since >= emu.version:
            await emu.wait_version(since, timeout=20)
        try:
            chat_id = int(request.query["chat"])
        except (KeyError, ValueError):
            raise web.HTTPBadRequest(text="chat=<id> is needed") from None
        viewer = int(request.query.get("viewer", "0"))
        messages = [
            {k: v for k, v in m.items() if k not in ("chat", "reply_to_message")}
            for m in emu.messages.get(chat_id, [])
        ]
        # What the bot answered this viewer's taps: words (a toast or an alert), or a
        # link for the app to open (answerCallbackQuery's url: t.me/<bot>?start=...).
        toasts = [
            {
                "text": a.get("text", ""),
                "alert": bool(a.get("show_alert")),
                "url": a.get("url"),
                "n": i,
            }
            for i, a in enumerate(emu.callback_answers)
            if (a.get("text") or a.get("url"))
            and self._callback_viewers.get(str(a.get("callback_query_id"))) == viewer
        ]
        return web.json_response(
            {"version": emu.version, "messages": messages, "toasts": toasts[-3:]}
        )

    async def _body(self, request: web.Request) -> dict[str, Any]:
        body = await request.json()
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="expected a JSON object")
        return body

    async def _send(self, request: web.Request) -> web.StreamResponse:
        body = await self._body(request)
        text = str(body.get("text", "")).strip()
        if not text:
            raise web.HTTPBadRequest(text="empty message")
        await self.emulator.send_text(int(body["user_id"]), int(body["chat_id"]), text[:4096])
        return web.json_response({"ok": True})

    async def _press(self, request: web.Request) -> web.StreamResponse:
        body = await self._body(request)
        try:
            update = await self.emulator.press_button(
                int(body["user_id"]),
                int(body["chat_id"]),
                int(body["message_id"]),
                str(body["data"]),
                check_exists=not (self.control_api and body.get("forge")),
            )
        except KeyError as exc:
            raise web.HTTPNotFound(text=str(exc)) from None
        self._callback_viewers[update["callback_query"]["id"]] = int(body["user_id"])
        return web.json_response({"ok": True})

    async def _stats(self, request: web.Request) -> web.StreamResponse:
        emu = self.emulator
        return web.json_response(
            {
                "latencies": emu.latencies,
                "updates_delivered": len(emu.delivered_update_ids),
                "updates_pending": len(emu.pending_updates),
                "bot_calls": dict(collections.Counter(method for method, _ in emu.calls)),
                "rate_limited": emu.rate_limited,
            }
        )

    async def _voice(self, request: web.Request) -> web.StreamResponse:
        body = await self._body(request)
        await self.emulator.send_voice(
            int(body["user_id"]), int(body["chat_id"]), duration=int(body.get("duration", 4))
        )
        return web.json_response({"ok": True})

    async def _contact(self, request: web.Request) -> web.StreamResponse:
        body = await self._body(request)
        user_id = int(body["user_id"])
        # A practice phone number: 06 followed by the person's id.
        await self.emulator.send_contact(user_id, f"+316{user_id:08d}")
        return web.json_response({"ok": True})

    async def _group_action(self, request: web.Request) -> web.StreamResponse:
        body = await self._body(request)
        emu = self.emulator
        action = body.get("action")
        chat_id = int(body["chat_id"])
        user_id = int(body.get("user_id", 0))
        if action == "add_bot":
            await emu.add_bot_to_group(chat_id, user_id)
        elif action == "remove_bot":
            await emu.remove_bot_from_group(chat_id, user_id)
        elif action == "migrate":
            await emu.migrate_group(chat_id)
        elif action == "block":
            await emu.block_bot(user_id)
        elif action == "unblock":
            await emu.unblock_bot(user_id)
        else:
            raise web.HTTPBadRequest(text="unknown action")
        return web.json_response({"ok": True})
