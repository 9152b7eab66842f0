"""Reasons in words, per language, for customers, agents and the triage CLI."""

from __future__ import annotations

from collections.abc import Iterable

from escalation.domain import Reason, ReasonCode

_TEXTS: dict[str, dict[ReasonCode, str]] = {
    "pt": {
        ReasonCode.OUTAGE_TOTAL: "serviço totalmente fora do ar",
        ReasonCode.OUTAGE_PARTIAL: "falha parcial (alguns canais, travamentos ou um aparelho)",
        ReasonCode.CANCEL: "pedido de cancelamento",
        ReasonCode.BILLING: "problema de pagamento ou cobrança",
        ReasonCode.HUMAN: "pediu para falar com uma pessoa",
        ReasonCode.INFORMATION: "pedido de informação",
        ReasonCode.PLAN_TIER: "plano {detail} (cadastro)",
        ReasonCode.UNLINKED: "cliente não identificado no cadastro (conta como básico)",
        ReasonCode.ACCOUNT_INACTIVE: "assinatura não está ativa (cadastro; conta como básico)",
        ReasonCode.URGENCY: "urgência (evento ao vivo agora ou pedido urgente)",
        ReasonCode.REPEAT_CONTACT: "contato repetido sobre o mesmo chamado em 24 h",
        ReasonCode.SLA_BREACH: "prazo de atendimento estourado",
        ReasonCode.AGENT_SET: "definida por um atendente",
    },
    "en": {
        ReasonCode.OUTAGE_TOTAL: "service completely down",
        ReasonCode.OUTAGE_PARTIAL: "partial outage (some channels, buffering or one device)",
        ReasonCode.CANCEL: "cancellation request",
        ReasonCode.BILLING: "payment or billing trouble",
        ReasonCode.HUMAN: "asked to talk to a person",
        ReasonCode.INFORMATION: "information request",
        ReasonCode.PLAN_TIER: "{detail} plan (directory)",
        ReasonCode.UNLINKED: "customer not in the directory (counts as basic)",
        ReasonCode.ACCOUNT_INACTIVE: "subscription not active (directory; counts as basic)",
        ReasonCode.URGENCY: "urgent (a live event now or an explicit request)",
        ReasonCode.REPEAT_CONTACT: "repeated contact about the same ticket within 24 h",
        ReasonCode.SLA_BREACH: "response deadline breached",
        ReasonCode.AGENT_SET: "set by an agent",
    },
    "es": {
        ReasonCode.OUTAGE_TOTAL: "servicio totalmente caído",
        ReasonCode.OUTAGE_PARTIAL: "falla parcial (algunos canales, cortes o un dispositivo)",
        ReasonCode.CANCEL: "solicitud de cancelación",
        ReasonCode.BILLING: "problema de pago o facturación",
        ReasonCode.HUMAN: "pidió hablar con una persona",
        ReasonCode.INFORMATION: "solicitud de información",
        ReasonCode.PLAN_TIER: "plan {detail} (registro)",
        ReasonCode.UNLINKED: "cliente no identificado en el registro (cuenta como básico)",
        ReasonCode.ACCOUNT_INACTIVE: "suscripción no activa (registro; cuenta como básico)",
        ReasonCode.URGENCY: "urgencia (evento en vivo ahora o pedido urgente)",
        ReasonCode.REPEAT_CONTACT: "contacto repetido sobre el mismo ticket en 24 h",
        ReasonCode.SLA_BREACH: "plazo de atención vencido",
        ReasonCode.AGENT_SET: "definida por un agente",
    },
}


def describe(reasons: Iterable[Reason], language: str = "en") -> list[str]:
    """Each reason as a short phrase in `language` (English when the language is unknown)."""
    texts = _TEXTS.get(language, _TEXTS["en"])
    return [texts[reason.code].format(detail=reason.detail or "") for reason in reasons]
