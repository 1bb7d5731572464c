"""The reports a run writes, before they are summarized: the job's own date, then the
earlier dates backfill fills in."""

from __future__ import annotations

from dataclasses import dataclass

from digest.archive.history import History
from digest.errors import NothingRead
from digest.models import Activity, Digest, Job, Memory, Plan, RepoSummary, TopicMatches
from digest.pipeline import backfill
from digest.pipeline.base import log
from digest.pipeline.sources import Source


@dataclass(frozen=True)
class Work:
    """One report to write: a job, its collected activity, the report it replaces."""

    job: Job
    activity: Activity
    previous: Digest | None
    summaries: list[RepoSummary] | None = None  # written by the shards' summarize jobs
    memory: Memory | None = None  # what earlier reports told, followed up (`follow-days`)
    # What the job's topics matched: a rollup's, from its days; None: matched from `activity`.
    topics: list[TopicMatches] | None = None


@dataclass(frozen=True)
class Done:
    """A digest's reports, summarized: its own date first, then the dates backfill wrote."""

    job: Job
    digests: list[Digest]
    decisions: list[backfill.Decision]


def firsts(plan: Plan, source: Source, history: History | None) -> list[Work | None]:
    """Each daily job's own date (None for a week or a month, written from the archive)."""
    return [first(plan, job, source, history) if job.period == "day" else None for job in plan.jobs]


def first(plan: Plan, job: Job, source: Source, history: History | None) -> Work:
    """The job's own date: its activity and the report it replaces (whose summaries are
    reused when their input is unchanged, and commits' files not asked again)."""
    previous = history.digest(job.layout, job.span) if history else None
    return Work(job, source.activity(job, previous), previous, plan.summaries)


def fill_in(job: Job, decisions: list[backfill.Decision], github: Source) -> list[Work]:
    """Collect the earlier dates backfill writes: all repositories for a missing date, only
    those GitHub did not answer for when an incomplete report is redone."""
    work = []
    for decision in decisions:
        log.info("backfill %s: %s (%s)", decision.date, decision.action, decision.why)
        if decision.action == "skip":
            continue
        dated = job.on(decision.span)
        previous = decision.previous
        missing = dated.with_repos(previous.incomplete) if previous else dated
        try:
            fresh = github.activity(missing, previous)
        except NothingRead as exc:
            log.warning("backfill %s: %s", decision.date, exc)
            continue  # nothing could be read for that date: a later run tries again
        activity = previous.activity.replacing(fresh) if previous else fresh
        work.append(Work(dated, activity, previous))
    return work
