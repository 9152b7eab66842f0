"""Logs as operators read them: JSON lines with LOG_FORMAT=json, no scheduler chatter at INFO."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.log_format import apply_log_settings
from bot.scheduler import DeskScheduler
from tests.e2e.conftest import open_harness


@pytest.fixture
def root_stream() -> Iterator[io.StringIO]:
    """The root logger writing to a string, as `supportbot run` writes to stderr; restored after."""
    root = logging.getLogger()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    saved = (root.level, root.handlers[:])
    root.handlers = [handler]
    try:
        yield stream
    finally:
        root.setLevel(saved[0])
        root.handlers = saved[1]
        logging.getLogger("apscheduler.executors").setLevel(logging.NOTSET)


def test_json_lines_carry_level_logger_message_and_the_traceback(root_stream: io.StringIO) -> None:
    apply_log_settings("INFO", "json")
    log = logging.getLogger("bot.example")
    log.info("ticket %s claimed by %s", 7, "Ana")
    log.debug("not at INFO")
    try:
        raise ValueError("bad\nthing")
    except ValueError:
        log.exception("update %s failed", 42)
    lines = root_stream.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert (first["level"], first["logger"], first["message"]) == (
        "INFO",
        "bot.example",
        "ticket 7 claimed by Ana",
    )
    assert first["time"].endswith("+00:00") and "exception" not in first
    assert second["message"] == "update 42 failed" and "ValueError: bad\nthing" in second["exception"]


def test_text_format_stays_one_line_per_event(root_stream: io.StringIO) -> None:
    apply_log_settings("INFO", "text")
    logging.getLogger("bot.example").warning("redis slow")
    [line] = root_stream.getvalue().splitlines()
    assert line.endswith(" WARNING bot.example: redis slow")


async def test_sla_ticks_log_nothing_at_info(
    root_stream: io.StringIO, redis: Any, redis_url: str, namespace: str, tmp_path: Path
) -> None:
    """APScheduler's "Running job" / "executed successfully" pair, every tick, is gone at INFO."""
    apply_log_settings("INFO", "text")
    async for desk in open_harness(redis_url, namespace, "aiogram", tmp_path):
        ticks = 0

        async def counted(tick: Any = desk.bot.dispatcher.sla_watch.tick) -> None:
            nonlocal ticks
            ticks += 1
            await tick()

        desk.bot.dispatcher.sla_watch.tick = counted  # type: ignore[method-assign]
        scheduler = DeskScheduler(desk.bot.dispatcher, desk.bot.desk.policy, "America/Sao_Paulo", 0.2)
        scheduler.start()
        await asyncio.sleep(1.2)
        await scheduler.stop()
    assert ticks >= 3
    text = root_stream.getvalue()
    assert "scheduler started" in text
    assert "Running job" not in text and "executed successfully" not in text
