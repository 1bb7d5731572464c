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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from digest.calendar import Window
from digest.collect import parse
from digest.collect.queries import document
from digest.errors import InputError
from digest.github import GitHubAPI
from digest.github.paging import Ladder, Shape, ladder_shapes, paginate
from digest.models import Discovery, QuietGroup

log = logging.getLogger(__name__)

SEARCH_LIMIT = 1000  # GitHub returns at most this many results of a search
SEARCH_SOURCE = "search"
# Repositories per page of an owner's list or a search, then shorter after GitHub stopped one.
PAGE_SIZES = (100, 50, 25, 10)
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


@dataclass
class _Listing:
    """An owner's repositories, or a search's results, read page by page."""

    document: str
    variables: dict[str, Any]  # the document's, but for `after` and `pageSize`
    read: Callable[[dict[str, Any], _Listing], None]  # takes in one page's data
    after: str | None = None
    more: bool = True  # a page is left to ask
    active: list[str] = field(default_factory=list)  # pushed since the window began
    total: int = 0  # how many there are in all
    count: int = 0  # a search's active ones, as GitHub counts them


def _read_all(api: GitHubAPI, listing: _Listing) -> _Listing:
    """Every page of `listing`. An owner with many large repositories can make a page heavier
    than GitHub finishes: the page is then asked again shorter."""

    def ask(chunk: Sequence[_Listing], shape: Shape) -> None:
        (one,) = chunk
        variables = {**one.variables, "after": one.after, "pageSize": shape.page}
        data, _ = api.graphql(document(one.document), variables)
        one.read(data, one)

    ladder = Ladder(listing.document, ladder_shapes((1,), PAGE_SIZES))
    for outcome in paginate(ladder, [listing], ask, lambda one: one.more):
        if outcome.failure:  # stopped even at the shortest page: the run cannot follow it
            raise outcome.failure
    return listing


def _owner(api: GitHubAPI, login: str, window: Window) -> tuple[list[str], int]:
    """An owner's public, non-fork, non-archived repositories pushed since the window
    began, and how many it has in all."""

    def read(data: dict[str, Any], listing: _Listing) -> None:
        owner = data.get("repositoryOwner")
        if owner is None:
            raise InputError("orgs", _NOT_AN_OWNER.format(login=login))
        connection = owner["repositories"]
        recent = [n for n in connection["nodes"] if _pushed_since(n, window)]
        listing.active += [n["nameWithOwner"] for n in recent]
        listing.total = connection["totalCount"]
        page = connection["pageInfo"]
        # Most recently pushed first: after the first quiet one, every other is quiet too.
        listing.more = page["hasNextPage"] and len(recent) == len(connection["nodes"])
        listing.after = page["endCursor"]

    listing = _read_all(api, _Listing("discover", {"login": login}, read))
    return listing.active, listing.total


def _search(api: GitHubAPI, query: str, window: Window) -> tuple[list[str], int, int]:
    """Repositories the query finds that were pushed since the window began, how many it
    finds in all, and (when GitHub caps it) how many active ones it would have found."""

    def read(data: dict[str, Any], listing: _Listing) -> None:
        if data.get("total"):
            listing.total = data["total"]["repositoryCount"]
        result = data["active"]
        listing.active += [
            n["nameWithOwner"]
            for n in result["nodes"]
            if n and not n.get("isFork") and not n.get("isArchived") and _pushed_since(n, window)
        ]
        listing.variables["withTotal"] = not listing.active  # until one page held some
        listing.count = result["repositoryCount"]
        listing.more = result["pageInfo"]["hasNextPage"]
        listing.after = result["pageInfo"]["endCursor"]

    since = window.since.date().isoformat()
    base = f"{query} fork:false archived:false"
    variables = {"all": base, "active": f"{base} pushed:>={since}", "withTotal": True}
    listing = _read_all(api, _Listing("search", variables, read))
    total = max(listing.total, listing.count)
    return listing.active, total, listing.count if listing.count > SEARCH_LIMIT else 0


def _pushed_since(node: dict[str, Any], window: Window) -> bool:
    pushed = parse.timestamp(node.get("pushedAt"))
    return pushed is not None and pushed >= window.since
