"""A Digest as a ReportView (view.py): its frame, then its sections, each made by one
function of `SECTIONS`, in the order the report shows them.

Where a new section plugs in: a function `(Context) -> Section | None` (None: nothing to
show this time) placed in `SECTIONS`, made of view.py's blocks, its words in each locale.
Every format then shows it: the Markdown report and the index (report.py), the site's
report page (site/), and, for what it sets in `Section.brief`, each brief: chat and mail,
the feed entry, the GitHub thread and the pull request (brief.py, dialects.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from digest import __version__, kinds
from digest.citations import LinkTable
from digest.failures import FAILURES
from digest.locales import Locale, locale
from digest.models import Digest, Item, RepoActivity, RepoSummary
from digest.render.followups import earlier_risk, recalled
from digest.render.record import followed_group, record, record_refs
from digest.render.rollup import date_label, sources, trend_for, trend_line
from digest.render.topics import section as topic_section
from digest.render.view import Block, Link, Paragraph, Point, Points, Record, ReportView, Section


@dataclass(frozen=True)
class Context:
    """What every section is made from: the digest, its locale and links, and the parts
    more than one section (or the frame) shows."""

    digest: Digest
    loc: Locale
    links: LinkTable
    redo: str  # when an incomplete report is filled in: `rerun the workflow for this date…`
    highlights: tuple[Point, ...]
    risks: tuple[Point, ...]  # its own
    earlier: tuple[Point, ...]  # told by earlier reports, still open or resolved now


def overview(c: Context) -> Section:
    """The overall story, its top developments and its risks (its own, then those earlier
    reports told): what a brief tells too."""
    loc = c.loc
    story = Paragraph(c.digest.overall.overview, code=True)
    highlights = Points(c.highlights, loc["highlights_heading"])
    risks = Points(c.risks + c.earlier, loc["risks_heading"])
    shown = tuple(p for p in (highlights, risks) if p.points)
    brief = (story, Points(c.highlights), risks)
    return Section(
        "overview",
        loc["overall_heading"],
        (story, *shown),
        brief=tuple(b for b in brief if not isinstance(b, Points) or b.points),
    )


def topics(c: Context) -> Section | None:
    """What each followed topic matched, across repositories (render/topics.py); none when
    the digest follows no topic."""
    return topic_section(c.digest, c.loc)


def repositories(c: Context) -> Section:
    """A part per repository (but those discovery found quiet), then the quiet ones counted."""
    by_repo = {s.repo: s for s in c.digest.repos}
    blocks: list[Block] = [
        repository(a, by_repo.get(a.repo), c)
        for a in c.digest.activity.repos
        if not a.quiet_discovery
    ]
    if quiet := quiet_text(c.digest, c.loc):
        blocks.append(Paragraph(quiet, "quiet"))
    return Section("repositories", c.loc["repos_heading"], tuple(blocks))


def closing(c: Context) -> Section:
    # Not searched on the site: it restates the report above in a few fixed sentences, which
    # made every report a hit for words such as "performance" or "regression".
    conclusion = Paragraph(c.digest.overall.conclusion, code=True)
    return Section("closing", c.loc["closing_heading"], (conclusion,), indexed=False)


SECTIONS: tuple[Callable[[Context], Section | None], ...] = (
    overview,
    topics,
    repositories,
    closing,
)


def report_view(digest: Digest, *, retry_days: int = 0) -> ReportView:
    """The view of `digest`; `retry_days`: how many later runs redo an incomplete report
    (`backfill`; 0: a rerun is what fills it in)."""
    loc = locale(digest.language)
    links = LinkTable(digest.activity.repos)
    memory = recalled(digest)
    pulls = {(r.repo, p.number): p.url for r in digest.activity.repos for p in r.pulls}
    c = Context(
        digest=digest,
        loc=loc,
        links=links,
        redo=loc.format("redo_later", n=retry_days) if retry_days else loc["redo_rerun"],
        highlights=points(digest.overall.highlights, links),
        risks=points(digest.overall.risks, links),
        earlier=tuple(earlier_risk(f, pulls, loc) for f in memory),
    )
    incomplete = ""
    if digest.incomplete:
        incomplete = loc.format("incomplete", repos=loc.join(digest.incomplete), redo=c.redo)
    return ReportView(
        language=digest.language,
        title=digest.title,
        date_label=date_label(digest, loc),
        window=loc.window(digest.activity.window),
        sources=sources(digest.rollup, loc) if digest.rollup else "",
        incomplete=incomplete,
        sections=tuple(s for make in SECTIONS if (s := make(c)) is not None),
        footer=footer_text(digest, loc),
        counts=loc.join(loc.counts(*(kinds.figures(r) for r in digest.activity.repos if r.ok))),
        overview=digest.overall.overview,
        highlights=c.highlights,
        risks=c.risks,
        recalled=tuple(memory),
    )


def points(items: list[Item], links: LinkTable, repo: str | None = None) -> tuple[Point, ...]:
    """Items with their links; one that cites nothing collected is left out."""
    found = []
    for item in items:
        cited = [hit for ref in item.refs if (hit := links.resolve(ref, repo))]
        if cited:
            linked = (Link(label, url, kind == "commit") for kind, label, url in cited)
            found.append(Point(item.text, tuple(dict.fromkeys(linked)), tuple(item.refs)))
    return tuple(found)


def repository(activity: RepoActivity, summary: RepoSummary | None, c: Context) -> Section:
    """A repository's part: its summary and its record, or why there is none."""
    loc, name = c.loc, activity.repo
    followed = c.digest.memory.of(name) if c.digest.memory else []

    trend = trend_for(c.digest, name)
    # A weekly or monthly report: its figures against the previous period's, quiet or not.
    trend_text = trend_line(trend, c.digest.rollup, loc) if trend and c.digest.rollup else ""

    def part(*blocks: Paragraph | Points | Record) -> Section:
        shown = tuple(b for b in blocks if _shown(b))
        return Section("repo", name, shown, url=activity.url or None, repo=name)

    if summary is None or summary.status == "failed" or not activity.ok:
        failed = loc.format(FAILURES[activity.failure or "error"].report, redo=c.redo)
        return part(Paragraph(failed), Paragraph(trend_text, "trend"))
    if summary.status == "empty":  # but for what became of items told earlier, perhaps
        return part(
            Paragraph(loc["empty_repo"]),
            Paragraph(trend_text, "trend"),
            Record("", followed_group(activity, followed, loc)),
        )
    story = [
        Point(p.text, p.links, p.refs, section.title)
        for section in summary.sections
        for p in points(section.items, c.links, name)
    ]
    note = ""
    if summary.fallback:  # the model failed: say so neutrally, the reason stays in the log
        note = loc["ungrounded_note" if summary.fallback == "ungrounded" else "fallback_note"]
    cited = {ref for section in summary.sections for item in section.items for ref in item.refs}
    left = len(record_refs(activity) - cited)
    counts = loc.join(loc.counts(kinds.figures(activity)))
    return part(
        Paragraph(activity.description or "", "description"),
        Paragraph(summary.overview, code=True, note=note),
        Paragraph(trend_text, "trend"),
        Points(tuple(story)),
        Paragraph(loc.format("more_in_record", n=left) if story and left else "", "more"),
        Record(loc.format("record_summary", counts=counts), record(activity, loc, followed)),
    )


def _shown(block: Paragraph | Points | Record) -> bool:
    """An aside with nothing to say is left out; the text itself, never."""
    if isinstance(block, Paragraph):
        return bool(block.text) or not block.role
    if isinstance(block, Points):
        return bool(block.points)
    return bool(block.summary or block.groups)


def quiet_text(digest: Digest, loc: Locale) -> str:
    """`No activity in 3 other vllm-project repositories.`: the repositories with nothing in
    the window, counted by where they were found; "" when there are none."""
    counts: dict[str, int] = {g.source: g.count for g in digest.activity.quiet}
    for repo in digest.activity.repos:
        if repo.source is not None and repo.quiet_discovery:  # `is not None` for mypy
            counts[repo.source] = counts.get(repo.source, 0) + 1
    parts = [
        loc.format("quiet_search" if source == "search" else "quiet_owner", n=n, owner=source)
        for source, n in counts.items()
        if n
    ]
    return loc.format("quiet", groups=loc.join(parts)) if parts else ""


def footer_text(digest: Digest, loc: Locale) -> str:
    # Only what wrote visible text: empty and unreadable repositories have no summary.
    written = {s.method for s in digest.repos if s.status == "ok"} | {digest.overall.method}
    methods = sorted(written, key=lambda m: (m == "extractive", m))
    named = [loc["extractive_method"] if m == "extractive" else m for m in methods]
    return loc.format("generated_by", version=__version__, method=loc.join(named))
