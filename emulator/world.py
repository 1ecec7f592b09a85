"""The emulator's world: people, chats, messages and the updates waiting for the bot.

What Telegram knows, kept in memory. The other parts act on it: ``people`` for what
a person does, ``botapi`` for the methods the bot calls, ``faults`` for what can go wrong.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import contextlib
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from emulator.faults import Fault

BOT_ID = 7_000_000_001
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64


SNAPSHOT_VERSION = 1


class Ids:
    """Numbers handed out in order, like ``itertools.count``, that a snapshot can keep."""

    def __init__(self, first: int) -> None:
        self.next = first

    def __iter__(self) -> Ids:
        return self

    def __next__(self) -> int:
        value, self.next = self.next, self.next + 1
        return value


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


class World:
    """State and bookkeeping; the Emulator adds people, the Bot API and faults on top."""

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
        self.commands: dict[tuple[Any, ...], list[dict[str, str]]] = {}
        self.files: dict[str, tuple[bytes, str]] = {}
        self.version = 0
        self._changed = asyncio.Condition()
        self._update_ids = Ids(first_update_id)
        self._user_ids = Ids(1001)
        self._group_ids = Ids(1)
        self._callback_ids = Ids(1)
        self._file_ids = Ids(1)
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

    # -- a snapshot: the world kept across a restart (practice mode) --------------

    def snapshot(self) -> dict[str, Any]:
        """What Telegram would still know after the bot restarts, as plain JSON: people,
        chats, messages, files and the updates the bot has not fetched yet."""
        return {
            "snapshot": SNAPSHOT_VERSION,
            "users": [asdict(user) for user in self.users.values()],
            "chats": [
                {**asdict(chat), "members": sorted(chat.members), "admins": sorted(chat.admins)}
                for chat in self.chats.values()
            ],
            "messages": {str(chat_id): sent for chat_id, sent in self.messages.items() if sent},
            "files": {
                file_id: {"path": path, "data": base64.b64encode(data).decode()}
                for file_id, (data, path) in self.files.items()
            },
            "pending_updates": self.pending_updates,
            "ids": {
                name: getattr(self, f"_{name}_ids").next
                for name in ("update", "user", "group", "callback", "file")
            },
        }

    def restore(self, data: dict[str, Any]) -> None:
        """Take back a snapshot. Update ids only go up: the bot remembers the ones it had."""
        if data.get("snapshot") != SNAPSHOT_VERSION:
            raise ValueError("not a snapshot of this emulator's world")
        self.users = {u["id"]: EmuUser(**u) for u in data["users"]}
        self.chats = {
            c["id"]: EmuChat(**{**c, "members": set(c["members"]), "admins": set(c["admins"])})
            for c in data["chats"]
        }
        self.messages.clear()
        for chat_id, sent in data["messages"].items():
            self.messages[int(chat_id)] = sent
        self.files = {
            file_id: (base64.b64decode(kept["data"]), kept["path"])
            for file_id, kept in data["files"].items()
        }
        self.pending_updates = list(data["pending_updates"])
        for name, value in data["ids"].items():
            ids = getattr(self, f"_{name}_ids")
            ids.next = max(ids.next, int(value))

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

    def file_name(self, file_id: str) -> str | None:
        """The name a document was sent with (None for photos and voice notes)."""
        for sent in self.messages.values():
            for message in sent:
                document = message.get("document")
                if document and document.get("file_id") == file_id:
                    return document.get("file_name")
        return None

    def _store_file(self, data: bytes, path: str) -> str:
        file_id = f"F{next(self._file_ids):06d}"
        self.files[file_id] = (data, f"{path}_{file_id}")
        return file_id
