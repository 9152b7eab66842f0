"""Framework exceptions -> neutral errors, and neutral keyboards -> framework markup, for both runtimes.

The sandbox tests see these mappings through real HTTP; here every branch is covered, including
the failures a sandbox cannot provoke (timeouts, group migration, server errors).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from aiogram import exceptions as aiogram_errors
from aiogram.methods import SendMessage
from telegram import error as ptb_errors
from telegram.warnings import PTBDeprecationWarning

from bot.runtime import aiogram_messenger, ptb_messenger
from handlers.events import Button, Keyboard
from handlers.messenger import BadRequest, Forbidden, NotModified, RetryAfter, TelegramError, Unauthorized

METHOD = SendMessage(chat_id=1, text="x")


def quietly(make: Callable[[int], Exception], seconds: int) -> Exception:
    """Build PTB's RetryAfter without its own deprecation warning about `retry_after`'s type."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        return make(seconds)


NOT_MODIFIED = "Bad Request: message is not modified: specified new message content is exactly the same"

AIOGRAM: dict[str, Callable[[], Exception]] = {
    "429": lambda: aiogram_errors.TelegramRetryAfter(METHOD, "Too Many Requests: retry after 3", 3),
    "403": lambda: aiogram_errors.TelegramForbiddenError(METHOD, "Forbidden: bot was blocked by the user"),
    "not-modified": lambda: aiogram_errors.TelegramBadRequest(METHOD, NOT_MODIFIED),
    "400": lambda: aiogram_errors.TelegramBadRequest(METHOD, "Bad Request: chat not found"),
    "migrated": lambda: aiogram_errors.TelegramMigrateToChat(METHOD, "Bad Request: migrated", -100123),
    "network": lambda: aiogram_errors.TelegramNetworkError(METHOD, "Request timeout error"),
    "server": lambda: aiogram_errors.TelegramServerError(METHOD, "Internal Server Error"),
    "unauthorized": lambda: aiogram_errors.TelegramUnauthorizedError(METHOD, "Unauthorized"),
}
PTB: dict[str, Callable[[], Exception]] = {
    "429": lambda: quietly(ptb_errors.RetryAfter, 3),
    "403": lambda: ptb_errors.Forbidden("Forbidden: bot was blocked by the user"),
    "not-modified": lambda: ptb_errors.BadRequest(NOT_MODIFIED),
    "400": lambda: ptb_errors.BadRequest("Bad Request: chat not found"),
    "migrated": lambda: ptb_errors.ChatMigrated(-100123),
    "network": lambda: ptb_errors.TimedOut(),
    "server": lambda: ptb_errors.NetworkError("Internal Server Error (500)"),
    "unauthorized": lambda: ptb_errors.InvalidToken("Unauthorized"),
}
EXPECTED: dict[str, type[TelegramError]] = {
    "429": RetryAfter,
    "403": Forbidden,
    "not-modified": NotModified,
    "400": BadRequest,
    "migrated": BadRequest,
    "network": TelegramError,
    "server": TelegramError,
    "unauthorized": Unauthorized,
}
FRAMEWORKS: dict[
    str, tuple[Callable[[], AbstractContextManager[None]], dict[str, Callable[[], Exception]]]
] = {
    "aiogram": (aiogram_messenger.neutral_errors, AIOGRAM),
    "ptb": (ptb_messenger.neutral_errors, PTB),
}


@pytest.mark.parametrize("framework", sorted(FRAMEWORKS))
@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_each_failure_maps_to_its_neutral_error(framework: str, case: str) -> None:
    neutral_errors, raisers = FRAMEWORKS[framework]
    original = raisers[case]()
    with pytest.raises(TelegramError) as caught, neutral_errors():
        raise original
    assert type(caught.value) is EXPECTED[case]
    if case == "unauthorized":
        assert str(caught.value) == "the Bot API rejected the bot token"
    else:
        assert caught.value.__cause__ is original
    if case == "429":
        assert isinstance(caught.value, RetryAfter) and caught.value.seconds == 3.0
    if case == "migrated":
        assert "-100123" in str(caught.value)


@pytest.mark.parametrize("framework", sorted(FRAMEWORKS))
def test_other_exceptions_pass_through_untouched(framework: str) -> None:
    neutral_errors, _ = FRAMEWORKS[framework]
    with pytest.raises(KeyError), neutral_errors():
        raise KeyError("a bug, not a Telegram failure")


def test_ptb_retry_after_in_timedelta_mode_gives_the_same_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    assert ptb_messenger.retry_seconds(quietly(ptb_errors.RetryAfter, 7)) == 7.0


def as_json(markup: Any) -> dict[str, Any] | None:
    """A markup object of either framework as Bot API JSON."""
    if markup is None:
        return None
    if hasattr(markup, "model_dump"):
        return markup.model_dump(mode="json", exclude_none=True)
    result: dict[str, Any] = markup.to_dict()
    return result


KEYBOARDS: list[tuple[Keyboard | None, dict[str, Any] | None]] = [
    (None, None),
    (Keyboard(), None),
    (
        Keyboard.inline(
            [Button("Claim", "claim:1"), Button("Release", "release:1")], [Button("Done", "done:1")]
        ),
        {
            "inline_keyboard": [
                [
                    {"text": "Claim", "callback_data": "claim:1"},
                    {"text": "Release", "callback_data": "release:1"},
                ],
                [{"text": "Done", "callback_data": "done:1"}],
            ]
        },
    ),
    (
        Keyboard.share_contact("Share my number"),
        {
            "keyboard": [[{"text": "Share my number", "request_contact": True}]],
            "one_time_keyboard": True,
            "resize_keyboard": True,
        },
    ),
    (Keyboard.removed(), {"remove_keyboard": True}),
]


@pytest.mark.parametrize("framework", [aiogram_messenger, ptb_messenger], ids=["aiogram", "ptb"])
@pytest.mark.parametrize(
    ("keyboard", "expected"), KEYBOARDS, ids=["none", "empty", "inline", "contact", "remove"]
)
def test_keyboards_become_the_same_bot_api_markup(
    framework: Any, keyboard: Keyboard | None, expected: dict[str, Any] | None
) -> None:
    assert as_json(framework.reply_markup(keyboard)) == expected


def test_aiogram_chat_member_falls_back_to_the_raw_status_word_and_name() -> None:
    body = {"ok": True, "result": {"status": "administrator", "user": {"id": 1, "first_name": "Sofia"}}}
    member = aiogram_messenger.raw_member(body)
    assert member is not None and (member.status, member.user.id, member.user.first_name) == (
        "administrator",
        1,
        "Sofia",
    )
    assert aiogram_messenger.raw_member({"ok": True, "result": {"status": "boss", "user": {"id": 1}}}) is None
    assert aiogram_messenger.raw_member("not json") is None
