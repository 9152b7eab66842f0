"""The agents' workspace as people meet it: names, canned replies, blocked customers, unreachable ones.

Every scenario runs on both runtimes through the sandbox, on a manual clock, and reads what the
agents, the customer and the managers see.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from escalation.clock import ManualClock
from escalation.policy import DEFAULT_POLICY_FILE
from handlers.texts import LANGUAGES, a, t
from tests.e2e.conftest import (
    AGENT_ANA,
    AGENT_BRUNO,
    AGENTS_CHAT,
    CARLA_PREMIUM,
    JOAO_BASIC,
    SUPERVISOR,
    Desk,
    buttons,
    open_harness,
    user,
)
from tests.e2e.test_agents import MINUTE, WEDNESDAY_NOON, answer, group, press, tick
from tests.e2e.test_scenarios import ANA, BRUNO, CARLA, open_ticket

pytestmark = pytest.mark.cluster

SOFIA = user(SUPERVISOR, "Sofia")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(WEDNESDAY_NOON)


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    """The default policy with an alias for Bruno."""
    text = DEFAULT_POLICY_FILE.read_text(encoding="utf-8")
    assert "  aliases: {}\n" in text
    path = tmp_path / "policy.yaml"
    path.write_text(text.replace("  aliases: {}\n", f'  aliases: {{{AGENT_BRUNO}: "Bruno (N2)"}}\n'))
    return path


@pytest.fixture
async def desk(
    redis: Redis,
    redis_config: dict[str, Any],
    namespace: str,
    runtime_kind: str,
    tmp_path: Path,
    clock: ManualClock,
    policy_file: Path,
) -> AsyncIterator[Desk]:
    """A Portuguese agents' group on a manual clock, with Bruno's alias in the policy."""
    async for harness in open_harness(
        redis_config,
        namespace,
        runtime_kind,
        tmp_path,
        clock=clock,
        agents_language="pt",
        settings_overrides={"policy_file": policy_file},
    ):
        yield harness


def plain(text: str) -> str:
    """What a person reads of one of the bot's HTML texts."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def mentioned(message: dict[str, Any]) -> set[int]:
    """The user ids a group message mentions by link."""
    ids = set()
    for entity in message.get("entities", []):
        if entity.get("url", "").startswith("tg://user?id="):
            ids.add(int(entity["url"].split("=", 1)[1]))
        elif "user" in entity:
            ids.add(int(entity["user"]["id"]))
    return ids


async def test_agents_are_named_from_telegram_or_their_alias_never_by_id(
    desk: Desk, clock: ManualClock
) -> None:
    await desk.api.set_member(AGENTS_CHAT, SOFIA, "administrator")  # a supervisor who never spoke
    number = await open_ticket(desk, CARLA)  # P1: 15 min to first response
    card = await desk.card(number)
    assert (await press(desk, BRUNO, card, "Assumir"))["text"].startswith(f"#{number} é seu")
    told = await desk.expect(CARLA_PREMIUM, "está cuidando")
    assert told["text"].startswith(f"👤 Bruno (N2) está cuidando do seu chamado #{number}")
    await desk.card(number, where=lambda text: "👤 Com: Bruno (N2)" in text)
    refused = await answer(desk, ANA, f"/release {number}")
    assert f"#{number} está com Bruno (N2)" in refused
    assert (await press(desk, BRUNO, card, "Liberar"))["text"] == f"#{number} voltou para a fila."
    clock.advance(16 * MINUTE)  # breached: supervisors and whoever is on call are pinged

    await tick(desk)
    breach = await desk.expect(AGENTS_CHAT, "prazo estourado")
    assert "Sofia" in breach["text"] and str(SUPERVISOR) not in breach["text"]
    assert "Bruno (N2)" in breach["text"] and SUPERVISOR in mentioned(breach)
    await answer(desk, BRUNO, "Vou verificar o seu sinal.", reply_to_message_id=card["message_id"])
    signed = await desk.expect(CARLA_PREMIUM, "Vou verificar o seu sinal.")
    assert signed["text"] == f"💬 Bruno (N2) · chamado #{number}:\nVou verificar o seu sinal."


# The customer speaks another language than the agents: the reply must follow the customer.
CUSTOMER_LANGUAGE = {"pt": "es", "en": "pt", "es": "en"}
REPORT = {
    "pt": "nenhum canal funciona desde ontem",
    "en": "no channels work at all since yesterday",
    "es": "ningún canal funciona desde ayer",
}
PAYMENT = {
    "pt": "João Lima, confirmamos o seu pagamento. A liberação do plano básico acontece em até 15 minutos",
    "en": "João Lima, we've received your payment. Your basic plan will be active within 15 minutes",
    "es": "João Lima, confirmamos tu pago. Tu plan básico se activa en un máximo de 15 minutos",
}
RESTART = {
    "pt": "Olá, João Lima! Vamos tentar o básico primeiro",
    "en": "Hi João Lima! Let's try the basics first",
    "es": "¡Hola, João Lima! Probemos primero lo básico",
}
FOLLOWUP = {
    "pt": "encerraremos o chamado #{n}",
    "en": "we'll close ticket #{n}",
    "es": "cerraremos el ticket #{n}",
}
CLOSING = {
    "pt": "Que bom que deu certo, João Lima! Qualquer coisa, é só chamar por aqui. Atendimento: Ana.",
    "en": "Glad it's working, João Lima! If you need anything else, just write here. Support: Ana.",
    "es": "¡Qué bueno que ya funciona, João Lima! Si necesitas algo más, escríbenos por aquí. Atención: Ana.",
}


async def test_canned_replies_reach_the_customer_in_their_language_by_command_and_by_button(
    desk_in: tuple[Desk, str],
) -> None:
    desk, lang = desk_in
    speaks = CUSTOMER_LANGUAGE[lang]
    joao = user(JOAO_BASIC, "João", language=speaks)
    number = await open_ticket(desk, joao, REPORT[speaks])
    n = f"#{number}"
    keys = "restart, cache, internet, login, payment, outage, followup, closing"

    assert await answer(desk, ANA, f"/r {number} payment") == a(lang, "relayed", ticket=n)
    paid = await desk.expect(JOAO_BASIC, PAYMENT[speaks])
    assert paid["text"].startswith(plain(t(speaks, "agent_reply", agent="Ana", ticket=n, text="")))
    assert await answer(desk, ANA, f"/r {number} refund") == "⚠️ " + a(
        lang, "canned_unknown", reply="refund", keys=keys
    )
    assert await answer(desk, ANA, "/r") == "⚠️ " + a(lang, "canned_usage", keys=keys)

    card = await desk.card(number)
    listing = await press(desk, ANA, card, a(lang, "canned_button"))
    assert listing["answered"]
    menu = await desk.expect(
        AGENTS_CHAT,
        a(lang, "canned_title", ticket=n, tongue=a(lang, f"language_{speaks}")),
        where=lambda m: m.get("reply_to_message", {}).get("message_id") == card["message_id"],
    )
    titles = {"pt": "Reiniciar app", "en": "Restart the app", "es": "Reiniciar la app"}
    assert len(buttons(menu)) == 8 and titles[lang] in buttons(menu)
    sent = await press(desk, ANA, menu, titles[lang])
    assert sent["text"] == a(lang, "relayed", ticket=n) and not sent["show_alert"]
    await desk.expect(JOAO_BASIC, RESTART[speaks])

    held = await desk.agent_says(BRUNO, "/r followup", reply_to_message_id=menu["message_id"])
    warning = await desk.expect(
        AGENTS_CHAT, "", where=lambda m: m.get("reply_to_message", {}).get("message_id") == held["message_id"]
    )
    assert a(lang, "reply_held", ticket=n, holder="Ana") in warning["text"]
    assert (await press(desk, BRUNO, warning, a(lang, "send_anyway")))["text"] == a(lang, "relayed", ticket=n)
    await desk.expect(JOAO_BASIC, FOLLOWUP[speaks].format(n=number))

    assert await answer(desk, SOFIA, f"/block {number}") == a(
        lang, "blocked_ok", customer="João Lima (SUB-1002 · Rio de Janeiro)", ticket=n, number=number
    )
    listed = await answer(desk, ANA, "/blocked")
    assert listed.startswith(a(lang, "blocked_title", count=1)) and f"/unblock {number}" in listed
    assert await answer(desk, SOFIA, f"/unblock {number}") == a(
        lang, "unblocked_ok", customer="João Lima (SUB-1002 · Rio de Janeiro)"
    )
    assert await answer(desk, ANA, "/blocked") == a(lang, "blocked_none")

    assert await answer(desk, ANA, f"/rr {number} closing") == a(lang, "resolved_ok", ticket=n)
    closed = await desk.expect(JOAO_BASIC, CLOSING[speaks])
    assert closed["text"].startswith(
        plain(t(speaks, "resolved_notice", ticket=n, note="\n" + CLOSING[speaks]))
    )
    assert "5⭐" in buttons(closed)
    assert a(lang, "refused_resolved", ticket=n) in await answer(desk, ANA, f"/r {number} restart")


INSULT = {"pt": "vocês são uns incompetentes", "en": "you are all useless", "es": "son unos inútiles"}


@pytest.mark.parametrize("speaks", LANGUAGES)
async def test_a_blocked_customer_is_kept_on_record_not_relayed_and_told_once(
    desk: Desk, speaks: str
) -> None:
    joao = user(JOAO_BASIC, "João", language=speaks)
    number = await open_ticket(desk, joao, REPORT[speaks])
    card = await desk.card(number)
    assert (
        await answer(desk, ANA, f"/block {number}")
        == "⚠️ Só supervisores podem bloquear ou desbloquear clientes."
    )
    blocked = await desk.agent_says(SOFIA, "/block", reply_to_message_id=card["message_id"])
    told = await desk.expect(
        AGENTS_CHAT,
        "",
        where=lambda m: m.get("reply_to_message", {}).get("message_id") == blocked["message_id"],
    )
    assert told["text"].startswith("🚫 João Lima (SUB-1002 · Rio de Janeiro) bloqueado")
    await desk.card(number, where=lambda text: "🚫 Cliente bloqueado" in text)

    for _ in range(3):
        await desk.say(joao, INSULT[speaks])
    notice = await desk.expect(JOAO_BASIC, t(speaks, "blocked_notice"))
    await desk.say(joao, "/status")
    await desk.expect(JOAO_BASIC, f"#{number}", after=notice["message_id"])
    seen = [m for m in await desk.bot_messages(JOAO_BASIC) if m["text"] == t(speaks, "blocked_notice")]
    assert len(seen) == 1, "told once"
    assert INSULT[speaks] not in " ".join(m.get("text", "") for m in await desk.bot_messages(AGENTS_CHAT))
    history = await desk.bot.desk.store.log(number)
    assert [e["text"] for e in history if e["event"] == "withheld"] == [INSULT[speaks]] * 3
    assert [e["actor"] for e in history if e["event"] == "customer_blocked"] == [f"agent:{SUPERVISOR}"]
    assert "customer_blocked" in str(await desk.bot.desk.redis.xrange(desk.bot.desk.store.keys.audit))

    human = await desk.say(joao, "/start")
    menu = await desk.expect(
        JOAO_BASIC, "", where=lambda m: "reply_markup" in m and m["message_id"] > human["message_id"]
    )
    label = t(speaks, "menu_human")
    pressed = await desk.api.press(joao, JOAO_BASIC, menu["message_id"], buttons(menu)[label])
    refused = await desk.api.callback(pressed)
    assert refused["show_alert"] and refused["text"] == t(speaks, "blocked_notice")

    await answer(desk, SOFIA, f"/unblock {number}")
    await desk.say(joao, "ainda sem sinal")
    relayed = await desk.expect(AGENTS_CHAT, "ainda sem sinal")
    assert relayed["text"].startswith(f"💬 #{number} João Lima")


async def test_an_answer_to_a_customer_who_blocked_the_bot_tells_the_writer_once(desk: Desk) -> None:
    number = await open_ticket(desk, user(JOAO_BASIC, "João"))
    card = await desk.card(number)
    await desk.api.block(JOAO_BASIC)
    failed = await answer(desk, ANA, "Pode testar agora?", reply_to_message_id=card["message_id"])
    assert failed == f"⚠️ Não consegui entregar ao cliente de #{number}: bloqueou o bot."
    notice = await desk.expect(AGENTS_CHAT, "bloqueou o bot e sua mensagem não foi entregue")
    assert notice["text"].startswith(f"🚫 Ana: o cliente de #{number} (João Lima) bloqueou o bot")
    assert AGENT_ANA in mentioned(notice)
    await desk.card(number, where=lambda text: "Cliente bloqueou o bot (inalcançável)" in text)
    assert (await answer(desk, ANA, f"/r {number} followup")).startswith("⚠️ Não consegui entregar")
    card = await desk.card(number)
    listing = await press(desk, BRUNO, card, "💬 Respostas")
    assert listing["answered"]
    menu = await desk.expect(AGENTS_CHAT, f"Respostas prontas para #{number}")
    toast = await press(desk, ANA, menu, "Limpar cache")
    assert toast["text"] == f"⚠️ Não consegui entregar ao cliente de #{number}: bloqueou o bot."
    notices = await group(desk, "bloqueou o bot e sua mensagem não foi entregue")
    assert len(notices) == 1, "once per ticket"


async def test_a_block_outlives_its_ticket_and_is_listed_and_undone_by_the_number_shown(desk: Desk) -> None:
    number = await open_ticket(desk, user(JOAO_BASIC, "João"))
    await answer(desk, SOFIA, f"/block {number}")
    store = desk.bot.desk.store
    await store.redis.delete(store.keys.ticket(number))  # the ticket went past retention
    listed = await answer(desk, ANA, "/blocked")
    assert f"tg {JOAO_BASIC} · #{number} · por Sofia" in listed and f"/unblock {number}" in listed
    assert (
        await answer(desk, SOFIA, f"/unblock {number}")
        == f"✅ tg {JOAO_BASIC} desbloqueado: as mensagens voltam a chegar ao grupo."
    )
    assert await answer(desk, ANA, "/blocked") == "Nenhum cliente bloqueado."
    assert await answer(desk, SOFIA, "/unblock 999") == "⚠️ O chamado #999 não existe."
