"""Button data: signed, versioned, within Telegram's 64 bytes; forgeries are refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.callbacks import MAX_BYTES, CallbackCodec, InvalidCallback

CODEC = CallbackCodec(b"desk-secret")


def test_round_trip_and_size() -> None:
    data = CODEC.encode("claim", 123456)
    assert len(data.encode()) <= MAX_BYTES
    decoded = CODEC.decode(data)
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
        CODEC.decode(data)


def test_another_desks_data_is_refused() -> None:
    with pytest.raises(InvalidCallback):
        CallbackCodec(b"other-desk").decode(CODEC.encode("claim", 5))


def test_too_long_or_ambiguous_data_is_not_produced() -> None:
    with pytest.raises(ValueError, match="too long"):
        CODEC.encode("faq", "x" * 60)
    with pytest.raises(ValueError, match="may not contain"):
        CODEC.encode("faq", "a|b")


@given(st.text(max_size=80))
def test_arbitrary_input_never_crashes_and_never_validates(data: str) -> None:
    try:
        CODEC.decode(data)
    except InvalidCallback:
        return
    pytest.fail(f"accepted unsigned data {data!r}")
