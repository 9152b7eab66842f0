"""Each operator mistake ends `supportbot run` with one line on stderr naming the setting, and exit code 1.

The console script runs as a process in an empty directory with only the mistaken setting (and
what it needs to get that far), as an operator would start it; stderr is read whole.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from handlers.canned import DEFAULT_CANNED_DIR
from sandbox.server import Sandbox
from tests.bot.processes import password_redis, supportbot

ERROR_PREFIX = "supportbot: "


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The single error line, after checking there is no traceback and the exit code is 1."""
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith(ERROR_PREFIX)]
    assert len(errors) == 1, result.stderr
    assert result.stderr.rstrip().endswith(errors[0]), result.stderr
    return errors[0]


@pytest.fixture
def redis_port(tmp_path: Path) -> Iterator[int]:
    """A Redis of the test's own that wants the password `right-password`."""
    with password_redis(tmp_path, "right-password") as port:
        yield port


def test_a_redis_url_that_is_no_url(tmp_path: Path) -> None:
    line = one_line_error(supportbot(tmp_path, "run", REDIS_URL="garbage"))
    assert "REDIS_URL" in line and "redis://" in line


def test_a_wrong_redis_password(tmp_path: Path, redis_port: int) -> None:
    url = f"redis://:wrong-password@127.0.0.1:{redis_port}/0"
    line = one_line_error(supportbot(tmp_path, "run", REDIS_URL=url))
    assert "REDIS_URL" in line and "password" in line and "wrong-password" not in line


def test_a_redis_database_the_server_does_not_have(tmp_path: Path, redis_port: int) -> None:
    url = f"redis://:right-password@127.0.0.1:{redis_port}/99"
    line = one_line_error(supportbot(tmp_path, "run", REDIS_URL=url))
    assert "REDIS_URL" in line and "database" in line


def test_nobody_listening_at_redis_url(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"redis://127.0.0.1:{probe.getsockname()[1]}/0"
        line = one_line_error(supportbot(tmp_path, "run", REDIS_URL=url))
    assert "REDIS_URL" in line and "cannot reach" in line


def test_a_data_dir_that_cannot_be_created(tmp_path: Path) -> None:
    line = one_line_error(supportbot(tmp_path, "run", DATA_DIR="/proc/nope"))
    assert "DATA_DIR" in line and "writable directory" in line


def test_a_sandbox_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = one_line_error(supportbot(tmp_path, "run", SANDBOX_PORT=str(port)))
    assert "SANDBOX_PORT" in line and "free port" in line


def test_a_positive_agents_chat_id(tmp_path: Path) -> None:
    line = one_line_error(supportbot(tmp_path, "run", AGENTS_CHAT_ID="123456"))
    assert "AGENTS_CHAT_ID" in line and "negative" in line


@pytest.mark.parametrize("runtime", ["aiogram", "ptb"])
async def test_a_bot_token_telegram_rejects(tmp_path: Path, runtime: str) -> None:
    sandbox = Sandbox(token="777000111:the-right-token")
    await sandbox.start()
    try:
        result = await asyncio.to_thread(
            supportbot,
            tmp_path,
            "run",
            BOT_TOKEN="777000111:a-wrong-token",
            TELEGRAM_API_URL=sandbox.base_url,
            RUNTIME=runtime,
        )
    finally:
        await sandbox.stop()
    line = one_line_error(result)
    assert "BOT_TOKEN" in line and "@BotFather" in line


@pytest.mark.parametrize("setting", ["POLICY_FILE", "FAQ_FILE"])
def test_a_file_that_is_not_utf8(tmp_path: Path, setting: str) -> None:
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("# política padrão\n".encode("latin-1"))
    line = one_line_error(supportbot(tmp_path, "run", **{setting: str(latin1)}))
    assert setting in line and "UTF-8" in line and "line 1" in line


def test_a_bot_token_that_is_no_token(tmp_path: Path) -> None:
    line = one_line_error(supportbot(tmp_path, "run", BOT_TOKEN="paste-it-here"))
    assert "BOT_TOKEN" in line and "@BotFather" in line and "paste-it-here" not in line


@pytest.mark.parametrize("runtime", ["aiogram", "ptb"])
async def test_webhook_mode_without_a_secret_or_on_a_port_in_use(tmp_path: Path, runtime: str) -> None:
    sandbox = Sandbox(token="777000111:the-right-token")
    await sandbox.start()
    webhook = {
        "BOT_TOKEN": "777000111:the-right-token",
        "TELEGRAM_API_URL": sandbox.base_url,
        "RUNTIME": runtime,
        "WEBHOOK_URL": "https://desk.example.com/hook",
    }
    try:
        no_secret = await asyncio.to_thread(supportbot, tmp_path, "run", **webhook)
        with socket.socket() as taken:
            taken.bind(("0.0.0.0", 0))
            taken.listen()
            port = str(taken.getsockname()[1])
            port_taken = await asyncio.to_thread(
                supportbot, tmp_path, "run", WEBHOOK_SECRET="s3cret-token", WEBHOOK_PORT=port, **webhook
            )
    finally:
        await sandbox.stop()
    assert "WEBHOOK_SECRET" in one_line_error(no_secret)
    line = one_line_error(port_taken)
    assert "WEBHOOK_PORT" in line and port in line


def test_a_canned_replies_file_that_is_broken(tmp_path: Path) -> None:
    folder = tmp_path / "canned"
    shutil.copytree(DEFAULT_CANNED_DIR, folder)
    (folder / "es.yaml").write_text("payment: [title, text\n", encoding="utf-8")
    line = one_line_error(supportbot(tmp_path, "run", CANNED_REPLIES_DIR=str(folder)))
    assert "es.yaml" in line and "not valid YAML" in line
