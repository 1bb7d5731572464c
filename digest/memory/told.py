"""Which items earlier reports told and that are still open after the last of them.

Told: the pull requests opened (by people), the issues reported, and the risks (the refs
of each report's "Risks and what to watch", and the issues the built-in summarizer counts
as risks, `is_risk`). Done: a pull request merged or closed, an issue closed, in the window
of a later report, or an item a later report's follow-ups saw merged or closed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping

from digest.models import Digest, Followup, Issue, PullRequest, RepoActivity, Window

Key = tuple[str, str, int]  # (repository in lower case, "pr" or "issue", number)
IsRisk = Callable[[Issue], bool]

_QUALIFIED = re.compile(r"^(?P<repo>[\w.-]+/[\w.-]+)#(?P<kind>pr|issue):#?(?P<number>\d+)$")


def key(repo: str, kind: str, number: int) -> Key:
    return (repo.lower(), kind, number)


def key_of(item: Followup) -> Key:
    return key(item.repo, item.kind, item.number)


def told_items(past: Mapping[dt.date, Digest], is_risk: IsRisk) -> list[Followup]:
    """Items told by the digests of `past` and still open after the last of them, in the
    order first told (each with the date of the first report that told it)."""
    open_items: dict[Key, Followup] = {}
    done: set[Key] = set()
    for date, digest in sorted(past.items()):
        risks = risk_refs(digest)
        for repo in digest.activity.repos:
            for item in _told(repo, digest.activity.window, date, risks, is_risk):
                k = key_of(item)
                if k in open_items:  # told again: a risk now, perhaps
                    if item.risk and not open_items[k].risk:
                        open_items[k] = open_items[k].model_copy(update={"risk": True})
                elif k not in done:
                    open_items[k] = item
            for k in _ended(repo, digest.activity.window):
                done.add(k)
                open_items.pop(k, None)
        for followup in digest.memory.followups if digest.memory else []:
            if followup.resolved:
                done.add(key_of(followup))
                open_items.pop(key_of(followup), None)
    return list(open_items.values())


def risk_refs(digest: Digest) -> set[Key]:
    """The pull requests and issues a report told among its risks."""
    found = set()
    for item in digest.overall.risks:
        for ref in item.refs:
            if match := _QUALIFIED.match(ref.strip()):
                found.add(key(match["repo"], match["kind"], int(match["number"])))
    return found


def _told(
    repo: RepoActivity, window: Window, date: dt.date, risks: set[Key], is_risk: IsRisk
) -> list[Followup]:
    told: list[Followup] = []
    for pull in repo.pulls:
        if pull.opened_in_window and not pull.automated and not _pull_ended(pull, window):
            risk = key(repo.repo, "pr", pull.number) in risks
            told.append(_followup(repo.repo, "pr", pull, date, risk))
    for issue in repo.issues:
        if issue.opened_in_window and not issue.closed_in_window:
            risk = key(repo.repo, "issue", issue.number) in risks or is_risk(issue)
            told.append(_followup(repo.repo, "issue", issue, date, risk))
    return told


def _followup(
    repo: str, kind: str, item: PullRequest | Issue, date: dt.date, risk: bool
) -> Followup:
    return Followup.model_validate(
        {
            "repo": repo,
            "kind": kind,
            "number": item.number,
            "title": item.title,
            "url": item.url,
            "node_id": item.node_id,
            "first_told": date,
            "risk": risk,
        }
    )


def _pull_ended(pull: PullRequest, window: Window) -> bool:
    """Merged or closed without merging in the report's window (sidecars before version 3
    kept no `closed_at`: closed by the time it was collected). One closed after the window
    is followed on: the next report's window holds its close."""
    closed = pull.state == "closed" and (pull.closed_at is None or window.contains(pull.closed_at))
    return pull.merged_in_window or window.contains(pull.merged_at) or closed


def _ended(repo: RepoActivity, window: Window) -> list[Key]:
    """What a report's window saw merged or closed: done, not followed further."""
    ended = [key(repo.repo, "pr", p.number) for p in repo.pulls if _pull_ended(p, window)]
    ended += [key(repo.repo, "issue", i.number) for i in repo.issues if i.closed_in_window]
    return ended
