"""Prompts from the TOML files beside this module, and activity written out as model input.

GitHub text (titles, bodies, messages) is third-party data: it is capped, stripped of our
delimiters, and placed inside <untrusted-data> so the model treats it as material only.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import jinja2
from pydantic import BaseModel

from digest import kinds
from digest.kinds import CITABLE, KINDS, ByKind
from digest.models import (
    Commit,
    Issue,
    Language,
    PullRequest,
    Release,
    RepoActivity,
    TopicMatches,
)
from digest.summarize.themes import NOISE

BODY_CHARS = 600  # per item: enough for the gist of a PR description, not its template
TOPIC_ITEMS = 20  # per topic in the overall prompt: its most telling first; the rest counted
_DELIMITER = re.compile(r"</?\s*untrusted-data\s*>", re.I)


@dataclass(frozen=True)
class Block:
    """One collected item as the model sees it, with how much it matters."""

    ref: str
    priority: int  # lower first: what survives when a day must be split
    text: str


@cache
def prompts(language: Language) -> dict[str, Any]:
    text = files(__package__).joinpath("prompts", f"{language}.toml").read_text("utf-8")
    return tomllib.loads(text)


@cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)


def render(language: Language, name: str, **values: object) -> str:
    source = prompts(language)[name]
    return _templates().from_string(source).render(**values).strip()


def system_prompt(language: Language, schema: type[BaseModel]) -> str:
    # ensure_ascii=False: Chinese descriptions stay text, not \uXXXX escapes the model pays for
    return render(
        language, "system", schema=json.dumps(schema.model_json_schema(), ensure_ascii=False)
    )


def data(text: str, limit: int | None = None) -> str:
    """Third-party text, one line, capped, unable to close our data block."""
    flat = " ".join(_DELIMITER.sub(" ", text or "").split())
    return flat if limit is None or len(flat) <= limit else flat[:limit].rstrip() + " …"


def _files(paths: list[str]) -> str:
    counts: dict[str, int] = {}
    for path in paths:
        if not NOISE.search(path):
            top = path.split("/", 1)[0] + ("/" if "/" in path else "")
            counts[top] = counts.get(top, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])[:6]
    return ", ".join(f"{name} ({n})" for name, n in ranked)


def _pull(pr: PullRequest, merged: bool) -> Block:
    size = pr.additions + pr.deletions
    noise_only = bool(pr.files) and all(NOISE.search(f.path) for f in pr.files)
    lines = [
        f"- id: {pr.ref} | {'merged' if merged else 'opened'} | by {pr.author or '?'} | "
        f"+{pr.additions}/-{pr.deletions} in {pr.changed_files} files"
        + (f" | labels: {', '.join(pr.labels)}" if pr.labels else ""),
        f"  title: {data(pr.title)}",
    ]
    if pr.files:
        lines.append(f"  where: {_files([f.path for f in pr.files])}")
    if pr.body:
        lines.append(f"  description: {data(pr.body, BODY_CHARS)}")
    priority = (1 if merged else 4) * 100_000 - min(size, 99_999) + (50_000 if noise_only else 0)
    return Block(pr.ref, priority, "\n".join(lines))


def _commit(commit: Commit) -> Block:
    paths = [f.path for f in commit.files or []]
    lines = [
        f"- id: {commit.ref} | pushed directly | by "
        f"{commit.author_login or commit.author_name or '?'} | "
        f"+{commit.additions}/-{commit.deletions}",
        f"  message: {data(commit.message, BODY_CHARS)}",
    ]
    if paths:
        lines.append(f"  where: {_files(paths)}")
    size = commit.additions + commit.deletions
    return Block(commit.ref, 200_000 - min(size, 99_999), "\n".join(lines))


def _issue(issue: Issue, event: str) -> Block:
    lines = [
        f"- id: {issue.ref} | {event} | by {issue.author or '?'} | "
        f"{issue.comments} comments"
        + (f" | labels: {', '.join(issue.labels)}" if issue.labels else ""),
        f"  title: {data(issue.title)}",
    ]
    if issue.body and event == "opened":
        lines.append(f"  body: {data(issue.body, BODY_CHARS)}")
    weight = issue.comments * 10 + (50 if issue.labels else 0)
    base = 300_000 if event == "opened" else 500_000
    return Block(issue.ref, base - min(weight, 99_999), "\n".join(lines))


def _release(release: Release) -> Block:
    kind = "pre-release" if release.prerelease else "release"
    lines = [f"- id: {release.ref} | {kind} | name: {data(release.name)}"]
    if release.body:
        lines.append(f"  notes: {data(release.body, BODY_CHARS * 2)}")
    return Block(release.ref, 0, "\n".join(lines))


# How each kind is shown to the model: its items -> their blocks.
Blocks = Callable[[list[Any]], list[Block]]
_BLOCKS: ByKind[Blocks] = ByKind("prompt blocks")


@_BLOCKS.register(kinds.RELEASES)
def _releases(releases: list[Release]) -> list[Block]:
    return [_release(r) for r in releases]


@_BLOCKS.register(kinds.MERGED_PULLS)
def _merged_pulls(pulls: list[PullRequest]) -> list[Block]:
    return [_pull(p, merged=True) for p in pulls]


@_BLOCKS.register(kinds.OPENED_PULLS)
def _opened_pulls(pulls: list[PullRequest]) -> list[Block]:
    return [_pull(p, merged=False) for p in pulls]


@_BLOCKS.register(kinds.DIRECT_COMMITS)
def _direct_commits(commits: list[Commit]) -> list[Block]:
    return [_commit(c) for c in commits]


@_BLOCKS.register(kinds.OPENED_ISSUES)
def _opened_issues(issues: list[Issue]) -> list[Block]:
    return [_issue(i, "opened") for i in issues]


@_BLOCKS.register(kinds.CLOSED_ISSUES)
def _closed_issues(issues: list[Issue]) -> list[Block]:
    return [_issue(i, "closed") for i in issues]


@_BLOCKS.register(kinds.AUTOMATED)
def _automated(changes: list[PullRequest | Commit]) -> list[Block]:
    """A bot's pull request is shown as anyone's is (a dependency or version bump can be
    news); commits bots pushed directly are left to the record."""
    return [_pull(c, c.merged_in_window) for c in changes if isinstance(c, PullRequest)]


def activity_blocks(activity: RepoActivity) -> list[Block]:
    """Every item of the window, most important first; equally important ones in the order
    collected (releases, pull requests, commits, issues)."""
    blocks = [block for kind in KINDS for block in _BLOCKS[kind](kind.select(activity))]
    collected: dict[str, int] = {}
    for citable in CITABLE:
        for item in citable.collected(activity):
            collected.setdefault(item.ref, len(collected))
    return sorted(blocks, key=lambda b: (b.priority, collected[b.ref]))


def topics(matches: Sequence[TopicMatches]) -> dict[str, object]:
    """The overall prompt's topics: their names (the user's own words, as instructions) and
    counts; the items each matched, by id and title (third-party text, for the data block)."""
    matched = [m for m in matches if m.items]
    return {
        "topics": [(m.name, len(m.items)) for m in matched],
        "quiet_topics": [m.name for m in matches if not m.items],
        "topic_items": [
            (m.name, item.qualified_ref, data(item.title, 200))
            for m in matched
            for item in m.items[:TOPIC_ITEMS]
        ],
    }
