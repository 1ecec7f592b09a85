"""The Bot API methods the bot calls, with Telegram's answers and error shapes."""

from __future__ import annotations

import html
import json
import re
import time
from typing import Any

from emulator.faults import Faults
from emulator.world import (
    BOT_ID,
    MAX_CALLBACK_DATA,
    MAX_TEXT,
    BotApiError,
    EmuChat,
    chat_member_json,
)


def _int_or_text(value: Any) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


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


class BotApi(Faults):
    """The bot's side: each ``api_<method>`` answers one Bot API method."""

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        """Run one Bot API method. Raises BotApiError as Telegram would answer."""
        self.calls.append((method, params))
        lose_answer = await self._apply_fault(method, params)
        handler = getattr(self, "api_" + method.lower(), None)
        if handler is None:
            raise BotApiError(404, "Not Found")
        result = await handler(params)
        self._answered(method, params)
        if lose_answer:
            # Telegram did it, but its answer never reached the bot (a timeout).
            raise ConnectionResetError("injected: the answer was lost")
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
        return await self._edited(message, markup)

    async def api_editmessagereplymarkup(self, params: dict[str, Any]) -> Any:
        _chat, message = self._find_message(params)
        markup = self._check_markup(params.get("reply_markup"))
        if markup == message.get("reply_markup"):
            raise BotApiError(400, "Bad Request: message is not modified")
        return await self._edited(message, markup)

    async def _edited(self, message: dict[str, Any], markup: dict[str, Any] | None) -> Any:
        """Put the new buttons on an edited message (none: they go) and return it."""
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

    def _command_key(self, params: dict[str, Any]) -> tuple[Any, ...]:
        """(scope type, language) for the broad scopes; a chat's or a member's scope adds
        (chat id, user id)."""
        scope = params.get("scope") or {"type": "default"}
        if isinstance(scope, str):
            scope = json.loads(scope)
        key: tuple[Any, ...] = (scope.get("type", "default"), params.get("language_code") or "")
        if "chat_id" in scope:
            key += (_int_or_text(scope["chat_id"]), _int_or_text(scope.get("user_id")))
        return key

    def commands_for(self, chat_id: int, user_id: int, language: str) -> list[dict[str, str]]:
        """The command menu a person sees in a chat, found as Telegram finds it: the first
        list that is set, from the narrowest scope to the default, each first in the
        person's language and then for all languages."""
        chat = self._chat(chat_id)
        private = chat.type == "private"
        admin = not private and (user_id in chat.admins or user_id == chat.creator)
        scopes: list[tuple[str, tuple[Any, ...]]] = []
        if not private:
            scopes.append(("chat_member", (chat.id, user_id)))
        if admin:
            scopes.append(("chat_administrators", (chat.id, None)))
        scopes.append(("chat", (chat.id, None)))
        if admin:
            scopes.append(("all_chat_administrators", ()))
        scopes.append(("all_private_chats" if private else "all_group_chats", ()))
        scopes.append(("default", ()))
        for kind, where in scopes:
            for code in (language, ""):
                key = (kind, code, *where)
                if key in self.commands:
                    return self.commands[key]
        return []

    def visible_commands(self, user_id: int) -> list[str]:
        """The commands a person sees in their private chat with the bot."""
        language = (self._user(user_id).language_code or "").split("-")[0]
        return [c["command"] for c in self.commands_for(user_id, user_id, language)]

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
