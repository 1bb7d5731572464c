"""Where a window's activity comes from: GitHub (`run`, `collect`, and the dates backfill and
rollups collect again), or the files `digest collect` wrote (`summarize`, `report`).

A source answers one question: a job's activity, given the report it replaces (whose
commits' files are not asked again). Weekly and monthly reports read the dailies in the
archive first (pipeline/rollup/) and ask a source only for the days without one.

Where a new source plugs in (a local clone, another forge): a class with `activity`, and an
opener in `SOURCES`, which the commands ask in order for the plan's own dates."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from digest.actions import Runner
from digest.collect.collector import collect_activity
from digest.collect.discover import discover
from digest.errors import NothingRead
from digest.failures import FAILURES
from digest.github import GitHubAPI
from digest.models import Activity, Digest, Discovery, Job, Plan
from digest.pipeline.base import log, required
from digest.shards import in_shard


class Source(Protocol):
    def activity(self, job: Job, previous: Digest | None) -> Activity:
        """The job's activity; raises NothingRead when not one repository could be read."""
        ...


@dataclass(frozen=True)
class GitHubSource:
    plan: Plan
    api: GitHubAPI | None  # None where the command reads no GitHub: asking is then a bug
    runner: Runner

    def activity(self, job: Job, previous: Digest | None) -> Activity:
        return collect(self.plan, job, required(self.api), previous, self.runner)


@dataclass(frozen=True)
class FilesSource:
    """The activity `digest collect` wrote, read by the CLI (`--activity`)."""

    activity_read: Activity

    def activity(self, job: Job, previous: Digest | None) -> Activity:
        return self.activity_read


# Opens the plan's source, or None when the plan asks for another.
Opener = Callable[[Plan, GitHubAPI | None, Runner], Source | None]


def _files(plan: Plan, _api: GitHubAPI | None, _runner: Runner) -> Source | None:
    return FilesSource(plan.activity) if plan.activity is not None else None


def _github(plan: Plan, api: GitHubAPI | None, runner: Runner) -> Source | None:
    return GitHubSource(plan, api, runner)


# Asked in order: the files `--activity` names, else GitHub.
SOURCES: tuple[Opener, ...] = (_files, _github)


def open_source(plan: Plan, api: GitHubAPI | None, runner: Runner) -> Source:
    """Where the activity of the plan's own dates comes from."""
    return next(found for opener in SOURCES if (found := opener(plan, api, runner)) is not None)


def collect(
    plan: Plan, job: Job, api: GitHubAPI, previous: Digest | None, runner: Runner
) -> Activity:
    started, before = time.perf_counter(), api.requests
    known_files = {
        commit.sha: commit.files
        for repo in (previous.activity.repos if previous else [])
        for commit in repo.commits
        if commit.files is not None
    }
    found = Discovery(repos=job.repos)
    if job.orgs or job.search:
        with runner.group("Discover repositories"):
            found = discover(
                api,
                job.window,
                listed=job.repos,
                orgs=job.orgs,
                search=job.search,
                exclude=job.exclude,
            )
        for note in found.notes:
            runner.warning(note)
    repos = found.repos
    if plan.shard is not None:
        repos = [r for r in found.repos if in_shard(r, plan.shard)]
        log.info("shard %s: %d of %d repositories", plan.shard, len(repos), len(found.repos))
    with runner.group(f"Collect {len(repos)} repositories"):
        activity = collect_activity(
            repos,
            job.window,
            api,
            max_concurrency=plan.max_concurrency,
            known_files=known_files,
            exclude_authors=job.exclude_authors,
            sources=found.sources,
        )
    activity = activity.updated(
        quiet=found.quiet,
        notes=found.notes,
        github_requests=api.requests - before,  # discovery's too
    )
    if plan.shard is not None:  # what the report job needs to merge the shards in order
        activity = activity.updated(shard=plan.shard, order=found.repos)
    for repo in activity.repos:
        if repo.failure:
            runner.warning(f"{repo.repo}: {FAILURES[repo.failure].log}")
    if activity.repos and not any(repo.ok for repo in activity.repos):
        # A report of nothing but failures would replace a good report of the same day.
        raise NothingRead(api.api_url)
    log.info(
        "collected %d repositories with %d GitHub requests in %.2f s; GraphQL points used: "
        "%d, left: %s",
        len(activity.repos),
        activity.github_requests,
        time.perf_counter() - started,
        api.points_used,
        "unknown" if api.points_remaining is None else api.points_remaining,
    )
    return activity
