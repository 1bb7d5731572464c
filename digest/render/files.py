"""Every file a run writes, rendered in memory so publishing can be all or nothing."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Callable
from dataclasses import dataclass

from digest.locales import locale
from digest.models import Digest, Files, Layout, RenderedFile
from digest.render import brief
from digest.render.feed import FeedInfo, entry, render_feed
from digest.render.index import render_index
from digest.render.report import render_report


@dataclass(frozen=True)
class FeedSetup:
    """What the feed needs besides the digests: its ids and where files are read on the web."""

    info: FeedInfo
    existing: str | None  # the feed already published
    url: Callable[[str], str | None]  # a repository path -> its web URL (None: local)


def render_files(
    digests: list[Digest],
    *,
    layout: Layout,
    existing_index: str | None,
    existing_dates: set[dt.date],
    retry_days: int = 0,
    feed: FeedSetup | None = None,
) -> Files:
    """Each digest's report and sidecar, and the index; `digests[0]` is the run's own date,
    the others dates it fills in (backfill)."""
    latest = digests[0]
    embedded = render_report(latest, base_level=2, retry_days=retry_days)
    index = render_index(
        existing_index,
        title=latest.title,
        latest_embedded=embedded,
        dates=existing_dates | {d.activity.window.date for d in digests},
        layout=layout,
        loc=locale(latest.language),
    )
    files = []
    for digest in digests:
        date = digest.activity.window.date
        report = render_report(digest, retry_days=retry_days)
        files.append(RenderedFile(path=layout.report(date), content=report))
        files.append(RenderedFile(path=layout.sidecar(date), content=sidecar(digest)))
    files.append(RenderedFile(path=layout.index_file, content=index))
    if feed is not None:
        files.append(RenderedFile(path=layout.feed, content=_feed(digests, layout, feed)))
    return Files(
        report_path=layout.report(latest.activity.window.date),
        files=files,
        embedded_report=embedded,
    )


def _feed(digests: list[Digest], layout: Layout, setup: FeedSetup) -> str:
    entries = []
    for digest in digests:
        date = digest.activity.window.date
        path = layout.report(date)
        url = setup.url(path)
        title = f"{digest.title} — {locale(digest.language).date_label(digest.activity.window)}"
        link = url or posixpath.relpath(path, layout.reports_dir)  # beside feed.xml
        html = brief.render(digest, url, brief.HTML)
        entries.append(entry(setup.info, date, title, link, html, digest.activity.window.until))
    return render_feed(setup.existing, setup.info, entries)


def sidecar(digest: Digest) -> str:
    """The machine-readable twin of the report; no timestamps, so reruns are byte-identical."""
    return digest.model_dump_json(indent=2) + "\n"
