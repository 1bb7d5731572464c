"""A report's memory: the told items it follows up, and what it tells as ongoing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from digest.memory.fates import Ask, fates
from digest.memory.ongoing import ongoing
from digest.memory.told import IsRisk, told_items
from digest.models import Activity, Digest, Memory


def horizon(date: dt.date, follow_days: int) -> list[dt.date]:
    """The dates whose reports a report of `date` follows up: the `follow_days` before it."""
    return [date - dt.timedelta(days=k) for k in range(follow_days, 0, -1)]


def recall(
    activity: Activity,
    follow_days: int,
    past: Mapping[dt.date, Digest],
    *,
    is_risk: IsRisk,
    ask: Ask | None,
) -> Memory | None:
    """The memory of the report of `activity` from the digests `past` (the days of its
    horizon that have one); None when following is off, or nothing earlier is to be told."""
    window = activity.window
    past = {date: d for date, d in past.items() if date in horizon(window.date, follow_days)}
    if follow_days <= 0 or not past:
        return None
    now = fates(told_items(past, is_risk), activity, ask)
    kept = [
        item
        for item in now
        # merged or closed since the last report (not after this window: the next one
        # collects that), or a risk still open
        if (item.resolved and item.closed_at and item.closed_at < window.until)
        or (item.risk and not item.resolved)
    ]
    aged = [i.model_copy(update={"age": (window.date - i.first_told).days}) for i in kept]
    told = ongoing(past, activity.repos)
    if not aged and not told:
        return None  # nothing to tell: the sidecar stays without a `memory`
    return Memory(follow_days=follow_days, followups=aged, ongoing=told)
