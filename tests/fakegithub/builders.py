"""Realistic fake repositories, built in a few lines per test."""

from __future__ import annotations

import datetime as dt
import hashlib

from tests.fakegithub.server import FakeCommit, FakeFile, FakePull, FakeRepo


def sha(seed: str) -> str:
    return hashlib.sha1(seed.encode()).hexdigest()


def at(text: str) -> dt.datetime:
    """'2026-02-04 10:00' (UTC) or with an explicit offset '2026-02-04 23:59+08:00'."""
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def merged_pr(
    repo: FakeRepo,
    number: int,
    title: str,
    merged: dt.datetime,
    *,
    files: list[FakeFile] | None = None,
    author: str = "ada",
    labels: list[str] | None = None,
    body: str = "",
    opened: dt.datetime | None = None,
) -> FakePull:
    """A squash-merged PR and its commit on the default branch, as GitHub records them."""
    files = files or [FakeFile("src/core.py", additions=10, deletions=2)]
    commit = FakeCommit(
        sha=sha(f"{repo.full_name}#{number}"),
        message=f"{title} (#{number})\n\nSigned-off-by: {author}",
        committed_at=merged,
        author_login=author,
        author_name=author.title(),
        files=files,
        pr_number=number,
    )
    pull = FakePull(
        number=number,
        title=title,
        created_at=opened or merged - dt.timedelta(days=2),
        merged_at=merged,
        closed_at=merged,
        merge_commit_sha=commit.sha,
        author=author,
        labels=labels or [],
        body=body,
        files=files,
    )
    repo.commits.append(commit)
    repo.pulls.append(pull)
    return pull


def direct_push(
    repo: FakeRepo, message: str, when: dt.datetime, files: list[FakeFile] | None = None
) -> FakeCommit:
    commit = FakeCommit(
        sha=sha(f"{repo.full_name}@{message}@{when}"),
        message=message,
        committed_at=when,
        author_login="tridao",
        author_name="Tri Dao",
        files=files or [FakeFile("README.md", additions=3, deletions=1)],
    )
    repo.commits.append(commit)
    return commit
