"""Collect every repository's activity in the window with as few GitHub requests as possible.

One GraphQL query covers a batch of repositories (commits with their PRs and files, opened
PRs, opened and closed issues, releases). Busy repositories page on with one query per
round; REST is used only for the files of direct pushes, which GraphQL does not expose.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import requests
from github import GithubException

from digest import __version__
from digest.collect import parse
from digest.collect.queries import document, repositories_query
from digest.github import GitHubAPI
from digest.models import (
    Activity,
    Commit,
    FailureKind,
    FileChange,
    PullRequest,
    RepoActivity,
    Window,
)

log = logging.getLogger(__name__)

# What GitHub (or the way to it) can answer for one batch, repository or commit: recorded
# as that one's failure. A DigestError (token rejected, host unreachable) ends the run.
_GITHUB_ERRORS = (GithubException, requests.RequestException)

# GraphQL points left when no new batch is started: paging the ones under way needs some.
BUDGET_RESERVE = 25

BATCH_SIZE = 8  # repositories per GraphQL query: small enough to stay far from GitHub's timeout
FIRST_PAGE = 30  # first page of each list; quiet repositories fit, busy ones page on by 100

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
    nodes: dict[str, list[dict]] = field(default_factory=lambda: {k: [] for k in _STOP_FIELD})
    cursors: dict[str, str] = field(default_factory=dict)  # lists that need another page
    failure: FailureKind | None = None


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
    ):
        self.api = api
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
        batches = [repos[i : i + BATCH_SIZE] for i in range(0, len(repos), BATCH_SIZE)]
        raws = [raw for batch in self._map(self._first_pages, batches) for raw in batch]
        raws = self._map(self._all_pages, _unique(raws))
        files = self._direct_push_files(raws)
        return Activity(
            tool_version=__version__,
            window=self.window,
            repos=[self._finish(raw, files) for raw in raws],
            github_requests=self.api.requests,
        )

    def _map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        with ThreadPoolExecutor(max_workers=self.max_concurrency) as pool:
            return list(pool.map(fn, items))

    # -- first round: one query for a batch of repositories ------------------------------

    def _first_pages(self, batch: Sequence[str]) -> list[_Raw]:
        variables: dict[str, Any] = {**self._time_vars, "pageSize": FIRST_PAGE}
        for i, repo in enumerate(batch):
            variables[f"owner{i}"], variables[f"name{i}"] = repo.split("/")
        raws = [_Raw(repo=repo) for repo in batch]
        remaining = self.api.points_remaining
        if remaining is not None and remaining <= BUDGET_RESERVE:
            log.warning(
                "GitHub's hourly budget is nearly spent (%d points left): %s postponed",
                remaining,
                ", ".join(batch),
            )
            for raw in raws:
                raw.failure = "postponed"
            return raws
        try:
            data, errors = self.api.graphql(repositories_query(len(batch)), variables)
        except _GITHUB_ERRORS as exc:  # one failed batch must not lose the other batches
            log.warning("GitHub query for %s failed: %s", ", ".join(batch), exc)
            for raw in raws:
                raw.failure = _failure_of_exception(exc)
            return raws
        for i, raw in enumerate(raws):
            node = data.get(f"repo{i}")
            if node is None:
                raw.failure = _failure_of_errors(errors, f"repo{i}", raw.repo)
                continue
            raw.repo = node["nameWithOwner"]  # as GitHub spells it, whatever case was given
            raw.url = node["url"]
            raw.description = node.get("description")
            branch = node.get("defaultBranchRef")
            raw.default_branch = branch["name"] if branch else None
            self._absorb(raw, _connections(node))
        return raws

    def _absorb(self, raw: _Raw, connections: dict[str, dict | None]) -> None:
        for name, connection in connections.items():
            if connection is None:
                continue
            nodes = connection["nodes"]
            raw.nodes[name].extend(nodes)
            page = connection["pageInfo"]
            stop_field = _STOP_FIELD[name]
            past_window = (
                stop_field is not None
                and nodes
                and parse.timestamp(nodes[-1][stop_field]) < self.window.since
            )
            if page["hasNextPage"] and not past_window:
                raw.cursors[name] = page["endCursor"]
            else:
                raw.cursors.pop(name, None)

    # -- later rounds: pages, PR files, direct-push files ---------------------------------

    def _all_pages(self, raw: _Raw) -> _Raw:
        try:
            while raw.cursors and not raw.failure:
                self._next_pages(raw)
        except _GITHUB_ERRORS as exc:
            log.warning("collecting %s failed: %s", raw.repo, exc)
            raw.failure = _failure_of_exception(exc)
        return raw

    def _direct_push_files(self, raws: list[_Raw]) -> dict[str, list[FileChange] | None]:
        """Files of every direct push of every repository, fetched in one flat round."""
        wanted = [
            (raw.repo, node["oid"])
            for raw in raws
            if not raw.failure
            for node in raw.nodes["commits"]
            if not _pull_node(node) and self.window.contains(parse.timestamp(node["committedDate"]))
        ]

        def fetch(item: tuple[str, str]) -> list[FileChange] | None:
            try:
                return self.api.commit_files(*item)
            except _GITHUB_ERRORS as exc:  # the commit stays, without its file list
                log.warning("files of %s@%s could not be read: %s", item[0], item[1][:7], exc)
                return None

        known = {sha: self.known_files[sha] for _, sha in wanted if sha in self.known_files}
        wanted = [(repo, sha) for repo, sha in wanted if sha not in known]
        fetched = dict(zip((sha for _, sha in wanted), self._map(fetch, wanted), strict=True))
        return known | fetched

    def _finish(self, raw: _Raw, files: dict[str, list[FileChange] | None]) -> RepoActivity:
        source = self._sources.get(raw.repo.lower())
        if raw.failure:
            return RepoActivity(
                repo=raw.repo, url=raw.url or "", failure=raw.failure, source=source
            )
        try:
            return self._build(raw, files).model_copy(update={"source": source})
        except _GITHUB_ERRORS as exc:  # paging a pull request's files
            log.warning("collecting %s failed: %s", raw.repo, exc)
            return RepoActivity(repo=raw.repo, url=raw.url, failure=_failure_of_exception(exc))

    def _next_pages(self, raw: _Raw) -> None:
        owner, name = raw.repo.split("/")
        variables: dict[str, Any] = {**self._time_vars, "owner": owner, "name": name}
        for connection, (flag, cursor) in _PAGE_VARIABLES.items():
            variables[flag] = connection in raw.cursors
            variables[cursor] = raw.cursors.get(connection)
        data, errors = self.api.graphql(document("next_pages"), variables)
        if errors or not data.get("repository"):
            raw.failure = _failure_of_errors(errors, "repository", raw.repo)
            return
        self._absorb(raw, _connections(data["repository"], only=set(raw.cursors)))

    def _build(self, raw: _Raw, files: dict[str, list[FileChange] | None]) -> RepoActivity:
        window = self.window
        parsed: dict[int, PullRequest] = {}  # a merge-style PR arrives with each of its commits

        def pull(node: dict) -> PullRequest:
            if node["number"] not in parsed:
                pr = self._pull(raw.repo, node)
                if self._by_bot(pr.author):
                    pr = pr.model_copy(update={"automated": True})
                parsed[node["number"]] = pr
            return parsed[node["number"]]

        pulls: dict[int, PullRequest] = {}
        commits: list[Commit] = []
        for node in raw.nodes["commits"]:
            pr = pull(pr_node) if (pr_node := _pull_node(node)) else None
            if pr and pr.merged_in_window:
                pulls[pr.number] = pr
            commit = parse.commit(node, pr)
            if (pr and pr.automated) or self._by_bot(commit.author_login):
                commit = commit.model_copy(update={"automated": True})
            if window.contains(commit.committed_at):
                commits.append(commit)
        for node in raw.nodes["openedPulls"]:
            if window.contains(parse.timestamp(node["createdAt"])):
                pulls[node["number"]] = pull(node)
        commits = [
            c.model_copy(update={"files": files[c.sha]}) if c.sha in files else c for c in commits
        ]
        issues = {
            issue.number: issue
            for node in raw.nodes["openedIssues"] + raw.nodes["closedIssues"]
            if (issue := parse.issue(node, window)).opened_in_window or issue.closed_in_window
        }
        releases = [
            parse.release(node)
            for node in raw.nodes["releases"]
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
            releases=sorted(releases, key=lambda r: r.published_at),
        )

    def _by_bot(self, login: str | None) -> bool:
        return bool(login) and login.lower() in self._automated

    def _pull(self, repo: str, node: dict) -> PullRequest:
        if not parse.pull_files_complete(node):
            node = {**node, "files": {"nodes": self._all_pull_files(repo, node)}}
        return parse.pull_request(node, self.window)

    def _all_pull_files(self, repo: str, node: dict) -> list[dict]:
        owner, name = repo.split("/")
        files = list(node["files"]["nodes"])
        page = node["files"]["pageInfo"]
        while page["hasNextPage"]:
            variables = {
                "owner": owner,
                "name": name,
                "number": node["number"],
                "after": page["endCursor"],
            }
            data, _ = self.api.graphql(document("pull_files"), variables)
            connection = data["repository"]["pullRequest"]["files"]
            files.extend(connection["nodes"])
            page = connection["pageInfo"]
        return files


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


def _pull_node(commit: dict) -> dict | None:
    """The PR a commit came in with; None for a direct push."""
    nodes = (commit.get("associatedPullRequests") or {}).get("nodes") or []
    return nodes[0] if nodes else None


def _connections(repository: dict, only: set[str] | None = None) -> dict[str, dict | None]:
    branch = repository.get("defaultBranchRef") or {}
    history = (branch.get("target") or {}).get("history")
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


def _failure_of_errors(errors: list[dict], alias: str, repo: str) -> FailureKind:
    for error in errors:
        if (error.get("path") or [None])[0] == alias:
            log.warning("%s: %s", repo, error.get("message"))
            kind = error.get("type", "")
            if kind == "NOT_FOUND":
                return "not_found"
            if kind in {"FORBIDDEN", "INSUFFICIENT_SCOPES"}:
                return "forbidden"
            if kind == "RATE_LIMITED":
                return "rate_limited"
    log.warning("%s: GitHub returned no data", repo)
    return "error"


def _failure_of_exception(exc: Exception) -> FailureKind:
    if isinstance(exc, GithubException):
        if exc.status == 404:
            return "not_found"
        if exc.status == 403:
            return "forbidden"
        if exc.status == 429:
            return "rate_limited"
    return "error"


def collect_activity(
    repos: Sequence[str],
    window: Window,
    api: GitHubAPI,
    *,
    max_concurrency: int = 8,
    known_files: dict[str, list[FileChange]] | None = None,
    exclude_authors: Sequence[str] = (),
    sources: dict[str, str] | None = None,
) -> Activity:
    collector = Collector(
        api,
        window,
        max_concurrency=max_concurrency,
        known_files=known_files,
        exclude_authors=exclude_authors,
        sources=sources,
    )
    return collector.collect(repos)
