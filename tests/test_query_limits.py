"""Collection against GitHub's real query limits: a query stopped after its 10 s of work
(HTTP 502) or refused for its resources is asked again smaller, never at a shape that failed,
and only a query failing at its smallest costs the repositories it held."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from digest import calendar
from digest.cli import main
from digest.collect.collector import collect_activity
from digest.github import GitHubAPI, QueryTooHeavy, paging
from digest.github.limits import Pacer
from tests.conftest import TOKEN
from tests.fakegithub.builders import at, merged_pr
from tests.fakegithub.server import FakeFile, FakeGitHub, FakeRepo

DAY = dt.date(2026, 2, 4)
BUSY = [f"busy-org/repo{i}" for i in range(4)]
# Four repositories of 120 PRs touch work in one query that GitHub would not finish: the
# first query (all four, 100 commits each) weighs about 24,000 units, one repository of
# 100 commits about 6,000, one of 50 commits about 3,600.
BUDGET = 5000


def busy_day(github: FakeGitHub) -> None:
    """120 merged PRs in each of four repositories; every 25th PR touches 60 files."""
    for name in BUSY:
        repo = github.add(FakeRepo(name))
        for n in range(120):
            count = 60 if n % 25 == 0 else 4
            merged_pr(
                repo,
                1000 + n,
                f"[Core] change {n}",
                at("2026-02-04 00:05") + dt.timedelta(minutes=11 * n),
                files=[FakeFile(f"src/part{n}/f{k}.py", additions=5) for k in range(count)],
            )


def collect(github, repos, *, pauses: list[float] | None = None, concurrency: int = 8):
    window = calendar.window(calendar.of("day", DAY), "UTC")
    pauses = [] if pauses is None else pauses
    return collect_activity(
        repos,
        window,
        GitHubAPI(TOKEN, github.api_url),
        max_concurrency=concurrency,
        pause=lambda attempt: 0.001 * attempt,
        sleep=pauses.append,
    )


def activity_shapes(github) -> list[tuple[str, int, int]]:
    """(query, repositories held, commits per page) of every activity query, in order."""
    shapes = []
    for body in github.graphql_bodies:
        v = body["variables"]
        if "historyPage" in v:
            shapes.append(("first", sum(1 for k in v if k.startswith("owner")), v["historyPage"]))
        elif "withCommits" in v:
            shapes.append(("next", 1, v["pageSize"]))
    return shapes


def test_a_busy_day_is_collected_completely_though_the_first_query_times_out(github, capsys):
    busy_day(github)
    github.work_budget = BUDGET
    pauses: list[float] = []

    activity = collect(github, BUSY, pauses=pauses)

    assert [r.failure for r in activity.repos] == [None] * 4
    for repo, result in zip(BUSY, activity.repos, strict=True):
        fake = github.repos[repo]
        assert [p.number for p in result.pulls] == sorted(p.number for p in fake.pulls)
        assert len(result.commits) == 120
        # every file of every PR, the 60-file ones paged on in their own queries
        assert {p.number: len(p.files) for p in result.pulls} == {
            p.number: len(p.files) for p in fake.pulls
        }
    statuses = [status for status, _ in github.graphql_answers]
    assert statuses[0] == 502  # the old shape: four repositories of 100 commits in one query
    assert activity_shapes(github)[0] == ("first", 4, 100)
    assert 502 in statuses and statuses.count(502) <= 4
    assert len(pauses) == statuses.count(502)  # a pause before every retry
    requests = github.counts()["POST /graphql"]
    # 3 stopped (4, 2, 1 repositories of 100 commits), 4 first pages of 50 commits, 2 later
    # pages for each repository, 2 PullFiles queries for the twenty 60-file PRs; and none
    # retried by urllib3 behind our back (the server saw each query once)
    assert requests == len(github.graphql_bodies) == 17
    with capsys.disabled():  # the figure quoted in the README
        print(f"\nbusy day: {requests} GraphQL requests, {statuses.count(502)} of them stopped")


def test_the_shrink_is_remembered_and_no_failed_shape_is_asked_again(github):
    busy_day(github)
    github.work_budget = BUDGET

    collect(github, BUSY, concurrency=1)

    shapes = activity_shapes(github)
    # 4 repositories, then 2, then 1 of 100 commits were stopped; 1 of 50 passed, and
    # every later query starts there: the others' first pages and all later pages.
    assert shapes[:4] == [("first", 4, 100), ("first", 2, 100), ("first", 1, 100), ("first", 1, 50)]
    assert shapes[4:7] == [("first", 1, 50)] * 3
    assert set(shapes[7:]) == {("next", 1, 50)}
    assert [s for s, _ in github.graphql_answers[:4]] == [502, 502, 502, 200]
    assert 502 not in [s for s, _ in github.graphql_answers[4:]]


def test_partial_answers_with_resource_limits_exceeded_are_asked_again_smaller(github):
    busy_day(github)
    github.work_budget = BUDGET
    github.limit_mode = "resource_limits"

    activity = collect(github, BUSY)

    first = github.graphql_answers[0]
    assert first[0] == 200 and first[1] > BUDGET  # GitHub's partial answer, not a 502
    assert [r.failure for r in activity.repos] == [None] * 4
    assert [len(r.pulls) for r in activity.repos] == [120] * 4
    assert all(len(r.commits) == 120 for r in activity.repos)


def heavy_and_light(github) -> list[str]:
    """One repository GitHub cannot answer in time at any size (its history too long to
    walk), eight light ones."""
    heavy = github.add(FakeRepo("heavy/monorepo", work=10_000))
    merged_pr(heavy, 1, "vendor drop", at("2026-02-04 08:00"))
    light = [f"light/repo{i}" for i in range(8)]
    for name in light:
        repo = github.add(FakeRepo(name))
        merged_pr(repo, 1, "fix: typo", at("2026-02-04 09:00"))
        merged_pr(repo, 2, "fix: another typo", at("2026-02-04 10:00"))
    github.work_budget = 600
    return ["heavy/monorepo", *light]


def test_a_query_failing_at_every_size_costs_exactly_its_repositories(github):
    repos = heavy_and_light(github)
    pauses: list[float] = []

    activity = collect(github, repos, pauses=pauses)

    assert [(r.repo, r.failure) for r in activity.repos] == [
        ("heavy/monorepo", "error"),
        *[(name, None) for name in repos[1:]],
    ]
    assert all(len(r.pulls) == 2 for r in activity.repos[1:])
    # bounded: the ladder has 8 shapes; the heavy repository is given up at the smallest
    heavy = [b for b in github.graphql_bodies if "heavy" in json.dumps(b["variables"])]
    assert len(heavy) <= 8
    assert len(github.graphql_bodies) < 20
    stopped = sum(1 for s, _ in github.graphql_answers if s == 502)
    assert len(pauses) == stopped - 1  # the last, at the smallest shape, is not retried
    assert max(pauses) < 0.01  # the injected backoff, not seconds


def test_a_repository_given_up_marks_the_report_incomplete(github, tmp_path, monkeypatch):
    heavy_and_light(github)
    monkeypatch.setattr(paging, "backoff", lambda attempt: 0.0)

    repos = "heavy/monorepo,light/repo0"
    code = main(["run", "--repos", repos, "--date", "2026-02-04", "--output-dir", str(tmp_path)])

    assert code == 0
    sidecar = json.loads((tmp_path / "reports/2026-02-04.json").read_text())
    assert sidecar["incomplete"] == ["heavy/monorepo"]
    report = (tmp_path / "reports/2026-02-04.md").read_text()
    assert "heavy/monorepo" in report.split("Incomplete")[1].splitlines()[0]


def test_a_query_stopped_by_github_is_not_retried_at_the_same_size_by_the_client(github):
    github.add(FakeRepo("a/one", work=100))
    github.work_budget = 10
    api = GitHubAPI(TOKEN, github.api_url)

    with pytest.raises(QueryTooHeavy) as stopped:
        api.graphql('query { repository(owner: "a", name: "one") { nameWithOwner } }', {}, cost=7)

    assert stopped.value.status == 502
    assert "Something went wrong while executing your query" in json.dumps(stopped.value.data)
    assert github.counts() == {"POST /graphql": 1}  # PyGithub's retry would have sent 11
    assert api.points_used == 7 and api.points_timed_out == 7  # a timeout costs points too


def test_queries_are_paced_within_2000_points_a_minute():
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(limit=2000, clock=lambda: now[0], sleep=sleep)
    for _ in range(50):  # 50 queries of 39 points: 1,950 points within the first second
        pacer.reserve(39)
        now[0] += 0.01
    assert slept == []
    pacer.reserve(100)  # would pass 2,000: waits until the oldest query is a minute old
    assert slept and 59 < now[0] <= 61


def test_a_query_with_no_answer_in_time_is_asked_again_smaller(github):
    """A read timeout on our side is GitHub's timeout seen from here: shrink, not resend."""
    busy_day(github)
    github.work_budget = BUDGET
    github.stopped_after = 1.5  # longer than the client waits
    window = calendar.window(calendar.of("day", DAY), "UTC")
    api = GitHubAPI(TOKEN, github.api_url, timeout=1)

    activity = collect_activity(BUSY[:1], window, api, pause=lambda _: 0.0)

    (result,) = activity.repos
    assert result.failure is None and len(result.pulls) == 120
    assert activity_shapes(github)[:2] == [("first", 1, 100), ("first", 1, 50)]
    assert api.points_timed_out > 0
