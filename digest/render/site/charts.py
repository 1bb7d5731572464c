"""Activity charts as inline SVG, drawn at build time: no script, no request, no library.

One chart is a column of small bar charts sharing the time axis, a row per series (merged
pull requests, new issues, closed issues, releases), each row scaled to its own largest bar
and labelled with its total: rows never hide behind one another and colour is never the only
cue. The SVG is an image to assistive technology, named by its <title> and described by a
<desc> that says every row's total and peak; the weekly numbers are also a table.
Coordinates are written with fixed decimals, so the same data draws the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

WIDTH = 720
ROW = 58  # a row's height: its label line, then its bars
LABEL = 14  # the label line's baseline, from the row's top
BARS = 36  # the tallest bar
AXIS = 16  # the time axis labels under the last row


@dataclass(frozen=True)
class Series:
    name: str
    css: str  # the class its bars take (colours are the stylesheet's, light and dark)
    values: list[int]

    @property
    def total(self) -> int:
        return sum(self.values)

    @property
    def peak(self) -> int:
        return max(self.values, default=0)


@dataclass(frozen=True)
class Chart:
    id: str  # unique in its page
    title: str
    description: str
    start: str  # the first bar's label (a date, a week)
    end: str
    series: list[Series]
    peak: str = "{n}"  # the label of a row's largest bar, `max {n}`


def svg(chart: Chart) -> Markup:
    count = max((len(s.values) for s in chart.series), default=0)
    height = ROW * len(chart.series) + AXIS
    step = WIDTH / max(count, 1)
    gap = min(2.0, step * 0.2)
    parts = [
        Markup(
            '<svg class="chart" viewBox="0 0 {w} {h}" role="img" '
            'aria-labelledby="{id}-t {id}-d" preserveAspectRatio="xMinYMin meet">'
        ).format(w=WIDTH, h=height, id=chart.id),
        Markup('<title id="{}-t">{}</title>').format(chart.id, chart.title),
        Markup('<desc id="{}-d">{}</desc>').format(chart.id, chart.description),
    ]
    for row, series in enumerate(chart.series):
        top = row * ROW
        base = top + LABEL + 6 + BARS
        parts.append(
            Markup('<text class="chart-label" x="0" y="{}">{} · {}</text>').format(
                top + LABEL, series.name, series.total
            )
        )
        parts.append(
            Markup('<text class="chart-peak" x="{}" y="{}" text-anchor="end">{}</text>').format(
                WIDTH, top + LABEL, chart.peak.format(n=series.peak)
            )
        )
        parts.append(
            Markup('<line class="chart-base" x1="0" x2="{}" y1="{}" y2="{}"/>').format(
                WIDTH, base, base
            )
        )
        for index, value in enumerate(series.values):
            if not value:
                continue
            tall = max(BARS * value / series.peak, 1.0)
            parts.append(
                Markup('<rect class="bar {}" x="{}" y="{}" width="{}" height="{}"/>').format(
                    series.css,
                    _number(index * step),
                    _number(base - tall),
                    _number(max(step - gap, 0.5)),
                    _number(tall),
                )
            )
    axis = height - 3
    parts.append(
        Markup('<text class="chart-axis" x="0" y="{}">{}</text>').format(axis, chart.start)
    )
    parts.append(
        Markup('<text class="chart-axis" x="{}" y="{}" text-anchor="end">{}</text>').format(
            WIDTH, axis, chart.end
        )
    )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _number(value: float) -> str:
    """Two decimals at most, trailing zeros dropped: stable bytes for the same figure."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"
