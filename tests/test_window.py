import datetime as dt

import pytest

from digest.errors import InputError
from digest.window import compute_window, yesterday

NOW = dt.datetime(2026, 2, 5, 1, 30, tzinfo=dt.UTC)  # 09:30 in Shanghai


def test_one_day_in_shanghai_is_the_local_calendar_day():
    window = compute_window(dt.date(2026, 2, 4), 1, "Asia/Shanghai", NOW)
    assert window.since == dt.datetime(2026, 2, 3, 16, 0, tzinfo=dt.UTC)
    assert window.until == dt.datetime(2026, 2, 4, 16, 0, tzinfo=dt.UTC)


def test_edges_are_half_open():
    window = compute_window(dt.date(2026, 2, 4), 1, "Asia/Shanghai", NOW)
    local = dt.timezone(dt.timedelta(hours=8))
    assert window.contains(dt.datetime(2026, 2, 4, 0, 0, tzinfo=local))
    assert window.contains(dt.datetime(2026, 2, 4, 23, 59, 59, tzinfo=local))
    assert not window.contains(dt.datetime(2026, 2, 5, 0, 0, tzinfo=local))
    assert not window.contains(dt.datetime(2026, 2, 3, 23, 59, 59, tzinfo=local))


def test_default_date_is_yesterday_in_the_time_zone():
    # 01:30 UTC on the 5th is already the 5th in Shanghai but still the 4th in Los Angeles.
    assert yesterday("Asia/Shanghai", NOW) == dt.date(2026, 2, 4)
    assert yesterday("America/Los_Angeles", NOW) == dt.date(2026, 2, 3)
    assert compute_window(None, 1, "Asia/Shanghai", NOW).date == dt.date(2026, 2, 4)


def test_week_window_spans_seven_local_days():
    window = compute_window(dt.date(2026, 2, 4), 7, "Europe/Berlin", NOW)
    assert window.since == dt.datetime(2026, 1, 28, 23, 0, tzinfo=dt.UTC)
    assert window.until == dt.datetime(2026, 2, 4, 23, 0, tzinfo=dt.UTC)


def test_daylight_saving_day_is_23_hours_long():
    window = compute_window(dt.date(2026, 3, 8), 1, "America/New_York", NOW.replace(month=4))
    assert window.until - window.since == dt.timedelta(hours=23)


def test_future_date_is_rejected():
    with pytest.raises(InputError, match="date"):
        compute_window(dt.date(2026, 2, 6), 1, "UTC", NOW)
