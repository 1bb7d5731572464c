"""A repository across the archive: what its daily reports recorded, day by day.

Nightly builds (`nightly-*`, `.devYYYYMMDD`) are counted apart: a bar and a line for each
of them every day would bury the releases people wait for, as the record folds them too.

Read from the dailies only: a weekly or monthly report is the union of its days, so counting
it too would count each item twice. An item recorded by two reports (overlapping windows, a
rerun under another date) is told once, on the first date that recorded it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from digest import kinds
from digest.kinds import ItemKind
from digest.locales import Locale
from digest.models import Digest, Issue, PullRequest, Release
from digest.render.site.html import Link, link, web_url

T = TypeVar("T")

# What the charts and the timeline follow, in this order.
SERIES: tuple[ItemKind[Any], ...] = (
    kinds.MERGED_PULLS,
    kinds.OPENED_ISSUES,
    kinds.CLOSED_ISSUES,
    kinds.RELEASES,
)


@dataclass(frozen=True)
class Event:
    date: dt.date  # the report's date
    kind: str  # an ItemKind's name
    link: Link
    title: str
    author: str | None
    report: str  # the page of the report that recorded it


@dataclass
class RepoHistory:
    name: str  # as the latest report spells it
    url: str | None
    description: str
    page: str
    events: list[Event] = field(default_factory=list)
    # Per report date: each series' figure (kinds.py counts: every closed issue, ...).
    per_day: dict[dt.date, dict[str, int]] = field(default_factory=dict)
    nightlies: int = 0  # nightly builds across the archive, not in `events` nor the charts

    def total(self, kind: ItemKind[Any]) -> int:
        return sum(day.get(kind.name, 0) for day in self.per_day.values())

    @property
    def releases(self) -> list[Event]:
        return [e for e in self.events if e.kind == kinds.RELEASES.name]


def histories(
    dailies: list[tuple[dt.date, str, Digest]], repo_page: Callable[[str], str]
) -> dict[str, RepoHistory]:
    """Each repository's history, by lowercase name; `dailies` as (date, page, digest)."""
    found: dict[str, RepoHistory] = {}
    seen: set[tuple[str, str]] = set()
    for date, page, digest in sorted(dailies, key=lambda d: d[0]):
        for repo in digest.activity.repos:
            if not repo.ok:
                continue
            key = repo.repo.lower()
            history = found.get(key)
            if history is None:
                history = found[key] = RepoHistory(repo.repo, None, "", repo_page(repo.repo))
            # The latest report names it, links it and describes it.
            history.name, history.url = repo.repo, web_url(repo.url)
            history.description = repo.description or history.description
            # kinds.py counts releases without the nightly builds, as every page does
            history.per_day[date] = {s.name: s.figure(repo) for s in SERIES}
            for kind in SERIES:
                for item in kind.select(repo):
                    if (kind.name, item.url) in seen:
                        continue
                    seen.add((kind.name, item.url))
                    if isinstance(item, Release) and item.nightly:
                        history.nightlies += 1
                        continue
                    history.events.append(_event(date, kind, item, page))
    return found


def _event(date: dt.date, kind: ItemKind[Any], item: Any, page: str) -> Event:
    if isinstance(item, Release):
        label = item.name if item.name and item.name != item.tag else ""
        return Event(date, kind.name, link(item.tag, item.url), label, item.author, page)
    assert isinstance(item, PullRequest | Issue)
    return Event(date, kind.name, link(f"#{item.number}", item.url), item.title, item.author, page)


@dataclass(frozen=True)
class Week:
    key: str  # 2026-W06
    label: str  # 2026-02-02 to 2026-02-08
    counts: str
    groups: list[tuple[str, list[Event]]]  # (heading, events), in SERIES order


def weeks(history: RepoHistory, loc: Locale) -> list[Week]:
    """The timeline by ISO week, the latest first."""
    found = []
    for key, label, events in iso_weeks(history.events, lambda e: e.date, loc):
        groups = [
            (loc[kind.heading], sorted((e for e in events if e.kind == kind.name), key=_order))
            for kind in SERIES
        ]
        groups = [(heading, items) for heading, items in groups if items]
        figures = [(kind.counted, sum(1 for e in events if e.kind == kind.name)) for kind in SERIES]
        found.append(Week(key, label, loc.join(loc.counts(figures)), groups))
    return found


def iso_weeks(
    items: Iterable[T], date: Callable[[T], dt.date], loc: Locale
) -> list[tuple[str, str, list[T]]]:
    """`items` by ISO week, the latest week first: its key (`2026-W06`), its days (`2026-02-02
    to 2026-02-08`) and its items, in their order."""
    by_week: dict[tuple[int, int], list[T]] = {}
    for item in items:
        year, week, _ = date(item).isocalendar()
        by_week.setdefault((year, week), []).append(item)
    found = []
    for (year, week), held in sorted(by_week.items(), reverse=True):
        monday = dt.date.fromisocalendar(year, week, 1)
        days = loc.format("date_range", first=monday, last=monday + dt.timedelta(days=6))
        found.append((f"{year}-W{week:02d}", days, held))
    return found


def _order(event: Event) -> tuple[dt.date, str]:
    return (event.date, event.link.label)
