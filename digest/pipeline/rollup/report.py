"""A weekly or monthly report (`period`), from the dailies in the archive."""

from __future__ import annotations

from digest import calendar
from digest.archive.history import History
from digest.errors import NothingRead
from digest.memory import period_dates, recall_period
from digest.models import Activity, Digest, Job, Memory
from digest.pipeline.base import Run, required
from digest.pipeline.rollup import days as rollups
from digest.pipeline.sources import Source
from digest.pipeline.summarizing import summarize_work
from digest.pipeline.work import Done, Work
from digest.summarize.significance import is_risk


def rollup_work(run: Run, job: Job, github: Source) -> Done:
    """Only days with no usable daily report are collected (from `github`), each alone.
    Backfill does not apply."""
    span, history, runner = job.span, required(run.history), run.runner

    def collect_day(dated: Job, daily: Digest | None) -> Activity | None:
        try:
            return github.activity(dated, daily)
        except NothingRead as exc:
            runner.warning(f"{span.label}: {dated.span.label} could not be collected: {exc}")
            return None  # the report says which day it lacks

    built = rollups.build(job, history, collect_day)
    titled = job.updated(title=job.title or rollups.default_title(job))
    memory = remembered(job, built.activity, history)
    previous = history.digest(job.layout, span)
    work = Work(titled, built.activity, previous, memory=memory, topics=built.topics)
    digest = summarize_work(run, work).updated(rollup=built.rollup)
    return Done(titled, [digest], [])


def remembered(job: Job, activity: Activity, history: History) -> Memory | None:
    """The risks the dailies told, as they were at the end of the period: read from the
    archive, no request."""
    dates = period_dates(job.span, job.follow_days)
    dailies = history.dailies(job.layout, dates)
    prior = history.digest(job.layout, calendar.previous(job.span))
    return recall_period(activity, job.follow_days, dailies, is_risk=is_risk, prior=prior)
