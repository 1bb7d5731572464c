"""Activity charts as inline SVG, drawn at build time: no script, no request, no library.

One chart is a column of small bar charts sharing the time axis, a row per series (merged
pull requests, new issues, closed issues, releases), each row scaled to its own largest bar
and labelled with its total: rows never hide behind one another and colour is never the only
cue. The SVG is an image to assistive technology, named by its <title> and described by a
<desc> that says every row's total and peak; the weekly numbers are also a table.

Only the bars stretch with the page: each row's bars are a nested SVG whose viewBox is one
unit a column, stretched to the chart's width; the labels are in the outer SVG, which has no
viewBox, so they keep their size at any width (a viewBox over the whole chart shrank them to
6 px on a phone). Columns the archive covers only in part (a week with some of its days, a
day with no report) are shaded behind their bars, and the page says which.
Coordinates are written with fixed decimals, so the same data draws the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

ROW = 60  # a row's height, in CSS pixels: its label line, then its bars
LABEL = 15  # the label line's baseline, from the row's top
BARS = 36  # the tallest bar
AXIS = 18  # the time axis labels under the last row
GAP = 0.2  # between two bars, a fraction of a column


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
    partial: tuple[int, ...] = ()  # columns the archive covers only in part: shaded


def svg(chart: Chart) -> Markup:
    count = max((len(s.values) for s in chart.series), default=0)
    height = ROW * len(chart.series) + AXIS
    parts = [
        Markup(
            '<svg class="chart" width="100%" height="{h}" role="img" '
            'aria-labelledby="{id}-t {id}-d">'
        ).format(h=height, id=chart.id),
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
            Markup('<text class="chart-peak" x="100%" y="{}" text-anchor="end">{}</text>').format(
                top + LABEL, chart.peak.format(n=series.peak)
            )
        )
        parts.append(_bars(series, count, chart.partial, base - BARS))
        parts.append(
            Markup('<line class="chart-base" x1="0" x2="100%" y1="{}" y2="{}"/>').format(base, base)
        )
    axis = height - 4
    parts.append(
        Markup('<text class="chart-axis" x="0" y="{}">{}</text>').format(axis, chart.start)
    )
    parts.append(
        Markup('<text class="chart-axis" x="100%" y="{}" text-anchor="end">{}</text>').format(
            axis, chart.end
        )
    )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _bars(series: Series, count: int, partial: tuple[int, ...], top: int) -> Markup:
    """A row's bars: a column a unit wide, stretched to the chart's width (not its labels)."""
    parts = [
        Markup(
            '<svg x="0" y="{}" width="100%" height="{}" viewBox="0 0 {} {}" '
            'preserveAspectRatio="none">'
        ).format(top, BARS, max(count, 1), BARS)
    ]
    for index in partial:
        parts.append(
            Markup('<rect class="chart-partial" x="{}" y="0" width="1" height="{}"/>').format(
                index, BARS
            )
        )
    for index, value in enumerate(series.values):
        if not value:
            continue
        tall = max(BARS * value / series.peak, 1.0)
        parts.append(
            Markup('<rect class="bar {}" x="{}" y="{}" width="{}" height="{}"/>').format(
                series.css,
                _number(index + GAP / 2),
                _number(BARS - tall),
                _number(1 - GAP),
                _number(tall),
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _number(value: float) -> str:
    """Two decimals at most, trailing zeros dropped: stable bytes for the same figure."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"
