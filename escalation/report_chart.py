"""The backlog chart of a summary: open tickets per priority over the period, as a PNG.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no display, no global figure
state), so any worker or the CLI can render it from any thread. Times are shown in the desk's
time zone, as numbers (no month names in English). The backlog changes in jumps (twenty tickets
can arrive in six seconds between two snapshots ten minutes apart), so it is drawn as steps,
each count held until the next reading, never as a ramp between readings; the last reading is
the backlog at the end of the period. A period with fewer than two readings has nothing to draw,
and gets no chart at all rather than an empty one.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

PRIORITIES = ("P1", "P2", "P3", "P4")
COLOURS = {"P1": "#d62728", "P2": "#ff7f0e", "P3": "#e6b800", "P4": "#8c8c8c"}
SIZE_IN = (8.0, 4.0)
DPI = 100
_DATE_FORMATS = ["%Y", "%d/%m", "%d/%m", "%H:%M", "%H:%M", "%S"]
_ZERO_FORMATS = ["", "%Y", "%m/%Y", "%d/%m", "%H:%M", "%H:%M"]
_OFFSET_FORMATS = ["", "%Y", "%m/%Y", "%d/%m/%Y", "%d/%m/%Y", "%d/%m/%Y %H:%M"]


def render_backlog_chart(
    points: Sequence[tuple[float, Mapping[str, int]]],
    title: str,
    *,
    ylabel: str,
    now_label: str,
    timezone: str,
) -> bytes | None:
    """A stacked step chart of open tickets per priority (P1 at the bottom), 800x400 PNG.

    `points` are backlog readings `(epoch seconds, {"P1": n, ...})` in time order, the last
    one the backlog at the end of the period: the legend (titled `now_label`) gives its counts,
    and the outline of the total shows its jump at the right edge. None with fewer than two:
    nothing to draw.
    """
    if len(points) < 2 or points[-1][0] <= points[0][0]:
        return None
    # matplotlib is imported here, on first use: it costs about 40 MB of memory, and a worker
    # draws a chart only when a summary is due.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    tz = ZoneInfo(timezone)
    figure = Figure(figsize=SIZE_IN, dpi=DPI, layout="constrained")
    canvas = FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_title(title)
    axes.set_ylabel(ylabel)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(True, alpha=0.3)
    times = [datetime.fromtimestamp(at, tz) for at, _ in points]
    series = [[counts.get(p, 0) for _, counts in points] for p in PRIORITIES]
    now = points[-1][1]
    axes.stackplot(
        times,
        series,
        labels=[f"{p}: {now.get(p, 0)}" for p in PRIORITIES],
        colors=[COLOURS[p] for p in PRIORITIES],
        alpha=0.85,
        step="post",
    )
    totals = [sum(column) for column in zip(*series, strict=True)]
    axes.step(times, totals, where="post", color="#333333", linewidth=1.5)
    axes.set_xlim(times[0], times[-1])
    axes.set_ylim(0, max(1, *totals) * 1.15)
    axes.legend(loc="upper left", ncols=4, fontsize="small", title=now_label, title_fontsize="small")
    locator = AutoDateLocator(tz=tz)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(
        ConciseDateFormatter(
            locator, tz=tz, formats=_DATE_FORMATS, zero_formats=_ZERO_FORMATS, offset_formats=_OFFSET_FORMATS
        )
    )
    buffer = io.BytesIO()
    canvas.print_png(buffer)
    return buffer.getvalue()
