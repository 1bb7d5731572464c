"""Benchmark: matching a day of 2,000 repositories against a dozen topics.

    uv run python -m bench.topics              # 2,000 synthetic repositories, 5 PRs, a push each
    uv run python -m bench.topics --prs 20     # a busier day: 40,000 merged pull requests

First (not measured) the day is collected from a local GitHub by digest's own collector, as
`digest run` collects it. Then `digest.topics.match` is timed over that Activity, the best and
the median of a few runs: words in titles, bodies and commit messages, labels, globs over the
files of every pull request. Topics ask GitHub for nothing, so this is all they cost.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

from bench.data import synthetic_repos
from digest import calendar
from digest.collect.collector import collect_activity
from digest.github import GitHubAPI
from digest.models import Activity
from digest.topics import declared, match
from tests.fakegithub.server import FakeGitHub

TOKEN = "bench-token"
DAY = dt.date(2026, 2, 3)
LIMIT = 1.0  # seconds, the bar

# A dozen topics as the reference team would write them: words and phrases (one Chinese),
# labels, globs, one limited to some repositories. Some match every pull request of the
# synthetic day (kernel, csrc/**/*.cu), most none: both cost.
TOPICS = declared(
    [
        {"name": "Kernels", "match": ["kernel"]},
        {
            "name": "FP4 / FP8",
            "match": ["nvfp4", "mxfp4", "fp4", "fp8", "低精度"],
            "labels": ["quantization"],
            "paths": ["**/quantization/**", "csrc/**/fp4*"],
        },
        {"name": "Blackwell", "match": ["blackwell", "sm100", "sm103", "gb200", "b200"]},
        {"name": "Hopper", "match": ["hopper", "sm90", "h100", "h200"]},
        {"name": "MI300", "match": ["mi300", "mi300x", "rocm", "gfx942"]},
        {"name": "DeepSeek", "match": ["deepseek", "mla", "multi-head latent attention"]},
        {"name": "Qwen", "match": ["qwen", "qwen3"]},
        {
            "name": "MoE",
            "match": ["moe", "mixture of experts", "expert parallel"],
            "labels": ["moe"],
        },
        {"name": "Speculative decoding", "match": ["speculative decoding", "eagle", "mtp"]},
        {
            "name": "KV cache",
            "match": ["kv cache", "prefix caching", "paged attention"],
            "paths": ["**/kv_cache/**"],
        },
        {"name": "CUDA sources", "paths": ["csrc/**/*.cu", "**/*.cuh"]},
        {"name": "First org's API", "paths": ["python/api_*.py"], "repos": ["org0/*"]},
    ]
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repos", type=int, default=2000, help="synthetic repositories")
    parser.add_argument("--prs", type=int, default=5, help="merged PRs per repository")
    parser.add_argument("--pushes", type=int, default=1, help="direct pushes per repository")
    parser.add_argument("--runs", type=int, default=5, help="timed runs")
    return parser.parse_args(argv)


def collected(count: int, prs: int, pushes: int) -> Activity:
    repos = synthetic_repos(count, DAY, prs=prs, pushes=pushes)
    window = calendar.window(calendar.of("day", DAY), "UTC")
    with FakeGitHub(repos, token=TOKEN) as github:
        api = GitHubAPI(TOKEN, github.api_url)
        return collect_activity([r.full_name for r in repos], window, api, max_concurrency=8)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    started = time.perf_counter()
    activity = collected(args.repos, args.prs, args.pushes)
    items = sum(r.item_count for r in activity.repos)
    print(
        f"collected {len(activity.repos)} repositories, {items} items "
        f"(not measured: {time.perf_counter() - started:.1f} s)"
    )
    times, matched = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        matched = match(activity, TOPICS)
        times.append(time.perf_counter() - start)
    best, median = min(times), statistics.median(times)
    runs = f"best of {args.runs}; median {median:.3f} s"
    print(f"{len(TOPICS)} topics matched in {best:.3f} s ({runs})")
    for topic in matched:
        print(f"  {topic.name}: {len(topic.items)} items, {topic.counts.total} events")
    verdict = "under" if best < LIMIT else "OVER"
    print(f"{verdict} the {LIMIT:.0f} s bar for a day of {len(activity.repos)} repositories")


if __name__ == "__main__":
    main()
