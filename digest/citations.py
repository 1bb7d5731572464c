"""Citations to links: shared by summarize (grounding) and render (links).

Summaries cite collected objects by id (their `.ref`); only this table, derived once from
an Activity, makes URLs, so a link in a report always points at something collected."""

from __future__ import annotations

import re
from collections.abc import Iterable

from digest.models import RepoActivity

_REF = re.compile(r"^(?:(?P<repo>[\w.-]+/[\w.-]+)#)?(?P<kind>pr|commit|issue|release):(?P<key>.+)$")


class LinkTable:
    def __init__(self, repos: Iterable[RepoActivity]):
        self._links: dict[tuple[str, str, str], tuple[str, str]] = {}
        for repo in repos:
            for pr in repo.pulls:
                self._add(repo.repo, pr.ref, f"#{pr.number}", pr.url)
            for issue in repo.issues:
                self._add(repo.repo, issue.ref, f"#{issue.number}", issue.url)
            for commit in repo.commits:
                self._add(repo.repo, commit.ref, commit.short_sha, commit.url)
            for release in repo.releases:
                self._add(repo.repo, release.ref, release.tag, release.url)

    def _add(self, repo: str, ref: str, label: str, url: str) -> None:
        kind, key = ref.split(":", 1)
        self._links[(repo, kind, key)] = (label, url)

    def entries(self) -> list[tuple[str, str, str, str]]:
        """Every collected object as (repo, kind, key, url); commit keys are 7-char SHAs."""
        return [(repo, kind, key, url) for (repo, kind, key), (_, url) in self._links.items()]

    def resolve(self, ref: str, repo: str | None = None) -> tuple[str, str, str] | None:
        """`pr:12` (in `repo`) or `owner/name#pr:12` -> (kind, label, url); None if unknown."""
        match = _REF.match(ref.strip())
        if not match:
            return None
        owner_repo = match["repo"] or repo
        kind, key = match["kind"], match["key"].strip()
        if kind == "commit":
            key = key[:7].lower()
        elif kind in {"pr", "issue"}:
            key = key.lstrip("#")
        found = self._links.get((owner_repo or "", kind, key))
        return (kind, *found) if found else None
