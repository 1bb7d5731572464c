"""The Atom feed (RFC 4287) of a reports folder: the newest reports, newest first.

Built with feedgen, not string templates. Each run adds or replaces the entries of the dates
it wrote and keeps the others from the feed already published. `updated` depends only on
the data, never on when a run happened, so the same data always gives the same bytes (a
rerun commits nothing, shards give what one job gives): a new entry is dated at the end of
its window, a changed one a second after its previous `updated`.
"""

from __future__ import annotations

import datetime as dt
import logging
import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator

from digest.locales import Locale, locale
from digest.models import Digest, Layout, Topic, TopicMatches
from digest.render import brief, topics
from digest.render.sections import report_view

log = logging.getLogger(__name__)

MAX_ENTRIES = 50
_ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    link: str
    html: str
    updated: dt.datetime


@dataclass(frozen=True)
class FeedInfo:
    id: str  # stable, for the folder
    title: str
    link: str  # the folder on GitHub (or "." locally)
    entry_id: Callable[[dt.date], str]


def identity(
    server_url: str, repo: str | None, folder: str, title: str, link: str | None
) -> FeedInfo:
    """Ids that stay the same for the folder and for each date, whatever run writes them.
    `repo`: the target repository (None: a local directory); `link`: the folder's web URL."""
    host = urlsplit(server_url).netloc or "localhost"
    base = f"tag:{host},2026:{repo}/{folder}" if repo else f"tag:localhost,2026:{folder}"
    return _info(base, title, link or ".")


def identity_of(published: str | None, info: FeedInfo) -> FeedInfo:
    """`info` with the ids of the feed `published`, when it has one: its entries' ids are
    made from the feed's, and they stay what the run that wrote them made, whatever command
    reads them later and from where (a local folder has no repository to name)."""
    found = _field(_root(published), "id")
    return _info(found, info.title, info.link) if found else info


def title_of(published: str | None) -> str | None:
    """The title of the feed `published`, if it has one."""
    return _field(_root(published), "title") or None


def _root(text: str | None) -> ET.Element | None:
    """A feed digest wrote before, parsed; None if there is none or it is unreadable."""
    try:
        return ET.fromstring(text) if text else None
    except ET.ParseError:
        return None


def _field(root: ET.Element | None, name: str) -> str:
    """The text of the feed's own `name` element (`id`, `title`, `updated`), or ""."""
    return (root.findtext(f"{_ATOM}{name}") or "").strip() if root is not None else ""


def _info(base: str, title: str, link: str) -> FeedInfo:
    return FeedInfo(id=base, title=title, link=link, entry_id=lambda d: f"{base}/{d.isoformat()}")


def entry(
    entry_id: str, title: str, link: str, brief_html: str, window_end: dt.datetime
) -> Entry:
    """`brief_html`: the brief written as HTML (render.brief), not converted from Markdown:
    Markdown escaped for GitHub showed its `&amp;` and `<sub>` in feed readers."""
    return Entry(entry_id, title, link, brief_html.strip(), window_end)


def report_entry(
    info: FeedInfo, digest: Digest, layout: Layout, link: str, report_url: str | None
) -> Entry:
    """A report's entry: `link` where the report is read, the brief linking `report_url`
    (None: no link)."""
    html = brief.render(report_view(digest), report_url, brief.HTML)
    until = digest.activity.window.until
    return entry(entry_id(info, digest, layout), brief.title(digest), link, html, until)


def entry_id(info: FeedInfo, digest: Digest, layout: Layout) -> str:
    """The id of `digest`'s entry in the feed of `info`: a day's `info.entry_id(date)`; a
    week's or a month's named after its folder, `…/reports/weekly/2026-W06`."""
    span = digest.span
    if span.period == "day":
        return info.entry_id(span.last)
    folder = posixpath.relpath(layout.folder(span.period), layout.reports_dir)
    return f"{info.id}/{folder}/{span.label}"


# -- a topic's feed ---------------------------------------------------------------------------


def topic_identity(
    info: FeedInfo, topic: Topic, digest: Digest, link: str, title: str | None = None
) -> FeedInfo:
    """The ids of a topic's feed, under the reports' feed's (`…/topics/fp4-fp8`): one topic
    (by its slug) keeps one feed and its entries their ids, whoever writes it and where.
    Named after the topic and `title` (`digest`'s by default): `FP4 / FP8 — Daily digest`."""
    named = title or digest.title
    title = locale(digest.language).format("topic_feed_title", topic=topic.name, title=named)
    return _info(f"{info.id}/topics/{topic.slug}", title, link)


def topic_entry(
    info: FeedInfo,
    digest: Digest,
    matched: TopicMatches,
    layout: Layout,
    link: str,
    report_url: str | None,
) -> Entry:
    """A report's entry in a topic's feed (`info`: topic_identity): the items the topic
    matched in it, `link` where the report is read, its last line linking `report_url`."""
    loc = locale(digest.language)
    window = loc.window(digest.activity.window)
    html = _topic_html(matched, window, report_url, loc)
    title = loc.count(
        "topic_feed_entry", len(matched.items), topic=matched.name, report=brief.title(digest)
    )
    until = digest.activity.window.until
    return entry(entry_id(info, digest, layout), title, link, html, until)


# Items a topic's entry lists; a month's can hold hundreds, which its report lists in full.
TOPIC_ITEMS = 30


def _topic_html(matched: TopicMatches, window: str, report_url: str | None, loc: Locale) -> str:
    """A topic's entry as HTML (brief.HTML's form, the reports' feed's): the window, each item
    it matched as the report's Topics section tells it (repository, link, title, what it was,
    why it matched), then a link to the report (None: none)."""
    lines = [f"<p><em>{brief.HTML.line(window)}</em></p>", "<ul>"]
    for item in matched.items[:TOPIC_ITEMS]:
        link = topics.item_link(item)
        cited = brief.html_link(link.label, link.url, link.code)
        said = " · ".join(brief.HTML.line(f) for f in topics.facts(item, loc))
        title = brief.HTML.line(item.title)
        lines.append(f"<li>{brief.HTML.line(item.repo)} {cited} {title} · {said}</li>")
    lines.append("</ul>")
    if len(matched.items) > TOPIC_ITEMS:
        more = loc.count("topic_feed_more", len(matched.items) - TOPIC_ITEMS)
        lines.append(f"<p>{brief.HTML.line(more)}</p>")
    if report_url:
        lines.append(f"<p>{brief.html_link(loc['read_report'], report_url)}</p>")
    return "\n".join(lines) + "\n"


def render_feed(
    existing: str | None,
    info: FeedInfo,
    new: list[Entry],
    quiet: dt.datetime | None = None,
    dropped: Iterable[str] = (),
) -> str:
    """The feed with `new` entries added (or replacing the same ids), the newest 50 kept;
    `dropped`: ids of reports written again that it no longer has an entry for (a topic's
    report rerun where it matched nothing). `quiet`: when it has no entry (a topic that
    matched nothing so far), the time it is dated, unless the feed already published has one."""
    old = {e.id: e for e in _entries(existing)}
    gone = set(dropped)
    merged = {key: e for key, e in old.items() if key not in gone}
    for item in new:
        before = old.get(item.id)
        if before is None:
            merged[item.id] = item
        elif (before.title, before.html, before.link) != (item.title, item.html, item.link):
            later = max(item.updated, before.updated + dt.timedelta(seconds=1))
            merged[item.id] = Entry(item.id, item.title, item.link, item.html, later)
    return _atom(info, list(merged.values()), _updated(existing) or quiet)


def republish(
    info: FeedInfo, entries: list[Entry], published: str | None, quiet: dt.datetime | None = None
) -> str:
    """A feed of `entries` that the feed `published` also holds, linked elsewhere (the site's
    pages instead of the reports). An entry keeps its id (RFC 4287: a republished entry's id
    does not change) and that feed's `updated` when later, so a changed report shows as
    changed in both; nothing else is taken from it. `quiet`: as render_feed's."""
    updated = {e.id: e.updated for e in _entries(published)}
    dated = [
        Entry(e.id, e.title, e.link, e.html, max(e.updated, updated.get(e.id, e.updated)))
        for e in entries
    ]
    return _atom(info, dated, _updated(published) or quiet)


def _atom(info: FeedInfo, entries: list[Entry], quiet: dt.datetime | None = None) -> str:
    """The Atom document of the newest 50 of `entries`; dated `quiet` when there is none
    (feedgen would date it now, and a rerun would change it)."""
    kept = sorted(entries, key=_newest_first, reverse=True)[:MAX_ENTRIES]
    feed = FeedGenerator()
    feed.id(info.id)
    feed.title(info.title)
    feed.author({"name": "digest"})
    feed.link(href=info.link, rel="alternate")
    if kept:
        feed.updated(max(e.updated for e in kept))
    elif quiet is not None:
        feed.updated(quiet)
    for item in kept:
        node = feed.add_entry(order="append")
        node.id(item.id)
        node.title(item.title)
        node.updated(item.updated)
        node.link(href=item.link)
        node.content(item.html, type="html")
    text: str = feed.atom_str(pretty=True).decode("utf-8")  # feedgen is untyped
    return text


_WEEK = re.compile(r"/weekly/(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"/monthly/(\d{4})-(\d{2})$")


def _newest_first(item: Entry) -> tuple[str, int, str]:
    """A daily's id ends with its date; a week's or a month's with its key, placed at its
    last day, after that day's daily (a week's report is read after its Sunday's)."""
    try:
        if match := _WEEK.search(item.id):
            sunday = dt.date.fromisocalendar(int(match[1]), int(match[2]), 7)
            return (sunday.isoformat(), 1, item.id)
        if match := _MONTH.search(item.id):
            year, month = int(match[1]), int(match[2])
            last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
            return (last.isoformat(), 2, item.id)
    except ValueError:
        pass
    return (item.id[-10:], 0, item.id)


def _updated(text: str | None) -> dt.datetime | None:
    """When a feed digest wrote before is dated, if it has no entry (else its entries say)."""
    root = _root(text)
    if root is None or root.find(f"{_ATOM}entry") is not None:
        return None
    found = _field(root, "updated")
    try:
        return dt.datetime.fromisoformat(found) if found else None
    except ValueError:
        return None


def _entries(text: str | None) -> list[Entry]:
    """The entries of a feed digest wrote before; none if there is none or it is unreadable."""
    if not text:
        return []
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        log.warning("the published feed could not be read (%s); it is written anew", exc)
        return []
    found = []
    for node in root.iter(f"{_ATOM}entry"):
        link = node.find(f"{_ATOM}link")
        updated = node.findtext(f"{_ATOM}updated")
        if not updated:
            continue  # not one of ours
        found.append(
            Entry(
                id=node.findtext(f"{_ATOM}id") or "",
                title=node.findtext(f"{_ATOM}title") or "",
                link=link.get("href", "") if link is not None else "",
                html=node.findtext(f"{_ATOM}content") or "",
                updated=dt.datetime.fromisoformat(updated),
            )
        )
    return [e for e in found if e.id]
