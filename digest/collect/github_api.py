"""The GitHub connection: PyGithub for transport, retries and rate-limit waits.

Counts the requests it makes so runs can report (and tests can pin) their cost.
"""

from __future__ import annotations

import threading
from typing import Any

from github import Auth, Github, GithubException
from github.Repository import Repository

from digest.errors import GitHubAccessError
from digest.models import FileChange

_TOKEN_HELP = (
    "GitHub rejected the token (HTTP 401). Set `github-token` (or GITHUB_TOKEN locally) "
    "to a token that can read the repositories; GitHub's GraphQL API needs one."
)


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
            raise GitHubAccessError(
                "input 'github-token' is required: GitHub's GraphQL API does not answer "
                "anonymous requests (locally: export GITHUB_TOKEN=$(gh auth token))"
            )
        self._gh = Github(
            auth=Auth.Token(token),
            base_url=api_url.rstrip("/"),
            seconds_between_requests=throttle,
            # GitHub asks for a pause between *many* writes; a run makes three or four.
            seconds_between_writes=None,
            pool_size=pool_size,
            lazy=True,  # get_repo() costs no request: we only go through it to a commit
            user_agent="digest (+https://github.com/marketplace/actions/digest)",
        )
        self.api_url = api_url
        self._lock = threading.Lock()
        self._repositories: dict[str, Repository] = {}
        self.requests = 0

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
            _, response = self._gh.requester.graphql_query(query, variables)
        except GithubException as exc:
            # PyGithub raises on any `errors` entry, but the response still holds the data of
            # every repository that did resolve: keep it.
            if exc.status == 401:
                raise GitHubAccessError(_TOKEN_HELP) from None
            body = exc.data if isinstance(exc.data, dict) else {}
            if "data" not in body or body["data"] is None:
                raise
            return body["data"], list(body.get("errors") or [])
        return response.get("data") or {}, []

    def commit_files(self, repo: str, sha: str) -> list[FileChange]:
        """Changed files of one commit (REST: GraphQL has no per-commit file list)."""
        self._count()
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
