"""The commands, each a short function over the shared steps, and the table from a plan's
stage to its command (`digest.pipeline.run`)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from digest.actions import Runner
from digest.archive.base import Archive
from digest.archive.github import GitHubArchive
from digest.archive.history import History
from digest.archive.local import DirectoryArchive
from digest.deliver.channels import Channel, tell
from digest.deliver.outputs import set_outputs
from digest.errors import FAILED, InputError
from digest.github import GitHubAPI, connect
from digest.models import Activity, Digest, PartialDigest, Plan, Stage
from digest.pipeline import backfill
from digest.pipeline.base import Run, log, required, token
from digest.pipeline.channels import new_reports, open_channels
from digest.pipeline.llms import models_checked
from digest.pipeline.publishing import feed_identity, open_archive, publish
from digest.pipeline.rollup import rollup_work
from digest.pipeline.sources import GitHubSource, open_source
from digest.pipeline.summarizing import partial, summarize_in_order
from digest.pipeline.work import Done, fill_in, firsts
from digest.render.files import render_files
from digest.render.job_summary import job_summary

# A command: the plan, the runner, and the client the configuration file was read with.
Command = Callable[[Plan, Runner, GitHubAPI | None], int]


def run(plan: Plan, runner: Runner, github: GitHubAPI | None) -> int:
    """`digest run`: collect from GitHub, summarize, publish, tell."""
    return _reports(plan, runner, github)


def report(plan: Plan, runner: Runner, github: GitHubAPI | None) -> int:
    """`digest report`: the same from the activity (and summaries) the shards wrote."""
    return _reports(plan, runner, github)


def collect(plan: Plan, runner: Runner, github: GitHubAPI | None) -> int:
    """`digest collect`: the window's activity (or one shard's) as JSON."""
    api = _api(plan, github)
    source = open_source(plan, api, runner)
    with models_checked(plan) as checking:
        work = firsts(plan, source, None)
    checking.result()
    _write(required(work[0]).activity, plan.output or "-")
    _spent(Run(plan, runner, api))
    return 0


def summarize(plan: Plan, runner: Runner, _github: GitHubAPI | None) -> int:
    """`digest summarize`: one shard's repository summaries as JSON; reads no GitHub."""
    with models_checked(plan) as checking:
        work = firsts(plan, open_source(plan, None, runner), None)
    run = Run(plan, runner, llms=tuple(checking.result()))
    _write(partial(run, required(work[0])), plan.output or "-")
    return 0


def _reports(plan: Plan, runner: Runner, client: GitHubAPI | None) -> int:
    """Write, publish and tell every report of the plan; the exit code (0, or 1 when a
    repository failed and the plan says to fail on it). Fatal failures raise DigestError."""
    api = _api(plan, client)
    source = open_source(plan, api, runner)
    github = GitHubSource(plan, api, runner)  # backfill and rollups collect days again
    # Every digest's model is checked (litellm's import: 3 s) while GitHub is read.
    with models_checked(plan) as checking:
        archive = open_archive(plan, api)
        channels = open_channels(plan, api)
        history = History(archive, runner.warning)
        work = firsts(plan, source, history)
    run = Run(plan, runner, api, history, tuple(checking.result()))
    done = []
    for job, first in zip(plan.jobs, work, strict=True):
        if first is None:  # a week or a month, from the dailies in the archive
            done.append(rollup_work(run, job, github))
            continue
        decisions = backfill.decide(job, plan.backfill, history)
        todo = [first, *fill_in(job, decisions, github)]
        done.append(Done(job, summarize_in_order(run, todo), decisions))
    code = _deliver(run, done, archive, channels)
    _spent(run)
    return code


def _deliver(run: Run, done: list[Done], archive: Archive, channels: list[Channel]) -> int:
    plan, runner = run.plan, run.runner
    result, embedded = publish(run, done, archive)
    digests = [d for item in done for d in item.digests]
    summary = "\n".join(
        job_summary(item.digests, result, [(d.date, d.action, d.why) for d in item.decisions])
        for item in done
    )
    set_outputs(runner, [item.digests[0] for item in done], result, summary, embedded, digests)
    tell(channels, new_reports(done, result, archive), runner)
    print(result.report_path)
    failed = [r.repo for d in digests for r in d.activity.repos if not r.ok]
    return FAILED if failed and plan.fail_on_error else 0


def _api(plan: Plan, github: GitHubAPI | None) -> GitHubAPI | None:
    """GitHub's client, unless the command reads only files and writes a local directory."""
    if plan.activity is not None and plan.target.mode == "none":
        return None
    return connect(token(plan), plan.github.api_url, reuse=github)


def _spent(run: Run) -> None:
    """What the run asked of GitHub, every request counted (the configuration file's, the
    archive's and the threads' too), in the log and the job summary."""
    api, runner = run.api, run.runner
    if api is None:
        return
    line = f"GitHub: {api.meter} in this run"
    if api.points_remaining is not None:
        line += f"; GraphQL points used: {api.points_used}, left: {api.points_remaining}"
    log.info("%s", line)
    runner.write_summary(line + "\n")


def _write(data: Activity | PartialDigest, output: str) -> None:
    text = data.model_dump_json(indent=2) + "\n"
    if output == "-":
        sys.stdout.write(text)
    else:
        Path(output).write_text(text, encoding="utf-8")


# -- the site: the whole archive as static pages (`digest site`, `stage: site`) ---------------

_NO_REPORTS = (
    "finds no report in {where}: the site is built from the reports `digest run` published "
    "there. Check reports-dir, and target-repo and target-branch (with publish: none, "
    "output-dir), or run digest once first"
)


def site(plan: Plan, runner: Runner, github: GitHubAPI | None) -> int:
    """Build the static site of every report in the archive into `plan.site_dir`. Reads the
    archive only: the published branch through the API (never a pull request's branch: the
    site shows what was published), or the output directory with `publish: none`, where it
    makes no request at all. Asks GitHub to collect nothing."""
    # Jinja pages and Pagefind: only here
    from digest.render.site import FeedSource, Site, site_language, write_site

    job = plan.jobs[0]
    archive: Archive
    api = None
    if plan.target.mode == "none" or plan.target.repo is None:
        archive = DirectoryArchive(Path(plan.target.directory))
    else:
        api = connect(token(plan), plan.github.api_url, reuse=github)
        archive = GitHubArchive.open(
            api, plan.target.repo, plan.target.branch, plan.target.mode, plan.github.server_url
        )
    history = History(archive, runner.warning)
    started = time.perf_counter()
    reports = []
    for period in ("day", "week", "month"):
        for span in sorted(history.spans(job.layout, period), key=lambda s: (s.first, s.last)):
            digest = history.read(job.layout, span)
            if isinstance(digest, Digest):
                reports.append(digest)
    if not reports:
        where = archive.where(job.layout.reports_dir)
        raise InputError("reports-dir", _NO_REPORTS.format(where=where))
    log.info("read %d reports in %.2f s", len(reports), time.perf_counter() - started)
    with runner.group(f"Build the site of {len(reports)} reports"):
        feed = None
        if job.feed:
            info = feed_identity(plan, job.layout, archive, reports[-1].title)
            snapshot = archive.snapshot()
            published = snapshot.read(job.layout.feed)
            feed = FeedSource(info, job.layout, published, read=snapshot.read)
        # An output like the reports folder's, over every report of the archive.
        site_output = Site(feed=feed, base_url=plan.site_url)
        files = render_files(reports, layout=job.layout, outputs=[site_output]).files
        built = write_site(files, Path(plan.site_dir), site_language(reports))
    log.info("site: %d files written, %d removed", len(built.written), len(built.removed))
    _spent(Run(plan, runner, api, history))
    print(plan.site_dir)
    return 0


COMMANDS: dict[Stage, Command] = {
    "run": run,
    "collect": collect,
    "summarize": summarize,
    "report": report,
    "site": site,
}
