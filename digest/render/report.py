"""The dated Markdown report, from a Digest and localized templates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import jinja2

from digest import __version__
from digest.citations import LinkTable
from digest.locales import Locale, locale
from digest.models import Digest, FailureKind, Item, RepoSummary
from digest.render import markdown as md


@dataclass(frozen=True)
class _SectionView:
    title: str
    lines: list[str]


@dataclass(frozen=True)
class _RepoView:
    heading: str
    description: str
    overview: str
    sections: list[_SectionView]


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("digest.render", "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # Markdown, not HTML: every value is escaped by render.markdown
    )


def render_report(digest: Digest, *, base_level: int = 1) -> str:
    """The report; `base_level` 2 demotes every heading, for embedding in the index."""
    loc = locale(digest.language)
    links = LinkTable(digest.activity.repos)
    by_repo = {s.repo: s for s in digest.repos}
    repos = [
        _repo_view(
            activity.repo,
            activity.url,
            activity.description,
            activity.failure,
            by_repo[activity.repo],
            links,
            loc,
        )
        for activity in digest.activity.repos
    ]
    text = (
        _environment()
        .get_template("report.md.j2")
        .render(
            h=_heading_marks(base_level),
            loc=loc,
            title=md.inline(digest.title),
            date=md.inline(loc.date_label(digest.activity.window)),
            window=md.inline(loc.window(digest.activity.window)),
            overview=md.inline_with_code(digest.overall.overview),
            highlights=[_item_line(item, None, links, loc) for item in digest.overall.highlights],
            repos=repos,
            conclusion=md.inline_with_code(digest.overall.conclusion),
            footer=md.inline(_footer(digest, loc)),
        )
    )
    return text.rstrip() + "\n"


def render_pull_body(digest: Digest, report_url: str) -> str:
    """The pull request's description: the overall summary and a link to the report."""
    loc = locale(digest.language)
    links = LinkTable(digest.activity.repos)
    text = (
        _environment()
        .get_template("pull_body.md.j2")
        .render(
            window=md.inline(loc.window(digest.activity.window)),
            overview=md.inline_with_code(digest.overall.overview),
            highlights=[_item_line(item, None, links, loc) for item in digest.overall.highlights],
            report_link=md.link(loc["read_report"], report_url),
            footer=md.inline(_footer(digest, loc)),
        )
    )
    return text.rstrip() + "\n"


def _heading_marks(base_level: int) -> Callable[[int], str]:
    return lambda level: "#" * min(base_level + level - 1, 6)


def _footer(digest: Digest, loc: Locale) -> str:
    # Only what wrote visible text: empty and unreadable repositories have no summary.
    written = {s.method for s in digest.repos if s.status == "ok"} | {digest.overall.method}
    methods = sorted(written, key=lambda m: (m == "extractive", m))
    named = [loc["extractive_method"] if m == "extractive" else m for m in methods]
    return loc.format("generated_by", version=__version__, method=loc.join(named))


# What a reader of the report is told about a repository that could not be read: only a
# transient failure promises that it can still be filled in.
_FAILED_TEXT = {
    "not_found": "failed_not_found",
    "forbidden": "failed_forbidden",
    "rate_limited": "failed_transient",
    "error": "failed_transient",
}


def _repo_view(
    repo: str,
    url: str,
    description: str | None,
    failure: FailureKind | None,
    summary: RepoSummary,
    links: LinkTable,
    loc: Locale,
) -> _RepoView:
    heading = md.link(repo, url) if url else md.inline(repo)
    if summary.status == "failed":
        return _RepoView(heading, "", md.inline(loc[_FAILED_TEXT[failure or "error"]]), [])
    if summary.status == "empty":
        return _RepoView(heading, "", md.inline(loc["empty_repo"]), [])
    sections = [
        _SectionView(md.inline(s.title), [_item_line(i, repo, links, loc) for i in s.items])
        for s in summary.sections
        if s.items
    ]
    overview = md.inline_with_code(summary.overview)
    if summary.fallback:  # the model failed: say so neutrally, the reason stays in the log
        overview = f"{overview} _{md.inline(loc['fallback_note'])}_"
    return _RepoView(heading, md.inline(description or ""), overview, sections)


def _item_line(item: Item, repo: str | None, links: LinkTable, loc: Locale) -> str:
    cited = [found for ref in item.refs if (found := links.resolve(ref, repo))]
    rendered = [
        md.code_link(label, url) if kind == "commit" else md.link(label, url)
        for kind, label, url in cited
    ]
    text = md.inline_with_code(item.text)
    return loc.paren(text, loc.join(rendered)) if rendered else text
