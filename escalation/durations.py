"""Durations in short words, the same in pt, en and es: `1 h 30 min`, `2 d 4 h`."""

from __future__ import annotations


def duration_words(seconds: float) -> str:
    """`30` -> `30 s`, `95` -> `1 min`, `5400` -> `1 h 30 min`, `190000` -> `2 d 4 h` (sign ignored)."""
    seconds = abs(seconds)
    if seconds < 60:
        return f"{round(seconds)} s"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"
