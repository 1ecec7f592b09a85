"""What people do in the emulator: type, speak, share a number, tap, join and leave.

Each action changes the world and queues the update Telegram would send the bot.
"""

from __future__ import annotations

from typing import Any

from emulator.world import BOT_ID, EmuChat, EmuUser, World, chat_member_json


class PeopleSide(World):
    """A person's side of Telegram."""

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
