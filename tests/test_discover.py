"""Following whole organisations and searches: discovery, quiet repositories, the budget."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from digest import calendar
from digest.cli import main
from digest.collect.discover import discover
from digest.github import GitHubAPI, paging
from tests.conftest import TOKEN, requested_repositories, tree
from tests.fakegithub.builders import at, merged_pr
from tests.fakegithub.server import FakeRepo

DAY = "2026-02-04"
LONG_AGO = at("2025-06-01 12:00")


def active(github, name: str, number: int = 1, **extra) -> FakeRepo:
    repo = github.add(FakeRepo(name, **extra))
    merged_pr(repo, number, f"[Kernel] work in {name}", at(f"{DAY} 12:00"))
    return repo


def quiet(github, name: str, **extra) -> FakeRepo:
    return github.add(FakeRepo(name, pushed=LONG_AGO, **extra))


@pytest.fixture
def nvidia(github):
    active(github, "NVIDIA/cutlass")
    active(github, "NVIDIA/cutile-python")
    active(github, "NVIDIA/cuda-docs")  # excluded by a pattern
    active(github, "NVIDIA/flash-attention", fork=True)
    active(github, "NVIDIA/old-kernels", archived=True)
    for n in range(20):
        quiet(github, f"NVIDIA/quiet-{n:02d}")
    github.add(FakeRepo("deepseek-ai/FlashMLA"))  # listed, no activity
    return github


def run(tmp_path, *extra: str) -> int:
    return main(["run", "--date", DAY, "--output-dir", str(tmp_path), "--backfill", "0", *extra])


def test_an_organisation_is_discovered_quiet_ones_counted_not_collected(nvidia, tmp_path):
    code = run(
        tmp_path,
        "--repos",
        "deepseek-ai/FlashMLA",
        "--orgs",
        "NVIDIA",
        "--exclude",
        "nvidia/*-DOCS",
    )
    assert code == 0
    assert sorted(requested_repositories(nvidia)) == [
        "NVIDIA/cutile-python",
        "NVIDIA/cutlass",
        "deepseek-ai/FlashMLA",
    ]
    report = (tmp_path / f"reports/{DAY}.md").read_text()
    headings = [h for h in re.findall(r"^### \[?([^\]\n]+)", report, re.M) if "/" in h]
    assert headings == ["deepseek-ai/FlashMLA", "NVIDIA/cutile-python", "NVIDIA/cutlass"]
    flashmla = report.split("### [deepseek-ai/FlashMLA]")[1].split("###")[0]
    assert "No activity in this window." in flashmla  # a listed repository keeps its line
    assert "_No activity in 20 other NVIDIA repositories._" in report  # excluded: not counted
    assert "quiet-" not in report and "flash-attention" not in report
    sidecar = json.loads((tmp_path / f"reports/{DAY}.json").read_text())
    assert sidecar["activity"]["quiet"] == [{"source": "NVIDIA", "count": 20}]


def test_an_organisation_of_300_repositories_costs_its_listing_and_its_active_ones(
    github, tmp_path
):
    for n in range(10):
        active(github, f"bigorg/active-{n}", number=n + 1)
    for n in range(290):
        quiet(github, f"bigorg/quiet-{n:03d}")
    assert run(tmp_path, "--orgs", "bigorg") == 0
    # one listing page (paging stops at the first quiet repository), two batches of 8 + 2
    assert github.counts() == {"POST /graphql": 3}
    assert (
        "_No activity in 290 other bigorg repositories._"
        in (tmp_path / f"reports/{DAY}.md").read_text()
    )


def test_an_owner_that_does_not_exist_is_bad_input(nvidia, tmp_path, capsys):
    assert run(tmp_path, "--orgs", "NVIDIA,nvidiaa") == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "input 'orgs': 'nvidiaa' is not a GitHub organization or user" in line
    assert list(tmp_path.iterdir()) == []


def test_a_search_is_followed_and_its_quiet_results_counted(github, tmp_path):
    active(github, "vllm-project/vllm", topics=["llm-inference"], stars=60000)
    active(github, "sgl-project/sglang", topics=["llm-inference"], stars=20000)
    active(github, "tiny/toy", topics=["llm-inference"], stars=3)  # below the stars bar
    active(github, "someone/sglang-fork", topics=["llm-inference"], stars=900, fork=True)
    quiet(github, "old/server", topics=["llm-inference"], stars=800)
    assert run(tmp_path, "--search", "topic:llm-inference stars:>500") == 0
    assert sorted(requested_repositories(github)) == ["sgl-project/sglang", "vllm-project/vllm"]
    report = (tmp_path / f"reports/{DAY}.md").read_text()
    assert "_No activity in 1 other repositories the search finds._" in report


def test_a_search_github_caps_says_so(github):
    for n in range(1001):
        github.add(FakeRepo(f"many/repo-{n:04d}", topics=["big"], pushed=at(f"{DAY} 10:00")))
    window = calendar.window(calendar.of("day", dt.date(2026, 2, 4)), "UTC")
    found = discover(
        GitHubAPI(TOKEN, github.api_url), window, listed=[], orgs=[], search="topic:big", exclude=[]
    )
    assert len(found.repos) == 1000
    assert found.notes == [
        "the search matched 1001 repositories pushed since the window began; GitHub returns "
        "the first 1000, and only those were followed"
    ]


@pytest.mark.parametrize("how", ["orgs", "search"])
def test_a_page_github_stops_is_read_again_shorter_and_nothing_is_lost(github, monkeypatch, how):
    for n in range(120):
        github.add(FakeRepo(f"big-org/repo-{n:03d}", topics=["big"], pushed=at(f"{DAY} 10:00")))
    github.work_budget = 80  # a page of 100 repositories is more than GitHub finishes
    monkeypatch.setattr(paging, "backoff", lambda attempt: 0.0)
    window = calendar.window(calendar.of("day", dt.date(2026, 2, 4)), "UTC")
    api = GitHubAPI(TOKEN, github.api_url)

    found = discover(
        api,
        window,
        listed=[],
        orgs=["big-org"] if how == "orgs" else [],
        search="topic:big" if how == "search" else None,
        exclude=[],
    )

    assert len(found.repos) == 120 and found.quiet == []
    pages = [body["variables"]["pageSize"] for body in github.graphql_bodies]
    assert pages == [100, 50, 50, 50]  # stopped at 100; then every page at 50
    assert [status for status, _ in github.graphql_answers] == [502, 200, 200, 200]


def test_the_budget_stop_postpones_the_rest_and_says_so(github, tmp_path, capsys):
    names = [f"org/repo-{n:02d}" for n in range(20)]
    for n, name in enumerate(names):
        active(github, name, number=n + 1)
    github.rate_remaining = 27  # the first batch leaves 26, the second 25: then the reserve
    code = run(tmp_path, "--repos", ",".join(names), "--max-concurrency", "1")
    assert code == 0
    sidecar = json.loads((tmp_path / f"reports/{DAY}.json").read_text())
    failures = [r["failure"] for r in sidecar["activity"]["repos"]]
    assert failures == [None] * 16 + ["postponed"] * 4
    assert sidecar["incomplete"] == names[16:]
    report = (tmp_path / f"reports/{DAY}.md").read_text()
    assert report.count("the token's hourly GitHub budget was nearly spent") == 4
    err = capsys.readouterr().err
    assert "org/repo-16: not started: the token's hourly GitHub budget was nearly spent" in err
    assert sorted(tree(tmp_path)) == [
        "README.md",
        f"reports/{DAY}.json",
        f"reports/{DAY}.md",
        "reports/feed.xml",
    ]
