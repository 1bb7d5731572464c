"""Benchmark: a monthly report of busy repositories, built from the dailies in the archive.

    uv run python -m bench.rollup                      # 8 repositories, 40 merged PRs a day each
    uv run python -m bench.rollup --repos 8 --prs 10   # lighter
    uv run python -m bench.rollup --model              # also with a local model

First (not measured) `digest run` writes the dailies of February 2026 against a local GitHub,
as scheduled runs would: one run on Feb 1, then one on Feb 28 that backfills the 26 days
between. Then `digest run --period month` is measured as a process of its own: GitHub
requests (collection: none from a complete archive), model calls, wall time and peak memory;
and once more with one daily removed, to show that only that day is collected.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
from collections import Counter
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from bench.servers import Servers
from tests.fakegithub.builders import at, direct_push, merged_pr
from tests.fakegithub.server import FakeFile, FakeIssue, FakeRelease, FakeRepo
from tests.process import Timed, time_digest

TOKEN = "bench-token"
MONTH = [dt.date(2026, 2, 1) + dt.timedelta(days=k) for k in range(28)]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repos", type=int, default=8, help="repositories")
    parser.add_argument("--prs", type=int, default=40, help="merged PRs per repository per day")
    parser.add_argument("--issues", type=int, default=6, help="new issues per repository per day")
    parser.add_argument("--model", action="store_true", help="also summarize with a model")
    return parser.parse_args(argv)


def month_of_repos(count: int, prs: int, issues: int) -> list[FakeRepo]:
    """Each repository: `prs` merged PRs a day (opened 1 to 3 days before), `issues` new
    issues a day (half closed two days later), a direct push a day, a release a week."""
    repos = []
    for i in range(count):
        repo = FakeRepo(f"org/project-{i}", description=f"Synthetic project {i}")
        for d, day in enumerate(MONTH):
            start = at(f"{day.isoformat()} 00:30")
            for n in range(prs):
                when = start + dt.timedelta(minutes=(23 * 60 * n) // max(prs, 1))
                merged_pr(
                    repo,
                    10_000 + d * 1000 + n,
                    f"[Kernel] change {n} of day {d} in project {i}",
                    when,
                    files=[FakeFile(f"csrc/kernel_{n}.cu", additions=40, deletions=8)],
                    body="Motivation, design and benchmarks of the change. " * 4,
                    opened=when - dt.timedelta(hours=24 + (n % 3) * 24),
                )
            for n in range(issues):
                opened = start + dt.timedelta(hours=n)
                closed = opened + dt.timedelta(days=2) if n % 2 == 0 else None
                repo.issues.append(
                    FakeIssue(500 + d * 100 + n, f"Issue {n} of day {d}", opened, closed_at=closed)
                )
            direct_push(repo, f"Update docs of day {d}", start + dt.timedelta(hours=5))
            if day.weekday() == 4:
                tag = f"v1.{d}.0"
                repo.releases.append(FakeRelease(tag, start + dt.timedelta(hours=12), name=tag))
        repos.append(repo)
    return repos


def digest(argv: list[str], env: dict[str, str]) -> Timed:
    run = time_digest(argv, env, timeout=3600)
    if run.code != 0:
        raise SystemExit(f"digest exited with {run.code}:\n{run.output[-2000:]}")
    return run


def spent(servers: Servers, before: tuple[Counter, int]) -> tuple[Counter, int]:
    requests, calls = servers.counts()
    return requests - before[0], calls - before[1]


def show(name: str, run: Timed, requests: Counter, calls: int, out: Path) -> None:
    graphql = requests["POST /graphql"]
    print(f"\n{name}")
    print(f"  GitHub requests: {sum(requests.values())} (GraphQL collection queries: {graphql})")
    for route, n in sorted(requests.items()):
        print(f"    {n:5d}  {route}")
    print(f"  model calls: {calls}")
    print(f"  wall time: {run.wall:.2f} s (process start to exit), peak RSS {run.rss_mb:.0f} MB")
    sidecar = json.loads((out / "reports/monthly/2026-02.json").read_text())
    repos = sidecar["activity"]["repos"]
    items = sum(len(r[k]) for r in repos for k in ("commits", "pulls", "issues", "releases"))
    print(f"  the month's record: {items} items; collected days: {sidecar['rollup']['collected']}")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    repos = month_of_repos(args.repos, args.prs, args.issues)
    names = ",".join(r.full_name for r in repos)
    print(
        f"{args.repos} repositories, each {args.prs} merged PRs, {args.issues} new issues and a "
        "push a day, a release a week, February 2026"
    )
    with Servers(repos, 0.0, 0.0, TOKEN) as servers, tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        env = {
            **os.environ,
            "GITHUB_API_URL": servers.api_url,
            "GITHUB_TOKEN": TOKEN,
            "MALLOC_ARENA_MAX": "2",  # as the action's image runs it (Dockerfile)
        }
        base = ["run", "--repos", names, "--output-dir", str(out)]
        writing = servers.counts()
        first = digest([*base, "--date", "2026-02-01"], env)
        rest = digest([*base, "--date", "2026-02-28", "--backfill", "27"], env)
        requests, _ = spent(servers, writing)
        dailies = len(list((out / "reports").glob("2026-02-*.json")))
        print(
            f"\ndailies written: {dailies} in {first.wall + rest.wall:.1f} s, "
            f"{sum(requests.values())} GitHub requests (the month's collection, once)"
        )

        monthly = [*base, "--period", "month", "--date", "2026-03-01"]
        before = servers.counts()
        run = digest(monthly, env)
        show("monthly report, built-in summarizer", run, *spent(servers, before), out)

        if args.model:
            for ext in ("md", "json"):
                (out / f"reports/monthly/2026-02.{ext}").unlink()
            model = ["--model", "openai/bench-model", "--api-base", servers.api_base]
            before = servers.counts()
            run = digest([*monthly, *model, "--api-key", "x"], env)
            show("monthly report, a model", run, *spent(servers, before), out)

        for ext in ("md", "json"):
            (out / f"reports/2026-02-11.{ext}").unlink()
        before = servers.counts()
        run = digest(monthly, env)
        show("monthly report, the daily of 2026-02-11 missing", run, *spent(servers, before), out)


if __name__ == "__main__":
    main()
