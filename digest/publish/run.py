"""Choose the publisher for the run's `publish` mode and hand it the renderer."""

from __future__ import annotations

from pathlib import Path

from digest.collect.github_api import GitHubAPI
from digest.models import Digest, PublishResult, RunPlan
from digest.publish import local
from digest.publish.github import GitHubPublisher, Render
from digest.render.report import render_pull_body


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
            digest, f"{server_url}/{run_plan.target_repo}/blob/{work_branch}/{files.report_path}"
        ),
    )


def _message_body(digest: Digest) -> str:
    active = sum(1 for r in digest.activity.repos if r.ok and r.item_count)
    failed = [r.repo for r in digest.activity.repos if not r.ok]
    body = f"{active} of {len(digest.activity.repos)} repositories had activity."
    return body + (f" Not read: {', '.join(failed)}." if failed else "")
