"""Settings: defaults that run the demo, and one clear line for a bad value."""

from __future__ import annotations

import pytest

from bot import redaction
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


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        (
            {"REDIS_URL": "redis://:pw@h:6379/0", "REDIS_SENTINELS": "s1:26379"},
            "REDIS_URL and REDIS_SENTINELS",
        ),
        (
            {"REDIS_URL": "redis://h:6379/0", "REDIS_CLUSTER_NODES": "n1:7000"},
            "REDIS_URL and REDIS_CLUSTER_NODES",
        ),
        (
            {"REDIS_SENTINELS": "s1:26379", "REDIS_CLUSTER_NODES": "n1:7000"},
            "REDIS_SENTINELS and REDIS_CLUSTER_NODES",
        ),
    ],
)
def test_two_ways_to_reach_redis_is_one_line_error(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path,
    variables: dict[str, str],
    named: str,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    message = str(error.value)
    assert message.startswith(f"set only one of {named}")
    assert "\n" not in message and "pw@" not in message


def test_sentinel_and_cluster_addresses(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REDIS_SENTINELS", "10.0.0.1:26379, 10.0.0.2:26379 10.0.0.3:26379")
    monkeypatch.setenv("REDIS_SENTINEL_SERVICE", "desk")
    monkeypatch.setenv("REDIS_PASSWORD", "s3cret")
    settings = load_settings()
    assert settings.redis_sentinels == ["10.0.0.1:26379", "10.0.0.2:26379", "10.0.0.3:26379"]
    assert settings.redis_sentinel_service == "desk" and settings.redis_url is None
    assert redaction.redact("AUTH s3cret failed") == f"AUTH {redaction.MASK} failed"
    monkeypatch.setenv("REDIS_SENTINELS", "10.0.0.1")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert str(error.value).startswith("REDIS_SENTINELS: expected comma-separated host:port")
    monkeypatch.delenv("REDIS_SENTINELS")
    monkeypatch.setenv("REDIS_CLUSTER_NODES", "n1:7000,n2:99999")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert str(error.value).startswith("REDIS_CLUSTER_NODES: expected comma-separated host:port")
