"""A report's memory: the told items it follows up, and what it tells as ongoing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from digest.calendar import Span
from digest.memory.fates import Ask, fates
from digest.memory.ongoing import ongoing
from digest.memory.told import IsRisk, key_of, told_items, told_lasting
from digest.models import Activity, Digest, Followup, Memory


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
        # merged or closed in this window (fates: as of its end), or a risk or an item a
        # topic matched still open (each report carries them on until they close)
        if (item.resolved and item.closed_at and item.closed_at < window.until)
        or (item.lasting and not item.resolved)
    ]
    told = ongoing(past, activity.repos)
    if not kept and not told:
        return None  # nothing to tell: the sidecar stays without a `memory`
    return Memory(follow_days=follow_days, followups=_aged(kept, activity), ongoing=told)


def period_dates(span: Span, follow_days: int) -> list[dt.date]:
    """The dailies a week's or a month's memory reads: the `follow_days` before its first
    day (what was still open when it began), then each of its days."""
    return horizon(span.first, follow_days) + span.days


def recall_period(
    activity: Activity,
    follow_days: int,
    dailies: Mapping[dt.date, Digest],
    *,
    is_risk: IsRisk,
    prior: Digest | None = None,
) -> Memory | None:
    """A week's or a month's memory (`activity`: the union of its days) from the dailies
    of `period_dates`: each risk (and item a topic matched) told before it and still open
    when it began, or told in it, as it was at its end: still open (with the date first
    told), or resolved in it. From the archive alone: a day's window or its follow-ups show
    each close. `prior`, the report of the period before, stands for its last day where no
    daily does (an archive of weeklies alone): what it told and kept open is carried on."""
    window = activity.window
    if follow_days <= 0 or not (dailies or prior):
        return None
    before = {d: digest for d, digest in dailies.items() if d < window.first}
    if prior is not None and prior.span.last < window.first:
        before.setdefault(prior.span.last, prior)
    during = {d: digest for d, digest in dailies.items() if d >= window.first}
    carried = [item for item in told_items(before, is_risk) if item.lasting]
    told = {key_of(i): i for i in carried}
    for item in told_lasting(during, is_risk):
        told.setdefault(key_of(item), item)
    seen = [
        f
        for _, digest in sorted(during.items())
        for f in (digest.memory.followups if digest.memory else [])
    ]
    resolved = {key_of(f): f for f in seen if f.resolved}
    # As the period's last daily that followed it named it (a title GitHub changed since).
    latest = {key_of(f): f for f in seen}
    told = {
        key: item.updated(title=latest[key].title, url=latest[key].url) if key in latest else item
        for key, item in told.items()
    }

    def archived(items: Sequence[Followup]) -> list[Followup]:
        return [resolved[key_of(i)] for i in items if key_of(i) in resolved]

    now = fates(sorted(told.values(), key=lambda i: i.first_told), activity, archived)
    kept = [i for i in now if not i.resolved or window.contains(i.closed_at)]
    if not kept:
        return None
    return Memory(follow_days=follow_days, followups=_aged(kept, activity))


def _aged(items: list[Followup], activity: Activity) -> list[Followup]:
    """Each item with its age: on the day it closed, or on the last day of the window."""
    window = activity.window
    zone = ZoneInfo(window.timezone)

    def age(item: Followup) -> int:
        end = item.closed_at.astimezone(zone).date() if item.closed_at else window.date
        return (end - item.first_told).days

    return [i.updated(age=age(i)) for i in items]
