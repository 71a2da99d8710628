"""The attention-over-time chart as server-rendered SVG: no JavaScript needed.

Each query is a series with a mark per period; a mark's ``<title>`` gives its
count, the period's total and the share on hover, and the mark links to the
search for that query and period. Axes carry ticks, values and titles; a
legend names the series by colour.

A period without any article (``total`` 0, share ``None``) gets no mark, and a
line never crosses it: an empty month is not a month at 0 %. Lines join
neighbouring marks only where a series has articles in most periods; a sparse
series (by month, a few months with articles among many without) is drawn as
points alone, because a line through values of one or two articles zigzags
between 0 and 100 % and shows nothing but the noise.

The chart is drawn twice, for a wide screen and for a phone, and the style
sheet shows one of them: an SVG scales its text with its width, so a drawing
920 units wide prints its labels 4 px high on a phone.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

COLOURS = ("#0b5d6b", "#c2571a", "#6b3fa0", "#2e7d32", "#b0295a",
           "#5c7cfa", "#8d6e63", "#00897b", "#e53935", "#546e7a")
DENSE = 0.75  # a series is a line when it has articles in this share of the periods


@dataclass(frozen=True)
class Layout:
    """One drawing's size in SVG units (about CSS pixels at its intended width)."""

    name: str
    width: int
    height: int
    small_height: int
    left: int
    right: int
    top: int
    bottom: int
    x_labels: int  # at most this many period labels
    dodge: float  # how far apart the series' marks of one period sit


# The right margin holds half of a last label ("2023-12") centred on the last period.
WIDE = Layout("wide", 920, 360, 200, 64, 28, 36, 56, 12, 5)
NARROW = Layout("narrow", 380, 320, 240, 52, 24, 36, 56, 4, 3)


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


def is_dense(points: list[dict]) -> bool:
    """Whether a series has articles in enough periods to be drawn as a line."""
    filled = sum(1 for p in points if p["total"])
    return filled >= 3 and filled >= DENSE * len(points)


def line_chart(series: list[dict], share: bool, link: Callable[[dict, str], str],
               point_title: Callable[[dict, dict], str], label: Callable[[dict], str],
               aria_label: str, axis_titles: tuple[str, str] = ("", ""),
               small: bool = False) -> str:
    """The legend and the chart's two drawings (``data-layout`` wide and narrow) for
    the series (``{"query", "points": [{"period", "count", "total", "share"}]}``),
    values as counts or shares; ``link`` gives a mark's URL, ``axis_titles`` are
    (x, y)."""
    legend = "".join(
        f'<li><span class="swatch s{n % len(COLOURS)}"></span>'
        f'{escape(label(entry))}</li>' for n, entry in enumerate(series))
    drawings = "".join(_drawing(layout, series, share, link, point_title, aria_label,
                                axis_titles, small) for layout in (WIDE, NARROW))
    return f'<ul class="legend">{legend}</ul>' + drawings


def _drawing(layout: Layout, series: list[dict], share: bool,
             link: Callable[[dict, str], str], point_title: Callable[[dict, dict], str],
             aria_label: str, axis_titles: tuple[str, str], small: bool) -> str:
    width, height = layout.width, layout.small_height if small else layout.height
    periods = [p["period"] for p in series[0]["points"]] if series else []
    key = "share" if share else "count"
    top = max((p[key] for s in series for p in s["points"] if p["total"]),
              default=0) or (0.01 if share else 1)
    step = nice_step(top, 3 if small else 5)
    if not share:
        step = max(1.0, step)  # counts are whole: no tick between 0 and 1
    top = step * math.ceil(top / step)
    plot_w, plot_h = width - layout.left - layout.right, height - layout.top - layout.bottom
    gap = plot_w / max(len(periods) - 1, 1)
    bottom = layout.top + plot_h

    def x(i: int) -> float:
        return layout.left + (i * gap if len(periods) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return layout.top + plot_h - value / top * plot_h

    parts = [(f'<svg class="timeline-chart" data-layout="{layout.name}" '
              f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(aria_label)}" '
              f'xmlns="http://www.w3.org/2000/svg">')]
    tick = 0.0
    while tick <= top + step / 2:
        parts.append(f'<line class="grid" x1="{layout.left}" x2="{width - layout.right}" '
                     f'y1="{y(tick):.1f}" y2="{y(tick):.1f}"/>')
        parts.append(f'<text class="y-tick" x="{layout.left - 6}" y="{y(tick) + 4:.1f}" '
                     f'text-anchor="end">{_value_text(tick, share)}</text>')
        tick += step
    every = max(1, math.ceil(len(periods) / layout.x_labels))
    for i, period in enumerate(periods):
        if i % every == 0 or i == len(periods) - 1 and len(periods) <= layout.x_labels:
            parts.append(f'<line class="x-tick" x1="{x(i):.1f}" x2="{x(i):.1f}" '
                         f'y1="{bottom}" y2="{bottom + 5}"/>')
            parts.append(f'<text class="x-label" x="{x(i):.1f}" y="{bottom + 20}" '
                         f'text-anchor="middle">{escape(period)}</text>')
    parts.append(f'<line class="axis" x1="{layout.left}" x2="{width - layout.right}" '
                 f'y1="{bottom}" y2="{bottom}"/>')
    parts.append(f'<line class="axis" x1="{layout.left}" x2="{layout.left}" '
                 f'y1="{layout.top}" y2="{bottom}"/>')
    x_title, y_title = axis_titles
    parts.append(f'<text class="axis-title x-title" x="{layout.left + plot_w / 2:.1f}" '
                 f'y="{height - 8}" text-anchor="middle">{escape(x_title)}</text>')
    # Above the y axis, not turned along it: a phone has no height to spare for it.
    parts.append(f'<text class="axis-title y-title" x="4" y="{layout.top - 16}" '
                 f'text-anchor="start">{escape(y_title)}</text>')
    radius = 4 if len(periods) <= 60 else 3
    for n, entry in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        # Marks of equal value would hide each other: each series' marks sit a
        # little apart, so every one can be hovered and tapped.
        dodge = (n - (len(series) - 1) / 2) * layout.dodge
        drawn = [(i, p) for i, p in enumerate(entry["points"]) if p["total"]]
        if is_dense(entry["points"]):
            path, previous = [], None
            for i, point in drawn:
                path.append(f"{'L' if previous == i - 1 else 'M'}"
                            f"{x(i) + dodge:.1f},{y(point[key]):.1f}")
                previous = i
            parts.append(f'<path class="series" data-series="{n}" d="{" ".join(path)}" '
                         f'stroke="{colour}"/>')
        for i, point in drawn:
            parts.append(
                f'<a href="{escape(link(entry, point["period"]))}" class="point" '
                f'data-series="{n}" data-period="{escape(point["period"])}">'
                f'<circle cx="{x(i) + dodge:.1f}" cy="{y(point[key]):.1f}" r="{radius}" '
                f'fill="{colour}"><title>{escape(point_title(entry, point))}</title></circle></a>')
    parts.append("</svg>")
    return "".join(parts)
