"""The built-in summarizer: deterministic, no LLM, every item cites what it came from."""

from __future__ import annotations

from collections import defaultdict

from digest.locales import Locale
from digest.models import (
    Activity,
    Commit,
    FileChange,
    Item,
    OverallSummary,
    PullRequest,
    RepoActivity,
    RepoSummary,
    Section,
    qualified,
)
from digest.summarize.themes import main_folder, split_title

METHOD = "extractive"

MAX_THEMES = 6  # more than this and themes stop helping; the rest go to "Other changes"
MAX_HIGHLIGHTS = 5


class BuiltinSummarizer:
    """The Summarizer that needs no model: deterministic and free."""

    def __init__(self, loc: Locale):
        self.loc = loc

    def repo(self, activity: RepoActivity) -> RepoSummary:
        return summarize_repo(activity, self.loc)

    def overall(self, activity: Activity, repos: list[RepoSummary]) -> OverallSummary:
        return summarize_overall(activity, self.loc)


def summarize_repo(activity: RepoActivity, loc: Locale) -> RepoSummary:
    if not activity.ok:
        return RepoSummary(repo=activity.repo, status="failed", method=METHOD)
    if activity.item_count == 0:
        return RepoSummary(repo=activity.repo, status="empty", method=METHOD)
    themes = _themes(activity.merged_pulls, activity.direct_commits, loc)
    sections = [Section(title=title, items=items) for title, items in themes]
    sections += _other_sections(activity, loc)
    overview = loc.format("repo_overview", counts=loc.join(_counts([activity], loc)))
    if len(themes) > 1 and len(themes[0][1]) > 1:  # a "most of the work" needs a majority
        named = [loc.paren(title, str(len(items))) for title, items in themes[:3]]
        overview = loc.sentences([overview, loc.format("busiest_themes", themes=loc.join(named))])
    return RepoSummary(
        repo=activity.repo, status="ok", method=METHOD, overview=overview, sections=sections
    )


def _themes(
    merged: list[PullRequest], direct: list[Commit], loc: Locale
) -> list[tuple[str, list[Item]]]:
    grouped: dict[str, list[Item]] = defaultdict(list)
    for pr in merged:
        theme, text = _classify(pr.title, pr.files, loc)
        grouped[theme].append(Item(text=text, refs=[pr.ref]))
    for commit in direct:
        theme, text = _classify(commit.title, commit.files, loc)
        grouped[theme].append(Item(text=text, refs=[commit.ref]))
    ranked = sorted(grouped.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    other = loc.theme("other")
    kept = [(t, items) for t, items in ranked if t != other][:MAX_THEMES]
    rest = [item for t, items in ranked if (t, items) not in kept for item in items]
    return kept + ([(other, rest)] if rest else [])


def _classify(title: str, files: list[FileChange] | None, loc: Locale) -> tuple[str, str]:
    kind, text = split_title(title)
    if kind is None:
        folder = main_folder(files)
        return (loc.theme("folder", folder=folder) if folder else loc.theme("other")), text
    try:
        return loc.theme(kind), text
    except KeyError:
        return kind, text  # a project's own tag, such as [Kernel]


def _other_sections(activity: RepoActivity, loc: Locale) -> list[Section]:
    sections = []
    opened = activity.opened_pulls
    if opened:
        items = [Item(text=p.title, refs=[p.ref]) for p in opened]
        sections.append(Section(title=loc["section_opened_pulls"], items=items))
    new_issues = activity.opened_issues
    if new_issues:
        items = [Item(text=_issue_text(i.title, i.labels, loc), refs=[i.ref]) for i in new_issues]
        sections.append(Section(title=loc["section_opened_issues"], items=items))
    closed = activity.closed_issues
    if closed:
        items = [Item(text=i.title, refs=[i.ref]) for i in closed]
        sections.append(Section(title=loc["section_closed_issues"], items=items))
    if activity.releases:
        items = [
            Item(text=_release_text(r.name, r.tag, r.prerelease, loc), refs=[r.ref])
            for r in activity.releases
        ]
        sections.append(Section(title=loc["section_releases"], items=items))
    return sections


def _issue_text(title: str, labels: list[str], loc: Locale) -> str:
    return loc.paren(title, ", ".join(labels)) if labels else title


def _release_text(name: str, tag: str, prerelease: bool, loc: Locale) -> str:
    text = name if tag in name else loc.paren(name, tag)
    return f"{text} — {loc['prerelease']}" if prerelease else text


def _counts(repos: list[RepoActivity], loc: Locale) -> list[str]:
    """`3 commits, 2 merged pull requests, …` over one or several repositories."""
    figures = [
        ("commits", sum(len(r.commits) for r in repos)),
        ("merged_pulls", sum(len(r.merged_pulls) for r in repos)),
        ("opened_pulls", sum(len(r.opened_pulls) for r in repos)),
        ("opened_issues", sum(len(r.opened_issues) for r in repos)),
        ("closed_issues", sum(len(r.closed_issues) for r in repos)),
        ("releases", sum(len(r.releases) for r in repos)),
    ]
    return [loc.count(key, n) for key, n in figures if n]


def summarize_overall(activity: Activity, loc: Locale) -> OverallSummary:
    total = loc.count("repositories", len(activity.repos))
    active = [r for r in activity.repos if r.ok and r.item_count]
    failed = [r.repo for r in activity.repos if not r.ok]
    if not active:
        overview = loc.format("overall_quiet", total=total)
        if failed:
            overview = loc.sentences(
                [overview, loc.format("overall_failed", repos=loc.join(failed))]
            )
        return OverallSummary(method=METHOD, overview=overview, conclusion=loc["conclusion_quiet"])
    parts = [
        loc.format(
            "overall_active",
            active=len(active),
            total=total,
            counts=loc.join(_counts(active, loc)),
        )
    ]
    ranked = sorted(active, key=lambda r: (-_weight(r), activity.repos.index(r)))
    busiest = [loc.paren(r.repo, loc.join(_counts([r], loc)[:2])) for r in ranked[:3]]
    parts.append(loc.format("overall_most_active", repos=loc.join(busiest)))
    releases = [f"{r.repo} {x.tag}" for r in active for x in r.releases]
    if releases:
        parts.append(loc.format("overall_releases", releases=loc.join(releases)))
    if failed:
        parts.append(loc.format("overall_failed", repos=loc.join(failed)))
    return OverallSummary(
        method=METHOD,
        overview=loc.sentences(parts),
        highlights=_highlights(active, loc),
        conclusion=loc.format("conclusion_busy", repo=ranked[0].repo),
    )


def _weight(repo: RepoActivity) -> int:
    merged = len(repo.merged_pulls)
    direct = sum(1 for c in repo.commits if c.pr_number is None)
    return 3 * merged + direct + len(repo.issues) + 5 * len(repo.releases)


def _highlights(active: list[RepoActivity], loc: Locale) -> list[Item]:
    """Releases, then the biggest merged changes, then the most discussed new issues."""
    items = [
        Item(
            text=f"{r.repo}: {_release_text(x.name, x.tag, x.prerelease, loc)}",
            refs=[qualified(r.repo, x.ref)],
        )
        for r in active
        for x in r.releases
    ]
    changes = [(p.additions + p.deletions, r.repo, p) for r in active for p in r.merged_pulls]
    for _, repo, pr in sorted(changes, key=lambda t: (-t[0], t[1], t[2].number))[:3]:
        changed = loc.format("lines_changed", additions=pr.additions, deletions=pr.deletions)
        items.append(
            Item(
                text=f"{repo}: {loc.paren(split_title(pr.title)[1], changed)}",
                refs=[qualified(repo, pr.ref)],
            )
        )
    issues = [(i.comments, r.repo, i) for r in active for i in r.opened_issues if i.comments]
    for _, repo, issue in sorted(issues, key=lambda t: (-t[0], t[1], t[2].number))[:2]:
        items.append(
            Item(
                text=f"{repo}: {loc.paren(issue.title, loc.count('comments', issue.comments))}",
                refs=[f"{repo}#issue:{issue.number}"],
            )
        )
    return items[:MAX_HIGHLIGHTS]
