"""Directory rows as subscribers and agents meet them: account status and plan names.

A directory of our own: suspended, expired and cancelled subscribers on a premium plan, and plan
names written as billing systems write them ("PREMIUM", "Premium Anual", "prêmio").
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

from escalation.domain import Priority
from tests.e2e.conftest import Desk, open_harness, user
from tests.e2e.test_scenarios import open_ticket

pytestmark = pytest.mark.cluster

DIRECTORY = """subscriber_id,name,phone,telegram_id,plan,region,status
SUB-1,Rita Souza,,4001,premium,São Paulo,suspended
SUB-2,Peter Hall,,4002,PREMIUM,Curitiba,expired
SUB-3,Carmen Ruiz,,4003,Premium,Porto Alegre,Cancelado
SUB-4,Lia Prado,,4004,Premium Anual,Recife,active
SUB-5,Tom Reed,,4005,prêmio,Natal,
SUB-6,Bea Costa,,4006,PREMIUM,Natal,Ativo
"""
RITA, PETER, CARMEN = user(4001, "Rita", "pt"), user(4002, "Peter", "en"), user(4003, "Carmen", "es")
LIA, BEA = user(4004, "Lia", "pt"), user(4006, "Bea", "pt")


@pytest.fixture
async def desk(
    redis: Redis, redis_config: dict[str, Any], namespace: str, runtime_kind: str, tmp_path: Path
) -> AsyncIterator[Desk]:
    customers = tmp_path / "customers.csv"
    customers.write_text(DIRECTORY, encoding="utf-8")
    async for harness in open_harness(
        redis_config, namespace, runtime_kind, tmp_path, customers_file=customers
    ):
        yield harness


async def reported(desk: Desk, who: dict, text: str) -> tuple[int, list[str]]:
    """The customer reports a problem: the ticket number and everything the bot told them."""
    number = await open_ticket(desk, who, text)
    await desk.expect(who["id"], f"#{number}")
    return number, [m["text"] for m in await desk.bot_messages(who["id"])]


async def test_an_inactive_subscriber_reporting_an_outage_is_told_why_and_how_to_pay(desk: Desk) -> None:
    cases = (
        (
            RITA,
            "nenhum canal funciona",
            "Sua assinatura está suspensa, e por isso o serviço não funciona.",
            "Aceitamos Pix",
            "assinatura não está ativa",
            "Subscription: suspended",
        ),
        (
            PETER,
            "nothing works at all",
            "Your subscription is expired, which is why the service is not working.",
            "We accept Pix",
            "subscription not active",
            "Subscription: expired",
        ),
        (
            CARMEN,
            "ningún canal funciona",
            "Tu suscripción está cancelada, y por eso el servicio no funciona.",
            "Aceptamos Pix",
            "suscripción no activa",
            "Subscription: cancelled",
        ),
    )
    for who, report, why, how_to_pay, reason, card_line in cases:
        number, told = await reported(desk, who, report)
        status = next(text for text in told if "⚠️" in text)
        assert why in status and how_to_pay in status
        announced = next(text for text in told if f"#{number}" in text)
        assert reason in announced
        ticket = await desk.bot.desk.store.get(number)
        assert ticket.priority is Priority.P3  # billing at basic, not a premium outage (P1)
        await desk.card(number, where=lambda text, line=card_line: line in text)


async def test_plan_names_are_mapped_with_case_and_accents_and_unknown_ones_warned_by_line(
    desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    warnings = [r.getMessage() for r in caplog.get_records("setup") if r.levelno == logging.WARNING]
    assert (
        sum("customers.csv:5: plan 'Premium Anual' is not in the policy's plans" in w for w in warnings) == 1
    )
    assert sum("customers.csv:6: plan 'prêmio' is not in the policy's plans" in w for w in warnings) == 1
    assert not any(":3:" in w or ":7:" in w for w in warnings)  # "PREMIUM" and "Ativo" are known

    number, told = await reported(desk, BEA, "nenhum canal funciona")
    assert "Prioridade: urgente" in told[-1]
    assert (await desk.bot.desk.store.get(number)).priority is Priority.P1
    number, told = await reported(desk, LIA, "nenhum canal funciona")
    assert "Prioridade: alta" in told[-1]
    assert (await desk.bot.desk.store.get(number)).priority is Priority.P2
    await desk.card(number, where=lambda text: "basic" in text)


async def test_an_inactive_subscribers_follow_up_does_not_get_their_plans_priority_back(desk: Desk) -> None:
    number, _ = await reported(desk, RITA, "nenhum canal funciona")
    assert (await desk.bot.desk.store.get(number)).priority is Priority.P3

    await desk.say(RITA, "continua tudo fora do ar, nenhum canal abre")
    await desk.expect(RITA["id"], "adicionei ao chamado")

    ticket = await desk.bot.desk.store.get(number)
    assert ticket.priority is Priority.P3  # still suspended: the premium plan does not count
    assert "Prioridade" not in (await desk.bot_messages(RITA["id"]))[-1]["text"]
