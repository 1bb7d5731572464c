"""The calendar: the days a report covers (a Span) and the window they make in a time zone.

Every report covers whole days of its readers' calendar. A `Span` is those days and the kind
of report they make: a day (`2026-02-04`; with `days: N`, the N days ending on it, filed under
that last day), an ISO week (`2026-W06`, Monday to Sunday) or a calendar month (`2026-02`).
A `Window` is a span's days in a time zone, as the half-open UTC interval collection asks
GitHub about. Everything that names a report's time goes through here; this module sits below
models.py and imports nothing of digest's.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, ConfigDict

Period = Literal["day", "week", "month"]

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class Span(BaseModel):
    """The days of one report: its kind and its first and last day (both included)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    period: Period
    first: dt.date
    last: dt.date

    @property
    def label(self) -> str:
        """Its key, as files are named: `2026-02-04` (a day report: its last day),
        `2026-W06` (ISO week), `2026-02`."""
        if self.period == "week":
            year, week, _ = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        if self.period == "month":
            return f"{self.first.year}-{self.first.month:02d}"
        return self.last.isoformat()

    @property
    def days(self) -> list[dt.date]:
        count = (self.last - self.first).days + 1
        return [self.first + dt.timedelta(days=k) for k in range(count)]

    def __str__(self) -> str:
        return self.label


class Window(BaseModel):
    """Half-open interval [since, until) in UTC covering `days` calendar days in `timezone`,
    the last of them `date`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    date: dt.date
    days: int
    timezone: str
    since: AwareDatetime
    until: AwareDatetime

    @property
    def first(self) -> dt.date:
        """Its first day."""
        return self.date - dt.timedelta(days=self.days - 1)

    def contains(self, moment: dt.datetime | None) -> bool:
        return moment is not None and self.since <= moment < self.until


def of(period: Period, date: dt.date) -> Span:
    """The period of kind `period` that holds `date` (a day: that day alone)."""
    if period == "week":
        monday = date - dt.timedelta(days=date.weekday())
        return Span(period="week", first=monday, last=monday + dt.timedelta(days=6))
    if period == "month":
        length = calendar.monthrange(date.year, date.month)[1]
        return Span(period="month", first=date.replace(day=1), last=date.replace(day=length))
    return Span(period="day", first=date, last=date)


def days_to(last: dt.date, days: int) -> Span:
    """A day report over `days` days (`days: 7`), filed under `last`, its last day."""
    return Span(period="day", first=last - dt.timedelta(days=days - 1), last=last)


def previous(span: Span) -> Span:
    """The report of the same kind just before `span`: the week or month before, or as many
    days before (a 7-day report's previous one ends the day before it begins)."""
    if span.period == "day":
        return days_to(span.first - dt.timedelta(days=1), len(span.days))
    return of(span.period, span.first - dt.timedelta(days=1))


def last_complete(period: Period, date: dt.date) -> Span:
    """The latest period whose last day is `date` or earlier: on a Sunday its own week, on
    any other day the week before."""
    span = of(period, date)
    return span if span.last <= date else previous(span)


def parse(period: Period, label: str) -> Span | None:
    """The span a key names (`2026-W06`); None when it names none (`2026-W54`, `2026-13`).
    A day's key names that day alone: how many days its report covers, its window says."""
    try:
        if period == "week" and (match := _WEEK.match(label)):
            return of("week", dt.date.fromisocalendar(int(match[1]), int(match[2]), 1))
        if period == "month" and (match := _MONTH.match(label)):
            return of("month", dt.date(int(match[1]), int(match[2]), 1))
        if period == "day" and _DAY.match(label):
            return of("day", dt.date.fromisoformat(label))
    except ValueError:
        return None
    return None


def window(span: Span, timezone: str) -> Window:
    """[first day 00:00, the day after the last 00:00) in `timezone`, converted to UTC.

    Midnights are built in the zone itself, so DST days are 23 or 25 hours long as they are
    for the people reading the report.
    """
    zone = ZoneInfo(timezone)
    since = dt.datetime.combine(span.first, dt.time(), zone).astimezone(dt.UTC)
    after = span.last + dt.timedelta(days=1)
    until = dt.datetime.combine(after, dt.time(), zone).astimezone(dt.UTC)
    return Window(date=span.last, days=len(span.days), timezone=timezone, since=since, until=until)


def today(timezone: str, now: dt.datetime | None = None) -> dt.date:
    """The date in `timezone` at `now` (by default the present)."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(timezone)).date()


def yesterday(timezone: str, now: dt.datetime | None = None) -> dt.date:
    return today(timezone, now) - dt.timedelta(days=1)
