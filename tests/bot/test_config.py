"""Settings: defaults that run the demo, and one clear line for a bad value."""

from __future__ import annotations

import pytest

from bot.config import SettingsError, load_settings


def test_defaults_run_the_sandbox_demo(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.sandbox_mode and settings.redis_url is None
    assert (settings.redis_namespace, settings.timezone, settings.runtime) == (
        "supportbot",
        "America/Sao_Paulo",
        "aiogram",
    )


def test_lists_and_empty_values(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AGENT_IDS", "1, 2 3")
    monkeypatch.setenv("AGENTS_CHAT_ID", "")
    monkeypatch.setenv("BOT_TOKEN", "")
    settings = load_settings()
    assert settings.agent_ids == [1, 2, 3]
    assert settings.agents_chat_id is None and settings.sandbox_mode


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("TIMEZONE", "Mars/Olympus", "TIMEZONE: expected an IANA time zone"),
        ("RUNTIME", "telethon", "RUNTIME: expected aiogram or ptb"),
        ("SANDBOX_PORT", "99999", "SANDBOX_PORT: expected a TCP port"),
        ("AGENT_IDS", "1,bob", "AGENT_IDS: expected comma-separated Telegram user ids"),
        ("DEFAULT_LANGUAGE", "fr", "DEFAULT_LANGUAGE: expected one of pt, en, es"),
    ],
)
def test_bad_value_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path,  # type: ignore[no-untyped-def]
    name: str,
    value: str,
    expected: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert str(error.value).startswith(expected)
    assert "\n" not in str(error.value)


def test_secret_values_are_never_echoed(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REDIS_URL", "redis://:hunter2@host:6379")
    monkeypatch.setenv("REDIS_NAMESPACE", "bad namespace")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert "hunter2" not in str(error.value)
