"""The bot process of `bench/e2e.py --outbox unpaced`: `supportbot run` with the outbox's pacing lifted.

Its own small module, so the measured process imports what a real bot imports and nothing of the
bench (the sandbox, psutil): its memory is the bot's. `serve` looks `start_bot` up at call time,
so swapping it changes the outbox limits and nothing else: settings, signals and shutdown stay
the real ones. Not a benchmark itself: `make bench` runs only the benches.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bot.app
from bot.cli import main as supportbot_main
from bot.config import Settings
from bot.durable.outbox import Limits

UNPACED = Limits(
    global_per_s=1e9,
    global_burst=1e9,
    group_per_window=10**9,
    group_window_s=0.001,
    private_per_s=1e9,
    private_burst=1e9,
)


def main(argv: list[str]) -> int:
    """`supportbot run ARGV` with the outbox limits raised, as tests/e2e/conftest.py raises them."""
    original = bot.app.start_bot

    def start_bot(settings: Settings, token: str, api_url: str, limits: Limits | None = None) -> Any:
        return original(settings, token, api_url, limits or UNPACED)

    bot.app.start_bot = start_bot  # type: ignore[assignment]
    return supportbot_main(["run", *argv])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
