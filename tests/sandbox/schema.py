"""Check JSON against the official Bot API types (field names, field types, required fields).

The schema is `botapi_types.json`: Bot API 10.1's types as published in machine-readable form,
trimmed to the types the sandbox emits. A field the sandbox invents, misspells or leaves out when
required is reported with its path, which is more telling than a framework's parse failure.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TYPES: dict[str, Any] = json.loads(Path(__file__).with_name("botapi_types.json").read_text("utf-8"))["types"]
# Fields Telegram sends since a later Bot API version than the schema's (10.3 here), which aiogram requires.
NEWER_FIELDS = {"ChatMemberAdministrator": {"can_send_welcome_messages"}}
PRIMITIVES = {
    "Integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "String": lambda v: isinstance(v, str),
    "Boolean": lambda v: isinstance(v, bool),
    "Float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
}


def problems(value: Any, type_name: str, path: str = "$") -> list[str]:
    """Every mismatch between `value` and the Bot API type, as "path: what" lines."""
    if type_name.startswith("Array of "):
        if not isinstance(value, list):
            return [f"{path}: expected {type_name}"]
        inner = type_name.removeprefix("Array of ")
        return [problem for i, item in enumerate(value) for problem in problems(item, inner, f"{path}[{i}]")]
    if type_name in PRIMITIVES:
        return [] if PRIMITIVES[type_name](value) else [f"{path}: expected {type_name}, got {value!r}"]
    spec = TYPES.get(type_name)
    if spec is None:
        return [f"{path}: type {type_name} is not in the trimmed schema"]
    if "subtypes" in spec:
        if any(not problems(value, subtype, path) for subtype in spec["subtypes"]):
            return []
        return [f"{path}: matches none of {type_name}'s kinds {spec['subtypes']}"]
    if not isinstance(value, dict):
        return [f"{path}: expected a {type_name} object"]
    fields = {field["name"]: field for field in spec["fields"]}
    newer = NEWER_FIELDS.get(type_name, set())
    found = [
        f"{path}: {type_name} has no field {name!r}" for name in value if name not in fields.keys() | newer
    ]
    found += [
        f"{path}: {type_name} lacks required {name!r}"
        for name, f in fields.items()
        if f["required"] and name not in value
    ]
    for name, item in value.items():
        if name in fields:
            options = [problems(item, option, f"{path}.{name}") for option in fields[name]["types"]]
            if all(options):
                found += min(options, key=len)
    return found


def assert_valid(value: Any, type_name: str) -> None:
    """Fail with every mismatch listed."""
    found = problems(value, type_name)
    assert not found, "\n".join(found)
