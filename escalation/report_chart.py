"""The backlog chart of a summary: open tickets per priority over the period, as a PNG.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no display, no global figure
state), so any worker or the CLI can render it from any thread. Times are shown in the desk's
time zone. A period without enough snapshots still gives a chart, with a note, never an error.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

PRIORITIES = ("P1", "P2", "P3", "P4")
COLOURS = {"P1": "#d62728", "P2": "#ff7f0e", "P3": "#e6b800", "P4": "#8c8c8c"}
SIZE_IN = (8.0, 4.0)
DPI = 100
LONE_POINT_MARGIN = timedelta(minutes=30)


def render_backlog_chart(
    points: Sequence[tuple[float, Mapping[str, int]]],
    title: str,
    *,
    timezone: str,
    empty_note: str = "not enough snapshots yet",
) -> bytes:
    """A stacked area of open tickets per priority (P1 at the bottom), 800x400 PNG.

    `points` are backlog snapshots `(epoch seconds, {"P1": n, ...})` in time order. With fewer
    than two there is no area to draw: the chart shows `empty_note` (and the lone snapshot's
    counts as markers), so a new desk still gets a picture.
    """
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
    axes.set_ylabel("tickets")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(True, alpha=0.3)
    times = [datetime.fromtimestamp(at, tz) for at, _ in points]
    series = [[counts.get(p, 0) for _, counts in points] for p in PRIORITIES]
    if len(points) >= 2:
        axes.stackplot(times, series, labels=PRIORITIES, colors=[COLOURS[p] for p in PRIORITIES], alpha=0.85)
        axes.set_xlim(times[0], times[-1])
        axes.set_ylim(bottom=0)
        axes.legend(loc="upper left", ncols=4, fontsize="small")
    else:
        for priority, values in zip(PRIORITIES, series, strict=True):
            axes.scatter(times, values, color=COLOURS[priority], label=priority)
        axes.set_ylim(0, max((v for values in series for v in values), default=0) + 1)
        axes.text(0.5, 0.5, empty_note, transform=axes.transAxes, ha="center", va="center", color="grey")
        if points:
            axes.set_xlim(times[0] - LONE_POINT_MARGIN, times[0] + LONE_POINT_MARGIN)
            axes.legend(loc="upper left", ncols=4, fontsize="small")
        else:
            axes.set_xticks([])
    if points:
        locator = AutoDateLocator(tz=tz)
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator, tz=tz))
    buffer = io.BytesIO()
    canvas.print_png(buffer)
    return buffer.getvalue()
