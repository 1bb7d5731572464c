"""What became of items earlier reports told, as the report says it (memory in the view).

In the record: a followed pull request merged in this window says after how long, and the
date it was first told; an issue closed by a pull request merged in this window is told on
that pull request's line, both linked (and not again among the closed issues); followed
items this window's collection does not hold (a pull request closed without merging, an
issue closed) get a group of their own, linked as GitHub returned them. An item a topic
matched is followed until it merges or closes, and says under which topic it was first
seen. Under the risks:
each risk still open, with the date first told and its age, and one line for each resolved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from digest import kinds
from digest.kinds import ItemKind
from digest.locales import Locale
from digest.models import GONE, Digest, Followup, Issue, PullRequest, RepoActivity, qualified
from digest.render.view import Closes, Entry, Fact, Link, Point

# Kinds whose entries are one per item, where an item's entry can carry what became of it.
_PER_ITEM = {k.name for k in (kinds.MERGED_PULLS, kinds.OPENED_PULLS, kinds.AUTOMATED)}
_PER_ITEM |= {k.name for k in (kinds.OPENED_ISSUES, kinds.CLOSED_ISSUES)}

Entries = Callable[[list[Any], Locale], list[Entry]]


class Followed:
    """One repository's followed items and the issues its merges closed, for its record."""

    def __init__(self, repo: RepoActivity, followed: Sequence[Followup]):
        self.followed = {f.ref: f for f in followed}
        merged = [p for p in repo.pulls if p.merged_in_window]
        self.closer = {n: p.number for p in merged for n in p.closes}
        for f in followed:
            if f.kind == "issue" and f.closed_by is not None:
                self.closer.setdefault(f.number, f.closed_by)
        self.issues = {i.number: i for i in repo.issues if i.closed_in_window}
        self.collected = {p.ref for p in repo.pulls} | {i.ref for i in repo.issues}

    def entries(
        self, kind: ItemKind[Any], items: list[Any], make: Entries, loc: Locale
    ) -> list[Entry]:
        """A kind's record entries, each followed item's saying what became of it."""
        if kind.name not in _PER_ITEM or not (self.followed or self.closer):
            return make(items, loc)
        found = []
        for item in items:
            if isinstance(item, Issue) and item.closed_in_window and item.number in self.closer:
                continue  # told on the entry of the pull request that closed it
            facts = self._facts(item, loc)
            found += [replace(entry, facts=entry.facts + facts) for entry in make([item], loc)]
        return found

    def _facts(self, item: PullRequest | Issue, loc: Locale) -> tuple[Fact, ...]:
        facts: list[Fact] = []
        if (followed := self.followed.get(item.ref)) and followed.resolved:
            facts.append(fate(followed, loc))
        if isinstance(item, PullRequest) and item.merged_in_window:
            facts += [self._closes(n, loc) for n, by in self.closer.items() if by == item.number]
        return tuple(facts)

    def _closes(self, number: int, loc: Locale) -> Closes:
        """`closes #45 Crash on long prompts`, and what became of it if it was followed."""
        followed = self.followed.get(f"issue:{number}")
        issue = self.issues.get(number)
        url = issue.url if issue else followed.url if followed else None
        title = issue.title if issue else followed.title if followed else ""
        told = ""
        if followed:
            told = _told("followed_told", followed, loc)
        return Closes(number, url, title, told)

    def left(self, loc: Locale) -> list[Entry]:
        """Followed items merged or closed in this window that the record has no entry for."""
        return [
            Entry((Link(f"#{f.number}", f.url),), f.title, (fate(f, loc),), ref=f.ref)
            for f in self.followed.values()
            if f.resolved and f.ref not in self.collected and not self._on_a_merge(f)
        ]

    def _on_a_merge(self, followed: Followup) -> bool:
        return followed.kind == "issue" and followed.number in self.closer


def age(followed: Followup, loc: Locale) -> str:
    return loc.count("age_days", followed.age)


def fate(followed: Followup, loc: Locale) -> str:
    """`merged after 2 days, opened 2026-02-04`, `closed as not planned after …`; what a
    topic had followed says under which topic it was first seen (`merged after 12 days,
    first seen under FP4 / FP8 on 2026-02-03`)."""
    if followed.state_reason == GONE:
        key = "followed_gone"
    elif followed.kind == "pr":
        key = "followed_merged" if followed.state == "merged" else "followed_closed_pull"
    else:
        key = {"NOT_PLANNED": "followed_not_planned", "DUPLICATE": "followed_duplicate"}.get(
            followed.state_reason or "", "followed_closed"
        )
    return _told(key, followed, loc)


def _told(key: str, followed: Followup, loc: Locale) -> str:
    """The locale's `key` for `followed`, or its `_topic` form when a topic followed it."""
    if followed.topics:
        topics = loc.join(followed.topics)
        return loc.format(
            f"{key}_topic", age=age(followed, loc), date=followed.first_told, topics=topics
        )
    return loc.format(key, age=age(followed, loc), date=followed.first_told)


def recalled(digest: Digest) -> list[Followup]:
    """The risks earlier reports told that this report tells again: each still open, and
    each closed in its window. One today's risks cite already is left to them."""
    if digest.memory is None:
        return []
    told_today = {ref for item in digest.overall.risks for ref in item.refs}
    return [
        f for f in digest.memory.followups if f.risk and qualified(f.repo, f.ref) not in told_today
    ]


def earlier_risk(followed: Followup, pulls: dict[tuple[str, int], str], loc: Locale) -> Point:
    """A risk an earlier report told: still open with its first date and age, or resolved
    in this window; linked to the issue (and the pull request that closed it, from `pulls`:
    (repository, number) -> URL of the pull requests collected)."""
    f = followed
    links = [Link(f"#{f.number}", f.url)]
    if f.closed_by is not None and (url := pulls.get((f.repo, f.closed_by))):
        links.append(Link(f"#{f.closed_by}", url))
    if f.resolved:
        key = "risk_gone" if f.state_reason == GONE else "risk_resolved"
        text = loc.format(key, repo=f.repo, title=f.title, how=fate(f, loc))
    else:
        text = loc.format(
            "risk_open", repo=f.repo, title=f.title, date=f.first_told, age=age(f, loc)
        )
    return Point(text, tuple(links), (qualified(f.repo, f.ref),))
