"""The dated Markdown report: the story on top, the complete record underneath.

The story (the overview, top developments, risks, each repository's points) comes from the
summaries; the record comes from the collected activity alone. Every list item links at
least one collected object: a point whose citations resolve to nothing is not shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from digest import kinds
from digest.citations import LinkPolicy, LinkTable, direct
from digest.locales import Locale, locale
from digest.models import Digest, Followup, Item, RepoActivity, RepoSummary, Section
from digest.render import brief
from digest.render import markdown as md
from digest.render.brief import environment, footer_text
from digest.render.followups import followed_group, risk_lines
from digest.render.record import record_refs, render_record
from digest.render.rollup import date_label, sources, trend_for, trend_line

# What a reader of the report (and of the site's pages) is told about a repository that could
# not be read: only a transient failure promises that it can still be filled in.
FAILED_TEXT = {
    "not_found": "failed_not_found",
    "forbidden": "failed_forbidden",
    "rate_limited": "failed_transient",
    "error": "failed_transient",
    "postponed": "failed_postponed",
}


@dataclass(frozen=True)
class _RepoView:
    heading: str
    description: str
    overview: str
    story: list[str]  # list items, each with its links
    more: str  # "…and N more in the record below."
    record: str
    trend: str = ""  # a weekly or monthly report: its figures against the previous period


def render_report(digest: Digest, *, base_level: int = 1, retry_days: int = 0) -> str:
    """The report; `base_level` 2 demotes every heading, for embedding in the index.
    `retry_days`: how many later runs redo an incomplete report (`backfill`)."""
    loc = locale(digest.language)
    links = LinkTable(digest.activity.repos)
    by_repo = {s.repo: s for s in digest.repos}
    redo = loc.format("redo_later", n=retry_days) if retry_days else loc["redo_rerun"]
    repos = [
        _with_trend(
            _repo_view(a, by_repo[a.repo], links, loc, redo, _followed(digest, a.repo)),
            digest,
            a.repo,
            loc,
        )
        for a in digest.activity.repos
        if not a.quiet_discovery
    ]
    quiet = md.inline(quiet_text(digest, loc))
    incomplete = (
        md.inline(loc.format("incomplete", repos=loc.join(digest.incomplete), redo=redo))
        if digest.incomplete
        else ""
    )
    text = (
        environment()
        .get_template("report.md.j2")
        .render(
            h=_heading_marks(base_level),
            loc=loc,
            title=md.inline(digest.title),
            date=md.inline(date_label(digest, loc)),
            window=md.inline(loc.window(digest.activity.window)),
            sources=md.inline(sources(digest.rollup, loc)) if digest.rollup else "",
            incomplete=incomplete,
            overview=md.inline_with_code(digest.overall.overview),
            highlights=_lines(digest.overall.highlights, None, links, loc),
            risks=_lines(digest.overall.risks, None, links, loc) + risk_lines(digest, loc),
            repos=repos,
            quiet=quiet,
            conclusion=md.inline_with_code(digest.overall.conclusion),
            footer=md.inline(footer_text(digest, loc)),
        )
    )
    return text.rstrip() + "\n"


def render_brief(digest: Digest, report_url: str | None, links: LinkPolicy = direct) -> str:
    """The report in brief as GitHub Markdown for a conversation (a pull request's
    description): the overview, top developments, risks and a link to the report. `links`:
    `without_backlinks(...)` where GitHub would tell upstream projects of every link."""
    return brief.render(digest, report_url, brief.GITHUB, links)


def _with_trend(view: _RepoView, digest: Digest, repo: str, loc: Locale) -> _RepoView:
    trend = trend_for(digest, repo)
    if trend is None or digest.rollup is None:
        return view
    return replace(view, trend=md.inline(trend_line(trend, digest.rollup, loc)))


def quiet_text(digest: Digest, loc: Locale) -> str:
    """`No activity in 3 other vllm-project repositories.` (plain text, the site's pages say
    it too): the repositories with nothing in the window, counted by where they were found;
    "" when there are none."""
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


def _heading_marks(base_level: int) -> Callable[[int], str]:
    return lambda level: "#" * min(base_level + level - 1, 6)


def _followed(digest: Digest, repo: str) -> list[Followup]:
    return digest.memory.of(repo) if digest.memory else []


def _repo_view(
    activity: RepoActivity,
    summary: RepoSummary,
    links: LinkTable,
    loc: Locale,
    redo: str,
    followed: Sequence[Followup] = (),
) -> _RepoView:
    heading = md.link(activity.repo, activity.url) if activity.url else md.inline(activity.repo)
    if summary.status == "failed":
        text = loc.format(FAILED_TEXT[activity.failure or "error"], redo=redo)
        return _RepoView(heading, "", md.inline(text), [], "", "")
    if summary.status == "empty":  # but for what became of items told earlier, perhaps
        record = followed_group(activity, followed, loc)
        return _RepoView(heading, "", md.inline(loc["empty_repo"]), [], "", record)
    story = _story(summary.sections, activity.repo, links, loc)
    overview = md.inline_with_code(summary.overview)
    if summary.fallback:  # the model failed: say so neutrally, the reason stays in the log
        note = "ungrounded_note" if summary.fallback == "ungrounded" else "fallback_note"
        overview = f"{overview} _{md.inline(loc[note])}_".strip()
    cited = {ref for section in summary.sections for item in section.items for ref in item.refs}
    left = len(record_refs(activity) - cited)
    more = md.inline(loc.format("more_in_record", n=left)) if story and left else ""
    counts = loc.join(loc.counts(kinds.figures(activity)))
    return _RepoView(
        heading,
        md.inline(activity.description or ""),
        overview,
        story,
        more,
        render_record(activity, counts, loc, followed),
    )


def _story(sections: list[Section], repo: str, links: LinkTable, loc: Locale) -> list[str]:
    lines = []
    for section in sections:
        label = md.inline(section.title)
        for line in _lines(section.items, repo, links, loc):
            lines.append(f"**{label}**{loc['colon']}{line}" if label else line)
    return lines


def _lines(items: list[Item], repo: str | None, links: LinkTable, loc: Locale) -> list[str]:
    """List items with their links; one that cites nothing collected is left out."""
    return [line for item in items if (line := _item_line(item, repo, links, loc))]


def _item_line(item: Item, repo: str | None, links: LinkTable, loc: Locale) -> str | None:
    cited = [found for ref in item.refs if (found := links.resolve(ref, repo))]
    if not cited:
        return None
    rendered = [
        md.code_link(label, url) if kind == "commit" else md.link(label, url)
        for kind, label, url in dict.fromkeys(cited)
    ]
    return loc.paren(md.inline_with_code(item.text), loc.join(rendered))
