"""Every file a run writes, rendered in memory so publishing can be all or nothing."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Callable
from dataclasses import dataclass

from digest.locales import locale
from digest.models import Digest, Files, Layout, RenderedFile
from digest.periods import Span
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
    existing_spans: set[Span] | None = None,
    retry_days: int = 0,
    feed: FeedSetup | None = None,
) -> Files:
    """Each digest's report and sidecar, and the index; `digests[0]` is the run's own date
    (or its week or month: a rollup), the others dates it fills in (backfill).
    `existing_spans`: the weekly and monthly reports already published."""
    latest = digests[0]
    embedded = render_report(latest, base_level=2, retry_days=retry_days)
    index = render_index(
        existing_index,
        title=latest.title,
        latest_embedded=embedded,
        dates=existing_dates | {d.span.first for d in digests if d.span.period == "day"},
        layout=layout,
        loc=locale(latest.language),
        spans=(existing_spans or set()) | {d.span for d in digests if d.span.period != "day"},
    )
    files = []
    for digest in digests:
        report = render_report(digest, retry_days=retry_days)
        files.append(RenderedFile(path=layout.report_of(digest.span), content=report))
        files.append(RenderedFile(path=layout.sidecar_of(digest.span), content=sidecar(digest)))
    files.append(RenderedFile(path=layout.index_file, content=index))
    if feed is not None:
        files.append(RenderedFile(path=layout.feed, content=_feed(digests, layout, feed)))
    return Files(
        report_path=layout.report_of(latest.span),
        files=files,
        embedded_report=embedded,
    )


def _feed(digests: list[Digest], layout: Layout, setup: FeedSetup) -> str:
    entries = []
    for digest in digests:
        span = digest.span
        path = layout.report_of(span)
        url = setup.url(path)
        title = brief.title(digest)
        link = url or posixpath.relpath(path, layout.reports_dir)  # beside feed.xml
        html = brief.render(digest, url, brief.HTML)
        # A week's or a month's entry is named after its folder: `…/reports/weekly/2026-W06`.
        folder = posixpath.relpath(layout.folder(span.period), layout.reports_dir)
        key = None if span.period == "day" else f"{setup.info.id}/{folder}/{span.label}"
        until = digest.activity.window.until
        entries.append(entry(setup.info, span.last, title, link, html, until, entry_id=key))
    return render_feed(setup.existing, setup.info, entries)


def sidecar(digest: Digest) -> str:
    """The machine-readable twin of the report; no timestamps, so reruns are byte-identical."""
    return digest.model_dump_json(indent=2) + "\n"
