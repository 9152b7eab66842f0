"""Chat-level methods: chat info, members, chat actions, pins and forum topics.

Pins and topic changes leave the same service messages in the chat that Telegram leaves
(`pinned_message`, `forum_topic_created`/`edited`/`closed`/`reopened`), so a transcript read
through the control API shows what an agent would see in the group.
"""

from __future__ import annotations

import time
from typing import Any

from sandbox import types
from sandbox.core import Core, MethodHandler
from sandbox.entities import Chat, Topic
from sandbox.errors import bad_request
from sandbox.params import Params

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
DEFAULT_TOPIC_COLOR = 7322096
GENERAL_TOPIC_ID = 1
MAX_TOPIC_NAME = 128


async def get_chat(core: Core, p: Params) -> dict[str, Any]:
    """getChat: a ChatFullInfo with the fields Telegram always sends."""
    chat = core.world.find_chat(p.chat_id())
    info = types.chat_json(chat)
    info.update(
        {
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": dict.fromkeys(
                (
                    "unlimited_gifts",
                    "limited_gifts",
                    "unique_gifts",
                    "premium_subscription",
                    "gifts_from_channels",
                ),
                False,
            ),
        }
    )
    pinned = chat.message(chat.pinned_message_id)
    if pinned is not None:
        info["pinned_message"] = types.reply_snapshot(pinned)
    return info


async def get_chat_member(core: Core, p: Params) -> dict[str, Any]:
    """getChatMember: member, administrator, creator, left..., as the chat's membership says."""
    chat = core.world.find_chat(p.chat_id())
    user_id = p.integer("user_id")
    user = core.world.user(user_id) if user_id is not None else None
    if user is None:
        raise bad_request("user not found")
    return types.chat_member_json(user, core.world.member_status(chat, user.id))


async def send_chat_action(core: Core, p: Params) -> bool:
    """sendChatAction: remembered on the chat so a chat page can show "typing..."."""
    chat = core.world.writable_chat(p.chat_id())
    action = p.text("action")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.chat_action = {"action": action, "date": int(time.time())}
    core.world.changed.notify()
    return True


def _service(core: Core, chat: Chat, content: dict[str, Any], thread: int | None) -> None:
    core.world.add_message(chat, core.world.bot, content, thread_id=thread)


async def pin_chat_message(core: Core, p: Params) -> bool:
    """pinChatMessage: pins and posts the `pinned_message` service message."""
    chat = core.world.writable_chat(p.chat_id())
    message = chat.message(p.integer("message_id"))
    if message is None:
        raise bad_request("message to pin not found")
    chat.pinned_message_id = message["message_id"]
    _service(core, chat, {"pinned_message": types.reply_snapshot(message)}, message.get("message_thread_id"))
    return True


async def unpin_chat_message(core: Core, p: Params) -> bool:
    """unpinChatMessage: the given message, or the most recent pin."""
    chat = core.world.writable_chat(p.chat_id())
    message_id = p.integer("message_id")
    if chat.pinned_message_id is None or (message_id is not None and message_id != chat.pinned_message_id):
        raise bad_request("message to unpin not found")
    chat.pinned_message_id = None
    core.world.changed.notify()
    return True


def _forum(core: Core, p: Params) -> Chat:
    chat = core.world.find_chat(p.chat_id())
    if not chat.is_forum:
        raise bad_request("the chat is not a forum")
    return chat


def _topic(chat: Chat, p: Params) -> Topic:
    """The topic a topic method names: `TOPIC_DELETED` once deleted, as Telegram answers."""
    thread = p.integer("message_thread_id") or 0
    topic = chat.topics.get(thread)
    if topic is None:
        raise bad_request("TOPIC_DELETED" if thread in chat.deleted_topics else "message thread not found")
    return topic


async def create_forum_topic(core: Core, p: Params) -> dict[str, Any]:
    """createForumTopic: the topic's id is the id of its `forum_topic_created` service message."""
    chat = _forum(core, p)
    name = (p.text("name") or "").strip()
    if not name or len(name) > MAX_TOPIC_NAME:
        raise bad_request("TOPIC_TITLE_EMPTY" if not name else "TOPIC_TITLE_TOO_LONG")
    if chat.next_message_id <= GENERAL_TOPIC_ID:
        chat.next_message_id = GENERAL_TOPIC_ID + 1  # id 1 is the General topic's, never a new topic's
    topic = Topic(
        chat.next_message_id,
        name,
        p.integer("icon_color") or DEFAULT_TOPIC_COLOR,
        p.text("icon_custom_emoji_id"),
    )
    chat.topics[topic.message_thread_id] = topic
    created = {
        key: value for key, value in types.forum_topic_json(topic).items() if key != "message_thread_id"
    }
    _service(core, chat, {"forum_topic_created": created}, topic.message_thread_id)
    return types.forum_topic_json(topic)


async def edit_forum_topic(core: Core, p: Params) -> bool:
    """editForumTopic: rename (or change the icon) and post `forum_topic_edited`."""
    chat = _forum(core, p)
    topic = _topic(chat, p)
    changes: dict[str, Any] = {}
    name = p.text("name")
    if name is not None and name.strip() and name.strip() != topic.name:
        topic.name = changes["name"] = name.strip()
    emoji = p.text("icon_custom_emoji_id")
    if emoji is not None and emoji != topic.icon_custom_emoji_id:
        topic.icon_custom_emoji_id = changes["icon_custom_emoji_id"] = emoji
    if not changes:
        raise bad_request("TOPIC_NOT_MODIFIED")
    _service(core, chat, {"forum_topic_edited": changes}, topic.message_thread_id)
    return True


async def _set_closed(core: Core, p: Params, closed: bool) -> bool:
    chat = _forum(core, p)
    topic = _topic(chat, p)
    if topic.closed == closed:
        raise bad_request("TOPIC_NOT_MODIFIED")
    topic.closed = closed
    _service(
        core, chat, {"forum_topic_closed" if closed else "forum_topic_reopened": {}}, topic.message_thread_id
    )
    return True


async def close_forum_topic(core: Core, p: Params) -> bool:
    """closeForumTopic: posts `forum_topic_closed`."""
    return await _set_closed(core, p, True)


async def reopen_forum_topic(core: Core, p: Params) -> bool:
    """reopenForumTopic: posts `forum_topic_reopened`."""
    return await _set_closed(core, p, False)


async def delete_forum_topic(core: Core, p: Params) -> bool:
    """deleteForumTopic: the topic and every message in it are gone."""
    chat = _forum(core, p)
    topic = _topic(chat, p)
    core.world.delete_topic(chat, topic.message_thread_id)
    return True


METHODS: dict[str, MethodHandler] = {
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "sendChatAction": send_chat_action,
    "pinChatMessage": pin_chat_message,
    "unpinChatMessage": unpin_chat_message,
    "createForumTopic": create_forum_topic,
    "editForumTopic": edit_forum_topic,
    "closeForumTopic": close_forum_topic,
    "reopenForumTopic": reopen_forum_topic,
    "deleteForumTopic": delete_forum_topic,
}
