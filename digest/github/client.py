"""The GitHub connection: PyGithub for transport, retries and rate-limit waits.

Counts the requests it makes so runs can report (and tests can pin) their cost, keeps
within GitHub's secondary limits (concurrent requests, GraphQL points per minute), and
turns a GraphQL query GitHub stopped for its weight into `QueryTooHeavy`, which the
collector answers by asking again smaller.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import requests
from github import Auth, BadCredentialsException, Github, GithubException, GithubRetry
from github.Repository import Repository

from digest import errors
from digest.errors import GitHubAccessError, GitHubUnreachable
from digest.github.limits import MAX_IN_FLIGHT, Pacer
from digest.models import FileChange

log = logging.getLogger(__name__)

# A host that refuses or does not resolve will not start answering within a run: two more
# tries, not urllib3's ten. 5xx and rate limits keep PyGithub's own retry policy, but a
# primary rate limit is not waited out for an hour.
_RETRY = GithubRetry(total=10, connect=2, max_rate_limit_wait=300)

# GraphQL gets a policy of its own. GithubRetry retries every 5xx of GET *and POST* (it adds
# POST to urllib3's allowed methods) up to `total` times with no pause (backoff_factor 0),
# and retries read timeouts the same way: a query GitHub stopped after its 10 s of work
# (502/504) would be asked again ten times at the same size, each costing points. Here
# 502/504 and read timeouts come back at once, and the collector retries them smaller, after
# a pause. 500/503 (a brief outage) and rate limits (403 with Retry-After) still retry here.
_GRAPHQL_RETRY = GithubRetry(
    total=4, connect=2, read=False, status_forcelist=[500, 503], max_rate_limit_wait=300
)
# What GitHub answers when it stopped a query: its gateway's 502, sometimes 504.
_TIMEOUT_STATUSES = {502, 504}
RESOURCE_LIMITS = "RESOURCE_LIMITS_EXCEEDED"


class QueryTooHeavy(GithubException):
    """GitHub stopped a query for its weight: a timeout (502/504, or no answer in time) or
    RESOURCE_LIMITS_EXCEEDED. The same query asked smaller may well pass."""

    def __init__(self, status: int, data: Any, reason: str):
        super().__init__(status, data, message=reason)
        self.reason = reason


class GitHubAPI:
    def __init__(
        self,
        token: str | None,
        api_url: str = "https://api.github.com",
        *,
        throttle: float | None = None,
        pool_size: int = 8,
        timeout: int = 15,
    ):
        if not token:
            raise errors.InputError("github-token", errors.TOKEN_MISSING)
        options: dict[str, Any] = dict(
            auth=Auth.Token(token),
            base_url=api_url.rstrip("/"),
            seconds_between_requests=throttle,
            # GitHub asks for a pause between *many* writes; a run makes three or four.
            seconds_between_writes=None,
            pool_size=pool_size,
            timeout=timeout,  # seconds without an answer; GitHub itself stops at 10 s of work
            lazy=True,  # get_repo() costs no request: we only go through it to a commit
            user_agent="digest (+https://github.com/marketplace/actions/digest)",
        )
        self._gh = Github(**options, retry=_RETRY)
        self._graphql_gh = Github(**options, retry=_GRAPHQL_RETRY)
        self._in_flight = threading.BoundedSemaphore(MAX_IN_FLIGHT)
        self.pacer = Pacer()
        self.api_url = api_url
        self._lock = threading.Lock()
        self._repositories: dict[str, Repository] = {}
        self.requests = 0
        # GraphQL's hourly budget, as its `rateLimit` field reported it last.
        self.points_used = 0
        self.points_remaining: int | None = None
        self.points_reset: str | None = None
        # Points GitHub charged for queries it stopped: not reported back, so estimated.
        self.points_timed_out = 0

    def repository(self, full_name: str) -> Repository:
        """A lazy Repository for publishing, one per name so its attributes are read once.

        Its requests are not in `requests`, which counts collection only."""
        with self._lock:
            if full_name not in self._repositories:
                self._repositories[full_name] = self._gh.get_repo(full_name)
            return self._repositories[full_name]

    def _count(self) -> None:
        with self._lock:
            self.requests += 1

    def graphql(
        self, query: str, variables: dict[str, Any], *, cost: int = 1
    ) -> tuple[dict[str, Any], list[dict]]:
        """Run a query; return (data, errors). Errors on some aliases keep the others' data.

        `cost` is the query's worst-case cost by GitHub's formula: what it is paced by, and
        what a stopped query is counted as having cost. Raises QueryTooHeavy when GitHub
        stopped the query for its weight."""
        self._count()
        entry = self.pacer.reserve(cost)
        try:
            with self._in_flight, self.reachable():
                _, response = self._graphql_gh.requester.graphql_query(query, variables)
        except requests.exceptions.ReadTimeout:
            self._timed_out(entry, cost, "no answer in time")
            raise QueryTooHeavy(504, None, "read timeout") from None
        except GithubException as exc:
            # PyGithub raises on any `errors` entry, but the response still holds the data of
            # every repository that did resolve: keep it.
            if exc.status == 401:
                raise GitHubAccessError(errors.TOKEN_REJECTED) from None
            body = exc.data if isinstance(exc.data, dict) else {}
            if exc.status in _TIMEOUT_STATUSES:
                self._timed_out(entry, cost, f"HTTP {exc.status}")
                raise QueryTooHeavy(exc.status, body, f"HTTP {exc.status}") from None
            if "data" not in body or body["data"] is None:
                self.pacer.settle(entry, 1)
                raise
            found = list(body.get("errors") or [])
            self._spent(body["data"], entry)
            if any(e.get("type") == RESOURCE_LIMITS for e in found):
                raise QueryTooHeavy(200, body, RESOURCE_LIMITS) from None
            return body["data"], found
        data = response.get("data") or {}
        self._spent(data, entry)
        return data, []

    def _timed_out(self, entry: list[float], cost: int, how: str) -> None:
        """GitHub charges a stopped query against the hourly points too, without saying how
        much: count its estimated cost, so pacing and `points_used` do not under-count."""
        with self._lock:
            self.points_used += cost
            self.points_timed_out += cost
        self.pacer.settle(entry, cost)
        log.warning("GitHub stopped a GraphQL query (%s); counting ~%d points for it", how, cost)

    def _spent(self, data: dict[str, Any], entry: list[float] | None = None) -> None:
        rate = data.get("rateLimit")
        if entry is not None:
            self.pacer.settle(entry, (rate or {}).get("cost") or 1)
        if not rate:
            return
        with self._lock:
            self.points_used += rate.get("cost") or 0
            remaining = rate.get("remaining")
            if remaining is not None:
                self.points_remaining = (
                    remaining
                    if self.points_remaining is None
                    else min(self.points_remaining, remaining)
                )
            self.points_reset = rate.get("resetAt") or self.points_reset

    def commit_files(self, repo: str, sha: str) -> list[FileChange]:
        """Changed files of one commit (REST: GraphQL has no per-commit file list)."""
        self._count()
        with self._in_flight, self.reachable():
            commit = self._gh.get_repo(repo).get_commit(sha)
        return [
            FileChange(
                path=f.filename,
                status=f.status,
                additions=f.additions,
                deletions=f.deletions,
                previous_path=f.previous_filename,
            )
            for f in commit.files
        ]

    @contextmanager
    def reachable(self) -> Iterator[None]:
        """Turn "the host cannot be reached" and "the token is rejected" into one fatal error
        each, naming what to fix."""
        try:
            yield
        except BadCredentialsException:
            raise GitHubAccessError(errors.TOKEN_REJECTED) from None
        except requests.ConnectionError as exc:
            if isinstance(exc, requests.exceptions.ReadTimeout) or _is_read_error(exc):
                raise  # the host answered once: a transient failure of this request only
            host = urlsplit(self.api_url).netloc or self.api_url
            raise GitHubUnreachable(
                errors.UNREACHABLE.format(host=host, reason=_connect_reason(exc))
            ) from None


def _is_read_error(exc: requests.ConnectionError) -> bool:
    text = str(exc)
    return "Read timed out" in text or "RemoteDisconnected" in text or "reset by peer" in text


def _connect_reason(exc: requests.ConnectionError) -> str:
    text = str(exc)
    if "NameResolution" in text or "Name or service not known" in text or "resolve" in text:
        return "the name does not resolve"
    if "refused" in text:
        return "connection refused"
    if "timed out" in text:
        return "connection timed out"
    return "no connection"
