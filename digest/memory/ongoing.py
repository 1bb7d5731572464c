"""What an earlier report already highlighted, with nothing new since: told as ongoing.

An item is ongoing when a report within `follow-days` cited it (among the top developments,
the risks or a repository's story) and everything this window holds about it happened
before that report's window ended: a window of several days run daily holds the same
merge again, and it is not news twice. A merge, a close or a release after it is news.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

from digest.models import Digest, RepoActivity, qualified


def ongoing(past: Mapping[dt.date, Digest], repos: list[RepoActivity]) -> dict[str, dt.date]:
    """Qualified refs of `repos`' items already told, and the date first told."""
    told: dict[str, tuple[dt.date, dt.datetime]] = {}  # ref -> first told, end of latest window
    for date, digest in sorted(past.items()):
        for ref in _cited(digest):
            first = told[ref][0] if ref in told else date
            told[ref] = (first, digest.activity.window.until)
    found: dict[str, dt.date] = {}
    for repo in repos:
        for ref, moment in _latest_events(repo):
            ref = qualified(repo.repo, ref)
            if ref in told and moment < told[ref][1]:
                found[ref] = told[ref][0]
    return found


def _cited(digest: Digest) -> Iterator[str]:
    for item in (*digest.overall.highlights, *digest.overall.risks):
        yield from (ref.strip() for ref in item.refs)
    for summary in digest.repos:
        for section in summary.sections:
            for item in section.items:
                yield from (qualified(summary.repo, ref.strip()) for ref in item.refs)


def _latest_events(repo: RepoActivity) -> Iterator[tuple[str, dt.datetime]]:
    """Each item of the window and the latest moment something happened to it in it."""
    for pull in repo.pulls:
        moments = [pull.created_at if pull.opened_in_window else None]
        moments += [pull.merged_at if pull.merged_in_window else None, pull.closed_at]
        yield pull.ref, max(m for m in moments if m)
    for issue in repo.issues:
        closed = issue.closed_at if issue.closed_in_window else None
        yield issue.ref, closed or issue.created_at
    for release in repo.releases:
        yield release.ref, release.published_at
    for commit in repo.commits:
        yield commit.ref, commit.committed_at
