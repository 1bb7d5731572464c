"""Build the site: render every page in memory, index the reports for search in a scratch
folder, then bring the site folder up to date, writing only the files that changed."""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from digest.render.site import output, search
from digest.render.site.feed import FeedSource, site_feed, topic_feed
from digest.render.site.pages import Report, render_pages, site_report

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SiteBuilt:
    pages: int  # HTML pages
    files: int  # every file of the site
    written: list[str]  # new or changed since the last build
    removed: list[str]  # no longer part of the site


def build_site(
    reports: list[Report],
    site_dir: Path,
    *,
    feed: FeedSource | None = None,
    base_url: str | None = None,
) -> SiteBuilt:
    """The site of `reports` (any kinds, any order; at least one) in `site_dir`, with a feed
    of its own when the reports folder keeps one (`feed`); `base_url`: where the site is
    served, when known (the feed's links are then absolute)."""
    output.check(site_dir)  # before any work: a folder that is not ours is bad input
    named = site_report(reports).digest
    own_feed = site_feed(reports, named.title, feed, base_url) if feed else None
    topic_feeds = partial(topic_feed, named=named, source=feed, base_url=base_url) if feed else None
    rendered = render_pages(reports, feed=own_feed, topic_feed=topic_feeds)
    language = named.language
    with tempfile.TemporaryDirectory(prefix="digest-site-") as scratch:
        root = Path(scratch)
        for path, content in rendered.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(content)
        search.index(root, language, str(site_dir))
        built = {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }
    written, removed = output.sync(built, site_dir)
    pages = sum(1 for path in built if path.endswith(".html"))
    log.info(
        "site: %d pages, %d files; %d written, %d removed",
        pages,
        len(built),
        len(written),
        len(removed),
    )
    return SiteBuilt(pages=pages, files=len(built), written=written, removed=removed)
