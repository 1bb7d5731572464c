"""Benchmark: digest against a local GitHub API and a local OpenAI-style model, with latency.

    uv run python -m bench.run                     # the real data in ../shared/data, with a model
    uv run python -m bench.run --no-model          # the built-in summarizer
    uv run python -m bench.run --synthetic 200 --prs 0 --pushes 0 --no-model   # scale, quiet day
    uv run python -m bench.run --synthetic 8 --prs 40 --pushes 2               # eight busy repos

Prints GitHub requests by endpoint (and what one request per commit would cost), LLM calls,
prompt tokens per repository, the whole process's time (start to exit, litellm's import and
shutdown included) against the critical path, a rerun's cost, and the process's peak RSS.
digest runs as a process of its own, as the action's image starts it (MALLOC_ARENA_MAX=2).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from bench.data import SHARED, shared_repos, synthetic_repos
from bench.servers import Servers
from tests.fakegithub.server import FakeRepo
from tests.process import Timed, time_digest

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-token"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--date", default="2026-02-03", help="the day to report")
    parser.add_argument("--synthetic", type=int, metavar="N", help="N synthetic repositories")
    parser.add_argument("--prs", type=int, default=20, help="merged PRs per synthetic repo")
    parser.add_argument("--pushes", type=int, default=1, help="direct pushes per synthetic repo")
    parser.add_argument("--github-latency", type=float, default=0.150, metavar="S")
    parser.add_argument("--llm-latency", type=float, default=3.0, metavar="S")
    parser.add_argument("--no-model", action="store_true", help="built-in summarizer only")
    parser.add_argument("--concurrency", type=int, default=8, help="max-concurrency")
    return parser.parse_args(argv)


def naive_requests(repos: list[FakeRepo], since: dt.datetime, until: dt.datetime) -> int:
    """What a REST collector with one request per commit costs for the same day."""
    total = 0
    for repo in repos:
        commits = [c for c in repo.commits if since <= c.committed_at < until]
        # what such a script lists when it runs the next morning
        horizon = until + dt.timedelta(hours=8)
        pulls = [p for p in repo.pulls if since <= p.updated_at < horizon]
        issues = [i for i in repo.issues if since <= i.updated_at < horizon]
        total += max(1, math.ceil(len(commits) / 100)) + len(commits)  # list, then each commit
        total += max(1, math.ceil(len(pulls) / 100)) + len(pulls)  # list, then each PR's files
        total += max(1, math.ceil(len(issues) / 100)) + 1  # issues, releases
    return total


def digest_argv(
    names: list[str], date: str, out: Path, api_base: str | None, conc: int
) -> list[str]:
    argv = [
        "-v",
        "run",
        "--repos",
        ",".join(names),
        "--date",
        date,
        "--output-dir",
        str(out),
        "--max-concurrency",
        str(conc),
    ]
    if api_base:
        argv += ["--model", "openai/bench-model", "--api-base", api_base, "--api-key", "x"]
    return argv


def run_process(argv: list[str], env: dict[str, str]) -> Timed:
    run = time_digest(argv, env)
    if run.code != 0:
        raise SystemExit(f"digest exited with {run.code}:\n{run.output[-2000:]}")
    return run


@dataclass
class Figures:
    """What one benchmark measured."""

    source: str
    repos: list[FakeRepo]
    since: dt.datetime
    until: dt.datetime
    run: Timed | None = None
    requests: Counter = field(default_factory=Counter)
    calls: int = 0
    sidecar: dict = field(default_factory=dict)
    rerun: Timed | None = None
    rerun_requests: int = 0
    rerun_calls: int = 0


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    date = dt.date.fromisoformat(args.date)
    if args.synthetic:
        repos = synthetic_repos(args.synthetic, date, prs=args.prs, pushes=args.pushes)
        source = f"{args.synthetic} synthetic repositories ({args.prs} PRs, {args.pushes} pushes)"
    elif SHARED.exists():
        repos = shared_repos()
        source = f"{len(repos)} real repositories from {SHARED}"
    else:
        raise SystemExit(f"no {SHARED}: use --synthetic N")
    since = dt.datetime.combine(date, dt.time(), dt.UTC)
    figures = Figures(source, repos, since, since + dt.timedelta(days=1))
    measure(args, figures)
    report(args, figures)


def measure(args: argparse.Namespace, figures: Figures) -> None:
    names = [r.full_name for r in figures.repos]
    with Servers(figures.repos, args.github_latency, args.llm_latency, TOKEN) as servers:
        # as the action's image runs it (Dockerfile: MALLOC_ARENA_MAX)
        env = {
            **os.environ,
            "GITHUB_API_URL": servers.api_url,
            "GITHUB_TOKEN": TOKEN,
            "MALLOC_ARENA_MAX": "2",
        }
        api_base = None if args.no_model else servers.api_base
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out"
            argv = digest_argv(names, args.date, out, api_base, args.concurrency)
            figures.run = run_process(argv, env)
            figures.requests, figures.calls = servers.counts()
            figures.sidecar = json.loads((out / f"reports/{args.date}.json").read_text())
            figures.rerun = run_process(argv, env)
            requests, calls = servers.counts()
            figures.rerun_requests = sum(requests.values()) - sum(figures.requests.values())
            figures.rerun_calls = calls - figures.calls


def report(args: argparse.Namespace, f: Figures) -> None:
    sidecar, repos = f.sidecar, f.repos
    active = [r for r in sidecar["activity"]["repos"] if not r["failure"]]
    print(f"digest benchmark: {f.source}, day {args.date}")
    print(
        f"latency: GitHub {args.github_latency * 1000:.0f} ms/request, "
        f"LLM {args.llm_latency:.1f} s/call, max-concurrency {args.concurrency}"
    )
    items = sum(
        len(r["commits"]) + len(r["pulls"]) + len(r["issues"]) + len(r["releases"]) for r in active
    )
    print(
        f"collected: {items} items in {len(active)} repositories "
        f"({sum(len(r['commits']) for r in active)} commits)"
    )
    print("\nGitHub requests by endpoint:")
    for endpoint, n in sorted(f.requests.items()):
        print(f"  {n:5d}  {endpoint}")
    total = sum(f.requests.values())
    naive = naive_requests(repos, f.since, f.until)
    print(
        f"  {total:5d}  total ({total / max(len(repos), 1):.2f} per repository); "
        f"one request per commit would cost {naive}"
    )
    print(f"\nLLM calls: {f.calls}")
    if f.calls:
        print("prompt tokens per repository:")
        for summary in sidecar["repos"]:
            usage = summary["usage"]
            print(
                f"  {usage['prompt_tokens']:7d} tokens in {usage['llm_calls']} call(s)  "
                f"{summary['repo']}"
            )
        overall = sidecar["overall"]["usage"]
        print(
            f"  {overall['prompt_tokens']:7d} tokens in {overall['llm_calls']} call(s)  "
            "(overall summary)"
        )
        print(
            f"  {sidecar['usage']['prompt_tokens']:7d} total prompt tokens, "
            f"{sidecar['usage']['completion_tokens']} completion tokens"
        )
    slowest_calls = max((s["usage"]["llm_calls"] for s in sidecar["repos"]), default=0)
    critical = args.github_latency * _rounds(f.requests, len(repos)) + (
        args.llm_latency * (slowest_calls + (1 if f.calls else 0))
    )
    run, rerun = f.run, f.rerun
    assert run is not None and rerun is not None  # measure() ran
    print(
        f"\nwhole process: {run.wall:.2f} s from start to exit "
        f"({run.tail:.2f} s after its last line)"
    )
    if f.calls:  # with no model, `max-concurrency` bounds the REST round: no simple path
        target = 1.3 * critical + 2
        verdict = "met" if run.wall <= target else "MISSED"
        print(
            f"critical path {critical:.2f} s (slowest collection + {slowest_calls} repository "
            f"call(s) + overall); ratio {run.wall / critical:.2f}; target 1.3 x critical path "
            f"+ 2 s = {target:.2f} s: {verdict}"
        )
    per_repo = f.rerun_requests / max(len(repos), 1)
    print(
        f"rerun of the same day: {f.rerun_calls} LLM calls, {f.rerun_requests} GitHub "
        f"requests ({per_repo:.2f} per repository), {rerun.wall:.2f} s"
    )
    print(f"peak RSS (MALLOC_ARENA_MAX=2, as in the image): {run.rss_mb:.0f} MB")


def _rounds(requests: Counter, repos: int) -> int:
    """Sequential GitHub round trips on the slowest repository's path: the batched query,
    one more round if any list paged on, one more if any direct push needed REST."""
    rounds = 1
    graphql = requests.get("POST /graphql", 0)
    if graphql > math.ceil(repos / 8):
        rounds += 1
    if requests.get("GET /repos/{owner}/{repo}/commits/{ref}", 0):
        rounds += 1
    return rounds


if __name__ == "__main__":
    main()
