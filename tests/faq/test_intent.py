"""Intent, impact and urgency rules, checked on the policy's own lexicons."""

from __future__ import annotations

import pytest

from escalation.domain import Impact, Intent
from escalation.policy import Policy
from faq.intent import Reading, interpret
from faq.lexicon import Lexicon
from faq.matcher import NO_MATCH
from faq.normalize import tokens


@pytest.fixture(scope="module")
def read(policy: Policy):
    lexicon = Lexicon.from_policy(policy)

    def reading(text: str) -> Reading:
        words = tokens(text)
        return interpret(lexicon.scan(words), NO_MATCH, "?" in text, words)

    return reading


@pytest.mark.parametrize(
    "text",
    [
        "vocês têm o canal da Globo?",
        "o sinal é em HD?",
        "o sinal funciona em qualquer internet?",
        "tem canal de esportes?",
        "quais canais de filmes vcs tem",
        "o canal do sbt é em 4k?",
        "do you have sports channels?",
        "¿tienen canales en HD?",
    ],
)
def test_information_questions_mentioning_channels_or_signal_are_not_outages(read, text: str) -> None:
    assert read(text).intent is Intent.FAQ


@pytest.mark.parametrize(
    "text",
    [
        "o que fazer quando o canal trava?",
        "dicas pra nao travar",
        "e se cair o sinal no meio do jogo?",
        "what should i do if the app is not working?",
        "¿qué hago si se cae la señal?",
        "¿qué pasa si se corta la señal?",
        "vocês tem canais que não travam?",
        "tem canais de esporte em 4k sem travar?",
        "the channels never freeze?",
    ],
)
def test_hypothetical_or_negated_symptoms_are_questions_not_reports(read, text: str) -> None:
    assert read(text).intent is not Intent.OUTAGE


@pytest.mark.parametrize(
    ("text", "impact"),
    [
        ("caiu tudo", Impact.TOTAL),
        ("sem sinal", Impact.TOTAL),
        ("nenhum canal funciona", Impact.TOTAL),
        ("canal do sbt sem sinal", Impact.PARTIAL),
        ("sem sinal em todos os canais, até no canal da globo", Impact.TOTAL),
        ("os filmes nao carregam", Impact.PARTIAL),
        ("travando", Impact.PARTIAL),
        ("travando em todos os canais", Impact.PARTIAL),
        ("the whole service is down", Impact.TOTAL),
        ("hbo is down", Impact.PARTIAL),
        ("no signal on any channel", Impact.TOTAL),
    ],
)
def test_impact_follows_symptom_and_scope(read, text: str, impact: Impact) -> None:
    result = read(text)
    assert (result.intent, result.impact) == (Intent.OUTAGE, impact)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("o pix não caiu ainda", Intent.BILLING),
        ("problema na cobrança do cartão", Intent.BILLING),
        ("paguei e não foi ativado", Intent.BILLING),
        ("quero cancelar", Intent.CANCEL),
        ("caiu tudo de novo, quero cancelar", Intent.OUTAGE),
        ("quero falar com um atendente, nada funciona", Intent.OUTAGE),
        ("falar com atendente", Intent.HUMAN),
        ("boa noite", Intent.GREETING),
        ("boa noite, estou sem sinal", Intent.OUTAGE),
        ("asdfgh", Intent.UNKNOWN),
        ("o canal não trava mas está sem som", Intent.OUTAGE),
    ],
)
def test_the_costliest_intent_to_miss_wins(read, text: str, intent: Intent) -> None:
    assert read(text).intent is intent


@pytest.mark.parametrize(
    ("text", "urgent"),
    [
        ("urgente, caiu tudo", True),
        ("caiu tudo e o jogo começa em 5 minutos", True),
        ("a final ta passando agora e travou", True),
        ("everything is down right now", True),
        ("se cayó todo, ahora mismo lo necesito", True),
        ("caiu tudo", False),
        ("ontem o jogo travou", False),
        ("tem jogo ao vivo agora?", False),
    ],
)
def test_urgency_is_explicit_or_a_live_event_now(read, text: str, urgent: bool) -> None:
    assert read(text).urgent is urgent
