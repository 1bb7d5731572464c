"""The site's own feed, `feed.xml` at its root: the newest reports, each linking its page.

The reports folder's feed links the Markdown reports, which are not part of the site; this
one is built from the same entries (render.feed: the same ids, titles and briefs, the same
`updated` when that feed has a later one) with the site's pages as links and the site's
title. Links are absolute when the site's address is known; otherwise relative to feed.xml,
which a feed reader resolves against the address it fetched the feed from (RFC 4287 and
xml:base, RFC 3986 §5.1.3: with no xml:base, the document's own URI is the base).
"""

from __future__ import annotations

from dataclasses import dataclass

from digest.models import Layout
from digest.render.feed import MAX_ENTRIES, FeedInfo, identity_of, report_entry, republish
from digest.render.site.pages import Report

PATH = "feed.xml"  # at the site's root: a relative link in it reads as from the root
_KIND_ORDER = {"day": 0, "week": 1, "month": 2}  # a day's daily, then its week, its month


@dataclass(frozen=True)
class FeedSource:
    """The reports folder's feed, whose entries the site's feed republishes."""

    info: FeedInfo  # its ids (render.feed.identity), which the site's entries keep
    layout: Layout  # where the reports are (a week's or a month's id names its folder)
    published: str | None  # that feed as published: when each entry last changed


def feed_link(path: str, base_url: str | None) -> str:
    """A page of the site as the feed links it: from `base_url`, else from feed.xml."""
    return f"{base_url.rstrip('/')}/{path}" if base_url else path


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
