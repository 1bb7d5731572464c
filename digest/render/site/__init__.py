"""The static site of the whole archive: every report as a page, a page per repository with
its timeline and charts, an archive by month, search (Pagefind), the feed.

An output over digests, like the report and the feed: it is handed the digests (never the
archive) and writes one folder. Pages are rendered from the digests themselves, not from the
Markdown reports, through Jinja's autoescape: third-party text (titles, bodies, names) and
a model's text are data on every page, and links come only from collected `url`s.
"""

from digest.render.site.build import SiteBuilt, build_site
from digest.render.site.feed import FeedSource
from digest.render.site.pages import Report

__all__ = ["FeedSource", "Report", "SiteBuilt", "build_site"]
