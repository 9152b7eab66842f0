"""What waits in Redis comes back as it was: events and messages through the JSON codec."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.durable.codec import event_from_json, event_to_json, outgoing_from_json, outgoing_to_json
from handlers.events import (
    Attachment,
    Button,
    ButtonPress,
    Chat,
    ChatKind,
    IncomingMessage,
    Keyboard,
    Outgoing,
    User,
)

texts = st.text(max_size=80)
ids = st.integers(min_value=-(2**52), max_value=2**52)


@given(
    text=texts,
    png=st.binary(max_size=64),
    rows=st.lists(st.lists(st.tuples(texts, texts), max_size=3), max_size=3),
)
def test_a_message_with_bytes_buttons_and_a_thread_comes_back_equal(
    text: str, png: bytes, rows: list[list[tuple[str, str]]]
) -> None:
    keyboard = Keyboard.inline(*[[Button(label, data) for label, data in row] for row in rows])
    message = Outgoing(
        -100123, text, keyboard, thread_id=7, reply_to=3, attachment=Attachment("photo", data=png), priority=1
    )
    assert outgoing_from_json(outgoing_to_json(message)) == message


@given(text=texts, user_id=ids, chat_id=ids)
def test_events_of_each_kind_come_back_equal(text: str, user_id: int, chat_id: int) -> None:
    user = User(user_id, "Carla", language_code="pt")
    message = IncomingMessage(
        1,
        2,
        user,
        Chat(chat_id, ChatKind.PRIVATE),
        text,
        attachment=Attachment("voice", "f1"),
        media_group_id="g",
    )
    press = ButtonPress(3, "cb", user, Chat(chat_id, ChatKind.SUPERGROUP), 9, text)
    assert event_from_json(event_to_json(message)) == message
    assert event_from_json(event_to_json(press)) == press
