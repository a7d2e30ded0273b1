"""Horizontal stacked bar charts as inline SVG, drawn in Python.

The report must open on a plant PC with no network and no plug-ins, and read the same in a browser, a mail
attachment and a printout: an SVG written on the server needs no JavaScript library, nothing to download
and nothing to trust, and its numbers are the same ones the tables beside it show. Horizontal bars suit the
data (long supplier and product names as labels, a ranked count as the value), and stacking shows what kind
of change makes up each count. Colours are set as `fill` attributes, so a chart copied out of the page keeps
them; every bar and segment also carries its value as text and as a tooltip (`<title>`), so nothing is said
by colour alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

WIDTH = 860
LABEL_WIDTH = 240  # the label column, left of the bars
NOTE_WIDTH = 230  # the value text, right of the bars
ROW = 24
BAR = 16
TOP = 26  # room for the axis numbers
LABEL_CHARS = 34


@dataclass(frozen=True)
class Series:
    """One kind of segment in every bar: `key` is a CSS-safe token, `colour` its fill."""

    key: str
    label: str
    colour: str


@dataclass(frozen=True)
class Bar:
    """One bar: its label, a value per series key, and the text shown after it (the total by default)."""

    label: str
    values: dict[str, float] = field(default_factory=dict)
    note: str = ""

    @property
    def total(self) -> float:
        return sum(self.values.values())


def _attr(text: object) -> str:
    return escape(str(text), quote=True)


def _number(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def nice_ticks(top: float, most: int = 5) -> list[float]:
    """Round axis values from 0 to at least `top`: 1, 2 or 5 times a power of ten apart, so a reader can
    read a bar's length off the gridlines without arithmetic."""
    if top <= 0:
        return [0, 1]
    raw = top / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1) if top >= 1 else step  # counts: never a tick at 0.5 parts
    n = math.ceil(top / step)
    return [i * step for i in range(n + 1)]


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…"


def bar_chart(bars: Sequence[Bar], series: Sequence[Series], *, title: str, unit: str, chart_id: str) -> str:
    """A `<figure>` with the SVG chart and its legend. Bars are drawn in the order given; segments in the
    order of `series`. `unit` names what is counted ("parts"), for the tooltips and the accessible text."""
    ticks = nice_ticks(max((b.total for b in bars), default=0))
    scale = (WIDTH - LABEL_WIDTH - NOTE_WIDTH) / ticks[-1]
    height = TOP + ROW * max(len(bars), 1) + 8
    out = [f'<figure class="chart" id="{_attr(chart_id)}">',
           f'<figcaption>{escape(title)}</figcaption>',
           f'<svg class="bars" role="img" aria-labelledby="{_attr(chart_id)}-t" viewBox="0 0 {WIDTH} {height}" '
           f'width="{WIDTH}" height="{height}" overflow="visible" font-family="system-ui, sans-serif" font-size="12">',
           f'<title id="{_attr(chart_id)}-t">{escape(title)}</title>']
    for t in ticks:
        x = LABEL_WIDTH + t * scale
        out.append(f'<line class="grid" x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{height - 8}" '
                   f'stroke="#d0d7de" stroke-width="1"/>')
        out.append(f'<text class="tick" x="{x:.1f}" y="{TOP - 10}" text-anchor="middle" fill="#57606a">'
                   f'{_number(t)}</text>')
    if not bars:
        out.append(f'<text x="{LABEL_WIDTH}" y="{TOP + 16}" fill="#57606a">nothing to show</text>')
    for i, bar in enumerate(bars):
        y = TOP + i * ROW
        out.append(f'<g class="bar" data-label="{_attr(bar.label)}" data-total="{_number(bar.total)}">')
        out.append(f'<text class="label" x="{LABEL_WIDTH - 8}" y="{y + BAR - 4}" text-anchor="end" fill="#1f2328">'
                   f'<title>{escape(bar.label)}</title>{escape(_short(bar.label))}</text>')
        x = float(LABEL_WIDTH)
        for s in series:
            value = bar.values.get(s.key, 0)
            if not value:
                continue
            w = value * scale
            out.append(f'<rect class="seg seg-{_attr(s.key)}" data-series="{_attr(s.key)}" '
                       f'data-value="{_number(value)}" x="{x:.1f}" y="{y}" width="{max(w, 1):.1f}" height="{BAR}" '
                       f'fill="{_attr(s.colour)}"><title>{escape(bar.label)}: {_number(value)} {escape(unit)} '
                       f'({escape(s.label)})</title></rect>')
            x += w
        note = bar.note or f"{_number(bar.total)} {unit}"
        # a white halo keeps the text readable where it crosses a gridline
        out.append(f'<text class="value" x="{x + 6:.1f}" y="{y + BAR - 4}" fill="#1f2328" stroke="#ffffff" '
                   f'stroke-width="3" paint-order="stroke">{escape(note)}</text>')
        out.append("</g>")
    out.append("</svg>")
    out.append(legend(series))
    out.append("</figure>")
    return "\n".join(out)


def legend(series: Sequence[Series]) -> str:
    """The key of a chart as a list of swatches with text (a swatch is a small SVG, not a styled box, so the
    page needs no inline style attributes and its Content-Security-Policy can forbid them)."""
    items = "".join(
        f'<li data-series="{_attr(s.key)}"><svg class="swatch" width="12" height="12" aria-hidden="true">'
        f'<rect width="12" height="12" fill="{_attr(s.colour)}"/></svg> {escape(s.label)}</li>' for s in series)
    return f'<ul class="legend">{items}</ul>'
