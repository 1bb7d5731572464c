"""Benchmark: one job against a matrix of shards, for thousands of repositories.

    uv run python -m bench.shards                      # 2,000 repositories: 1 job, 4 and 8 shards
    uv run python -m bench.shards --repos 500 --shards 4

Each configuration runs against a fresh local GitHub (150 ms per request, in a process of
its own) and the built-in summarizer. Each shard runs alone, as on a runner of its own in a
matrix (`--together` runs them side by side on this machine's cores instead); the report
job runs after them. Prints, per configuration:
wall time of each shard and of the report job, the workflow's critical path (slowest shard
+ report), GitHub requests per repository, peak RSS per process, and the artifacts' size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bench.data import synthetic_repos
from bench.run import ROOT, TOKEN, run_process
from bench.servers import Servers
from tests.process import Timed

DATE = "2026-02-03"


@dataclass
class Phase:
    name: str
    process: Timed
    requests: int


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repos", type=int, default=2000)
    parser.add_argument("--shards", type=int, nargs="+", default=[4, 8])
    parser.add_argument("--prs", type=int, default=2, help="merged PRs per repository")
    parser.add_argument("--github-latency", type=float, default=0.150, metavar="S")
    parser.add_argument(
        "--together", action="store_true", help="run the shards at once on this machine"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    day = dt.date.fromisoformat(DATE)
    repos = synthetic_repos(args.repos, day, prs=args.prs, pushes=0)
    names = ",".join(r.full_name for r in repos)
    print(
        f"{args.repos} synthetic repositories, {args.prs} merged PRs each, "
        f"GitHub {args.github_latency * 1000:.0f} ms/request, built-in summarizer"
    )
    for total in [1, *args.shards]:
        with (
            Servers(repos, args.github_latency, 0.0, TOKEN) as servers,
            tempfile.TemporaryDirectory(dir=ROOT) as tmp,
        ):
            env = {
                **os.environ,
                "GITHUB_API_URL": servers.api_url,
                "GITHUB_TOKEN": TOKEN,
                "MALLOC_ARENA_MAX": "2",
                "INPUT_REPOS": names,  # 2,000 names: the environment, not the command line
            }
            out = Path(tmp)
            phases = (
                run_sharded(total, out, env, servers, args.together)
                if total > 1
                else run_one(out, env, servers)
            )
            report(total, args.repos, phases, out)


def run_one(out: Path, env: dict[str, str], servers: Servers) -> list[Phase]:
    argv = ["run", "--date", DATE, "--output-dir", str(out / "site"), "--backfill", "0"]
    process = run_process(argv, env)
    return [Phase("one job", process, _requests(servers))]


def run_sharded(
    total: int, out: Path, env: dict[str, str], servers: Servers, together: bool
) -> list[Phase]:
    def shard(k: int) -> Timed:
        argv = ["collect", "--date", DATE, "--shard", f"{k}/{total}", "--output-dir", str(out)]
        return run_process(argv, env)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=total if together else 1) as pool:
        shards = list(pool.map(shard, range(1, total + 1)))
    collected = time.perf_counter() - started
    requests = _requests(servers)
    phases = [Phase(f"shard {k}/{total}", p, 0) for k, p in enumerate(shards, start=1)]
    phases[0].requests = requests  # all shards together
    argv = ["report", "--activity", str(out / f"activity-*-of-{total}.json"), "--output-dir",
            str(out / "site")]  # fmt: skip
    report_env = {k: v for k, v in env.items() if k != "INPUT_REPOS"}
    phases.append(Phase("report job", run_process(argv, report_env), 0))
    how = "side by side" if together else "one after another"
    print(f"  (the {total} shards ran {how} in {collected:.2f} s)")
    return phases


def _requests(servers: Servers) -> int:
    counts, _ = servers.counts()
    return sum(counts.values())


def report(total: int, repos: int, phases: list[Phase], out: Path) -> None:
    title = "one job" if total == 1 else f"{total} shards"
    requests = sum(p.requests for p in phases)
    artifacts = sorted(out.glob("activity-*.json"))
    size = sum(f.stat().st_size for f in artifacts)
    shards = [p for p in phases if p.name.startswith("shard")]
    critical = (max(p.process.wall for p in shards) if shards else 0) + phases[-1].process.wall
    print(f"\n{title}: {requests} GitHub requests ({requests / repos:.3f} per repository)")
    for phase in phases:
        print(
            f"  {phase.name:12s} {phase.process.wall:7.2f} s   peak RSS "
            f"{phase.process.rss_mb:5.0f} MB"
        )
    print(f"  workflow critical path (slowest shard + report): {critical:.2f} s")
    if artifacts:
        print(
            f"  artifacts: {len(artifacts)} files, {size / 1e6:.1f} MB in all "
            f"(largest {max(f.stat().st_size for f in artifacts) / 1e6:.1f} MB)"
        )


if __name__ == "__main__":
    main()
