"""The GitHub boundary as a user meets it: every request a run makes is in the count it
reports, a request asked again counts again, writes and reads keep within GitHub's secondary
limits, and a rejected token is the same one line wherever it is found."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from github import GithubException

from digest import calendar, errors
from digest.cli import main
from digest.collect.collector import collect_activity
from digest.github import GitHubAPI, failures
from digest.github.limits import REST_POINTS_PER_MINUTE, Meter, Pacer
from tests.conftest import TOKEN
from tests.fakegithub.builders import at, direct_push, merged_pr
from tests.fakegithub.git import GitRepo
from tests.fakegithub.server import FakeRepo

DAY = "2026-02-04"
REPOS = ["vllm-project/vllm", "sgl-project/sglang"]
CONFIG = (
    "repos: [vllm-project/vllm, sgl-project/sglang]\npublish: commit\nbackfill: 0\n"
    "announce: {mode}\n"
)
# What the run says in its job summary (and its log): `GitHub: 14 requests (...) in this run`.
SAID = re.compile(r"^GitHub: (\d+) requests? .*in this run", re.M)


@pytest.fixture
def sources(github):
    for name in REPOS:
        repo = github.add(FakeRepo(name))
        merged_pr(repo, 1, f"[Kernel] work in {name}", at(f"{DAY} 09:00"))
        direct_push(repo, f"[Docs] fix a typo in {name}", at(f"{DAY} 11:00"))
    return github


def as_action(tmp_path, monkeypatch, *argv: str) -> tuple[int, str]:
    """`digest ARGV` as the action runs it, in the target repository's workflow: the exit
    code and the job summary."""
    summary = tmp_path / f"summary-{len(list(tmp_path.glob('summary-*')))}.md"
    summary.write_text("")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_REPOSITORY", "me/digests")
    code = main([*argv, "--output-dir", str(tmp_path / "workspace")])
    return code, summary.read_text()


def said(summary: str) -> int:
    (count,) = SAID.findall(summary)
    return int(count)


@pytest.mark.parametrize("mode", ["issue", "discussion"])
def test_every_request_of_a_run_is_in_the_count_it_reports(
    github, sources, tmp_path, monkeypatch, mode
):
    """The configuration file read from the target repository, the archive, collection and
    the thread of `announce`: the job summary counts what the local GitHub saw."""
    files = {"README.md": "# Digests\n", ".github/digest.yml": CONFIG.format(mode=mode)}
    github.add_target(GitRepo.with_files("me/digests", files))

    code, summary = as_action(tmp_path, monkeypatch, "run", "--date", DAY)

    assert code == 0
    threads = github.threads.of("me/digests")
    assert len(threads.issues if mode == "issue" else threads.discussions) == 1
    seen = github.counts()
    assert seen["GET /repos/{owner}/{repo}/contents/{path}"] == 1  # the configuration file
    assert seen["PATCH /repos/{owner}/{repo}/git/refs/{ref}"] == 1  # the report published
    assert said(summary) == len(github.requests)


def test_the_site_reports_every_request_it_makes(github, sources, tmp_path, monkeypatch):
    files = {"README.md": "# Digests\n", ".github/digest.yml": CONFIG.format(mode="none")}
    github.add_target(GitRepo.with_files("me/digests", files))
    assert as_action(tmp_path, monkeypatch, "run", "--date", DAY)[0] == 0
    github.requests.clear()

    code, summary = as_action(tmp_path, monkeypatch, "site")

    assert code == 0 and (tmp_path / "workspace/_site/index.html").is_file()
    assert said(summary) == len(github.requests) > 0


def test_a_request_asked_again_after_an_outage_counts_again(github, sources):
    github.outage = 1  # the first request answers 503; GitHub's retry policy asks again
    api = GitHubAPI(TOKEN, github.api_url)
    window = calendar.window(calendar.of("day", dt.date(2026, 2, 4)), "UTC")

    activity = collect_activity(REPOS, window, api)

    assert all(repo.ok for repo in activity.repos)
    assert github.counts()["POST /graphql"] == 2  # the one that met the outage, and again
    assert api.requests == len(github.requests) == activity.github_requests


def test_rest_requests_are_paced_by_their_points():
    """GitHub's secondary limit for REST: 900 points a minute, a write 5 and a read 1."""
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    meter = Meter()
    meter.rest = Pacer(REST_POINTS_PER_MINUTE, clock=lambda: now[0], sleep=sleep, name="REST")
    for _ in range(100):  # 100 writes and 400 reads: 900 points within the first seconds
        with meter.request("POST", graphql=False):
            now[0] += 0.01
    for _ in range(400):
        with meter.request("GET", graphql=False):
            now[0] += 0.001
    with meter.request("GRAPHQL", graphql=True):  # GraphQL is paced on its own points
        pass
    assert slept == []
    with meter.request("GET", graphql=False):  # the 901st point waits for the minute to pass
        pass
    assert slept and 59 < now[0] <= 61
    assert str(meter) == "502 requests (1 GraphQL, 401 REST reads, 100 REST writes)"


@pytest.mark.parametrize(
    "command",
    [
        ["run", "--date", DAY],  # the archive's branch is the run's first request
        ["site"],
    ],
)
def test_a_rejected_token_is_one_line_wherever_it_is_found(
    github, sources, tmp_path, monkeypatch, capsys, command
):
    """With the configuration file in the workspace (a checkout), the first request is not
    the file's: whichever it is, a rejected token is said in the one line, exit 1."""
    github.add_target(GitRepo.with_files("me/digests", {"README.md": "# Digests\n"}))
    (tmp_path / "workspace/.github").mkdir(parents=True)
    (tmp_path / "workspace/.github/digest.yml").write_text(CONFIG.format(mode="issue"))
    monkeypatch.setenv("GITHUB_TOKEN", "expired")

    code, _ = as_action(tmp_path, monkeypatch, *command)

    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert code == errors.FAILED
    assert lines == [f"digest: error: {errors.TOKEN_REJECTED}"]
    assert len(github.requests) == 1  # nothing asked after the refusal


@pytest.mark.parametrize(
    ("status", "body", "says"),
    [
        (  # REST: its message
            409,
            {"message": "Git Repository is empty.", "documentation_url": "https://docs.github.com"},
            "HTTP 409: Git Repository is empty.",
        ),
        (  # REST validation: the message, and which field
            422,
            {
                "message": "Validation Failed",
                "errors": [{"resource": "Issue", "code": "missing_field", "field": "title"}],
            },
            "HTTP 422: Validation Failed (title: missing_field)",
        ),
        (  # GraphQL: the first error's message
            200,
            {
                "data": None,
                "errors": [
                    {"type": "FORBIDDEN", "message": "Resource not accessible by integration"}
                ],
            },
            "HTTP 200: Resource not accessible by integration",
        ),
    ],
)
def test_a_failure_is_said_in_githubs_own_words(status, body, says):
    assert failures.why(GithubException(status, body)) == says
