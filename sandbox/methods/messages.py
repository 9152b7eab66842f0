"""Sending, editing, copying, forwarding and deleting messages.

Checks run in the order Telegram's Bot API server runs them: the content first (text, caption,
file, markup), then the chat, thread and reply target, then the send itself (blocked user, flood
limit). Only the bot's own messages can be edited, and an edit that changes nothing is refused
with Telegram's "message is not modified" text.
"""

from __future__ import annotations

import copy
import time
from typing import Any

from sandbox import types
from sandbox.core import Core, MethodHandler
from sandbox.entities import Chat
from sandbox.errors import bad_request
from sandbox.files import FileKind
from sandbox.formatting import format_text
from sandbox.keyboards import ReplyMarkup, inline_markup, parse_reply_markup
from sandbox.params import Params

GENERAL_TOPIC_ID = 1
CONTENT_KEYS = (
    "text",
    "entities",
    "photo",
    "document",
    "voice",
    "audio",
    "video_note",
    "caption",
    "caption_entities",
    "contact",
)
CAPTIONED = ("photo", "document", "voice", "audio")
ALBUM_KINDS = frozenset({"photo", "document", "audio"})
ALBUM_SIZE = (2, 10)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same as a "
    "current content and reply markup of the message"
)


def _markup(p: Params) -> ReplyMarkup | None:
    return parse_reply_markup(p.obj("reply_markup", "can't parse reply keyboard markup JSON object"))


def _text(core: Core, p: Params, name: str, *, caption: bool) -> tuple[str, list[dict[str, Any]]]:
    entities_name = "caption_entities" if caption else "entities"
    return format_text(
        p.text(name),
        p.text("parse_mode"),
        p.obj(entities_name, "can't parse entities JSON object"),
        caption=caption,
        lookup_user=core.lookup_user,
    )


def _thread_id(p: Params, chat: Chat, *, relayed: bool = False) -> int | None:
    """The forum topic a message goes to; only forums have topics, other chats ignore the id.

    Telegram's answers for a topic that is gone or shut, as the field reports them: a send into a
    deleted (or never created) topic is "message thread not found", a copy or forward into a
    deleted one is `TOPIC_DELETED`, and anything into a closed topic is `TOPIC_CLOSED` (the bot's
    admin rights notwithstanding).
    """
    thread = p.integer("message_thread_id")
    if thread is None or not chat.is_forum or thread == GENERAL_TOPIC_ID:
        return None
    if relayed and thread in chat.deleted_topics:
        raise bad_request("TOPIC_DELETED")
    topic = chat.topics.get(thread)
    if topic is None:
        raise bad_request("message thread not found")
    if topic.closed:
        raise bad_request("TOPIC_CLOSED")
    return thread


def _reply_to(p: Params, chat: Chat) -> dict[str, Any] | None:
    parameters = p.obj("reply_parameters", "can't parse reply parameters JSON object")
    if isinstance(parameters, dict):
        message_id, allow_missing = (
            parameters.get("message_id"),
            bool(parameters.get("allow_sending_without_reply")),
        )
    else:
        message_id, allow_missing = p.integer("reply_to_message_id"), p.flag("allow_sending_without_reply")
    if message_id is None:
        return None
    target = chat.message(message_id if isinstance(message_id, int) else None)
    if target is None and not allow_missing:
        raise bad_request("message to be replied not found")
    return target


def _with_markup(content: dict[str, Any], markup: ReplyMarkup | None) -> dict[str, Any]:
    if markup is not None and markup.kind == "inline" and markup.data["inline_keyboard"]:
        content["reply_markup"] = markup.data
    return content


def _post(
    core: Core,
    p: Params,
    chat: Chat,
    content: dict[str, Any],
    markup: ReplyMarkup | None,
    *,
    relayed: bool = False,
) -> dict[str, Any]:
    """Post the bot's message once the content is valid: thread, reply, flood limit, then store.

    `relayed` is a copy or forward, which Telegram refuses differently in a deleted topic.
    """
    thread = _thread_id(p, chat, relayed=relayed)
    reply_to = _reply_to(p, chat)
    core.throttle(chat)
    message = core.world.add_message(
        chat, core.world.bot, _with_markup(content, markup), thread_id=thread, reply_to=reply_to
    )
    if markup is not None and markup.kind == "keyboard":
        chat.reply_keyboard = markup.data
    elif markup is not None and markup.kind == "remove":
        chat.reply_keyboard = None
    return message


async def send_message(core: Core, p: Params) -> dict[str, Any]:
    """sendMessage."""
    text, entities = _text(core, p, "text", caption=False)
    markup = _markup(p)
    chat = core.world.writable_chat(p.chat_id())
    content: dict[str, Any] = {"text": text}
    if entities:
        content["entities"] = entities
    return _post(core, p, chat, content, markup)


async def _send_media(core: Core, p: Params, kind: FileKind) -> dict[str, Any]:
    media = core.files.resolve(p.input_file(kind), kind)
    caption, caption_entities = _text(core, p, "caption", caption=True)
    markup = _markup(p)
    chat = core.world.writable_chat(p.chat_id())
    content: dict[str, Any] = {kind: media}
    if caption:
        content["caption"] = caption
    if caption_entities:
        content["caption_entities"] = caption_entities
    return _post(core, p, chat, content, markup)


async def send_photo(core: Core, p: Params) -> dict[str, Any]:
    """sendPhoto: an upload or the file_id of a photo sent before."""
    return await _send_media(core, p, "photo")


async def send_document(core: Core, p: Params) -> dict[str, Any]:
    """sendDocument: an upload or the file_id of a document sent before."""
    return await _send_media(core, p, "document")


async def send_voice(core: Core, p: Params) -> dict[str, Any]:
    """sendVoice: a voice message, uploaded or by the file_id of one sent before."""
    return await _send_media(core, p, "voice")


async def send_audio(core: Core, p: Params) -> dict[str, Any]:
    """sendAudio: a music file, uploaded or by file_id."""
    return await _send_media(core, p, "audio")


async def send_video_note(core: Core, p: Params) -> dict[str, Any]:
    """sendVideoNote: a round video message (no caption, as in Telegram)."""
    return await _send_media(core, p, "video_note")


def _album_item(core: Core, p: Params, item: Any) -> dict[str, Any]:
    """One InputMedia of a media group as the message content it becomes."""
    if not isinstance(item, dict) or item.get("type") not in ALBUM_KINDS:
        raise bad_request("unsupported media type in the album")
    kind: FileKind = item["type"]
    fields = p.nested(item)
    content: dict[str, Any] = {kind: core.files.resolve(fields.input_file("media"), kind)}
    caption, entities = _text(core, fields, "caption", caption=True)
    if caption:
        content["caption"] = caption
    if entities:
        content["caption_entities"] = entities
    return content


async def send_media_group(core: Core, p: Params) -> list[dict[str, Any]]:
    """sendMediaGroup: 2-10 photos, documents or audio files shown as one album (one media_group_id).

    Documents and audio files only group with their own kind, as in Telegram. The album spends one
    send from the flood limits.
    """
    media = p.obj("media", "can't parse media JSON object")
    if not isinstance(media, list) or not ALBUM_SIZE[0] <= len(media) <= ALBUM_SIZE[1]:
        raise bad_request("wrong number of media in the album: 2-10 are allowed")
    contents = [_album_item(core, p, item) for item in media]
    kinds = {next(key for key in content if key in ALBUM_KINDS) for content in contents}
    if len(kinds) > 1 and kinds & {"document", "audio"}:
        raise bad_request(f"{sorted(kinds & {'document', 'audio'})[0]} can't be mixed with other media types")
    chat = core.world.writable_chat(p.chat_id())
    group_id = str(10**17 + chat.next_message_id)
    first = _post(core, p, chat, {**contents[0], "media_group_id": group_id}, None)
    sent = [first]
    thread = first.get("message_thread_id")
    for content in contents[1:]:
        message = core.world.add_message(
            chat, core.world.bot, {**content, "media_group_id": group_id}, thread_id=thread
        )
        sent.append(message)
    return sent


def _own_message(core: Core, p: Params) -> tuple[Chat, dict[str, Any]]:
    if p.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    chat = core.world.writable_chat(p.chat_id())
    message_id = p.integer("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    message = chat.message(message_id)
    if message is None:
        raise bad_request("message to edit not found")
    if message["from"]["id"] != core.world.bot.id:
        raise bad_request("message can't be edited")
    return chat, message


def _apply_edit(
    core: Core, chat: Chat, message: dict[str, Any], changes: dict[str, Any], *, dated: bool
) -> None:
    if all((message.get(key) or None) == (value or None) for key, value in changes.items()):
        raise bad_request(NOT_MODIFIED)
    for key, value in changes.items():
        if value:
            message[key] = value
        else:
            message.pop(key, None)
    if dated:
        message["edit_date"] = int(time.time())
    core.world.touch(chat, message["message_id"])


async def edit_message_text(core: Core, p: Params) -> dict[str, Any]:
    """editMessageText; leaving out reply_markup removes the keyboard, as in Telegram."""
    text, entities = _text(core, p, "text", caption=False)
    markup = inline_markup(p.obj("reply_markup", "can't parse reply keyboard markup JSON object"))
    chat, message = _own_message(core, p)
    if "text" not in message:
        raise bad_request("there is no text in the message to edit")
    _apply_edit(core, chat, message, {"text": text, "entities": entities, "reply_markup": markup}, dated=True)
    return message


async def edit_message_caption(core: Core, p: Params) -> dict[str, Any]:
    """editMessageCaption of a photo or document."""
    caption, entities = _text(core, p, "caption", caption=True)
    markup = inline_markup(p.obj("reply_markup", "can't parse reply keyboard markup JSON object"))
    chat, message = _own_message(core, p)
    if not any(kind in message for kind in CAPTIONED):
        raise bad_request("there is no caption in the message to edit")
    changes = {"caption": caption, "caption_entities": entities, "reply_markup": markup}
    _apply_edit(core, chat, message, changes, dated=True)
    return message


async def edit_message_reply_markup(core: Core, p: Params) -> dict[str, Any]:
    """editMessageReplyMarkup; no reply_markup removes the keyboard."""
    markup = inline_markup(p.obj("reply_markup", "can't parse reply keyboard markup JSON object"))
    chat, message = _own_message(core, p)
    _apply_edit(core, chat, message, {"reply_markup": markup}, dated=False)
    return message


async def delete_message(core: Core, p: Params) -> bool:
    """deleteMessage: the bot may delete any message in the sandbox (it administers every group)."""
    chat = core.world.find_chat(p.chat_id())
    message_id = p.integer("message_id")
    if message_id is None or not core.world.delete_message(chat, message_id):
        raise bad_request("message to delete not found")
    return True


def _source(core: Core, p: Params, verb: str, participle: str) -> dict[str, Any]:
    chat = core.world.find_chat(p.chat_id("from_chat_id"))
    message = chat.message(p.integer("message_id"))
    if message is None:
        raise bad_request(f"message to {verb} not found")
    if not any(key in message for key in CONTENT_KEYS):
        raise bad_request(f"message can't be {participle}")
    return message


async def copy_message(core: Core, p: Params) -> dict[str, int]:
    """copyMessage: the content without a link to the original; returns only the new MessageId."""
    source = _source(core, p, "copy", "copied")
    content = {key: copy.deepcopy(source[key]) for key in CONTENT_KEYS if key in source}
    if p.has("caption") and any(kind in source for kind in CAPTIONED):
        caption, entities = _text(core, p, "caption", caption=True)
        content.pop("caption_entities", None)
        content.update({"caption": caption, **({"caption_entities": entities} if entities else {})})
    markup = _markup(p)
    chat = core.world.writable_chat(p.chat_id())
    return {"message_id": _post(core, p, chat, content, markup, relayed=True)["message_id"]}


async def forward_message(core: Core, p: Params) -> dict[str, Any]:
    """forwardMessage: the content plus `forward_origin` naming the original sender."""
    source = _source(core, p, "forward", "forwarded")
    content = {key: copy.deepcopy(source[key]) for key in CONTENT_KEYS if key in source}
    content["forward_origin"] = copy.deepcopy(source.get("forward_origin") or types.forward_origin(source))
    chat = core.world.writable_chat(p.chat_id())
    return _post(core, p, chat, content, None, relayed=True)


METHODS: dict[str, MethodHandler] = {
    "sendMessage": send_message,
    "sendPhoto": send_photo,
    "sendDocument": send_document,
    "sendVoice": send_voice,
    "sendAudio": send_audio,
    "sendVideoNote": send_video_note,
    "sendMediaGroup": send_media_group,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "copyMessage": copy_message,
    "forwardMessage": forward_message,
}
