"""A bounded Redis connection pool whose checkout costs next to nothing while a connection is free.

The desk sends every Redis command through its pool, a dozen per update, so the checkout is on
the hot path. redis-py's `BlockingConnectionPool` waits for a free connection as the desk needs,
but pays for it on every checkout and release, free connection or not: a condition lock and an
`asyncio.timeout` each time, and on Python 3.11 every `get_running_loop` behind that timeout is a
`getpid` system call. That was about a tenth of a worker's CPU under load. This pool waits only
when all `max_connections` are in use (then in arrival order, up to `timeout` seconds, failing
with the same ConnectionError); otherwise its checkout is redis-py's plain pool's, without the
probe below.

redis-py makes sure a connection it hands out has nothing unread and was not closed by the server
by trying to read from it under a zero timeout: the read is suspended, the timeout cancels it, and
the command waits one more turn of the event loop. That was a fifth of the CPU of a command (about
15 of 78 microseconds per GET on the bench machine). This pool looks at the connection's stream
instead: with nothing buffered and no end of stream, there is nothing to read; otherwise redis-py's
own probe decides (and reconnects). A reply can only be left unread by a read that failed or was
cancelled, and redis-py drops such a connection on the spot.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from typing import Any

from redis.asyncio import ConnectionPool
from redis.asyncio.connection import AbstractConnection
from redis.exceptions import ConnectionError as RedisConnectionError


class WaitingConnectionPool(ConnectionPool):
    """At most `max_connections` connections; a command past them waits up to `timeout` seconds.

    A burst of hundreds of concurrent chats queues for a moment instead of opening a socket each
    (redis-py's plain pool would fail them with "Too many connections").
    """

    def __init__(
        self, max_connections: int = 50, timeout: float | None = 20, **connection_kwargs: Any
    ) -> None:
        super().__init__(max_connections=max_connections, **connection_kwargs)
        self.timeout = timeout
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def get_connection(self, command_name: object = None, *keys: object, **options: object) -> Any:
        """A connected connection, after waiting for one to be released if all are in use."""
        if not self.can_get_connection() or self._waiters:
            await self._wait_for_free()
        return await super().get_connection()

    async def ensure_connection(self, connection: AbstractConnection) -> None:
        """Connected, with nothing unread: redis-py's probe only when the stream holds data or ended."""
        stream = connection._reader  # redis-py reads this buffer too (`_socket_is_empty`)
        if stream is None or connection._writer is None or stream.at_eof() or len(stream._buffer):
            await super().ensure_connection(connection)

    async def _wait_for_free(self) -> None:
        """Wait in line until a released connection is this command's (ConnectionError after `timeout`)."""
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self.timeout):
                while True:
                    waiter: asyncio.Future[None] = loop.create_future()
                    self._waiters.append(waiter)
                    try:
                        await waiter
                    except BaseException:
                        if waiter.cancelled():
                            self._remove(waiter)
                        else:  # woken, then cancelled before it could take the connection: pass it on
                            self._wake_next()
                        raise
                    if self.can_get_connection():
                        return
        except TimeoutError as exc:
            raise RedisConnectionError("No connection available.") from exc

    async def release(self, connection: AbstractConnection) -> None:
        """Give the connection back, and the first waiting command its turn."""
        try:
            await super().release(connection)
        finally:
            self._wake_next()

    def _remove(self, waiter: asyncio.Future[None]) -> None:
        with contextlib.suppress(ValueError):
            self._waiters.remove(waiter)

    def _wake_next(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
