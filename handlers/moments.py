"""An instant as a customer says it: "amanhã às 9h", "Tuesday at 16:00", "el lunes a las 8:00".

A wait of hours is clearer as the moment it ends than as a duration, and the moment is given
the way people name it: today, tomorrow, a weekday within the week, else the date; always in
the desk's time zone (`TIMEZONE`), never with decimals.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

_WEEKDAYS = {
    "pt": (
        "segunda-feira",
        "terça-feira",
        "quarta-feira",
        "quinta-feira",
        "sexta-feira",
        "sábado",
        "domingo",
    ),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "es": ("el lunes", "el martes", "el miércoles", "el jueves", "el viernes", "el sábado", "el domingo"),
}
_TODAY = {"pt": "hoje", "en": "today", "es": "hoy"}
_TOMORROW = {"pt": "amanhã", "en": "tomorrow", "es": "mañana"}
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(language: str, at: datetime, days_ahead: int) -> str:
    if days_ahead <= 0:
        return _TODAY[language]
    if days_ahead == 1:
        return _TOMORROW[language]
    if days_ahead < 7:
        return _WEEKDAYS[language][at.weekday()]
    if language == "en":
        return f"{_MONTHS_EN[at.month - 1]} {at.day}"
    return f"{'dia' if language == 'pt' else 'el'} {at:%d/%m}"


def _time(language: str, at: datetime) -> str:
    if language == "pt":
        clock = f"{at.hour}h{at.minute:02d}" if at.minute else f"{at.hour}h"
        return f"{'à' if at.hour == 1 else 'às'} {clock}"
    clock = f"{at.hour}:{at.minute:02d}"
    if language == "es":
        return f"{'a la' if at.hour == 1 else 'a las'} {clock}"
    return f"at {clock}"


def moment_words(language: str, instant: float, now: float, timezone: str) -> str:
    """`instant` relative to `now`, in `language` (unknown languages fall back to English)."""
    language = language if language in _TODAY else "en"
    zone = ZoneInfo(timezone)
    at = datetime.fromtimestamp(instant, zone)
    days_ahead = (at.date() - datetime.fromtimestamp(now, zone).date()).days
    return f"{_day(language, at, days_ahead)} {_time(language, at)}"
