"""Agents answering with FAQ entries and managers approving what that teaches, on both runtimes."""

from __future__ import annotations

import pytest

from escalation.domain import State
from escalation.phrasings import PhrasingStore
from faq.matcher import Outcome
from tests.e2e.conftest import (
    AGENT_ANA,
    AGENT_BRUNO,
    AGENTS_CHAT,
    JOAO_BASIC,
    MANAGER_CHAT,
    MARY_STANDARD,
    STRANGER,
    Desk,
    buttons,
    user,
)

pytestmark = pytest.mark.cluster

JOAO = user(JOAO_BASIC, "João")
MARY = user(MARY_STANDARD, "Mary", "en")
ANA = user(AGENT_ANA, "Ana")
BRUNO = user(AGENT_BRUNO, "Bruno")
MANAGER = user(MANAGER_CHAT, "Gerente")
QUESTION = "instalar na tv?"


async def ticket_from_suggestions(desk: Desk, who: dict, text: str) -> int:
    """The customer asks something the FAQ is unsure of and asks for a person from its suggestions."""
    await desk.say(who, text)
    suggested = await desk.expect(who["id"], "", where=lambda m: "reply_markup" in m)
    human = next(data for label, data in buttons(suggested).items() if "🙋" in label)
    await desk.api.press(who, who["id"], suggested["message_id"], human)
    opened = await desk.expect(who["id"], "#")
    return int(opened["text"].split("#", 1)[1].split()[0].rstrip(".,"))


async def test_the_card_button_answers_and_an_approved_phrasing_is_answered_at_once(desk: Desk) -> None:
    triage = desk.bot.dispatcher.ctx.triage
    assert triage.matcher.match(QUESTION, "pt").outcome is not Outcome.ANSWER
    number = await ticket_from_suggestions(desk, JOAO, QUESTION)

    card = await desk.card(number, where=lambda text: "📚" not in text)
    entry_buttons = {label: data for label, data in buttons(card).items() if label.startswith("📚")}
    assert entry_buttons, buttons(card)
    label, data = next(iter(entry_buttons.items()))
    press = await desk.api.press(ANA, AGENTS_CHAT, card["message_id"], data)
    toast = await desk.api.callback(press)
    assert "FAQ answer" in toast["text"] and f"#{number}" in toast["text"] and "F1" in toast["text"]

    entry = triage.knowledge.get(data.split("|")[3])
    assert entry is not None and label == f"📚 {entry.title('en')[:40]}"
    answer = await desk.expect(JOAO_BASIC, f"💬 Ana · chamado #{number}:")
    assert entry.answer("pt")[:40] in answer["text"]
    ticket = await desk.bot.desk.store.get(number)
    assert ticket.first_response_at is not None and ticket.state is State.CLAIMED

    await desk.api.send_message(MANAGER, "/faq")
    listing = await desk.expect(MANAGER_CHAT, "F1")
    assert f"«{QUESTION}»" in listing["text"] and f"#{number}" in listing["text"]
    assert set(buttons(listing)) == {"✅ Approve F1", "❌ Reject F1"}
    press = await desk.api.press(
        MANAGER, MANAGER_CHAT, listing["message_id"], buttons(listing)["✅ Approve F1"]
    )
    assert "F1 approved" in (await desk.api.callback(press))["text"]
    await desk.expect(MANAGER_CHAT, "No proposed phrasing is waiting")

    await desk.say(user(1099, "Ze"), QUESTION)
    learned = await desk.expect(1099, "Isso ajudou?")
    assert entry.answer("pt")[:40] in learned["text"]


async def test_faq_command_answers_in_the_customers_language_and_refuses_what_it_cannot(desk: Desk) -> None:
    await desk.say(MARY, "I want to talk to a person about paying by pix")
    opened = await desk.expect(MARY_STANDARD, "#")
    number = int(opened["text"].split("#", 1)[1].split()[0].rstrip(".,"))
    entry = desk.bot.dispatcher.ctx.triage.knowledge.get("pay-pix")
    assert entry is not None

    await desk.agent_says(ANA, f"/faq {number} no-such-entry")
    await desk.expect(AGENTS_CHAT, "There is no FAQ entry “no-such-entry”")
    await desk.agent_says(ANA, f"/faq {number}")
    await desk.expect(AGENTS_CHAT, "Usage: /faq N entry")
    await desk.agent_says(user(STRANGER, "Mallory"), f"/faq {number} pay-pix")
    await desk.expect(AGENTS_CHAT, "Only agents")

    await desk.agent_says(ANA, f"/faq {number} pay-pix")
    await desk.expect(AGENTS_CHAT, f"FAQ answer “{entry.title('en')}” sent to the customer of #{number}")
    answer = await desk.expect(MARY_STANDARD, f"💬 Ana · ticket #{number}:")
    assert entry.answer("en")[:40] in answer["text"]
    pending = await PhrasingStore(desk.bot.desk.redis, desk.bot.desk.store.keys).pending()
    assert [(c.entry_id, c.lang, c.text) for c in pending] == [
        ("pay-pix", "en", "I want to talk to a person about paying by pix")
    ]

    await desk.agent_says(BRUNO, f"/faq {number} pay-pix")
    await desk.expect(AGENTS_CHAT, f"#{number} is already held by Ana")

    await desk.bot.desk.store.resolve(number, AGENT_ANA)
    await desk.agent_says(ANA, f"/faq {number} pay-pix")
    await desk.expect(AGENTS_CHAT, "resolved")


async def test_the_summary_lists_candidates_and_a_rejected_one_teaches_nothing(
    desk: Desk,
) -> None:
    number = await ticket_from_suggestions(desk, JOAO, QUESTION)
    await desk.agent_says(ANA, f"/faq {number} install-smart-tv")
    notice = await desk.expect(AGENTS_CHAT, "F1")
    await desk.api.send_message(MANAGER, "bom dia")  # the manager's chat exists once they wrote
    assert await desk.bot.dispatcher.managers.send_scheduled_summary()
    await desk.expect(MANAGER_CHAT, "Summary")
    listing = await desk.expect(MANAGER_CHAT, "Customers' phrasings proposed for the FAQ (1 waiting)")
    assert "F1" in listing["text"]

    forged = await desk.api.press(ANA, AGENTS_CHAT, notice["message_id"], buttons(listing)["✅ Approve F1"])
    assert (await desk.api.callback(forged))["show_alert"]
    press = await desk.api.press(
        MANAGER, MANAGER_CHAT, listing["message_id"], buttons(listing)["❌ Reject F1"]
    )
    assert "F1 rejected" in (await desk.api.callback(press))["text"]
    again = await desk.api.press(
        MANAGER, MANAGER_CHAT, listing["message_id"], buttons(listing)["✅ Approve F1"]
    )
    assert "already decided" in (await desk.api.callback(again))["text"]
    phrasings = PhrasingStore(desk.bot.desk.redis, desk.bot.desk.store.keys)
    assert (await phrasings.pending(), await phrasings.approved()) == ([], [])


async def test_a_ticket_opened_from_the_menu_without_a_question_proposes_nothing(desk: Desk) -> None:
    await desk.say(JOAO, "/start")
    menu = await desk.expect(JOAO_BASIC, "", where=lambda m: "reply_markup" in m)
    human = next(data for label, data in buttons(menu).items() if "🙋" in label)
    await desk.api.press(JOAO, JOAO_BASIC, menu["message_id"], human)
    opened = await desk.expect(JOAO_BASIC, "#")
    number = int(opened["text"].split("#", 1)[1].split()[0].rstrip(".,"))

    await desk.agent_says(ANA, f"/faq {number} pay-pix")
    sent = await desk.expect(AGENTS_CHAT, f"sent to the customer of #{number}")
    assert "candidate" not in sent["text"]
    await desk.expect(JOAO_BASIC, f"💬 Ana · chamado #{number}:")
    phrasings = PhrasingStore(desk.bot.desk.redis, desk.bot.desk.store.keys)
    assert await phrasings.pending() == []
