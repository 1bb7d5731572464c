"""What became of items earlier reports told, as the report's lines say it.

In the record: a followed pull request merged in this window says after how long, and the
date it was first told; an issue closed by a pull request merged in this window is told on
that pull request's line, both linked (and not again among the closed issues); followed
items this window's collection does not hold (a pull request closed without merging, an
issue closed) get a group of their own, linked as GitHub returned them. Under the risks:
each risk still open, with the date first told and its age, and one line for each resolved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from digest import kinds
from digest.kinds import ItemKind
from digest.locales import Locale
from digest.models import Digest, Followup, Issue, PullRequest, RepoActivity, qualified
from digest.render import markdown as md

_SEP = " · "
# Kinds whose lines are one per item, where an item's line can carry what became of it.
_PER_ITEM = {k.name for k in (kinds.MERGED_PULLS, kinds.OPENED_PULLS, kinds.AUTOMATED)}
_PER_ITEM |= {k.name for k in (kinds.OPENED_ISSUES, kinds.CLOSED_ISSUES)}

Lines = Callable[[list[Any], Locale], list[str]]


class Told:
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

    def lines(self, kind: ItemKind[Any], items: list[Any], make: Lines, loc: Locale) -> list[str]:
        """A kind's record lines, each followed item's saying what became of it."""
        if kind.name not in _PER_ITEM or not (self.followed or self.closer):
            return make(items, loc)
        lines = []
        for item in items:
            if isinstance(item, Issue) and item.closed_in_window and item.number in self.closer:
                continue  # told on the line of the pull request that closed it
            facts = self._facts(item, loc)
            lines += [line + facts for line in make([item], loc)]
        return lines

    def _facts(self, item: PullRequest | Issue, loc: Locale) -> str:
        facts = []
        if (followed := self.followed.get(item.ref)) and followed.resolved:
            facts.append(md.inline(fate(followed, loc)))
        if isinstance(item, PullRequest) and item.merged_in_window:
            facts += [self._closes(n, loc) for n, by in self.closer.items() if by == item.number]
        return "".join(f"{_SEP}{fact}" for fact in facts)

    def _closes(self, number: int, loc: Locale) -> str:
        """`closes #45 Crash on long prompts`, and what became of it if it was followed."""
        followed = self.followed.get(f"issue:{number}")
        issue = self.issues.get(number)
        url = issue.url if issue else followed.url if followed else None
        title = issue.title if issue else followed.title if followed else ""
        link = md.link(f"#{number}", url) if url else md.inline(f"#{number}")
        text = loc.format("record_closes", link=link, title=md.inline(title))
        if followed:
            told = loc.format("followed_told", date=followed.first_told, age=age(followed, loc))
            text = loc.paren(text, md.inline(told))
        return text

    def left(self, loc: Locale) -> list[str]:
        """Followed items merged or closed in this window that the record has no line for."""
        return [
            md.link(f"#{f.number}", f.url)
            + f" {md.inline(f.title)}"
            + f"{_SEP}{md.inline(fate(f, loc))}"
            for f in self.followed.values()
            if f.resolved and f.ref not in self.collected and not self._on_a_merge(f)
        ]

    def _on_a_merge(self, followed: Followup) -> bool:
        return followed.kind == "issue" and followed.number in self.closer


def age(followed: Followup, loc: Locale) -> str:
    return loc.count("age_days", followed.age)


def fate(followed: Followup, loc: Locale) -> str:
    """`merged after 2 days, opened 2026-02-04`, `closed as not planned after …`."""
    if followed.kind == "pr":
        key = "followed_merged" if followed.state == "merged" else "followed_closed_pull"
    else:
        key = {"NOT_PLANNED": "followed_not_planned", "DUPLICATE": "followed_duplicate"}.get(
            followed.state_reason or "", "followed_closed"
        )
    return loc.format(key, age=age(followed, loc), date=followed.first_told)


class EarlierRisk(NamedTuple):
    """A risk an earlier report told, as this report words it: plain text, and the links
    (label, url) to the issue and to the pull request that closed it."""

    text: str
    links: list[tuple[str, str]]


def earlier_risks(digest: Digest, loc: Locale) -> list[EarlierRisk]:
    """Risks earlier reports told: each still open with its first date and age, each closed
    in this window with one "resolved" line. One today's risks cite already is left to them.
    The report and the site each format these."""
    if digest.memory is None:
        return []
    told_today = {ref for item in digest.overall.risks for ref in item.refs}
    pulls = {(r.repo, p.number): p.url for r in digest.activity.repos for p in r.pulls}
    found = []
    for f in digest.memory.followups:
        if not f.risk or qualified(f.repo, f.ref) in told_today:
            continue
        links = [(f"#{f.number}", f.url)]
        if f.closed_by is not None and (url := pulls.get((f.repo, f.closed_by))):
            links.append((f"#{f.closed_by}", url))
        if f.resolved:
            text = loc.format("risk_resolved", repo=f.repo, title=f.title, how=fate(f, loc))
        else:
            text = loc.format(
                "risk_open", repo=f.repo, title=f.title, date=f.first_told, age=age(f, loc)
            )
        found.append(EarlierRisk(text, links))
    return found


def risk_lines(digest: Digest, loc: Locale) -> list[str]:
    """The earlier risks as the report's Markdown lines."""
    return [
        loc.paren(md.inline(risk.text), loc.join([md.link(*link) for link in risk.links]))
        for risk in earlier_risks(digest, loc)
    ]


def followed_group(repo: RepoActivity, followed: Sequence[Followup], loc: Locale) -> str:
    """The record's group of followed items alone: for a repository with nothing else in
    the window."""
    lines = Told(repo, followed).left(loc)
    if not lines:
        return ""
    return f"**{md.inline(loc['record_followed'])}**\n\n" + "\n".join(f"- {x}" for x in lines)
