"""What the sandbox knows: users, chats with their messages, members and topics, callback queries.

Everything lives in memory on the event loop's thread, so no locks: a handler reads and changes it
between awaits. Messages are kept as Telegram `Message` JSON (current state, after edits) so the
Bot API and the control API hand out the same objects. Each chat counts its changes in `version`,
and `changed` wakes long-polling readers on any change (new message, edit, deletion).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from sandbox import types
from sandbox.entities import Chat, StoredMessage, User
from sandbox.errors import bad_request, forbidden

MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "restricted", "left", "kicked"})
PRESENT_STATUSES = frozenset({"creator", "administrator", "member", "restricted"})


class Signal:
    """Wakes every current waiter on `notify`; a fresh Event per round so no wake-up is lost or stale.

    Callers check their condition, then wait; since nothing awaits between the check and the wait,
    a change cannot slip in unseen.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake all waiters of this round."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> bool:
        """Wait for the next notify, at most `seconds`; False when the time ran out."""
        event = self._event
        try:
            async with asyncio.timeout(max(0.0, seconds)):
                await event.wait()
        except TimeoutError:
            return False
        return True


@dataclass
class CallbackRecord:
    """A button press the sandbox queued, and how the bot answered it."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str | None
    answered: bool = False
    text: str | None = None
    show_alert: bool = False
    url: str | None = None


class World:
    """The sandbox's users, chats, blocks and callback queries."""

    def __init__(self, bot: User) -> None:
        self.bot = bot
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.blocked: set[int] = set()
        self.callbacks: dict[str, CallbackRecord] = {}
        self.commands: dict[str, list[dict[str, str]]] = {}
        self.changed = Signal()
        self._callback_seq = 0

    def user(self, user_id: int) -> User | None:
        """A known user, or the bot itself."""
        return self.bot if user_id == self.bot.id else self.users.get(user_id)

    def upsert_user(self, user_id: int, first_name: str, **profile: str | None) -> User:
        """Create or refresh a user from what a client said about them (names change in Telegram too)."""
        user = self.users.get(user_id)
        if user is None:
            user = User(id=user_id, first_name=first_name)
            self.users[user_id] = user
        user.first_name = first_name
        for name in ("last_name", "username", "language_code"):
            if profile.get(name) is not None:
                setattr(user, name, profile[name])
        chat = self.chats.get(user_id)
        if chat is not None:
            chat.first_name, chat.last_name, chat.username = user.first_name, user.last_name, user.username
        return user

    def private_chat(self, user: User) -> Chat:
        """The user's private chat with the bot, opened on first use (the user wrote or pressed Start)."""
        chat = self.chats.get(user.id)
        if chat is None:
            chat = Chat(
                id=user.id,
                type="private",
                first_name=user.first_name,
                last_name=user.last_name,
                username=user.username,
            )
            chat.members = {user.id: "member", self.bot.id: "member"}
            self.chats[user.id] = chat
        return chat

    def group_chat(self, chat_id: int, chat_type: str, title: str | None, *, is_forum: bool = False) -> Chat:
        """A group or supergroup, created on first use with the bot as an administrator."""
        if chat_type not in {"group", "supergroup"}:
            raise ValueError(f"not a group chat type: {chat_type!r}")
        chat = self.chats.get(chat_id)
        if chat is None:
            chat = Chat(id=chat_id, type=chat_type, title=title or f"Group {chat_id}")
            self.chats[chat_id] = chat
        if title:
            chat.title = title
        chat.is_forum = chat.is_forum or (is_forum and chat.type == "supergroup")
        return chat

    def find_chat(self, chat_id: int | str | None) -> Chat:
        """The chat a method names, by id or @username, or Telegram's 400."""
        if chat_id is None:
            raise bad_request("chat_id is empty")
        if isinstance(chat_id, str):
            name = chat_id.removeprefix("@").lower()
            for chat in self.chats.values():
                if chat.username and chat.username.lower() == name:
                    return chat
            raise bad_request("chat not found")
        chat = self.chats.get(chat_id)
        if chat is None:
            if chat_id in self.users:
                raise forbidden("bot can't initiate conversation with a user")
            raise bad_request("chat not found")
        return chat

    def writable_chat(self, chat_id: int | str | None) -> Chat:
        """A chat the bot may post to: private chats of users who blocked the bot answer 403."""
        chat = self.find_chat(chat_id)
        if chat.type == "private" and chat.id in self.blocked:
            raise forbidden("bot was blocked by the user")
        if self.member_status(chat, self.bot.id) in ("left", "kicked"):
            raise forbidden(f"bot is not a member of the {chat.type} chat")
        return chat

    def set_member(self, chat: Chat, user: User, status: str) -> None:
        """Record a membership; a user who posts in a group becomes a member if not more."""
        if status not in MEMBER_STATUSES:
            raise ValueError(f"unknown member status: {status!r}")
        chat.members[user.id] = status

    def member_status(self, chat: Chat, user_id: int) -> str:
        """Telegram's status of a user in a chat; the bot administers every group it knows unless told."""
        if user_id == self.bot.id:
            return chat.members.get(user_id, "member" if chat.type == "private" else "administrator")
        return chat.members.get(user_id, "left")

    def add_message(
        self,
        chat: Chat,
        sender: User,
        content: dict[str, Any],
        *,
        thread_id: int | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Append a message to the chat and return its JSON (the stored object: copy before queueing).

        In a forum topic Telegram sets `message_thread_id`, `is_topic_message` and, when the message
        replies to nothing else, makes it a reply to the topic's creation message; we do the same so
        code that reads `reply_to_message` meets the same surprise it will meet in production.
        """
        message: dict[str, Any] = {"message_id": chat.next_message_id}
        if thread_id is not None:
            message["message_thread_id"] = thread_id
        message["from"] = types.user_json(sender)
        message["chat"] = types.chat_json(chat)
        message["date"] = int(time.time())
        if thread_id is not None:
            message["is_topic_message"] = True
            reply_to = reply_to or chat.message(thread_id)
        if reply_to is not None:
            message["reply_to_message"] = types.reply_snapshot(reply_to)
        message.update(content)
        chat.next_message_id += 1
        chat.version += 1
        chat.messages[message["message_id"]] = StoredMessage(message, chat.version)
        self.changed.notify()
        return message

    def touch(self, chat: Chat, message_id: int) -> None:
        """Mark a message as changed (edited) so pollers see it again."""
        chat.version += 1
        chat.messages[message_id].version = chat.version
        self.changed.notify()

    def delete_message(self, chat: Chat, message_id: int) -> bool:
        """Remove a message; False if there was none."""
        if chat.messages.pop(message_id, None) is None:
            return False
        chat.version += 1
        chat.deleted[message_id] = chat.version
        self.changed.notify()
        return True

    def delete_topic(self, chat: Chat, thread_id: int) -> None:
        """Remove a forum topic with all its messages, as deleteForumTopic (or a person) does."""
        chat.topics.pop(thread_id, None)
        chat.deleted_topics.add(thread_id)
        in_topic = [
            message_id
            for message_id, stored in chat.messages.items()
            if message_id == thread_id or stored.data.get("message_thread_id") == thread_id
        ]
        for message_id in in_topic:
            self.delete_message(chat, message_id)
        self.changed.notify()

    def new_callback(self, user: User, chat: Chat, message_id: int, data: str | None) -> CallbackRecord:
        """Register a button press with a fresh query id (numeric text, like Telegram's)."""
        self._callback_seq += 1
        query_id = str(abs(self.bot.id) * 1_000_000 + self._callback_seq)
        record = CallbackRecord(query_id, user.id, chat.id, message_id, data)
        self.callbacks[query_id] = record
        return record
