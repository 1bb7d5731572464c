"""run(plan): collect -> summarize -> render -> archive -> deliver, for each job of a plan.

Stages pass models (models.py), never control: the pipeline is the only module that knows
them all. Each CLI command is one call to `run`.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

from digest import backfill, rollups
from digest.archive.base import Archive, Publication, Snapshot, report_dates, report_spans
from digest.archive.github import GitHubArchive
from digest.archive.history import History
from digest.archive.local import DirectoryArchive
from digest.citations import direct, without_backlinks
from digest.collect.collector import collect_activity
from digest.collect.discover import discover
from digest.collect.follow import follow_up
from digest.deliver import threads
from digest.deliver.notify import Message, Written, notify
from digest.deliver.outputs import announce
from digest.errors import (
    FAILED,
    LLM_EXTRA_MISSING,
    DigestError,
    InputError,
    NothingRead,
)
from digest.github import GitHubAPI
from digest.memory import horizon, recall
from digest.models import (
    Activity,
    Digest,
    Discovery,
    Files,
    Job,
    Memory,
    ModelSetup,
    PartialDigest,
    Plan,
    PublishResult,
    RepoSummary,
)
from digest.render import brief
from digest.render.feed import FeedInfo
from digest.render.files import FeedSetup, render_files
from digest.render.job_summary import job_summary
from digest.render.markdown import inert_title
from digest.render.report import render_brief
from digest.runner import Runner
from digest.shards import in_shard
from digest.summarize.run import summarize, summarize_repos, summarizer_for
from digest.summarize.significance import is_risk
from digest.window import compute_window

if TYPE_CHECKING:
    from digest.summarize.llm import LLMConfig

log = logging.getLogger(__name__)

_FAILURE_HELP = {
    "not_found": "not found, or the token cannot read it: check the name, and that the token "
    "can read it (a workflow's GITHUB_TOKEN reads public repositories and its own; for other "
    "private ones pass a token as github-token)",
    "forbidden": "the token may not read it (SSO authorization or an organization policy)",
    "rate_limited": "GitHub's rate limit was reached before it was read; the report is marked "
    "incomplete, and runs within `backfill` days redo it (or rerun the workflow)",
    "error": "GitHub did not answer for it (see the log above); the report is marked "
    "incomplete, and runs within `backfill` days redo it (or rerun the workflow)",
    "postponed": "not started: the token's hourly GitHub budget was nearly spent; the report "
    "is marked incomplete, and runs within `backfill` days collect it",
}


def run(plan: Plan, runner: Runner) -> int:
    """Carry out the plan; the exit code (0, or 1 when a repository failed and the plan
    says to fail on it). Fatal failures raise DigestError."""
    if plan.stage == "site":
        return site(plan, runner)
    api = GitHubAPI(_token(plan), plan.github.api_url) if _needs_github(plan) else None
    # Every digest's model is checked (litellm's import: 3 s) while GitHub is read.
    with models_checked(plan) as checking:
        archive = open_archive(plan, api) if plan.stage in ("run", "report") else None
        announcer = check_announce(plan, api) if archive else None
        history = History(archive, runner.warning) if archive else None
        work = [
            _first(plan, job, history, api, runner) if job.period == "day" else None
            for job in plan.jobs
        ]
    llms = checking.result()
    if plan.stage == "collect":
        _write(_required(work[0]).activity, plan.output or "-")
        return 0
    if plan.stage == "summarize":
        _write(_partial(plan, _required(work[0]), llms[0], runner), plan.output or "-")
        return 0
    archive = _required(archive)
    done = []
    for job, first, llm in zip(plan.jobs, work, llms, strict=True):
        if first is None:  # a week or a month, from the dailies in the archive
            done.append(rollup_work(plan, job, _required(history), api, llm, runner))
            continue
        decisions = backfill.decide(job, plan.backfill, _required(history))
        todo = [first, *fill_in(plan, job, decisions, api, runner)]
        done.append(Done(job, summarize_in_order(plan, todo, llm, runner, history, api), decisions))
    result, embedded = publish(plan, done, archive, runner)
    digests = [d for item in done for d in item.digests]
    summary = "\n".join(
        job_summary(item.digests, result, [(d.date, d.action, d.why) for d in item.decisions])
        for item in done
    )
    announce(runner, [item.digests[0] for item in done], result, summary, embedded, digests)
    tell(plan, done, result, archive, runner)
    post_threads(done, result, archive, announcer, runner)
    print(result.report_path)
    failed = [r.repo for d in digests for r in d.activity.repos if not r.ok]
    return FAILED if failed and plan.fail_on_error else 0


def _first(
    plan: Plan, job: Job, history: History | None, api: GitHubAPI | None, runner: Runner
) -> Work:
    """The job's own date: its collected activity and the report it replaces (whose
    summaries are reused when their input is unchanged, and commits' files not asked again)."""
    previous = history.digest(job.layout, job.window.date) if history else None
    activity = plan.activity or collect(plan, job, _required(api), previous, runner)
    return Work(job, activity, previous, plan.summaries)


@dataclass(frozen=True)
class Work:
    """One report to write: a job, its collected activity, the report it replaces."""

    job: Job
    activity: Activity
    previous: Digest | None
    summaries: list[RepoSummary] | None = None  # written by the shards' summarize jobs
    memory: Memory | None = None  # what earlier reports told, followed up (`follow-days`)


@dataclass(frozen=True)
class Done:
    """A digest's reports, summarized: its own date first, then the dates backfill wrote."""

    job: Job
    digests: list[Digest]
    decisions: list[backfill.Decision]


def fill_in(
    plan: Plan,
    job: Job,
    decisions: list[backfill.Decision],
    api: GitHubAPI | None,
    runner: Runner,
) -> list[Work]:
    """Collect the earlier dates backfill writes: all repositories for a missing date, only
    those GitHub did not answer for when an incomplete report is redone."""
    work = []
    for decision in decisions:
        log.info("backfill %s: %s (%s)", decision.date, decision.action, decision.why)
        if decision.action == "skip":
            continue
        dated = job.with_window(compute_window(decision.date, job.window.days, job.window.timezone))
        previous = decision.previous
        missing = dated.with_repos(previous.incomplete) if previous else dated
        try:
            fresh = collect(plan, missing, _required(api), previous, runner)
        except NothingRead as exc:
            log.warning("backfill %s: %s", decision.date, exc)
            continue  # nothing could be read for that date: a later run tries again
        activity = previous.activity.replacing(fresh) if previous else fresh
        work.append(Work(dated, activity, previous))
    return work


def rollup_work(
    plan: Plan,
    job: Job,
    history: History,
    api: GitHubAPI | None,
    llm: LLMConfig | None,
    runner: Runner,
) -> Done:
    """A weekly or monthly report (`period`) from the dailies in the archive: only days with
    no usable daily report are collected, each alone. Backfill does not apply."""
    span = rollups.span_of(job)

    def collect_day(dated: Job, daily: Digest | None) -> Activity | None:
        try:
            return collect(plan, dated, _required(api), daily, runner)
        except NothingRead as exc:
            runner.warning(f"{span.label}: {dated.window.date} could not be collected: {exc}")
            return None  # the report says which day it lacks

    activity, rollup = rollups.build(job, span, history, collect_day)
    titled = job.with_window(activity.window).model_copy(
        update={"title": job.title or rollups.default_title(job)}
    )
    work = Work(titled, activity, history.rollup(job.layout, span))
    digest = summarize_work(plan, work, llm, runner).model_copy(update={"rollup": rollup})
    return Done(titled, [digest], [])


def _needs_github(plan: Plan) -> bool:
    if plan.stage == "summarize":
        return False
    return plan.activity is None or plan.target.mode != "none"


def _partial(plan: Plan, work: Work, llm: LLMConfig | None, runner: Runner) -> PartialDigest:
    """`digest summarize`: one shard's repository summaries, the overall left to report."""
    job, activity = work.job, work.activity
    with runner.group(f"Summarize {len(activity.repos)} repositories"):
        summarizer = summarizer_for(llm, activity, job.language, None)
        repos = summarize_repos(activity, summarizer, plan.max_concurrency)
    _warn_fallbacks(repos, runner)
    return PartialDigest(
        tool_version=activity.tool_version, language=job.language, activity=activity, repos=repos
    )


def _token(plan: Plan) -> str | None:
    return plan.github.token.get_secret_value() if plan.github.token else None


T = TypeVar("T")


def _required(value: T | None) -> T:
    if value is None:  # the plan's stage decides what exists; reaching here is a bug
        raise DigestError("internal error: a stage ran without its input")
    return value


def open_archive(plan: Plan, api: GitHubAPI | None) -> Archive:
    """The target, checked before anything is collected: a missing repository or branch is
    bad input, found before the run spends anything."""
    target = plan.target
    if target.mode == "none" or target.repo is None:
        return DirectoryArchive(Path(target.directory))
    archive = GitHubArchive.open(
        _required(api), target.repo, target.branch, target.mode, plan.github.server_url
    )
    return archive.for_date(plan.jobs[0].window.date)  # the pull request is the first digest's


def collect(
    plan: Plan, job: Job, api: GitHubAPI, previous: Digest | None, runner: Runner
) -> Activity:
    started = time.perf_counter()
    known_files = {
        commit.sha: commit.files
        for repo in (previous.activity.repos if previous else [])
        for commit in repo.commits
        if commit.files is not None
    }
    found = Discovery(repos=job.repos)
    if job.orgs or job.search:
        with runner.group("Discover repositories"):
            found = discover(
                api,
                job.window,
                listed=job.repos,
                orgs=job.orgs,
                search=job.search,
                exclude=job.exclude,
            )
        for note in found.notes:
            runner.warning(note)
    repos = found.repos
    if plan.shard is not None:
        repos = [r for r in found.repos if in_shard(r, plan.shard)]
        log.info("shard %s: %d of %d repositories", plan.shard, len(repos), len(found.repos))
    with runner.group(f"Collect {len(repos)} repositories"):
        activity = collect_activity(
            repos,
            job.window,
            api,
            max_concurrency=plan.max_concurrency,
            known_files=known_files,
            exclude_authors=job.exclude_authors,
            sources=found.sources,
        )
    update: dict[str, object] = {"quiet": found.quiet, "notes": found.notes}
    if plan.shard is not None:  # what the report job needs to merge the shards in order
        update |= {"shard": plan.shard, "order": found.repos}
    activity = activity.model_copy(update=update)
    for repo in activity.repos:
        if repo.failure:
            runner.warning(f"{repo.repo}: {_FAILURE_HELP[repo.failure]}")
    if activity.repos and not any(repo.ok for repo in activity.repos):
        # A report of nothing but failures would replace a good report of the same day.
        raise NothingRead(api.api_url)
    log.info(
        "collected %d repositories with %d GitHub requests in %.2f s; GraphQL points used: "
        "%d, left: %s",
        len(activity.repos),
        activity.github_requests,
        time.perf_counter() - started,
        api.points_used,
        "unknown" if api.points_remaining is None else api.points_remaining,
    )
    return activity


def summarize_in_order(
    plan: Plan,
    todo: list[Work],
    llm: LLMConfig | None,
    runner: Runner,
    history: History | None,
    api: GitHubAPI | None,
) -> list[Digest]:
    """Each report oldest first, so that one follows up the reports written before it in
    this run too (backfill), as well as those in the archive; in `todo`'s order."""
    written: dict[dt.date, Digest] = {}
    for work in sorted(todo, key=lambda w: w.job.window.date):
        work = remembered(work, history, api, written)
        written[work.job.window.date] = summarize_work(plan, work, llm, runner)
    return [written[w.job.window.date] for w in todo]


def remembered(
    work: Work, history: History | None, api: GitHubAPI | None, written: dict[dt.date, Digest]
) -> Work:
    """The work with what the reports of its `follow-days` told, followed up (the state of
    what this window does not show asked from GitHub, 100 items a request)."""
    job = work.job
    if job.follow_days <= 0 or history is None or job.period != "day":
        return work
    dates = horizon(job.window.date, job.follow_days)
    past = history.digests(job.layout, dates) | {d: w for d, w in written.items() if d in dates}
    before = api.requests if api else 0
    ask = (lambda items: follow_up(api, items)) if api else None
    memory = recall(work.activity, job.follow_days, past, is_risk=is_risk, ask=ask)
    if memory is not None:
        log.info(
            "%s: %d followed items to tell, %d ongoing; %d GitHub requests",
            job.window.date,
            len(memory.followups),
            len(memory.ongoing),
            (api.requests if api else 0) - before,
        )
    return replace(work, memory=memory)


def summarize_work(plan: Plan, work: Work, llm: LLMConfig | None, runner: Runner) -> Digest:
    started = time.perf_counter()
    activity, job = work.activity, work.job
    with runner.group(f"Summarize {job.window.date}"):
        digest = summarize(
            activity,
            summarizer_for(llm, activity, job.language, work.previous, work.memory),
            language=job.language,
            title=job.title,
            max_concurrency=plan.max_concurrency,
            repos=work.summaries,
            memory=work.memory,
        )
        _warn_fallbacks(digest.repos, runner)
    log.info(
        "summarized %s with %d LLM calls in %.2f s",
        job.window.date,
        digest.run_usage.llm_calls,
        time.perf_counter() - started,
    )
    return digest


def _warn_fallbacks(summaries: list[RepoSummary], runner: Runner) -> None:
    for summary in summaries:
        if summary.fallback == "ungrounded":
            runner.warning(
                f"{summary.repo}: the model's answer cited too little of what was "
                f"collected ({summary.points_kept} of "
                f"{(summary.points_kept or 0) + (summary.points_dropped or 0)} points kept); "
                "the built-in story was used"
            )
        elif summary.fallback:
            runner.warning(
                f"{summary.repo}: the model failed ({summary.fallback}); "
                "the built-in summary was used"
            )


def publish(
    plan: Plan, done: list[Done], archive: Archive, runner: Runner
) -> tuple[PublishResult, str]:
    """Every report of every digest of the run, with their indexes and feeds, as one
    commit, pull request or directory."""
    rendered: list[Files] = []

    def render(snapshot: Snapshot) -> Files:
        parts = [_render_digest(plan, item, archive, snapshot) for item in done]
        files = Files(
            report_path=parts[0].report_path,
            files=[f for part in parts for f in part.files],
            embedded_report=parts[0].embedded_report,
        )
        rendered.append(files)
        return files

    started = time.perf_counter()
    with runner.group(f"Publish ({plan.target.mode})"):
        result = archive.publish(render, _publication([d for i in done for d in i.digests]))
    log.info("published (%s) in %.2f s", plan.target.mode, time.perf_counter() - started)
    if result.pull_request_url:
        runner.notice(f"pull request: {result.pull_request_url}")
    written = sorted({date for item in done for date in item.job.layout.dates(result.written)})
    log.info("dates written: %s", ", ".join(map(str, written)) or "none (nothing changed)")
    return result.model_copy(update={"dates_written": written}), rendered[-1].embedded_report


def _render_digest(plan: Plan, item: Done, archive: Archive, snapshot: Snapshot) -> Files:
    layout = item.job.layout
    feed = (
        FeedSetup(
            info=_feed_info(plan, item.job, archive, item.digests[0].title),
            existing=snapshot.read(layout.feed),
            url=archive.url,
        )
        if item.job.feed
        else None
    )
    return render_files(
        item.digests,
        layout=layout,
        existing_index=snapshot.read(layout.index_file),
        existing_dates=report_dates(snapshot, layout),
        existing_spans=report_spans(snapshot, layout, "week")
        | report_spans(snapshot, layout, "month"),
        retry_days=plan.backfill,
        feed=feed,
    )


def tell(
    plan: Plan, done: list[Done], result: PublishResult, archive: Archive, runner: Runner
) -> None:
    """One message per new or changed report to every `notify` channel; nothing when a
    rerun changed nothing. A channel that fails is a warning, not a failed run."""
    written = set(result.written)
    messages = [
        _message(d, archive.url(path), result)
        for item in done
        for d in item.digests
        if (path := item.job.layout.report_of(d.span)) in written
    ]
    urls = [url.get_secret_value() for url in plan.notify]
    if not urls or not messages:
        return
    with runner.group(f"Notify {len(urls)} channel(s)"):
        failures = notify(urls, messages)
    for failure in failures:
        runner.warning(
            f"notification channel {failure.channel} failed: {failure.why}; the report was "
            "published, only this message was lost"
        )
    if failures:
        lines = "\n".join(f"- {f.channel}: {f.why}" for f in failures)
        runner.write_summary(f"Notifications that failed:\n\n{lines}\n")


def check_announce(plan: Plan, api: GitHubAPI | None) -> threads.Announcer | None:
    """`announce`: the permission it needs, proven before anything is collected."""
    mode = plan.announce.mode
    if mode == "none":
        return None
    if plan.target.repo is None:  # publish: none: no repository, and no report URL to link
        raise threads.refused(mode, "needs a repository to post in: set publish and target-repo")
    return threads.check(_required(api), plan.target.repo, plan.announce)


def post_threads(
    done: list[Done],
    result: PublishResult,
    archive: Archive,
    announcer: threads.Announcer | None,
    runner: Runner,
) -> None:
    """Each new or changed report (those `tell` tells) as its issue or discussion. A post
    that fails is a warning: the report is published already."""
    written = set(result.written)
    posts = [
        _thread(d, path, archive.url(path), result)
        for item in done
        for d in item.digests
        if (path := item.job.layout.report_of(d.span)) in written
    ]
    if announcer is None or not posts:
        return
    mode = announcer.settings.mode
    with runner.group(f"Announce {len(posts)} report(s) as {mode}s in {announcer.repo}"):
        failures = threads.post(announcer, posts)
    for failure in failures:
        runner.warning(f"announce: {failure}; the report was published, only this post was not")


def _thread(
    digest: Digest, path: str, report_url: str | None, result: PublishResult
) -> threads.Post:
    """A conversation on GitHub, like the pull request's: nothing in it pings or links back."""
    links = without_backlinks(report_url) if report_url else direct
    pull = result.pull_request_url
    body = brief.render(digest, report_url, brief.GITHUB, links, pull_request_url=pull)
    return threads.Post(
        path=path,
        title=inert_title(brief.title(digest)),
        body=brief.within(digest, body, threads.room(path), report_url),
    )


def _message(digest: Digest, report_url: str | None, result: PublishResult) -> Message:
    """The brief written for each kind of channel, from the digest, not from its Markdown."""
    pull = result.pull_request_url

    def written(form: brief.Form) -> Written:
        body = brief.render(digest, report_url, form, pull_request_url=pull)
        return Written(brief.title_in(form, digest), body)

    return Message(
        title=brief.title(digest),
        markdown=written(brief.CHAT),
        html=written(brief.HTML),
        text=written(brief.TEXT),
    )


def _feed_info(plan: Plan, job: Job, archive: Archive, title: str) -> FeedInfo:
    """Ids that stay the same for the folder and for each date, whatever run writes them."""
    folder = job.layout.reports_dir
    host = urlsplit(plan.github.server_url).netloc or "localhost"
    base = (
        f"tag:{host},2026:{plan.target.repo}/{folder}"
        if plan.target.repo
        else (f"tag:localhost,2026:{folder}")
    )
    return FeedInfo(
        id=base,
        title=title,
        link=archive.url(folder, folder=True) or ".",
        entry_id=lambda date: f"{base}/{date.isoformat()}",
    )


def _publication(digests: list[Digest]) -> Publication:
    digest = digests[0]
    dates = ", ".join(d.span.label for d in digests)
    active = sum(1 for r in digest.activity.repos if r.active)
    failed = [r.repo for r in digest.activity.repos if not r.ok]
    body = f"{active} of {len(digest.activity.repos)} repositories had activity."
    body += f" Not read: {', '.join(failed)}." if failed else ""
    what = f"reports for {dates}" if len(digests) > 1 else f"report for {dates}"
    return Publication(
        message=f"digest: {what}\n\n{body}",
        # A pull request is a GitHub conversation: links to other repositories go through
        # redirect.github.com and nothing in it links, pings or leaves a backlink upstream.
        title=inert_title(brief.title(digest)),
        body=lambda url: render_brief(digest, url, without_backlinks(url)),
    )


def _write(data: Activity | PartialDigest, output: str) -> None:
    text = data.model_dump_json(indent=2) + "\n"
    if output == "-":
        sys.stdout.write(text)
    else:
        Path(output).write_text(text, encoding="utf-8")


# -- the model: checked and warmed up while GitHub is read ------------------------------------


def llm_config(setup: ModelSetup | None) -> LLMConfig | None:
    """The model setup, checked; None for the built-in summarizer."""
    if setup is None:
        return None
    try:
        from digest.summarize.llm import LLMConfig, check_models  # imports litellm
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] in {"litellm", "tenacity"}:
            raise InputError("model", LLM_EXTRA_MISSING) from None
        raise
    config = LLMConfig(
        models=setup.models,
        api_base=setup.api_base,
        api_key=setup.api_key.get_secret_value() if setup.api_key else None,
        max_input_tokens=setup.max_input_tokens,
    )
    check_models(config)
    return config


@contextmanager
def models_checked(plan: Plan) -> Iterator[Future[list[LLMConfig | None]]]:
    """Check every digest's model (importing litellm takes 3 s) and then warm it up, in a
    thread of its own while the body reads GitHub, which mostly waits on the network.

    The check still decides first: a model that cannot work is bad input (exit 2) even when
    the body failed too, and nothing has been written by then, since writing needs the model.
    The thread is joined, never left behind: a daemon thread still importing when the
    interpreter shuts down holds the import lock forever, and litellm's finalizers import
    while they run, so the process hung after its last line (see tests/test_exit.py)."""
    setups = [job.model if plan.stage != "collect" else None for job in plan.jobs]
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="llm-check") as pool:
        checking = pool.submit(lambda: [llm_config(setup) for setup in setups])
        warming = pool.submit(_warm_up, checking)
        try:
            yield checking
        except BaseException:
            if isinstance(bad_model := checking.exception(), InputError):
                raise bad_model from None
            raise
        finally:
            warming.result()


def _warm_up(checking: Future[list[LLMConfig | None]]) -> None:
    """Load tokenizers and the provider SDK's lazily imported parts before the first call.
    Only an optimization: the real call reports real errors."""
    configs = [c for c in checking.result() if c] if checking.exception() is None else []
    if not configs:
        return
    from digest.summarize.llm import WarmUpFailed, warm_up

    try:
        warm_up(configs[0].models)
    except WarmUpFailed as exc:
        log.debug("warm-up failed: %s", exc)


# -- the site: the whole archive as static pages (`digest site`, `stage: site`) ---------------

_NO_REPORTS = (
    "finds no report in {where}: the site is built from the reports `digest run` published "
    "there. Check reports-dir, and target-repo and target-branch (with publish: none, "
    "output-dir), or run digest once first"
)


def site(plan: Plan, runner: Runner) -> int:
    """Build the static site of every report in the archive into `plan.site_dir`. Reads the
    archive only: the published branch through the API (never a pull request's branch: the
    site shows what was published), or the output directory with `publish: none`, where it
    makes no request at all. Asks GitHub to collect nothing."""
    from digest.render.site import Report, build_site  # Jinja pages and Pagefind: only here

    job = plan.jobs[0]
    archive: Archive
    if plan.target.mode == "none" or plan.target.repo is None:
        archive = DirectoryArchive(Path(plan.target.directory))
    else:
        api = GitHubAPI(_token(plan), plan.github.api_url)
        archive = GitHubArchive.open(
            api, plan.target.repo, plan.target.branch, plan.target.mode, plan.github.server_url
        )
    history = History(archive, runner.warning)
    started = time.perf_counter()
    reports = []
    for period in ("day", "week", "month"):
        for span in sorted(history.spans(job.layout, period), key=lambda s: (s.first, s.last)):
            digest = history.read_span(job.layout, span)
            if isinstance(digest, Digest):
                reports.append(Report(span.period, span.label, digest))
    if not reports:
        where = archive.where(job.layout.reports_dir)
        raise InputError("reports-dir", _NO_REPORTS.format(where=where))
    log.info("read %d reports in %.2f s", len(reports), time.perf_counter() - started)
    with runner.group(f"Build the site of {len(reports)} reports"):
        built = build_site(
            reports,
            Path(plan.site_dir),
            feed=archive.snapshot().read(job.layout.feed) if job.feed else None,
        )
    log.info("site: %d files written, %d removed", len(built.written), len(built.removed))
    print(plan.site_dir)
    return 0
