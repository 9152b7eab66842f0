"""Telegram Bot API objects (User, Chat, ChatMember, ...) built from the sandbox's state.

Field names, required fields and optional-field omission follow the official schema (Bot API 10.1):
Telegram leaves out optional fields that are empty rather than sending null, and aiogram / PTB
parse what we send into their own types, so a wrong name or a missing required field shows up as a
parse failure in the framework tests. One field is newer than that schema: Telegram (Bot API 10.3)
sends `can_send_welcome_messages` for administrators, and aiogram 3.31 requires it.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sandbox.entities import Chat, Topic, User

ADMIN_RIGHTS = (
    "can_be_edited",
    "is_anonymous",
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
    "can_send_welcome_messages",
    "can_pin_messages",
    "can_manage_topics",
)
RESTRICTED_PERMISSIONS = (
    "can_send_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_react_to_messages",
    "can_edit_tag",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
)
GRANTED_RIGHTS = frozenset(ADMIN_RIGHTS) - {"can_be_edited", "is_anonymous", "can_promote_members"}


def _with_optional(base: dict[str, Any], **optional: Any) -> dict[str, Any]:
    base.update({name: value for name, value in optional.items() if value is not None})
    return base


def user_json(user: User) -> dict[str, Any]:
    """A User object."""
    return _with_optional(
        {"id": user.id, "is_bot": user.is_bot, "first_name": user.first_name},
        last_name=user.last_name,
        username=user.username,
        language_code=user.language_code,
    )


def me_json(bot: User) -> dict[str, Any]:
    """getMe's User: the bot's capabilities are only reported there."""
    return {
        **user_json(bot),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def chat_json(chat: Chat) -> dict[str, Any]:
    """A Chat object as embedded in messages."""
    base: dict[str, Any] = {"id": chat.id, "type": chat.type}
    if chat.type == "private":
        return _with_optional(
            base, first_name=chat.first_name, last_name=chat.last_name, username=chat.username
        )
    return _with_optional(base, title=chat.title, username=chat.username, is_forum=chat.is_forum or None)


def chat_member_json(user: User, status: str) -> dict[str, Any]:
    """The ChatMember variant for a status, with the fields each variant requires."""
    if status == "administrator":
        rights = {right: right in GRANTED_RIGHTS for right in ADMIN_RIGHTS}
        return {"status": status, "user": user_json(user), **rights}
    if status == "creator":
        return {"status": status, "user": user_json(user), "is_anonymous": False}
    if status == "kicked":
        return {"status": status, "user": user_json(user), "until_date": 0}
    if status == "restricted":
        return {
            "status": status,
            "user": user_json(user),
            "is_member": True,
            "until_date": 0,
            **dict.fromkeys(RESTRICTED_PERMISSIONS, False),
        }
    return {"status": status, "user": user_json(user)}


def forum_topic_json(topic: Topic) -> dict[str, Any]:
    """A ForumTopic, as createForumTopic returns it."""
    return _with_optional(
        {"message_thread_id": topic.message_thread_id, "name": topic.name, "icon_color": topic.icon_color},
        icon_custom_emoji_id=topic.icon_custom_emoji_id,
    )


def reply_snapshot(message: dict[str, Any]) -> dict[str, Any]:
    """A copy of a message as nested in `reply_to_message`: Telegram nests only one level."""
    return {key: copy.deepcopy(value) for key, value in message.items() if key != "reply_to_message"}


def forward_origin(message: dict[str, Any]) -> dict[str, Any]:
    """The MessageOriginUser of a forwarded message (the sandbox's messages all have a sender user)."""
    return {"type": "user", "date": message["date"], "sender_user": message["from"]}


def chat_member_updated(chat: Chat, user: User, bot: User, old: str, new: str, date: int) -> dict[str, Any]:
    """The my_chat_member payload Telegram sends when a user blocks or unblocks the bot."""
    return {
        "chat": chat_json(chat),
        "from": user_json(user),
        "date": date,
        "old_chat_member": chat_member_json(bot, old),
        "new_chat_member": chat_member_json(bot, new),
    }
