"""aiogram's answers are parsed with pydantic classes that are built once, not again after a collection."""

from __future__ import annotations

import gc

import pytest
from pydantic._internal import _generics

from bot.runtime import build_runtime
from handlers.events import Keyboard, Outgoing
from sandbox.client import SandboxClient
from sandbox.server import Sandbox

ANA = {"id": 801, "first_name": "Ana"}


async def test_sends_and_edits_after_a_collection_build_no_pydantic_class(
    sandbox: Sandbox, client: SandboxClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = build_runtime("aiogram", sandbox.token, sandbox.base_url)
    await client.send_message(ANA, "oi")
    built: list[str] = []
    original = _generics.create_generic_submodel

    def counting(model_name: str, *rest: object) -> object:
        built.append(model_name)
        return original(model_name, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(_generics, "create_generic_submodel", counting)
    try:
        for round_number in range(3):
            gc.collect()
            sent = await runtime.messenger.send(Outgoing(ANA["id"], f"olá {round_number}"))
            gc.collect()
            await runtime.messenger.edit(ANA["id"], sent, f"olá de novo {round_number}", Keyboard.inline())
    finally:
        await runtime.close()
    assert built == []
