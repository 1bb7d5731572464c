"""The job summary's run table: what each repository cost and how it was summarized.

Shown on the workflow run page only; never part of a published file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from digest.models import Digest, PublishResult, Usage


def job_summary(
    digests: list[Digest],
    result: PublishResult,
    backfill: Sequence[tuple[dt.date, str, str]] = (),
) -> str:
    """A short per-repository table for the job summary (never published); then what
    backfill did for each earlier date: (date, written / redone / skipped, why)."""
    digest = digests[0]
    window = digest.activity.window
    lines = [
        f"### digest: {window.date} ({window.timezone})",
        "",
        f"Report: `{result.report_path}` · {_published(result)} · "
        f"GitHub requests to collect: {digest.activity.github_requests}",
        "",
        "| repository | status | commits | PRs | issues | releases | summary | calls | tokens |",
        "|---|---|---:|---:|---:|---:|---|---:|---:|",
    ]
    for activity, summary in zip(digest.activity.repos, digest.repos, strict=True):
        status = activity.failure or summary.status
        method = summary.method + (f" (fallback: {summary.fallback})" if summary.fallback else "")
        usage = Usage() if summary.reused else summary.usage
        lines.append(
            f"| {activity.repo} | {status} | {len(activity.commits)} | {len(activity.pulls)} "
            f"| {len(activity.issues)} | {len(activity.releases)} | {method} "
            f"| {usage.llm_calls} | {usage.prompt_tokens + usage.completion_tokens} |"
        )
    total = sum((d.run_usage for d in digests), Usage())
    lines += [
        "",
        f"LLM calls: {total.llm_calls} · prompt tokens: {total.prompt_tokens} · "
        f"completion tokens: {total.completion_tokens} · cost: "
        f"{'unknown' if total.cost is None else f'${total.cost:.4f}'}",
    ]
    if backfill:
        written = set(result.dates_written)
        lines += ["", "Backfill (earlier dates):", ""]
        for date, action, why in backfill:
            done = {"write": "written", "redo": "redone"}.get(action, "skipped")
            if action != "skip" and date not in written:
                done += ", unchanged"
            lines.append(f"- {date}: {done} ({why})")
    return "\n".join(lines) + "\n"


def _published(result: PublishResult) -> str:
    if result.pull_request_url:
        return f"pull request {result.pull_request_url}"
    if result.commit_sha:
        return f"commit {result.commit_sha[:7]}"
    if result.mode == "none":
        return "files written"
    return "nothing changed, no commit"
