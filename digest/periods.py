"""Periods a report covers: a day, an ISO week (Monday to Sunday) or a calendar month.

A `Span` is one such period, named by its key: `2026-02-04`, `2026-W06`, `2026-02`. The
calendar lives here; models.py reads `Span` (for `Layout` and the rollup on a Digest), so
this module imports models only inside the one function that builds a Window.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from digest.models import Window

Period = Literal["day", "week", "month"]

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class Span(BaseModel):
    """One period: its kind and its first and last day (both included)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    period: Period
    first: dt.date
    last: dt.date

    @property
    def label(self) -> str:
        """Its key, as files are named: `2026-02-04`, `2026-W06` (ISO week), `2026-02`."""
        if self.period == "week":
            year, week, _ = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        if self.period == "month":
            return f"{self.first.year}-{self.first.month:02d}"
        return self.first.isoformat()

    @property
    def days(self) -> list[dt.date]:
        count = (self.last - self.first).days + 1
        return [self.first + dt.timedelta(days=k) for k in range(count)]

    def __str__(self) -> str:
        return self.label


def of(period: Period, date: dt.date) -> Span:
    """The period of kind `period` that holds `date`."""
    if period == "week":
        monday = date - dt.timedelta(days=date.weekday())
        return Span(period="week", first=monday, last=monday + dt.timedelta(days=6))
    if period == "month":
        length = calendar.monthrange(date.year, date.month)[1]
        return Span(period="month", first=date.replace(day=1), last=date.replace(day=length))
    return Span(period="day", first=date, last=date)


def previous(span: Span) -> Span:
    """The period of the same kind just before `span`."""
    return of(span.period, span.first - dt.timedelta(days=1))


def last_complete(period: Period, date: dt.date) -> Span:
    """The latest period whose last day is `date` or earlier: on a Sunday its own week, on
    any other day the week before."""
    span = of(period, date)
    return span if span.last <= date else previous(span)


def parse(period: Period, label: str) -> Span | None:
    """The span a key names (`2026-W06`); None when it names none (`2026-W54`, `2026-13`)."""
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
    """[first day 00:00, the day after the last 00:00) in `timezone`, in UTC."""
    from digest.window import compute_window  # window.py imports models, which import this

    return compute_window(span.last, len(span.days), timezone)
