"""The action's outputs and the job summary, after publishing."""

from __future__ import annotations

from digest.models import Digest, PublishResult, Usage
from digest.runner import Runner

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


def announce(
    runner: Runner, digests: list[Digest], result: PublishResult, table: str, report: str
) -> None:
    """Outputs for later steps; the run's table and the report in the job summary."""
    digest = digests[0]  # the run's own date; the others are dates it filled in
    usage = sum((d.run_usage for d in digests), Usage())
    values = {
        "report-path": result.report_path,
        "report-url": result.report_url,
        "commit-sha": result.commit_sha,
        "pull-request-url": result.pull_request_url,
        "pull-request-number": result.pull_request_number,
        "active-repos": sum(1 for r in digest.activity.repos if r.ok and r.item_count),
        "prompt-tokens": usage.prompt_tokens,
        "completion-tokens": usage.completion_tokens,
        "cost-usd": usage.cost_usd,
        "dates-written": ",".join(d.isoformat() for d in result.dates_written),
    }
    runner.write_outputs({name: values[name] for name in OUTPUTS})
    runner.write_summary(table)
    runner.write_summary(f"<details><summary>The report</summary>\n\n{report}\n</details>\n")
