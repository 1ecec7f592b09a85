"""Emulator state: people, chats, messages, updates, and the Bot API methods."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import html
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

BOT_ID = 7_000_000_001
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64


class BotApiError(Exception):
    """An error answered the way Telegram answers it."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass
class Fault:
    """An injected failure for the next ``count`` calls of a method.

    kind: '429' (with retry_after), '5xx' (502 Bad Gateway), 'disconnect'
    (connection dropped, a network error for the client), '403', or 'hold'
    (Telegram is slow: the call waits until ``release`` is set, then succeeds).
    """

    kind: str
    count: int = 1
    retry_after: int = 1
    chat_id: int | None = None
    release: asyncio.Event | None = None


@dataclass
class EmuUser:
    id: int
    first_name: str
    language_code: str = "nl"
    last_name: str | None = None
    username: str | None = None
    started_bot: bool = False
    blocked_bot: bool = False
    role_hint: str = ""  # shown on the practice page only ("superbuur", ...)

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data


@dataclass
class EmuChat:
    id: int
    type: str  # private, group, supergroup
    title: str | None = None
    user_id: int | None = None  # for private chats
    members: set[int] = field(default_factory=set)
    admins: set[int] = field(default_factory=set)
    creator: int | None = None
    bot_status: str = "left"  # member, administrator, left, kicked
    migrated_to: int | None = None
    next_message_id: int = 1


def _strip_html(text: str) -> str:
    return html.unescape(re.sub(r"</?[a-zA-Z][^>]*>", "", text))


_ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "code",
    "pre",
    "a",
    "tg-spoiler",
    "span",
    "blockquote",
}


def _check_html(text: str) -> None:
    """Refuse markup Telegram would refuse: unknown tags or unbalanced ones."""
    stack: list[str] = []
    for match in re.finditer(r"<(/?)([a-zA-Z-]+)[^>]*>", text):
        closing, tag = match.group(1), match.group(2).lower()
        if tag not in _ALLOWED_TAGS:
            raise BotApiError(
                400,
                f"Bad Request: can't parse entities: Unsupported start tag "
                f'"{tag}" at byte offset {match.start()}',
            )
        if closing:
            if not stack or stack.pop() != tag:
                raise BotApiError(
                    400,
                    "Bad Request: can't parse entities: Unmatched end tag at "
                    f'byte offset {match.start()}, expected "</{tag}>"',
                )
        else:
            stack.append(tag)
    if stack:
        raise BotApiError(
            400,
            "Bad Request: can't parse entities: Can't find end tag "
            f'corresponding to start tag "{stack[-1]}"',
        )


def chat_member_json(status: str, user: dict[str, Any]) -> dict[str, Any]:
    """A ChatMember as the Bot API sends it, with the fields each status needs."""
    data: dict[str, Any] = {"status": status, "user": user}
    if status == "kicked":
        data["until_date"] = 0
    if status == "administrator":
        data.update(
            {
                key: True
                for key in (
                    "can_be_edited",
                    "can_manage_chat",
                    "can_delete_messages",
                    "can_manage_video_chats",
                    "can_restrict_members",
                    "can_promote_members",
                    "can_change_info",
                    "can_invite_users",
                    "can_post_stories",
                    "can_edit_stories",
                    "can_delete_stories",
                )
            }
        )
        data["is_anonymous"] = False
        data["can_be_edited"] = False
    if status == "creator":
        data["is_anonymous"] = False
    return data


class Emulator:
    def __init__(
        self,
        token: str = "123456:PRACTICE",
        *,
        bot_username: str = "OmkijkOefenBot",
        bot_name: str = "Omkijkbot",
        first_update_id: int = 1,
        now: Callable[[], float] = time.time,
        enforce_limits: bool = False,
        open_world: bool = False,
        send_rate: int = 30,
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.bot_name = bot_name
        self.now = now
        self.enforce_limits = enforce_limits
        self.send_rate = send_rate  # messages a second in all, as Telegram allows a bot
        self.users: dict[int, EmuUser] = {}
        self.chats: dict[int, EmuChat] = {}
        self.messages: dict[int, list[dict[str, Any]]] = collections.defaultdict(list)
        self.pending_updates: list[dict[str, Any]] = []
        self.delivered_update_ids: list[int] = []
        self.confirmed_offset = 0
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.faults: dict[str, collections.deque[Fault]] = collections.defaultdict(
            collections.deque
        )
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.callback_answers: list[dict[str, Any]] = []
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.files: dict[str, tuple[bytes, str]] = {}
        self.version = 0
        self._changed = asyncio.Condition()
        self._update_ids = itertools.count(first_update_id)
        self._user_ids = itertools.count(1001)
        self._group_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._sent_times: collections.deque[float] = collections.deque()
        self._group_sent_times: dict[int, collections.deque[float]] = collections.defaultdict(
            collections.deque
        )
        self.rate_limited = 0
        self.closing = False
        # Benchmarks: anyone the bot writes to exists (a user who started the bot, or
        # a group with the bot in it), so a seeded database of 120,000 members needs
        # no matching set-up here.
        self.open_world = open_world
        # Benchmarks: time from an update being queued to the bot's first answer in
        # that chat (or to the callback query), in seconds.
        self.latencies: list[float] = []
        self._waiting: dict[int, collections.deque[float]] = collections.defaultdict(
            collections.deque
        )
        self._waiting_callbacks: dict[str, float] = {}

    # -- bookkeeping ----------------------------------------------------------

    async def _notify(self) -> None:
        self.version += 1
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Wait until ``predicate()`` is truthy, woken by each change (no polling sleeps)."""

        async def _wait() -> Any:
            async with self._changed:
                while not (result := predicate()):
                    await self._changed.wait()
                return result

        return await asyncio.wait_for(_wait(), timeout)

    async def close(self) -> None:
        """Answer every waiting long poll now, so a shutdown does not hang."""
        self.closing = True
        await self._notify()

    async def wait_version(self, since: int, timeout: float) -> int:
        with contextlib.suppress(TimeoutError):
            await self.wait_for(lambda: self.version > since or self.closing, timeout)
        return self.version

    def bot_json(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": self.bot_name,
            "username": self.bot_username,
        }

    def chat_json(self, chat: EmuChat) -> dict[str, Any]:
        if chat.type == "private":
            user = self.users[chat.user_id or chat.id]
            data: dict[str, Any] = {"id": chat.id, "type": "private", "first_name": user.first_name}
            if user.username:
                data["username"] = user.username
            return data
        return {"id": chat.id, "type": chat.type, "title": chat.title}

    def _chat(self, chat_id: Any) -> EmuChat:
        try:
            chat = self.chats.get(int(chat_id))
        except (TypeError, ValueError):
            chat = None
        if chat is None and self.open_world and isinstance(chat_id, int | str):
            chat = self._appear(int(chat_id))
        if chat is None:
            raise BotApiError(400, "Bad Request: chat not found")
        return chat

    def _appear(self, chat_id: int) -> EmuChat:
        """Open world: an unknown id is a person who started the bot, or a group."""
        if chat_id > 0:
            self.add_user(f"Buur {chat_id}", user_id=chat_id).started_bot = True
            return self.chats[chat_id]
        chat = EmuChat(chat_id, "group", title=f"Kring {-chat_id}", bot_status="member")
        self.chats[chat_id] = chat
        return chat

    def _user(self, user_id: int) -> EmuUser:
        if user_id not in self.users and self.open_world:
            self._appear(user_id)
        return self.users[user_id]

    # -- people ---------------------------------------------------------------

    def add_user(
        self,
        first_name: str,
        *,
        language_code: str = "nl",
        user_id: int | None = None,
        last_name: str | None = None,
        username: str | None = None,
        role_hint: str = "",
    ) -> EmuUser:
        user = EmuUser(
            user_id or next(self._user_ids),
            first_name,
            language_code,
            last_name,
            username,
            role_hint=role_hint,
        )
        self.users[user.id] = user
        self.chats[user.id] = EmuChat(user.id, "private", user_id=user.id)
        return user

    def add_group(
        self,
        title: str,
        members: list[int],
        *,
        admins: list[int] | None = None,
        supergroup: bool = False,
    ) -> EmuChat:
        n = next(self._group_ids)
        chat_id = -(1_000_000_000_000 + n) if supergroup else -(4_000_000 + n)
        admins = admins if admins is not None else members[:1]
        chat = EmuChat(
            chat_id,
            "supergroup" if supergroup else "group",
            title=title,
            members=set(members),
            admins=set(admins),
            creator=admins[0] if admins else None,
        )
        self.chats[chat_id] = chat
        return chat

    def _new_message(self, chat: EmuChat, sender: dict[str, Any], **content: Any) -> dict[str, Any]:
        message = {
            "message_id": chat.next_message_id,
            "from": sender,
            "chat": self.chat_json(chat),
            "date": int(self.now()),
            **content,
        }
        chat.next_message_id += 1
        self.messages[chat.id].append(message)
        return message

    async def _queue_update(self, update: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **update}
        if "message" in update:
            self._waiting[update["message"]["chat"]["id"]].append(time.perf_counter())
        elif "callback_query" in update:
            self._waiting_callbacks[update["callback_query"]["id"]] = time.perf_counter()
        self.pending_updates.append(update)
        await self._notify()
        return update

    def _bot_sees(self, chat: EmuChat, text: str | None, reply_to: dict[str, Any] | None) -> bool:
        """Privacy mode: in groups the bot sees commands, replies to it, and service messages."""
        if chat.type == "private":
            return True
        if chat.bot_status not in ("member", "administrator"):
            return False
        if text and text.startswith("/"):
            command = text.split()[0]
            return "@" not in command or command.endswith("@" + self.bot_username)
        return bool(reply_to and reply_to.get("from", {}).get("id") == BOT_ID)

    async def send_text(
        self, user_id: int, chat_id: int, text: str, reply_to_message_id: int | None = None
    ) -> dict[str, Any] | None:
        """A person types a message. Returns the update the bot gets, or None."""
        user = self._user(user_id)
        chat = self._chat(chat_id)
        if chat.type == "private":
            # A Telegram client cannot write to a bot before pressing Start.
            user.started_bot = True
        if chat.type == "private" and user.blocked_bot:
            user.blocked_bot = False  # writing to the bot again unblocks it (as the app does)
            await self._my_chat_member(chat, user, "kicked", "member")
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        reply_to = None
        if reply_to_message_id is not None:
            reply_to = next(
                (m for m in self.messages[chat.id] if m["message_id"] == reply_to_message_id), None
            )
            if reply_to:
                content["reply_to_message"] = reply_to
        message = self._new_message(chat, user.json(), **content)
        if not self._bot_sees(chat, text, reply_to):
            await self._notify()
            return None
        return await self._queue_update({"message": message})

    async def send_voice(
        self, user_id: int, chat_id: int, audio: bytes = b"OggS", duration: int = 3
    ) -> dict[str, Any]:
        user = self.users[user_id]
        chat = self._chat(chat_id)
        if chat.type == "private":
            user.started_bot = True
        file_id = self._store_file(audio, "voice/voice.ogg")
        message = self._new_message(
            chat,
            user.json(),
            voice={
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "duration": duration,
                "mime_type": "audio/ogg",
                "file_size": len(audio),
            },
        )
        if chat.type != "private":
            await self._notify()
            return message
        return await self._queue_update({"message": message})

    async def send_contact(
        self, user_id: int, phone: str, owner_id: int | None = None
    ) -> dict[str, Any]:
        """A person taps a "share my number" button (their own, unless owner_id says else)."""
        user = self.users[user_id]
        chat = self._chat(user_id)
        owner = self.users.get(owner_id or user_id, user)
        message = self._new_message(
            chat,
            user.json(),
            contact={"phone_number": phone, "first_name": owner.first_name, "user_id": owner.id},
        )
        return await self._queue_update({"message": message})

    async def press_button(
        self,
        user_id: int,
        chat_id: int,
        message_id: int,
        callback_data: str,
        *,
        check_exists: bool = True,
    ) -> dict[str, Any]:
        """A person taps an inline button. ``check_exists=False`` forges any data."""
        user = self._user(user_id)
        chat = self._chat(chat_id)
        message = next((m for m in self.messages[chat.id] if m["message_id"] == message_id), None)
        if message is None and check_exists:
            raise KeyError(f"no message {message_id} in chat {chat_id}")
        if message is None:
            # What Telegram sends for a message older than 48 hours (or deleted): an
            # InaccessibleMessage, only chat, id and date 0.
            message = {"chat": self.chat_json(chat), "message_id": message_id, "date": 0}
        elif check_exists:
            rows = message.get("reply_markup", {}).get("inline_keyboard", [])
            if not any(b.get("callback_data") == callback_data for row in rows for b in row):
                raise KeyError(f"no button {callback_data!r} on message {message_id}")
        query = {
            "id": str(next(self._callback_ids)),
            "from": user.json(),
            "message": message,
            "chat_instance": str(abs(chat.id) * 7919),
            "data": callback_data,
        }
        return await self._queue_update({"callback_query": query})

    async def _my_chat_member(
        self, chat: EmuChat, actor: EmuUser, old: str, new: str
    ) -> dict[str, Any]:
        return await self._queue_update(
            {
                "my_chat_member": {
                    "chat": self.chat_json(chat),
                    "from": actor.json(),
                    "date": int(self.now()),
                    "old_chat_member": chat_member_json(old, self.bot_json()),
                    "new_chat_member": chat_member_json(new, self.bot_json()),
                }
            }
        )

    async def add_bot_to_group(
        self, chat_id: int, by_user_id: int, *, admin: bool = False
    ) -> dict[str, Any]:
        """Returns the last update it caused (Telegram sends two)."""
        chat = self._chat(chat_id)
        actor = self.users[by_user_id]
        old = chat.bot_status
        chat.bot_status = "administrator" if admin else "member"
        await self._my_chat_member(chat, actor, old, chat.bot_status)
        message = self._new_message(chat, actor.json(), new_chat_members=[self.bot_json()])
        return await self._queue_update({"message": message})

    async def remove_bot_from_group(self, chat_id: int, by_user_id: int) -> dict[str, Any]:
        chat = self._chat(chat_id)
        actor = self.users[by_user_id]
        old = chat.bot_status
        chat.bot_status = "kicked"
        return await self._my_chat_member(chat, actor, old, "kicked")

    async def user_joins_group(self, chat_id: int, user_id: int) -> dict[str, Any] | None:
        chat = self._chat(chat_id)
        chat.members.add(user_id)
        message = self._new_message(
            chat, self.users[user_id].json(), new_chat_members=[self.users[user_id].json()]
        )
        if chat.bot_status in ("member", "administrator"):
            return await self._queue_update({"message": message})
        return None

    async def user_leaves_group(self, chat_id: int, user_id: int) -> dict[str, Any] | None:
        chat = self._chat(chat_id)
        chat.members.discard(user_id)
        message = self._new_message(
            chat, self.users[user_id].json(), left_chat_member=self.users[user_id].json()
        )
        if chat.bot_status in ("member", "administrator"):
            return await self._queue_update({"message": message})
        return None

    async def migrate_group(self, chat_id: int) -> EmuChat:
        """Returns the new supergroup; the last update has its migrate_from message."""
        """A group becomes a supergroup: a new chat id, and a service message in both."""
        old = self._chat(chat_id)
        if old.type != "group":
            raise ValueError("only a basic group can migrate")
        new = EmuChat(
            -(1_000_000_000_000 + next(self._group_ids)),
            "supergroup",
            title=old.title,
            members=set(old.members),
            admins=set(old.admins),
            creator=old.creator,
            bot_status=old.bot_status,
        )
        self.chats[new.id] = new
        old.migrated_to = new.id
        actor = self.users[old.creator] if old.creator else None
        sender = actor.json() if actor else self.bot_json()
        to_msg = self._new_message(old, sender, migrate_to_chat_id=new.id)
        from_msg = self._new_message(new, sender, migrate_from_chat_id=old.id)
        if old.bot_status in ("member", "administrator"):
            await self._queue_update({"message": to_msg})
            await self._queue_update({"message": from_msg})
        old.bot_status = "left"
        return new

    async def block_bot(self, user_id: int) -> dict[str, Any]:
        user = self.users[user_id]
        user.blocked_bot = True
        return await self._my_chat_member(self.chats[user_id], user, "member", "kicked")

    async def unblock_bot(self, user_id: int) -> dict[str, Any]:
        user = self.users[user_id]
        user.blocked_bot = False
        return await self._my_chat_member(self.chats[user_id], user, "kicked", "member")

    def inject_fault(self, method: str, fault: Fault) -> None:
        self.faults[method].append(fault)

    # -- what the bot did, for tests and the page ------------------------------

    def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        return [m for m in self.messages[chat_id] if m["from"]["id"] == BOT_ID]

    def last_bot_message(self, chat_id: int) -> dict[str, Any] | None:
        sent = self.bot_messages(chat_id)
        return sent[-1] if sent else None

    def buttons(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    def updates_handled_count(self) -> int:
        return len(self.delivered_update_ids)

    # -- the Bot API ----------------------------------------------------------

    def _take_fault(self, method: str, params: dict[str, Any]) -> Fault | None:
        queue = self.faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        if fault.chat_id is not None and str(params.get("chat_id")) != str(fault.chat_id):
            return None
        fault.count -= 1
        if fault.count <= 0:
            queue.popleft()
        return fault

    def _check_limits(self, chat_id: int) -> None:
        if not self.enforce_limits:
            return
        now = time.monotonic()
        overall = self._sent_times
        while overall and now - overall[0] >= 1:
            overall.popleft()
        if len(overall) >= self.send_rate:
            self.rate_limited += 1
            raise BotApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        if chat_id < 0:
            group = self._group_sent_times[chat_id]
            while group and now - group[0] >= 60:
                group.popleft()
            if len(group) >= 20:
                wait = int(60 - (now - group[0])) + 1
                self.rate_limited += 1
                raise BotApiError(
                    429, f"Too Many Requests: retry after {wait}", {"retry_after": wait}
                )
            group.append(now)
        overall.append(now)

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        """Run one Bot API method. Raises BotApiError as Telegram would answer."""
        self.calls.append((method, params))
        fault = self._take_fault(method, params)
        if fault is not None:
            if fault.kind == "429":
                raise BotApiError(
                    429,
                    f"Too Many Requests: retry after {fault.retry_after}",
                    {"retry_after": fault.retry_after},
                )
            if fault.kind == "5xx":
                raise BotApiError(502, "Bad Gateway")
            if fault.kind == "403":
                raise BotApiError(403, "Forbidden: bot was blocked by the user")
            if fault.kind == "disconnect":
                raise ConnectionResetError("injected disconnect")
            if fault.kind == "hold" and fault.release is not None:
                await fault.release.wait()
        handler = getattr(self, "api_" + method.lower(), None)
        if handler is None:
            raise BotApiError(404, "Not Found")
        result = await handler(params)
        self._answered(method, params)
        return result

    def _answered(self, method: str, params: dict[str, Any]) -> None:
        """The bot answered: a tap by its callback answer, a message by the first message
        or edit in that chat."""
        if method == "answerCallbackQuery":
            queued = self._waiting_callbacks.pop(str(params.get("callback_query_id")), None)
        elif method.startswith(("send", "edit")):
            try:
                waiting = self._waiting.get(int(params.get("chat_id")))
            except (TypeError, ValueError):
                return
            queued = waiting.popleft() if waiting else None
        else:
            return
        if queued is not None:
            self.latencies.append(time.perf_counter() - queued)

    async def api_getme(self, params: dict[str, Any]) -> Any:
        return {
            **self.bot_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def api_getupdates(self, params: dict[str, Any]) -> Any:
        if self.webhook_url:
            raise BotApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active;"
                " use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        # Whoever waits for "the bot polls" (a test after a restart) hears it now, not
        # only when something else changes: a quiet bot would otherwise look deaf.
        await self._notify()
        if offset:
            # Telegram forgets every update below the offset: it is confirmed.
            self.confirmed_offset = max(self.confirmed_offset, offset)
            self.pending_updates = [u for u in self.pending_updates if u["update_id"] >= offset]
        if not self.pending_updates and timeout > 0:
            try:
                await self.wait_for(lambda: self.pending_updates or self.closing, timeout)
            except TimeoutError:
                return []
            if self.closing:
                return []
        batch = self.pending_updates[:limit]
        self.delivered_update_ids.extend(u["update_id"] for u in batch)
        if batch:
            await self._notify()
        return batch

    async def api_setwebhook(self, params: dict[str, Any]) -> Any:
        self.webhook_url = params.get("url") or None
        self.webhook_secret = params.get("secret_token")
        if params.get("drop_pending_updates"):
            self.pending_updates.clear()
        await self._notify()
        return True

    async def api_deletewebhook(self, params: dict[str, Any]) -> Any:
        self.webhook_url = None
        if params.get("drop_pending_updates"):
            self.pending_updates.clear()
        return True

    async def api_getwebhookinfo(self, params: dict[str, Any]) -> Any:
        return {
            "url": self.webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending_updates),
        }

    def _check_target(self, chat: EmuChat) -> None:
        if chat.migrated_to:
            raise BotApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if chat.type == "private":
            user = self.users[chat.user_id or chat.id]
            if user.blocked_bot:
                raise BotApiError(403, "Forbidden: bot was blocked by the user")
            if not user.started_bot:
                raise BotApiError(403, "Forbidden: bot can't initiate conversation with a user")
        elif chat.bot_status == "kicked":
            raise BotApiError(403, f"Forbidden: bot was kicked from the {chat.type} chat")
        elif chat.bot_status not in ("member", "administrator"):
            raise BotApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")

    def _check_markup(self, markup: Any) -> dict[str, Any] | None:
        if not markup:
            return None
        if isinstance(markup, str):
            markup = json.loads(markup)
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not (1 <= len(data.encode()) <= MAX_CALLBACK_DATA):
                    raise BotApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if not button.get("text"):
                    raise BotApiError(
                        400, "Bad Request: text buttons are unallowed in the inline keyboard"
                    )
        return markup

    def _text_content(self, params: dict[str, Any], key: str = "text") -> dict[str, Any]:
        raw = params.get(key)
        if raw is None or str(raw).strip() == "":
            if key == "caption":
                return {}
            raise BotApiError(400, "Bad Request: message text is empty")
        raw = str(raw)
        parse_mode = (params.get("parse_mode") or "").upper()
        if parse_mode == "HTML":
            _check_html(raw)
            text = _strip_html(raw)
        else:
            text = raw
        limit = MAX_TEXT if key == "text" else 1024
        if len(text) > limit:
            raise BotApiError(
                400,
                "Bad Request: message is too long"
                if key == "text"
                else "Bad Request: message caption is too long",
            )
        content = {key: text}
        if parse_mode == "HTML":
            content["_html"] = raw  # not part of the Bot API: for the practice page
        return content

    async def _send(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat = self._chat(params.get("chat_id"))
        self._check_target(chat)
        self._check_limits(chat.id)
        markup = self._check_markup(params.get("reply_markup"))
        if markup and "inline_keyboard" in markup:
            content["reply_markup"] = markup
        elif markup:
            # Telegram does not echo reply keyboards in the Message; the page shows them.
            content["_keyboard"] = markup
        message = self._new_message(chat, self.bot_json(), **content)
        await self._notify()
        return {k: v for k, v in message.items() if not k.startswith("_")}

    async def api_sendmessage(self, params: dict[str, Any]) -> Any:
        return await self._send(params, **self._text_content(params))

    async def _send_file(self, params: dict[str, Any], kind: str) -> Any:
        upload = params.get(kind)
        if upload is None:
            raise BotApiError(400, f"Bad Request: there is no {kind} in the request")
        if isinstance(upload, bytes):
            file_id = self._store_file(upload, f"{kind}/{kind}")
            size = len(upload)
        elif str(upload) in self.files:
            file_id, size = str(upload), len(self.files[str(upload)][0])
        else:
            raise BotApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        media: Any = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": size}
        if kind == "photo":
            media = [{**media, "width": 800, "height": 600}]
        elif kind == "voice":
            media["duration"] = int(params.get("duration") or 1)
        elif kind == "document":
            media["file_name"] = params.get("_filename") or "document"
        content = {kind: media, **self._text_content(params, "caption")}
        return await self._send(params, **content)

    async def api_sendphoto(self, params: dict[str, Any]) -> Any:
        return await self._send_file(params, "photo")

    async def api_senddocument(self, params: dict[str, Any]) -> Any:
        return await self._send_file(params, "document")

    async def api_sendvoice(self, params: dict[str, Any]) -> Any:
        return await self._send_file(params, "voice")

    def _store_file(self, data: bytes, path: str) -> str:
        file_id = f"F{next(self._file_ids):06d}"
        self.files[file_id] = (data, f"{path}_{file_id}")
        return file_id

    async def api_getfile(self, params: dict[str, Any]) -> Any:
        file_id = str(params.get("file_id"))
        if file_id not in self.files:
            raise BotApiError(400, "Bad Request: invalid file_id")
        data, path = self.files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(data),
            "file_path": path,
        }

    def _find_message(self, params: dict[str, Any]) -> tuple[EmuChat, dict[str, Any]]:
        chat = self._chat(params.get("chat_id"))
        message_id = int(params.get("message_id") or 0)
        for message in self.messages[chat.id]:
            if message["message_id"] == message_id:
                return chat, message
        raise BotApiError(400, "Bad Request: message to edit not found")

    async def api_editmessagetext(self, params: dict[str, Any]) -> Any:
        _chat, message = self._find_message(params)
        if message["from"]["id"] != BOT_ID:
            raise BotApiError(400, "Bad Request: message can't be edited")
        content = self._text_content(params)
        markup = self._check_markup(params.get("reply_markup"))
        if content["text"] == message.get("text") and markup == message.get("reply_markup"):
            raise BotApiError(
                400,
                "Bad Request: message is not modified: specified new message "
                "content and reply markup are exactly the same as a current "
                "content and reply markup of the message",
            )
        message.pop("_html", None)
        message.update(content)
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        message["edit_date"] = int(self.now())
        await self._notify()
        return {k: v for k, v in message.items() if not k.startswith("_")}

    async def api_editmessagereplymarkup(self, params: dict[str, Any]) -> Any:
        _chat, message = self._find_message(params)
        markup = self._check_markup(params.get("reply_markup"))
        if markup == message.get("reply_markup"):
            raise BotApiError(400, "Bad Request: message is not modified")
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        message["edit_date"] = int(self.now())
        await self._notify()
        return {k: v for k, v in message.items() if not k.startswith("_")}

    async def api_deletemessage(self, params: dict[str, Any]) -> Any:
        chat, message = self._find_message(params)
        self.messages[chat.id].remove(message)
        await self._notify()
        return True

    async def api_answercallbackquery(self, params: dict[str, Any]) -> Any:
        self.callback_answers.append(params)
        await self._notify()
        return True

    async def api_sendchataction(self, params: dict[str, Any]) -> Any:
        self._chat(params.get("chat_id"))
        return True

    async def api_getchat(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params.get("chat_id"))
        return {
            **self.chat_json(chat),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
            },
        }

    async def api_getchatmember(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params.get("chat_id"))
        user_id = int(params.get("user_id") or 0)
        if user_id == BOT_ID:
            return chat_member_json(chat.bot_status, self.bot_json())
        user = self.users.get(user_id)
        if user is None:
            raise BotApiError(400, "Bad Request: user not found")
        if chat.type == "private":
            status = "member"
        elif user_id == chat.creator:
            status = "creator"
        elif user_id in chat.admins:
            status = "administrator"
        elif user_id in chat.members:
            status = "member"
        else:
            status = "left"
        return chat_member_json(status, user.json())

    async def api_getchatadministrators(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params.get("chat_id"))
        return [
            await self.api_getchatmember({"chat_id": chat.id, "user_id": uid})
            for uid in sorted(chat.admins)
        ]

    async def api_getchatmembercount(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params.get("chat_id"))
        return len(chat.members) + (1 if chat.bot_status in ("member", "administrator") else 0)

    def _command_key(self, params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        if isinstance(scope, str):
            scope = json.loads(scope)
        return (scope.get("type", "default"), params.get("language_code") or "")

    async def api_setmycommands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands") or []
        if isinstance(commands, str):
            commands = json.loads(commands)
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.get("command", "")):
                raise BotApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise BotApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._command_key(params)] = commands
        return True

    async def api_getmycommands(self, params: dict[str, Any]) -> Any:
        return self.commands.get(self._command_key(params), [])

    async def api_deletemycommands(self, params: dict[str, Any]) -> Any:
        self.commands.pop(self._command_key(params), None)
        return True

    async def api_setchatmenubutton(self, params: dict[str, Any]) -> Any:
        return True

    async def api_close(self, params: dict[str, Any]) -> Any:
        return True

    async def api_logout(self, params: dict[str, Any]) -> Any:
        return True
