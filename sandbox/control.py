"""The control API under `/sandbox/api`: play users, press buttons, read chats, steer the sandbox.

This is a contract: end-to-end tests, demos, benches and the web chat page depend on these routes
and shapes exactly (see `sandbox/client.py` for the Python side). Users' messages and button
presses become Updates for the bot; chats are read back as Telegram Message objects in their
current state. Reads can long-poll (`wait=S`) on any change in the chat, edits included, so callers
never sleep-poll. Failures answer `{"error": "..."}` with 400 (bad input) or 404 (unknown thing).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import io
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from PIL import Image

from sandbox import types
from sandbox.core import Core
from sandbox.entities import Chat, User
from sandbox.errors import BotApiError
from sandbox.formatting import format_text, split_long_text
from sandbox.methods.messages import CAPTIONED, GENERAL_TOPIC_ID
from sandbox.state import MEMBER_STATUSES, PRESENT_STATUSES

PREFIX = "/sandbox/api"
MAX_WAIT_S = 60.0
DEFAULT_PHOTO_SIZE = (800, 600)
MAX_GENERATED_PHOTO_SIDE = 2560
CLIPS = ("voice", "audio", "video_note")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ControlError(Exception):
    """A control API failure: HTTP status and a message for `{"error": ...}`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _errors_as_json(handler: Handler) -> Handler:
    async def wrapped(request: web.Request) -> web.StreamResponse:
        """The route, with its refusals turned into `{"error": ...}` answers."""
        try:
            return await handler(request)
        except ControlError as exc:
            return web.json_response({"error": exc.message}, status=exc.status)
        except BotApiError as exc:
            return web.json_response({"error": exc.description}, status=400)

    return wrapped


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json() if request.body_exists else {}
    except ValueError:
        raise ControlError(400, "the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise ControlError(400, "the body must be a JSON object")
    return body


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise ControlError(400, f"{name} must be an integer")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ControlError(400, f"{name} must be an integer") from None


def _optional_int(value: Any, name: str) -> int | None:
    return None if value is None or value == "" else _int(value, name)


def _path_int(request: web.Request, name: str) -> int:
    return _int(request.match_info[name], name)


def _wait_seconds(request: web.Request) -> float:
    """The `wait` query parameter of long-polling reads, capped at MAX_WAIT_S."""
    try:
        return min(max(float(request.query.get("wait") or 0), 0.0), MAX_WAIT_S)
    except ValueError:
        raise ControlError(400, "wait must be a number of seconds") from None


def _thread_of(message: dict[str, Any]) -> int:
    """The forum topic a message is in: the General topic's id for messages outside any topic."""
    return int(message.get("message_thread_id") or GENERAL_TOPIC_ID)


def _topic_list(chat: Chat) -> list[dict[str, Any]]:
    """The forum's topics for the page: General first, then by latest message, newest first."""
    latest: dict[int, dict[str, Any]] = {}
    unread: dict[int, int] = {}
    for message_id, stored in sorted(chat.messages.items()):
        thread = _thread_of(stored.data)
        latest[thread] = stored.data
        if message_id > chat.read_up_to.get(thread, 0):
            unread[thread] = unread.get(thread, 0) + 1

    def entry(thread: int, fields: dict[str, Any]) -> dict[str, Any]:
        return {**fields, "last_message": latest.get(thread), "unread_count": unread.get(thread, 0)}

    general = entry(
        GENERAL_TOPIC_ID,
        {"message_thread_id": GENERAL_TOPIC_ID, "name": "General", "is_general": True, "is_closed": False},
    )
    topics = [
        entry(t.message_thread_id, {**types.forum_topic_json(t), "is_general": False, "is_closed": t.closed})
        for t in chat.topics.values()
    ]
    topics.sort(key=lambda t: -(t["last_message"] or {"message_id": t["message_thread_id"]})["message_id"])
    return [general, *topics]


class ControlRoutes:
    """The `/sandbox/api` routes over one sandbox's Core.

    `download_token` gives a token the file route accepts, so `GET /files/<id>` can hand the web page
    a download URL without the page ever calling the Bot API (which would show up in the stats).
    `demo` is what the app running against this sandbox tells the web page about its demo (people,
    chats, the customer directory); the sandbox itself knows nothing of the desk, so it only serves it.
    """

    def __init__(self, core: Core, download_token: Callable[[], str]) -> None:
        self.core = core
        self.download_token = download_token
        self.demo: dict[str, Any] | None = None

    def add_to(self, app: web.Application) -> None:
        """Register every control route."""
        routes = [
            ("POST", "/messages", self.post_message),
            ("POST", "/callbacks", self.post_callback),
            ("GET", "/callbacks/{callback_id}", self.get_callback),
            ("GET", "/chats", self.list_chats),
            ("POST", "/chats", self.post_chat),
            ("GET", "/chats/{chat_id}/messages", self.chat_messages),
            ("GET", "/chats/{chat_id}/topics", self.chat_topics),
            ("POST", "/chats/{chat_id}/topics/{thread_id}/read", self.read_topic),
            ("POST", "/chats/{chat_id}/members", self.post_member),
            ("POST", "/chats/{chat_id}/topics/{thread_id}/{action}", self.post_topic_action),
            ("POST", "/users/{user_id}/block", self.block),
            ("POST", "/users/{user_id}/unblock", self.unblock),
            ("GET", "/stats", self.get_stats),
            ("POST", "/stats/reset", self.reset_stats),
            ("GET", "/limits", self.get_limits),
            ("POST", "/limits", self.post_limits),
            ("POST", "/updates/{update_id}/redeliver", self.redeliver),
            ("GET", "/bot", self.get_bot),
            ("GET", "/files/{file_id}", self.get_file),
            ("GET", "/demo", self.get_demo),
        ]
        for method, path, handler in routes:
            app.router.add_route(method, PREFIX + path, _errors_as_json(handler))

    # -- people and chats -------------------------------------------------------------------------

    def _user(self, data: Any) -> User:
        if not isinstance(data, dict) or "id" not in data:
            raise ControlError(400, "user must be an object with id and first_name")
        first_name = data.get("first_name")
        if not isinstance(first_name, str) or not first_name:
            raise ControlError(400, "user.first_name must be a non-empty string")
        user_id = _int(data["id"], "user.id")
        if user_id <= 0 or user_id == self.core.world.bot.id:
            raise ControlError(400, "user.id must be a positive id other than the bot's")
        profile = {name: data.get(name) for name in ("last_name", "username", "language_code")}
        return self.core.world.upsert_user(user_id, first_name, **profile)

    def _chat(self, data: Any, user: User) -> Chat:
        """The chat a user acts in: their private chat by default, or a group created on first use."""
        world = self.core.world
        if data is None:
            return world.private_chat(user)
        if not isinstance(data, dict) or "id" not in data:
            raise ControlError(400, "chat must be an object with an id")
        chat_id = _int(data["id"], "chat.id")
        known = world.chats.get(chat_id)
        chat_type = data.get("type") or (known.type if known else "private" if chat_id == user.id else None)
        if chat_type == "private":
            if chat_id != user.id:
                raise ControlError(400, "a private chat's id is the user's id")
            return world.private_chat(user)
        if chat_type not in {"group", "supergroup"}:
            raise ControlError(400, "chat.type must be private, group or supergroup")
        if chat_id >= 0:
            raise ControlError(400, "group chat ids are negative, as in Telegram")
        chat = world.group_chat(chat_id, chat_type, data.get("title"), is_forum=bool(data.get("is_forum")))
        if data.get("username"):
            chat.username = str(data["username"]).removeprefix("@")
        if world.member_status(chat, user.id) not in PRESENT_STATUSES:
            world.set_member(chat, user, "member")
        return chat

    def _chat_summary(self, chat: Chat) -> dict[str, Any]:
        world = self.core.world
        members = []
        for user_id, status in chat.members.items():
            user = world.user(user_id)
            if user is not None and user_id != world.bot.id:
                members.append({"user": types.user_json(user), "status": status})
        return {
            **types.chat_json(chat),
            "version": chat.version,
            "last_message_id": chat.next_message_id - 1,
            "pinned_message_id": chat.pinned_message_id,
            "reply_keyboard": chat.reply_keyboard,
            "chat_action": chat.chat_action,
            "blocked": chat.type == "private" and chat.id in world.blocked,
            "topics": [{**types.forum_topic_json(t), "is_closed": t.closed} for t in chat.topics.values()],
            "members": members,
        }

    async def list_chats(self, request: web.Request) -> web.Response:
        """GET /chats: every chat the sandbox knows, with its state (keyboard, topics, members)."""
        return web.json_response(
            {"chats": [self._chat_summary(chat) for chat in self.core.world.chats.values()]}
        )

    async def post_chat(self, request: web.Request) -> web.Response:
        """POST /chats: create or update a group/supergroup (e.g. the agents' forum) before anyone posts."""
        body = await _body(request)
        chat_type = body.get("type", "supergroup")
        if chat_type not in {"group", "supergroup"}:
            raise ControlError(400, "type must be group or supergroup")
        chat_id = _int(body.get("id"), "id")
        if chat_id >= 0:
            raise ControlError(400, "group chat ids are negative, as in Telegram")
        chat = self.core.world.group_chat(
            chat_id, chat_type, body.get("title"), is_forum=bool(body.get("is_forum"))
        )
        if body.get("username"):
            chat.username = str(body["username"]).removeprefix("@")
        for member in body.get("members") or []:
            self._set_member(chat, member)
        if "bot_status" in body:
            if body["bot_status"] not in MEMBER_STATUSES:
                raise ControlError(400, f"bot_status must be one of {', '.join(sorted(MEMBER_STATUSES))}")
            self.core.world.set_member(chat, self.core.world.bot, body["bot_status"])
        self.core.world.changed.notify()
        return web.json_response(self._chat_summary(chat))

    def _set_member(self, chat: Chat, member: Any) -> dict[str, Any]:
        if not isinstance(member, dict):
            raise ControlError(400, "a member must be an object with user and status")
        user = self._user(member.get("user"))
        status = member.get("status", "member")
        if status not in MEMBER_STATUSES:
            raise ControlError(400, f"status must be one of {', '.join(sorted(MEMBER_STATUSES))}")
        self.core.world.set_member(chat, user, status)
        return {"user": types.user_json(user), "status": status}

    async def post_member(self, request: web.Request) -> web.Response:
        """POST /chats/{id}/members: set a user's status in a group (administrator, member, left...)."""
        chat = self._known_chat(request)
        if chat.type == "private":
            raise ControlError(400, "private chats have no member list to change")
        return web.json_response(self._set_member(chat, await _body(request)))

    async def post_topic_action(self, request: web.Request) -> web.Response:
        """POST /chats/{id}/topics/{thread}/close|reopen|delete: a person closes, reopens or deletes a topic.

        As in the apps: a close or reopen leaves its service message (sent to the bot as an update);
        a deletion takes the topic's messages with it. Later sends into it get Telegram's errors.
        """
        chat = self._known_chat(request)
        thread = _path_int(request, "thread_id")
        action = request.match_info["action"]
        if action not in {"close", "reopen", "delete"}:
            raise ControlError(404, "action must be close, reopen or delete")
        topic = chat.topics.get(thread)
        if topic is None:
            raise ControlError(404, "no such forum topic in the chat")
        user = self._user((await _body(request)).get("user"))
        world = self.core.world
        if action == "delete":
            world.delete_topic(chat, thread)
            return web.json_response({"ok": True})
        if topic.closed == (action == "close"):
            raise ControlError(400, f"the topic is already {'closed' if topic.closed else 'open'}")
        topic.closed = action == "close"
        service = {"forum_topic_closed" if topic.closed else "forum_topic_reopened": {}}
        message = world.add_message(chat, user, service, thread_id=thread)
        self.core.queue.push("message", message)
        return web.json_response({"ok": True, "message_id": message["message_id"]})

    def _known_chat(self, request: web.Request) -> Chat:
        chat = self.core.world.chats.get(_path_int(request, "chat_id"))
        if chat is None:
            raise ControlError(404, "chat not found")
        return chat

    # -- what users do --------------------------------------------------------------------------------

    async def post_message(self, request: web.Request) -> web.Response:
        """POST /messages: a user's message (text, contact, photo, voice...) in a chat, queued for the bot.

        A text over 4096 characters arrives as several messages, as Telegram apps send it; the answer
        names the last one, and lists all under `message_ids` / `update_ids`. A `media_group_id`
        makes the message part of an album (send each part with the same id, as Telegram delivers
        them). With `edit_message_id` the user edits a message of theirs instead (new text, or new
        caption), which reaches the bot as an `edited_message` update.
        """
        body = await _body(request)
        world = self.core.world
        user = self._user(body.get("user"))
        chat = self._chat(body.get("chat"), user)
        if body.get("edit_message_id") is not None:
            return web.json_response(self._edit(chat, user, body))
        contents = self._contents(body, user)
        reply_to = None
        if body.get("reply_to_message_id") is not None:
            reply_to = chat.message(_int(body["reply_to_message_id"], "reply_to_message_id"))
            if reply_to is None:
                raise ControlError(400, "reply_to_message_id: no such message in the chat")
        thread = _optional_int(body.get("message_thread_id"), "message_thread_id")
        if thread is not None and thread not in chat.topics:
            raise ControlError(400, "message_thread_id: no such forum topic in the chat")
        if chat.type == "private" and user.id in world.blocked:
            self._set_blocked(user, False)
        message_ids, update_ids = [], []
        for content in contents:
            message = world.add_message(chat, user, content, thread_id=thread, reply_to=reply_to)
            reply_to = None
            message_ids.append(message["message_id"])
            update_ids.append(self.core.queue.push("message", message))
        return web.json_response(
            {
                "message_id": message_ids[-1],
                "update_id": update_ids[-1],
                "message_ids": message_ids,
                "update_ids": update_ids,
            }
        )

    def _edit(self, chat: Chat, user: User, body: dict[str, Any]) -> dict[str, Any]:
        """The user edits their own message: its text, or its caption; an `edited_message` update."""
        message_id = _int(body["edit_message_id"], "edit_message_id")
        message = chat.message(message_id)
        if message is None or message.get("from", {}).get("id") != user.id:
            raise ControlError(404, "edit_message_id: no message of this user in the chat")
        field = "text" if "text" in message else "caption" if any(k in message for k in CAPTIONED) else None
        new = body.get("text", body.get("caption"))
        if field is None or new is None:
            raise ControlError(400, "only a text or a caption can be edited, and the edit needs its new text")
        formatted, entities = format_text(str(new), None, None, caption=field == "caption")
        entities_field = "entities" if field == "text" else "caption_entities"
        message[field] = formatted
        message.pop(entities_field, None)
        if entities:
            message[entities_field] = entities
        message["edit_date"] = int(time.time())
        self.core.world.touch(chat, message_id)
        return {"message_id": message_id, "update_id": self.core.queue.push("edited_message", message)}

    def _contents(self, body: dict[str, Any], user: User) -> list[dict[str, Any]]:
        """One kind of content per message, as Telegram has: a photo, voice, audio or round video
        (with caption where Telegram allows one), a contact or text."""
        media: dict[str, Any] | None = None
        if body.get("photo") is not None:
            media = {"photo": self.core.files.add_photo(self._photo_bytes(body["photo"]))}
        for kind in CLIPS:
            if body.get(kind) is not None:
                media = {kind: self._clip(kind, body[kind])}
        if media is not None:
            caption_source = body.get("caption", body.get("text"))
            if caption_source and "video_note" not in media:
                caption, entities = format_text(str(caption_source), None, None, caption=True)
                media["caption"] = caption
                if entities:
                    media["caption_entities"] = entities
            if body.get("media_group_id") is not None:
                media["media_group_id"] = str(body["media_group_id"])
            return [media]
        if body.get("contact") is not None:
            return [{"contact": self._contact(body["contact"], user)}]
        if body.get("text") is not None:
            contents = []
            for part in split_long_text(str(body["text"])) or [""]:
                text, entities = format_text(part, None, None)
                contents.append({"text": text, "entities": entities} if entities else {"text": text})
            return contents
        raise ControlError(400, "a message needs text, contact, photo, voice, audio or video_note")

    def _clip(self, kind: str, data: Any) -> dict[str, Any]:
        """A voice message, audio file or round video: `data_base64` as given, else a few stand-in bytes."""
        if not isinstance(data, dict):
            raise ControlError(400, f"{kind} must be an object (duration, optionally data_base64)")
        duration = _int(data.get("duration", 1), f"{kind}.duration")
        raw = b"\x00" * 64
        if data.get("data_base64"):
            try:
                raw = base64.b64decode(str(data["data_base64"]), validate=True)
            except (binascii.Error, ValueError):
                raise ControlError(400, f"{kind}.data_base64 is not valid base64") from None
        return self.core.files.add_clip(kind, raw, duration)  # type: ignore[arg-type]

    @staticmethod
    def _contact(data: Any, user: User) -> dict[str, Any]:
        """The Contact as the caller sent it: user_id is never filled in for them (bots must check it)."""
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("phone_number"), str)
            or not data["phone_number"]
        ):
            raise ControlError(400, "contact.phone_number is required")
        contact: dict[str, Any] = {
            "phone_number": data["phone_number"],
            "first_name": data.get("first_name") or user.first_name,
        }
        for name in ("last_name", "vcard"):
            if data.get(name):
                contact[name] = str(data[name])
        if data.get("user_id") is not None:
            contact["user_id"] = _int(data["user_id"], "contact.user_id")
        return contact

    @staticmethod
    def _photo_bytes(data: Any) -> bytes:
        """The photo's bytes: `data_base64` as given, else a plain image of `width` x `height`."""
        if not isinstance(data, dict):
            raise ControlError(400, "photo must be an object (data_base64, or width and height)")
        if data.get("data_base64"):
            try:
                return base64.b64decode(str(data["data_base64"]), validate=True)
            except (binascii.Error, ValueError):
                raise ControlError(400, "photo.data_base64 is not valid base64") from None
        width = _int(data.get("width", DEFAULT_PHOTO_SIZE[0]), "photo.width")
        height = _int(data.get("height", DEFAULT_PHOTO_SIZE[1]), "photo.height")
        if not (0 < width <= MAX_GENERATED_PHOTO_SIDE and 0 < height <= MAX_GENERATED_PHOTO_SIDE):
            raise ControlError(400, f"photo width and height must be 1-{MAX_GENERATED_PHOTO_SIDE}")
        buffer = io.BytesIO()
        Image.new("RGB", (width, height), (40, 120, 200)).save(buffer, format="PNG")
        return buffer.getvalue()

    async def post_callback(self, request: web.Request) -> web.Response:
        """POST /callbacks: a user presses an inline button on one of the bot's messages."""
        body = await _body(request)
        user = self._user(body.get("user"))
        chat = self.core.world.chats.get(_int(body.get("chat_id"), "chat_id"))
        if chat is None:
            raise ControlError(404, "chat not found")
        message = chat.message(_int(body.get("message_id"), "message_id"))
        if message is None:
            raise ControlError(404, "message not found")
        if message["from"]["id"] != self.core.world.bot.id:
            raise ControlError(400, "only the bot's messages carry inline buttons")
        data = body.get("data")
        if chat.type != "private" and self.core.world.member_status(chat, user.id) not in PRESENT_STATUSES:
            self.core.world.set_member(chat, user, "member")
        record = self.core.world.new_callback(
            user, chat, message["message_id"], None if data is None else str(data)
        )
        payload: dict[str, Any] = {
            "id": record.id,
            "from": types.user_json(user),
            "message": message,
            "chat_instance": str((chat.id * 2654435761) % 2**63),
        }
        if record.data is not None:
            payload["data"] = record.data
        update_id = self.core.queue.push("callback_query", payload)
        return web.json_response({"callback_query_id": record.id, "update_id": update_id})

    async def get_callback(self, request: web.Request) -> web.Response:
        """GET /callbacks/{id}?wait=S: whether and how the bot answered the press.

        With `wait`, an unanswered press is awaited up to S seconds (the answer returns at once).
        """
        record = self.core.world.callbacks.get(request.match_info["callback_id"])
        if record is None:
            raise ControlError(404, "callback query not found")
        deadline = time.monotonic() + _wait_seconds(request)
        while (
            not record.answered and not self.core.closing and (remaining := deadline - time.monotonic()) > 0
        ):
            await self.core.world.changed.wait(remaining)
        return web.json_response(
            {
                "answered": record.answered,
                "text": record.text,
                "show_alert": record.show_alert,
                "url": record.url,
            }
        )

    # -- reading chats --------------------------------------------------------------------------------

    async def chat_messages(self, request: web.Request) -> web.Response:
        """GET /chats/{id}/messages?after=&since=&thread=&wait=: messages in chat order, current state.

        `after` keeps messages with a greater id; `since` keeps messages created or edited after that
        chat version (and lists ids deleted since, under `deleted`); `thread` keeps one forum topic's
        (1: the General topic's, those outside any topic); together they must all hold. With
        `wait`, an empty answer waits up to that many seconds for a matching change.
        """
        chat = self._known_chat(request)
        after = _optional_int(request.query.get("after"), "after")
        since = _optional_int(request.query.get("since"), "since")
        thread = _optional_int(request.query.get("thread"), "thread")
        deadline = time.monotonic() + _wait_seconds(request)
        while True:
            messages = [
                stored.data
                for message_id, stored in chat.messages.items()
                if (after is None or message_id > after)
                and (since is None or stored.version > since)
                and (thread is None or _thread_of(stored.data) == thread)
            ]
            deleted = [
                message_id
                for message_id, version in chat.deleted.items()
                if since is not None and version > since and (after is None or message_id > after)
            ]
            remaining = deadline - time.monotonic()
            if messages or deleted or remaining <= 0 or self.core.closing:
                return web.json_response({"messages": messages, "version": chat.version, "deleted": deleted})
            await self.core.world.changed.wait(remaining)

    async def chat_topics(self, request: web.Request) -> web.Response:
        """GET /chats/{id}/topics?since=&wait=: a forum's topics as the apps list them.

        The General topic first, then the others by their latest message, newest first; each with
        its icon colour, name, closed state, latest message and unread count (messages after the
        last one marked read). With `since` (a chat version) and `wait`, the answer waits for a
        change in the chat.
        """
        chat = self._known_chat(request)
        if not chat.is_forum:
            raise ControlError(400, "the chat is not a forum")
        since = _optional_int(request.query.get("since"), "since")
        deadline = time.monotonic() + _wait_seconds(request)
        while since is not None and chat.version <= since and not self.core.closing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            await self.core.world.changed.wait(remaining)
        return web.json_response({"topics": _topic_list(chat), "version": chat.version})

    async def read_topic(self, request: web.Request) -> web.Response:
        """POST /chats/{id}/topics/{thread}/read: the page's person read a topic (up to `message_id`,
        by default its latest message); its unread count drops to what came after."""
        chat = self._known_chat(request)
        thread = _path_int(request, "thread_id")
        if thread != GENERAL_TOPIC_ID and thread not in chat.topics:
            raise ControlError(404, "no such forum topic in the chat")
        body = await _body(request)
        in_thread = [
            message_id for message_id, stored in chat.messages.items() if _thread_of(stored.data) == thread
        ]
        up_to = _optional_int(body.get("message_id"), "message_id") or max(in_thread, default=0)
        if up_to > chat.read_up_to.get(thread, 0):
            chat.read_up_to[thread] = up_to
            chat.version += 1
            self.core.world.changed.notify()
        unread = sum(1 for message_id in in_thread if message_id > chat.read_up_to.get(thread, 0))
        return web.json_response({"message_thread_id": thread, "unread_count": unread})

    # -- steering -------------------------------------------------------------------------------------

    def _set_blocked(self, user: User, blocked: bool) -> None:
        """Block or unblock, and tell the bot with my_chat_member as Telegram does."""
        world = self.core.world
        if (user.id in world.blocked) == blocked:
            return
        if blocked:
            world.blocked.add(user.id)
        else:
            world.blocked.discard(user.id)
        chat = world.chats.get(user.id)
        if chat is not None:
            old, new = ("member", "kicked") if blocked else ("kicked", "member")
            self.core.queue.push(
                "my_chat_member", types.chat_member_updated(chat, user, world.bot, old, new, int(time.time()))
            )
        world.changed.notify()

    async def _block(self, request: web.Request, blocked: bool) -> web.Response:
        user = self.core.world.users.get(_path_int(request, "user_id"))
        if user is None:
            raise ControlError(404, "user not found")
        self._set_blocked(user, blocked)
        return web.json_response({"user_id": user.id, "blocked": blocked})

    async def block(self, request: web.Request) -> web.Response:
        """POST /users/{id}/block: the user blocks the bot; sends to them answer 403 from now on."""
        return await self._block(request, True)

    async def unblock(self, request: web.Request) -> web.Response:
        """POST /users/{id}/unblock: the user restarts the bot."""
        return await self._block(request, False)

    async def get_stats(self, request: web.Request) -> web.Response:
        """GET /stats: Bot API calls per method and 429s returned."""
        return web.json_response(self.core.stats.as_json())

    async def reset_stats(self, request: web.Request) -> web.Response:
        """POST /stats/reset: start counting afresh."""
        self.core.stats.reset()
        return web.json_response(self.core.stats.as_json())

    def _limits_json(self) -> dict[str, Any]:
        limiter = self.core.limiter
        return {"enabled": limiter.enabled, "limits": dataclasses.asdict(limiter.limits)}

    async def get_limits(self, request: web.Request) -> web.Response:
        """GET /limits: whether flood limits are on, and the rates."""
        return web.json_response(self._limits_json())

    async def post_limits(self, request: web.Request) -> web.Response:
        """POST /limits {"enabled": bool}: switch flood limits at runtime."""
        enabled = (await _body(request)).get("enabled")
        if not isinstance(enabled, bool):
            raise ControlError(400, "enabled must be true or false")
        self.core.limiter.enabled = enabled
        return web.json_response(self._limits_json())

    async def redeliver(self, request: web.Request) -> web.Response:
        """POST /updates/{id}/redeliver: queue an update again with its old id, as after a bot crash."""
        update_id = _path_int(request, "update_id")
        if not self.core.queue.redeliver(update_id):
            raise ControlError(404, "update not found")
        return web.json_response({"update_id": update_id})

    async def get_bot(self, request: web.Request) -> web.Response:
        """GET /bot: the bot's identity, webhook, pending updates and registered commands."""
        config = self.core.webhook.config
        return web.json_response(
            {
                "user": types.me_json(self.core.world.bot),
                "webhook_url": config.url if config else None,
                "pending_update_count": self.core.queue.pending_count,
                "commands": self.core.world.commands,
            }
        )

    async def get_file(self, request: web.Request) -> web.Response:
        """GET /files/{file_id}: where a file is downloaded (the Bot API's file path), as getFile would say.

        Read-only and not counted as a Bot API call: the web page shows photos and documents with it.
        """
        stored = self.core.files.get(request.match_info["file_id"])
        if stored is None:
            raise ControlError(404, "file not found")
        return web.json_response(
            {
                "file_id": stored.file_id,
                "file_path": stored.file_path,
                "file_size": len(stored.data),
                "content_type": stored.content_type,
                "url": f"/file/bot{self.download_token()}/{stored.file_path}",
            }
        )

    async def get_demo(self, request: web.Request) -> web.Response:
        """GET /demo: the demo the app registered (subscribers, agents, managers), for the web page."""
        if self.demo is None:
            raise ControlError(404, "no demo registered (the bot runs this sandbox with `supportbot run`)")
        return web.json_response(self.demo)
