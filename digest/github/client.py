"""The one GitHub client: PyGithub's transport, with digest's retries, count and limits.

Every request digest makes goes through a `_Transport` built here (collection's GraphQL,
the archive's PyGithub objects, the threads of `announce`, the configuration file), so that
each is counted (`requests`), kept within GitHub's secondary limits (limits.py), and a
rejected token is the same one line wherever it is found. A GraphQL query GitHub stopped for
its weight becomes `QueryTooHeavy`, which the caller answers by asking again smaller
(paging.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Self
from urllib.parse import urlsplit

import requests
from github import Auth, GithubException, GithubRetry
from github.Repository import Repository
from github.Requester import Requester
from urllib3 import Retry

from digest import errors
from digest.errors import GitHubAccessError, GitHubUnreachable
from digest.github.limits import Meter, Pacer
from digest.models import FileChange

log = logging.getLogger(__name__)

# What GitHub answers when it stopped a query: its gateway's 502, sometimes 504.
_TIMEOUT_STATUSES = {502, 504}
RESOURCE_LIMITS = "RESOURCE_LIMITS_EXCEEDED"
# The longest a rate limit is waited out (GitHub says when it resets; a run does not wait
# for an hour).
WAIT = 300
USER_AGENT = "digest (+https://github.com/marketplace/actions/digest)"


class QueryTooHeavy(GithubException):
    """GitHub stopped a query for its weight: a timeout (502/504, or no answer in time) or
    RESOURCE_LIMITS_EXCEEDED. The same query asked smaller may well pass."""

    def __init__(self, status: int, data: Any, reason: str):
        super().__init__(status, data, message=reason)
        self.reason = reason


class _Retry(GithubRetry):
    """PyGithub's retry policy, telling the meter of each request it sends again."""

    def __init__(self, meter: Meter | None = None, **kwargs: Any):
        self.meter = meter
        super().__init__(**kwargs)

    def new(self, **kw: Any) -> Self:
        return super().new(meter=self.meter, **kw)

    def increment(  # type: ignore[override]  # GithubRetry's own differs from urllib3's
        self, method: str | None = None, url: str | None = None, *args: Any, **kwargs: Any
    ) -> Retry:
        retry = super().increment(method, url, *args, **kwargs)  # raises when out of tries
        if self.meter is not None:
            self.meter.retried(method or "GET", graphql=str(url).endswith("/graphql"))
        return retry


def _retries(meter: Meter) -> dict[str, _Retry]:
    """The client's retry policies, by what they are for."""
    return {
        # A host that refuses or does not resolve will not start answering within a run: two
        # more tries, not urllib3's ten. 5xx and rate limits keep PyGithub's own policy, but
        # a primary rate limit is not waited out for an hour.
        "rest": _Retry(meter, total=10, connect=2, max_rate_limit_wait=WAIT),
        # GithubRetry retries every 5xx of GET *and POST* (it adds POST to urllib3's allowed
        # methods) up to `total` times with no pause (backoff_factor 0), and read timeouts
        # the same way: a query GitHub stopped after its 10 s of work (502/504) would be
        # asked again ten times at the same size, each costing points. Here 502/504 and read
        # timeouts come back at once, and the collector asks again smaller, after a pause.
        # 500/503 (a brief outage) and rate limits (403 with Retry-After) still retry here.
        "graphql": _Retry(
            meter,
            total=4,
            connect=2,
            read=False,
            status_forcelist=[500, 503],
            max_rate_limit_wait=WAIT,
        ),
        # Posts: connections that never reached GitHub and rate limits are retried, answers
        # are not. A create GitHub answered 502 may have been made all the same, and asking
        # again would post it twice.
        "once": _Retry(
            meter, total=3, connect=2, read=False, status_forcelist=[], max_rate_limit_wait=WAIT
        ),
    }


class _Transport(Requester):
    """PyGithub's Requester, every request of which goes through the client's meter, and
    whose 401 is the one line that says the token was rejected, wherever it came from."""

    def __init__(self, meter: Meter, **kwargs: Any):
        super().__init__(**kwargs)
        self.meter = meter

    def requestJson(  # PyGithub's name: every JSON request passes here
        self,
        verb: str,
        url: str,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, dict[str, Any], str]:
        with self.meter.request(verb, graphql=url == self.graphql_url):
            status, headers, output = super().requestJson(verb, url, *args, **kwargs)
        if status == 401:
            raise GitHubAccessError(errors.TOKEN_REJECTED)
        return status, headers, output


def connect(token: str | None, api_url: str, reuse: GitHubAPI | None = None) -> GitHubAPI:
    """The run's client: `reuse` (the one the configuration file was read with) when it is for
    the same token and host, so that its requests count with the run's; else a new one.
    Raises InputError without a token."""
    if reuse is not None and reuse.serves(token, api_url):
        return reuse
    return GitHubAPI(token, api_url)


class GitHubAPI:
    """The run's GitHub, built by `connect` and used by every part of digest that asks GitHub
    anything."""

    def __init__(
        self,
        token: str | None,
        api_url: str = "https://api.github.com",
        *,
        pool_size: int = 8,
        timeout: int = 15,
    ):
        if not token:
            raise errors.InputError("github-token", errors.TOKEN_MISSING)
        self.meter = Meter()
        options: dict[str, Any] = dict(
            auth=Auth.Token(token),
            base_url=api_url.rstrip("/"),
            timeout=timeout,  # seconds without an answer; GitHub itself stops at 10 s of work
            user_agent=USER_AGENT,
            per_page=30,
            verify=True,
            pool_size=pool_size,
            seconds_between_requests=None,
            # GitHub asks for a pause between *many* writes; a run makes a handful.
            seconds_between_writes=None,
            lazy=True,  # a Repository costs no request until one of its attributes is read
        )
        transports = {
            purpose: _Transport(self.meter, retry=retry, **options)
            for purpose, retry in _retries(self.meter).items()
        }
        self._rest, self._graphql, self._once = (
            transports["rest"],
            transports["graphql"],
            transports["once"],
        )
        self.pacer = Pacer()
        self.api_url = api_url
        self._token = token
        self._lock = threading.Lock()
        self._repositories: dict[str, Repository] = {}
        # GraphQL's hourly budget, as its `rateLimit` field reported it last.
        self.points_used = 0
        self.points_remaining: int | None = None
        self.points_reset: str | None = None
        # Points GitHub charged for queries it stopped: not reported back, so estimated.
        self.points_timed_out = 0

    def serves(self, token: str | None, api_url: str) -> bool:
        return (token, api_url) == (self._token, self.api_url)

    @property
    def requests(self) -> int:
        """Every request sent so far, retries included."""
        return self.meter.requests

    def repository(self, full_name: str) -> Repository:
        """A lazy Repository (the archive's, the configuration file's), one per name so its
        attributes are read once."""
        with self._lock:
            if full_name not in self._repositories:
                self._repositories[full_name] = Repository(self._rest, url=f"/repos/{full_name}")
            return self._repositories[full_name]

    def graphql(
        self, query: str, variables: dict[str, Any], *, cost: int = 1
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Run a query; return (data, errors). Errors on some aliases keep the others' data.

        `cost` is the query's worst-case cost by GitHub's formula: what it is paced by, and
        what a stopped query is counted as having cost. Raises QueryTooHeavy when GitHub
        stopped the query for its weight."""
        entry = self.pacer.reserve(cost)
        try:
            with self.reachable():
                _, response = self._graphql.graphql_query(query, variables)
        except requests.exceptions.ReadTimeout:
            self._timed_out(entry, cost, "no answer in time")
            raise QueryTooHeavy(504, None, "read timeout") from None
        except GithubException as exc:
            # PyGithub raises on any `errors` entry, but the response still holds the data of
            # every repository that did resolve: keep it.
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

    def graphql_once(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """A query or mutation asked once (an answer is never asked again: see `_retries`);
        its data. Any error raises GithubException, its body in `data`."""
        entry = self.pacer.reserve(1)
        with self.reachable():
            _, response = self._once.graphql_query(query, variables)
        data = response.get("data") or {}
        self._spent(data, entry)
        return data

    def rest_once(
        self,
        verb: str,
        url: str,
        body: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        """One REST request asked once; its JSON. An error answer raises GithubException."""
        with self.reachable():
            _, data = self._once.requestJsonAndCheck(verb, url, parameters=params, input=body)
        return data

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
        with self.reachable():
            commit = self.repository(repo).get_commit(sha)
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
        """Turn "the host cannot be reached" into one fatal error naming what to fix (a
        rejected token is one already: `_Transport`)."""
        try:
            yield
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
