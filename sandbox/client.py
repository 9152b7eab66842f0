"""An asyncio client for the sandbox's control API, for tests, demos and benches.

It speaks the `/sandbox/api` contract and nothing else (the bot talks to the Bot API side through
its framework). `wait_for` long-polls the chat on its version, so it sees new messages *and* edits
as they happen and returns as soon as one matches, without sleeping.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import aiohttp

API = "/sandbox/api"
MAX_WAIT_PER_CALL_S = 60.0

UserSpec = dict[str, Any] | int
ChatSpec = dict[str, Any] | int


class SandboxError(Exception):
    """The control API refused a call: HTTP status and the `error` text it gave."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


@dataclass(frozen=True)
class ChatPage:
    """One read of a chat: matching messages (current state), the chat's version, ids deleted since."""

    messages: list[dict[str, Any]]
    version: int
    deleted: list[int]


def user_spec(user: UserSpec) -> dict[str, Any]:
    """A user object for the API; a bare id becomes a user named after it, for brevity in tests."""
    return {"id": user, "first_name": f"User {user}"} if isinstance(user, int) else user


class SandboxClient:
    """Control API calls over one aiohttp session (its own unless one is passed in)."""

    def __init__(self, base_url: str, *, session: aiohttp.ClientSession | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = session
        self._owns_session = session is None

    async def __aenter__(self) -> SandboxClient:
        """Use as `async with SandboxClient(url) as sandbox:` to close the session at the end."""
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Close the session if this client opened it."""
        await self.close()

    async def close(self) -> None:
        """Close the session if this client opened it."""
        if self._owns_session and self._session is not None:
            await self._session.close()
        self._session = None

    async def _call(
        self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None
    ) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession()
            self._owns_session = True
        query = {key: str(value) for key, value in (params or {}).items() if value is not None}
        async with self._session.request(
            method, f"{self.base_url}{API}{path}", json=json, params=query
        ) as response:
            body = await response.json(content_type=None)
            if response.status >= 400:
                message = body.get("error", str(body)) if isinstance(body, dict) else str(body)
                raise SandboxError(response.status, message)
            return body

    async def send_message(
        self,
        user: UserSpec,
        text: str | None = None,
        *,
        chat: ChatSpec | None = None,
        contact: dict[str, Any] | None = None,
        photo: dict[str, Any] | None = None,
        caption: str | None = None,
        reply_to_message_id: int | None = None,
        message_thread_id: int | None = None,
        voice: dict[str, Any] | None = None,
        audio: dict[str, Any] | None = None,
        video_note: dict[str, Any] | None = None,
        media_group_id: str | None = None,
        edit_message_id: int | None = None,
    ) -> dict[str, Any]:
        """A user writes (text, contact, photo, voice...); returns `{"message_id", "update_id", ...}`.

        `media_group_id` makes the message a part of an album; `edit_message_id` edits the user's
        message of that id instead (its text, or its caption: pass the new one as `text`).

        No `chat` means the user's private chat; an int names a known chat by id. A text over 4096
        characters becomes several messages (as Telegram apps send it); the ids are the last one's,
        and `message_ids` / `update_ids` list them all.
        """
        body: dict[str, Any] = {"user": user_spec(user)}
        optional = {
            "chat": {"id": chat} if isinstance(chat, int) else chat,
            "text": text,
            "contact": contact,
            "photo": photo,
            "caption": caption,
            "reply_to_message_id": reply_to_message_id,
            "message_thread_id": message_thread_id,
            "voice": voice,
            "audio": audio,
            "video_note": video_note,
            "media_group_id": media_group_id,
            "edit_message_id": edit_message_id,
        }
        body.update({key: value for key, value in optional.items() if value is not None})
        result: dict[str, Any] = await self._call("POST", "/messages", json=body)
        return result

    async def press(self, user: UserSpec, chat_id: int, message_id: int, data: str) -> str:
        """A user presses an inline button of the bot's message; returns the callback_query_id."""
        body = {"user": user_spec(user), "chat_id": chat_id, "message_id": message_id, "data": data}
        result = await self._call("POST", "/callbacks", json=body)
        return str(result["callback_query_id"])

    async def callback(self, callback_query_id: str, *, wait: float = 5.0) -> dict[str, Any]:
        """How the bot answered a press: `{"answered", "text", "show_alert", "url"}`.

        Waits up to `wait` seconds for the answer (returning as soon as it comes), since a press is
        handled asynchronously; pass wait=0 to read the state as it is.
        """
        result: dict[str, Any] = await self._call(
            "GET", f"/callbacks/{callback_query_id}", params={"wait": wait}
        )
        return result

    async def changes(
        self,
        chat_id: int,
        *,
        after: int | None = None,
        since: int | None = None,
        wait: float | None = None,
        thread: int | None = None,
    ) -> ChatPage:
        """Messages with id > after and/or changed since a version (and in forum topic `thread`, 1
        for the General topic), waiting up to `wait` s for one."""
        params = {"after": after, "since": since, "wait": wait, "thread": thread}
        body = await self._call("GET", f"/chats/{chat_id}/messages", params=params)
        return ChatPage(body["messages"], body["version"], body.get("deleted", []))

    async def messages(
        self,
        chat_id: int,
        *,
        after: int | None = None,
        since: int | None = None,
        wait: float | None = None,
        thread: int | None = None,
    ) -> list[dict[str, Any]]:
        """The chat's messages (after a message id, in one forum topic, if given), as Telegram Messages."""
        return (await self.changes(chat_id, after=after, since=since, wait=wait, thread=thread)).messages

    async def topics(self, chat_id: int) -> list[dict[str, Any]]:
        """A forum's topics as the apps list them: General first, with latest message and unread count."""
        result: list[dict[str, Any]] = (await self._call("GET", f"/chats/{chat_id}/topics"))["topics"]
        return result

    async def read_topic(self, chat_id: int, thread_id: int, message_id: int | None = None) -> int:
        """Mark a forum topic read (up to `message_id`, by default its latest); its unread count after."""
        body = {} if message_id is None else {"message_id": message_id}
        result = await self._call("POST", f"/chats/{chat_id}/topics/{thread_id}/read", json=body)
        return int(result["unread_count"])

    async def wait_for(
        self,
        chat_id: int,
        predicate: Callable[[dict[str, Any]], bool],
        timeout: float = 5.0,  # noqa: ASYNC109 - the deadline spans several long polls, not one await
        *,
        after: int | None = None,
    ) -> dict[str, Any]:
        """The first message (id > after) matching the predicate, now or once it appears or is edited.

        Raises TimeoutError naming the last messages seen, which is what a failing test needs.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        page = await self.changes(chat_id, after=after)
        seen: dict[int, dict[str, Any]] = {}
        while True:
            for message in page.messages:
                seen[message["message_id"]] = message
                if predicate(message):
                    return message
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = [m.get("text", m.get("caption", "<media>")) for m in list(seen.values())[-5:]]
                raise TimeoutError(
                    f"no matching message in chat {chat_id} within {timeout}s; last seen: {recent}"
                )
            wait = min(remaining, MAX_WAIT_PER_CALL_S)
            page = await self.changes(chat_id, after=after, since=page.version, wait=wait)

    async def chats(self) -> list[dict[str, Any]]:
        """Every chat the sandbox knows, with keyboard, topics, members and version."""
        return list((await self._call("GET", "/chats"))["chats"])

    async def create_chat(
        self,
        chat_id: int,
        *,
        chat_type: str = "supergroup",
        title: str | None = None,
        is_forum: bool = False,
        members: list[dict[str, Any]] | None = None,
        bot_status: str | None = None,
    ) -> dict[str, Any]:
        """Create or update a group (members: `[{"user": {...}, "status": "administrator"}]`).

        `bot_status` sets the bot's own status there (it administers a group unless told otherwise).
        """
        body: dict[str, Any] = {
            "id": chat_id,
            "type": chat_type,
            "title": title,
            "is_forum": is_forum,
            "members": members or [],
        }
        if bot_status is not None:
            body["bot_status"] = bot_status
        result: dict[str, Any] = await self._call("POST", "/chats", json=body)
        return result

    async def set_member(self, chat_id: int, user: UserSpec, status: str = "member") -> dict[str, Any]:
        """Set a user's status in a group: creator, administrator, member, restricted, left or kicked."""
        result: dict[str, Any] = await self._call(
            "POST", f"/chats/{chat_id}/members", json={"user": user_spec(user), "status": status}
        )
        return result

    async def topic_action(self, user: UserSpec, chat_id: int, thread_id: int, action: str) -> dict[str, Any]:
        """A person closes, reopens or deletes a forum topic (`action`: close, reopen or delete)."""
        result: dict[str, Any] = await self._call(
            "POST", f"/chats/{chat_id}/topics/{thread_id}/{action}", json={"user": user_spec(user)}
        )
        return result

    async def block(self, user_id: int) -> None:
        """The user blocks the bot."""
        await self._call("POST", f"/users/{user_id}/block")

    async def unblock(self, user_id: int) -> None:
        """The user unblocks (restarts) the bot."""
        await self._call("POST", f"/users/{user_id}/unblock")

    async def stats(self) -> dict[str, Any]:
        """`{"calls": {method: n}, "throttled_429": n}`."""
        result: dict[str, Any] = await self._call("GET", "/stats")
        return result

    async def reset_stats(self) -> None:
        """Zero the counters."""
        await self._call("POST", "/stats/reset")

    async def set_limits(self, enabled: bool) -> dict[str, Any]:
        """Switch flood limits on or off; returns `{"enabled", "limits"}`."""
        result: dict[str, Any] = await self._call("POST", "/limits", json={"enabled": enabled})
        return result

    async def redeliver(self, update_id: int) -> None:
        """Queue an update again with its old id, as Telegram does after a bot crash."""
        await self._call("POST", f"/updates/{update_id}/redeliver")

    async def bot_info(self) -> dict[str, Any]:
        """The bot's User, webhook URL, pending update count and registered commands."""
        result: dict[str, Any] = await self._call("GET", "/bot")
        return result
