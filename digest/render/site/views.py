"""A digest as the site shows it: text made HTML-safe once, links only from collected urls.

Everything here is data for the templates. Text from GitHub users or a model becomes
`Markup` only through `text()` (escaped, `code spans` kept as code), and a link's target only
through `web_url()` (http or https, nothing else), so no template can be handed markup or a
`javascript:` URL that came from the data.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from markupsafe import Markup, escape

from digest import kinds
from digest.citations import LinkTable
from digest.kinds import KINDS, ByKind
from digest.locales import Locale, locale
from digest.models import (
    Commit,
    Digest,
    Followup,
    Issue,
    Item,
    PullRequest,
    Release,
    RepoActivity,
)
from digest.render import brief
from digest.render.followups import earlier_risk, fate, recalled
from digest.render.rollup import date_label, sources, trend_for, trend_line
from digest.render.sections import FAILED, footer_text, quiet_text

FOLD_AFTER = 10  # record lines; a longer record is folded, as in the Markdown report


def web_url(url: str | None) -> str | None:
    """A collected URL fit for an `href`: http(s) with a host, else None (shown as text)."""
    if not url:
        return None
    url = url.strip()
    scheme, _, rest = url.partition("://")
    if scheme.lower() not in ("http", "https") or not rest or rest[0] in "/?#":
        return None
    return url


def text(value: str) -> Markup:
    """Untrusted text as one line of HTML: escaped, `code spans` as <code> (brief.HTML's
    escaping, the one the feed and mail use)."""
    return Markup(brief.HTML.line(value))


@dataclass(frozen=True)
class Link:
    label: str
    url: str | None  # None: shown as text (not an http(s) URL)
    code: bool = False  # a commit: its SHA as code

    def __html__(self) -> Markup:
        """How Jinja writes it: label and URL escaped (html.escape: a hot path, the record
        of a year of reports writes some 140,000 links)."""
        label = html.escape(self.label)
        label = f"<code>{label}</code>" if self.code else label
        if self.url is None:
            return Markup(label)
        return Markup(f'<a href="{html.escape(self.url)}">{label}</a>')


def joined(links: list[Link], loc: Locale) -> Markup:
    """Links separated as the locale lists things (`, ` or `、`)."""
    return escape(loc["list_sep"]).join(link.__html__() for link in links)


def link(label: str, url: str | None, code: bool = False) -> Link:
    return Link(label, web_url(url), code)


@dataclass(frozen=True)
class Point:
    """A line of a summary and the collected objects it cites."""

    text: Markup
    links: list[Link]
    label: str = ""  # the story's section (`Features`), shown before the text


def points(items: list[Item], table: LinkTable, repo: str | None = None) -> list[Point]:
    """Items with their links; one that cites nothing collected is left out (report.py)."""
    found = []
    for item in items:
        cited = [hit for ref in item.refs if (hit := table.resolve(ref, repo))]
        if cited:
            links = [link(label, url, kind == "commit") for kind, label, url in cited]
            found.append(Point(text(item.text), list(dict.fromkeys(links))))
    return found


# -- the record: every item of a repository's window, grouped by kind (digest/kinds.py) -------


@dataclass(frozen=True)
class Entry:
    """One record line: links, the item's title, its facts (author, labels...)."""

    links: list[Link]
    title: str = ""
    facts: list[str] = field(default_factory=list)
    lead: str = ""  # a folded line's label (`nightly`, `3 automated changes by ...`)


@dataclass(frozen=True)
class Group:
    heading: str
    entries: list[Entry]


Entries = Callable[[list[Any], Locale], list[Entry]]
_ENTRIES: ByKind[Entries] = ByKind("site record entries")


def record(repo: RepoActivity, loc: Locale) -> list[Group]:
    groups = [Group(loc[kind.heading], _ENTRIES[kind](kind.select(repo), loc)) for kind in KINDS]
    return [g for g in groups if g.entries]


def _by(author: str | None, loc: Locale) -> list[str]:
    return [loc.format("record_by", author=author)] if author else []


@_ENTRIES.register(kinds.RELEASES)
def _releases(releases: list[Release], loc: Locale) -> list[Entry]:
    entries = [
        Entry(
            [link(r.tag, r.url)],
            r.name if r.name and r.name != r.tag else "",
            ([loc["record_prerelease"]] if r.prerelease else []) + _by(r.author, loc),
        )
        for r in releases
        if not r.nightly
    ]
    nightly = [link(r.tag, r.url) for r in releases if r.nightly]
    if nightly:
        entries.append(Entry(nightly, lead=loc["record_nightly"]))
    return entries


@_ENTRIES.register(kinds.MERGED_PULLS, kinds.OPENED_PULLS)
def _pulls(pulls: list[PullRequest], loc: Locale) -> list[Entry]:
    return [
        Entry(
            [link(f"#{p.number}", p.url)],
            p.title,
            _by(p.author, loc) + ([loc["record_draft"]] if p.draft else []),
        )
        for p in pulls
    ]


@_ENTRIES.register(kinds.DIRECT_COMMITS)
def _commits(commits: list[Commit], loc: Locale) -> list[Entry]:
    return [
        Entry(
            [link(c.short_sha, c.url, code=True)],
            c.title,
            _by(c.author_login or c.author_name or None, loc),
        )
        for c in commits
    ]


@_ENTRIES.register(kinds.OPENED_ISSUES, kinds.CLOSED_ISSUES)
def _issues(issues: list[Issue], loc: Locale) -> list[Entry]:
    entries = []
    for i in issues:
        facts = _by(i.author, loc)
        facts += [loc.join(i.labels)] if i.labels else []
        facts += [loc.count("comments", i.comments)] if i.comments else []
        facts += [loc["record_closed_too"]] if i.opened_in_window and i.closed_in_window else []
        entries.append(Entry([link(f"#{i.number}", i.url)], i.title, facts))
    return entries


@_ENTRIES.register(kinds.AUTOMATED)
def _automated(changes: list[PullRequest | Commit], loc: Locale) -> list[Entry]:
    if not changes:
        return []
    authors = sorted(
        {(c.author if isinstance(c, PullRequest) else c.author_login) or "?" for c in changes}
    )
    links = [
        link(f"#{c.number}", c.url)
        if isinstance(c, PullRequest)
        else link(c.short_sha, c.url, True)
        for c in changes
    ]
    count = loc.count("automated", len(changes))
    lead = loc.format("automated_line", count=count, authors=loc.join(authors))
    return [Entry(links, lead=lead)]


# -- a report ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RepoView:
    name: str
    url: str | None  # on GitHub
    page: str  # the site's page of the repository
    description: str
    message: str = ""  # instead of a summary: not read, or nothing in the window
    overview: Markup = field(default_factory=Markup)
    note: str = ""  # the built-in summarizer stood in for the model
    story: list[Point] = field(default_factory=list)
    more: str = ""
    counts: str = ""
    groups: list[Group] = field(default_factory=list)
    trend: str = ""  # a weekly or monthly report: against the previous period

    @property
    def folded(self) -> bool:
        return sum(len(g.entries) for g in self.groups) > FOLD_AFTER


@dataclass(frozen=True)
class ReportView:
    kind: str  # day, week, month
    key: str  # 2026-02-04, 2026-W06, 2026-02
    path: str  # the page, from the site's root
    language: str
    title: str
    date_label: str
    window: str
    sources: str  # a weekly or monthly report: where its days came from
    incomplete: str
    overview: Markup
    highlights: list[Point]
    risks: list[Point]  # its own
    earlier_risks: list[Point]  # those earlier reports told: still open, or resolved now
    repos: list[RepoView]
    quiet: str
    conclusion: Markup
    footer: str
    counts: str  # across repositories: `12 commits, 3 merged pull requests, ...`


def report_view(
    kind: str, key: str, path: str, digest: Digest, repo_page: Callable[[str], str]
) -> ReportView:
    loc = locale(digest.language)
    table = LinkTable(digest.activity.repos)
    by_repo = {s.repo: s for s in digest.repos}
    repos = [
        _repo_view(a, by_repo.get(a.repo), table, loc, repo_page(a.repo), _followed(digest, a))
        for a in digest.activity.repos
        if not a.quiet_discovery
    ]
    trends = {
        a.repo: trend_line(trend, digest.rollup, loc)
        for a in digest.activity.repos
        if digest.rollup and (trend := trend_for(digest, a.repo))
    }
    repos = [replace(r, trend=trends.get(r.name, "")) for r in repos]
    incomplete = (
        loc.format("incomplete", repos=loc.join(digest.incomplete), redo=loc["redo_rerun"])
        if digest.incomplete
        else ""
    )
    return ReportView(
        kind=kind,
        key=key,
        path=path,
        language=digest.language,
        title=digest.title,
        date_label=date_label(digest, loc),
        window=loc.window(digest.activity.window),
        sources=sources(digest.rollup, loc) if digest.rollup else "",
        incomplete=incomplete,
        overview=text(digest.overall.overview),
        highlights=points(digest.overall.highlights, table),
        risks=points(digest.overall.risks, table),
        earlier_risks=_earlier_risks(digest, loc),
        repos=repos,
        quiet=quiet_text(digest, loc),
        conclusion=text(digest.overall.conclusion),
        footer=footer_text(digest, loc),
        counts=loc.join(loc.counts(*(r.figures for r in digest.activity.repos if r.ok))),
    )


def _followed(digest: Digest, repo: RepoActivity) -> list[Followup]:
    return digest.memory.of(repo.repo) if digest.memory else []


def _earlier_risks(digest: Digest, loc: Locale) -> list[Point]:
    """Risks earlier reports told (follow-days), as the Markdown report words them."""
    pulls = {(r.repo, p.number): p.url for r in digest.activity.repos for p in r.pulls}
    risks = [earlier_risk(f, pulls, loc) for f in recalled(digest)]
    return [Point(text(r.text), [link(x.label, x.url) for x in r.links]) for r in risks]


def _repo_view(
    activity: RepoActivity,
    summary: Any,
    table: LinkTable,
    loc: Locale,
    page: str,
    followed: list[Followup],
) -> RepoView:
    name, url, about = activity.repo, web_url(activity.url), activity.description or ""
    if summary is None or summary.status == "failed" or not activity.ok:
        message = loc.format(FAILED[activity.failure or "error"], redo=loc["redo_rerun"])
        return RepoView(name, url, page, about, message=message)
    groups = record(activity, loc) + _followed_group(activity, followed, loc)
    if summary.status == "empty":
        return RepoView(name, url, page, about, message=loc["empty_repo"], groups=groups)
    story = [
        Point(p.text, p.links, section.title)
        for section in summary.sections
        for p in points(section.items, table, activity.repo)
    ]
    note = ""
    if summary.fallback:
        note = loc["ungrounded_note" if summary.fallback == "ungrounded" else "fallback_note"]
    cited = {ref for section in summary.sections for item in section.items for ref in item.refs}
    listed = {item.ref for kind in KINDS for item in kind.select(activity)}
    left = len(listed - cited)
    return RepoView(
        name,
        url,
        page,
        about,
        overview=text(summary.overview),
        note=note,
        story=story,
        more=loc.format("more_in_record", n=left) if story and left else "",
        counts=loc.format("record_summary", counts=loc.join(loc.counts(activity.figures))),
        groups=groups,
    )


def _followed_group(activity: RepoActivity, followed: list[Followup], loc: Locale) -> list[Group]:
    """Items earlier reports told, merged or closed in this window, that this window's
    collection does not hold (render/followups.py words what became of them)."""
    collected = {p.ref for p in activity.pulls} | {i.ref for i in activity.issues}
    entries = [
        Entry([link(f"#{f.number}", f.url)], f.title, [fate(f, loc)])
        for f in followed
        if f.resolved and f.ref not in collected
    ]
    return [Group(loc["record_followed"], entries)] if entries else []
