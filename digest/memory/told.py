"""Which items earlier reports told and that are still open after the last of them.

Told: the pull requests opened (by people), the issues reported, and the risks (the refs
of each report's "Risks and what to watch", and the issues the built-in summarizer counts
as risks, `is_risk`); each with the topics of the report that matched it. Done: a pull
request merged or closed, an issue closed, in the window of a later report, or an item a
later report's follow-ups saw merged or closed.

A risk, and an item a topic matched, stays told until it closes, however old (`lasting`): a
report's follow-ups keep each one still open (with the date first told and its topics), so
the next report reads it there even once the report that first told it is older than
`follow-days`. An ordinary item leaves after `follow-days`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Literal

from digest.calendar import Window
from digest.models import Digest, Followup, Issue, PullRequest, RepoActivity

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
        for item in _told_by(digest, date, is_risk):
            if key_of(item) not in done:
                open_items[key_of(item)] = _earliest(open_items.get(key_of(item)), item)
        for k in _done_in(digest):
            done.add(k)
            open_items.pop(k, None)
    return sorted(open_items.values(), key=lambda item: item.first_told)


def told_lasting(past: Mapping[dt.date, Digest], is_risk: IsRisk) -> list[Followup]:
    """Every risk, and every item a topic matched, the digests of `past` told, whatever
    became of it after: the ones each report told itself and the ones its follow-ups kept;
    each once, as first told."""
    found: dict[Key, Followup] = {}
    for date, digest in sorted(past.items()):
        for item in _told_by(digest, date, is_risk):
            if item.lasting:
                found[key_of(item)] = _earliest(found.get(key_of(item)), item)
        for followup in digest.memory.followups if digest.memory else []:
            if followup.lasting:
                found[key_of(followup)] = _earliest(found.get(key_of(followup)), _as_told(followup))
    return sorted(found.values(), key=lambda item: item.first_told)


def _told_by(digest: Digest, date: dt.date, is_risk: IsRisk) -> list[Followup]:
    """What a report told: the items its window opened (with the topics that matched them),
    and the lasting ones its follow-ups kept open (carried with the date first told, however
    old)."""
    risks = risk_refs(digest)
    topics = topics_of(digest)
    told = [
        item
        for repo in digest.activity.repos
        for item in _told(repo, digest.activity.window, date, risks, is_risk, topics)
    ]
    memory = digest.memory.followups if digest.memory else []
    return told + [_as_told(f) for f in memory if f.lasting and not f.resolved]


def topics_of(digest: Digest) -> dict[Key, list[str]]:
    """The pull requests and issues the report's topics matched -> the topics' names."""
    found: dict[Key, list[str]] = {}
    for matches in digest.topics:
        for item in matches.items:
            kind, _, number = item.ref.partition(":")
            if kind in ("pr", "issue"):
                found.setdefault(key(item.repo, kind, int(number)), []).append(matches.name)
    return found


def _done_in(digest: Digest) -> list[Key]:
    """What a report saw merged or closed: in its window, or among its follow-ups."""
    ended = [k for repo in digest.activity.repos for k in _ended(repo, digest.activity.window)]
    memory = digest.memory.followups if digest.memory else []
    return ended + [key_of(f) for f in memory if f.resolved]


def _earliest(known: Followup | None, item: Followup) -> Followup:
    """One item told twice: as first told, a risk if either telling made it one, under the
    topics of both."""
    if known is None:
        return item
    first, then = (known, item) if known.first_told <= item.first_told else (item, known)
    topics = list(dict.fromkeys([*first.topics, *then.topics]))
    return first.updated(risk=known.risk or item.risk, topics=topics)


def _as_told(followup: Followup) -> Followup:
    """A follow-up as the item it follows, before anything became of it."""
    f = followup
    return Followup(
        repo=f.repo,
        kind=f.kind,
        number=f.number,
        title=f.title,
        url=f.url,
        node_id=f.node_id,
        first_told=f.first_told,
        risk=f.risk,
        topics=f.topics,
    )


def risk_refs(digest: Digest) -> set[Key]:
    """The pull requests and issues a report told among its risks."""
    found = set()
    for item in digest.overall.risks:
        for ref in item.refs:
            if match := _QUALIFIED.match(ref.strip()):
                found.add(key(match["repo"], match["kind"], int(match["number"])))
    return found


def _told(
    repo: RepoActivity,
    window: Window,
    date: dt.date,
    risks: set[Key],
    is_risk: IsRisk,
    topics: Mapping[Key, list[str]],
) -> list[Followup]:
    told: list[Followup] = []
    for pull in repo.pulls:
        if pull.opened_in_window and not pull.automated and not _pull_ended(pull, window):
            k = key(repo.repo, "pr", pull.number)
            told.append(_followup(repo.repo, "pr", pull, date, k in risks, topics.get(k, [])))
    for issue in repo.issues:
        if issue.opened_in_window and not issue.closed_in_window:
            k = key(repo.repo, "issue", issue.number)
            risk = k in risks or is_risk(issue)
            told.append(_followup(repo.repo, "issue", issue, date, risk, topics.get(k, [])))
    return told


def _followup(
    repo: str,
    kind: Literal["pr", "issue"],
    item: PullRequest | Issue,
    date: dt.date,
    risk: bool,
    topics: list[str],
) -> Followup:
    return Followup(
        repo=repo,
        kind=kind,
        number=item.number,
        title=item.title,
        url=item.url,
        node_id=item.node_id,
        first_told=date,
        risk=risk,
        topics=topics,
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
