"""Sharding across a workflow matrix: which shard collects a repository, and the merge.

A repository's shard is a hash of its name, so it does not depend on what else discovery
found (two shards that listed an organisation a minute apart still agree), and a thousand
repositories spread evenly. The report job merges the shards' files: every repository
exactly once, in the configured order; shards that overlap or cover different windows are
refused with one line.
"""

from __future__ import annotations

import glob
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from digest.errors import InputError
from digest.models import PARTIAL, Activity, PartialDigest, RepoSummary, Shard
from digest.upgrades import CannotUpgrade, validated


def in_shard(repo: str, shard: Shard) -> bool:
    digest = hashlib.sha256(repo.lower().encode()).digest()
    return int.from_bytes(digest[:8], "big") % shard.total == shard.number - 1


def default_name(kind: str, shard: Shard | None) -> str:
    return f"{kind}-{shard.number}-of-{shard.total}.json" if shard else f"{kind}.json"


@dataclass(frozen=True)
class Inputs:
    """What `digest summarize` / `digest report` read: the merged activity, and the
    repository summaries when the files were partial digests."""

    activity: Activity
    summaries: list[RepoSummary] | None
    language: str | None  # the partial digests' language


def read(patterns: list[str], base: Path) -> Inputs:
    """Activity files or partial digests (globs allowed), merged."""
    paths = _expand(patterns, base)
    loaded = [(path, _load(path)) for path in paths]
    partial = [isinstance(item, PartialDigest) for _, item in loaded]
    if any(partial) and not all(partial):
        raise InputError(
            "activity", "mixes Activity files and partial digests: give one kind or the other"
        )
    activities = [
        (path, item.activity if isinstance(item, PartialDigest) else item) for path, item in loaded
    ]
    merged = merge(activities)
    if not all(partial):
        return Inputs(merged, None, None)
    languages = {item.language for _, item in loaded if isinstance(item, PartialDigest)}
    if len(languages) > 1:
        raise InputError("activity", f"holds partial digests in {' and '.join(sorted(languages))}")
    summaries = {
        s.repo.lower(): s
        for _, item in loaded
        if isinstance(item, PartialDigest)
        for s in item.repos
    }
    ordered = [summaries[r.repo.lower()] for r in merged.repos]
    return Inputs(merged, ordered, languages.pop())


def merge(activities: list[tuple[Path, Activity]]) -> Activity:
    first_path, first = activities[0]
    seen: dict[str, Path] = {}
    for path, activity in activities:
        if activity.window != first.window:
            raise InputError(
                "activity",
                f"files cover different windows: {first_path.name} "
                f"{_window(first)}, {path.name} {_window(activity)}",
            )
        for repo in activity.repos:
            if repo.repo.lower() in seen:
                raise InputError(
                    "activity",
                    f"{repo.repo} is in both {seen[repo.repo.lower()].name} and {path.name}: "
                    "shards must not overlap",
                )
            seen[repo.repo.lower()] = path
    order = next((a.order for _, a in activities if a.order), [])
    position = {name.lower(): n for n, name in enumerate(order)}
    # In the configured order the shards recorded; without one, as the files hold them.
    repos = sorted(
        (r for _, a in activities for r in a.repos),
        key=lambda r: position.get(r.repo.lower(), len(position)),
    )
    return Activity(
        tool_version=first.tool_version,
        window=first.window,
        repos=repos,
        quiet=first.quiet,
        notes=first.notes,
        # one shard's file stays that shard (`digest summarize` passes it on to report)
        shard=first.shard if len(activities) == 1 else None,
        order=order,
        github_requests=sum(a.github_requests for _, a in activities),
    )


def whole(activity: Activity) -> Activity:
    """The merged activity as `digest run` would have collected it: no shard marks."""
    return activity.updated(shard=None, order=[])


def _window(activity: Activity) -> str:
    w = activity.window
    return f"({w.days} day(s) to {w.date}, {w.timezone})"


def _expand(patterns: list[str], base: Path) -> list[Path]:
    paths: list[Path] = []
    for pattern in patterns:
        full = pattern if Path(pattern).is_absolute() else str(base / pattern)
        matches = sorted(glob.glob(full)) if glob.has_magic(full) else [full]
        if not matches:
            raise InputError("activity", f"{pattern!r} matches no file")
        paths += [Path(m) for m in matches if Path(m) not in paths]
    return paths


def _load(path: Path) -> Activity | PartialDigest:
    """A file `digest collect` or `digest summarize` wrote, by this or an earlier release."""
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise InputError("activity", f"cannot be read: {exc.strerror} ({path})") from None
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError("activity", f"is not JSON ({path}: {exc})") from None
    try:
        if isinstance(data, dict) and data.get("kind") == PARTIAL:
            return validated(data, PartialDigest)
        return validated(data, Activity)
    except CannotUpgrade as exc:
        raise InputError(
            "activity",
            f"must be a file written by `digest collect` or `digest summarize` ({path}: {exc})",
        ) from None
