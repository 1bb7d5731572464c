"""plan -> collect -> summarize -> render -> publish.

Each stage takes and returns models (see models.py), so `digest collect` and
`digest report --activity FILE` can run the halves in different jobs.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from digest import actions
from digest.archive.base import Archive, Publication, Snapshot, report_dates
from digest.archive.local import DirectoryArchive
from digest.archive.target import open_archive
from digest.collect.collector import collect_activity
from digest.collect.window import compute_window
from digest.config import Settings
from digest.errors import LLM_EXTRA_MISSING, NOTHING_READ, DigestError, InputError
from digest.github import GitHubAPI
from digest.locales import locale
from digest.models import (
    SCHEMA_VERSION,
    Activity,
    Digest,
    Files,
    PublishResult,
    RunPlan,
    Window,
)
from digest.render.files import render_files
from digest.render.job_summary import job_summary
from digest.render.report import render_pull_body, render_report
from digest.summarize.run import summarize, summarizer_for

if TYPE_CHECKING:
    from digest.summarize.llm import LLMConfig

log = logging.getLogger(__name__)

_FAILURE_HELP = {
    "not_found": "not found, or the token cannot read it: check the name, and that the token "
    "can read it (a workflow's GITHUB_TOKEN reads public repositories and its own; for other "
    "private ones pass a token as github-token)",
    "forbidden": "the token may not read it (SSO authorization or an organization policy)",
    "rate_limited": "GitHub's rate limit was reached before it was read; rerun the workflow "
    "for this date to fill it in",
    "error": "GitHub did not answer for it (see the log above); rerun the workflow for this "
    "date to fill it in",
}


def plan(
    settings: Settings, *, now: dt.datetime | None = None, window: Window | None = None
) -> RunPlan:
    """What the run will do, from validated settings; `window` when it comes from a file."""
    if window is None and not settings.repos:
        raise InputError(
            "repos", "is required: one or more owner/name, comma- or newline-separated"
        )
    publish = settings.publish or ("commit" if actions.on_runner() else "none")
    if publish != "none" and not settings.target_repo:
        raise InputError(
            "target-repo",
            f"is required with publish: {publish} (owner/name; on a runner it defaults to the "
            "workflow's repository), or set publish: none to only write files",
        )
    if window is not None and settings.date and settings.date != window.date:
        raise InputError(
            "date",
            f"must match the activity file, which holds {window.date} (got {settings.date})",
        )
    return RunPlan(
        repos=settings.repos,
        window=window or compute_window(settings.date, settings.days, settings.timezone, now),
        language=settings.language,
        title=settings.title,
        reports_dir=settings.reports_dir,
        index_file=settings.index_file,
        publish=publish,
        output_dir=settings.output_dir,
        target_repo=settings.target_repo,
        target_branch=settings.target_branch,
        max_concurrency=settings.max_concurrency,
        fail_on_error=settings.fail_on_error,
    )


def github_api(settings: Settings) -> GitHubAPI:
    token = settings.github_token.get_secret_value() if settings.github_token else None
    return GitHubAPI(token, settings.github_api_url)


def collect(run_plan: RunPlan, api: GitHubAPI, previous: Digest | None = None) -> Activity:
    started = time.perf_counter()
    known_files = {
        commit.sha: commit.files
        for repo in (previous.activity.repos if previous else [])
        for commit in repo.commits
        if commit.files is not None
    }
    with actions.group(f"Collect {len(run_plan.repos)} repositories"):
        activity = collect_activity(
            run_plan.repos,
            run_plan.window,
            api,
            max_concurrency=run_plan.max_concurrency,
            known_files=known_files,
        )
    for repo in activity.repos:
        if not repo.ok:
            actions.warning(f"{repo.repo}: {_FAILURE_HELP[repo.failure]}")
    if not any(repo.ok for repo in activity.repos):
        # A report of nothing but failures would replace a good report of the same day.
        raise DigestError(NOTHING_READ.format(api=api.api_url))
    log.info(
        "collected %d repositories with %d GitHub requests in %.2f s",
        len(activity.repos),
        activity.github_requests,
        time.perf_counter() - started,
    )
    return activity


def collect_command(settings: Settings) -> Activity:
    """`digest collect`: the window's activity, nothing summarized or written."""
    run_plan = plan(settings)
    return collect(run_plan, github_api(settings))


def report_command(settings: Settings, activity: Activity) -> tuple[Digest, PublishResult]:
    """`digest report --activity FILE`: summarize, render and publish collected activity."""
    run_plan = plan(settings, window=activity.window)
    llm = llm_config(settings)
    with llm_warmed_up(llm):
        archive = _archive(run_plan, settings)
        previous = archive.previous_digest(run_plan.layout, run_plan.window.date)
    return report(activity, run_plan, archive, llm, previous)


def run_command(settings: Settings) -> tuple[Digest, PublishResult]:
    """`digest run`: every input and the model are checked before the first request."""
    run_plan = plan(settings)
    llm = llm_config(settings)
    api = github_api(settings)
    with llm_warmed_up(llm):
        archive = open_archive(run_plan, api, settings.github_server_url)
        previous = archive.previous_digest(run_plan.layout, run_plan.window.date)
        activity = collect(run_plan, api, previous)
    return report(activity, run_plan, archive, llm, previous)


def _archive(run_plan: RunPlan, settings: Settings) -> Archive:
    api = github_api(settings) if run_plan.publish != "none" else None
    if api is None:
        return DirectoryArchive(Path(run_plan.output_dir))
    return open_archive(run_plan, api, settings.github_server_url)


def load_activity(path: Path) -> Activity:
    try:
        activity = Activity.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise InputError("activity", f"cannot be read: {exc.strerror} ({path})") from None
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"]
        raise InputError(
            "activity", f"must be a file written by `digest collect` ({path}: {reason})"
        ) from None
    if activity.schema_version != SCHEMA_VERSION:
        raise InputError(
            "activity",
            f"has schema version {activity.schema_version}; this digest reads {SCHEMA_VERSION}",
        )
    return activity


@contextmanager
def llm_warmed_up(llm: LLMConfig | None) -> Iterator[None]:
    """Load tokenizers and the provider SDK's lazily imported parts while the body (reading
    GitHub) runs, and wait for that to finish before going on.

    The thread is joined, never left behind: a daemon thread still importing when the
    interpreter shuts down holds the import lock forever, and litellm's finalizers import
    while they run, so the process hung after its last line (see tests/test_exit.py)."""
    if llm is None:
        yield
        return
    from digest.summarize.llm import warm_up

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="llm-warm-up") as pool:
        warming = pool.submit(warm_up, llm.models)
        yield
        try:
            warming.result()
        except Exception as exc:  # only an optimization: the real call reports real errors
            log.debug("warm-up failed: %s", exc)


def llm_config(settings: Settings) -> LLMConfig | None:
    """The model setup, checked before anything else runs; None for the built-in summarizer."""
    if not settings.model:
        return None
    try:
        from digest.summarize.llm import LLMConfig, check_models  # imports litellm
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] in {"litellm", "tenacity"}:
            raise InputError("model", LLM_EXTRA_MISSING) from None
        raise
    config = LLMConfig(
        models=[settings.model, *settings.fallback_models],
        api_base=settings.api_base or None,
        api_key=settings.api_key.get_secret_value() if settings.api_key else None,
        max_input_tokens=settings.max_input_tokens,
    )
    check_models(config)
    return config


def report(
    activity: Activity,
    run_plan: RunPlan,
    archive: Archive,
    llm: LLMConfig | None = None,
    previous: Digest | None = None,
) -> tuple[Digest, PublishResult]:
    """Summarize, render and publish collected activity."""
    started = time.perf_counter()
    with actions.group("Summarize"):
        digest = summarize(
            activity,
            summarizer_for(llm, activity, run_plan.language, previous),
            language=run_plan.language,
            title=run_plan.title,
            max_concurrency=run_plan.max_concurrency,
        )
        for summary in digest.repos:
            if summary.fallback:
                actions.warning(
                    f"{summary.repo}: the model failed ({summary.fallback}); "
                    "the built-in summary was used"
                )

    layout = run_plan.layout

    def render(snapshot: Snapshot) -> Files:
        return render_files(
            digest,
            layout=layout,
            existing_index=snapshot.read(layout.index_file),
            existing_dates=report_dates(snapshot, layout),
        )

    log.info(
        "summarized with %d LLM calls in %.2f s",
        digest.run_usage.llm_calls,
        time.perf_counter() - started,
    )
    started = time.perf_counter()
    with actions.group(f"Publish ({run_plan.publish})"):
        result = archive.publish(render, _publication(digest))
    log.info("published (%s) in %.2f s", run_plan.publish, time.perf_counter() - started)
    _announce(digest, result)
    return digest, result


def _publication(digest: Digest) -> Publication:
    date = digest.activity.window.date.isoformat()
    active = sum(1 for r in digest.activity.repos if r.ok and r.item_count)
    failed = [r.repo for r in digest.activity.repos if not r.ok]
    body = f"{active} of {len(digest.activity.repos)} repositories had activity."
    body += f" Not read: {', '.join(failed)}." if failed else ""
    return Publication(
        message=f"digest: report for {date}\n\n{body}",
        title=f"{digest.title} — {locale(digest.language).date_label(digest.activity.window)}",
        body=lambda url: render_pull_body(digest, url),
    )


def _announce(digest: Digest, result: PublishResult) -> None:
    active = [r.repo for r in digest.activity.repos if r.ok and r.item_count]
    actions.write_outputs(
        {
            "report-path": result.report_path,
            "report-url": result.report_url,
            "commit-sha": result.commit_sha,
            "pull-request-url": result.pull_request_url,
            "pull-request-number": result.pull_request_number,
            "active-repos": len(active),
            "prompt-tokens": digest.run_usage.prompt_tokens,
            "completion-tokens": digest.run_usage.completion_tokens,
            "cost-usd": digest.run_usage.cost_usd,
        }
    )
    actions.write_summary(job_summary(digest, result))
    actions.write_summary(
        f"<details><summary>The report</summary>\n\n{render_report(digest, base_level=2)}"
        "\n</details>\n"
    )


def failed_repos(digest: Digest) -> list[str]:
    return [r.repo for r in digest.activity.repos if not r.ok]
