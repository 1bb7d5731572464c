"""Citations to links: shared by summarize (grounding) and render (links).

Summaries cite collected objects by id (their `.ref`); only this table, derived once from
an Activity, makes URLs, so a link in a report always points at something collected."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit, urlunsplit

from digest.kinds import CITABLE, CITABLE_BY_PREFIX
from digest.models import RepoActivity

_PREFIXES = "|".join(re.escape(c.prefix) for c in CITABLE)
_REF = re.compile(rf"^(?:(?P<repo>[\w.-]+/[\w.-]+)#)?(?P<kind>{_PREFIXES}):(?P<key>.+)$")


# How a link to a collected object is written where it is read: a URL -> the URL to write.
LinkPolicy = Callable[[str], str]

# GitHub's own hosts, whose links in a conversation leave a backlink behind.
_GITHUB_HOSTS = {"github.com", "www.github.com"}
_REDIRECT_HOST = "redirect.github.com"
# /owner/name/issues/12, /pull/12, /discussions/12: the objects with a timeline.
_THREAD = re.compile(r"^/[^/]+/[^/]+/(?:issues|pull|discussions)/\d+(?:[/?#]|$)")


def direct(url: str) -> str:
    """Files in a repository, feeds, chat and mail: a link there leaves no trace upstream."""
    return url


def without_backlinks(home_url: str) -> LinkPolicy:
    """For what GitHub shows as a conversation (pull request, issue, discussion, comment):
    a github.com link to another repository's issue, pull request or discussion puts
    "mentioned this" into that thread's timeline, every day a digest is posted. The same
    path on redirect.github.com leaves none; Dependabot and Renovate write exactly these
    links that way. Commits, releases and files have no timeline, so
    their links stay direct (nothing public shows redirect.github.com serving them). Links
    into `home_url`'s own repository stay ordinary. Other hosts (GitHub Enterprise Server,
    ghe.com) have no such redirect, so their links are left as they are."""
    home = _repo_of(home_url)

    def policy(url: str) -> str:
        parts = urlsplit(url)
        if (
            parts.netloc.lower() not in _GITHUB_HOSTS
            or _repo_of(url) == home
            or not _THREAD.match(parts.path)
        ):
            return url
        return urlunsplit(parts._replace(netloc=_REDIRECT_HOST))

    return policy


def _repo_of(url: str) -> tuple[str, str] | None:
    parts = urlsplit(url)
    segments = parts.path.strip("/").split("/")
    if len(segments) < 2:
        return None
    host = "github.com" if parts.netloc.lower() in _GITHUB_HOSTS else parts.netloc.lower()
    return (host, f"{segments[0]}/{segments[1]}".lower())


class LinkTable:
    def __init__(self, repos: Iterable[RepoActivity], policy: LinkPolicy = direct):
        self._policy = policy
        self._links: dict[tuple[str, str, str], tuple[str, str]] = {}
        for repo in repos:
            for citable in CITABLE:
                for item in citable.collected(repo):
                    kind, key = item.ref.split(":", 1)
                    self._links[(repo.repo, kind, key)] = (citable.label(key), item.url)

    def entries(self) -> list[tuple[str, str, str, str]]:
        """Every collected object as (repo, kind, key, url); commit keys are 7-char SHAs."""
        return [(repo, kind, key, url) for (repo, kind, key), (_, url) in self._links.items()]

    def resolve(self, ref: str, repo: str | None = None) -> tuple[str, str, str] | None:
        """`pr:12` (in `repo`) or `owner/name#pr:12` -> (kind, label, url); None if unknown."""
        match = _REF.match(ref.strip())
        if not match:
            return None
        owner_repo = match["repo"] or repo
        kind = match["kind"]
        key = CITABLE_BY_PREFIX[kind].normal(match["key"])
        found = self._links.get((owner_repo or "", kind, key))
        if not found:
            return None
        label, url = found
        return kind, label, self._policy(url)
