"""The action's outputs (`set_outputs`) and the job summary, after publishing."""

from __future__ import annotations

from digest.actions import Runner
from digest.models import Digest, PublishResult, Usage

# The action's outputs: action.yml and the README list exactly these (tests/test_contract.py).
OUTPUTS = (
    "report-path",
    "report-url",
    "commit-sha",
    "pull-request-url",
    "pull-request-number",
    "active-repos",
    "prompt-tokens",
    "completion-tokens",
    "cost-usd",
    "dates-written",
)


def set_outputs(
    runner: Runner,
    latest: list[Digest],
    result: PublishResult,
    table: str,
    report: str,
    every: list[Digest],
) -> None:
    """Outputs for later steps; the run's table and the report in the job summary.
    `latest`: each digest's report for the run's date; `every`: those and the dates
    backfill wrote, for what the run spent."""
    usage = sum((d.run_usage for d in every), Usage())
    values = {
        "report-path": result.report_path,
        "report-url": result.report_url,
        "commit-sha": result.commit_sha,
        "pull-request-url": result.pull_request_url,
        "pull-request-number": result.pull_request_number,
        "active-repos": len({r.repo for d in latest for r in d.activity.repos if r.active}),
        "prompt-tokens": usage.prompt_tokens,
        "completion-tokens": usage.completion_tokens,
        "cost-usd": usage.cost,
        "dates-written": ",".join(d.isoformat() for d in result.dates_written),
    }
    runner.write_outputs({name: values[name] for name in OUTPUTS})
    runner.write_summary(table)
    runner.write_summary(f"<details><summary>The report</summary>\n\n{report}\n</details>\n")
