"""Settings from the environment and `.env`, validated once at start.

Every setting has a default that makes `make run` work on a fresh machine; production sets
BOT_TOKEN, REDIS_URL and the chat ids. A bad value stops the process with one line naming
the variable and what it expects (see `load_settings`), never a pydantic traceback.
"""

from __future__ import annotations

import re
import zoneinfo
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot import redaction

Language = Literal["pt", "en", "es"]

TELEGRAM_API_URL_DEFAULT = "https://api.telegram.org"


def _parse_id_list(value: object) -> object:
    """Accept `1,2,3`, `1 2 3` or an empty string for the id lists, as people write them in `.env`."""
    if isinstance(value, str):
        return [part for part in value.replace(",", " ").split() if part]
    return value


class Settings(BaseSettings):
    """The desk's configuration. Field names are the environment variable names, upper-cased."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = Field(
        default=None,
        description="the token @BotFather gave, <bot id>:<secret> (empty runs the sandbox demo)",
    )
    telegram_api_url: str = Field(default=TELEGRAM_API_URL_DEFAULT, description="a Bot API base URL")
    redis_url: str | None = Field(default=None, description="a redis:// or rediss:// or unix:// URL")
    redis_sentinels: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="comma-separated host:port of the Redis sentinels"
    )
    redis_sentinel_service: str = Field(
        default="mymaster", min_length=1, description="the service name the sentinels monitor"
    )
    redis_sentinel_password: SecretStr | None = Field(
        default=None, description="the sentinels' password (requirepass of the sentinels)"
    )
    redis_cluster_nodes: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="comma-separated host:port seed nodes of a Redis Cluster"
    )
    redis_password: SecretStr | None = Field(
        default=None, description="the password of the Sentinel primary or of the Cluster nodes"
    )
    redis_tls: bool = Field(default=False, description="true or false (TLS to sentinels and nodes)")
    redis_namespace: str = Field(
        default="supportbot",
        pattern=r"^[A-Za-z0-9_.-]{1,40}$",
        description="letters, digits, _ . - (1-40 characters)",
    )
    data_dir: Path = Field(default=Path("data"), description="a directory path")
    agents_chat_id: int | None = Field(
        default=None,
        lt=0,
        description="the agents' group chat id, negative as Telegram gives group ids (e.g. -1001234567890)",
    )
    agents_topics: bool = Field(
        default=False,
        description="true or false (true: the agents' group is a forum with one topic per customer)",
    )
    agent_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="comma-separated Telegram user ids"
    )
    supervisor_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="comma-separated Telegram user ids"
    )
    manager_chat_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="comma-separated chat ids"
    )
    customers_file: Path | None = Field(default=None, description="a CSV file path")
    faq_file: Path | None = Field(default=None, description="a YAML file path")
    policy_file: Path | None = Field(default=None, description="a YAML file path")
    canned_replies_dir: Path | None = Field(
        default=None, description="a directory with pt.yaml, en.yaml and es.yaml"
    )
    timezone: str = Field(
        default="America/Sao_Paulo", description="an IANA time zone such as America/Sao_Paulo"
    )
    default_language: Language = Field(default="pt", description="one of pt, en, es")
    agents_language: Language = Field(default="pt", description="one of pt, en, es")
    runtime: Literal["aiogram", "ptb"] = Field(default="aiogram", description="aiogram or ptb")
    sandbox_port: int = Field(default=8081, ge=0, le=65535, description="a TCP port (0-65535)")
    sla_tick_seconds: float = Field(
        default=15.0, gt=0, le=3600, description="seconds between SLA ticks (0-3600)"
    )
    webhook_url: str | None = Field(default=None, description="the public HTTPS URL for webhook mode")
    webhook_secret: SecretStr | None = Field(default=None, description="the webhook secret token")
    webhook_port: int = Field(default=8443, ge=1, le=65535, description="a TCP port (1-65535)")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="DEBUG, INFO, WARNING or ERROR"
    )
    log_format: Literal["text", "json"] = Field(default="text", description="text or json")
    metrics_port: int | None = Field(
        default=None, ge=1, le=65535, description="a TCP port for /metrics, /healthz, /readyz (1-65535)"
    )
    metrics_host: str = Field(default="127.0.0.1", description="the address METRICS_PORT listens on")

    @field_validator("agent_ids", "supervisor_ids", "manager_chat_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        return _parse_id_list(value)

    @field_validator("redis_sentinels", "redis_cluster_nodes", mode="before")
    @classmethod
    def _split_addresses(cls, value: object) -> object:
        return _parse_id_list(value)

    @field_validator("redis_sentinels", "redis_cluster_nodes")
    @classmethod
    def _host_port(cls, value: list[str]) -> list[str]:
        for address in value:
            host, _, port = address.rpartition(":")
            if not host or not port.isdigit() or not 0 < int(port) < 65536:
                raise ValueError(f"{address!r} is not host:port")
        return value

    @model_validator(mode="after")
    def _one_redis(self) -> Settings:
        """Exactly one way to reach Redis: a URL, sentinels or cluster nodes (none: the embedded server)."""
        chosen = [
            name
            for name, value in (
                ("REDIS_URL", self.redis_url),
                ("REDIS_SENTINELS", self.redis_sentinels),
                ("REDIS_CLUSTER_NODES", self.redis_cluster_nodes),
            )
            if value
        ]
        if len(chosen) > 1:
            raise ValueError(f"set only one of {' and '.join(chosen)} (they are three ways to reach Redis)")
        return self

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(r"\d+:[A-Za-z0-9_-]+", value.get_secret_value()):
            raise ValueError("not a bot token")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("unknown time zone") from exc
        return value

    @model_validator(mode="before")
    @classmethod
    def _empty_means_default(cls, data: object) -> object:
        """`AGENTS_CHAT_ID=` in `.env` (as `.env.example` leaves it) means "use the default"."""
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value != ""}
        return data

    @property
    def sandbox_mode(self) -> bool:
        """With no token the bot runs against the local sandbox instead of Telegram."""
        return self.bot_token is None


_SECRET_FIELDS = frozenset(
    {"bot_token", "webhook_secret", "redis_url", "redis_password", "redis_sentinel_password"}
)


class SettingsError(Exception):
    """A setting has a bad value; the message is one line meant for the operator."""


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning a validation failure into one line naming the variable and what it expects.

    The secrets among them (token, webhook secret, Redis passwords) are registered with the log redactor.
    """
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        if not error["loc"]:
            raise SettingsError(str(error.get("ctx", {}).get("error", error["msg"]))) from None
        name = str(error["loc"][0])
        field = Settings.model_fields.get(name)
        expected = field.description if field and field.description else error["msg"]
        shown = "hidden" if name in _SECRET_FIELDS else repr(error.get("input"))
        raise SettingsError(f"{name.upper()}: expected {expected} (got {shown})") from None
    if settings.bot_token is not None:
        redaction.protect_token(settings.bot_token.get_secret_value())
    if settings.webhook_secret is not None:
        redaction.protect(settings.webhook_secret.get_secret_value())
    redaction.protect(*redaction.url_secrets(settings.redis_url))
    for password in (settings.redis_password, settings.redis_sentinel_password):
        if password is not None:
            redaction.protect(password.get_secret_value())
    return settings
