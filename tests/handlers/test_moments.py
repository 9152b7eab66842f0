"""Moments as customers read them, per language, in the desk's time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.moments import moment_words

SP = ZoneInfo("America/Sao_Paulo")
FRIDAY_EVENING = datetime(2026, 1, 9, 20, 6, tzinfo=SP).timestamp()


def at(day: int, hour: int, minute: int = 0) -> float:
    return datetime(2026, 1, day, hour, minute, tzinfo=SP).timestamp()


@pytest.mark.parametrize(
    ("language", "instant", "words"),
    [
        ("pt", at(9, 21, 30), "hoje às 21h30"),
        ("pt", at(10, 9), "amanhã às 9h"),
        ("pt", at(12, 8), "segunda-feira às 8h"),
        ("pt", at(13, 1), "terça-feira à 1h"),
        ("pt", at(20, 9), "dia 20/01 às 9h"),
        ("en", at(10, 9), "tomorrow at 9:00"),
        ("en", at(13, 16), "Tuesday at 16:00"),
        ("en", at(20, 9, 5), "Jan 20 at 9:05"),
        ("es", at(9, 22), "hoy a las 22:00"),
        ("es", at(10, 13), "mañana a las 13:00"),
        ("es", at(12, 1), "el lunes a la 1:00"),
        ("es", at(20, 9), "el 20/01 a las 9:00"),
        ("xx", at(10, 9), "tomorrow at 9:00"),
    ],
)
def test_moment_words(language: str, instant: float, words: str) -> None:
    assert moment_words(language, instant, FRIDAY_EVENING, "America/Sao_Paulo") == words


def test_moment_words_follow_the_time_zone() -> None:
    assert moment_words("en", at(10, 9), FRIDAY_EVENING, "UTC") == "tomorrow at 12:00"
