"""A topic across the archive: what it matched, report by report (`topics`, issue 27).

Read from every report's `Digest.topics`. A topic is known by its slug (its name in file
names: `FP4 / FP8` and `fp4/fp8` are one page) and named as its latest report names it; a
topic renamed or no longer followed keeps its page with the reports that followed it.

The timeline and the charts read the dailies only, as a repository's page does (a week's or
a month's report is the union of its days). An item matched on two days (opened, then merged)
is told on each with what happened that day; the same event told by two dailies (windows of
several days overlap) is told once, on the first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from digest import kinds
from digest.kinds import ItemKind
from digest.locales import Locale
from digest.models import (
    Digest,
    Topic,
    TopicCounts,
    TopicItem,
    TopicMatches,
    topic_counts,
)
from digest.render import topics
from digest.render.site.html import Link, link

RECENT_DAYS = 7  # the home page's count of each topic: its last week

# What a topic's charts count (TopicCounts' fields) and the kind each is named and coloured
# after, in the order of the report's counts line.
COUNTED: tuple[tuple[str, ItemKind[Any]], ...] = tuple(
    sorted(
        (
            ("merged_pulls", kinds.MERGED_PULLS),
            ("opened_pulls", kinds.OPENED_PULLS),
            ("commits", kinds.DIRECT_COMMITS),
            ("opened_issues", kinds.OPENED_ISSUES),
            ("closed_issues", kinds.CLOSED_ISSUES),
            ("releases", kinds.RELEASES),
        ),
        key=lambda counted: counted[1].counted_at,  # as every counts line is read
    )
)


@dataclass(frozen=True)
class Matched:
    """An item a topic matched, on the day a daily report told it."""

    date: dt.date  # the report's date
    report: str  # that report's page
    repo: str
    link: Link
    title: str  # third-party text, escaped by the page
    happened: str  # `merged`
    why: str  # `word fp8 in the title`
    counts: TopicCounts  # what it adds to the day's figures


@dataclass(frozen=True)
class Followed:
    """A report that followed the topic (any kind), with what the topic matched in it."""

    page: str
    digest: Digest
    matched: TopicMatches


@dataclass
class TopicHistory:
    slug: str
    topic: Topic  # as the latest report that follows it declares it
    items: list[Matched] = field(default_factory=list)  # oldest first
    # Per daily that followed it: what it matched that day (no entry: no daily followed it).
    per_day: dict[dt.date, TopicCounts] = field(default_factory=dict)
    reports: list[Followed] = field(default_factory=list)  # every kind, oldest first

    @property
    def name(self) -> str:
        return self.topic.name

    @property
    def page(self) -> str:
        return topics.page(self.slug)  # where the report's Topics section links it

    @property
    def feed(self) -> str:
        return f"topics/{self.slug}.xml"

    def total(self, first: dt.date, last: dt.date) -> TopicCounts:
        """What it matched in the dailies from `first` to `last`."""
        days = [c for d, c in self.per_day.items() if first <= d <= last]
        return sum(days, TopicCounts())


def histories(
    reports: list[tuple[str, str, Digest]], loc: Locale, latest: Digest
) -> list[TopicHistory]:
    """Each topic of the archive; `reports` as (kind, page, digest), oldest first. In the
    order `latest` (the site's latest daily) declares them, then the others, the most
    recently followed first."""
    found: dict[str, TopicHistory] = {}
    told: set[tuple[str, str, str]] = set()  # (topic, item, event) already on a timeline
    for kind, page, digest in reports:
        for matched in digest.topics:
            slug = matched.topic.slug
            history = found.get(slug)
            if history is None:
                history = found[slug] = TopicHistory(slug, matched.topic)
            history.topic = matched.topic  # the latest report names it
            history.reports.append(Followed(page, digest, matched))
            if kind != "day":
                continue
            date = digest.activity.window.date
            day = TopicCounts()
            for item in matched.items:
                row = _matched(slug, item, told, date, page, loc)
                if row is not None:
                    history.items.append(row)
                    day = day + row.counts
            history.per_day[date] = history.per_day.get(date, TopicCounts()) + day
    declared = [m.topic.slug for m in latest.topics]
    last_followed = {slug: h.reports[-1].digest.span.last for slug, h in found.items()}
    return sorted(
        found.values(),
        key=lambda h: (
            declared.index(h.slug) if h.slug in declared else len(declared),
            -last_followed[h.slug].toordinal(),
            h.name.casefold(),
        ),
    )


def _matched(
    slug: str,
    item: TopicItem,
    told: set[tuple[str, str, str]],
    date: dt.date,
    page: str,
    loc: Locale,
) -> Matched | None:
    """The item as the day's timeline of the topic tells it: only what no earlier daily told
    of it under the topic."""
    key = item.qualified_ref.lower()
    events = [e for e in item.events if (slug, key, e) not in told]
    if not events:
        return None
    told.update((slug, key, e) for e in events)
    shown = topics.item_link(item)
    happened, *why = topics.facts(item.updated(events=events), loc)
    return Matched(
        date=date,
        report=page,
        repo=item.repo,
        link=link(shown.label, shown.url, shown.code),
        title=item.title,
        happened=happened,
        why=" · ".join(why),
        counts=topic_counts([(item.ref, events)]),
    )
