"""The site as an output, like the report and the feed (render/files.py): every page rendered
in memory from the digests it is handed. Writing it is `write_site`: the reports indexed for
search in a scratch folder, then the site folder brought up to date, writing only the files
that changed."""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from digest.models import Language, RenderedFile
from digest.render.files import Rendered
from digest.render.site import output, search
from digest.render.site.feed import FeedSource, site_feed, topic_feed
from digest.render.site.pages import Report, render_pages, site_report

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Site:
    """The static site of the digests it renders (any kinds, any order; at least one): with
    a feed of its own when the reports folder keeps one (`feed`); `base_url`: where the site
    is served, when known (the feed's links are then absolute)."""

    feed: FeedSource | None = None
    base_url: str | None = None

    def files(self, rendered: Rendered) -> list[RenderedFile]:
        reports = [Report.of(digest) for digest in rendered.digests]
        named = site_report(reports).digest
        own_feed, topic_feeds = None, None
        if source := self.feed:
            own_feed = site_feed(reports, named.title, source, self.base_url)
            topic_feeds = partial(topic_feed, named=named, source=source, base_url=self.base_url)
        pages = render_pages(reports, feed=own_feed, topic_feed=topic_feeds)
        return [RenderedFile(path=path, content=content) for path, content in pages.items()]


@dataclass(frozen=True)
class SiteBuilt:
    pages: int  # HTML pages
    files: int  # every file of the site
    written: list[str]  # new or changed since the last build
    removed: list[str]  # no longer part of the site


def write_site(files: list[RenderedFile], site_dir: Path, language: Language) -> SiteBuilt:
    """The site's `files` and their search index (in `language`) in `site_dir`."""
    output.check(site_dir)  # before anything is written: a folder that is not ours is bad input
    with tempfile.TemporaryDirectory(prefix="digest-site-") as scratch:
        root = Path(scratch)
        for file in files:
            (root / file.path).parent.mkdir(parents=True, exist_ok=True)
            (root / file.path).write_bytes(file.content.encode("utf-8"))
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
