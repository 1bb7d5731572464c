"""The record: every item of a repository's window, linked, grouped, compact.

Built from the collected activity alone, never from a summary, and never cut: whatever a
model answered, every item of every kind (digest/kinds.py) is here, a group per kind in the
table's order. A long record folds into <details> to keep the page short.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from digest import kinds
from digest.kinds import KINDS, ByKind
from digest.locales import Locale
from digest.models import Commit, Followup, Issue, PullRequest, Release, RepoActivity
from digest.render import markdown as md
from digest.render.followups import Told

FOLD_AFTER = 10  # lines; a longer record is folded
_SEP = " · "

# How each kind's group is written: its items -> the group's lines (a group may fold many
# items into one line, as nightly builds and automated changes are).
Lines = Callable[[list[Any], Locale], list[str]]
_LINES: ByKind[Lines] = ByKind("record lines")


def record_refs(repo: RepoActivity) -> set[str]:
    """The refs of every item the record lists (automated changes included)."""
    return {item.ref for kind in KINDS for item in kind.select(repo)}


def render_record(
    repo: RepoActivity, counts: str, loc: Locale, followed: Sequence[Followup] = ()
) -> str:
    """`followed`: what became of the items earlier reports told (render/followups.py)."""
    told = Told(repo, followed)
    groups = [
        (loc[kind.heading], told.lines(kind, kind.select(repo), _LINES[kind], loc))
        for kind in KINDS
    ]
    groups.append((loc["record_followed"], told.left(loc)))
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


@_LINES.register(kinds.RELEASES)
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


@_LINES.register(kinds.MERGED_PULLS, kinds.OPENED_PULLS)
def _pulls(pulls: list[PullRequest], loc: Locale) -> list[str]:
    return [_pull(p, loc) for p in pulls]


def _pull(pr: PullRequest, loc: Locale) -> str:
    draft = loc["record_draft"] if pr.draft else None
    return (
        md.link(f"#{pr.number}", pr.url)
        + f" {md.inline(pr.title)}"
        + _facts(_by(pr.author, loc), draft)
    )


@_LINES.register(kinds.DIRECT_COMMITS)
def _commits(commits: list[Commit], loc: Locale) -> list[str]:
    return [_commit(c, loc) for c in commits]


def _commit(commit: Commit, loc: Locale) -> str:
    author = commit.author_login or commit.author_name or None
    return (
        md.code_link(commit.short_sha, commit.url)
        + f" {md.inline(commit.title)}"
        + _facts(_by(author, loc))
    )


@_LINES.register(kinds.OPENED_ISSUES, kinds.CLOSED_ISSUES)
def _issues(issues: list[Issue], loc: Locale) -> list[str]:
    return [_issue(i, loc) for i in issues]


def _issue(issue: Issue, loc: Locale) -> str:
    closed = loc["record_closed_too"] if issue.opened_in_window and issue.closed_in_window else None
    comments = loc.count("comments", issue.comments) if issue.comments else None
    labels = loc.join(issue.labels) if issue.labels else None
    return (
        md.link(f"#{issue.number}", issue.url)
        + f" {md.inline(issue.title)}"
        + _facts(_by(issue.author, loc), labels, comments, closed)
    )


@_LINES.register(kinds.AUTOMATED)
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
