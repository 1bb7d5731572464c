"""Every file a run writes, rendered in memory so publishing can be all or nothing.

The files come from a list of outputs, each turning the run's digests into files: the
reports with their sidecars, the index, the feed; the site (render/site/) is one too, over
every report of the archive. `render_files` asks each in turn, in the order given, which is
the order the files are published in."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from digest.calendar import Span
from digest.locales import locale
from digest.models import Digest, Files, Layout, RenderedFile, Topic
from digest.render.feed import (
    FeedInfo,
    entry_id,
    render_feed,
    report_entry,
    topic_entry,
    topic_identity,
)
from digest.render.index import render_index
from digest.render.report import render_report


@dataclass(frozen=True)
class Rendered:
    """What every output reads: the digests (`digests[0]` the run's own date, or its week or
    month; the others dates backfill fills in), where they go, and the latest report as
    embedded in the index and the job summary, rendered once."""

    digests: list[Digest]
    layout: Layout
    embedded: str
    retry_days: int = 0


class Output(Protocol):
    """Files a run writes from its digests."""

    def files(self, rendered: Rendered) -> list[RenderedFile]: ...


@dataclass(frozen=True)
class Reports:
    """Each digest's Markdown report and its JSON sidecar."""

    def files(self, rendered: Rendered) -> list[RenderedFile]:
        layout, files = rendered.layout, []
        for digest in rendered.digests:
            report = render_report(digest, retry_days=rendered.retry_days)
            files.append(RenderedFile(path=layout.report_of(digest.span), content=report))
            files.append(RenderedFile(path=layout.sidecar_of(digest.span), content=sidecar(digest)))
        return files


@dataclass(frozen=True)
class Index:
    """The reports folder's README: the latest report, then every report published.
    `dates`: the daily reports already published; `spans`: the weekly and monthly ones."""

    existing: str | None
    dates: set[dt.date]
    spans: set[Span] = field(default_factory=set)

    def files(self, rendered: Rendered) -> list[RenderedFile]:
        latest, digests = rendered.digests[0], rendered.digests
        index = render_index(
            self.existing,
            title=latest.title,
            latest_embedded=rendered.embedded,
            dates=self.dates | {d.span.last for d in digests if d.span.period == "day"},
            layout=rendered.layout,
            loc=locale(latest.language),
            spans=self.spans | {d.span for d in digests if d.span.period != "day"},
        )
        return [RenderedFile(path=rendered.layout.index_file, content=index)]


def _unpublished(_path: str) -> str | None:
    return None


@dataclass(frozen=True)
class Feed:
    """The folder's Atom feed, with the entries of the reports this run writes; and a feed
    per topic the reports follow (`reports/topics/<slug>.xml`), an entry a report where the
    topic matched, with what it matched."""

    info: FeedInfo  # its ids: render.feed.identity
    existing: str | None  # the feed already published
    url: Callable[[str], str | None]  # a repository path -> its web URL (None: local)
    published: Callable[[str], str | None] = _unpublished  # a topic's feed already published

    def files(self, rendered: Rendered) -> list[RenderedFile]:
        layout = rendered.layout
        entries = []
        for digest in rendered.digests:
            path = layout.report_of(digest.span)
            url = self.url(path)
            link = url or posixpath.relpath(path, layout.reports_dir)  # beside feed.xml
            entries.append(report_entry(self.info, digest, layout, link, url))
        feed = render_feed(self.existing, self.info, entries)
        return [RenderedFile(path=layout.feed, content=feed), *self._topics(rendered)]

    def _topics(self, rendered: Rendered) -> list[RenderedFile]:
        """Every followed topic's feed, one that matched nothing yet too (it can be read from
        the day it is declared), in the order the run's own report declares them."""
        topics: dict[str, Topic] = {}
        for digest in rendered.digests:
            for matched in digest.topics:
                topics.setdefault(matched.topic.slug, matched.topic)
        return [self._topic(rendered, topic) for topic in topics.values()]

    def _topic(self, rendered: Rendered, topic: Topic) -> RenderedFile:
        layout = rendered.layout
        path = layout.topic_feed(topic.slug)
        link = self.info.link if self.info.link != "." else ".."  # the reports folder
        # Named as the reports' feed is (a week's run does not rename the dailies' feeds).
        info = topic_identity(self.info, topic, rendered.digests[0], link, self.info.title)
        followed = [
            (digest, matched)
            for digest in rendered.digests
            for matched in digest.topics
            if matched.topic.slug == topic.slug
        ]
        entries, dropped = [], []
        for digest, matched in followed:
            if not matched.items:  # an entry an earlier run of this report wrote is gone
                dropped.append(entry_id(info, digest, layout))
                continue
            report = layout.report_of(digest.span)
            url = self.url(report)
            read = url or posixpath.relpath(report, posixpath.dirname(path))
            entries.append(topic_entry(info, digest, matched, layout, read, url))
        first = min(digest.activity.window.until for digest, _ in followed)
        feed = render_feed(self.published(path), info, entries, quiet=first, dropped=dropped)
        return RenderedFile(path=path, content=feed)


def render_files(
    digests: list[Digest],
    *,
    layout: Layout,
    outputs: Sequence[Output],
    retry_days: int = 0,
) -> Files:
    """The files of every output, in order; `digests[0]` is the run's own date (or its week
    or month: a rollup), the others dates it fills in (backfill)."""
    latest = digests[0]
    embedded = render_report(latest, base_level=2, retry_days=retry_days)
    rendered = Rendered(digests, layout, embedded, retry_days)
    return Files(
        report_path=layout.report_of(latest.span),
        files=[f for output in outputs for f in output.files(rendered)],
        embedded_report=embedded,
    )


def sidecar(digest: Digest) -> str:
    """The machine-readable twin of the report; no timestamps, so reruns are byte-identical."""
    return digest.model_dump_json(indent=2) + "\n"
