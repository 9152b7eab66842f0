"""Update JSON -> neutral event, through each framework's own Update parsing.

The same Bot API JSON is parsed by aiogram and by python-telegram-bot and converted; both must give
the same event, which is what lets the handlers ignore which runtime runs.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.types import Update as AiogramUpdate
from telegram import Update as PtbUpdate

from bot.runtime.convert import to_event
from handlers.events import (
    Attachment,
    ButtonPress,
    Chat,
    ChatKind,
    Contact,
    Event,
    IncomingMessage,
    MessageEdit,
    User,
)

ANA = {"id": 5, "is_bot": False, "first_name": "Ana", "username": "ana_tv", "language_code": "pt-BR"}
PRIVATE = {"id": 5, "type": "private", "first_name": "Ana"}
FORUM = {"id": -1001, "type": "supergroup", "title": "Agents", "is_forum": True}
GROUP = {"id": -1002, "type": "supergroup", "title": "Plain group"}


def message(**fields: Any) -> dict[str, Any]:
    """A user's message in the private chat, with `fields` added or replaced."""
    return {"message_id": 10, "date": 1_700_000_000, "from": ANA, "chat": PRIVATE, **fields}


def convert_both(update: dict[str, Any]) -> Event | None:
    """The event from both frameworks' parsing; fails the test if they disagree."""
    from_aiogram = to_event(AiogramUpdate.model_validate(update))
    from_ptb = to_event(PtbUpdate.de_json(update, None))
    assert from_aiogram == from_ptb
    return from_aiogram


def test_text_message_keeps_user_chat_and_command() -> None:
    event = convert_both({"update_id": 1, "message": message(text="/claim@desk_bot 42 now")})
    assert isinstance(event, IncomingMessage)
    assert (event.update_id, event.message_id, event.text) == (1, 10, "/claim@desk_bot 42 now")
    assert (event.command, event.args) == ("claim", "42 now")
    assert event.user.username == "ana_tv"
    assert event.user.language_code == "pt-BR"
    assert event.chat.kind is ChatKind.PRIVATE
    assert event.thread_id is None and event.reply_to_message_id is None


def test_reply_contact_photo_and_document() -> None:
    reply = convert_both(
        {"update_id": 2, "message": message(text="yes", reply_to_message=message(message_id=3))}
    )
    assert isinstance(reply, IncomingMessage) and reply.reply_to_message_id == 3

    shared = {"phone_number": "+5511999990000", "first_name": "Ana", "user_id": 5}
    contact = convert_both({"update_id": 3, "message": message(contact=shared)})
    assert isinstance(contact, IncomingMessage) and contact.contact == Contact("+5511999990000", 5)

    sizes = [
        {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 68},
        {"file_id": "large", "file_unique_id": "l", "width": 1280, "height": 960},
        {"file_id": "medium", "file_unique_id": "m", "width": 320, "height": 240},
    ]
    photo = convert_both({"update_id": 4, "message": message(photo=sizes, caption="my screen")})
    assert isinstance(photo, IncomingMessage)
    assert photo.attachment == Attachment("photo", "large")
    assert (photo.text, photo.caption) == ("", "my screen")

    doc = {"file_id": "doc1", "file_unique_id": "d", "file_name": "log.txt", "mime_type": "text/plain"}
    document = convert_both({"update_id": 5, "message": message(document=doc)})
    assert isinstance(document, IncomingMessage)
    assert document.attachment == Attachment("document", "doc1", "log.txt")


def test_forum_topic_gives_thread_and_hides_the_implicit_reply_to_the_topic() -> None:
    topic_root = {
        "message_id": 7,
        "date": 1,
        "chat": FORUM,
        "from": ANA,
        "forum_topic_created": {"name": "Ticket 1", "icon_color": 7322096},
    }
    in_topic = message(
        chat=FORUM, text="on it", message_thread_id=7, is_topic_message=True, reply_to_message=topic_root
    )
    event = convert_both({"update_id": 6, "message": in_topic})
    assert isinstance(event, IncomingMessage)
    assert event.chat.kind is ChatKind.SUPERGROUP and event.chat.title == "Agents"
    assert event.thread_id == 7
    assert event.reply_to_message_id is None

    real_reply = {**in_topic, "reply_to_message": message(chat=FORUM, message_id=8, message_thread_id=7)}
    replied = convert_both({"update_id": 7, "message": real_reply})
    assert isinstance(replied, IncomingMessage) and replied.reply_to_message_id == 8


def test_reply_thread_in_a_plain_supergroup_is_not_a_topic() -> None:
    reply_thread = message(chat=GROUP, text="+1", message_thread_id=3, reply_to_message=message(message_id=3))
    event = convert_both({"update_id": 8, "message": reply_thread})
    assert isinstance(event, IncomingMessage)
    assert event.thread_id is None
    assert event.reply_to_message_id == 3


def test_button_press_on_a_topic_message() -> None:
    bot_message = message(
        message_id=12,
        chat=FORUM,
        text="card",
        message_thread_id=7,
        is_topic_message=True,
        **{"from": {"id": 99, "is_bot": True, "first_name": "Desk"}},
    )
    query = {"id": "cb1", "from": ANA, "chat_instance": "x", "message": bot_message, "data": "claim:1"}
    event = convert_both({"update_id": 9, "callback_query": query})
    assert event == ButtonPress(
        update_id=9,
        callback_id="cb1",
        user=User(5, "Ana", "ana_tv", "pt-BR"),
        chat=Chat(-1001, ChatKind.SUPERGROUP, "Agents"),
        message_id=12,
        data="claim:1",
        thread_id=7,
    )


def test_button_press_on_an_inaccessible_message_still_names_chat_and_message() -> None:
    gone = {"chat": PRIVATE, "message_id": 4, "date": 0}
    query = {"id": "cb2", "from": ANA, "chat_instance": "x", "message": gone, "data": "rate:5"}
    event = convert_both({"update_id": 10, "callback_query": query})
    assert isinstance(event, ButtonPress)
    assert (event.chat.id, event.message_id, event.data, event.thread_id) == (5, 4, "rate:5", None)


@pytest.mark.parametrize(
    "update",
    [
        {
            "update_id": 12,
            "callback_query": {
                "id": "cb3",
                "from": ANA,
                "chat_instance": "x",
                "inline_message_id": "abc",
                "data": "x",
            },
        },
        {
            "update_id": 13,
            "message": {
                "message_id": 1,
                "date": 1,
                "chat": {"id": -100, "type": "channel"},
                "text": "no sender",
            },
        },
    ],
    ids=["inline-mode-button", "no-sender"],
)
def test_updates_the_desk_does_not_handle_give_no_event(update: dict[str, Any]) -> None:
    assert convert_both(update) is None


def test_an_edited_message_is_an_edit_with_its_new_words() -> None:
    edit = convert_both({"update_id": 11, "edited_message": message(caption="new\u200b words", edit_date=2)})
    assert isinstance(edit, MessageEdit)
    assert (edit.update_id, edit.message_id, edit.chat.id, edit.text) == (11, 10, 5, "new words")


def test_an_album_part_and_a_voice_message_keep_their_kind_and_group() -> None:
    voice = {"file_id": "AwAC1", "file_unique_id": "u1", "duration": 3}
    event = convert_both({"update_id": 14, "message": message(voice=voice, media_group_id="g1")})
    assert isinstance(event, IncomingMessage)
    assert (event.attachment, event.media_group_id) == (Attachment(kind="voice", file_id="AwAC1"), "g1")
