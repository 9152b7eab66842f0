"""How the bot's process runs: its event loop, and a garbage collector that ignores the start-up heap.

Both are measured on `bench/e2e.py`, where the bot is CPU-bound on one core:
- uvloop (libuv) runs the same asyncio code with a cheaper loop and transports: about 10% more
  messages a second on either runtime. It is a dependency everywhere but Windows, which it does
  not support; there the standard loop runs.
- Once started, the process holds some 140,000 long-lived objects (aiogram's and pydantic's type
  models above all) that will never be garbage. A full collection walks all of them, about 90 ms
  on the bench machine, and it happens every few thousand handled messages: that pause was the
  aiogram runtime's p99 reply time (50-130 ms instead of ~10 ms). Freezing them after start-up
  takes them out of every later collection; new objects are collected as before.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop where uvloop is installed; None (asyncio's default loop) elsewhere."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def freeze_startup_heap() -> None:
    """Collect start-up garbage once, then move every surviving object out of the collector's sight.

    Call it when start-up is over (imports done, handlers built) and before traffic starts.
    """
    gc.collect()
    gc.freeze()
