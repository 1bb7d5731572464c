"""What a weekly or monthly report says beyond a daily: its period's name, where its days
came from, and each repository's (and each topic's) figures against the previous period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from digest import kinds
from digest.calendar import Span
from digest.kinds import ItemKind
from digest.locales import Locale
from digest.models import Digest, Figures, Rollup, TopicCounts, Trend


def period_label(span: Span, loc: Locale) -> str:
    """`2026-W06 (Feb 2–8)`, `February 2026`; a day's date as it is."""
    if span.period == "month":
        return loc.format("month_label", month=_month(span.first.month, loc), year=span.first.year)
    if span.period == "week":
        first, last = span.first, span.last
        if first.month == last.month:
            month = _month(first.month, loc, short=True)
            days = loc.format("week_range", month=month, first=first.day, last=last.day)
        else:
            days = loc.format(
                "week_range_across",
                first_month=_month(first.month, loc, short=True),
                first=first.day,
                last_month=_month(last.month, loc, short=True),
                last=last.day,
            )
        return loc.format("week_label", label=span.label, range=days)
    return span.label


def _month(month: int, loc: Locale, short: bool = False) -> str:
    # One string of twelve names, as a locale holds strings: `Jan Feb …`
    return loc["months_short" if short else "months"].split()[month - 1]


def date_label(digest: Digest, loc: Locale) -> str:
    """What the title names after the digest's title: its date, or its period."""
    if digest.rollup is not None:
        return period_label(digest.rollup.span, loc)
    return loc.date_label(digest.activity.window)


def sources(rollup: Rollup, loc: Locale) -> str:
    """Where the period's days came from: the dailies, and the days collected for it."""
    parts = []
    if len(rollup.collected) + len(rollup.unread) < len(rollup.span.days):
        parts.append(loc["rollup_dailies"])
    if rollup.collected:
        parts.append(loc.format("rollup_collected", days=_dates(rollup.collected, loc)))
    if rollup.unread:
        parts.append(loc.format("rollup_unread", days=_dates(rollup.unread, loc)))
    return loc.sentences(parts)


def _dates(dates: list[dt.date], loc: Locale) -> str:
    return loc.join([d.isoformat() for d in dates])


def trend_line(trend: Trend, rollup: Rollup, loc: Locale) -> str:
    """`Against 2026-W05: 42 merged pull requests (+8), …, median time to merge 1.5 d (−0.3 d).`"""
    now, before = trend.figures, trend.previous
    parts = [
        _counted(loc, kind.counted, figure(now), figure(before) if before else None)
        for kind, figure in _COUNTED
    ]
    if now.median_merge_hours is not None:
        value = _days(now.median_merge_hours, loc)
        if before is not None and before.median_merge_hours is not None:
            change = now.median_merge_hours - before.median_merge_hours
            value = loc.paren(value, _days(change, loc, signed=True))
        parts.append(loc.format("trend_median", value=value))
    return _against(loc.join(parts), before is not None, rollup, loc)


def topic_trend(now: TopicCounts, before: TopicCounts | None, rollup: Rollup, loc: Locale) -> str:
    """`Against 2026-W05: 7 merged pull requests (+2), 1 new issue (−1).`: a topic's counts
    against the previous period's (`before`; None: the archive has no previous period), the
    kinds either period has."""
    mine, theirs = now.model_dump(), before.model_dump() if before else {}
    parts = [
        _counted(loc, key, n, theirs[key] if before else None)
        for key, n in mine.items()
        if n or theirs.get(key)
    ]
    return _against(loc.join(parts), before is not None, rollup, loc)


def _against(figures: str, compared: bool, rollup: Rollup, loc: Locale) -> str:
    if not compared:
        return loc.format("trend_first", figures=figures)
    return loc.format("trend_against", period=period_label(rollup.previous, loc), figures=figures)


# The figures a trend counts, each with its kind's counted phrase: `42 merged pull requests`.
_COUNTED: tuple[tuple[ItemKind[Any], Callable[[Figures], int]], ...] = (
    (kinds.MERGED_PULLS, lambda f: f.merged_pulls),
    (kinds.OPENED_ISSUES, lambda f: f.opened_issues),
    (kinds.CLOSED_ISSUES, lambda f: f.closed_issues),
    (kinds.RELEASES, lambda f: f.releases),
)


def _counted(loc: Locale, key: str, n: int, before: int | None) -> str:
    text = loc.count(key, n)
    return text if before is None else loc.paren(text, _signed(n - before))


def _signed(change: float, digits: int = 0) -> str:
    """`+8`, `−2` (a minus sign, not a hyphen), `±0`."""
    magnitude = f"{abs(change):.{digits}f}"
    if float(magnitude) == 0:
        return f"±{magnitude}"
    return f"{'+' if change > 0 else '−'}{magnitude}"


def _days(hours: float, loc: Locale, signed: bool = False) -> str:
    days = hours / 24
    value = _signed(days, 1) if signed else f"{days:.1f}"
    return loc.format("days_value", n=value)


def trend_for(digest: Digest, repo: str) -> Trend | None:
    if digest.rollup is None:
        return None
    return next((t for t in digest.rollup.trends if t.repo == repo), None)
