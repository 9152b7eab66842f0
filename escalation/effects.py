"""Effects once per update: a handler that runs again after a crash replays what it already did.

A worker can die in the middle of handling an update (kill -9, OOM, a lost machine); the update
stays in the inbox and another worker, or the same one restarted, handles it again from the
start. Skipping it would lose what the first run had not done yet; applying it again would open
a second ticket or send a second acknowledgement. So each effect of a handling (a ticket
transition, an outgoing message) is named by its update and its rank in that handling: the
n-th transition of update 812 is `u812:t:n`, its n-th send `u812:o:n`. The store and the outbox
record what each named effect did, atomically with doing it, and a replay that reaches the same
name gets the recorded result instead of a second application.

The scope lives in a context variable so the domain code needs no extra parameter; code outside
any update (the SLA tick, a summary) has no scope and each of its effects is new, which is right
because those jobs are claimed once by atomic Redis removals already.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")

EFFECTS_TTL_S = 24 * 3600  # as long as an update can sit in the inbox and be handled again


@dataclass(slots=True)
class EffectScope:
    """The effects of one update's handling, counted by kind in the order the handler asks for them."""

    name: str
    _next: dict[str, int] = field(default_factory=dict)
    update: str = ""

    def __post_init__(self) -> None:
        # The scope of the update itself, whose effects hash records this scope's effects too.
        self.update = self.update or self.name

    def peek(self, kind: str) -> str:
        """The name the next effect of `kind` will have (it is not counted until `advance`)."""
        return f"{self.name}:{kind}:{self._next.get(kind, 0)}"

    def advance(self, kind: str) -> None:
        """Count one effect of `kind` as done: the next one gets the next rank."""
        self._next[kind] = self._next.get(kind, 0) + 1

    def take(self, kind: str) -> str:
        """Name the next effect of `kind` and count it (for effects that always happen once asked)."""
        name = self.peek(kind)
        self.advance(kind)
        return name


_current: ContextVar[EffectScope | None] = ContextVar("effect_scope", default=None)


def current_scope() -> EffectScope | None:
    """The scope of the update being handled, or None outside any update."""
    return _current.get()


def effect_name(kind: str) -> str:
    """Name the next effect of `kind` of the update being handled; outside any update, a new name.

    For effects that record their name as their owner (a once-marker, a taken value): the replay
    of a handling finds its own name there and goes on, anyone else finds another.
    """
    scope = _current.get()
    return scope.take(kind) if scope is not None else f"x:{secrets.token_hex(8)}"


def next_part() -> str:
    """Name the next part of this handling that runs in the background ("" outside any update).

    Call it where the handler starts the part, not in the part: the handler starts its parts in
    the same order in a replay, however they then interleave.
    """
    scope = _current.get()
    return scope.take("b") if scope is not None else ""


@contextmanager
def sub_scope(part: str) -> Iterator[EffectScope | None]:
    """Count the effects of one part of a handling apart: a background task, one of a fan-out.

    Parts that run side by side (`asyncio.gather`, tasks) reach their effects in whatever order
    their I/O completes, so ranks shared with the handler would name different effects in a
    replay. A part named by what it is (`t42`: ticket 42 of a fan-out) or by `next_part` gets
    ranks of its own; its records stay in the update's effects hash.
    """
    parent = _current.get()
    if parent is None or not part:
        yield None
        return
    token = _current.set(EffectScope(f"{parent.name}/{part}", update=parent.update))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


async def as_part(part: str, work: Awaitable[T]) -> T:
    """Await `work` as a part of its own (`sub_scope`): for each coroutine of an `asyncio.gather`."""
    with sub_scope(part):
        return await work


@contextmanager
def effect_scope(name: str) -> Iterator[EffectScope]:
    """Handle one update inside a scope named after it (`u<update_id>`)."""
    scope = EffectScope(name)
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)
