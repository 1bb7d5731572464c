"""The kinds of items a report tells, listed once: the table every stage reads.

A kind is a selection of one repository's collected items that readers see as one group:
releases, merged pull requests, commits pushed directly, and so on. This table holds what a
kind *is*, as data: which items are its (`select`), the locale keys of its record heading and
of its counted phrase, and its place in the counts line. How items are cited (`pr:12`) is a
matter of their type, not their kind: `CITABLE` lists the types.

How a stage *shows* a kind is that stage's behaviour, so the stage registers it against the
kind's name (`ByKind`), beside the code it uses: the record's lines in render/record.py, the
model's blocks in summarize/prompting.py, the built-in story's points in
summarize/builtin.py. A stage never imports another, and this module imports none of
them. tests/test_kinds.py holds every kind to appearing in the record, in the prompt and in
the link table, so a kind cannot be half added.

Adding a kind (followed items, discussions): a row in `KINDS` (and a `Citable` if its items
are a new type), its keys in each locale, and one registration in each of the three modules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from digest.models import Commit, Issue, PullRequest, Release, RepoActivity

T = TypeVar("T")


@dataclass(frozen=True)
class ItemKind(Generic[T]):
    """One group of a repository's items, as every stage tells it."""

    name: str  # what stages register their behaviour against
    select: Callable[[RepoActivity], list[T]]  # its items, in the order collected
    heading: str  # locale key: the heading of its group in the record
    counted: str  # locale key: its counted phrase, `["{n} release", "{n} releases"]`
    counted_at: int  # its place in the counts line, which readers know in its own order
    # What the counts line counts, when not the items listed (None: `len(select(repo))`).
    count: Callable[[RepoActivity], int] | None = None

    def figure(self, repo: RepoActivity) -> int:
        return self.count(repo) if self.count else len(self.select(repo))


# -- selectors: which collected items belong to each kind ------------------------------------


def _merged_numbers(repo: RepoActivity) -> set[int]:
    """Pull requests merged in the window: their commits are told with them."""
    return {p.number for p in repo.pulls if p.merged_in_window}


def _releases(repo: RepoActivity) -> list[Release]:
    return list(repo.releases)


def _not_nightly(repo: RepoActivity) -> int:
    """A nightly build is no release: every count of releases leaves them out (the report,
    the site, the trends), and the counts line counts them apart (`NIGHTLY_BUILDS`)."""
    return sum(1 for r in repo.releases if not r.nightly)


def nightly_builds(repo: RepoActivity) -> int:
    return sum(1 for r in repo.releases if r.nightly)


def _merged_pulls(repo: RepoActivity) -> list[PullRequest]:
    """Merged in the window, by people (automated ones: AUTOMATED)."""
    return [p for p in repo.pulls if p.merged_in_window and not p.automated]


def _direct_commits(repo: RepoActivity) -> list[Commit]:
    """Commits by people that did not come in with a pull request merged in the window."""
    merged = _merged_numbers(repo)
    return [c for c in repo.commits if c.pr_number not in merged and not c.automated]


def _opened_pulls(repo: RepoActivity) -> list[PullRequest]:
    """Opened in the window and not merged in it (those count as merged), by people."""
    return [
        p for p in repo.pulls if p.opened_in_window and not p.merged_in_window and not p.automated
    ]


def _opened_issues(repo: RepoActivity) -> list[Issue]:
    return [i for i in repo.issues if i.opened_in_window]


def _closed_issues(repo: RepoActivity) -> list[Issue]:
    """Closed in the window and opened before it: one opened too is listed once, as new."""
    return [i for i in repo.issues if i.closed_in_window and not i.opened_in_window]


def _every_closed_issue(repo: RepoActivity) -> int:
    """The counts line counts every issue closed in the window, new ones included."""
    return sum(1 for i in repo.issues if i.closed_in_window)


def _automated(repo: RepoActivity) -> list[PullRequest | Commit]:
    """Pull requests and direct commits by `exclude-authors` (bots), in the window."""
    merged = _merged_numbers(repo)
    pulls: list[PullRequest | Commit] = [p for p in repo.pulls if p.automated]
    return pulls + [c for c in repo.commits if c.automated and c.pr_number not in merged]


# -- the table ---------------------------------------------------------------------------------

RELEASES = ItemKind(
    "releases", _releases, "record_releases", "releases", counted_at=5, count=_not_nightly
)
NIGHTLY_BUILDS = "nightly_builds"  # the counted phrase of the nightly builds, after releases
MERGED_PULLS = ItemKind(
    "merged_pulls", _merged_pulls, "record_merged", "merged_pulls", counted_at=1
)
# Counted as every commit on the default branch, however it came: "12 commits".
DIRECT_COMMITS = ItemKind(
    "direct_commits",
    _direct_commits,
    "record_direct",
    "commits",
    counted_at=0,
    count=lambda repo: len(repo.commits),
)
OPENED_PULLS = ItemKind(
    "opened_pulls", _opened_pulls, "record_opened_pulls", "opened_pulls", counted_at=2
)
OPENED_ISSUES = ItemKind(
    "opened_issues", _opened_issues, "record_opened_issues", "opened_issues", counted_at=3
)
CLOSED_ISSUES = ItemKind(
    "closed_issues",
    _closed_issues,
    "record_closed_issues",
    "closed_issues",
    counted_at=4,
    count=_every_closed_issue,
)
AUTOMATED = ItemKind("automated", _automated, "record_automated", "automated", counted_at=6)

# In the order the record lists them; the built-in story breaks ties between equally
# significant items in this order too.
KINDS: tuple[ItemKind[Any], ...] = (
    RELEASES,
    MERGED_PULLS,
    DIRECT_COMMITS,
    OPENED_PULLS,
    OPENED_ISSUES,
    CLOSED_ISSUES,
    AUTOMATED,
)
# In the order of the counts line: "12 commits, 3 merged pull requests, …, 1 release".
COUNTED: tuple[ItemKind[Any], ...] = tuple(sorted(KINDS, key=lambda kind: kind.counted_at))


def figures(repo: RepoActivity) -> list[tuple[str, int]]:
    """What the window holds, by kind: (counted-phrase key, how many), in counts-line order;
    the nightly builds right after the releases."""
    found = []
    for kind in COUNTED:
        found.append((kind.counted, kind.figure(repo)))
        if kind is RELEASES:
            found.append((NIGHTLY_BUILDS, nightly_builds(repo)))
    return found


# -- citing: each type of collected item and its refs ------------------------------------------


class RefStyle(StrEnum):
    """How a type's refs are written and shown."""

    NUMBER = "number"  # pr:123, issue:45: shown `#123`; `#123` in text may mean one
    SHA = "sha"  # commit:abc1234: shown as code; a SHA in text may mean one
    NAME = "name"  # release:v1.0: shown as it is


@dataclass(frozen=True)
class Citable(Generic[T]):
    """A type of collected item as summaries cite it. Every collected item is citable,
    whatever its kind (a commit that came in with a pull request too)."""

    prefix: str  # of its refs, as its model's `ref` property writes them: `pr` in `pr:123`
    style: RefStyle
    collected: Callable[[RepoActivity], list[T]]

    def label(self, key: str) -> str:
        """A link's text, from a ref's key: `#123`, `abc1234`, `v1.0`."""
        return f"#{key}" if self.style is RefStyle.NUMBER else key

    def normal(self, key: str) -> str:
        """A key as a summary may write it (`#123`, a full SHA) as refs hold it."""
        key = key.strip()
        if self.style is RefStyle.NUMBER:
            return key.lstrip("#")
        if self.style is RefStyle.SHA:
            return key[:7].lower()
        return key


# In the order collected, which also breaks ties between equally important prompt blocks.
CITABLE: tuple[Citable[Any], ...] = (
    Citable("release", RefStyle.NAME, lambda repo: list(repo.releases)),
    Citable("pr", RefStyle.NUMBER, lambda repo: list(repo.pulls)),
    Citable("commit", RefStyle.SHA, lambda repo: list(repo.commits)),
    Citable("issue", RefStyle.NUMBER, lambda repo: list(repo.issues)),
)
CITABLE_BY_PREFIX: dict[str, Citable[Any]] = {c.prefix: c for c in CITABLE}


# -- what each stage does with a kind ----------------------------------------------------------

F = TypeVar("F")


class ByKind(Generic[F]):
    """What one stage does with each kind, registered by the stage against the kind's name:

    _LINES: ByKind[Lines] = ByKind("record lines")

    @_LINES.register(kinds.MERGED_PULLS, kinds.OPENED_PULLS)
    def _pulls(pulls: list[PullRequest], loc: Locale) -> list[str]: ...
    """

    def __init__(self, what: str) -> None:
        self.what = what
        self._by_name: dict[str, F] = {}

    def register(self, *kinds: ItemKind[Any]) -> Callable[[F], F]:
        def add(entry: F) -> F:
            for kind in kinds:
                if kind.name in self._by_name:
                    raise ValueError(f"{self.what}: the kind {kind.name!r} is registered twice")
                self._by_name[kind.name] = entry
            return entry

        return add

    def __getitem__(self, kind: ItemKind[Any]) -> F:
        try:
            return self._by_name[kind.name]
        except KeyError:
            raise KeyError(f"no {self.what} registered for the kind {kind.name!r}") from None
