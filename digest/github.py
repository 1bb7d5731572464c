"""The GitHub connection: PyGithub for transport, retries and rate-limit waits.

Counts the requests it makes so runs can report (and tests can pin) their cost.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import requests
from github import Auth, Github, GithubException, GithubRetry
from github.Repository import Repository

from digest import errors
from digest.errors import GitHubAccessError, GitHubUnreachable
from digest.models import FileChange

# A host that refuses or does not resolve will not start answering within a run: two more
# tries, not urllib3's ten. 5xx and rate limits keep PyGithub's own retry policy, but a
# primary rate limit is not waited out for an hour.
_RETRY = GithubRetry(total=10, connect=2, max_rate_limit_wait=300)


class GitHubAPI:
    def __init__(
        self,
        token: str | None,
        api_url: str = "https://api.github.com",
        *,
        throttle: float | None = None,
        pool_size: int = 8,
    ):
        if not token:
            raise errors.InputError("github-token", errors.TOKEN_MISSING)
        self._gh = Github(
            auth=Auth.Token(token),
            base_url=api_url.rstrip("/"),
            seconds_between_requests=throttle,
            # GitHub asks for a pause between *many* writes; a run makes three or four.
            seconds_between_writes=None,
            pool_size=pool_size,
            retry=_RETRY,
            lazy=True,  # get_repo() costs no request: we only go through it to a commit
            user_agent="digest (+https://github.com/marketplace/actions/digest)",
        )
        self.api_url = api_url
        self._lock = threading.Lock()
        self._repositories: dict[str, Repository] = {}
        self.requests = 0
        # GraphQL's hourly budget, as its `rateLimit` field reported it last.
        self.points_used = 0
        self.points_remaining: int | None = None
        self.points_reset: str | None = None

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

    def graphql(self, query: str, variables: dict[str, Any]) -> tuple[dict[str, Any], list[dict]]:
        """Run a query; return (data, errors). Errors on some aliases keep the others' data."""
        self._count()
        try:
            with self.reachable():
                _, response = self._gh.requester.graphql_query(query, variables)
        except GithubException as exc:
            # PyGithub raises on any `errors` entry, but the response still holds the data of
            # every repository that did resolve: keep it.
            if exc.status == 401:
                raise GitHubAccessError(errors.TOKEN_REJECTED) from None
            body = exc.data if isinstance(exc.data, dict) else {}
            if "data" not in body or body["data"] is None:
                raise
            self._spent(body["data"])
            return body["data"], list(body.get("errors") or [])
        data = response.get("data") or {}
        self._spent(data)
        return data, []

    def _spent(self, data: dict[str, Any]) -> None:
        rate = data.get("rateLimit")
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
        with self.reachable():
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
        """Turn "the host cannot be reached" into one fatal error naming the host."""
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
