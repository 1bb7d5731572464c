"""The static site of the whole archive: every report as a page, a page per repository with
its timeline and charts, a page and a feed per topic followed (`topics`), an archive by month,
search (Pagefind), the feed.

An output over digests, like the report and the feed (`Site`): it is handed the digests
(never the archive), and `write_site` brings one folder up to date with its files. Pages are
rendered from the digests themselves, not from the Markdown reports, through Jinja's
autoescape: third-party text (titles, bodies, names) and a model's text are data on every
page, and links come only from collected `url`s.
"""

from digest.render.site.build import Site, SiteBuilt, write_site
from digest.render.site.feed import FeedSource
from digest.render.site.pages import site_language

__all__ = ["FeedSource", "Site", "SiteBuilt", "site_language", "write_site"]
