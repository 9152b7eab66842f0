"""Ratings as customers and supervisors see them, in pt, en and es, on both runtimes."""

from __future__ import annotations

from typing import Any

import pytest

from escalation.domain import State
from tests.e2e.conftest import (
    AGENTS_CHAT,
    CARLA_PREMIUM,
    MARY_STANDARD,
    SUPERVISOR,
    Desk,
    buttons,
    user,
)
from tests.e2e.test_scenarios import ANA, open_ticket

pytestmark = pytest.mark.cluster

CARLA = user(CARLA_PREMIUM, "Carla", "pt")
MARY = user(MARY_STANDARD, "Mary", "en")
PABLO = user(1500, "Pablo", "es")


async def resolved(desk: Desk, who: dict[str, Any], text: str, word: str) -> tuple[int, dict[str, Any]]:
    """Open a ticket, resolve it from its card; the customer's resolution message with its stars."""
    number = await open_ticket(desk, who, text)
    card = await desk.card(number)
    await desk.api.press(ANA, AGENTS_CHAT, card["message_id"], buttons(card)["Resolve"])
    return number, await desk.expect(who["id"], word, where=lambda m: "reply_markup" in m)


async def current(desk: Desk, chat: int, message_id: int) -> dict[str, Any]:
    """A message as the chat shows it now (after any edits)."""
    return next(m for m in await desk.api.messages(chat) if m["message_id"] == message_id)


async def test_a_rating_is_answered_in_a_new_message_and_the_resolution_keeps_its_text(desk: Desk) -> None:
    _, resolution = await resolved(desk, CARLA, "nenhum canal funciona desde ontem", "foi resolvido")
    await desk.api.press(CARLA, CARLA_PREMIUM, resolution["message_id"], buttons(resolution)["5⭐"])
    thanks = await desk.expect(CARLA_PREMIUM, "Obrigado pela avaliação")
    assert thanks["message_id"] != resolution["message_id"]
    assert thanks["text"].count("⭐") == 5
    after = await current(desk, CARLA_PREMIUM, resolution["message_id"])
    assert after["text"] == resolution["text"] and "foi resolvido" in after["text"]
    assert not after.get("reply_markup", {}).get("inline_keyboard")

    # A second press (an old client still showing the buttons) changes nothing.
    again = await desk.api.press(CARLA, CARLA_PREMIUM, resolution["message_id"], buttons(resolution)["1⭐"])
    assert "já foi avaliado" in (await desk.api.callback(again))["text"]


async def test_a_low_rating_asks_what_went_wrong_records_it_and_tells_the_supervisors(desk: Desk) -> None:
    mary, resolution_en = await resolved(desk, MARY, "I want to talk to a person", "was resolved")
    pablo, resolution_es = await resolved(desk, PABLO, "quiero hablar con una persona", "fue resuelto")

    await desk.api.press(MARY, MARY_STANDARD, resolution_en["message_id"], buttons(resolution_en)["1⭐"])
    asked = await desk.expect(MARY_STANDARD, "What went wrong?")
    assert f"ticket #{mary}" in asked["text"] and asked["text"].count("⭐") == 1
    alert = await desk.expect(AGENTS_CHAT, f"#{mary} rated ⭐ by Mary")
    assert any(
        e.get("user", {}).get("id") == SUPERVISOR or e.get("url") == f"tg://user?id={SUPERVISOR}"
        for e in alert.get("entities", [])
    )
    # The supervisor has not written in the group yet: the mention reads as the role, not an id.
    assert alert["text"].endswith("\nsupervisor") and str(SUPERVISOR) not in alert["text"]
    await desk.say(MARY, "Nobody answered my actual question")
    await desk.expect(MARY_STANDARD, "Thank you for telling us")
    relayed = await desk.expect(AGENTS_CHAT, "Nobody answered my actual question")
    assert f"#{mary} Mary Smith said what went wrong" in relayed["text"]

    await desk.api.press(PABLO, 1500, resolution_es["message_id"], buttons(resolution_es)["2⭐"])
    await desk.expect(1500, "¿Qué salió mal?")
    await desk.expect(AGENTS_CHAT, f"#{pablo} rated ⭐⭐ by Pablo")
    await desk.say(PABLO, "tardaron demasiado")
    await desk.expect(1500, "Gracias por contarnos")
    await desk.expect(AGENTS_CHAT, "tardaron demasiado")

    for number, words in ((mary, "Nobody answered my actual question"), (pablo, "tardaron demasiado")):
        ticket = await desk.bot.desk.store.get(number)
        assert ticket.state is State.RESOLVED  # the answer did not reopen it
        history = await desk.bot.desk.store.history(number)
        assert any(e["event"] == "feedback" and e["text"] == words for e in history)
    for chat, resolution in ((MARY_STANDARD, resolution_en), (1500, resolution_es)):
        after = await current(desk, chat, resolution["message_id"])
        assert after["text"] == resolution["text"]
        assert not after.get("reply_markup", {}).get("inline_keyboard")
