"""What became of each told item by the end of this window: from this window's collection
where it shows, else from GitHub (`ask`, one request per 100 items), else as it was told.

GitHub answers with the state now; a report is true as of the end of its window, whenever it
is written (a backfilled day, a rerun, a late run): an item merged or closed after the
window is still open in it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from digest.calendar import Window
from digest.memory.told import Key, key_of
from digest.models import GONE, Activity, Followup, Issue, PullRequest, RepoActivity

Ask = Callable[[Sequence[Followup]], list[Followup]]


def fates(told: list[Followup], activity: Activity, ask: Ask | None) -> list[Followup]:
    """Each told item of a repository this activity covers, as it is now. Only the items
    whose fate the window does not show are asked (none: no request)."""
    repos = {repo.repo.lower(): repo for repo in activity.repos}
    window = activity.window
    followed = [item for item in told if item.repo.lower() in repos]
    shown: dict[Key, Followup] = {}
    for item in followed:
        if seen := _shown(item, repos[item.repo.lower()], window):
            shown[key_of(item)] = seen
    # Asked only where the repository was read: one that could not be (made private, a token
    # that lost access) would answer NOT_FOUND for items that still exist.
    unknown = [
        item for item in followed if key_of(item) not in shown and repos[item.repo.lower()].ok
    ]
    answered = {key_of(a): a for a in (ask(unknown) if ask and unknown else [])}
    now = [shown.get(key_of(i)) or answered.get(key_of(i)) or i for i in followed]
    return [_tied(as_of(item, window), repos[item.repo.lower()]) for item in now]


def as_of(item: Followup, window: Window) -> Followup:
    """The item as it was at the end of `window`: open if it closed after. One GitHub no
    longer has (GONE) has no date: it is told gone in this window, once, and followed no
    more."""
    if item.state_reason == GONE and item.closed_at is None:
        return item.updated(closed_at=window.until - dt.timedelta(seconds=1))
    if item.resolved and item.closed_at is not None and item.closed_at >= window.until:
        return item.updated(state="open", closed_at=None, state_reason=None, closed_by=None)
    return item


def _shown(item: Followup, repo: RepoActivity, window: Window) -> Followup | None:
    if item.kind == "pr":
        pull = next((p for p in repo.pulls if p.number == item.number), None)
        if pull and pull.merged_in_window:
            return _now(item, pull, "merged", pull.merged_at)
        if pull and pull.state == "closed" and window.contains(pull.closed_at):
            return _now(item, pull, "closed", pull.closed_at)
        return None
    issue = next((i for i in repo.issues if i.number == item.number), None)
    if issue and issue.closed_in_window:
        now = _now(item, issue, "closed", issue.closed_at)
        return now.updated(state_reason=issue.state_reason)
    if closer := _closer(item, repo):  # closed by a merge this window collected
        return item.updated(state="closed", closed_at=closer.merged_at, state_reason="COMPLETED")
    return None


def _now(
    item: Followup, collected: PullRequest | Issue, state: str, when: dt.datetime | None
) -> Followup:
    return item.updated(
        state=state,
        closed_at=when,
        collected=True,
        title=collected.title,
        url=collected.url,
        node_id=collected.node_id or item.node_id,
    )


def _closer(item: Followup, repo: RepoActivity) -> PullRequest | None:
    """The pull request merged in this window that closes the issue `item`."""
    if item.kind != "issue":
        return None
    return next((p for p in repo.pulls if p.merged_in_window and item.number in p.closes), None)


def _tied(item: Followup, repo: RepoActivity) -> Followup:
    """A closed issue with the merge of this window that closed it, told on one line."""
    closer = _closer(item, repo) if item.state == "closed" else None
    return item.updated(closed_by=closer.number) if closer else item
