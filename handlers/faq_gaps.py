"""Recording a question the FAQ could not answer, for the managers' summary.

Noise ("hmm", "ok", a greeting) is left out here, before it costs Redis anything; the rest is
logged under its grouping key (`faq.gaps.gap_key`) with the desk clock's time, so a summary
counts the questions of its own period.
"""

from __future__ import annotations

from faq.gaps import gap_key
from handlers.context import HandlerContext


async def record_gap(ctx: HandlerContext, text: str) -> None:
    """Log `text` as an FAQ gap unless it is noise."""
    key = gap_key(text)
    if key is not None:
        await ctx.state.record_faq_gap(text, key, ctx.clock.now())
