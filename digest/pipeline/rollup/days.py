"""Weekly and monthly reports (`period: week | month`), built from the dailies in the archive.

A rollup asks GitHub for nothing the archive already holds: each day of the period is read
from its daily report, and only a day with no usable one is collected, alone (all of it when
there is no daily or its sidecar is unreadable; only the missing repositories when the daily
is incomplete or lacks some). The period's activity is the union of its days
(union.py); its trends compare each repository with the previous period, read
from that period's rollup, or else from its dailies when every one of them is usable.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from digest import __version__, calendar, topics
from digest.archive.history import History
from digest.locales import locale
from digest.models import Activity, Digest, Job, Rollup, TopicCounts, TopicMatches
from digest.pipeline.rollup.union import trends, union

log = logging.getLogger(__name__)

# Collects one day for a job (that day's job: its span, its repositories): the pipeline's path.
CollectDay = Callable[[Job, Digest | None], Activity | None]


@dataclass(frozen=True)
class Day:
    """One day of the period and where its activity comes from."""

    job: Job  # the digest on that day alone
    daily: Digest | None  # the daily report, readable (maybe incomplete)
    collect: list[str] | None  # repositories to collect: None all of them, [] none
    why: str

    @property
    def date(self) -> dt.date:
        return self.job.span.last


def days(job: Job, history: History) -> list[Day]:
    """Each day of the job's period: usable as it is, or what to collect for it."""
    return [_day(job.on(calendar.of("day", date)), history) for date in job.span.days]


def _day(dated: Job, history: History) -> Day:
    past = history.read(dated.layout, dated.span)
    if not isinstance(past, Digest):
        return Day(dated, None, None, "unreadable sidecar" if past else "no daily report")
    window, expected = past.activity.window, dated.window
    if (window.since, window.until) != (expected.since, expected.until):
        return Day(dated, None, None, f"its daily report covers another window ({window.days} d)")
    held = {r.repo.lower() for r in past.activity.repos}
    missing = [r for r in dated.repos if r.lower() not in held]
    redo = list(dict.fromkeys([*past.incomplete, *missing]))
    return Day(dated, past, redo, "incomplete: " + ", ".join(redo) if redo else "daily report")


def day_usable(day: Day) -> bool:
    return day.collect == []


@dataclass(frozen=True)
class Built:
    """A week's or a month's activity (the union of its days), its rollup, and each of its
    topics over its days."""

    activity: Activity
    rollup: Rollup
    topics: list[TopicMatches]


def build(job: Job, history: History, collect_day: CollectDay) -> Built:
    """The union of the job's period's days (collecting only those with no usable daily),
    the rollup (the days collected, those GitHub did not answer for, the trends) and the
    topics: each day's matches as its daily kept them, or matched again (no request)."""
    span = job.span
    activities, collected, unread = [], [], []
    matched: list[list[TopicMatches]] = []
    for day in days(job, history):
        log.info("%s %s: %s", span.label, day.date, day.why)
        if day_usable(day) and day.daily is not None:
            activities.append(day.daily.activity)
            matched.append(topics.of_day(day.daily.activity, day.daily.topics, job.topics))
            continue
        dated = day.job
        if day.collect is not None:  # only what the daily lacks, without discovering again
            dated = dated.updated(repos=day.collect, orgs=[], search=None)
        fresh = collect_day(dated, day.daily)
        if fresh is None:
            unread.append(day.date)
            if day.daily is not None:
                activities.append(day.daily.activity)
                matched.append(topics.of_day(day.daily.activity, day.daily.topics, job.topics))
            continue
        collected.append(day.date)
        activities.append(_with(day.daily.activity, fresh) if day.daily else fresh)
        matched.append(topics.of_day(activities[-1], None, job.topics))
    activity = union(job.window, activities, __version__)
    before = calendar.previous(span)
    rollup = Rollup(
        span=span,
        previous=before,
        collected=collected,
        unread=unread,
        trends=trends(activity, previous_activity(job.on(before), history)),
        previous_topics=previous_topics(job.on(before), history),
    )
    return Built(activity, rollup, topics.union(matched, job.topics))


def _with(daily: Activity, fresh: Activity) -> Activity:
    """A daily's activity with the repositories collected again replaced, new ones added."""
    replaced = daily.replacing(fresh)
    held = {r.repo.lower() for r in replaced.repos}
    added = [r for r in fresh.repos if r.repo.lower() not in held]
    return replaced.updated(repos=[*replaced.repos, *added])


def previous_activity(job: Job, history: History) -> Activity | None:
    """The activity of the job's period (the one before a rollup's): its rollup's, or else
    the union of its dailies when every day has one; a repository counts only if every day
    read it (no trend rather than a wrong one). None when neither exists."""
    rollup = history.digest(job.layout, job.span)
    if rollup is not None:
        return rollup.activity
    dailies = [d.daily for d in days(job, history)]
    if not all(dailies):
        return None
    read = [d for d in dailies if d is not None]
    every_day = set.intersection(
        *({r.repo.lower() for r in d.activity.repos if r.ok} - _lower(d.incomplete) for d in read)
    )
    whole = union(job.window, [d.activity for d in read], __version__)
    return whole.updated(repos=[r for r in whole.repos if r.repo.lower() in every_day])


def previous_topics(job: Job, history: History) -> dict[str, TopicCounts]:
    """Each of the job's topics' counts over the job's period (the one before a rollup's):
    from its rollup, or else the union of its dailies when every day has one (each matched
    again, with no request, where it was written under other topics). Nothing when neither
    exists, or the job follows no topic."""
    if not job.topics:
        return {}
    rollup = history.digest(job.layout, job.span)
    if rollup is not None:
        return _counts(topics.of_day(rollup.activity, rollup.topics, job.topics))
    dailies = [d.daily for d in days(job, history)]
    if not all(dailies):
        return {}
    read = [topics.of_day(d.activity, d.topics, job.topics) for d in dailies if d is not None]
    return _counts(topics.union(read, job.topics))


def _counts(matches: list[TopicMatches]) -> dict[str, TopicCounts]:
    return {m.name: m.counts for m in matches}


def _lower(names: list[str]) -> set[str]:
    return {n.lower() for n in names}


_TITLES: dict[calendar.Period, str] = {"week": "weekly_title", "month": "monthly_title"}


def default_title(job: Job) -> str:
    """`Weekly digest`, `Monthly digest`, in the job's language."""
    return locale(job.language)[_TITLES[job.period]]
