"""The built-in summarizer: deterministic, no model, every point cites what it came from.

Its story is the window's most significant items (significance.py), not its biggest: a
release and what it contains, a breaking change, a regression reported, who did it. The
complete record of the window is rendered from the activity itself, not from here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from digest import kinds
from digest.kinds import KINDS, ByKind
from digest.locales import Locale
from digest.models import (
    Activity,
    Commit,
    FileChange,
    Followup,
    Issue,
    Item,
    Memory,
    OverallSummary,
    PullRequest,
    Release,
    RepoActivity,
    RepoSummary,
    Section,
    TopicItem,
    TopicMatches,
    qualified,
)
from digest.summarize import significance
from digest.summarize.significance import Kind, Signal
from digest.summarize.themes import main_folder, split_title, tags

METHOD = "extractive"
MAX_POINTS = 5  # story points per repository: the rest is in the record
MAX_TOP = 5  # top developments across repositories
MAX_RISKS = 6
MAX_AREAS = 3
MAX_TOPIC_REFS = 5  # items a topic's lead point cites; all of them are in its own section
NOTES_CHARS = 140  # what a release contains, from the first lines of its notes

_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.I)
_LINKED = re.compile(r"\[([^\]\n]*)\]\((?:https?://|www\.)[^)\s]*\)", re.I)  # [text](url)
_AUTOLINK = re.compile(r"<(?:https?://|www\.)[^>\s]*>", re.I)  # <url>
_URL_TAIL = ".,:;!?'\"*_~"  # ends a sentence around a URL, not the URL (as GFM reads one)
_NOTE_LINE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.+)$", re.M)


@dataclass(frozen=True)
class Candidate:
    """One item that could be a point of the story."""

    signal: Signal
    label: str  # the kind, localized ("Fix", "Release"); "" when the text starts with it
    text: str  # plain text; the renderer escapes it
    refs: list[str]
    order: int  # position in the window, to break ties
    # The date an earlier report first told it, when nothing new happened to it since.
    ongoing: dt.date | None = None


# Qualified refs (`owner/name#pr:12`) earlier reports told, with nothing new since, and the
# date first told (Memory.ongoing).
Ongoing = Mapping[str, dt.date]


class BuiltinSummarizer:
    """The Summarizer that needs no model: deterministic and free."""

    def __init__(
        self, loc: Locale, memory: Memory | None = None, topics: Sequence[TopicMatches] = ()
    ):
        self.loc = loc
        self.ongoing: Ongoing = memory.ongoing if memory else {}
        self.earlier = earlier_risks(memory)
        self.topics = topics

    def repo(self, activity: RepoActivity) -> RepoSummary:
        return summarize_repo(activity, self.loc, self.ongoing)

    def overall(self, activity: Activity, repos: list[RepoSummary]) -> OverallSummary:
        return summarize_overall(activity, self.loc, self.ongoing, self.earlier, self.topics)


def earlier_risks(memory: Memory | None) -> list[Followup]:
    """The risks earlier reports told that the report tells under its risks, each with its
    first date: still open, or resolved in this window."""
    return [f for f in memory.followups if f.risk] if memory else []


# -- one repository ------------------------------------------------------------------------


def summarize_repo(
    activity: RepoActivity, loc: Locale, ongoing: Ongoing | None = None
) -> RepoSummary:
    if not activity.ok:
        return RepoSummary(repo=activity.repo, status="failed", method=METHOD)
    if activity.item_count == 0:
        return RepoSummary(repo=activity.repo, status="empty", method=METHOD)
    points = ranked(told_before(activity, candidates(activity, loc), ongoing or {}, loc))
    points = points[:MAX_POINTS]
    sections: dict[str, list[Item]] = {}
    for point in points:
        sections.setdefault(point.label, []).append(Item(text=point.text, refs=point.refs))
    return RepoSummary(
        repo=activity.repo,
        status="ok",
        method=METHOD,
        overview=_repo_overview(activity, loc),
        sections=[Section(title=title, items=items) for title, items in sections.items()],
    )


@dataclass(frozen=True)
class Point:
    """What one kind makes of its items: a point and how significant it is."""

    signal: Signal
    text: str  # plain text; the renderer escapes it
    refs: list[str]


# How each kind is told in the story: its items -> its points, ranked by significance.py.
Points = Callable[[list[Any], Locale], list[Point]]
_POINTS: ByKind[Points] = ByKind("story points")


def candidates(activity: RepoActivity, loc: Locale) -> list[Candidate]:
    """Every point the kinds make, in the table's order."""
    found: list[Candidate] = []
    for kind in KINDS:
        for point in _POINTS[kind](kind.select(activity), loc):
            label = _label(point.text, loc.kind(point.signal.kind))
            found.append(Candidate(point.signal, label, point.text, point.refs, len(found)))
    return found


def _label(text: str, label: str) -> str:
    """A point's label, or none when its text starts by saying it (`Regression after a
    merge`, `Fix the XQA smem size`): the title says what it is, once."""
    said = re.match(rf"{re.escape(label)}(?!\w)", text, re.I)
    return "" if said else label


@_POINTS.register(kinds.RELEASES)
def _release_points(releases: list[Release], loc: Locale) -> list[Point]:
    """Each release, and the nightly builds as one point."""
    points = [
        Point(significance.of_release(r), _release_text(r.name, r.tag, r.body, loc), [r.ref])
        for r in releases
        if not r.nightly
    ]
    if nightlies := [r for r in releases if r.nightly]:
        text = loc.count("nightly_point", len(nightlies), tag=nightlies[-1].tag)
        refs = [r.ref for r in nightlies]
        points.append(Point(significance.of_release(nightlies[-1]), text, refs))
    return points


@_POINTS.register(kinds.MERGED_PULLS)
def _pull_points(pulls: list[PullRequest], loc: Locale) -> list[Point]:
    return [_change_point(pr, significance.of_pull(pr), pr.author, loc) for pr in pulls]


@_POINTS.register(kinds.DIRECT_COMMITS)
def _commit_points(commits: list[Commit], loc: Locale) -> list[Point]:
    return [
        _change_point(c, significance.of_commit(c), c.author_login or c.author_name, loc)
        for c in commits
    ]


def _change_point(
    change: PullRequest | Commit, signal: Signal, author: str | None, loc: Locale
) -> Point:
    """A merged change as a point: its headline, by whom."""
    return Point(signal, _by(_headline(change.title, signal), author, loc), [change.ref])


@_POINTS.register(kinds.OPENED_ISSUES)
def _issue_points(issues: list[Issue], loc: Locale) -> list[Point]:
    points = []
    for issue in issues:
        signal = significance.of_issue(issue)
        text = _title(issue.title)
        if issue.comments:
            text = loc.paren(text, loc.count("comments", issue.comments))
        points.append(Point(signal, text, [issue.ref]))
    return points


@_POINTS.register(kinds.OPENED_PULLS, kinds.CLOSED_ISSUES, kinds.AUTOMATED)
def _untold(items: list[Any], loc: Locale) -> list[Point]:
    """The story tells what landed and what was reported; work still open, issues closed
    and what bots did are in the record only."""
    return []


def ranked(found: list[Candidate]) -> list[Candidate]:
    """Most significant first; what earlier reports already told after what is new."""
    return sorted(found, key=lambda c: (c.ongoing is not None, -c.signal.weight, c.order))


def told_before(
    activity: RepoActivity, found: list[Candidate], ongoing: Ongoing, loc: Locale
) -> list[Candidate]:
    """The candidates, those an earlier report told with nothing new since saying so
    ("ongoing since 2026-02-03") instead of reading as news."""
    marked = []
    for candidate in found:
        dates = [ongoing.get(qualified(activity.repo, ref)) for ref in candidate.refs]
        if candidate.refs and all(dates):
            since = min(d for d in dates if d)
            text = loc.format("ongoing_point", text=candidate.text, date=since.isoformat())
            candidate = replace(candidate, text=text, ongoing=since)
        marked.append(candidate)
    return marked


def _headline(title: str, signal: Signal) -> str:
    """The title without what its label already says: `[Bugfix]`, `perf:`, `Revert`."""
    text = split_title(title)[1]
    if signal.kind is Kind.REVERT:
        text = re.sub(r"^\s*revert\s*:?\s*", "", text, flags=re.I).strip() or text
    return _title(text)


def _by(title: str, author: str | None, loc: Locale) -> str:
    text = _plain(title)
    return loc.format("by_author", text=text, author=author) if author else text


def _plain(text: str) -> str:
    """Third-party text as one line without URLs: a story point links only what it cites.
    A link's text stays; a URL becomes `…`, the punctuation around it kept
    (`Fix crash (see https://…/123).` -> `Fix crash (see …).`)."""
    text = _AUTOLINK.sub("…", _LINKED.sub(r"\1", text))
    return " ".join(_URL.sub(_elided, text).split())


def _elided(url: re.Match[str]) -> str:
    """`…` for a URL, and what followed it that is not part of it: closing punctuation,
    and a `)` or `]` it did not open."""
    found = url.group()
    tail = ""
    while found and (
        found[-1] in _URL_TAIL
        or (found[-1] == ")" and found.count("(") < found.count(")"))
        or (found[-1] == "]" and found.count("[") < found.count("]"))
    ):
        found, tail = found[:-1], found[-1] + tail
    return "…" + tail


def _title(text: str) -> str:
    """A title as a point words it: one plain line, no closing period (a point goes on:
    `…, by ada`), and a quote a cut title left open closed (`"ci: refactor…"`)."""
    text = _plain(text)
    text = re.sub(r"(?<![.])\.$", "", text)
    quote = text.rfind('"')
    if text.count('"') % 2 and (quote == 0 or text[quote - 1].isspace()):
        text += '"'
    if text.count("“") > text.count("”"):
        text += "”"
    return text


def _release_text(name: str, tag: str, notes: str, loc: Locale) -> str:
    title = name if tag in name else loc.paren(name, tag)
    lines = [_plain(m) for m in _NOTE_LINE.findall(notes or "")]
    summary = ""
    for line in (x for x in lines if x):
        joined = f"{summary}; {line}" if summary else line
        if len(joined) > NOTES_CHARS:
            summary = summary or line[:NOTES_CHARS].rstrip() + " …"
            break
        summary = joined
    return loc.format("release_point", name=title, notes=summary) if summary else title


def _themes(title: str, files: list[FileChange] | None, loc: Locale) -> list[str]:
    """Each `[Tag]` (a list in one, `[Fwd,Sm100]`, is several) or the conventional type;
    else the folder the change touched most."""
    named = tags(title) or [kind for kind in [split_title(title)[0]] if kind]
    if not named:
        folder = main_folder(files)
        return [loc.theme("folder", folder=folder)] if folder else []
    return [_theme_name(kind, loc) for kind in named]


def _theme_name(kind: str, loc: Locale) -> str:
    try:
        return loc.theme(kind)
    except KeyError:
        return kind  # a project's own tag, such as [Kernel]


def areas(repos: list[RepoActivity], loc: Locale) -> list[str]:
    """Where the merged work went, most first: `Kernel (5)`, `Fixes (3)`. A project's tags
    in any case are one theme (`[CUTE]`, `[cute]`), named as most often written."""
    counts: Counter[str] = Counter()
    spelled: dict[str, Counter[str]] = {}
    for repo in repos:
        changes: list[tuple[str, list[FileChange] | None]] = [
            (p.title, p.files) for p in kinds.MERGED_PULLS.select(repo)
        ]
        changes += [(c.title, c.files) for c in kinds.DIRECT_COMMITS.select(repo)]
        for title, files in changes:
            for theme in dict.fromkeys(_themes(title, files, loc)):
                counts[theme.casefold()] += 1
                spelled.setdefault(theme.casefold(), Counter())[theme] += 1
    named = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_AREAS]
    # A theme with a single change says nothing about where the work went.
    return [loc.paren(spelled[key].most_common(1)[0][0], str(n)) for key, n in named if n > 1]


def _repo_overview(activity: RepoActivity, loc: Locale) -> str:
    sentences = []
    stable = [r for r in activity.releases if not r.nightly]
    if stable:
        sentences.append(loc.format("released", tags=loc.join([r.tag for r in stable])))
    nightly = len(activity.releases) - len(stable)
    if nightly:
        sentences.append(loc.count("nightlies", nightly))
    if named := areas([activity], loc):
        sentences.append(loc.format("areas", areas=loc.join(named)))
    reported = [
        i
        for i in kinds.OPENED_ISSUES.select(activity)
        if significance.of_issue(i).kind in _REPORTED
    ]
    if reported:
        top = max(reported, key=lambda i: significance.of_issue(i).weight)
        kind = significance.of_issue(top).kind
        title, label = _title(top.title), loc.kind(kind)
        if _label(title, label):
            sentences.append(loc.format("reported", kind=label, title=title))
        else:
            sentences.append(loc.format("reported_titled", title=title))
    return (
        loc.sentences(sentences)
        if sentences
        else loc.format("counts_only", counts=loc.join(loc.counts(kinds.figures(activity))))
    )


_REPORTED = {Kind.SECURITY, Kind.REGRESSION, Kind.PERF_PROBLEM, Kind.BUG, Kind.DISCUSSED}


# -- the whole window ----------------------------------------------------------------------


def summarize_overall(
    activity: Activity,
    loc: Locale,
    ongoing: Ongoing | None = None,
    earlier: Sequence[Followup] = (),
    topics: Sequence[TopicMatches] = (),
) -> OverallSummary:
    """`earlier`: the risks earlier reports told (earlier_risks): told with their first
    date under the risks, they are not told again as this window's own, and the closing
    line names what is still open. `topics`: what the digest's topics matched, which the
    overview and the top developments lead with."""
    total = loc.count("repositories", len(activity.repos))
    active = [r for r in activity.repos if r.active]
    failed = [r.repo for r in activity.repos if not r.ok]
    if not active:
        overview = loc.format("overall_quiet", total=total)
        if failed:
            overview = loc.sentences(
                [overview, loc.format("overall_failed", repos=loc.join(failed))]
            )
        closing = loc.sentences([loc["conclusion_quiet"], *still_open(earlier, loc)])
        return OverallSummary(method=METHOD, overview=overview, conclusion=closing)
    parts = [
        loc.format(
            "overall_active",
            active=len(active),
            total=total,
            counts=loc.join(loc.counts(*(kinds.figures(r) for r in active))),
        )
    ]
    releases = [f"{r.repo} {x.tag}" for r in active for x in r.releases if not x.nightly]
    if releases:
        parts.append(loc.format("overall_releases", releases=loc.join(releases)))
    # positions by name: list.index would compare whole repositories, field by field
    position = {r.repo: n for n, r in enumerate(activity.repos)}
    ranked_repos = sorted(active, key=lambda r: (-_weight(r), position[r.repo]))
    busiest = [
        loc.paren(r.repo, loc.join(loc.counts(kinds.figures(r))[:2])) for r in ranked_repos[:3]
    ]
    parts.append(loc.format("overall_most_active", repos=loc.join(busiest)))
    if failed:
        parts.append(loc.format("overall_failed", repos=loc.join(failed)))
    # What earlier reports told, with nothing new since, is no top development or new risk
    # (the report keeps the risks still open under the risks, with the date first told).
    everything = [
        (repo, c)
        for repo in active
        for c in told_before(repo, candidates(repo, loc), ongoing or {}, loc)
        if c.ongoing is None
    ]
    top = sorted(
        everything, key=lambda rc: (-rc[1].signal.weight, position[rc[0].repo], rc[1].order)
    )
    followed = {qualified(f.repo, f.ref) for f in earlier}
    risks = [
        (r, c)
        for r, c in top
        if c.signal.risk and not followed & {qualified(r.repo, ref) for ref in c.refs}
    ]
    leads = topic_points(activity, topics, loc, ongoing or {})
    led = {ref.lower() for item in leads for ref in item.refs}
    rest = [
        (repo, c)
        for repo, c in top
        if not {qualified(repo.repo, ref).lower() for ref in c.refs} <= led
    ]
    return OverallSummary(
        method=METHOD,
        overview=loc.sentences([*topics_sentences(topics, loc), *parts]),
        highlights=[*leads, *(_cross(repo, c, loc) for repo, c in rest[:MAX_TOP])],
        risks=[_cross(repo, c, loc) for repo, c in risks[:MAX_RISKS]],
        conclusion=_conclusion(active, risks, earlier, activity.window.first, loc),
    )


# -- topics: the story leads with them -----------------------------------------------------


def topics_sentences(topics: Sequence[TopicMatches], loc: Locale) -> list[str]:
    """`On your topics: FP4 / FP8 (3 items), Blackwell (1 item).` and `Nothing on MoE.`: the
    names are the user's own, the figures counted; no third-party text."""
    matched = [t for t in topics if t.items]
    quiet = [t.name for t in topics if not t.items]
    found = []
    if matched:
        named = [loc.count("topic_items", len(t.items), name=t.name) for t in matched]
        found.append(loc.format("overall_topics", topics=loc.join(named)))
    if quiet:
        found.append(loc.format("overall_topics_none", topics=loc.join(quiet)))
    return found


def topic_points(
    activity: Activity, topics: Sequence[TopicMatches], loc: Locale, ongoing: Ongoing
) -> list[Item]:
    """A point per topic that matched, first among the top developments: its most significant
    item (as the story words it), and how many more, citing the first of its items."""
    told: dict[str, tuple[RepoActivity, Candidate]] = {}
    for repo in activity.repos:
        if repo.active:
            for c in told_before(repo, candidates(repo, loc), ongoing, loc):
                for ref in c.refs:
                    told.setdefault(qualified(repo.repo, ref).lower(), (repo, c))
    points = []
    for topic in (t for t in topics if t.items):
        ranked = _most_significant(topic.items, told)
        lead = ranked[0]
        found = told.get(lead.qualified_ref.lower())
        text = found[1].text if found else _title(lead.title)
        values = {"topic": topic.name, "text": text, "repo": lead.repo}
        more = len(ranked) - 1
        line = (
            loc.count("topic_point_more", more, **values)
            if more
            else loc.format("topic_point", **values)
        )
        cited = [item.qualified_ref for item in ranked[:MAX_TOPIC_REFS]]
        points.append(Item(text=line, refs=cited))
    return points


def _most_significant(
    items: list[TopicItem], told: Mapping[str, tuple[RepoActivity, Candidate]]
) -> list[TopicItem]:
    """As the story ranks them; what it does not tell (work still open, issues closed) after,
    each group in the record's order."""

    def weight(item: TopicItem) -> int:
        found = told.get(item.qualified_ref.lower())
        return -found[1].signal.weight if found else 1

    return sorted(items, key=weight)


def _cross(repo: RepoActivity, candidate: Candidate, loc: Locale) -> Item:
    """A point of one repository, told across repositories."""
    key = "cross_point" if candidate.label else "cross_point_titled"
    text = loc.format(key, repo=repo.repo, label=candidate.label, text=candidate.text)
    return Item(text=text, refs=[qualified(repo.repo, ref) for ref in candidate.refs])


def _conclusion(
    active: list[RepoActivity],
    risks: list[tuple[RepoActivity, Candidate]],
    earlier: Sequence[Followup],
    first: dt.date,
    loc: Locale,
) -> str:
    """`first`: the window's first day; a week's or a month's own risks were told by its
    dailies, so they come as `earlier` items first told in it, never as "no risk"."""
    sentences = []
    if named := areas(active, loc):
        sentences.append(loc.format("conclusion_areas", areas=loc.join(named)))
    if risks:
        repo, top = risks[0]
        key = "conclusion_watch" if top.label else "conclusion_watch_titled"
        sentences.append(loc.format(key, label=top.label, text=top.text, repo=repo.repo))
    elif told := told_in_window(earlier, first, loc):
        sentences += [told, *still_open(earlier, loc)]
    elif still := still_open(earlier, loc):
        sentences += [loc["conclusion_no_new_risks"], *still]
    else:
        sentences.append(loc["conclusion_no_risks"])
    return loc.sentences(sentences)


def told_in_window(earlier: Sequence[Followup], first: dt.date, loc: Locale) -> str:
    """`2 risks were reported in this period, the first <title> in <repo>.`: the risks a
    week's or a month's dailies told (first told on or after its `first` day), or ""."""
    told = sorted((f for f in earlier if f.first_told >= first), key=lambda f: f.first_told)
    if not told:
        return ""
    values = {"title": _title(told[0].title), "repo": told[0].repo}
    return loc.count("conclusion_period_risks", len(told), **values)


def still_open(earlier: Sequence[Followup], loc: Locale) -> list[str]:
    """`Still open: <the oldest risk> in <repo>, first told <date>.`, or nothing."""
    still = sorted((f for f in earlier if not f.resolved), key=lambda f: f.first_told)
    if not still:
        return []
    oldest = still[0]
    title = _title(oldest.title)
    values = {"title": title, "repo": oldest.repo, "date": oldest.first_told.isoformat()}
    return [loc.count("conclusion_still_open", len(still), **values)]


def _weight(repo: RepoActivity) -> int:
    merged = len(kinds.MERGED_PULLS.select(repo))
    direct = len(kinds.DIRECT_COMMITS.select(repo))
    return 3 * merged + direct + len(repo.issues) + 5 * len(repo.releases)
