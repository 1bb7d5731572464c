"""A topic's matched item in words, the same wherever it is read (a topic's feed, its page on
the site): its link, what happened to it in the window, and why the topic matched it.

Plain text and view links (render/view.py): each format escapes the text and writes the link
its own way. The item's title is third-party text and stays the item's own, untouched here.
"""

from __future__ import annotations

from collections.abc import Iterable

from digest.kinds import CITABLE_BY_PREFIX, RefStyle
from digest.locales import Locale
from digest.models import TopicEvent, TopicItem, TopicMatches, TopicWhy
from digest.render import view as v
from digest.render.brief import HTML, html_link

# Items a feed entry lists; a month's can hold hundreds, which its report lists in full.
FEED_ITEMS = 30


def item_link(item: TopicItem) -> v.Link:
    """`#123` for a pull request or an issue, the tag of a release, a commit's short SHA."""
    kind, _, key = item.ref.partition(":")
    citable = CITABLE_BY_PREFIX[kind]
    return v.Link(citable.label(key), item.url, citable.style is RefStyle.SHA)


def happened(events: Iterable[TopicEvent], loc: Locale) -> str:
    """`opened, merged`: what became of an item in the window."""
    return loc.join([loc[f"topic_event_{event}"] for event in events])


def reason(why: TopicWhy, loc: Locale) -> str:
    """`word fp8 in the title`, `label bug`, `path csrc/**/fp4* (csrc/fp4_gemm.cu)`."""
    if why.kind == "word":
        where = loc[f"topic_where_{why.where}"] if why.where else ""
        return loc.format("topic_why_word", value=why.value, where=where)
    if why.kind == "label":
        return loc.format("topic_why_label", value=why.value)
    return loc.format("topic_why_path", value=why.value, file=why.where)


def reasons(item: TopicItem, loc: Locale) -> str:
    """Every reason it matched, and whether its files were not all read."""
    said = [reason(why, loc) for why in item.why]
    return loc.join([*said, loc["topic_files_unread"]] if item.files_unread else said)


def entry_html(matches: TopicMatches, window: str, report_url: str | None, loc: Locale) -> str:
    """A topic's feed entry for one report, as HTML (the form of the reports' feed, brief.HTML):
    the window, each item it matched (repository, link, title, what happened, why), then a
    link to the report (None: no link)."""
    lines = [f"<p><em>{HTML.line(window)}</em></p>", "<ul>"]
    for item in matches.items[:FEED_ITEMS]:
        link = item_link(item)
        cited = html_link(link.label, link.url, link.code)
        facts = [happened(item.events, loc), reasons(item, loc)]
        said = " · ".join(HTML.line(f) for f in facts if f)
        lines.append(f"<li>{HTML.line(item.repo)} {cited} {HTML.line(item.title)} · {said}</li>")
    lines.append("</ul>")
    if len(matches.items) > FEED_ITEMS:
        more = loc.count("topic_feed_more", len(matches.items) - FEED_ITEMS)
        lines.append(f"<p>{HTML.line(more)}</p>")
    if report_url:
        lines.append(f"<p>{html_link(loc['read_report'], report_url)}</p>")
    return "\n".join(lines) + "\n"
