"""How much an item matters to a reader of these projects, and whether it is a risk.

Significance, not size: a stable release before a pre-release, a nightly build hardly at
all; a release or version pull request, a security fix, a breaking change, a revert or a
regression before an ordinary change; the most discussed issues. What users of a project
feel (features, performance, fixes, releases, regressions) comes before its own upkeep: a
change to CI, tests or docs alone, or the revert of one, is a chore, and no risk. Lines
touched only break ties. Risks are what a reader should watch: regressions, reverts,
breaking changes, security problems and performance problems reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from digest.models import Commit, FileChange, Issue, PullRequest, Release
from digest.summarize.themes import split_title


class Kind(StrEnum):
    """What kind of news an item is; the names are keys of the locales' `kinds` table."""

    RELEASE = "release"
    PRERELEASE = "prerelease"
    NIGHTLY = "nightly"
    SECURITY = "security"
    VERSION = "version"
    BREAKING = "breaking"
    REVERT = "revert"
    REGRESSION = "regression"
    PERF_PROBLEM = "perf_problem"
    PERF = "perf"
    FEATURE = "feature"
    BUG = "bug"
    DISCUSSED = "discussed"
    FIX = "fix"
    CHANGE = "change"
    QUESTION = "question"
    ISSUE = "issue"
    CHORE = "chore"


WEIGHT = {
    Kind.RELEASE: 100,
    Kind.SECURITY: 90,
    Kind.VERSION: 80,
    Kind.BREAKING: 75,
    Kind.REGRESSION: 72,
    Kind.REVERT: 70,
    Kind.PRERELEASE: 60,
    Kind.PERF_PROBLEM: 58,
    Kind.PERF: 50,
    Kind.FEATURE: 45,
    Kind.BUG: 42,
    Kind.DISCUSSED: 40,
    Kind.FIX: 35,
    Kind.CHANGE: 30,
    Kind.ISSUE: 20,
    Kind.QUESTION: 15,
    Kind.NIGHTLY: 12,
    Kind.CHORE: 10,
}
RISKS = {Kind.SECURITY, Kind.BREAKING, Kind.REVERT, Kind.REGRESSION, Kind.PERF_PROBLEM}
DISCUSSED = 5  # comments that make a new issue "most discussed"

_PRERELEASE = re.compile(r"(?:^|[\d.-])(?:rc|alpha|beta|a|b)\.?\d*$|-(?:rc|alpha|beta|pre)", re.I)
_VERSION = re.compile(
    r"^(?:\[release\]|release\b|prepare (?:the )?release|bump (?:the )?version|bump to v?\d)"
    r"|\bbump (?:the )?version\b|\brelease (?:update )?v?\d+\.\d+|\bv\d+\.\d+(?:\.\d+)? release\b"
    r"|\bversion to v?\d+\.\d+",
    re.I,
)
_SECURITY = re.compile(r"\bsecurity\b|\bCVE-\d{4}-\d+|\bvulnerab", re.I)
_BREAKING = re.compile(r"\bbreaking\b|^\w+(?:\([^)]*\))?!:", re.I)
_REVERT = re.compile(r"^\s*(?:\[revert\]\s*)?revert\b", re.I)
_REGRESSION = re.compile(r"\bregress", re.I)
_PERF_WORDS = re.compile(
    r"\b(?:slow(?:er|down)?|perf(?:ormance)?|latency|throughput|speed(?:s)? ?up|faster|"
    r"order of magnitude|oom|memory (?:leak|usage))\b",
    re.I,
)
_BUG_WORDS = re.compile(
    r"\b(?:crash|segfault|hang|wrong|incorrect|garbage|nan|fails?|error)\b", re.I
)
_CHORE_TYPES = {"docs", "test", "ci", "chore", "refactor"}
_REVERTED = re.compile(r"^\s*(?:\[revert\]\s*)?revert\b\s*:?\s*[\"'“]?", re.I)
# Where a project keeps its own upkeep: CI, tests, docs, repository settings.
_UPKEEP = re.compile(
    r"^(?:\.github|\.gitlab|\.circleci|\.buildkite|\.ci|ci|tests?|docs?)/"
    r"|(?:^|/)(?:\.pre-commit-config\.yaml|\.gitignore|CODEOWNERS|[^/]+\.md)$",
    re.I,
)


@dataclass(frozen=True)
class Signal:
    kind: Kind
    weight: int

    @property
    def risk(self) -> bool:
        return self.kind in RISKS


def _signal(kind: Kind, bonus: int = 0) -> Signal:
    return Signal(kind, WEIGHT[kind] + bonus)


def _labelled(labels: list[str], word: str) -> bool:
    return any(word in label.lower() for label in labels)


def of_release(release: Release) -> Signal:
    if release.nightly:
        return _signal(Kind.NIGHTLY)
    if release.prerelease or _PRERELEASE.search(release.tag):
        return _signal(Kind.PRERELEASE)
    return _signal(Kind.RELEASE)


def of_change(title: str, labels: list[str], files: Sequence[FileChange] | None = None) -> Signal:
    """A merged pull request or a direct commit, by its title, labels and files."""
    kind, _ = split_title(title)
    if _SECURITY.search(title) or _labelled(labels, "security"):
        return _signal(Kind.SECURITY)
    if _VERSION.search(title) or (kind and kind.lower() == "release"):
        return _signal(Kind.VERSION)
    if _BREAKING.search(title) or _labelled(labels, "breaking"):
        return _signal(Kind.BREAKING)
    if kind == "revert" or _REVERT.search(title):
        reverted = split_title(_REVERTED.sub("", title, count=1))[0]
        upkeep = reverted in _CHORE_TYPES or _upkeep_only(files)
        return _signal(Kind.CHORE if upkeep else Kind.REVERT)
    if _REGRESSION.search(title) or _labelled(labels, "regression"):
        return _signal(Kind.REGRESSION)
    if kind in _CHORE_TYPES or _upkeep_only(files):
        return _signal(Kind.CHORE)
    if kind == "perf" or _labelled(labels, "perf"):
        return _signal(Kind.PERF)
    if kind == "feat":
        return _signal(Kind.FEATURE)
    if kind == "fix":
        return _signal(Kind.FIX)
    return _signal(Kind.CHANGE)


def _upkeep_only(files: Sequence[FileChange] | None) -> bool:
    """Every file the change touched is CI, tests or docs (unknown files: no)."""
    return bool(files) and all(_UPKEEP.search(f.path) for f in files or ())


def of_pull(pr: PullRequest) -> Signal:
    return of_change(pr.title, pr.labels, pr.files)


def of_commit(commit: Commit) -> Signal:
    return of_change(commit.title, [], commit.files)


def is_risk(issue: Issue) -> bool:
    """A reported issue told among the risks: later reports follow it until it is closed."""
    return of_issue(issue).risk


def of_issue(issue: Issue) -> Signal:
    """A new issue: what it reports, and how much it was discussed."""
    discussed = min(issue.comments, 50)
    text = issue.title
    if _SECURITY.search(text) or _labelled(issue.labels, "security"):
        return _signal(Kind.SECURITY, discussed)
    if _REGRESSION.search(text) or _labelled(issue.labels, "regression"):
        return _signal(Kind.REGRESSION, discussed)
    if _labelled(issue.labels, "perf") or (
        _PERF_WORDS.search(text) and not _labelled(issue.labels, "enhancement")
    ):
        return _signal(Kind.PERF_PROBLEM, discussed)
    if _labelled(issue.labels, "bug") or _BUG_WORDS.search(text):
        return _signal(Kind.BUG, discussed)
    if issue.comments >= DISCUSSED:
        return _signal(Kind.DISCUSSED, discussed)
    if _labelled(issue.labels, "question") or text.rstrip().endswith("?"):
        return _signal(Kind.QUESTION, discussed)
    return _signal(Kind.ISSUE, discussed)
