"""Button data: signed, versioned, within Telegram's 64 bytes; forgeries are refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.callbacks import ACTION_CHATS, MAX_BYTES, ButtonChat, CallbackCodec, InvalidCallback

CODEC = CallbackCodec(b"desk-secret")


def test_round_trip_and_size() -> None:
    data = CODEC.encode("claim", 123456)
    assert len(data.encode()) <= MAX_BYTES
    decoded = CODEC.decode(data, ButtonChat.AGENTS)
    assert (decoded.action, decoded.args) == ("claim", ("123456",))


@pytest.mark.parametrize(
    "data",
    [
        "",
        "claim",
        "1|claim|5",
        "2|claim|5|abcdefghij",
        "1|claim|5|AAAAAAAAAA",
        "1|claim|6|" + CODEC.encode("claim", 5).rsplit("|", 1)[1],
    ],
)
def test_forged_or_altered_data_is_refused(data: str) -> None:
    with pytest.raises(InvalidCallback):
        CODEC.decode(data, ButtonChat.AGENTS)


def test_another_desks_data_is_refused() -> None:
    with pytest.raises(InvalidCallback):
        CallbackCodec(b"other-desk").decode(CODEC.encode("claim", 5), ButtonChat.AGENTS)


def test_too_long_or_ambiguous_data_is_not_produced() -> None:
    with pytest.raises(ValueError, match="too long"):
        CODEC.encode("faq", "x" * 60)
    with pytest.raises(ValueError, match="may not contain"):
        CODEC.encode("faq", "a|b")


@given(st.text(max_size=80), st.sampled_from(ButtonChat))
def test_arbitrary_input_never_crashes_and_never_validates(data: str, chat: ButtonChat) -> None:
    try:
        CODEC.decode(data, chat)
    except InvalidCallback:
        return
    pytest.fail(f"accepted unsigned data {data!r}")


@pytest.mark.parametrize("signature", ["ééééééééé", "日本語の署名です", "\x00" * 10, "\ud800" * 10])
def test_a_signature_that_is_not_ascii_is_refused(signature: str) -> None:
    with pytest.raises(InvalidCallback):
        CODEC.decode(f"1|menu|status|{signature}", ButtonChat.CUSTOMER)


@pytest.mark.parametrize("action", sorted(ACTION_CHATS))
def test_a_button_is_valid_only_in_the_kind_of_chat_it_was_made_for(action: str) -> None:
    data = CODEC.encode(action, 1, 1)
    made_for = ACTION_CHATS[action]
    assert CODEC.decode(data, made_for).action == action
    for elsewhere in set(ButtonChat) - {made_for}:
        with pytest.raises(InvalidCallback):
            CODEC.decode(data, elsewhere)


def test_an_action_without_a_kind_of_chat_cannot_be_encoded() -> None:
    with pytest.raises(ValueError, match="ACTION_CHATS"):
        CODEC.encode("launch", 1)
