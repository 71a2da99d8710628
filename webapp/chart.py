"""The attention-over-time chart as server-rendered SVG: no JavaScript needed.

Each query is a line with a point per period; a point's ``<title>`` gives its
values on hover, and the point links to the search for that query and
period. Axes carry ticks and values; a legend names the series by colour.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape

WIDTH, HEIGHT = 920, 340
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 20, 44
COLOURS = ("#0b5d6b", "#c2571a", "#6b3fa0", "#2e7d32", "#b0295a",
           "#5c7cfa", "#8d6e63", "#00897b", "#e53935", "#546e7a")
MAX_X_LABELS = 12


def nice_step(top: float, ticks: int = 5) -> float:
    """A round step (1, 2 or 5 times a power of ten) for about ``ticks`` ticks up to ``top``."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _value_text(value: float, share: bool) -> str:
    if share:
        return f"{value * 100:.1f}%".replace(".0%", "%")
    return f"{int(value)}"


def line_chart(series: list[dict], share: bool, link: Callable[[dict, str], str],
               point_title: Callable[[dict, dict], str], label: Callable[[dict], str],
               aria_label: str, height: int = HEIGHT) -> str:
    """SVG markup for the series (``{"query", "points": [{"period", "count", "total",
    "share"}]}``), values as counts or shares; ``link`` gives a point's URL."""
    periods = [p["period"] for p in series[0]["points"]] if series else []
    key = "share" if share else "count"
    top = max((p[key] for s in series for p in s["points"]), default=0) or (0.01 if share else 1)
    step = nice_step(top, 3 if height < HEIGHT else 5)
    if not share:
        step = max(1.0, step)  # counts are whole: no tick between 0 and 1
    top = step * math.ceil(top / step)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, height - TOP - BOTTOM
    gap = plot_w / max(len(periods) - 1, 1)

    def x(i: int) -> float:
        return LEFT + (i * gap if len(periods) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return TOP + plot_h - value / top * plot_h

    parts = [(f'<svg class="timeline-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
              f'aria-label="{escape(aria_label)}" xmlns="http://www.w3.org/2000/svg">')]
    tick = 0.0
    while tick <= top + step / 2:
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" '
                     f'y2="{y(tick):.1f}"/>')
        parts.append(f'<text class="y-tick" x="{LEFT - 6}" y="{y(tick) + 4:.1f}" '
                     f'text-anchor="end">{_value_text(tick, share)}</text>')
        tick += step
    every = max(1, math.ceil(len(periods) / MAX_X_LABELS))
    for i, period in enumerate(periods):
        if i % every == 0 or i == len(periods) - 1 and len(periods) <= MAX_X_LABELS:
            parts.append(f'<line class="x-tick" x1="{x(i):.1f}" x2="{x(i):.1f}" '
                         f'y1="{TOP + plot_h}" y2="{TOP + plot_h + 5}"/>')
            parts.append(f'<text class="x-label" x="{x(i):.1f}" y="{TOP + plot_h + 20}" '
                         f'text-anchor="middle">{escape(period)}</text>')
    parts.append(f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" '
                 f'y2="{TOP + plot_h}"/>')
    parts.append(f'<line class="axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}"/>')
    for n, entry in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        # Points of equal value would hide each other: each series' points sit
        # a little apart, so every one can be hovered and clicked.
        dodge = (n - (len(series) - 1) / 2) * 5
        # A period without any article has no share: the line breaks there.
        drawn = [(i, p) for i, p in enumerate(entry["points"]) if not share or p["total"]]
        path, previous = [], None
        for i, point in drawn:
            path.append(f"{'L' if previous == i - 1 else 'M'}{x(i):.1f},{y(point[key]):.1f}")
            previous = i
        parts.append(f'<path class="series" data-series="{n}" d="{" ".join(path)}" '
                     f'stroke="{colour}"/>')
        radius = 4 if len(periods) <= 60 else 2.5
        for i, point in drawn:
            parts.append(
                f'<a href="{escape(link(entry, point["period"]))}" class="point" '
                f'data-series="{n}" data-period="{escape(point["period"])}">'
                f'<circle cx="{x(i) + dodge:.1f}" cy="{y(point[key]):.1f}" r="{radius}" '
                f'fill="{colour}"><title>{escape(point_title(entry, point))}</title></circle></a>')
    parts.append("</svg>")
    legend = "".join(
        f'<li><span class="swatch s{n % len(COLOURS)}"></span>'
        f'{escape(label(entry))}</li>' for n, entry in enumerate(series))
    return f'<ul class="legend">{legend}</ul>' + "".join(parts)
