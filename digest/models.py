"""The data that crosses pipeline stages.

Every model round-trips through JSON so a stage can run in another process or job
(`digest collect` writes an Activity, `digest report --activity FILE` reads it back).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from typing import Final, Literal, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
)

from digest import calendar
from digest.calendar import Period, Span, Window, parse
from digest.failures import FailureKind

# The shape of the files digest writes (sidecars, Activity files, partial digests). Bump it
# whenever that shape changes, and add the step that upgrades the previous version in
# digest/upgrades.py: files any earlier release wrote are read through those steps.
SCHEMA_VERSION = 4

Language = Literal["en", "zh"]
PublishMode = Literal["commit", "pull-request", "none"]
AnnounceMode = Literal["none", "issue", "discussion"]


# Characters no text digest keeps, whoever wrote it (a title, a file name, a model's
# answer): those XML 1.0 forbids (C0 controls but tab, newline and carriage return; lone
# surrogates; U+FFFE, U+FFFF), which would stop the feed from being written, C1 controls and
# DEL, and the bidirectional embeddings, overrides and isolates, which would turn around
# what a reader sees after them on the line (digest's own words, a link's label).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]"
)


def plain(text: str) -> str:
    """`text` without the characters no file of digest keeps (`_UNSAFE`)."""
    return _UNSAFE.sub("", text) if _UNSAFE.search(text) else text


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _plain(cls, value: object) -> object:
        """Every text of every model, and of its lists, kept `plain`: whatever reaches a
        file went through a model, so none of them holds such a character."""
        if isinstance(value, str):
            return plain(value)
        if isinstance(value, list) and any(isinstance(v, str) for v in value):
            return [plain(v) if isinstance(v, str) else v for v in value]
        return value

    def updated(self, **changes: object) -> Self:
        """A copy with `changes`, checked as a new model is: a field it does not have, or a
        value of the wrong type, raises (`model_copy(update=...)` checks neither)."""
        fields = {name: getattr(self, name) for name in type(self).model_fields}
        fields.update(changes)
        return self.model_validate(fields)


class Layout(Frozen):
    """Where a digest's files live in the target repository: the one definition of paths.
    A report is named by its span's key, in its period's folder."""

    reports_dir: str
    index_file: str

    @property
    def feed(self) -> str:
        return f"{self.reports_dir}/feed.xml"

    def topic_feed(self, slug: str) -> str:
        """A topic's feed (`Topic.slug`), beside the reports' own: `reports/topics/fp4-fp8.xml`."""
        return f"{self.reports_dir}/topics/{slug}.xml"

    def folder(self, period: Period) -> str:
        """Dailies live directly in `reports_dir`; weeks and months in folders of their own."""
        return self.reports_dir if period == "day" else f"{self.reports_dir}/{_FOLDERS[period]}"

    def report_of(self, span: Span) -> str:
        """`reports/2026-02-04.md`, `reports/weekly/2026-W06.md`, `reports/monthly/2026-02.md`."""
        return f"{self.folder(span.period)}/{span.label}.md"

    def sidecar_of(self, span: Span) -> str:
        return f"{self.folder(span.period)}/{span.label}.json"

    def spans(self, period: Period, paths: Iterable[str]) -> set[Span]:
        """The periods of kind `period` with a report among repository paths (a day's: that
        day alone, as its file is named; `2026-02-30.md` is not one of ours)."""
        found = set()
        for path in paths:
            folder, _, name = path.rpartition("/")
            stem, dot, ext = name.rpartition(".")
            if folder == self.folder(period) and dot and ext == "md":
                span = parse(period, stem)
                if span is not None:
                    found.add(span)
        return found


_FOLDERS = {"week": "weekly", "month": "monthly"}

Stage = Literal["run", "collect", "summarize", "report", "site"]


class Shard(Frozen):
    """The K-th of N shards of a digest's repositories: `K/N`."""

    number: int
    total: int

    def __str__(self) -> str:
        return f"{self.number}/{self.total}"


class Target(Frozen):
    """Where a run publishes: a GitHub repository (one commit or a pull request) or a
    local directory."""

    mode: PublishMode
    repo: str | None = None  # set unless mode is "none"
    branch: str | None = None  # None: the repository's default branch
    directory: str = "."  # mode "none"


class GitHubSetup(Frozen):
    api_url: str
    server_url: str
    token: SecretStr | None = Field(None, exclude=True)


class ModelSetup(Frozen):
    """The model a digest is summarized with: `models[0]`, then the fallbacks."""

    models: list[str]
    api_base: str | None = None
    api_key: SecretStr | None = Field(None, exclude=True)
    max_input_tokens: int | None = None


class Topic(Frozen):
    """A topic followed across repositories (`topics`). It matches an item of the window by
    one of its words or phrases in the item's text, one of its labels, or one of its globs
    over the files the item changed; in every repository, or only those `repos` names.
    Declared and checked in digest/topics/declared.py, matched in digest/topics/matching.py."""

    name: str
    match: list[str] = Field(default_factory=list)  # case-insensitive whole words; CJK as written
    labels: list[str] = Field(default_factory=list)  # case-insensitive
    paths: list[str] = Field(default_factory=list)  # globs: `*` within a folder, `**` across
    repos: list[str] = Field(default_factory=list)  # `owner/name`, `owner/*`; empty: every one

    @property
    def slug(self) -> str:
        """The topic's name in file names and URLs (its page, its feed): `FP4 / FP8` ->
        `fp4-fp8`; a name with other letters than ASCII's gets a short hash of itself,
        `低精度` -> `topic-1c6e3a5f`, so every topic has one (declared.py keeps them apart)."""
        words = re.sub(r"[^a-z0-9]+", "-", self.name.casefold()).strip("-")
        if words and self.name.isascii():
            return words
        digest = hashlib.sha256(self.name.casefold().encode()).hexdigest()[:8]
        return f"{words}-{digest}" if words else f"topic-{digest}"


class Job(Frozen):
    """One report: a digest's repositories over one span of days in a time zone, written to
    one layout. A day's is collected; a week's or a month's is built from its dailies."""

    repos: list[str]
    span: Span  # a day (with `days: N`, the N days to it), an ISO week or a month
    timezone: str  # IANA: where the span's days begin and end
    language: Language
    title: str | None
    layout: Layout
    model: ModelSetup | None = None
    exclude_authors: list[str] = Field(default_factory=list)
    feed: bool = True  # keep `feed.xml` in the reports folder
    follow_days: int = 14  # how far back items told by earlier reports are followed (0: off)
    # Discovery, beside `repos`: owners whose public repositories are followed, a search,
    # and patterns of owner/name to leave out of what they find.
    orgs: list[str] = Field(default_factory=list)
    search: str | None = None
    exclude: list[str] = Field(default_factory=list)
    topics: list[Topic] = Field(default_factory=list)  # followed across its repositories

    @property
    def period(self) -> Period:
        return self.span.period

    @property
    def window(self) -> Window:
        """Its span in its time zone: what GitHub is asked about."""
        return calendar.window(self.span, self.timezone)

    def on(self, span: Span) -> Job:
        """The same digest over other days (an earlier date for backfill, a rollup's day)."""
        return self.updated(span=span)

    def with_repos(self, repos: list[str]) -> Job:
        return self.updated(repos=repos)


class Announce(Frozen):
    """`announce`: each new report also posted as a GitHub issue or discussion."""

    mode: AnnounceMode = "none"
    category: str = "Announcements"  # discussions only
    keep: int = 1  # how many of the latest digest threads stay open


class Notification(Frozen):
    """A chat or mail channel (`notify`): an Apprise URL, a secret, and the topics it is
    limited to (`notify-topics`, or its own in a configuration file): told only of reports
    where one of them matched, leading with those. None: told of every report."""

    url: SecretStr
    topics: list[str] = Field(default_factory=list)  # as declared (`Topic.name`)


class Plan(Frozen):
    """What a run will do, decided and validated before any network call."""

    stage: Stage
    jobs: list[Job]
    target: Target
    github: GitHubSetup
    max_concurrency: int = 8
    fail_on_error: bool = False
    backfill: int = 0  # days before the job's date whose missing or incomplete reports to write
    notify: list[Notification] = Field(default_factory=list, exclude=True)  # secrets
    announce: Announce = Announce()
    site_dir: str = "_site"  # site: where the static site is written
    site_url: str | None = None  # site: where it is served, when known (ends with `/`)
    output: str | None = None  # collect, summarize: the file written ("-": stdout)
    shard: Shard | None = None  # collect: which part of the repositories
    activity: Activity | None = None  # summarize, report: the collected activity read
    summaries: list[RepoSummary] | None = None  # report: from partial digests


class FileChange(Frozen):
    path: str
    status: str  # GitHub REST vocabulary: added, modified, removed, renamed, copied, changed
    additions: int = 0
    deletions: int = 0
    previous_path: str | None = None


class Commit(Frozen):
    sha: str
    message: str
    url: str
    author_login: str | None = None
    author_name: str = ""
    committed_at: AwareDatetime
    additions: int = 0
    deletions: int = 0
    changed_files: int | None = None
    # None when GitHub was not asked: commits that came in through a PR share the PR's files.
    files: list[FileChange] | None = None
    pr_number: int | None = None
    # By one of `exclude-authors` (bots): counted and linked on one line, not told about.
    automated: bool = False

    @property
    def short_sha(self) -> str:
        return self.sha[:7]

    @property
    def ref(self) -> str:
        return f"commit:{self.short_sha}"

    @property
    def title(self) -> str:
        return self.message.split("\n", 1)[0].strip()


class PullRequest(Frozen):
    number: int
    title: str
    url: str
    author: str | None = None
    labels: list[str] = Field(default_factory=list)
    body: str = ""
    state: Literal["open", "closed", "merged"]
    draft: bool = False
    created_at: AwareDatetime
    merged_at: AwareDatetime | None = None
    merge_commit_sha: str | None = None
    # Classified once, by collect, against the report's window and `exclude-authors`.
    merged_in_window: bool
    opened_in_window: bool
    # GitHub's global id, by which a later report follows it (None in sidecars of version
    # 2 and before: followed by repository and number instead).
    node_id: str | None = None
    closed_at: AwareDatetime | None = None  # merged or closed without merging
    # Issues of the same repository it closes when merged (GitHub's closingIssuesReferences).
    closes: list[int] = Field(default_factory=list)
    automated: bool = False
    additions: int = 0
    deletions: int = 0
    changed_files: int = 0
    files: list[FileChange] = Field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"pr:{self.number}"


class Issue(Frozen):
    number: int
    title: str
    url: str
    author: str | None = None
    labels: list[str] = Field(default_factory=list)
    body: str = ""
    state: Literal["open", "closed"]
    created_at: AwareDatetime
    closed_at: AwareDatetime | None = None
    comments: int = 0
    # Classified once, by collect, against the report's window.
    opened_in_window: bool
    closed_in_window: bool
    node_id: str | None = None  # GitHub's global id, as on PullRequest
    # GitHub's IssueStateReason: COMPLETED, NOT_PLANNED, DUPLICATE, REOPENED (None: open, or
    # not asked by the digest that wrote the file).
    state_reason: str | None = None

    @property
    def ref(self) -> str:
        return f"issue:{self.number}"


# Scheduled builds: `nightly-v0.6.2-20260204`, `v0.7.0.dev20260204`, `dev-20260204`.
_NIGHTLY = re.compile(r"nightly|\.dev\d|[-.]dev[-.]?\d{6,}", re.I)


def is_nightly(tag: str, name: str) -> bool:
    """A release that is a scheduled build, by its tag or name: collapsed in reports."""
    return bool(_NIGHTLY.search(tag) or _NIGHTLY.search(name))


class Release(Frozen):
    tag: str
    name: str
    url: str
    author: str | None = None
    published_at: AwareDatetime
    prerelease: bool = False
    nightly: bool = False  # a scheduled build (nightly-*, .devYYYYMMDD): collapsed in reports
    body: str = ""

    @property
    def ref(self) -> str:
        return f"release:{self.tag}"


class RepoActivity(Frozen):
    """One repository's activity in the window, or why it could not be read."""

    repo: str
    url: str
    default_branch: str | None = None
    description: str | None = None
    # Where discovery found it (an owner in `orgs`, or "search"); None when listed in `repos`.
    source: str | None = None
    # Set when collection failed; a category only: the details go to the log, never to files.
    failure: FailureKind | None = None
    commits: list[Commit] = Field(default_factory=list)
    pulls: list[PullRequest] = Field(default_factory=list)
    issues: list[Issue] = Field(default_factory=list)
    releases: list[Release] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failure is None

    @property
    def item_count(self) -> int:
        return len(self.commits) + len(self.pulls) + len(self.issues) + len(self.releases)

    @property
    def active(self) -> bool:
        """Read, and something happened in the window: what "N of M repositories had
        activity" counts, and what a model is asked to summarize."""
        return self.ok and self.item_count > 0

    @property
    def quiet_discovery(self) -> bool:
        """Found by discovery, read, and nothing in the window (a push to another branch):
        counted with the quiet ones rather than given a section. Listed ones keep theirs."""
        return self.source is not None and self.ok and not self.active


class QuietGroup(Frozen):
    """Discovered repositories with no push in the window: counted, never collected."""

    source: str  # an owner in `orgs`, or "search"
    count: int


class Discovery(Frozen):
    """What discovery found: every repository to collect, in order, and the quiet ones."""

    repos: list[str]
    sources: dict[str, str] = Field(default_factory=dict)  # discovered name -> source
    quiet: list[QuietGroup] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # such as a search GitHub capped


class Activity(Frozen):
    schema_version: int = SCHEMA_VERSION
    tool_version: str
    window: Window
    repos: list[RepoActivity]
    quiet: list[QuietGroup] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    # A shard's file: which shard, and every repository of the digest in order (to merge).
    shard: Shard | None = None
    order: list[str] = Field(default_factory=list)
    # What this run cost; left out of the JSON so that reruns write identical files.
    github_requests: int = Field(0, exclude=True)

    def replacing(self, fresh: Activity) -> Activity:
        """This activity with the repositories `fresh` holds collected again (in place)."""
        by_name = {r.repo.lower(): r for r in fresh.repos}
        repos = [by_name.get(r.repo.lower(), r) for r in self.repos]
        return self.updated(repos=repos, github_requests=fresh.github_requests)


def qualified(repo: str, ref: str) -> str:
    """`pr:12` of `owner/name` as cited across repositories: `owner/name#pr:12`."""
    return f"{repo}#{ref}"


class Item(Frozen):
    """One line of a summary: text plus the collected objects it cites.

    `refs` are ids such as `pr:34049`, `commit:78a0091`, `issue:2496`, `release:v4.4.0`
    (each collected object's `.ref`), or `owner/name#pr:34049` across repositories; the
    link table turns them into links, so summaries never carry URLs of their own.
    """

    text: str
    refs: list[str] = Field(default_factory=list)


class Section(Frozen):
    title: str
    items: list[Item]


class Usage(Frozen):
    llm_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None

    @property
    def cost(self) -> float | None:
        """What the calls cost in USD: 0 when there was none (the built-in summarizer); None
        when the provider's price is not known."""
        return 0.0 if self.llm_calls == 0 else self.cost_usd

    def __add__(self, other: Usage) -> Usage:
        costs = [c for c in (self.cost_usd, other.cost_usd) if c is not None]
        return Usage(
            llm_calls=self.llm_calls + other.llm_calls,
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            cost_usd=sum(costs) if costs else None,
        )


class RepoSummary(Frozen):
    repo: str
    status: Literal["ok", "empty", "failed"]
    method: str  # "extractive" or the litellm model id that wrote it
    overview: str = ""
    sections: list[Section] = Field(default_factory=list)
    usage: Usage = Usage()
    # Identifies the input and model; a rerun with the same key reuses this summary.
    cache_key: str | None = None
    # Why the model's summary was replaced by the built-in one: a category, never the error
    # ("ungrounded": the answer cited too little of what was collected).
    fallback: str | None = None
    # Of the model's points: how many cited something collected and were kept.
    points_kept: int | None = None
    points_dropped: int | None = None
    # Taken from the previous sidecar: `usage` is what it cost then, not in this run.
    reused: bool = Field(False, exclude=True)


class OverallSummary(Frozen):
    method: str
    overview: str
    highlights: list[Item] = Field(default_factory=list)  # the top developments, cited
    risks: list[Item] = Field(default_factory=list)  # regressions, reverts, breaking changes
    conclusion: str = ""
    usage: Usage = Usage()
    cache_key: str | None = None
    fallback: str | None = None
    reused: bool = Field(False, exclude=True)


# What happened to an item in a window, as a topic counts it: a pull request opened and
# merged in one window is both. Events add up: a week's are the sum of its days'.
TopicEvent = Literal["opened", "merged", "closed", "pushed", "published"]


class TopicWhy(Frozen):
    """Why a topic matched an item: one of its words found in a text of the item, one of its
    labels on it, or one of its globs over a file it changed."""

    kind: Literal["word", "label", "path"]
    value: str  # the topic's word or phrase, the item's label, the topic's glob
    where: str = ""  # a word: the text it was found in (title, body, notes); a path: the file


class TopicItem(Frozen):
    """One item of the window a topic matched, with why."""

    repo: str
    ref: str  # `pr:12`, `commit:abc1234`, `issue:3`, `release:v1.0` (the item's own `ref`)
    title: str  # as GitHub gave it: third-party text
    url: str
    events: list[TopicEvent]
    why: list[TopicWhy]
    # Its changed files were not all collected (a pull request's `changed_files` beyond its
    # `files`, a direct commit whose files were not read): a path may match among the rest.
    files_unread: bool = False

    @property
    def qualified_ref(self) -> str:
        return qualified(self.repo, self.ref)


class TopicCounts(Frozen):
    """A topic's events in a window, by kind. They add up across windows."""

    merged_pulls: int = 0
    opened_pulls: int = 0  # every one opened in the window, merged in it or not
    commits: int = 0  # pushed directly
    opened_issues: int = 0
    closed_issues: int = 0
    releases: int = 0

    @property
    def total(self) -> int:
        return sum(self.model_dump().values())

    def __add__(self, other: TopicCounts) -> TopicCounts:
        mine, theirs = self.model_dump(), other.model_dump()
        return TopicCounts(**{name: mine[name] + theirs[name] for name in mine})


# (item type, event) -> the count it adds to.
_COUNTED: dict[tuple[str, str], str] = {
    ("pr", "merged"): "merged_pulls",
    ("pr", "opened"): "opened_pulls",
    ("commit", "pushed"): "commits",
    ("issue", "opened"): "opened_issues",
    ("issue", "closed"): "closed_issues",
    ("release", "published"): "releases",
}


class TopicMatches(Frozen):
    """One declared topic over a window: the items it matched, in the record's order (none:
    it matched nothing), and the items of its repositories it could not fully judge."""

    topic: Topic
    items: list[TopicItem] = Field(default_factory=list)
    # Qualified refs of items it did not match whose changed files were not all collected
    # (only when it has `paths`): a path may match among the files not read.
    unread: list[str] = Field(default_factory=list)

    @property
    def name(self) -> str:
        return self.topic.name

    @property
    def counts(self) -> TopicCounts:
        return topic_counts((item.ref, item.events) for item in self.items)


def topic_counts(items: Iterable[tuple[str, Iterable[TopicEvent]]]) -> TopicCounts:
    """What items add to a topic's counts, each as (its ref, its events in the window)."""
    found: dict[str, int] = {}
    for ref, events in items:
        kind = ref.split(":", 1)[0]
        for event in events:
            if counted := _COUNTED.get((kind, event)):
                found[counted] = found.get(counted, 0) + 1
    return TopicCounts(**found)


# A followed item's state_reason when GitHub no longer has it (NOT_FOUND: deleted, or moved
# where the token cannot read it): closed as far as anyone can tell, and followed no more.
GONE: Final = "GONE"


class Followup(Frozen):
    """An item an earlier report told (a pull request opened, an issue reported, a risk),
    and what became of it: still open, or merged or closed in this report's window."""

    repo: str
    kind: Literal["pr", "issue"]
    number: int
    title: str
    url: str  # as GitHub returned it, when it was told or now
    node_id: str | None = None
    # The date of the earliest report that told it: within `follow-days`, or a risk's first
    # report however old (each report's follow-ups carry a risk until it closes).
    first_told: dt.date
    age: int = 0  # days from that report to this one
    risk: bool = False  # told among the risks (a regression, a revert, a breaking change...)
    state: Literal["open", "merged", "closed"] = "open"
    state_reason: str | None = None  # an issue's IssueStateReason, once closed
    closed_at: AwareDatetime | None = None  # merged or closed in this window
    closed_by: int | None = None  # an issue: the pull request merged in this window that closed it
    collected: bool = False  # in this window's activity too, where its record line is
    # The topics that matched it when it was first told (`first_told`): followed, as a risk
    # is, until it merges or closes, however old.
    topics: list[str] = Field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.number}"

    @property
    def resolved(self) -> bool:
        return self.state != "open"

    @property
    def lasting(self) -> bool:
        """Followed until it closes, past `follow-days`: a risk, or what a topic matched."""
        return self.risk or bool(self.topics)


class Memory(Frozen):
    """What the reports of the `follow_days` days before this one told, followed up, as of
    the end of this window: the risks still open and every followed item merged or closed
    in this window (the items still open and not risks cost a request, and are not kept).
    A week's or a month's: the risks its dailies told, open at its end or resolved in it."""

    follow_days: int
    followups: list[Followup] = Field(default_factory=list)
    # Refs (`owner/name#pr:12`) an earlier report already highlighted, with nothing new
    # since, and the date it first did: stories tell them as ongoing, not as news.
    ongoing: dict[str, dt.date] = Field(default_factory=dict)
    github_requests: int = Field(0, exclude=True)  # what following them cost this run

    def of(self, repo: str) -> list[Followup]:
        return [f for f in self.followups if f.repo == repo]


class Figures(Frozen):
    """One repository's figures over a period, the ones its trend compares."""

    merged_pulls: int = 0
    opened_issues: int = 0
    closed_issues: int = 0
    releases: int = 0
    median_merge_hours: float | None = None  # created -> merged; None: nothing merged


class Trend(Frozen):
    repo: str
    figures: Figures
    previous: Figures | None = None  # None: the archive holds no previous period to compare


class Rollup(Frozen):
    """A weekly or monthly report: its period, the days collected for it (no usable daily
    report), and each repository's figures against the previous period."""

    span: Span
    previous: Span
    collected: list[dt.date] = Field(default_factory=list)
    unread: list[dt.date] = Field(default_factory=list)  # no daily, and GitHub did not answer
    trends: list[Trend] = Field(default_factory=list)
    # Each followed topic's counts over the previous period, by name, when the archive holds
    # that period (its rollup, or a daily for each of its days); this period's are the
    # Digest's `topics`.
    previous_topics: dict[str, TopicCounts] = Field(default_factory=dict)

    @model_serializer(mode="wrap")
    def _no_topics_key_without_topics(self, handler: SerializerFunctionWrapHandler) -> object:
        data = handler(self)
        if isinstance(data, dict) and data.get("previous_topics", 0) == {}:
            del data["previous_topics"]
        return data


class Digest(Frozen):
    schema_version: int = SCHEMA_VERSION
    tool_version: str
    language: Language
    title: str
    activity: Activity
    repos: list[RepoSummary]
    overall: OverallSummary
    usage: Usage = Usage()  # what the summaries cost when they were written
    # Repositories GitHub did not answer for (rate limit, server error): a later run within
    # the backfill horizon redoes the report, collecting only these again.
    incomplete: list[str] = Field(default_factory=list)
    rollup: Rollup | None = None  # set on weekly and monthly reports
    memory: Memory | None = None  # what earlier reports told, followed up (`follow-days`)
    # Each topic the digest follows, in the order declared, with what it matched (a week's
    # or a month's: the union of its days').
    topics: list[TopicMatches] = Field(default_factory=list)

    @model_serializer(mode="wrap")
    def _no_rollup_key_on_dailies(self, handler: SerializerFunctionWrapHandler) -> object:
        """A daily's sidecar stays as it was: no `"rollup": null`."""
        data = handler(self)
        if isinstance(data, dict) and data.get("rollup", 0) is None:
            del data["rollup"]
        if isinstance(data, dict) and data.get("memory", 0) is None:
            del data["memory"]  # `follow-days: 0`, or a report nothing came before
        if isinstance(data, dict) and data.get("topics", 0) == []:
            del data["topics"]  # no topics followed
        return data

    @property
    def span(self) -> Span:
        """The days the report covers: its day (or days: `days: 7`), or a rollup's week or
        month."""
        if self.rollup is not None:
            return self.rollup.span
        return calendar.days_to(self.activity.window.date, self.activity.window.days)

    def topics_named(self, names: Iterable[str]) -> list[TopicMatches]:
        """Its topics among `names` (a channel's), compared without case as every topic
        name is."""
        wanted = {name.casefold() for name in names}
        return [t for t in self.topics if t.name.casefold() in wanted]

    @property
    def run_usage(self) -> Usage:
        """What this run spent: summaries reused from the previous sidecar cost nothing."""
        summaries: list[RepoSummary | OverallSummary] = [*self.repos, self.overall]
        return sum((s.usage for s in summaries if not s.reused), Usage())


PARTIAL: Final = "partial-digest"


class PartialDigest(Frozen):
    """`digest summarize`: one shard's repository summaries, for the report job to finish."""

    kind: Literal["partial-digest"] = PARTIAL
    schema_version: int = SCHEMA_VERSION
    tool_version: str
    language: Language
    activity: Activity
    repos: list[RepoSummary]


class RenderedFile(Frozen):
    path: str  # relative to the repository root, POSIX separators
    content: str


class Files(Frozen):
    report_path: str
    files: list[RenderedFile]
    embedded_report: str = ""  # the report with its headings one level down (index, summary)


class PublishResult(Frozen):
    mode: PublishMode
    report_path: str
    written: list[str] = Field(default_factory=list)
    report_url: str | None = None
    commit_sha: str | None = None
    pull_request_url: str | None = None
    pull_request_number: int | None = None
    dates_written: list[dt.date] = Field(default_factory=list)  # reports new or changed


Plan.model_rebuild()
