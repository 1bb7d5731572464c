"""A local GitHub API for tests and benchmarks: GraphQL and the REST routes digest uses.

GraphQL is executed by graphql-core against `schema.graphql`, cut from GitHub's official
schema, so responses have exactly GitHub's shapes for whatever digest asks; REST bodies
follow the OpenAPI description (`@octokit/openapi`). Every request is logged so tests can
pin how many digest makes.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import functools
import json
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from graphql import DocumentNode, GraphQLError, build_schema, execute_sync, parse, validate

from tests.fakegithub import git, threads
from tests.fakegithub.git import GitRepo

SCHEMA = build_schema((Path(__file__).parent / "schema.graphql").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=512)
def checked(query: str) -> DocumentNode | list[GraphQLError]:
    """A query parsed and validated against the schema, or its errors, once per distinct
    text: digest sends the same few documents again and again (variables differ), and
    parsing and validating them was most of this server's work."""
    try:
        document = parse(query)
    except GraphQLError as error:
        return [error]
    return validate(SCHEMA, document) or document


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


# -- the data a fake repository holds -------------------------------------------------------


@dataclass
class FakeFile:
    filename: str
    status: str = "modified"  # REST vocabulary
    additions: int = 1
    deletions: int = 0
    previous_filename: str | None = None


@dataclass
class FakeCommit:
    sha: str
    message: str
    committed_at: dt.datetime
    author_name: str = "Ada Lovelace"
    author_login: str | None = "ada"
    files: list[FakeFile] = field(default_factory=list)
    pr_number: int | None = None

    @property
    def additions(self) -> int:
        return sum(f.additions for f in self.files)

    @property
    def deletions(self) -> int:
        return sum(f.deletions for f in self.files)


@dataclass
class FakePull:
    number: int
    title: str
    created_at: dt.datetime
    author: str | None = "ada"
    body: str = ""
    labels: list[str] = field(default_factory=list)
    merged_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    merge_commit_sha: str | None = None
    draft: bool = False
    files: list[FakeFile] = field(default_factory=list)
    base: str = "main"
    closes: list[int] = field(default_factory=list)  # issues of its repository it closes

    @property
    def updated_at(self) -> dt.datetime:
        return max(t for t in (self.created_at, self.merged_at, self.closed_at) if t)


@dataclass
class FakeIssue:
    number: int
    title: str
    created_at: dt.datetime
    author: str | None = "grace"
    body: str = ""
    labels: list[str] = field(default_factory=list)
    closed_at: dt.datetime | None = None
    comments: int = 0
    state_reason: str = "COMPLETED"  # once closed: COMPLETED, NOT_PLANNED or DUPLICATE

    @property
    def updated_at(self) -> dt.datetime:
        return self.closed_at or self.created_at


@dataclass
class FakeRelease:
    tag: str
    published_at: dt.datetime
    name: str = ""
    body: str = ""
    author: str | None = "ada"
    prerelease: bool = False
    draft: bool = False
    created_at: dt.datetime | None = None


@dataclass
class FakeRepo:
    full_name: str
    description: str = ""
    default_branch: str = "main"
    commits: list[FakeCommit] = field(default_factory=list)  # any order
    pulls: list[FakePull] = field(default_factory=list)
    issues: list[FakeIssue] = field(default_factory=list)
    releases: list[FakeRelease] = field(default_factory=list)
    # A GraphQL error type GitHub answers for this repository instead of its data
    # (RATE_LIMITED, FORBIDDEN, ...), as it does per alias in a batched query.
    error: str | None = None
    # Work GitHub spends on this repository in any query that reads it (a history too long
    # to walk in time), in WorkModel units: with a budget, it can time out at every size.
    work: int = 0
    # For discovery: listings and search.
    fork: bool = False
    archived: bool = False
    private: bool = False
    topics: list[str] = field(default_factory=list)
    stars: int = 0
    pushed: dt.datetime | None = None  # default: the newest commit

    @property
    def owner(self) -> str:
        return self.full_name.split("/")[0]

    @property
    def pushed_at(self) -> dt.datetime | None:
        if self.pushed is not None:
            return self.pushed
        return max((c.committed_at for c in self.commits), default=None)

    def pull(self, number: int) -> FakePull | None:
        return next((p for p in self.pulls if p.number == number), None)

    def issue(self, number: int) -> FakeIssue | None:
        return next((i for i in self.issues if i.number == number), None)


def node_id(repo: FakeRepo, kind: str, number: int) -> str:
    """A global node id in GitHub's shape (`PR_kwDO...`, `I_kwDO...`), opaque to digest."""
    key = base64.urlsafe_b64encode(f"{repo.full_name}#{number}".encode()).decode().rstrip("=")
    return f"{'PR' if kind == 'pr' else 'I'}_kwDO{key}"


# -- GraphQL resolvers: objects whose attributes graphql-core reads by field name ----------


def _cursor(offset: int) -> str:
    return base64.b64encode(f"cursor:{offset}".encode()).decode()


def connection(items: list[Any], first: int | None, after: str | None) -> dict[str, Any]:
    start = int(base64.b64decode(after).decode().split(":")[1]) + 1 if after else 0
    if first is None or not 1 <= first <= 100:
        raise GraphQLError("You must provide a `first` value between 1 and 100.")
    page = items[start : start + first]
    end = start + len(page) - 1
    return {
        "totalCount": len(items),
        "nodes": page,
        "pageInfo": {
            "hasNextPage": start + first < len(items),
            "endCursor": _cursor(end) if page else None,
        },
    }


def _order(items: list[Any], order_by: dict | None, default: str) -> list[Any]:
    field_name = (order_by or {}).get("field", default)
    key = {"CREATED_AT": "created_at", "UPDATED_AT": "updated_at"}[field_name]
    descending = (order_by or {}).get("direction", "ASC") == "DESC"
    return sorted(items, key=lambda x: getattr(x, key) or x.created_at, reverse=descending)


def _actor(login: str | None) -> dict | None:
    return (
        {"login": login, "__typename": "Bot" if login.endswith("[bot]") else "User"}
        if login
        else None
    )


def _label_connection(names: list[str]):
    def labels(_info, first=None, after=None, **_):
        return connection([{"name": n} for n in names], first, after)

    return labels


_CHANGE_TYPE = {
    "added": "ADDED",
    "removed": "DELETED",
    "modified": "MODIFIED",
    "renamed": "RENAMED",
    "copied": "COPIED",
    "changed": "CHANGED",
}


class PullNode:
    graphql_type = "PullRequest"

    def __init__(self, server: FakeGitHub, repo: FakeRepo, pull: FakePull):
        url = f"{server.web_url}/{repo.full_name}/pull/{pull.number}"
        self.id = node_id(repo, "pr", pull.number)
        self.merged = pull.merged_at is not None
        closed = pull.closed_at or pull.merged_at
        self.closedAt = iso(closed) if closed else None
        self._server, self._repo, self._closes = server, repo, pull.closes
        self.number, self.title, self.url, self.body = pull.number, pull.title, url, pull.body
        self.state = "MERGED" if pull.merged_at else ("CLOSED" if pull.closed_at else "OPEN")
        self.isDraft = pull.draft
        self.createdAt = iso(pull.created_at)
        self.mergedAt = iso(pull.merged_at) if pull.merged_at else None
        self.additions = sum(f.additions for f in pull.files)
        self.deletions = sum(f.deletions for f in pull.files)
        self.changedFiles = len(pull.files)
        self.baseRefName = pull.base
        self.author = _actor(pull.author)
        self.mergeCommit = {"oid": pull.merge_commit_sha} if pull.merge_commit_sha else None
        self.labels = _label_connection(pull.labels)
        self._files = pull.files

    def closingIssuesReferences(self, _info, first=None, after=None, **_):
        issues = [i for n in self._closes if (i := self._repo.issue(n))]
        nodes = [IssueNode(self._server, self._repo, i) for i in issues]
        return connection(nodes, first, after)

    def files(self, _info, first=None, after=None, **_):
        nodes = [
            {
                "path": f.filename,
                "additions": f.additions,
                "deletions": f.deletions,
                "changeType": _CHANGE_TYPE[f.status],
            }
            for f in self._files
        ]
        return connection(nodes, first, after)


class CommitNode:
    graphql_type = "Commit"

    def __init__(self, server: FakeGitHub, repo: FakeRepo, commit: FakeCommit):
        self.oid, self.message = commit.sha, commit.message
        self.url = f"{server.web_url}/{repo.full_name}/commit/{commit.sha}"
        self.committedDate = iso(commit.committed_at)
        self.additions, self.deletions = commit.additions, commit.deletions
        self.changedFilesIfAvailable = len(commit.files)
        user = {"login": commit.author_login} if commit.author_login else None
        self.author = {"name": commit.author_name, "user": user}
        self._server, self._repo, self._commit = server, repo, commit

    def associatedPullRequests(self, _info, first=None, after=None, **_):
        pull = self._repo.pull(self._commit.pr_number) if self._commit.pr_number else None
        nodes = [PullNode(self._server, self._repo, pull)] if pull else []
        return connection(nodes, first, after)


class IssueNode:
    graphql_type = "Issue"

    def __init__(self, server: FakeGitHub, repo: FakeRepo, issue: FakeIssue):
        self.id = node_id(repo, "issue", issue.number)
        self._server, self._repo, self._reason = server, repo, issue.state_reason
        self.number, self.title, self.body = issue.number, issue.title, issue.body
        self.url = f"{server.web_url}/{repo.full_name}/issues/{issue.number}"
        self.state = "CLOSED" if issue.closed_at else "OPEN"
        self.createdAt = iso(issue.created_at)
        self.closedAt = iso(issue.closed_at) if issue.closed_at else None
        self.author = _actor(issue.author)
        self.labels = _label_connection(issue.labels)
        self.comments = {"totalCount": issue.comments}

    def stateReason(self, _info, enableDuplicate=False, **_):
        if self.state == "OPEN":
            return None  # GitHub: REOPENED once reopened; never closed here
        if self._reason == "DUPLICATE" and not enableDuplicate:
            return "NOT_PLANNED"  # what GitHub tells clients that did not opt in
        return self._reason

    def repository(self, _info, **_):
        return RepositoryNode(self._server, self._repo)


class ReleaseNode:
    def __init__(self, server: FakeGitHub, repo: FakeRepo, release: FakeRelease):
        self.tagName, self.name = release.tag, release.name or None
        self.url = f"{server.web_url}/{repo.full_name}/releases/tag/{release.tag}"
        self.description = release.body or None
        self.isDraft, self.isPrerelease = release.draft, release.prerelease
        self.createdAt = iso(release.created_at or release.published_at)
        self.publishedAt = None if release.draft else iso(release.published_at)
        self.author = _actor(release.author)


class _BranchTip:
    """The commit at the tip of the default branch: only its history is asked for."""

    graphql_type = "Commit"

    def __init__(self, history):
        self.history = history


class RepositoryNode:
    graphql_type = "Repository"

    def __init__(self, server: FakeGitHub, repo: FakeRepo):
        self._server, self._repo = server, repo
        self.nameWithOwner = repo.full_name
        self.isFork, self.isArchived = repo.fork, repo.archived
        self.pushedAt = iso(repo.pushed_at) if repo.pushed_at else None
        self.url = f"{server.web_url}/{repo.full_name}"
        self.description = repo.description or None
        self.defaultBranchRef = {"name": repo.default_branch, "target": _BranchTip(self._history)}

    def _history(self, _info, first=None, after=None, since=None, until=None, **_):
        commits = sorted(self._repo.commits, key=lambda c: c.committed_at, reverse=True)
        if since:
            commits = [c for c in commits if c.committed_at >= parse_time(since)]
        if until:  # GitHub's `until` includes commits at that very second
            commits = [c for c in commits if c.committed_at <= parse_time(until)]
        return connection([CommitNode(self._server, self._repo, c) for c in commits], first, after)

    def pullRequests(self, _info, first=None, after=None, orderBy=None, **_):
        pulls = _order(self._repo.pulls, orderBy, "CREATED_AT")
        return connection([PullNode(self._server, self._repo, p) for p in pulls], first, after)

    def pullRequest(self, _info, number):
        pull = self._repo.pull(number)
        return PullNode(self._server, self._repo, pull) if pull else None

    def issueOrPullRequest(self, _info, number):
        if pull := self._repo.pull(number):
            return PullNode(self._server, self._repo, pull)
        if issue := self._repo.issue(number):
            return IssueNode(self._server, self._repo, issue)
        raise NotFound(
            f"Could not resolve to an issue or pull request with the number of {number}."
        )

    def issues(self, _info, first=None, after=None, orderBy=None, filterBy=None, **_):
        issues = _order(self._repo.issues, orderBy, "CREATED_AT")
        filters = filterBy or {}
        if filters.get("since"):
            issues = [i for i in issues if i.updated_at >= parse_time(filters["since"])]
        if filters.get("states"):
            wanted = set(filters["states"])
            issues = [i for i in issues if ("CLOSED" if i.closed_at else "OPEN") in wanted]
        return connection([IssueNode(self._server, self._repo, i) for i in issues], first, after)

    def releases(self, _info, first=None, after=None, orderBy=None, **_):
        releases = sorted(
            self._repo.releases,
            key=lambda r: r.created_at or r.published_at,
            reverse=(orderBy or {}).get("direction") == "DESC",
        )
        return connection(
            [ReleaseNode(self._server, self._repo, r) for r in releases], first, after
        )


class NotFound(GraphQLError):
    kind = "NOT_FOUND"


class RepositoryError(GraphQLError):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


class OwnerNode:
    """An Organization or a User, with its repositories as GitHub lists them."""

    def __init__(self, server: FakeGitHub, login: str):
        self._server = server
        self.login = login
        self.graphql_type = "User" if login.lower() in server.users else "Organization"

    def repositories(
        self,
        _info,
        first=None,
        after=None,
        privacy=None,
        isFork=None,
        isArchived=None,
        orderBy=None,
        **_,
    ):
        repos = [r for r in self._server.repos.values() if r.owner.lower() == self.login.lower()]
        if privacy == "PUBLIC":
            repos = [r for r in repos if not r.private]
        if isFork is not None:
            repos = [r for r in repos if r.fork == isFork]
        if isArchived is not None:
            repos = [r for r in repos if r.archived == isArchived]
        if (orderBy or {}).get("field") == "PUSHED_AT":
            oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
            repos.sort(key=lambda r: r.pushed_at or oldest, reverse=orderBy["direction"] == "DESC")
        nodes = [RepositoryNode(self._server, r) for r in repos]
        return connection(nodes, first, after)


def search_repositories(repos: list[FakeRepo], query: str) -> list[FakeRepo]:
    """GitHub's repository search, for the qualifiers digest's users write."""
    found = list(repos)
    words = []
    forks = "false"
    for token in query.split():
        key, _, value = token.partition(":")
        if not value:
            words.append(token.lower())
        elif key in {"org", "user"}:
            found = [r for r in found if r.owner.lower() == value.lower()]
        elif key == "topic":
            found = [r for r in found if value.lower() in (t.lower() for t in r.topics)]
        elif key == "stars":
            found = [r for r in found if _compare(r.stars, value)]
        elif key == "pushed":
            day = value.lstrip("<>=")
            found = [
                r
                for r in found
                if r.pushed_at and _compare(r.pushed_at.date().isoformat(), value, day)
            ]
        elif key == "archived":
            found = [r for r in found if r.archived == (value == "true")]
        elif key == "fork":
            forks = value
        elif key == "is" and value == "public":
            found = [r for r in found if not r.private]
    if forks == "false":
        found = [r for r in found if not r.fork]
    elif forks == "only":
        found = [r for r in found if r.fork]
    found = [r for r in found if all(w in f"{r.full_name} {r.description}".lower() for w in words)]
    return sorted(found, key=lambda r: (-r.stars, r.full_name.lower()))


def _compare(actual, expression: str, operand: str | None = None) -> bool:
    for op in (">=", "<=", ">", "<"):
        if expression.startswith(op):
            bound = operand if operand is not None else int(expression[len(op) :])
            return {">=": actual >= bound, "<=": actual <= bound, ">": actual > bound,
                    "<": actual < bound}[op]  # fmt: skip
    return actual == (operand if operand is not None else int(expression))


class QueryRoot:
    def __init__(self, server: FakeGitHub):
        self._server = server

    def __getattr__(self, name: str):  # mutations: announce's discussions (threads.py)
        if name.startswith("_") or (found := self._server.threads.mutation(name)) is None:
            raise AttributeError(name)
        return found

    def rateLimit(self, _info, **_):
        return self._server.spend_points()

    def repositoryOwner(self, _info, login, **_):
        owners = {r.owner.lower() for r in self._server.repos.values()} | self._server.users
        return OwnerNode(self._server, login) if login.lower() in owners else None

    def search(self, _info, query, type, first=None, after=None, **_):
        if type != "REPOSITORY":
            raise GraphQLError("digest's fake GitHub searches repositories only")
        found = search_repositories(list(self._server.repos.values()), query)
        page = connection([RepositoryNode(self._server, r) for r in found[:1000]], first, after)
        return {**page, "repositoryCount": len(found)}

    def nodes(self, _info, ids, **_):
        """GitHub's answer: a node per id, null (and a NOT_FOUND error) for one unknown."""
        if len(ids) > 100:
            raise GraphQLError(
                f"You may not provide more than 100 node ids; you provided {len(ids)}."
            )
        found = {}
        for repo in self._server.repos.values():
            for pull in repo.pulls:
                found[node_id(repo, "pr", pull.number)] = PullNode(self._server, repo, pull)
            for issue in repo.issues:
                found[node_id(repo, "issue", issue.number)] = IssueNode(self._server, repo, issue)
        return [
            found.get(i) or NotFound(f"Could not resolve to a node with the global id of '{i}'")
            for i in ids
        ]

    def repository(self, _info, owner, name, **_):
        repo = self._server.repos.get(f"{owner}/{name}".lower())
        if repo is None and (target := self._server.threads.repository(owner, name)):
            return target  # a target repository: its discussions (announce)
        if repo is None:
            raise NotFound(f"Could not resolve to a Repository with the name '{owner}/{name}'.")
        if repo.error:
            raise RepositoryError(repo.error, f"{repo.error} for {owner}/{name}")
        return RepositoryNode(self._server, repo)


def _type_resolver(value, _info, abstract_type):
    if isinstance(value, dict):
        return value.get("__typename")
    return getattr(value, "graphql_type", None)


# -- GitHub's query limits ----------------------------------------------------------------

# What GitHub answers, with HTTP 502, when it stopped a query after 10 s of work.
TIMEOUT_MESSAGE = (
    "Something went wrong while executing your query. This may be the result of a timeout, "
    "or it could be a GitHub bug. Please include `{request_id}` when reporting this issue."
)
RESOURCE_LIMITS_MESSAGE = "Resource limits for this query exceeded."


@dataclass
class WorkModel:
    """How much work answering a query takes, in units a budget is set in: every object in a
    `nodes` list is one unit, a changed file more, and each PR's file list a diff to compute
    (what makes GitHub's real timeouts: commit history with each PR's files)."""

    node: int = 1
    file: int = 5
    diff: int = 20

    def of(self, value: Any, key: str = "") -> int:
        if isinstance(value, list):
            return sum(self.of(v) for v in value)
        if not isinstance(value, dict):
            return 0
        work = 0
        for k, v in value.items():
            if k == "files" and isinstance(v, dict):
                work += self.diff + self.file * len(v.get("nodes") or [])
            elif k == "nodes" and isinstance(v, list):
                work += self.node * len(v) + self.of(v)
            else:
                work += self.of(v, k)
        return work


def _request_id(n: int) -> str:
    return f"C0DE:{n:04X}:1F2E3D:2A3B4C:65C0FFEE"


# -- HTTP --------------------------------------------------------------------------------


class FakeGitHub:
    """Start with `with FakeGitHub() as gh:`; `gh.api_url` is the GITHUB_API_URL to use."""

    def __init__(
        self,
        repos: list[FakeRepo] | None = None,
        *,
        latency: float = 0.0,
        token: str = "test-token",
    ):
        self.repos = {r.full_name.lower(): r for r in repos or []}
        self.latency = latency
        self.token = token
        self.requests: list[tuple[str, str]] = []
        self.graphql_bodies: list[dict[str, Any]] = []  # every GraphQL request, as sent
        self.targets: dict[str, GitRepo] = {}  # repositories digest publishes to
        self.read_only_tokens: set[str] = set()
        self.users: set[str] = set()  # owners that are users, not organizations (lowercase)
        self.rate_remaining = 5000  # GraphQL points left this hour
        # GitHub's 10 s of work per query, in WorkModel units; None: no limit. Past it the
        # query answers `limit_mode`: "timeout" (HTTP 502, data null, as GitHub does) or
        # "resource_limits" (HTTP 200, the aliases past the budget null with
        # RESOURCE_LIMITS_EXCEEDED errors, the others' data kept).
        self.work_budget: int | None = None
        self.limit_mode = "timeout"
        self.work_model = WorkModel()
        self.stopped_after = 0.0  # seconds a stopped query takes to answer (GitHub: 10)
        self.graphql_answers: list[tuple[int, int]] = []  # (HTTP status, work) per query
        self.outage = 0  # the next requests that answer 503, as GitHub does in a brief outage
        self._lock = threading.Lock()
        self.threads = threads.Threads(self)  # issues, labels, discussions of the targets
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.web_url = "https://github.com"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def add_target(self, repo: GitRepo) -> GitRepo:
        self.targets[repo.full_name.lower()] = repo
        return repo

    def add(self, repo: FakeRepo) -> FakeRepo:
        self.repos[repo.full_name.lower()] = repo
        return repo

    def __enter__(self) -> FakeGitHub:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def spend_points(self, cost: int = 1) -> dict[str, Any]:
        """GitHub's `rateLimit` for one query (a batch of a few connections costs 1 point)."""
        with self._lock:
            self.rate_remaining = max(0, self.rate_remaining - cost)
            remaining = self.rate_remaining
        return {"cost": cost, "remaining": remaining, "resetAt": "2026-02-05T01:00:00Z",
                "limit": 5000, "used": 5000 - remaining, "nodeCount": 0}  # fmt: skip

    def log(self, method: str, route: str) -> None:
        with self._lock:
            self.requests.append((method, route))

    def unavailable(self) -> bool:
        with self._lock:
            if self.outage <= 0:
                return False
            self.outage -= 1
            return True

    def counts(self) -> Counter[str]:
        return Counter(f"{m} {r}" for m, r in self.requests)

    # -- endpoints ------------------------------------------------------------------------

    def graphql(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.graphql_bodies.append(body)
        document = checked(body["query"])
        if isinstance(document, list):  # as graphql_sync answers a query it cannot run
            data, errors = None, document
        else:
            result = execute_sync(
                SCHEMA,
                document,
                root_value=QueryRoot(self),
                variable_values=body.get("variables") or {},
                type_resolver=_type_resolver,
            )
            data, errors = result.data, result.errors
        response: dict[str, Any] = {"data": data}
        if errors:
            response["errors"] = [self._github_error(e) for e in errors]
        status, response = self._within_limits(response)
        return status, response

    def _within_limits(self, response: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """GitHub's answer to a query whose work passed the budget."""
        data = response.get("data") or {}
        work = sum(self._work(value) for value in data.values())
        with self._lock:
            n = len(self.graphql_answers)
        if self.work_budget is None or work <= self.work_budget:
            self._answered(200, work)
            return 200, response
        if self.limit_mode == "timeout":
            time.sleep(self.stopped_after)
            self._answered(502, work)
            message = TIMEOUT_MESSAGE.format(request_id=_request_id(n))
            return 502, {"data": None, "errors": [{"message": message}]}
        spent, errors = 0, list(response.get("errors") or [])
        for alias, value in data.items():
            spent += self._work(value)
            if spent > self.work_budget and alias != "rateLimit":
                data[alias] = None
                errors.append(
                    {"type": "RESOURCE_LIMITS_EXCEEDED", "path": [alias],
                     "locations": [{"line": 1, "column": 1}], "message": RESOURCE_LIMITS_MESSAGE}
                )  # fmt: skip
        self._answered(200, work)
        return 200, {"data": data, "errors": errors}

    def _work(self, value: Any) -> int:
        """The work of one top-level field: its nodes, and the repository's own weight."""
        name = value.get("nameWithOwner") if isinstance(value, dict) else None
        repo = self.repos.get(name.lower()) if name else None
        return self.work_model.of(value) + (repo.work if repo else 0)

    def _answered(self, status: int, work: int) -> None:
        with self._lock:
            self.graphql_answers.append((status, work))

    @staticmethod
    def _github_error(error: GraphQLError) -> dict[str, Any]:
        formatted = error.formatted
        original = error.original_error
        kind = getattr(original, "kind", None) or getattr(error, "kind", None)
        if kind:
            formatted["type"] = kind
        formatted.pop("extensions", None)
        return formatted

    def rest_commit(self, full_name: str, sha: str) -> tuple[int, dict[str, Any]]:
        repo = self.repos.get(full_name.lower())
        commit = next((c for c in repo.commits if c.sha.startswith(sha)), None) if repo else None
        if commit is None:
            return 404, {
                "message": "Not Found",
                "status": "404",
                "documentation_url": "https://docs.github.com/rest/commits/commits#get-a-commit",
            }
        return 200, rest_commit_body(self, repo, commit)

    # -- publishing: the target repository -------------------------------------------------

    def target(self, match) -> GitRepo | None:
        return self.targets.get(match["repo"].lower())

    def get_repo(self, match, _args):
        repo = self.target(match)
        return (200, git.repo_body(self.api_url, self.web_url, repo)) if repo else (404, _NOT_FOUND)

    def get_ref(self, match, _args):
        repo = self.target(match)
        if repo and repo.empty:
            return 409, git.ref_error(409, "Git Repository is empty.", "get-a-reference")
        if not repo or match["ref"] not in repo.refs:
            return 404, git.ref_error(404, "Not Found", "get-a-reference")
        return 200, git.ref_body(self.api_url, repo, match["ref"])

    def get_commit(self, match, _args):
        repo = self.target(match)
        if not repo or match["sha"] not in repo.commits:
            return 404, _NOT_FOUND
        return 200, git.commit_body(self.api_url, self.web_url, repo, match["sha"])

    def get_tree(self, match, _args):
        repo = self.target(match)
        if not repo or match["sha"] not in repo.trees:
            return 404, _NOT_FOUND
        return 200, git.tree_body(self.api_url, repo, match["sha"])

    def get_content(self, match, args):
        repo = self.target(match)
        ref = args.get("ref") or (repo.default_branch if repo else "")
        body = (
            git.content_body(self.api_url, self.web_url, repo, match["path"], ref) if repo else None
        )
        return (200, body) if body else (404, _NOT_FOUND)

    def get_blob(self, match, _args):
        repo = self.target(match)
        if not repo or match["sha"] not in repo.blobs:
            return 404, _NOT_FOUND
        return 200, git.blob_body(self.api_url, repo, match["sha"])

    def create_tree(self, match, body):
        repo = self.target(match)
        if repo.refuse_tree:
            return 422, {"message": repo.refuse_tree, "status": "422",
                         "documentation_url": "https://docs.github.com/rest/git/trees#create-a-tree"}  # fmt: skip  # noqa: E501
        base = repo.trees.get(body.get("base_tree"), {}) if body.get("base_tree") else {}
        files = {e["path"]: e["content"] for e in body["tree"]}
        return 201, git.tree_body(self.api_url, repo, repo.make_tree(base, files))

    def create_commit(self, match, body):
        repo = self.target(match)
        sha = repo.make_commit(body["message"], body["tree"], body["parents"])
        return 201, git.commit_body(self.api_url, self.web_url, repo, sha)

    def create_ref(self, match, body):
        repo = self.target(match)
        ref = body["ref"].removeprefix("refs/")
        if ref in repo.refs:
            return 422, git.ref_error(422, "Reference already exists", "create-a-reference")
        repo.refs[ref] = body["sha"]
        return 201, git.ref_body(self.api_url, repo, ref)

    def update_ref(self, match, body):
        repo = self.target(match)
        ref = match["ref"]
        if repo.before_ref_update:
            hook, repo.before_ref_update = repo.before_ref_update, None
            hook(repo)
        if repo.empty:
            return 409, git.ref_error(409, "Git Repository is empty.", "update-a-reference")
        if ref not in repo.refs:
            return 422, git.ref_error(422, "Reference does not exist", "update-a-reference")
        if ref in repo.protected:
            return 422, git.ref_error(422, repo.protected[ref], "update-a-reference")
        if not body.get("force") and repo.refs[ref] not in repo.ancestors(body["sha"]):
            return 422, git.ref_error(422, "Update is not a fast forward", "update-a-reference")
        repo.refs[ref] = body["sha"]
        return 200, git.ref_body(self.api_url, repo, ref)

    def delete_ref(self, match, _body):
        repo = self.target(match)
        if not repo or match["ref"] not in repo.refs:
            return 422, git.ref_error(422, "Reference does not exist", "delete-a-reference")
        del repo.refs[match["ref"]]
        return 204, None

    def list_pulls(self, match, args):
        repo = self.target(match)
        found = [
            git.pull_body(self.api_url, self.web_url, repo, p)
            for p in repo.pulls
            if p["state"] == args.get("state", "open")
            and (not args.get("head") or args["head"].split(":")[-1] == p["head"])
            and (not args.get("base") or args["base"] == p["base"])
        ]
        return 200, found

    def create_pull(self, match, body):
        repo = self.target(match)
        if not repo.allow_actions_pull_requests:
            return 403, {
                "message": "GitHub Actions is not permitted to create or approve pull requests.",
                "documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
                "status": "403",
            }
        pull = {
            "number": len(repo.pulls) + 1,
            "state": "open",
            "title": body["title"],
            "body": body.get("body", ""),
            "head": body["head"],
            "base": body["base"],
        }
        repo.pulls.append(pull)
        return 201, git.pull_body(self.api_url, self.web_url, repo, pull)

    def update_pull(self, match, body):
        repo = self.target(match)
        pull = next(p for p in repo.pulls if p["number"] == int(match["number"]))
        pull.update({k: v for k, v in body.items() if k in {"title", "body", "state"}})
        return 200, git.pull_body(self.api_url, self.web_url, repo, pull)


def rest_commit_body(server: FakeGitHub, repo: FakeRepo, commit: FakeCommit) -> dict[str, Any]:
    """GET /repos/{owner}/{repo}/commits/{ref}, as the `commit` schema of the OpenAPI file."""
    api = f"{server.api_url}/repos/{repo.full_name}"
    web = f"{server.web_url}/{repo.full_name}"
    person = {
        "name": commit.author_name,
        "email": f"{commit.author_login or 'dev'}@example.com",
        "date": iso(commit.committed_at),
    }
    user = None
    if commit.author_login:
        user = {
            "login": commit.author_login,
            "id": 1,
            "node_id": "MDQ6VXNlcjE=",
            "avatar_url": "https://avatars.githubusercontent.com/u/1?v=4",
            "url": f"{server.api_url}/users/{commit.author_login}",
            "html_url": f"{server.web_url}/{commit.author_login}",
            "type": "User",
            "site_admin": False,
        }
    return {
        "url": f"{api}/commits/{commit.sha}",
        "sha": commit.sha,
        "node_id": "C_kwDOAAAAAdoAKDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA",
        "html_url": f"{web}/commit/{commit.sha}",
        "comments_url": f"{api}/commits/{commit.sha}/comments",
        "commit": {
            "url": f"{api}/git/commits/{commit.sha}",
            "author": person,
            "committer": person,
            "message": commit.message,
            "comment_count": 0,
            "tree": {"sha": "0" * 40, "url": f"{api}/git/trees/{'0' * 40}"},
            "verification": git.UNSIGNED,
        },
        "author": user,
        "committer": user,
        "parents": [],
        "stats": {
            "additions": commit.additions,
            "deletions": commit.deletions,
            "total": commit.additions + commit.deletions,
        },
        "files": [
            {
                "sha": "1" * 40,
                "filename": f.filename,
                "status": f.status,
                "additions": f.additions,
                "deletions": f.deletions,
                "changes": f.additions + f.deletions,
                "blob_url": f"{web}/blob/{commit.sha}/{f.filename}",
                "raw_url": f"{web}/raw/{commit.sha}/{f.filename}",
                "contents_url": f"{api}/contents/{f.filename}?ref={commit.sha}",
                "patch": "@@ -1 +1 @@\n-old\n+new",
                **({"previous_filename": f.previous_filename} if f.previous_filename else {}),
            }
            for f in commit.files
        ],
    }


_NOT_FOUND = {
    "message": "Not Found",
    "documentation_url": "https://docs.github.com/rest",
    "status": "404",
}
_UNAVAILABLE = {"message": "Service Unavailable", "status": "503"}
_READ_ONLY = {
    "message": "Resource not accessible by integration",
    "documentation_url": "https://docs.github.com/rest/git/trees#create-a-tree",
    "status": "403",
}
_REPO = r"^/repos/(?P<repo>[^/]+/[^/]+)"


def _routes(server: FakeGitHub) -> list[tuple[str, re.Pattern, str, Any]]:
    """(method, path pattern, route name for the request log, handler)."""
    table = [
        (
            "GET",
            _REPO + r"/commits/(?P<sha>[0-9a-f]{7,40})$",
            "/repos/{owner}/{repo}/commits/{ref}",
            lambda m, body: server.rest_commit(m["repo"], m["sha"]),
        ),
        ("GET", _REPO + r"$", "/repos/{owner}/{repo}", server.get_repo),
        (
            "GET",
            _REPO + r"/git/ref/(?P<ref>heads/.+)$",
            "/repos/{owner}/{repo}/git/ref/{ref}",
            server.get_ref,
        ),
        (
            "GET",
            _REPO + r"/git/commits/(?P<sha>\w+)$",
            "/repos/{owner}/{repo}/git/commits/{sha}",
            server.get_commit,
        ),
        (
            "GET",
            _REPO + r"/git/trees/(?P<sha>\w+)$",
            "/repos/{owner}/{repo}/git/trees/{sha}",
            server.get_tree,
        ),
        (
            "GET",
            _REPO + r"/git/blobs/(?P<sha>\w+)$",
            "/repos/{owner}/{repo}/git/blobs/{sha}",
            server.get_blob,
        ),
        ("POST", _REPO + r"/git/trees$", "/repos/{owner}/{repo}/git/trees", server.create_tree),
        (
            "POST",
            _REPO + r"/git/commits$",
            "/repos/{owner}/{repo}/git/commits",
            server.create_commit,
        ),
        ("POST", _REPO + r"/git/refs$", "/repos/{owner}/{repo}/git/refs", server.create_ref),
        (
            "PATCH",
            _REPO + r"/git/refs/(?P<ref>heads/.+)$",
            "/repos/{owner}/{repo}/git/refs/{ref}",
            server.update_ref,
        ),
        (
            "DELETE",
            _REPO + r"/git/refs/(?P<ref>heads/.+)$",
            "/repos/{owner}/{repo}/git/refs/{ref}",
            server.delete_ref,
        ),
        ("GET", _REPO + r"/pulls$", "/repos/{owner}/{repo}/pulls", server.list_pulls),
        (
            "GET",
            _REPO + r"/contents/(?P<path>.+)$",
            "/repos/{owner}/{repo}/contents/{path}",
            server.get_content,
        ),
        ("POST", _REPO + r"/pulls$", "/repos/{owner}/{repo}/pulls", server.create_pull),
        (
            "PATCH",
            _REPO + r"/pulls/(?P<number>\d+)$",
            "/repos/{owner}/{repo}/pulls/{number}",
            server.update_pull,
        ),
        *server.threads.routes(),
    ]
    return [(method, re.compile(pattern), name, fn) for method, pattern, name, fn in table]


def _handler(server: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    routes = _routes(server)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body leave in two writes: with Nagle's algorithm on, the body waits for
        # the client's delayed ACK of the headers, 40 ms on every reply of a kept-alive
        # connection, a delay no real server adds (`latency` is there to add one on purpose).
        disable_nagle_algorithm = True

        def log_message(self, *_: object) -> None:  # keep test output clean
            pass

        def _reply(self, status: int, body: Any) -> None:
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-RateLimit-Limit", "5000")
            self.send_header("X-RateLimit-Remaining", "4999")
            self.end_headers()
            # the client may have stopped waiting (its read timeout), as clients do
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)

        def _token(self) -> str | None:
            header = self.headers.get("Authorization") or ""
            token = header.split(" ", 1)[-1]
            if token == server.token or token in server.read_only_tokens:
                return token
            self._reply(
                401,
                {
                    "message": "Bad credentials",
                    "documentation_url": "https://docs.github.com/rest",
                    "status": "401",
                },
            )
            return None

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}") if length else {}
            if server.latency:
                time.sleep(server.latency)
            path, _, query = self.path.partition("?")
            if server.unavailable():
                server.log(method, "/graphql" if path == "/graphql" else path)
                self._reply(503, _UNAVAILABLE)
                return
            if method == "POST" and path == "/graphql":
                server.log("POST", "/graphql")
                if self._token() is not None:
                    self._reply(*server.graphql(body))
                return
            for route_method, pattern, name, handler in routes:
                match = pattern.match(path)
                if route_method == method and match:
                    server.log(method, name)
                    token = self._token()
                    if token is None:
                        return
                    if method != "GET" and token in server.read_only_tokens:
                        self._reply(403, _READ_ONLY)
                        return
                    args = dict(parse_qsl(query)) if method == "GET" else body
                    self._reply(*handler(match, args))
                    return
            server.log(method, path)
            self._reply(404, _NOT_FOUND)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_PATCH(self) -> None:
            self._serve("PATCH")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

    return Handler
