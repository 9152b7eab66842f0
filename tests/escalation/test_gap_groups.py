"""FAQ gaps grouped for the summary, and links in customers' words made inert for managers."""

from __future__ import annotations

import pytest

from escalation.gap_groups import group_gaps
from escalation.inert_links import inert_links
from faq.gaps import gap_key


def keyed(*texts: str) -> list[tuple[str, str]]:
    return [(gap_key(text) or "", text) for text in texts]


def test_near_duplicates_are_one_group_shown_by_their_most_frequent_wording() -> None:
    questions = keyed(
        "tem canal de pesca?",
        "Tem canal de pesca?",
        "vcs tem canal de PESCA",
        "tem canal de pescca",
        "tem canal de pesca?",
        "aceita boleto?",
    )
    assert group_gaps(questions, 5) == [("tem canal de pesca?", 5), ("aceita boleto?", 1)]


def test_groups_are_most_asked_first_and_limited() -> None:
    topics = ("canal de pesca", "boleto", "desconto anual", "jogo da copa", "tv de 1990", "conta conjunta")
    questions = keyed(*(f"tem {topic}?" for n, topic in enumerate(topics) for _ in range(n + 1)))
    assert group_gaps(questions, 2) == [("tem conta conjunta?", 6), ("tem tv de 1990?", 5)]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "visite http://promo.site/x tg://resolve?domain=scam",
            "visite hxxp[:]//promo[.]site/x tg[:]//resolve?domain=scam",
        ),
        ("HTTPS://golpe.io agora", "hxxpS[:]//golpe[.]io agora"),
        ("entra em www.golpe.com.br", "entra em www[.]golpe[.]com[.]br"),
        ("fala com @scammer_bot", "fala com ＠scammer_bot"),
        ("tem canal 4k? custa R$ 1.5 mil?", "tem canal 4k? custa R$ 1.5 mil?"),
    ],
)
def test_links_and_mentions_are_made_inert(text: str, shown: str) -> None:
    assert inert_links(text) == shown
