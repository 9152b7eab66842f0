"""The embedded Redis: started, shared, and never orphaned when its owner dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bot.embedded_redis import EmbeddedRedis, _alive

OWNER_SCRIPT = """
import sys, time
from pathlib import Path
from bot.embedded_redis import EmbeddedRedis
EmbeddedRedis(Path(sys.argv[1])).start()
print("ready", flush=True)
time.sleep(60)
"""


def test_server_left_by_a_killed_owner_is_adopted_and_stopped(tmp_path: Path) -> None:
    data = tmp_path / "redis"
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER_SCRIPT, str(data)],
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert owner.stdout is not None and owner.stdout.readline().strip() == b"ready"
    os.kill(owner.pid, signal.SIGKILL)
    owner.wait()

    heir = EmbeddedRedis(data).start()
    assert heir.owned
    server_pid = heir._server_pid()
    assert server_pid is not None and _alive(server_pid)
    heir.stop()
    deadline = time.monotonic() + 5
    while _alive(server_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(server_pid)
    assert not (data / "owner.pid").exists()


def test_server_with_a_live_owner_is_shared_not_stopped(tmp_path: Path) -> None:
    owner = EmbeddedRedis(tmp_path / "redis").start()
    try:
        guest = EmbeddedRedis(tmp_path / "redis").start()
        assert not guest.owned
        guest.stop()
        assert owner._ping()
    finally:
        owner.stop()
    assert not owner._ping()
