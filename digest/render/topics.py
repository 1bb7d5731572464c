"""The report's Topics section: what each followed topic matched across repositories.

Under the overview, one part per topic that matched (its heading links the topic's page on
the site, `topics/<slug>.html`, which only the site writes as a link): its items grouped by
repository in the record's order, each linked as collected, with what it was (a merged pull
request, a new issue...) and why the topic matched it (a word and where it was found, a
label, a changed file and the glob it fell under), "files not all read" where a path topic
could not see them all, and what became of it if a topic had it followed since an earlier
report. Then once per topic, the items its paths could not judge, and what it matched in
earlier reports that is still open (their number, the oldest linked: the site's topic page
lists them all); a weekly or monthly report's topic also has its counts against the previous
period. The topics that matched nothing and follow nothing open share one line.

A brief leads with the topics that matched, each with its count and its first items linked.
Everything here comes from the matches (Digest.topics), never from a model; titles and file
names are third-party text, written by each format as text.
"""

from __future__ import annotations

from collections.abc import Sequence

from digest.locales import Locale
from digest.models import Digest, Followup, TopicItem, TopicMatches, TopicWhy, qualified
from digest.render.followups import fate
from digest.render.rollup import topic_trend
from digest.render.view import Block, Entry, Group, Link, Paragraph, Point, Points, Record, Section

BRIEF_LINKS = 5  # a topic's items linked in a brief; the report has them all


def page(slug: str) -> str:
    """A topic's page, as a path from the site's root."""
    return f"topics/{slug}.html"


def section(digest: Digest, loc: Locale) -> Section | None:
    """The Topics section; None when the digest follows no topic."""
    if not digest.topics:
        return None
    followed = _resolved(digest)
    parts = [(t, _left(t, followed), still_open(t, digest)) for t in digest.topics]
    blocks: list[Block] = [
        _topic(t, left, still, digest, followed, loc)
        for t, left, still in parts
        if t.items or left or still or t.unread
    ]
    quiet = [t for t, left, still in parts if not (t.items or left or still or t.unread)]
    if none := _none_line(quiet, digest, loc):
        blocks.append(Paragraph(none, "quiet"))
    matched = [t for t in digest.topics if t.items]
    brief = Points(tuple(_brief_point(t, loc) for t in matched), loc["topics_heading"])
    return Section(
        "topics",
        loc["topics_heading"],
        tuple(blocks),
        brief=(brief,) if brief.points else (),
        brief_first=True,
    )


def _topic(
    topic: TopicMatches,
    left: list[Followup],
    still: list[Followup],
    digest: Digest,
    followed: dict[str, Followup],
    loc: Locale,
) -> Section:
    blocks: list[Block] = []
    if digest.rollup is not None:
        before = digest.rollup.previous_topics.get(topic.name)
        blocks.append(Paragraph(topic_trend(topic.counts, before, digest.rollup, loc), "trend"))
    entries = [(i.repo, _entry(i, followed, loc)) for i in topic.items]
    entries += [(f.repo, _followed_entry(f, loc)) for f in left]
    if entries:
        blocks.append(Record("", _groups(entries, digest)))
    elif not topic.unread:
        blocks.append(Paragraph(loc["topic_nothing_new"], "quiet"))
    if topic.unread:
        unread = "topic_unread" if entries else "topic_unread_only"
        blocks.append(Paragraph(loc.count(unread, len(topic.unread)), "more"))
    if still:
        blocks.append(Points((_still_open_point(still, loc),)))
    return Section("topic", topic.name, tuple(blocks), url=page(topic.topic.slug))


def _groups(entries: Sequence[tuple[str, Entry]], digest: Digest) -> tuple[Group, ...]:
    """Entries by repository: the digest's repositories in its order (a period's items may
    come from repositories it no longer follows: after them)."""
    by_repo: dict[str, list[Entry]] = {r.repo.lower(): [] for r in digest.activity.repos}
    names = {r.repo.lower(): r.repo for r in digest.activity.repos}
    for repo, entry in entries:
        names.setdefault(repo.lower(), repo)
        by_repo.setdefault(repo.lower(), []).append(entry)
    return tuple(Group(names[key], tuple(found)) for key, found in by_repo.items() if found)


def _entry(item: TopicItem, followed: dict[str, Followup], loc: Locale) -> Entry:
    """`#12 Title · merged pull request · “fp8” in the title, label quantization`."""
    said = facts(item, loc)
    if told := followed.get(item.qualified_ref.lower()):
        said.append(fate(told, loc))
    return Entry((item_link(item),), item.title, tuple(said), ref=item.ref)


def facts(item: TopicItem, loc: Locale) -> list[str]:
    """What an item was (`merged pull request`) and why the topic matched it, and "files not
    all read" where its paths could not all be seen: the same words in the report, a topic's
    feed and its page on the site."""
    kind = item.ref.split(":", 1)[0]
    said = [_events(kind, item, loc), loc.join([_why(w, kind, loc) for w in item.why])]
    if item.files_unread:
        said.append(loc["topic_files_unread"])
    return said


def _followed_entry(followed: Followup, loc: Locale) -> Entry:
    """An item the topic had followed, merged or closed in this window though it matched
    nothing in it (a pull request closed without merging is not collected): as GitHub
    returned it."""
    link = Link(f"#{followed.number}", followed.url)
    return Entry((link,), followed.title, (fate(followed, loc),), ref=followed.ref)


def _left(topic: TopicMatches, followed: dict[str, Followup]) -> list[Followup]:
    """What `topic` had followed that merged or closed in this window, but for the items it
    matched in it (whose lines say so)."""
    matched = {item.qualified_ref.lower() for item in topic.items}
    name = topic.name.casefold()
    return [
        f
        for key, f in followed.items()
        if key not in matched and name in (t.casefold() for t in f.topics)
    ]


def item_link(item: TopicItem) -> Link:
    kind, _, name = item.ref.partition(":")
    if kind in ("pr", "issue"):
        return Link(f"#{name}", item.url)
    return Link(name, item.url, code=kind == "commit")


def _events(kind: str, item: TopicItem, loc: Locale) -> str:
    return loc[f"topic_event_{kind}_{'_'.join(item.events)}"]


def _why(why: TopicWhy, kind: str, loc: Locale) -> str:
    if why.kind == "word":
        # A commit's body is its message's, after the title line.
        where = "message" if kind == "commit" and why.where == "body" else why.where
        return loc.format(f"topic_word_{where}", word=why.value)
    if why.kind == "label":
        return loc.format("topic_label", label=why.value)
    return loc.format("topic_path", glob=why.value, file=why.where)


def _none_line(quiet: Sequence[TopicMatches], digest: Digest, loc: Locale) -> str:
    """`Matched nothing: Blackwell, MoE.`; a weekly or monthly report names what each had in
    the previous period."""
    if not quiet:
        return ""
    named = []
    for topic in quiet:
        before = digest.rollup.previous_topics.get(topic.name) if digest.rollup else None
        if digest.rollup is not None and before is not None and before.total:
            figures = loc.join(loc.counts(list(before.model_dump().items())))
            period = digest.rollup.previous.label  # `2026-W05`: in parentheses already
            named.append(
                loc.format("topic_before", name=topic.name, period=period, figures=figures)
            )
        else:
            named.append(topic.name)
    return loc.format("topics_none", topics=loc.join(named))


def _brief_point(topic: TopicMatches, loc: Locale) -> Point:
    """`FP4 / FP8: 5 items (#3002, #2462, …)`: its first items linked."""
    links = tuple(item_link(item) for item in topic.items[:BRIEF_LINKS])
    refs = tuple(item.qualified_ref for item in topic.items[:BRIEF_LINKS])
    return Point(loc.count("topic_brief", len(topic.items), name=topic.name), links, refs)


def still_open(topic: TopicMatches, digest: Digest) -> list[Followup]:
    """What `topic` matched in earlier reports that is still open at the end of this window
    (the report's follow-ups), oldest first; not what it matched again in this window. The
    report counts them; the site's topic page lists them."""
    if digest.memory is None:
        return []
    matched = {item.qualified_ref.lower() for item in topic.items}
    name = topic.name.casefold()
    found = [
        f
        for f in digest.memory.followups
        if not f.resolved
        and name in (t.casefold() for t in f.topics)
        and qualified(f.repo, f.ref).lower() not in matched
    ]
    return sorted(found, key=lambda f: (f.first_told, f.repo.lower(), f.number))


def _still_open_point(still: list[Followup], loc: Locale) -> Point:
    """`3 items it matched in earlier reports are still open, the oldest since 2026-02-04
    (#3002, #2485, #2496)`: the oldest linked, as GitHub returned them."""
    oldest = still[:BRIEF_LINKS]
    return Point(
        loc.count("topic_still_open", len(still), date=still[0].first_told),
        tuple(Link(f"#{f.number}", f.url) for f in oldest),
        tuple(qualified(f.repo, f.ref) for f in oldest),
    )


def _resolved(digest: Digest) -> dict[str, Followup]:
    """The items a topic had followed since an earlier report that merged or closed in this
    window, by qualified ref (lowercase)."""
    if digest.memory is None:
        return {}
    return {
        qualified(f.repo, f.ref).lower(): f
        for f in digest.memory.followups
        if f.topics and f.resolved
    }
