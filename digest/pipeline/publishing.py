"""The archive a run writes to, and every file of the run published there at once.

Where a new output plugs in: a class with `files(rendered)` in render/ (render/files.py
holds the report's, the index's and the feed's), and an opener in `OUTPUTS` here."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from digest.archive.base import Archive, Publication, Snapshot, report_spans
from digest.archive.github import GitHubArchive
from digest.archive.local import DirectoryArchive
from digest.citations import without_backlinks
from digest.github import GitHubAPI
from digest.models import Digest, Files, Layout, Plan, PublishResult
from digest.pipeline.base import Run, log, required
from digest.pipeline.work import Done
from digest.render import brief
from digest.render.feed import FeedInfo, identity, title_of
from digest.render.files import Feed, Index, Output, Reports, render_files
from digest.render.markdown import inert_title
from digest.render.sections import report_view


def open_archive(plan: Plan, api: GitHubAPI | None) -> Archive:
    """The target, checked before anything is collected: a missing repository or branch is
    bad input, found before the run spends anything."""
    target = plan.target
    if target.mode == "none" or target.repo is None:
        return DirectoryArchive(Path(target.directory))
    archive = GitHubArchive.open(
        required(api), target.repo, target.branch, target.mode, plan.github.server_url
    )
    return archive.for_span(plan.jobs[0].span)  # the pull request is the first digest's


def publish(run: Run, done: list[Done], archive: Archive) -> tuple[PublishResult, str]:
    """Every report of every digest of the run, with their indexes and feeds, as one
    commit, pull request or directory."""
    plan, runner = run.plan, run.runner
    rendered: list[Files] = []

    def render(snapshot: Snapshot) -> Files:
        parts = [
            render_files(
                item.digests,
                layout=item.job.layout,
                outputs=outputs(plan, item, archive, snapshot),
                retry_days=plan.backfill,
            )
            for item in done
        ]
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
    written = sorted(
        {s.last for item in done for s in item.job.layout.spans("day", result.written)}
    )
    log.info("dates written: %s", ", ".join(map(str, written)) or "none (nothing changed)")
    return result.updated(dates_written=written), rendered[-1].embedded_report


# Opens one of a digest's outputs over what the archive holds (None: the digest has none).
Opener = Callable[[Plan, Done, Archive, Snapshot], Output | None]


def _reports(_plan: Plan, _item: Done, _archive: Archive, _snapshot: Snapshot) -> Output | None:
    return Reports()


def _index(_plan: Plan, item: Done, _archive: Archive, snapshot: Snapshot) -> Output | None:
    layout = item.job.layout
    return Index(
        existing=snapshot.read(layout.index_file),
        dates={s.last for s in report_spans(snapshot, layout, "day")},
        spans=report_spans(snapshot, layout, "week") | report_spans(snapshot, layout, "month"),
    )


def _feed(plan: Plan, item: Done, archive: Archive, snapshot: Snapshot) -> Output | None:
    if not item.job.feed:
        return None
    layout = item.job.layout
    existing = snapshot.read(layout.feed)
    title = item.digests[0].title
    if item.job.span.period != "day":  # the dailies' feed: a week's own title does not rename it
        title = title_of(existing) or title
    info = feed_identity(plan, layout, archive, title)
    return Feed(info=info, existing=existing, url=archive.url, published=snapshot.read)


# A digest's outputs, in the order their files are published: its reports and sidecars,
# its index, its feed. The site (`digest site`, commands.site) is an output too, written to
# its own folder from the whole archive.
OUTPUTS: tuple[Opener, ...] = (_reports, _index, _feed)


def outputs(plan: Plan, item: Done, archive: Archive, snapshot: Snapshot) -> list[Output]:
    return [o for opener in OUTPUTS if (o := opener(plan, item, archive, snapshot)) is not None]


def feed_identity(plan: Plan, layout: Layout, archive: Archive, title: str) -> FeedInfo:
    """The ids of the reports folder's feed, the same whichever run or command asks."""
    folder = layout.reports_dir
    link = archive.url(folder, folder=True)
    return identity(plan.github.server_url, plan.target.repo, folder, title, link)


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
        body=lambda url: brief.render(
            report_view(digest), url, brief.GITHUB, without_backlinks(url)
        ),
    )
