"""Incidents tell every side the truth, end to end on both runtimes, with a Portuguese agents' group.

A burst about one channel opens that channel's incident, never a global one because unrelated
reports were about; only waiting reports of its kind are linked (their cards marked); a claimed
ticket stays with its holder, a resolved one hears nothing more; updates reach each subscriber
in their language with the agents' words quoted; `/incident resolve` closes nothing until an
agent confirms on the card, and the holders of the tickets it leaves open are named. Throwaway
accounts alone open nothing; a premium subscriber's own problem keeps its card, while their report of
the same outage is named on the incident's card instead of getting one.
"""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from redis.asyncio import Redis

import tests.e2e.conftest as harness
from escalation.domain import State
from escalation.policy import DEFAULT_POLICY_FILE
from tests.e2e.conftest import AGENT_ANA, AGENT_BRUNO, AGENTS_CHAT, Desk, buttons, open_harness, user

pytestmark = pytest.mark.cluster

ANA, BRUNO = user(AGENT_ANA, "Ana"), user(AGENT_BRUNO, "Bruno")
PAULA_PREMIUM, RAFA_PREMIUM = 8001, 8010
KNOWN = [8000 + i for i in range(2, 10)]
STRANGERS = [8101 + i for i in range(5)]
GLOBO = {
    "pt": "a globo está travando",
    "en": "the globo channel keeps freezing",
    "es": "el canal globo se congela",
}


@pytest.fixture
def directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Two premium subscribers and eight basic ones; the strangers are in no directory."""
    policy = yaml.safe_load(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))
    policy["incidents"]["card_interval"] = "1s"
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(yaml.safe_dump(policy, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("POLICY_FILE", str(policy_file))
    folder = tmp_path / "directory"
    folder.mkdir()
    rows = [(PAULA_PREMIUM, "premium"), (RAFA_PREMIUM, "premium")] + [(tid, "basico") for tid in KNOWN]
    with (folder / "customers.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["subscriber_id", "name", "phone", "telegram_id", "plan", "region", "status"])
        for tid, plan in rows:
            writer.writerow([f"S{tid}", f"Cliente {tid}", f"+55 11 9{tid:08d}", tid, plan, "", "active"])
    monkeypatch.setattr(harness, "DEMO_DIR", folder)
    yield


@pytest.fixture
async def desk_pt(
    directory: None,
    redis: Redis,
    redis_config: dict[str, Any],
    namespace: str,
    runtime_kind: str,
    tmp_path: Path,
) -> AsyncIterator[Desk]:
    async for desk in open_harness(redis_config, namespace, runtime_kind, tmp_path, agents_language="pt"):
        yield desk


async def report(desk: Desk, tid: int, text: str, language: str = "pt") -> dict[str, Any]:
    """A subscriber reports; returns their first answer (a new ticket, or "we know about it")."""
    await desk.say(user(tid, f"Cliente {tid}", language), text)
    return await desk.api.wait_for(
        tid,
        lambda m: any(w in m.get("text", "") for w in ("#", "Já sabemos", "already know", "Ya sabemos")),
        10,
    )


async def number_of(desk: Desk, tid: int) -> int:
    [ticket] = [t for t in await desk.bot.desk.store.list(limit=50) if t.customer.telegram_id == tid]
    return ticket.number


async def press(desk: Desk, who: dict[str, Any], message: dict[str, Any], label: str) -> None:
    callback = await desk.api.press(who, AGENTS_CHAT, message["message_id"], buttons(message)[label])
    assert (await desk.api.callback(callback))["answered"]


async def texts(desk: Desk, chat: int, needle: str) -> list[str]:
    return [m["text"] for m in await desk.bot_messages(chat) if needle in m.get("text", "")]


async def test_a_channel_burst_links_only_its_waiting_reports_and_resolves_only_on_confirmation(
    desk_pt: Desk,
) -> None:
    desk = desk_pt
    store = desk.bot.desk.store
    # Unrelated reports in the window: a premium "app won't open" an agent claims, a partial
    # fault on one phone, and a login problem already resolved.
    await report(desk, PAULA_PREMIUM, "o aplicativo não abre de jeito nenhum")
    await press(desk, ANA, await desk.card(1), "Assumir")
    await report(desk, 8002, "a imagem está travando no celular")
    await report(desk, 8003, "não consigo entrar no app, dá erro de login")
    await press(desk, ANA, await desk.card(3), "Resolver")

    # The burst about Globo: the first reporter's ticket is claimed before the threshold.
    await report(desk, 8004, GLOBO["pt"])
    await press(desk, ANA, await desk.card(4), "Assumir")
    for tid, language in ((8005, "en"), (8006, "es"), (8007, "pt")):
        await report(desk, tid, GLOBO[language], language)
    known = await report(desk, 8008, GLOBO["pt"])
    assert "Já sabemos de um problema" in known["text"]

    card = await desk.expect(AGENTS_CHAT, "Incidente I1", where=lambda m: "Afetados: 4" in m["text"])
    assert "Escopo: canal globo" in card["text"] and "todos" not in card["text"]
    assert set(buttons(card)) == {"📢 Atualizar", "✅ Resolver"}
    linked = {t.number for t in await store.list(limit=50) if t.incident == "1"}
    assert linked == {5, 6, 7, 8}  # not the claimed #4, nor #1, #2 or #3
    for number in (5, 6, 7):  # the first customers of the burst: their cards are marked
        await desk.card(number, where=lambda text: "🚨 Parte do incidente I1" in text)
    for number in (1, 2, 4):
        assert "Parte do incidente" not in (await desk.card(number))["text"]

    await press(desk, BRUNO, await desk.card(6), "Assumir")  # a linked ticket an agent takes on
    await press(desk, ANA, await desk.card(7), "Resolver")  # one closed on its own
    await desk.expect(8007, "resolvido")

    await desk.agent_says(ANA, "/incident update Reiniciando o servidor da Globo")
    await desk.expect(AGENTS_CHAT, "Atualização de I1 a caminho de 3 assinantes")
    english = await desk.expect(8005, "Update on the problem")
    assert "Our team wrote (in Portuguese):\nReiniciando o servidor da Globo" in english["text"]
    spanish = await desk.expect(8006, "Actualización sobre el problema")
    assert "Nuestro equipo escribió (en portugués):" in spanish["text"]
    portuguese = await desk.expect(8008, "Atualização sobre o problema")
    assert "Nossa equipe escreveu:\nReiniciando" in portuguese["text"]

    await desk.agent_says(ANA, "/incident resolve Normalizado")
    asked = await desk.expect(AGENTS_CHAT, "I1: ao confirmar, os chamados na fila são encerrados")
    assert "avisados (2); os que estão com atendentes continuam com eles (1)" in asked["text"]
    card = await desk.expect(AGENTS_CHAT, "Incidente I1", where=lambda m: "Confirmar" in str(m))
    assert "⏳ Resolução pedida por Ana (chamados a encerrar: 2)" in card["text"]
    assert await texts(desk, 8005, "is fixed") == []  # nothing closes before the confirmation

    await press(desk, ANA, card, "✔️ Confirmar: encerrar 2")
    done = await desk.expect(
        AGENTS_CHAT, "I1 resolvido por Ana. Chamados encerrados, com os assinantes avisados: 2.", within=20
    )
    assert "Continuam abertos com quem os atende (não foram encerrados): #6 (Bruno)" in done["text"]
    resolved = await desk.expect(8005, "is fixed")
    assert "A word from our team (in Portuguese):\nNormalizado" in resolved["text"]
    await desk.expect(8008, "foi resolvido")
    await desk.bot.dispatcher.incidents.drain()

    states = {t.number: t.state for t in await store.list(limit=50)}
    assert states[1] is State.CLAIMED and states[4] is State.CLAIMED and states[6] is State.CLAIMED
    assert states[2] is State.OPEN and states[5] is State.RESOLVED and states[8] is State.RESOLVED
    # Nobody whose ticket was not the incident's, or was already closed, heard from it.
    for tid in (PAULA_PREMIUM, 8002, 8003, 8004, 8007):
        assert await texts(desk, tid, "Atualização sobre o problema") == []
        assert await texts(desk, tid, "problema que afetava vários") == []
    assert await texts(desk, 8006, "se resolvió") == []


async def test_strangers_alone_open_nothing_and_a_premium_problem_keeps_its_card(desk_pt: Desk) -> None:
    desk = desk_pt
    store = desk.bot.desk.store
    for tid in STRANGERS:
        assert "Abri o chamado" in (await report(desk, tid, GLOBO["pt"]))["text"]
    for number in range(1, 6):
        await desk.card(number)
    assert await texts(desk, AGENTS_CHAT, "Incidente") == []

    await report(desk, 8002, GLOBO["pt"])
    assert "Já sabemos" in (await report(desk, 8003, GLOBO["pt"]))["text"]  # mostly strangers: still one
    card = await desk.expect(AGENTS_CHAT, "Incidente I1", where=lambda m: "Afetados: 7" in m["text"])
    assert "Escopo: canal globo" in card["text"]

    # A premium login failure is another kind of problem: its own ticket and card, not linked.
    login = await report(desk, RAFA_PREMIUM, "não consigo entrar no app, dá erro de login")
    assert "Abri o chamado" in login["text"]
    rafa = await number_of(desk, RAFA_PREMIUM)
    assert "Parte do incidente" not in (await desk.card(rafa))["text"]
    # A premium subscriber of the incident's kind joins it: named on the incident's card, with no
    # card of their own (hundreds of premium subscribers in one outage would flood the group).
    assert "Já sabemos" in (await report(desk, PAULA_PREMIUM, GLOBO["pt"]))["text"]
    paula = await number_of(desk, PAULA_PREMIUM)
    card = await desk.expect(AGENTS_CHAT, "Incidente I1", where=lambda m: "Afetados: 8" in m["text"])
    assert "(premium: 1)" in card["text"]
    assert f"⭐ Premium: #{paula} Cliente {PAULA_PREMIUM} (S{PAULA_PREMIUM})" in card["text"]
    assert await texts(desk, AGENTS_CHAT, f"#{paula} ·") == []

    await desk.agent_says(ANA, "/incident resolve I1")
    card = await desk.expect(AGENTS_CHAT, "Incidente I1", where=lambda m: "Confirmar" in str(m))
    await press(desk, ANA, card, "✔️ Confirmar: encerrar 8")
    await desk.expect(
        AGENTS_CHAT, "I1 resolvido por Ana. Chamados encerrados, com os assinantes avisados: 8.", within=20
    )
    await desk.bot.dispatcher.incidents.drain()
    assert (await store.get(rafa)).state is State.OPEN
    assert await texts(desk, RAFA_PREMIUM, "foi resolvido") == []
