"""The neutral events and messages as JSON, so they can wait in Redis for whichever worker comes.

An update is stored in the inbox as the event the runtime made of it, and a message as the
`Outgoing` a handler made: workers need no framework to read either, and what a worker takes
over is exactly what the first one would have handled or sent. The types are small frozen
dataclasses (`handlers.events`): orjson writes them as they are (every worker stores and reads
one per update and one per send, so the encoding is on the hot path), and this module reads them
back by their annotations, so a field added to one of them is stored without touching this file.
Bytes (a chart's PNG) travel as base64; enums as their value.
"""

from __future__ import annotations

import base64
import dataclasses
import types
import typing
from collections.abc import Callable
from enum import Enum
from functools import cache, partial
from typing import Any, TypeVar, get_args, get_origin

import orjson

from handlers.events import ButtonPress, Event, IncomingMessage, Keyboard, MessageEdit, Outgoing, TopicOp

T = TypeVar("T")
Reader = Callable[[Any], Any]

_EVENT_KINDS: dict[str, type[IncomingMessage] | type[ButtonPress] | type[MessageEdit]] = {
    "message": IncomingMessage,
    "button": ButtonPress,
    "edit": MessageEdit,
}


def event_to_json(event: Event) -> str:
    """The event as one JSON text, tagged with its kind."""
    kind = next(name for name, cls in _EVENT_KINDS.items() if isinstance(event, cls))
    return _dumps({"kind": kind, "event": event})


def event_from_json(text: str | bytes) -> Event:
    """The event `event_to_json` stored (ValueError for anything else)."""
    data = orjson.loads(text)
    kind = _EVENT_KINDS.get(data.get("kind"))
    if kind is None:
        raise ValueError(f"not a stored event: kind {data.get('kind')!r}")
    return _build(kind, data["event"])


def outgoing_to_json(message: Outgoing) -> str:
    """The message as one JSON text."""
    return _dumps(message)


def outgoing_from_json(text: str | bytes) -> Outgoing:
    """The message `outgoing_to_json` stored."""
    return _build(Outgoing, orjson.loads(text))


def topic_op_to_json(op: TopicOp) -> str:
    """A forum topic operation as one JSON text (the body of an outbox job of kind "t")."""
    return _dumps(op)


def topic_op_from_json(text: str | bytes) -> TopicOp:
    """The operation `topic_op_to_json` stored."""
    return _build(TopicOp, orjson.loads(text))


def keyboard_to_json(keyboard: Keyboard | None) -> str:
    """An edit's new keyboard (or none) as JSON text, stored beside its text in the outbox job."""
    return _dumps(keyboard)


def keyboard_from_json(text: str | bytes) -> Keyboard | None:
    """The keyboard `keyboard_to_json` stored."""
    data = orjson.loads(text)
    return None if data is None else _build(Keyboard, data)


def _dumps(value: Any) -> str:
    return orjson.dumps(value, default=_base64, option=orjson.OPT_NON_STR_KEYS).decode()


def _base64(value: Any) -> str:
    """What orjson cannot write itself: bytes, as base64 text."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"cannot store a {type(value).__name__}")


def _build(cls: type[T], data: dict[str, Any]) -> T:
    readers = _readers(cls)
    values = {}
    for name, raw in data.items():
        if name in readers:
            read = readers[name]
            values[name] = raw if read is None or raw is None else read(raw)
    return cls(**values)


@cache
def _readers(cls: type) -> dict[str, Reader | None]:
    """Each field's reader, worked out once per class from its annotations (None: the JSON value
    is the field's value). Reading the annotations again for every field of every record was a
    twentieth of a worker's CPU under load."""
    return {name: _reader(hint) for name, hint in typing.get_type_hints(cls).items()}


def _reader(hint: Any) -> Reader | None:
    """How a JSON value becomes the annotated type: dataclasses, enums, bytes, tuples, optionals."""
    origin = get_origin(hint)
    if origin is types.UnionType or origin is typing.Union:
        return _reader(next(arg for arg in get_args(hint) if arg is not type(None)))
    if origin is tuple:
        item = _reader(get_args(hint)[0])
        if item is None:
            return tuple
        return lambda raw: tuple(None if element is None else item(element) for element in raw)
    if dataclasses.is_dataclass(hint):
        return partial(_build, hint)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint
    if hint is bytes:
        return base64.b64decode
    return None
