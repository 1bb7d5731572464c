"""What GitHub answered when it did not give what was asked, read in one place.

A request's failure is GitHub's answer (`GithubException`, its body in `data`) or no answer
(`requests.RequestException`); a rejected token or an unreachable host is not one of them:
the client raises those as the run's DigestError. GitHub words a refusal as a REST body's
`message`, or as GraphQL `errors`, each with a `type` (NOT_FOUND, FORBIDDEN, ...).
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from github import GithubException

from digest.failures import FailureKind

log = logging.getLogger(__name__)

# What one request can fail with, leaving the run to go on (one repository, one post).
ERRORS = (GithubException, requests.RequestException)

_FORBIDDEN = "Resource not accessible"
# GraphQL error types -> a repository's failure, as the report names it.
_KINDS: dict[str, FailureKind] = {
    "NOT_FOUND": "not_found",
    "FORBIDDEN": "forbidden",
    "INSUFFICIENT_SCOPES": "forbidden",
    "RATE_LIMITED": "rate_limited",
}
# HTTP statuses -> the same.
_STATUSES: dict[int, FailureKind] = {404: "not_found", 403: "forbidden", 429: "rate_limited"}


def _body(exc: GithubException) -> dict[str, Any]:
    return exc.data if isinstance(exc.data, dict) else {}


def reason(exc: GithubException) -> str:
    """GitHub's own words: a REST body's message, else the first GraphQL error's."""
    body = _body(exc)
    errors = body.get("errors")
    if "message" not in body and isinstance(errors, list) and errors:
        first = errors[0]
        if isinstance(first, dict) and first.get("message"):
            return str(first["message"])
    return str(body.get("message") or exc)


def why(exc: Exception) -> str:
    """One short line for a warning: `HTTP 403: Resource not accessible by integration`, or
    `HTTP 422: Validation Failed (title: missing_field)`."""
    if not isinstance(exc, GithubException):
        return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    said = reason(exc)
    errors = _body(exc).get("errors")
    first = errors[0] if isinstance(errors, list) and errors else None
    if isinstance(first, dict):
        detail = first.get("message") or ": ".join(
            str(first[k]) for k in ("field", "code") if first.get(k)
        )
        if detail and detail != said:
            said += f" ({detail})"
    return f"HTTP {exc.status}: {said}"


def forbidden(exc: GithubException) -> bool:
    """GitHub's answer to a token without the permission: HTTP 403, or a GraphQL error of
    type FORBIDDEN ("Resource not accessible by integration")."""
    errors = _body(exc).get("errors")
    return exc.status == 403 or any(
        isinstance(e, dict)
        and (e.get("type") == "FORBIDDEN" or _FORBIDDEN in str(e.get("message")))
        for e in (errors if isinstance(errors, list) else [])
    )


def kind(exc: Exception) -> FailureKind:
    """A repository's failure, from a request that failed as a whole."""
    if isinstance(exc, GithubException):
        return _STATUSES.get(exc.status, "error")
    return "error"


def kind_of_errors(errors: list[dict[str, Any]], alias: str, repo: str) -> FailureKind:
    """A repository's failure, from the GraphQL errors on its alias (logged, with GitHub's
    words): what the report says about it."""
    for error in errors:
        if (error.get("path") or [None])[0] == alias:
            log.info("%s: %s", repo, error.get("message"))
            if found := _KINDS.get(error.get("type", "")):
                return found
    log.info("%s: GitHub returned no data", repo)
    return "error"
