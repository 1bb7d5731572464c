"""The calendar: a report's days, and the window they make in the readers' time zone."""

import datetime as dt

import pytest

from digest import calendar
from digest.config import build_plan, load_settings
from digest.errors import InputError

NOW = dt.datetime(2026, 2, 5, 1, 30, tzinfo=dt.UTC)  # 09:30 in Shanghai


def day(date: dt.date, timezone: str) -> calendar.Window:
    return calendar.window(calendar.of("day", date), timezone)


def plan_window(now: dt.datetime, **values: object) -> calendar.Window:
    settings = load_settings(repos=["a/b"], **values)
    return build_plan(settings, "run", now=now).jobs[0].window


def test_one_day_in_shanghai_is_the_local_calendar_day():
    window = day(dt.date(2026, 2, 4), "Asia/Shanghai")
    assert window.since == dt.datetime(2026, 2, 3, 16, 0, tzinfo=dt.UTC)
    assert window.until == dt.datetime(2026, 2, 4, 16, 0, tzinfo=dt.UTC)


def test_edges_are_half_open():
    window = day(dt.date(2026, 2, 4), "Asia/Shanghai")
    local = dt.timezone(dt.timedelta(hours=8))
    assert window.contains(dt.datetime(2026, 2, 4, 0, 0, tzinfo=local))
    assert window.contains(dt.datetime(2026, 2, 4, 23, 59, 59, tzinfo=local))
    assert not window.contains(dt.datetime(2026, 2, 5, 0, 0, tzinfo=local))
    assert not window.contains(dt.datetime(2026, 2, 3, 23, 59, 59, tzinfo=local))


def test_default_date_is_yesterday_in_the_time_zone():
    # 01:30 UTC on the 5th is already the 5th in Shanghai but still the 4th in Los Angeles.
    assert calendar.yesterday("Asia/Shanghai", NOW) == dt.date(2026, 2, 4)
    assert calendar.yesterday("America/Los_Angeles", NOW) == dt.date(2026, 2, 3)
    assert plan_window(NOW, timezone="Asia/Shanghai").date == dt.date(2026, 2, 4)
    assert plan_window(NOW, timezone="America/Los_Angeles").date == dt.date(2026, 2, 3)


def test_a_seven_day_report_spans_seven_local_days_filed_under_its_last():
    span = calendar.days_to(dt.date(2026, 2, 4), 7)
    assert (span.first, span.label) == (dt.date(2026, 1, 29), "2026-02-04")
    window = calendar.window(span, "Europe/Berlin")
    assert window.since == dt.datetime(2026, 1, 28, 23, 0, tzinfo=dt.UTC)
    assert window.until == dt.datetime(2026, 2, 4, 23, 0, tzinfo=dt.UTC)
    assert (window.first, window.date, window.days) == (span.first, span.last, 7)
    assert plan_window(NOW, date="2026-02-04", days=7, timezone="Europe/Berlin") == window
    # the report before it covers the seven days before (backfill steps a week at a time)
    assert calendar.previous(span) == calendar.days_to(dt.date(2026, 1, 28), 7)


def test_daylight_saving_day_is_23_hours_long():
    window = day(dt.date(2026, 3, 8), "America/New_York")
    assert window.until - window.since == dt.timedelta(hours=23)


def test_a_date_after_today_in_the_time_zone_is_rejected():
    # the 5th is today in Shanghai, and still tomorrow in Los Angeles
    assert plan_window(NOW, date="2026-02-05", timezone="Asia/Shanghai").date.day == 5
    with pytest.raises(InputError, match="input 'date' must not be after today"):
        plan_window(NOW, date="2026-02-05", timezone="America/Los_Angeles")
