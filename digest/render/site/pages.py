"""Every page of the site, rendered in memory: path -> text.

Links between pages are relative (the site works under any path: a project's GitHub Pages,
a folder opened locally). Nothing here reads a clock or the environment: the same digests
render the same bytes.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import jinja2
from markupsafe import escape

from digest import calendar
from digest.locales import Locale, locale
from digest.models import Digest, Followup, Language, TopicCounts
from digest.render.rollup import period_label
from digest.render.sections import report_view
from digest.render.site import charts, topics
from digest.render.site.html import Link, fact, joined, link, text, web_url
from digest.render.site.timeline import SERIES, RepoHistory, histories, iso_weeks, weeks
from digest.render.site.topics import TopicHistory
from digest.render.topics import still_open
from digest.render.view import ReportView, Section

ASSETS = ("assets/site.css", "assets/search.js")
TOPIC_ASSETS = ("assets/topics.css",)  # only a site of topics has them: others stay as they were
RECENT = 10  # reports listed on the home page
DAYS_CHARTED = 91  # the daily chart's span: thirteen weeks

# Pages without search run no script at all: their search box is a form sent to the search
# page, which runs Pagefind's script and the site's own (search.js), both from this site;
# Pagefind compiles WebAssembly ('wasm-unsafe-eval', not 'unsafe-eval').
_CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; script-src {script}"
)
_SCRIPT = "'none'"
_SEARCH_SCRIPT = "'self' 'wasm-unsafe-eval'; worker-src 'self'"

_NAME = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class Report:
    """One report of the archive: its kind (day, week, month), its key (`2026-02-04`,
    `2026-W06`, `2026-02`) and its digest."""

    kind: str
    key: str
    digest: Digest

    @classmethod
    def of(cls, digest: Digest) -> Report:
        span = digest.span
        return cls(span.period, span.label, digest)

    @property
    def path(self) -> str:
        return f"reports/{self.key}.html"

    @property
    def date(self) -> dt.date:
        """Its last day: where it sorts and which month it belongs to."""
        return self.digest.activity.window.date


def site_language(digests: list[Digest]) -> Language:
    """The language the site is written (and searched) in: its naming report's."""
    return site_report([Report.of(d) for d in digests]).digest.language


def site_report(reports: list[Report]) -> Report:
    """The report that names the site and sets its language: the latest daily (a monthly
    report's last day is later than the dailies so far, and it has a title of its own)."""
    dailies = [r for r in reports if r.kind == "day"] or reports
    return max(dailies, key=lambda r: (r.date, r.key))


def repo_page(name: str) -> str:
    """`owner/name` -> its page; case-insensitive, as GitHub's names are."""
    if not _NAME.match(name) or name.split("/")[1] in (".", ".."):
        name = re.sub(r"[^a-z0-9_.-]", "-", name.lower().replace("/", "--"))
        return f"repos/_/{name}.html"
    return f"repos/{name.lower()}.html"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("digest.render.site", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=True,  # every value from the data is text unless html.py made it Markup
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


@dataclass(frozen=True)
class Site:
    """What every page shares."""

    title: str
    language: Language
    feed: bool
    topic_feeds: bool = False  # each topic's page has its feed
    topic_pages: frozenset[str] = frozenset()

    def topic_page(self, part: Section) -> str | None:
        """The page of the topic a report's part is about (render/topics.py: a part `topic`
        whose `url` is its page, from the site's root), when the site has it."""
        return part.url if part.key == "topic" and part.url in self.topic_pages else None


class Page:
    """One page being rendered: its path decides how it links to the others."""

    def __init__(self, path: str):
        self.path = path
        self._here = posixpath.dirname(path) or "."
        self._urls: dict[str, str] = {}

    def url(self, target: str) -> str:
        """`target` (from the site's root) as a link from this page."""
        if target not in self._urls:
            self._urls[target] = posixpath.relpath(target, self._here)
        return self._urls[target]


def render_pages(
    reports: list[Report],
    *,
    feed: str | None,
    topic_feed: Callable[[TopicHistory], str] | None = None,
) -> dict[str, str]:
    """The site's pages, assets and feed, and each topic's feed (`topic_feed`); `reports` in
    any order, of any kinds."""
    ordered = sorted(reports, key=lambda r: (r.date, r.kind != "day", r.kind, r.key))
    latest = site_report(reports).digest
    loc = locale(latest.language)
    followed = topics.histories([(r.kind, r.path, r.digest) for r in ordered], loc, latest)
    site = Site(
        title=latest.title,
        language=latest.language,
        feed=feed is not None,
        topic_feeds=topic_feed is not None,
        topic_pages=frozenset(t.page for t in followed),
    )
    views = {r.path: Shown(r.kind, r.path, report_view(r.digest)) for r in ordered}
    dailies = [r for r in ordered if r.kind == "day"]
    repos = histories([(r.date, r.path, r.digest) for r in dailies], repo_page)
    out: dict[str, str] = {}
    out["index.html"] = _home(site, loc, ordered, views, repos, followed)
    for kind in ("day", "week", "month"):
        same = [r for r in ordered if r.kind == kind]
        for index, report in enumerate(same):
            before = same[index - 1].path if index else None
            after = same[index + 1].path if index + 1 < len(same) else None
            out[report.path] = _report(site, views[report.path], before, after)
    days = {r.date: r.path for r in dailies}
    last_day = dailies[-1].date if dailies else latest.activity.window.date
    first_day = dailies[0].date if dailies else last_day
    for history in repos.values():
        out[history.page] = _repo(site, loc, history, first_day, last_day)
    for topic in followed:
        out[topic.page] = _topic(site, loc, topic, _still_open(topic, latest, days))
    out["archive.html"] = _archive(site, loc, ordered, views)
    out["search.html"] = _render("search.html.j2", Page("search.html"), site, loc)
    for asset in ASSETS + (TOPIC_ASSETS if followed else ()):
        name = asset.split("/", 1)[1]
        # As the file holds it: decoded from bytes, so no line ending is translated.
        out[asset] = files(__package__).joinpath("static", name).read_bytes().decode("utf-8")
    if feed is not None:
        out["feed.xml"] = feed
    if topic_feed is not None:
        for topic in followed:
            out[topic.feed] = topic_feed(topic)
    return out


def _render(template: str, page: Page, site: Site, loc: Locale, **values: Any) -> str:
    search = template == "search.html.j2"
    csp = _CSP.format(script=_SEARCH_SCRIPT if search else _SCRIPT)
    return (
        environment()
        .get_template(template)
        .render(
            page=page,
            site=site,
            loc=loc,
            csp=csp,
            url=page.url,
            paren=lambda text, inner: escape(loc["paren"]).format(text=text, inner=inner),
            joined=joined,
            text=text,
            fact=fact,
            web=web_url,
            repo_page=repo_page,
            **values,
        )
    )


# -- home --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A report as the site shows it: its kind, its page, its view."""

    kind: str
    path: str
    view: ReportView


@dataclass(frozen=True)
class Listed:
    """A report in a list: where it is, its date, what its window held."""

    path: str
    label: str
    kind: str
    counts: str


@dataclass(frozen=True)
class StillOpen:
    """An item an earlier report told (a risk, or what a topic matched), still open when the
    latest report was written."""

    link: Link
    title: str
    repo: str
    told: str  # the date it was first told
    report: str | None  # that report's page, when the archive holds it

    @classmethod
    def of(cls, item: Followup, days: dict[dt.date, str]) -> StillOpen:
        """`item`, linked to the report that first told it (`days`: date -> page)."""
        return cls(
            link=link(f"#{item.number}", item.url),
            title=item.title,
            repo=item.repo,
            told=item.first_told.isoformat(),
            report=days.get(item.first_told),
        )


def _home(
    site: Site,
    loc: Locale,
    ordered: list[Report],
    views: dict[str, Shown],
    repos: dict[str, RepoHistory],
    followed: list[TopicHistory],
) -> str:
    by_kind = {kind: [r for r in ordered if r.kind == kind] for kind in ("day", "week", "month")}
    latest = by_kind["day"][-1] if by_kind["day"] else ordered[-1]
    week = by_kind["week"][-1] if by_kind["week"] else None
    month = by_kind["month"][-1] if by_kind["month"] else None
    page = Page("index.html")
    recent = [_listed(views[r.path], loc) for r in reversed(by_kind["day"][-RECENT:])]
    return _render(
        "home.html.j2",
        page,
        site,
        loc,
        latest=views[latest.path],
        week=views[week.path] if week else None,
        month=views[month.path] if month else None,
        open_risks=_open_risks(views[latest.path].view, {r.date: r.path for r in by_kind["day"]}),
        recent=recent,
        repos=sorted(repos.values(), key=lambda h: h.name.lower()),
        totals={key: _totals(h, loc) for key, h in repos.items()},
        topics=[(t, _recent(t, latest.date, loc)) for t in followed],
    )


def _recent(topic: TopicHistory, last: dt.date, loc: Locale) -> str:
    """What a topic matched in the last days of the archive (`2 merged pull requests`)."""
    first = last - dt.timedelta(days=topics.RECENT_DAYS - 1)
    counts = _topic_counts(topic.total(first, last), loc)
    return loc.format("site_topic_recent", counts=counts) if counts else loc["site_topic_quiet"]


def _topic_counts(counts: TopicCounts, loc: Locale) -> str:
    figures = counts.model_dump()
    return loc.join(loc.counts([(kind.counted, figures[key]) for key, kind in topics.COUNTED]))


def _listed(shown: Shown, loc: Locale) -> Listed:
    kind = {"day": "", "week": loc["site_weekly"], "month": loc["site_monthly"]}[shown.kind]
    return Listed(shown.path, shown.view.date_label, kind, shown.view.counts)


def _open_risks(latest: ReportView, days: dict[dt.date, str]) -> list[StillOpen]:
    """The risks earlier reports told that were still open when the latest was written (its
    follow-ups, `follow-days`), oldest first; the latest report's own risks are its own."""
    # not those resolved in its window
    found = [StillOpen.of(item, days) for item in latest.recalled if item.state == "open"]
    return sorted(found, key=lambda r: (r.told, r.repo, r.link.label))


def _totals(history: RepoHistory, loc: Locale) -> str:
    return loc.join(loc.counts([(kind.counted, history.total(kind)) for kind in SERIES]))


# -- a report ----------------------------------------------------------------------------------


def _report(site: Site, shown: Shown, before: str | None, after: str | None) -> str:
    view = shown.view
    loc = locale(view.language)
    return _render(
        "report.html.j2", Page(shown.path), site, loc, report=view, before=before, after=after
    )


# -- a repository ------------------------------------------------------------------------------


def _repo(site: Site, loc: Locale, history: RepoHistory, first: dt.date, last: dt.date) -> str:
    rows = [Row(kind.name, loc[kind.heading], f"bar-{kind.name}") for kind in SERIES]
    charted = _activity(loc, history.per_day, rows, (first, last), "site_chart_missing_days")
    return _render(
        "repo.html.j2",
        Page(history.page),
        site,
        loc,
        repo=history,
        totals=_totals(history, loc),
        releases=sorted(history.releases, key=lambda e: (e.date, e.link.label), reverse=True),
        charts=charted.charts,
        table=charted.table,
        headings=[row.name for row in rows],
        weeks=weeks(history, loc),
    )


# -- a topic -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicWeek:
    key: str  # 2026-W06
    label: str  # 2026-02-02 to 2026-02-08
    counts: str
    items: list[topics.Matched]  # the latest first


def _topic(site: Site, loc: Locale, topic: TopicHistory, still_open: list[StillOpen]) -> str:
    counts = {day: c.model_dump() for day, c in topic.per_day.items()}
    # A row for each kind it matched (none at all: no chart, the page says so).
    rows = [
        Row(key, loc[kind.heading], f"bar-{kind.name}")
        for key, kind in topics.COUNTED
        if any(day[key] for day in counts.values())
    ]
    span = (min(counts), max(counts)) if counts else None
    missing = "site_chart_missing_topic_days"
    charted = _activity(loc, counts, rows, span, missing) if rows and span else None
    followed = [f.digest.span for f in topic.reports]
    return _render(
        "topic.html.j2",
        Page(topic.page),
        site,
        loc,
        topic=topic,
        since=loc.format(
            "site_topic_since",
            first=min(s.first for s in followed),
            last=max(s.last for s in followed),
        ),
        totals=_topic_counts(sum(topic.per_day.values(), TopicCounts()), loc),
        charts=charted.charts if charted else [],
        table=charted.table if charted else [],
        headings=[row.name for row in rows],
        weeks=_topic_weeks(topic, loc),
        still_open=still_open,
    )


def _still_open(topic: TopicHistory, latest: Digest, days: dict[dt.date, str]) -> list[StillOpen]:
    """What the topic matched in earlier reports that was still open when `latest` (the
    site's latest daily) was written, oldest first (as its report counts them)."""
    matches = [m for m in latest.topics if m.topic.slug == topic.slug]
    return [StillOpen.of(f, days) for f in (still_open(matches[0], latest) if matches else [])]


def _topic_weeks(topic: TopicHistory, loc: Locale) -> list[TopicWeek]:
    """The topic's timeline by ISO week, the latest first; in a week, the latest day first,
    each day's items in the order its report lists them."""
    return [
        TopicWeek(
            key,
            days,
            _topic_counts(sum((m.counts for m in items), TopicCounts()), loc),
            sorted(items, key=lambda m: m.date, reverse=True),  # stable: the report's order
        )
        for key, days, items in iso_weeks(topic.items, lambda m: m.date, loc)
    ]


@dataclass(frozen=True)
class Charted:
    """A page's charts (per day, per week) and the weekly numbers as a table: rows of
    (week, the days of it the archive holds when not all, the figures)."""

    charts: list[ChartView]
    table: list[tuple[str, str, list[int]]]


@dataclass(frozen=True)
class Row:
    """A series of a chart: its key in the day's figures, its name, its bars' class."""

    key: str
    name: str
    css: str


def _activity(
    loc: Locale,
    per_day: Mapping[dt.date, Mapping[str, int]],
    rows: list[Row],
    span: tuple[dt.date, dt.date],
    missing_key: str,
) -> Charted:
    """The charts of `per_day` (each day the archive reports on: its figures by row key)
    from `span`'s first day to its last; `missing_key`: the locale's note on days with no
    report."""
    first, last = span
    start = max(first, last - dt.timedelta(days=DAYS_CHARTED - 1))
    days = [start + dt.timedelta(days=k) for k in range((last - start).days + 1)]
    mondays = _mondays(first, last)
    by_day = {d.isoformat(): per_day.get(d, {}) for d in days}
    by_week = {
        _week_key(monday): {
            row.key: sum(
                per_day.get(monday + dt.timedelta(days=k), {}).get(row.key, 0) for k in range(7)
            )
            for row in rows
        }
        for monday in mondays
    }
    # The days the reports cover: a week with fewer (the archive's first, the week in
    # progress) or a day with none is no slump, and its column says so.
    reported = {
        _week_key(monday): sum(monday + dt.timedelta(days=k) in per_day for k in range(7))
        for monday in mondays
    }
    partial = {key: loc.format("site_days_of_week", n=n) for key, n in reported.items() if n < 7}
    missing = [d.isoformat() for d in days if d not in per_day]
    missing_note = loc.count(missing_key, len(missing)) if missing else ""
    weeks_note = loc.join([loc.paren(key, days) for key, days in partial.items()])
    partial_note = loc.format("site_chart_partial_weeks", weeks=weeks_note) if partial else ""
    day_keys, week_keys = (
        ("site_chart_days", "site_chart_day_series"),
        ("site_chart_weeks", "site_chart_week_series"),
    )
    daily = _chart(loc, "chart-day", day_keys, by_day, Shaded(missing, missing_note), rows)
    weekly = _chart(
        loc, "chart-week", week_keys, by_week, Shaded(list(partial), partial_note), rows
    )
    return Charted(
        charts=[daily, weekly],
        table=[
            (key, partial.get(key, ""), [counts[row.key] for row in rows])
            for key, counts in reversed(by_week.items())
        ],
    )


def _mondays(first: dt.date, last: dt.date) -> list[dt.date]:
    monday = first - dt.timedelta(days=first.weekday())
    found = []
    while monday <= last:
        found.append(monday)
        monday += dt.timedelta(days=7)
    return found


def _week_key(monday: dt.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class ChartView:
    title: str
    svg: Any  # Markup
    note: str  # which columns are shaded, and why ("" when none is)


@dataclass(frozen=True)
class Shaded:
    """The columns of a chart the archive covers only in part, and the note that says so."""

    columns: list[str]
    note: str


def _chart(
    loc: Locale,
    id: str,
    keys: tuple[str, str],
    columns: Mapping[str, Mapping[str, int]],
    shaded: Shaded,
    rows: list[Row],
) -> ChartView:
    """A bar chart of `rows`, a column a period (a day or a week): `columns`, in order, the
    figures by row keyed by the period's label; `keys`: the locale's keys for the chart's
    title (counting the periods) and each series' sentence."""
    titled, described = keys
    title = loc.count(titled, len(columns))
    series = [
        charts.Series(row.name, row.css, [c.get(row.key, 0) for c in columns.values()])
        for row in rows
    ]
    sentences = [loc.format(described, name=s.name, total=s.total, peak=s.peak) for s in series]
    labels = list(columns)
    chart = charts.Chart(
        id,
        title,
        loc.sentences([*sentences, shaded.note] if shaded.note else sentences),
        labels[0],
        labels[-1],
        series,
        loc["site_chart_peak"],
        tuple(labels.index(key) for key in shaded.columns),
    )
    return ChartView(title, charts.svg(chart), shaded.note)


# -- the archive -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    key: str
    label: str
    reports: list[Listed]


def _archive(site: Site, loc: Locale, ordered: list[Report], views: dict[str, Shown]) -> str:
    months: dict[str, list[Report]] = {}
    for report in ordered:
        months.setdefault(report.date.strftime("%Y-%m"), []).append(report)
    listed = [
        Month(
            key,
            period_label(calendar.of("month", reports[0].date), loc),
            [
                _listed(views[r.path], loc)
                for r in sorted(reports, key=_archive_order, reverse=True)
            ],
        )
        for key, reports in sorted(months.items(), reverse=True)
    ]
    return _render("archive.html.j2", Page("archive.html"), site, loc, months=listed)


def _archive_order(report: Report) -> tuple[int, dt.date, str]:
    """Within a month: the monthly report first, then the weeks, then the days."""
    return ({"month": 2, "week": 1}.get(report.kind, 0), report.date, report.key)
