"""What became of the items earlier reports told: their state now, at most 100 per query.

Items are asked by GitHub's node id (`nodes(ids: [...])`), which sidecars keep from version
3 on; items from older sidecars by repository and number, in aliases of the same query. A
query holds no connection, so each costs 1 point whatever it holds. Queries go through a
`Ladder` like every collection query: one GitHub stops is asked again with fewer items.
Only items whose fate this window's collection did not show are asked (digest/memory/
decides which); none asked, no request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, TypedDict

from digest.collect.queries import with_fragments
from digest.github import GitHubAPI, QueryTooHeavy, failures
from digest.github.paging import Ladder, ladder_shapes
from digest.models import GONE, Followup

log = logging.getLogger(__name__)

# Items per query, then fewer after GitHub stopped one (100 is GitHub's limit for `nodes`).
BATCHES = (100, 50, 25, 10)


class FollowedNode(TypedDict, total=False):
    """FollowedPull or FollowedIssue (follow.graphql); empty for another type of node."""

    id: str
    number: int
    title: str
    url: str
    state: str  # a pull request's PullRequestState: OPEN, CLOSED, MERGED
    merged: bool
    issueState: str  # an issue's IssueState: OPEN, CLOSED
    mergedAt: str | None
    closedAt: str | None
    stateReason: str | None  # issues only


_SPREADS = (
    "... on PullRequest {",
    "  ...FollowedPull",
    "}",
    "... on Issue {",
    "  ...FollowedIssue",
    "}",
)


def _spreads(indent: str) -> str:
    return "".join(f"{indent}{line}\n" for line in _SPREADS)


def follow_query(ids: int, numbers: int) -> str:
    """One query for `ids` items by node id (variable `ids`) and `numbers` items by
    repository and number (variables ownerI, nameI, numberI; aliases followI)."""
    params = "  $ids: [ID!]!\n" if ids else ""
    params += "".join(
        f"  $owner{i}: String!\n  $name{i}: String!\n  $number{i}: Int!\n" for i in range(numbers)
    )
    fields = f"  nodes(ids: $ids) {{\n{_spreads('    ')}  }}\n" if ids else ""
    fields += "".join(
        f"  follow{i}: repository(owner: $owner{i}, name: $name{i}) {{\n"
        f"    issueOrPullRequest(number: $number{i}) {{\n{_spreads('      ')}    }}\n  }}\n"
        for i in range(numbers)
    )
    rate = "  rateLimit {\n    ...RateFields\n  }\n"
    return with_fragments(f"query Followed(\n{params}) {{\n{rate}{fields}}}\n")


def follow_up(
    api: GitHubAPI,
    items: Sequence[Followup],
    *,
    pause: Callable[[int], float] | None = None,
    sleep: Callable[[float], None] | None = None,
) -> list[Followup]:
    """The items GitHub answered for, with their state now (title and link as GitHub gives
    them). An item GitHub says it no longer has (NOT_FOUND: deleted, or moved where the token
    cannot read it) is closed as GONE: followed no more, and said so once. One it did not
    answer for is left out: it stays as the earlier report told it."""
    if not items:
        return []
    ladder = Ladder("followed items", ladder_shapes(BATCHES, (1,)), pause=pause, sleep=sleep)
    found: list[Followup] = []
    for outcome in ladder.run(list(items), lambda chunk, _shape: _ask(api, chunk)):
        found += outcome.result or []
    return found


def _ask(api: GitHubAPI, chunk: Sequence[Followup]) -> list[Followup]:
    by_id = [item for item in chunk if item.node_id]
    by_number = [item for item in chunk if not item.node_id]
    variables: dict[str, Any] = {"ids": [item.node_id for item in by_id]} if by_id else {}
    for i, item in enumerate(by_number):
        owner, name = item.repo.split("/")
        variables |= {f"owner{i}": owner, f"name{i}": name, f"number{i}": item.number}
    try:
        data, errors = api.graphql(follow_query(len(by_id), len(by_number)), variables)
    except QueryTooHeavy:
        raise  # the ladder asks again with fewer items
    except failures.ERRORS as exc:  # those items stay as told; the report is still written
        log.warning("the state of %d followed items could not be read: %s", len(chunk), exc)
        return []
    gone: set[int] = set()  # positions in [*by_id, *by_number]
    for error in errors:
        log.info("a followed item was not read: %s", error.get("message"))
        if error.get("type") == "NOT_FOUND" and (at := _position(error, len(by_id))) is not None:
            gone.add(at)
    answers: list[FollowedNode | None] = list(data.get("nodes") or [])
    answers += [
        (data.get(f"follow{i}") or {}).get("issueOrPullRequest") for i in range(len(by_number))
    ]
    asked = [*by_id, *by_number]
    found = [
        _updated(item, node)
        for item, node in zip(asked, answers, strict=False)
        if node and node.get("number") == item.number
    ]
    return found + [_gone(asked[at]) for at in sorted(gone) if at < len(asked)]


def _position(error: dict[str, Any], ids: int) -> int | None:
    """Which item an error is about, from its path: `["nodes", 3]` (by id), or
    `["follow2", ...]` (by number, after the ids)."""
    path = error.get("path") or []
    if len(path) >= 2 and path[0] == "nodes" and isinstance(path[1], int):
        return int(path[1])
    if path and isinstance(path[0], str) and path[0].startswith("follow"):
        number = path[0].removeprefix("follow")
        return ids + int(number) if number.isdigit() else None
    return None


def _gone(item: Followup) -> Followup:
    """An item GitHub no longer has: not open any more, as far as anyone can read."""
    return item.updated(state="closed", state_reason=GONE, closed_at=None)


def _updated(item: Followup, node: FollowedNode) -> Followup:
    merged = bool(node.get("merged")) or node.get("state") == "MERGED"
    closed = merged or "CLOSED" in (node.get("state"), node.get("issueState"))
    when = node.get("mergedAt") if merged else node.get("closedAt")
    return item.updated(
        title=node.get("title") or item.title,
        url=node.get("url") or item.url,
        node_id=node.get("id") or item.node_id,
        state="merged" if merged else "closed" if closed else "open",
        state_reason=node.get("stateReason") if closed else None,
        closed_at=when if closed else None,  # GitHub's ISO time, parsed as the field says
    )
