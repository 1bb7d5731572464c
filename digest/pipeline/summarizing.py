"""Each report summarized, with what earlier reports told followed up."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace

from digest import topics
from digest.actions import Runner
from digest.collect.follow import follow_up
from digest.memory import horizon, recall
from digest.models import Digest, PartialDigest, RepoSummary
from digest.pipeline.base import Run, log
from digest.pipeline.work import Work
from digest.summarize.run import summarize, summarize_repos, summarizer_for
from digest.summarize.significance import is_risk


def summarize_in_order(run: Run, todo: list[Work]) -> list[Digest]:
    """Each report oldest first, so that one follows up the reports written before it in
    this run too (backfill), as well as those in the archive; in `todo`'s order."""
    written: dict[dt.date, Digest] = {}
    for work in sorted(todo, key=lambda w: w.job.window.date):
        work = remembered(run, work, written)
        written[work.job.window.date] = summarize_work(run, work)
    return [written[w.job.window.date] for w in todo]


def remembered(run: Run, work: Work, written: dict[dt.date, Digest]) -> Work:
    """The work with what the reports of its `follow-days` told, followed up (the state of
    what this window does not show asked from GitHub, 100 items a request)."""
    job, history, api = work.job, run.history, run.api
    if job.follow_days <= 0 or history is None or job.period != "day":
        return work
    dates = horizon(job.window.date, job.follow_days)
    past = history.dailies(job.layout, dates) | {d: w for d, w in written.items() if d in dates}
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


def summarize_work(run: Run, work: Work) -> Digest:
    plan, runner, llm = run.plan, run.runner, run.llm(work.job)
    started = time.perf_counter()
    activity, job = work.activity, work.job
    matched = work.topics if work.topics is not None else topics.match(activity, job.topics)
    with runner.group(f"Summarize {job.window.date}"):
        digest = summarize(
            activity,
            summarizer_for(llm, activity, job.language, work.previous, work.memory, matched),
            language=job.language,
            title=job.title,
            max_concurrency=plan.max_concurrency,
            repos=work.summaries,
            memory=work.memory,
            topics=matched,
        )
        warn_fallbacks(digest.repos, runner)
    log.info(
        "summarized %s with %d LLM calls in %.2f s",
        job.window.date,
        digest.run_usage.llm_calls,
        time.perf_counter() - started,
    )
    return digest


def partial(run: Run, work: Work) -> PartialDigest:
    """`digest summarize`: one shard's repository summaries, the overall left to report."""
    plan, runner, llm = run.plan, run.runner, run.llm(work.job)
    job, activity = work.job, work.activity
    with runner.group(f"Summarize {len(activity.repos)} repositories"):
        summarizer = summarizer_for(llm, activity, job.language, None)
        repos = summarize_repos(activity, summarizer, plan.max_concurrency)
    warn_fallbacks(repos, runner)
    return PartialDigest(
        tool_version=activity.tool_version, language=job.language, activity=activity, repos=repos
    )


def warn_fallbacks(summaries: list[RepoSummary], runner: Runner) -> None:
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
