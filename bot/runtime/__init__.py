"""Transports: the aiogram (default) and python-telegram-bot adapters behind one `Runtime` port."""

from __future__ import annotations

from typing import Literal

from bot.runtime.base import EventHandler, Runtime

RuntimeKind = Literal["aiogram", "ptb"]

__all__ = ["EventHandler", "Runtime", "RuntimeKind", "build_runtime"]


def build_runtime(kind: RuntimeKind, token: str, api_base_url: str) -> Runtime:
    """The runtime for `kind`; only that framework is imported, so the other one may be missing."""
    if kind == "aiogram":
        from bot.runtime.aiogram_runtime import AiogramRuntime

        return AiogramRuntime(token, api_base_url)
    if kind == "ptb":
        from bot.runtime.ptb_runtime import PtbRuntime

        return PtbRuntime(token, api_base_url)
    raise ValueError(f"unknown runtime {kind!r} (aiogram or ptb)")
