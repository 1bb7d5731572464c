"""Open the archive a plan publishes to: checked before anything is collected."""

from __future__ import annotations

from pathlib import Path

from digest.archive.base import Archive
from digest.archive.github import GitHubArchive
from digest.archive.local import DirectoryArchive
from digest.github import GitHubAPI
from digest.models import RunPlan


def open_archive(plan: RunPlan, api: GitHubAPI, server_url: str) -> Archive:
    if plan.publish == "none" or plan.target_repo is None:  # plan() requires a target else
        return DirectoryArchive(Path(plan.output_dir))
    archive = GitHubArchive.open(
        api, plan.target_repo, plan.target_branch, plan.publish, server_url
    )
    return archive.for_date(plan.window.date)
