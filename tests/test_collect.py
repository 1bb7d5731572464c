"""Collection against a local GitHub that answers with GitHub's own GraphQL schema."""

from __future__ import annotations

import datetime as dt

import pytest

from digest import calendar
from digest.collect.collector import collect_activity
from digest.errors import GitHubAccessError
from digest.github import GitHubAPI
from tests.conftest import TOKEN
from tests.fakegithub.builders import at, direct_push, merged_pr
from tests.fakegithub.server import FakeFile, FakeIssue, FakePull, FakeRelease, FakeRepo

DAY = dt.date(2026, 2, 4)


def collect(github, repos, *, timezone="UTC", date=DAY):
    window = calendar.window(calendar.of("day", date), timezone)
    return collect_activity(repos, window, GitHubAPI(TOKEN, github.api_url))


def test_a_day_with_150_commits_yields_150_commits(github):
    repo = github.add(FakeRepo("vllm-project/vllm"))
    start = at("2026-02-04 00:05")
    for n in range(150):
        merged_pr(repo, 30000 + n, f"[Core] change {n}", start + dt.timedelta(minutes=9 * n))
    merged_pr(repo, 29999, "yesterday's work", at("2026-02-03 23:59"))

    activity = collect(github, ["vllm-project/vllm"])

    (result,) = activity.repos
    assert len(result.commits) == 150
    assert len(result.pulls) == 150
    assert {c.pr_number for c in result.commits} == {p.number for p in result.pulls}
    assert all(c.files for c in result.commits)  # squash commits carry their PR's files
    # one query for the first 100 commits, one for the next 50: not one per commit
    assert github.counts() == {"POST /graphql": 2}


def test_window_edges_in_shanghai(github):
    repo = github.add(FakeRepo("sgl-project/sglang"))
    merged_pr(repo, 1, "before midnight", at("2026-02-03 23:59:59+08:00"))
    merged_pr(repo, 2, "first second of the day", at("2026-02-04 00:00:00+08:00"))
    merged_pr(repo, 3, "last minute of the day", at("2026-02-04 23:59:00+08:00"))
    merged_pr(repo, 4, "next day, run day", at("2026-02-05 00:00:00+08:00"))

    (result,) = collect(github, ["sgl-project/sglang"], timezone="Asia/Shanghai").repos

    assert [p.number for p in result.pulls] == [2, 3]
    assert [c.pr_number for c in result.commits] == [2, 3]


def test_pull_requests_are_not_issues_and_each_list_keeps_its_window(github):
    repo = github.add(FakeRepo("flashinfer-ai/flashinfer"))
    repo.pulls.append(
        FakePull(
            2490,
            "Open PR from today",
            at("2026-02-04 09:00"),
            files=[FakeFile("csrc/xqa.cu", additions=40)],
        )
    )
    repo.pulls.append(FakePull(2400, "Old open PR", at("2026-01-20 09:00")))
    merged_pr(repo, 2480, "Opened last week, merged today", at("2026-02-04 11:00"))
    merged_pr(repo, 2481, "Merged tomorrow", at("2026-02-05 11:00"))
    repo.issues += [
        FakeIssue(2496, "New today", at("2026-02-04 19:42"), labels=["performance"], comments=2),
        FakeIssue(2300, "Closed today", at("2026-01-02 10:00"), closed_at=at("2026-02-04 08:00")),
        FakeIssue(
            2301, "Closed tomorrow", at("2026-01-02 10:00"), closed_at=at("2026-02-05 08:00")
        ),
        FakeIssue(2302, "Old and open", at("2026-01-02 10:00")),
    ]
    repo.releases += [
        FakeRelease("v0.6.3", at("2026-02-04 15:00")),
        FakeRelease("v0.6.4rc1", at("2026-02-04 16:00"), draft=True),
        FakeRelease("v0.6.2", at("2026-01-28 15:00")),
    ]

    (result,) = collect(github, ["flashinfer-ai/flashinfer"]).repos

    assert [p.number for p in result.pulls] == [2480, 2490]
    opened = next(p for p in result.pulls if p.number == 2490)
    assert opened.state == "open" and opened.files[0].path == "csrc/xqa.cu"
    assert [i.number for i in result.issues] == [2300, 2496]
    assert not {i.number for i in result.issues} & {p.number for p in repo.pulls}
    assert [r.tag for r in result.releases] == ["v0.6.3"]


def test_direct_pushes_get_their_files_from_rest(github):
    repo = github.add(FakeRepo("Dao-AILab/flash-attention"))
    push = direct_push(
        repo,
        "Bump to v2.8.4",
        at("2026-02-04 03:00"),
        [
            FakeFile("flash_attn/__init__.py", additions=1, deletions=1),
            FakeFile("hopper/setup.py", status="added", additions=30),
        ],
    )

    (result,) = collect(github, ["Dao-AILab/flash-attention"]).repos

    (commit,) = result.commits
    assert commit.sha == push.sha and commit.pr_number is None
    assert [(f.path, f.status, f.additions) for f in commit.files] == [
        ("flash_attn/__init__.py", "modified", 1),
        ("hopper/setup.py", "added", 30),
    ]
    assert github.counts()["GET /repos/{owner}/{repo}/commits/{ref}"] == 1


def test_a_missing_repository_does_not_lose_the_others(github):
    for name in ("a/one", "c/three"):
        merged_pr(github.add(FakeRepo(name)), 7, f"work in {name}", at("2026-02-04 12:00"))

    activity = collect(github, ["a/one", "b/missing", "c/three"])

    assert [(r.repo, r.failure) for r in activity.repos] == [
        ("a/one", None),
        ("b/missing", "not_found"),
        ("c/three", None),
    ]
    assert [len(r.pulls) for r in activity.repos] == [1, 0, 1]


def test_five_repositories_on_a_normal_day_cost_two_requests(github):
    """The figure quoted on the issue: requests for one day of five repositories."""
    names = [
        "flashinfer-ai/flashinfer",
        "NVIDIA/cutlass",
        "Dao-AILab/flash-attention",
        "deepseek-ai/DeepGEMM",
        "deepseek-ai/FlashMLA",
    ]
    for i, name in enumerate(names):
        repo = github.add(FakeRepo(name))
        for n in range(3 * (5 - i)):
            merged_pr(
                repo,
                100 * (i + 1) + n,
                f"fix: thing {n}",
                at("2026-02-04 01:00") + dt.timedelta(minutes=30 * n),
            )
        repo.issues.append(FakeIssue(900 + i, "question", at("2026-02-04 05:00")))
    direct_push(github.repos["dao-ailab/flash-attention"], "Update README", at("2026-02-04 20:00"))

    activity = collect(github, names)

    assert sum(len(r.pulls) for r in activity.repos) == 45
    assert github.counts() == {"POST /graphql": 1, "GET /repos/{owner}/{repo}/commits/{ref}": 1}
    assert activity.github_requests == 2


def test_a_rejected_token_stops_the_run(github):
    github.add(FakeRepo("a/one"))
    with pytest.raises(GitHubAccessError, match="401"):
        collect_activity(
            ["a/one"],
            calendar.window(calendar.of("day", DAY), "UTC"),
            GitHubAPI("wrong", github.api_url),
        )


def test_a_pull_request_with_many_files_gets_every_file_in_pages_of_its_own(github):
    repo = github.add(FakeRepo("NVIDIA/cutlass"))
    files = [FakeFile(f"include/cute/atom/f{k}.hpp", additions=k) for k in range(130)]
    merged_pr(repo, 3000, "CUTLASS 4.4 release", at("2026-02-04 12:00"), files=files)
    merged_pr(repo, 3001, "fix: docs", at("2026-02-04 13:00"))

    (result,) = collect(github, ["NVIDIA/cutlass"]).repos

    big = next(p for p in result.pulls if p.number == 3000)
    assert [f.path for f in big.files] == [f.filename for f in files]
    # the activity query lists each PR's first files; the rest come 100 at a time, only for
    # the PR that has more, not again for the small one
    assert github.counts() == {"POST /graphql": 3}
    later = [b["variables"] for b in github.graphql_bodies[1:]]
    assert [(v["number0"], "number1" in v) for v in later] == [(3000, False), (3000, False)]


def test_nightly_builds_published_at_the_same_second_are_in_date_order(github):
    repo = github.add(FakeRepo("flashinfer-ai/flashinfer"))
    published = at("2026-02-04 00:08")  # three nightlies published in one go
    for tag in ("nightly-v0.6.4-20260302", "nightly-v0.6.4-20260301", "nightly-v0.6.4-20260228"):
        repo.releases.append(FakeRelease(tag, published, created_at=published))
    repo.releases.append(FakeRelease("v0.6.3", at("2026-02-04 00:01")))

    (result,) = collect(github, ["flashinfer-ai/flashinfer"]).repos

    assert [r.tag for r in result.releases] == [
        "v0.6.3",
        "nightly-v0.6.4-20260228",
        "nightly-v0.6.4-20260301",
        "nightly-v0.6.4-20260302",
    ]
