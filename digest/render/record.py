"""The record: every item of a repository's window, linked, grouped, compact.

Built from the collected activity alone, never from a summary, and never cut: whatever a
model answered, every merged pull request, direct commit, release, new and closed issue
and new pull request is here. A long record folds into <details> to keep the page short.
"""

from __future__ import annotations

from collections.abc import Iterable

from digest.locales import Locale
from digest.models import Commit, Issue, PullRequest, Release, RepoActivity
from digest.render import markdown as md

FOLD_AFTER = 10  # lines; a longer record is folded
_SEP = " · "


def record_refs(repo: RepoActivity) -> set[str]:
    """The refs of every item the record lists (automated changes included)."""
    items: Iterable[PullRequest | Commit | Issue | Release] = [
        *repo.releases,
        *repo.merged_pulls,
        *repo.direct_commits,
        *repo.opened_pulls,
        *repo.opened_issues,
        *repo.closed_issues,
        *repo.automated,
    ]
    return {item.ref for item in items}


def render_record(repo: RepoActivity, counts: str, loc: Locale) -> str:
    groups = [
        (loc["record_releases"], _releases(repo.releases, loc)),
        (loc["record_merged"], [_pull(p, loc) for p in repo.merged_pulls]),
        (loc["record_direct"], [_commit(c, loc) for c in repo.direct_commits]),
        (loc["record_opened_pulls"], [_pull(p, loc) for p in repo.opened_pulls]),
        (loc["record_opened_issues"], [_issue(i, loc) for i in repo.opened_issues]),
        (
            loc["record_closed_issues"],
            [_issue(i, loc) for i in repo.closed_issues if not i.opened_in_window],
        ),
        (loc["record_automated"], _automated(repo.automated, loc)),
    ]
    groups = [(title, lines) for title, lines in groups if lines]
    summary = md.inline(loc.format("record_summary", counts=counts))
    body = "\n\n".join(
        f"**{md.inline(title)}**\n\n" + "\n".join(f"- {line}" for line in lines)
        for title, lines in groups
    )
    if sum(len(lines) for _, lines in groups) > FOLD_AFTER:
        return f"<details><summary>{summary}</summary>\n\n{body}\n\n</details>"
    return f"{summary}\n\n{body}"


def _facts(*facts: str | None) -> str:
    return "".join(f"{_SEP}{md.inline(f)}" for f in facts if f)


def _by(author: str | None, loc: Locale) -> str | None:
    return loc.format("record_by", author=author) if author else None


def _releases(releases: list[Release], loc: Locale) -> list[str]:
    stable = [r for r in releases if not r.nightly]
    nightly = [r for r in releases if r.nightly]
    lines = [
        md.link(r.tag, r.url)
        + (f" {md.inline(r.name)}" if r.name and r.name != r.tag else "")
        + _facts(loc["record_prerelease"] if r.prerelease else None, _by(r.author, loc))
        for r in stable
    ]
    if nightly:
        links = loc.join([md.link(r.tag, r.url) for r in nightly])
        lines.append(md.inline(loc["record_nightly"]) + loc["colon"] + links)
    return lines


def _pull(pr: PullRequest, loc: Locale) -> str:
    draft = loc["record_draft"] if pr.draft else None
    return (
        md.link(f"#{pr.number}", pr.url)
        + f" {md.inline(pr.title)}"
        + _facts(_by(pr.author, loc), draft)
    )


def _commit(commit: Commit, loc: Locale) -> str:
    author = commit.author_login or commit.author_name or None
    return (
        md.code_link(commit.short_sha, commit.url)
        + f" {md.inline(commit.title)}"
        + _facts(_by(author, loc))
    )


def _issue(issue: Issue, loc: Locale) -> str:
    closed = loc["record_closed_too"] if issue.opened_in_window and issue.closed_in_window else None
    comments = loc.count("comments", issue.comments) if issue.comments else None
    labels = loc.join(issue.labels) if issue.labels else None
    return (
        md.link(f"#{issue.number}", issue.url)
        + f" {md.inline(issue.title)}"
        + _facts(_by(issue.author, loc), labels, comments, closed)
    )


def _automated(changes: list[PullRequest | Commit], loc: Locale) -> list[str]:
    if not changes:
        return []
    authors = sorted(
        {(c.author if isinstance(c, PullRequest) else c.author_login) or "?" for c in changes}
    )
    links = loc.join(
        [
            md.link(f"#{c.number}", c.url)
            if isinstance(c, PullRequest)
            else md.code_link(c.short_sha, c.url)
            for c in changes
        ]
    )
    count = loc.count("automated", len(changes))
    text = loc.format("automated_line", count=count, authors=loc.join(authors))
    return [md.inline(text) + loc["colon"] + links]
