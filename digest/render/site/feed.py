"""The site's own feed, `feed.xml` at its root: the newest reports, each linking its page.

The reports folder's feed links the Markdown reports, which are not part of the site; this
one is built from the same entries (render.feed: the same ids, titles and briefs, the same
`updated` when that feed has a later one) with the site's pages as links and the site's
title. Links are absolute when the site's address is known; otherwise relative to feed.xml,
which a feed reader resolves against the address it fetched the feed from (RFC 4287 and
xml:base, RFC 3986 §5.1.3: with no xml:base, the document's own URI is the base).

Each topic's feed, `topics/<slug>.xml`, is the same over the reports folder's feed of the
topic (`reports/topics/<slug>.xml`): its entries, linking the site's pages.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field

from digest.models import Digest, Layout
from digest.render.feed import (
    MAX_ENTRIES,
    FeedInfo,
    identity_of,
    report_entry,
    republish,
    topic_entry,
    topic_identity,
)
from digest.render.site.pages import Report
from digest.render.site.topics import TopicHistory

PATH = "feed.xml"  # at the site's root: a relative link in it reads as from the root
_KIND_ORDER = {"day": 0, "week": 1, "month": 2}  # a day's daily, then its week, its month


@dataclass(frozen=True)
class FeedSource:
    """The reports folder's feed, whose entries the site's feed republishes."""

    info: FeedInfo  # its ids (render.feed.identity), which the site's entries keep
    layout: Layout  # where the reports are (a week's or a month's id names its folder)
    published: str | None  # that feed as published: when each entry last changed
    # A file of the reports folder as published (a topic's feed, `Layout.topic_feed`).
    read: Callable[[str], str | None] = field(default=lambda _path: None)


def feed_link(path: str, base_url: str | None, here: str = PATH) -> str:
    """A page of the site as the feed at `here` links it: from `base_url`, else relative to
    the feed (a topic's, in topics/, links `../reports/…`)."""
    if base_url:
        return f"{base_url.rstrip('/')}/{path}"
    return posixpath.relpath(path, posixpath.dirname(here) or ".")


def site_feed(reports: list[Report], title: str, source: FeedSource, base_url: str | None) -> str:
    """The Atom feed of the newest reports of the site (any kinds), named `title`."""
    reports_feed = identity_of(source.published, source.info)
    newest = sorted(reports, key=lambda r: (r.date, _KIND_ORDER[r.kind], r.key), reverse=True)
    entries = []
    for report in newest[:MAX_ENTRIES]:
        page = feed_link(report.path, base_url)
        entries.append(report_entry(reports_feed, report.digest, source.layout, page, page))
    info = FeedInfo(
        id=f"{reports_feed.id}/site",
        title=title,
        link=feed_link("index.html", base_url),
        entry_id=reports_feed.entry_id,
    )
    return republish(info, entries, source.published)


def topic_feed(
    history: TopicHistory, named: Digest, source: FeedSource, base_url: str | None
) -> str:
    """A topic's feed on the site, `topics/<slug>.xml`: an entry a report (any kind) where the
    topic matched, linking its page; the entries of the reports folder's feed of the topic
    (the same ids, the same `updated` when that feed has a later one). Named after the topic
    and the site (`named`: the report that names it)."""
    here = history.feed
    published = source.read(source.layout.topic_feed(history.slug))
    reports_feed = identity_of(source.published, source.info)
    page = feed_link(history.page, base_url, here)
    info = identity_of(published, topic_identity(reports_feed, history.topic, named, page))
    entries = []
    for followed in history.reports:
        if not followed.matched.items:
            continue
        read = feed_link(followed.page, base_url, here)
        digest = followed.digest
        entries.append(topic_entry(info, digest, followed.matched, source.layout, read, read))
    first = min(f.digest.activity.window.until for f in history.reports)
    return republish(info, entries, published, quiet=first)
