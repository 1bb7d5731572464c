"""Which repositories a digest follows: the listed ones, and those its owners and search find.

Discovery is cheap: an owner's public repositories are listed most recently pushed first,
and paging stops at the first one not pushed since the window began; a search asks only for
repositories pushed since then (and, once, how many match at all). Those with no push are
never collected: they are counted, so the report can say "41 other NVIDIA repositories had
no activity". Forks and archived repositories are skipped unless listed.
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Sequence

from digest.collect import parse
from digest.collect.queries import document
from digest.errors import InputError
from digest.github import GitHubAPI
from digest.models import Discovery, QuietGroup, Window

log = logging.getLogger(__name__)

SEARCH_LIMIT = 1000  # GitHub returns at most this many results of a search
SEARCH_SOURCE = "search"
_NOT_AN_OWNER = (
    "{login!r} is not a GitHub organization or user, or the token cannot see it: check the "
    "name (orgs takes owners such as NVIDIA or deepseek-ai)"
)


def discover(
    api: GitHubAPI,
    window: Window,
    *,
    listed: Sequence[str],
    orgs: Sequence[str],
    search: str | None,
    exclude: Sequence[str],
) -> Discovery:
    """The repositories to collect, in order: the listed ones as given, then the active
    ones found (by name); and how many found ones were quiet, per owner or search."""
    taken = {name.lower() for name in listed}
    found: dict[str, str] = {}  # name -> where it was found
    quiet: list[QuietGroup] = []
    notes: list[str] = []
    for login in orgs:
        active, total = _owner(api, login, window)
        kept = _keep(active, exclude, taken | {n.lower() for n in found})
        found.update(dict.fromkeys(kept, login))
        quiet.append(QuietGroup(source=login, count=max(0, total - len(active))))
    if search:
        active, total, capped = _search(api, search, window)
        kept = _keep(active, exclude, taken | {n.lower() for n in found})
        found.update(dict.fromkeys(kept, SEARCH_SOURCE))
        quiet.append(QuietGroup(source=SEARCH_SOURCE, count=max(0, total - len(active))))
        if capped:
            notes.append(
                f"the search matched {capped} repositories pushed since the window began; "
                f"GitHub returns the first {SEARCH_LIMIT}, and only those were followed"
            )
    if orgs or search:
        log.info(
            "discovered %d active repositories (%s quiet)",
            len(found),
            ", ".join(f"{g.source}: {g.count}" for g in quiet),
        )
    ordered = sorted(found, key=str.lower)
    return Discovery(
        repos=[*listed, *ordered],
        sources={name: found[name] for name in ordered},
        quiet=[g for g in quiet if g.count],
        notes=notes,
    )


def _keep(names: list[str], exclude: Sequence[str], taken: set[str]) -> list[str]:
    patterns = [p.lower() for p in exclude]
    return [
        name
        for name in names
        if name.lower() not in taken
        and not any(fnmatch.fnmatchcase(name.lower(), p) for p in patterns)
    ]


def _owner(api: GitHubAPI, login: str, window: Window) -> tuple[list[str], int]:
    """An owner's public, non-fork, non-archived repositories pushed since the window
    began, and how many it has in all."""
    active: list[str] = []
    after = None
    while True:
        data, _ = api.graphql(document("discover"), {"login": login, "after": after})
        owner = data.get("repositoryOwner")
        if owner is None:
            raise InputError("orgs", _NOT_AN_OWNER.format(login=login))
        connection = owner["repositories"]
        recent = [n for n in connection["nodes"] if _pushed_since(n, window)]
        active += [n["nameWithOwner"] for n in recent]
        page = connection["pageInfo"]
        if not page["hasNextPage"] or len(recent) < len(connection["nodes"]):
            return active, connection["totalCount"]
        after = page["endCursor"]


def _search(api: GitHubAPI, query: str, window: Window) -> tuple[list[str], int, int]:
    """Repositories the query finds that were pushed since the window began, how many it
    finds in all, and (when GitHub caps it) how many active ones it would have found."""
    since = window.since.date().isoformat()
    base = f"{query} fork:false archived:false"
    variables = {"all": base, "active": f"{base} pushed:>={since}", "after": None}
    active: list[str] = []
    total = 0
    while True:
        data, _ = api.graphql(document("search"), {**variables, "withTotal": not active})
        if data.get("total"):
            total = data["total"]["repositoryCount"]
        result = data["active"]
        active += [
            n["nameWithOwner"]
            for n in result["nodes"]
            if n and not n.get("isFork") and not n.get("isArchived") and _pushed_since(n, window)
        ]
        page = result["pageInfo"]
        if not page["hasNextPage"]:
            count = result["repositoryCount"]
            return active, max(total, count), count if count > SEARCH_LIMIT else 0
        variables["after"] = page["endCursor"]


def _pushed_since(node: dict, window: Window) -> bool:
    pushed = parse.timestamp(node.get("pushedAt"))
    return pushed is not None and pushed >= window.since
