"""A week or a month from its days: the union of the daily activities, and its trends.

Each item is told once with all its facts: a pull request opened on Monday (Monday's daily)
and merged on Wednesday (Wednesday's) is one pull request, opened and merged in the period.
The facts come from the latest day that holds the item (it was read last), a merge from any
day (a merge is never undone), and what happened *in the period* is decided again against
the period's window, exactly as collection decides it for a day.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

from digest import kinds
from digest.calendar import Window
from digest.models import (
    Activity,
    Commit,
    Figures,
    Issue,
    PullRequest,
    RepoActivity,
    Trend,
)

T = TypeVar("T")


def union(window: Window, days: Sequence[Activity], tool_version: str) -> Activity:
    """One Activity over `window` from the activities of its days, oldest first."""
    by_repo: dict[str, list[RepoActivity]] = {}
    for day in days:
        for repo in day.repos:
            by_repo.setdefault(repo.repo.lower(), []).append(repo)
    quiet = days[-1].quiet if days else []
    notes = list(dict.fromkeys(note for day in days for note in day.notes))
    return Activity(
        tool_version=tool_version,
        window=window,
        repos=[_repo(window, versions) for versions in by_repo.values()],
        quiet=quiet,
        notes=notes,
        github_requests=sum(day.github_requests for day in days),
    )


def _repo(window: Window, versions: list[RepoActivity]) -> RepoActivity:
    """One repository over the period from its days (oldest first). It failed only if it
    was read on none of them; days it failed on are the rollup's to name."""
    read = [v for v in versions if v.ok]
    if not read:
        return versions[-1].updated(commits=[], pulls=[], issues=[])
    latest = read[-1]
    commits = _merged(read, lambda r: r.commits, lambda c: c.sha, _commit)
    pulls = _merged(read, lambda r: r.pulls, lambda p: p.number, _later_pull)
    issues = _merged(read, lambda r: r.issues, lambda i: i.number, _later)
    releases = _merged(read, lambda r: r.releases, lambda r: r.tag, _later)
    # Only what happened in the period: a day read late may know of what came after it.
    in_pulls = [p for p in (_pull(window, p) for p in pulls) if _in_period(p)]
    return latest.updated(
        commits=[c for c in commits if window.contains(c.committed_at)],
        pulls=in_pulls,
        issues=[i for i in (_issue(window, i) for i in issues) if _in_period(i)],
        releases=[r for r in releases if window.contains(r.published_at)],
    )


def _merged(
    repos: list[RepoActivity],
    items: Callable[[RepoActivity], list[T]],
    key: Callable[[T], Hashable],
    combine: Callable[[T, T], T],
) -> list[T]:
    """Each item once, where it first appeared, its facts combined from every day."""
    found: dict[Hashable, T] = {}
    for repo in repos:
        for item in items(repo):
            k = key(item)
            found[k] = combine(found[k], item) if k in found else item
    return list(found.values())


def _later(_earlier: T, later: T) -> T:
    return later


def _commit(earlier: Commit, later: Commit) -> Commit:
    # Commits that came with a pull request may have had their files asked on one day only.
    return later if later.files is not None or earlier.files is None else earlier


def _later_pull(earlier: PullRequest, later: PullRequest) -> PullRequest:
    if later.merged_at is None and earlier.merged_at is not None:
        return later.updated(
            state="merged", merged_at=earlier.merged_at, merge_commit_sha=earlier.merge_commit_sha
        )
    return later


def _pull(window: Window, pull: PullRequest) -> PullRequest:
    return pull.updated(
        merged_in_window=window.contains(pull.merged_at),
        opened_in_window=window.contains(pull.created_at),
    )


def _in_period(item: PullRequest | Issue) -> bool:
    if isinstance(item, PullRequest):
        return item.opened_in_window or item.merged_in_window
    return item.opened_in_window or item.closed_in_window


def _issue(window: Window, issue: Issue) -> Issue:
    return issue.updated(
        opened_in_window=window.contains(issue.created_at),
        closed_in_window=window.contains(issue.closed_at),
    )


# -- trends --------------------------------------------------------------------------------


def figures(repo: RepoActivity) -> Figures:
    """The figures the counts line shows, and the median time to merge of the merged pull
    requests (created -> merged, automated ones aside as in the record)."""
    merged = kinds.MERGED_PULLS.select(repo)
    hours = [(p.merged_at - p.created_at).total_seconds() / 3600 for p in merged if p.merged_at]
    return Figures(
        merged_pulls=kinds.MERGED_PULLS.figure(repo),
        opened_issues=kinds.OPENED_ISSUES.figure(repo),
        closed_issues=kinds.CLOSED_ISSUES.figure(repo),
        releases=kinds.RELEASES.figure(repo),
        median_merge_hours=round(statistics.median(hours), 2) if hours else None,
    )


def trends(activity: Activity, previous: Activity | None) -> list[Trend]:
    """Each repository read in the period, against the previous period's figures (None for
    a repository the previous period did not read)."""
    before = {r.repo.lower(): r for r in previous.repos if r.ok} if previous else {}
    return [
        Trend(
            repo=repo.repo,
            figures=figures(repo),
            previous=figures(before[repo.repo.lower()]) if repo.repo.lower() in before else None,
        )
        for repo in activity.repos
        if repo.ok
    ]
