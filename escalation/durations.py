"""Durations in short words, the same in pt, en and es: `1 h 30 min`, `2 d 4 h`.

Whole units only: no duration shown to anyone carries a decimal ("1.1 h" reads as an error in pt
and es, and means nothing to a customer).
"""

from __future__ import annotations


def duration_words(seconds: float) -> str:
    """`30` -> `30 s`, `95` -> `1 min`, `5400` -> `1 h 30 min`, `190000` -> `2 d 4 h` (sign ignored)."""
    whole = round(abs(seconds))
    if whole < 60:
        return f"{whole} s"
    minutes = whole // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"
