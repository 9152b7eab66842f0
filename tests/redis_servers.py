"""Real Redis servers for tests: a Cluster of three primaries, a primary with a replica and sentinels.

They run Debian's `redis-server` (installed by `.ci/run` when missing) on free loopback ports,
with their files in a temp dir, and are stopped by the test that started them. The machine's own
Redis on 6379 is never used.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis

START_TIMEOUT_S = 15.0
RESERVED_PORTS = frozenset({6379, 26379})


def redis_server_or_skip() -> str:
    """The path of Debian's redis-server, or skip the test saying how to get it."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server; .ci/run does it)")
    return binary


def free_port(with_bus: bool = False) -> int:
    """A loopback port nobody listens on (and, for Cluster, its bus port +10000 too)."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port in RESERVED_PORTS or port > 55000:
            continue
        if not with_bus:
            return port
        with socket.socket() as bus:
            try:
                bus.bind(("127.0.0.1", port + 10000))
            except OSError:
                continue
            return port
    raise RuntimeError("no free loopback port")


@dataclass
class RedisProcess:
    """One redis-server (or sentinel) process with its config and files in `directory`."""

    directory: Path
    port: int
    config: list[str]
    sentinel: bool = False
    password: str | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def address(self) -> str:
        """`127.0.0.1:<port>`, as the settings take it."""
        return f"127.0.0.1:{self.port}"

    def start(self) -> RedisProcess:
        """Write the config, start the server and wait until it answers PING."""
        self.directory.mkdir(parents=True, exist_ok=True)
        lines = [
            "bind 127.0.0.1",
            f"port {self.port}",
            f"dir {self.directory}",
            f"logfile {self.directory / 'redis.log'}",
            "save ''",
            *self.config,
        ]
        path = self.directory / ("sentinel.conf" if self.sentinel else "redis.conf")
        path.write_text("\n".join(lines) + "\n")
        command = [redis_server_or_skip(), str(path)] + (["--sentinel"] if self.sentinel else [])
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited at start; see {self.directory / 'redis.log'}")
            with contextlib.suppress(redis.exceptions.ConnectionError):
                if self.client().ping():
                    return self
            time.sleep(0.05)
        raise RuntimeError(f"redis-server on {self.port} did not answer within {START_TIMEOUT_S} s")

    def client(self) -> redis.Redis:
        """A synchronous client of this one process (for setting servers up and inspecting them)."""
        return redis.Redis(port=self.port, password=self.password, socket_timeout=5, decode_responses=True)

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to save or hand over anything."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        """Stop the process if it still runs (SIGTERM, then SIGKILL after 10 s)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.kill()


@contextlib.contextmanager
def redis_cluster(directory: Path, primaries: int = 3) -> Iterator[list[RedisProcess]]:
    """A Redis Cluster of `primaries` primaries (no replicas), slots spread evenly, AOF on."""
    nodes = [
        RedisProcess(
            directory / f"node{index}",
            port,
            ["cluster-enabled yes", "cluster-node-timeout 2000", "appendonly yes"],
        )
        for index, port in enumerate(free_port(with_bus=True) for _ in range(primaries))
    ]
    try:
        for node in nodes:
            node.start()
        slots = 16384
        for index, node in enumerate(nodes):
            first, last = index * slots // primaries, (index + 1) * slots // primaries - 1
            node.client().execute_command("CLUSTER", "ADDSLOTSRANGE", first, last)
        for node in nodes[1:]:
            node.client().execute_command("CLUSTER", "MEET", "127.0.0.1", nodes[0].port)
        _wait(lambda: all(_cluster_ok(node, primaries) for node in nodes), "the cluster to form")
        yield nodes
    finally:
        for node in nodes:
            node.stop()


def _cluster_ok(node: RedisProcess, primaries: int) -> bool:
    info = node.client().execute_command("CLUSTER", "INFO")
    text = info if isinstance(info, str) else info.decode()
    return "cluster_state:ok" in text and f"cluster_known_nodes:{primaries}" in text


@dataclass
class SentinelGroup:
    """A primary, its replica and three sentinels watching them as `service`."""

    service: str
    primary: RedisProcess
    replica: RedisProcess
    sentinels: list[RedisProcess]

    def current_primary_port(self) -> int:
        """The port the sentinels now name as the primary."""
        _host, port = self.sentinels[0].client().sentinel_get_master_addr_by_name(self.service)
        return int(port)


@contextlib.contextmanager
def sentinel_group(
    directory: Path,
    service: str = "desk",
    down_after_ms: int = 1000,
    password: str | None = None,
    sentinel_password: str | None = None,
) -> Iterator[SentinelGroup]:
    """Start a primary, a replica and three sentinels (quorum 2); stop them all afterwards.

    Both servers run as deploy/redis.conf advises for one replica: AOF with fsync every second,
    no min-replicas-to-write (a promoted replica, alone, must take writes). `password` is the
    servers' requirepass, `sentinel_password` the sentinels' own.
    """
    durable = ["appendonly yes", "appendfsync everysec"]
    if password:
        durable += [f"requirepass {password}", f"masterauth {password}"]
    primary = RedisProcess(directory / "primary", free_port(), durable, password=password)
    replica = RedisProcess(
        directory / "replica",
        free_port(),
        [*durable, f"replicaof 127.0.0.1 {primary.port}"],
        password=password,
    )
    sentinels = [
        RedisProcess(
            directory / f"sentinel{index}",
            free_port(),
            [
                f"sentinel monitor {service} 127.0.0.1 {primary.port} 2",
                f"sentinel down-after-milliseconds {service} {down_after_ms}",
                f"sentinel failover-timeout {service} 10000",
                f"sentinel parallel-syncs {service} 1",
                *([f"sentinel auth-pass {service} {password}"] if password else []),
                *([f"requirepass {sentinel_password}"] if sentinel_password else []),
            ],
            sentinel=True,
            password=sentinel_password,
        )
        for index in range(3)
    ]
    processes = [primary, replica, *sentinels]
    try:
        primary.start()
        replica.start()
        _wait(
            lambda: replica.client().info("replication").get("master_link_status") == "up",
            "the replica to sync",
        )
        for sentinel in sentinels:
            sentinel.start()
        group = SentinelGroup(service, primary, replica, sentinels)
        _wait(
            lambda: all(
                int(s.client().sentinel_master(service).get("num-other-sentinels", 0)) == 2
                and int(s.client().sentinel_master(service).get("num-slaves", 0)) == 1
                for s in sentinels
            ),
            "the sentinels to find each other and the replica",
        )
        yield group
    finally:
        for process in processes:
            process.stop()


def _wait(condition, what: str, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(redis.exceptions.RedisError):
            if condition():
                return
        time.sleep(0.1)
    raise RuntimeError(f"timed out waiting for {what}")
