"""The reporting window: calendar days in the user's time zone, as a half-open UTC interval."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from digest.errors import InputError
from digest.models import Window


def yesterday(timezone: str, now: dt.datetime | None = None) -> dt.date:
    now = now or dt.datetime.now(dt.UTC)
    return now.astimezone(ZoneInfo(timezone)).date() - dt.timedelta(days=1)


def compute_window(
    date: dt.date | None, days: int, timezone: str, now: dt.datetime | None = None
) -> Window:
    """[first day 00:00, day after `date` 00:00) in `timezone`, converted to UTC.

    Midnights are built in the zone itself, so DST days are 23 or 25 hours long as they are
    for the people reading the report.
    """
    zone = ZoneInfo(timezone)
    today = (now or dt.datetime.now(dt.UTC)).astimezone(zone).date()
    last = date or yesterday(timezone, now)
    if last > today:
        raise InputError("date", f"must not be after today in {timezone} (got {last})")
    first = last - dt.timedelta(days=days - 1)
    since = dt.datetime.combine(first, dt.time(), zone).astimezone(dt.UTC)
    until = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.UTC)
    return Window(date=last, days=days, timezone=timezone, since=since, until=until)
