"""The record: every item of a repository's window, linked and grouped, as view entries.

Built from the collected activity alone, never from a summary, and never cut: whatever a
model answered, every item of every kind (digest/kinds.py) is here, a group per kind in the
table's order, then the followed items the window holds no entry for (followups.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from digest import kinds
from digest.kinds import KINDS, ByKind
from digest.locales import Locale
from digest.models import Commit, Followup, Issue, PullRequest, Release, RepoActivity
from digest.render.followups import Entries, Followed
from digest.render.view import Entry, Group, Link

# How each kind's group is made: its items -> the group's entries (a group may fold many
# items into one entry, as nightly builds and automated changes are).
_ENTRIES: ByKind[Entries] = ByKind("record entries")


def record_refs(repo: RepoActivity) -> set[str]:
    """The refs of every item the record lists (automated changes included)."""
    return {item.ref for kind in KINDS for item in kind.select(repo)}


def record(repo: RepoActivity, loc: Locale, followed: Sequence[Followup] = ()) -> tuple[Group, ...]:
    """The groups of the record; `followed`: what became of the items earlier reports told."""
    known = Followed(repo, followed)
    groups = [
        Group(loc[kind.heading], tuple(known.entries(kind, kind.select(repo), _ENTRIES[kind], loc)))
        for kind in KINDS
    ]
    groups.append(Group(loc["record_followed"], tuple(known.left(loc))))
    return tuple(g for g in groups if g.entries)


def followed_group(
    repo: RepoActivity, followed: Sequence[Followup], loc: Locale
) -> tuple[Group, ...]:
    """The record's group of followed items alone: for a repository with nothing else in
    the window."""
    entries = Followed(repo, followed).left(loc)
    return (Group(loc["record_followed"], tuple(entries)),) if entries else ()


def _by(author: str | None, loc: Locale) -> tuple[str, ...]:
    return (loc.format("record_by", author=author),) if author else ()


@_ENTRIES.register(kinds.RELEASES)
def _releases(releases: list[Release], loc: Locale) -> list[Entry]:
    entries = [
        Entry(
            (Link(r.tag, r.url),),
            r.name if r.name and r.name != r.tag else "",
            ((loc["record_prerelease"],) if r.prerelease else ()) + _by(r.author, loc),
            ref=r.ref,
        )
        for r in releases
        if not r.nightly
    ]
    nightly = tuple(Link(r.tag, r.url) for r in releases if r.nightly)
    if nightly:
        entries.append(Entry(nightly, lead=loc["record_nightly"]))
    return entries


@_ENTRIES.register(kinds.MERGED_PULLS, kinds.OPENED_PULLS)
def _pulls(pulls: list[PullRequest], loc: Locale) -> list[Entry]:
    return [
        Entry(
            (Link(f"#{p.number}", p.url),),
            p.title,
            _by(p.author, loc) + ((loc["record_draft"],) if p.draft else ()),
            ref=p.ref,
        )
        for p in pulls
    ]


@_ENTRIES.register(kinds.DIRECT_COMMITS)
def _commits(commits: list[Commit], loc: Locale) -> list[Entry]:
    return [
        Entry(
            (Link(c.short_sha, c.url, code=True),),
            c.title,
            _by(c.author_login or c.author_name or None, loc),
            ref=c.ref,
        )
        for c in commits
    ]


@_ENTRIES.register(kinds.OPENED_ISSUES, kinds.CLOSED_ISSUES)
def _issues(issues: list[Issue], loc: Locale) -> list[Entry]:
    entries = []
    for i in issues:
        facts = _by(i.author, loc)
        facts += (loc.join(i.labels),) if i.labels else ()
        facts += (loc.count("comments", i.comments),) if i.comments else ()
        facts += (loc["record_closed_too"],) if i.opened_in_window and i.closed_in_window else ()
        entries.append(Entry((Link(f"#{i.number}", i.url),), i.title, facts, ref=i.ref))
    return entries


@_ENTRIES.register(kinds.AUTOMATED)
def _automated(changes: list[PullRequest | Commit], loc: Locale) -> list[Entry]:
    if not changes:
        return []
    authors = sorted(
        {(c.author if isinstance(c, PullRequest) else c.author_login) or "?" for c in changes}
    )
    links = tuple(
        Link(f"#{c.number}", c.url)
        if isinstance(c, PullRequest)
        else Link(c.short_sha, c.url, True)
        for c in changes
    )
    count = loc.count("automated", len(changes))
    lead = loc.format("automated_line", count=count, authors=loc.join(authors))
    return [Entry(links, lead=lead)]
