"""Choose the publisher for the run's `publish` mode and hand it the renderer."""

from __future__ import annotations

import logging
from pathlib import Path

from github import GithubException

from digest.collect.github_api import GitHubAPI
from digest.models import Digest, PublishResult, RunPlan
from digest.publish import local
from digest.publish.github import GitHubPublisher, Render
from digest.render.report import render_pull_body

log = logging.getLogger(__name__)


def publish(
    run_plan: RunPlan, digest: Digest, render: Render, api: GitHubAPI | None, server_url: str
) -> PublishResult:
    if run_plan.publish == "none":
        root = Path(run_plan.output_dir)
        index, dates = local.read_existing(root, run_plan.reports_dir, run_plan.index_file)
        return local.write_files(root, render(index, dates))
    assert api is not None and run_plan.target_repo is not None  # guaranteed by plan()
    publisher = GitHubPublisher(
        api.repository(run_plan.target_repo),
        reports_dir=run_plan.reports_dir,
        index_file=run_plan.index_file,
        server_url=server_url,
    )
    branch = run_plan.target_branch or publisher.default_branch()
    date = digest.activity.window.date.isoformat()
    message = f"digest: report for {date}\n\n{_message_body(digest)}"
    if run_plan.publish == "commit":
        return publisher.commit(branch, render, message)
    work_branch = f"digest/{date}"
    return publisher.pull_request(
        base=branch,
        branch_name=work_branch,
        render=render,
        message=message,
        title=f"{digest.title} — {date}",
        body=lambda files: render_pull_body(
            digest, publisher.report_url(work_branch, files.report_path)
        ),
    )


def previous_digest(run_plan: RunPlan, date: str, api: GitHubAPI | None) -> Digest | None:
    """The sidecar already published for this date, if any: its summaries can be reused."""
    path = f"{run_plan.reports_dir}/{date}.json"
    try:
        if run_plan.publish == "none":
            file = Path(run_plan.output_dir) / path
            text = file.read_text(encoding="utf-8") if file.is_file() else None
        else:
            assert api is not None and run_plan.target_repo is not None
            repo = api.repository(run_plan.target_repo)
            branches = [run_plan.target_branch or repo.default_branch]
            if run_plan.publish == "pull-request":
                branches.insert(0, f"digest/{date}")
            text = _first_file(repo, path, branches)
        return Digest.model_validate_json(text) if text else None
    except Exception as exc:  # a missing or unreadable sidecar only means no reuse
        log.info("no previous summaries to reuse for %s: %s", date, exc)
        return None


def _first_file(repo, path: str, branches: list[str]) -> str | None:
    for branch in branches:
        try:
            return repo.get_contents(path, ref=branch).decoded_content.decode("utf-8")
        except GithubException as exc:
            if exc.status != 404:
                raise
    return None


def _message_body(digest: Digest) -> str:
    active = sum(1 for r in digest.activity.repos if r.ok and r.item_count)
    failed = [r.repo for r in digest.activity.repos if not r.ok]
    body = f"{active} of {len(digest.activity.repos)} repositories had activity."
    return body + (f" Not read: {', '.join(failed)}." if failed else "")
