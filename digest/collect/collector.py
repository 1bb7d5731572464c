"""Collect every repository's activity in the window with as few GitHub requests as possible.

One GraphQL query covers a batch of repositories (commits with their PRs and their first
files, opened PRs, opened and closed issues, releases). Busy repositories page on with one
query per round; PRs with more files than the first page page on in their own small
queries; REST is used only for the files of direct pushes, which GraphQL does not expose.
Every GraphQL query goes through a `Ladder`: one GitHub stopped for its weight is asked
again smaller, and the run remembers the size that works.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from digest import __version__
from digest.calendar import Window
from digest.collect import parse
from digest.collect.nodes import (
    CommitNode,
    FileNode,
    Files,
    IssueNode,
    Page,
    PullRequestNode,
    ReleaseNode,
    RepositoryNode,
    RepositoryPages,
)
from digest.collect.queries import (
    document,
    next_pages_cost,
    pull_files_cost,
    pull_files_query,
    repositories_cost,
    repositories_query,
)
from digest.failures import FailureKind
from digest.github import GitHubAPI, QueryTooHeavy, failures
from digest.github.paging import Ladder, Outcome, Shape, ladder_shapes, paginate
from digest.models import (
    Activity,
    Commit,
    FileChange,
    PullRequest,
    Release,
    RepoActivity,
)

log = logging.getLogger(__name__)

# GraphQL points left when no new batch is started: paging the ones under way needs some.
BUDGET_RESERVE = 25

# Repositories per query, then commits (and later pages) per page: each is tried after the
# one before it was stopped by GitHub. 8 repositories of 100 commits is 49 points and about
# 69,000 nodes (see repository.graphql), far from the limits on an ordinary day.
BATCH_SIZES = (8, 4, 2, 1)
PAGE_SIZES = (100, 50, 25, 10, 5)
FIRST_PAGE = 30  # first page of the other lists; quiet repositories fit, busy ones page on
FILES_FIRST = 25  # files of each PR in the activity queries; most PRs have fewer
# Pull requests per PullFiles query, then files per page.
FILE_BATCHES = (10, 5, 2, 1)

T = TypeVar("T")
R = TypeVar("R")

# Connection alias -> the timestamp that orders it newest first, when paging can stop early.
_STOP_FIELD = {
    "commits": None,
    "openedPulls": "createdAt",
    "openedIssues": "createdAt",
    "closedIssues": None,
    "releases": "createdAt",
}
# Connection alias -> its variables in next_pages.graphql: (include flag, cursor).
_PAGE_VARIABLES = {
    "commits": ("withCommits", "commitsAfter"),
    "openedPulls": ("withPulls", "pullsAfter"),
    "openedIssues": ("withOpenedIssues", "openedIssuesAfter"),
    "closedIssues": ("withClosedIssues", "closedIssuesAfter"),
    "releases": ("withReleases", "releasesAfter"),
}


@dataclass
class _Raw:
    """One repository's GraphQL nodes, accumulated over pages."""

    repo: str
    url: str = ""
    description: str | None = None
    default_branch: str | None = None
    # Connection alias -> its nodes, every page added by name (typed views below).
    nodes: dict[str, list[Any]] = field(default_factory=lambda: {k: [] for k in _STOP_FIELD})
    cursors: dict[str, str] = field(default_factory=dict)  # lists that need another page
    failure: FailureKind | None = None
    # PR number -> every file, for PRs with more files than the activity queries' first page.
    pull_files: dict[int, list[FileNode]] = field(default_factory=dict)

    @property
    def commits(self) -> list[CommitNode]:
        return self.nodes["commits"]

    @property
    def opened_pulls(self) -> list[PullRequestNode]:
        return self.nodes["openedPulls"]

    @property
    def issues(self) -> list[IssueNode]:
        """Opened, then closed: an issue opened and closed in the window is in both."""
        return self.nodes["openedIssues"] + self.nodes["closedIssues"]

    @property
    def releases(self) -> list[ReleaseNode]:
        return self.nodes["releases"]


@dataclass
class _FilesWanted:
    """A PR whose files go on past what has been read, and where to go on from."""

    raw: _Raw
    number: int
    after: str
    nodes: list[FileNode]


class Collector:
    def __init__(
        self,
        api: GitHubAPI,
        window: Window,
        *,
        max_concurrency: int = 8,
        known_files: dict[str, list[FileChange]] | None = None,
        exclude_authors: Sequence[str] = (),
        sources: dict[str, str] | None = None,
        pause: Callable[[int], float] | None = None,
        sleep: Callable[[float], None] | None = None,
    ):
        self.api = api
        # What sizes work is learnt once per run and shared by every thread.
        self.activity = Ladder(
            "activity", ladder_shapes(BATCH_SIZES, PAGE_SIZES), pause=pause, sleep=sleep
        )
        self.files = Ladder(
            "pull request files", ladder_shapes(FILE_BATCHES, PAGE_SIZES), pause=pause, sleep=sleep
        )
        self._sources = {name.lower(): source for name, source in (sources or {}).items()}
        self._automated = {login.lower() for login in exclude_authors}
        # Files of commits already collected by an earlier run: a commit never changes.
        self.known_files = known_files or {}
        self.window = window
        self.max_concurrency = max_concurrency
        self._time_vars = {
            "since": _iso(window.since),
            "until": _iso(window.until),
            "sinceTime": _iso(window.since),
        }

    def collect(self, repos: Sequence[str]) -> Activity:
        before = self.api.requests
        batches = _chunks(repos, self.activity.current.batch)
        raws = [raw for batch in self._map(self._first_pages, batches) for raw in batch]
        raws = self._map(self._all_pages, _unique(raws))
        self._all_pull_files(raws)
        files = self._direct_push_files(raws)
        return Activity(
            tool_version=__version__,
            window=self.window,
            repos=[self._finish(raw, files) for raw in raws],
            github_requests=self.api.requests - before,
        )

    def _map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        with ThreadPoolExecutor(max_workers=self.max_concurrency) as pool:
            return list(pool.map(fn, items))

    # -- first round: one query for a batch of repositories ------------------------------

    def _first_pages(self, batch: Sequence[str]) -> list[_Raw]:
        remaining = self.api.points_remaining
        if remaining is not None and remaining <= BUDGET_RESERVE:
            log.warning(
                "GitHub's hourly budget is nearly spent (%d points left): %s postponed",
                remaining,
                ", ".join(batch),
            )
            return [_Raw(repo=repo, failure="postponed") for repo in batch]
        return [
            raw
            for outcome in self.activity.run(batch, self._ask_first)
            for raw in (outcome.result or _given_up(outcome))
        ]

    def _ask_first(self, batch: Sequence[str], shape: Shape) -> list[_Raw]:
        """One query for the first page of every list of `batch`, at `shape`."""
        variables: dict[str, Any] = {
            **self._time_vars,
            "pageSize": min(FIRST_PAGE, shape.page),
            "historyPage": shape.page,
            "filesFirst": min(FILES_FIRST, shape.page),
        }
        for i, repo in enumerate(batch):
            variables[f"owner{i}"], variables[f"name{i}"] = repo.split("/")
        raws = [_Raw(repo=repo) for repo in batch]
        cost = repositories_cost(len(batch), shape.page, variables["pageSize"])
        try:
            data, errors = self.api.graphql(repositories_query(len(batch)), variables, cost=cost)
        except QueryTooHeavy:
            raise  # the ladder asks again smaller
        except failures.ERRORS as exc:  # one failed batch must not lose the other batches
            log.warning("GitHub query for %s failed: %s", ", ".join(batch), exc)
            for raw in raws:
                raw.failure = failures.kind(exc)
            return raws
        for i, raw in enumerate(raws):
            node: RepositoryNode | None = data.get(f"repo{i}")
            if node is None:
                raw.failure = failures.kind_of_errors(errors, f"repo{i}", raw.repo)
                continue
            raw.repo = node["nameWithOwner"]  # as GitHub spells it, whatever case was given
            raw.url = node["url"]
            raw.description = node.get("description")
            branch = node.get("defaultBranchRef")
            raw.default_branch = branch["name"] if branch else None
            self._absorb(raw, _connections(node))
        return raws

    def _absorb(self, raw: _Raw, connections: dict[str, Page[Any] | None]) -> None:
        for name, connection in connections.items():
            if connection is None:
                continue
            nodes = connection["nodes"]
            raw.nodes[name].extend(nodes)
            page = connection["pageInfo"]
            stop_field = _STOP_FIELD[name]
            last = parse.timestamp(nodes[-1][stop_field]) if stop_field and nodes else None
            past_window = last is not None and last < self.window.since
            cursor = page["endCursor"]  # a string whenever there is a next page
            if page["hasNextPage"] and cursor and not past_window:
                raw.cursors[name] = cursor
            else:
                raw.cursors.pop(name, None)

    # -- later rounds: pages, PR files, direct-push files ---------------------------------

    def _all_pages(self, raw: _Raw) -> _Raw:
        """The repository's lists still paging, one query a page (every list at once)."""
        try:
            if paginate(self.activity, [raw], self._next_pages, _raw_pages_left):
                raw.failure = "error"
        except failures.ERRORS as exc:
            log.warning("collecting %s failed: %s", raw.repo, exc)
            raw.failure = failures.kind(exc)
        return raw

    def _direct_push_files(self, raws: list[_Raw]) -> dict[str, list[FileChange] | None]:
        """Files of every direct push of every repository, fetched in one flat round."""
        wanted = [
            (raw.repo, node["oid"])
            for raw in raws
            if not raw.failure
            for node in raw.commits
            if not _pull_node(node) and self.window.contains(parse.timestamp(node["committedDate"]))
        ]

        def fetch(item: tuple[str, str]) -> list[FileChange] | None:
            try:
                return self.api.commit_files(*item)
            except failures.ERRORS as exc:  # the commit stays, without its file list
                log.warning("files of %s@%s could not be read: %s", item[0], item[1][:7], exc)
                return None

        known: dict[str, list[FileChange] | None] = {
            sha: self.known_files[sha] for _, sha in wanted if sha in self.known_files
        }
        wanted = [(repo, sha) for repo, sha in wanted if sha not in known]
        fetched = dict(zip((sha for _, sha in wanted), self._map(fetch, wanted), strict=True))
        return known | fetched

    def _finish(self, raw: _Raw, files: dict[str, list[FileChange] | None]) -> RepoActivity:
        source = self._sources.get(raw.repo.lower())
        if raw.failure:
            return RepoActivity(
                repo=raw.repo, url=raw.url or "", failure=raw.failure, source=source
            )
        return self._build(raw, files).updated(source=source)

    def _next_pages(self, batch: Sequence[_Raw], shape: Shape) -> None:
        (raw,) = batch
        owner, name = raw.repo.split("/")
        variables: dict[str, Any] = {
            **self._time_vars,
            "owner": owner,
            "name": name,
            "pageSize": shape.page,
            "filesFirst": min(FILES_FIRST, shape.page),
        }
        for connection, (flag, cursor) in _PAGE_VARIABLES.items():
            variables[flag] = connection in raw.cursors
            variables[cursor] = raw.cursors.get(connection)
        data, errors = self.api.graphql(
            document("next_pages"), variables, cost=next_pages_cost(shape.page)
        )
        if errors or not data.get("repository"):
            raw.failure = failures.kind_of_errors(errors, "repository", raw.repo)
            return
        self._absorb(raw, _connections(data["repository"], only=set(raw.cursors)))

    # -- files of pull requests with more than the first page ----------------------------

    def _all_pull_files(self, raws: list[_Raw]) -> None:
        """Page on the files of every PR the report tells that has more than the first
        page, several PRs per query, round after round until each list is complete."""
        wanted = [w for raw in raws if not raw.failure for w in _files_wanted(raw, self.window)]
        given_up = paginate(self.files, wanted, self._ask_pull_files, _files_left, spread=self._map)
        for want in (w for outcome in given_up for w in outcome.items):
            if not want.raw.failure:
                log.warning("%s: files of #%d not read", want.raw.repo, want.number)
                want.raw.failure = "error"
        for want in wanted:
            if not want.raw.failure:
                want.raw.pull_files[want.number] = want.nodes

    def _ask_pull_files(self, chunk: Sequence[_FilesWanted], shape: Shape) -> None:
        """One page of files of each PR in `chunk`; each is left with its next cursor, or ""."""
        variables: dict[str, Any] = {"filesPage": shape.page}
        for i, want in enumerate(chunk):
            owner, name = want.raw.repo.split("/")
            variables |= {
                f"pullOwner{i}": owner,
                f"pullName{i}": name,
                f"number{i}": want.number,
                f"after{i}": want.after,
            }
        try:
            data, errors = self.api.graphql(
                pull_files_query(len(chunk)), variables, cost=pull_files_cost(len(chunk))
            )
        except QueryTooHeavy:
            raise
        except failures.ERRORS as exc:
            log.warning("files of pull requests could not be read: %s", exc)
            for want in chunk:
                want.raw.failure = want.raw.failure or failures.kind(exc)
            return
        for i, want in enumerate(chunk):
            pull = (data.get(f"pull{i}") or {}).get("pullRequest")
            if pull is None:
                want.raw.failure = failures.kind_of_errors(errors, f"pull{i}", want.raw.repo)
                continue
            want.nodes.extend(pull["files"]["nodes"])
            page = pull["files"]["pageInfo"]
            want.after = page["endCursor"] if page["hasNextPage"] else ""

    def _build(self, raw: _Raw, files: dict[str, list[FileChange] | None]) -> RepoActivity:
        window = self.window
        parsed: dict[int, PullRequest] = {}  # a merge-style PR arrives with each of its commits

        def pull(node: PullRequestNode) -> PullRequest:
            if node["number"] not in parsed:
                pr = self._pull(raw, node)
                if self._by_bot(pr.author):
                    pr = pr.updated(automated=True)
                parsed[node["number"]] = pr
            return parsed[node["number"]]

        pulls: dict[int, PullRequest] = {}
        commits: list[Commit] = []
        for node in raw.commits:
            pr = pull(pr_node) if (pr_node := _pull_node(node)) else None
            if pr and pr.merged_in_window:
                pulls[pr.number] = pr
            commit = parse.commit(node, pr)
            if (pr and pr.automated) or self._by_bot(commit.author_login):
                commit = commit.updated(automated=True)
            if window.contains(commit.committed_at):
                commits.append(commit)
        for opened in raw.opened_pulls:
            if window.contains(parse.timestamp(opened["createdAt"])):
                pulls[opened["number"]] = pull(opened)
        commits = [c.updated(files=files[c.sha]) if c.sha in files else c for c in commits]
        issues = {
            issue.number: issue
            for node in raw.issues
            if (issue := parse.issue(node, window)).opened_in_window or issue.closed_in_window
        }
        releases = [
            parse.release(node)
            for node in raw.releases
            if not node.get("isDraft") and window.contains(parse.timestamp(node["publishedAt"]))
        ]
        return RepoActivity(
            repo=raw.repo,
            url=raw.url,
            default_branch=raw.default_branch,
            description=raw.description,
            commits=sorted(commits, key=lambda c: c.committed_at),
            pulls=sorted(pulls.values(), key=lambda p: p.number),
            issues=sorted(issues.values(), key=lambda i: i.number),
            releases=sorted(releases, key=_release_order),
        )

    def _by_bot(self, login: str | None) -> bool:
        return bool(login and login.lower() in self._automated)

    def _pull(self, raw: _Raw, node: PullRequestNode) -> PullRequest:
        if node["number"] in raw.pull_files:
            every = raw.pull_files[node["number"]]
            files: Files = {
                "totalCount": len(every),
                "pageInfo": {"hasNextPage": False, "endCursor": None},
                "nodes": every,
            }
            node = {**node, "files": files}
        return parse.pull_request(node, self.window, raw.repo)


def _files_wanted(raw: _Raw, window: Window) -> list[_FilesWanted]:
    """The PRs `_build` reads whose files the activity queries did not list in full: those
    of the window's commits and those opened in the window, each once."""
    nodes = [pr for node in raw.commits if (pr := _pull_node(node))]
    nodes += [
        node for node in raw.opened_pulls if window.contains(parse.timestamp(node["createdAt"]))
    ]
    wanted: dict[int, _FilesWanted] = {}
    for node in nodes:
        files = node.get("files")
        if node["number"] in wanted or not files or parse.pull_files_complete(node):
            continue
        # An incomplete list has a next page, so a cursor.
        after = files["pageInfo"]["endCursor"] or ""
        wanted[node["number"]] = _FilesWanted(raw, node["number"], after, list(files["nodes"]))
    return list(wanted.values())


def _raw_pages_left(raw: _Raw) -> bool:
    return bool(raw.cursors) and not raw.failure


def _files_left(want: _FilesWanted) -> bool:
    return bool(want.after) and not want.raw.failure


def _chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _given_up(outcome: Outcome[str, list[_Raw]]) -> list[_Raw]:
    """The repositories of a query GitHub stopped even at its smallest: a transient failure
    of exactly those, for the next run to redo."""
    return [_Raw(repo=repo, failure="error") for repo in outcome.items]


def _release_order(release: Release) -> tuple[dt.datetime, list[int | str]]:
    """Oldest first. Nightly builds are often published in one go, at the same second, and
    GitHub lists them newest first: the numbers in the tag (`nightly-v0.6.4-20260301` after
    `-20260228`, `v0.10.0` after `v0.9.0`) break the tie."""
    parts = re.split(r"(\d+)", release.tag)
    return release.published_at, [int(p) if p.isdigit() else p for p in parts]


def _unique(raws: list[_Raw]) -> list[_Raw]:
    """Each repository once: two names (a different case, a renamed repository) can resolve
    to the same one."""
    seen: set[str] = set()
    unique = []
    for raw in raws:
        if raw.repo.lower() not in seen:
            seen.add(raw.repo.lower())
            unique.append(raw)
    return unique


def _pull_node(commit: CommitNode) -> PullRequestNode | None:
    """The PR a commit came in with; None for a direct push."""
    pulls = commit.get("associatedPullRequests")
    nodes = (pulls.get("nodes") if pulls else None) or []
    return nodes[0] if nodes else None


def _connections(
    repository: RepositoryNode | RepositoryPages, only: set[str] | None = None
) -> dict[str, Page[Any] | None]:
    branch = repository.get("defaultBranchRef")
    target = branch.get("target") if branch else None
    history = target.get("history") if target else None
    found = {
        "commits": history,
        "openedPulls": repository.get("openedPulls"),
        "openedIssues": repository.get("openedIssues"),
        "closedIssues": repository.get("closedIssues"),
        "releases": repository.get("releases"),
    }
    return {k: v for k, v in found.items() if only is None or k in only}


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def collect_activity(
    repos: Sequence[str],
    window: Window,
    api: GitHubAPI,
    *,
    max_concurrency: int = 8,
    known_files: dict[str, list[FileChange]] | None = None,
    exclude_authors: Sequence[str] = (),
    sources: dict[str, str] | None = None,
    pause: Callable[[int], float] | None = None,
    sleep: Callable[[float], None] | None = None,
) -> Activity:
    """`pause(attempt)` is the seconds before a query GitHub stopped is asked again smaller
    (default: `paging.backoff`), `sleep` what waits them (default: time.sleep)."""
    collector = Collector(
        api,
        window,
        max_concurrency=max_concurrency,
        known_files=known_files,
        exclude_authors=exclude_authors,
        sources=sources,
        pause=pause,
        sleep=sleep,
    )
    return collector.collect(repos)
