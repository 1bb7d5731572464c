"""Every page of the site, rendered in memory: path -> text.

Links between pages are relative (the site works under any path: a project's GitHub Pages,
a folder opened locally). Nothing here reads a clock or the environment: the same digests
render the same bytes.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import jinja2
from markupsafe import escape

from digest import calendar
from digest.locales import Locale, locale
from digest.models import Digest, Language
from digest.render.rollup import period_label
from digest.render.sections import report_view
from digest.render.site import charts
from digest.render.site.html import Link, fact, joined, link, text, web_url
from digest.render.site.timeline import SERIES, RepoHistory, histories, weeks
from digest.render.view import ReportView

ASSETS = ("assets/site.css", "assets/search.js")
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


def render_pages(reports: list[Report], *, feed: str | None) -> dict[str, str]:
    """The site's pages, assets and feed; `reports` in any order, of any kinds."""
    ordered = sorted(reports, key=lambda r: (r.date, r.kind != "day", r.kind, r.key))
    latest = site_report(reports).digest
    site = Site(title=latest.title, language=latest.language, feed=feed is not None)
    loc = locale(site.language)
    views = {r.path: Shown(r.kind, r.path, report_view(r.digest)) for r in ordered}
    dailies = [r for r in ordered if r.kind == "day"]
    repos = histories([(r.date, r.path, r.digest) for r in dailies], repo_page)
    out: dict[str, str] = {}
    out["index.html"] = _home(site, loc, ordered, views, repos)
    for kind in ("day", "week", "month"):
        same = [r for r in ordered if r.kind == kind]
        for index, report in enumerate(same):
            before = same[index - 1].path if index else None
            after = same[index + 1].path if index + 1 < len(same) else None
            out[report.path] = _report(site, views[report.path], before, after)
    last_day = dailies[-1].date if dailies else latest.activity.window.date
    first_day = dailies[0].date if dailies else last_day
    for history in repos.values():
        out[history.page] = _repo(site, loc, history, first_day, last_day)
    out["archive.html"] = _archive(site, loc, ordered, views)
    out["search.html"] = _render("search.html.j2", Page("search.html"), site, loc)
    for asset in ASSETS:
        name = asset.split("/", 1)[1]
        # As the file holds it: decoded from bytes, so no line ending is translated.
        out[asset] = files(__package__).joinpath("static", name).read_bytes().decode("utf-8")
    if feed is not None:
        out["feed.xml"] = feed
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
class OpenRisk:
    """A risk an earlier report told, still open when the latest report was written."""

    link: Link
    title: str
    repo: str
    told: str  # the date it was first told
    report: str | None  # that report's page, when the archive holds it


def _home(
    site: Site,
    loc: Locale,
    ordered: list[Report],
    views: dict[str, Shown],
    repos: dict[str, RepoHistory],
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
    )


def _listed(shown: Shown, loc: Locale) -> Listed:
    kind = {"day": "", "week": loc["site_weekly"], "month": loc["site_monthly"]}[shown.kind]
    return Listed(shown.path, shown.view.date_label, kind, shown.view.counts)


def _open_risks(latest: ReportView, days: dict[dt.date, str]) -> list[OpenRisk]:
    """The risks earlier reports told that were still open when the latest was written (its
    follow-ups, `follow-days`), oldest first; the latest report's own risks are its own."""
    found = []
    for item in latest.recalled:
        if item.state != "open":
            continue  # resolved in its window
        found.append(
            OpenRisk(
                link=link(f"#{item.number}", item.url),
                title=item.title,
                repo=item.repo,
                told=item.first_told.isoformat(),
                report=days.get(item.first_told),
            )
        )
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
    charted = _activity(loc, history, first, last)
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
        headings=[loc[kind.heading] for kind in SERIES],
        weeks=weeks(history, loc),
    )


@dataclass(frozen=True)
class Charted:
    """A repository's charts (per day, per week) and the weekly numbers as a table: rows of
    (week, the days of it the archive holds when not all, the figures)."""

    charts: list[ChartView]
    table: list[tuple[str, str, list[int]]]


def _activity(loc: Locale, history: RepoHistory, first: dt.date, last: dt.date) -> Charted:
    start = max(first, last - dt.timedelta(days=DAYS_CHARTED - 1))
    days = [start + dt.timedelta(days=k) for k in range((last - start).days + 1)]
    mondays = _mondays(first, last)
    by_day = {d.isoformat(): history.per_day.get(d, {}) for d in days}
    by_week = {
        _week_key(monday): {
            kind.name: sum(
                history.per_day.get(monday + dt.timedelta(days=k), {}).get(kind.name, 0)
                for k in range(7)
            )
            for kind in SERIES
        }
        for monday in mondays
    }
    # The days this repository's reports cover: a week with fewer (the archive's first, the
    # week in progress) or a day with none is no slump, and its column says so.
    reported = {
        _week_key(monday): sum(monday + dt.timedelta(days=k) in history.per_day for k in range(7))
        for monday in mondays
    }
    partial = {key: loc.format("site_days_of_week", n=n) for key, n in reported.items() if n < 7}
    missing = [d.isoformat() for d in days if d not in history.per_day]
    missing_note = loc.count("site_chart_missing_days", len(missing)) if missing else ""
    weeks_note = loc.join([loc.paren(key, days) for key, days in partial.items()])
    partial_note = loc.format("site_chart_partial_weeks", weeks=weeks_note) if partial else ""
    day_keys, week_keys = (
        ("site_chart_days", "site_chart_day_series"),
        ("site_chart_weeks", "site_chart_week_series"),
    )
    daily = _chart(loc, "chart-day", day_keys, by_day, Shaded(missing, missing_note))
    weekly = _chart(loc, "chart-week", week_keys, by_week, Shaded(list(partial), partial_note))
    return Charted(
        charts=[daily, weekly],
        table=[
            (key, partial.get(key, ""), [counts[kind.name] for kind in SERIES])
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
    columns: dict[str, dict[str, int]],
    shaded: Shaded,
) -> ChartView:
    """A bar chart of every kind in SERIES, a column a period (a day or a week): `columns`,
    in order, the counts by kind keyed by the period's label; `keys`: the locale's keys for
    the chart's title (counting the periods) and each series' sentence."""
    titled, described = keys
    title = loc.count(titled, len(columns))
    series = [
        charts.Series(
            loc[kind.heading], f"bar-{kind.name}", [c.get(kind.name, 0) for c in columns.values()]
        )
        for kind in SERIES
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
