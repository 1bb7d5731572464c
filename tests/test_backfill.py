"""Never miss a day: earlier dates without a report are written, incomplete ones redone."""

from __future__ import annotations

import json

import pytest

from digest.cli import main
from tests.conftest import main_with_outputs
from tests.fakegithub.builders import at, merged_pr
from tests.fakegithub.git import GitRepo
from tests.fakegithub.server import FakeRepo
from tests.fakellm.server import FakeLLM, diligent

REPOS = ["vllm-project/vllm", "sgl-project/sglang"]


@pytest.fixture
def target(github):
    return github.add_target(GitRepo.with_files("me/digests", {"README.md": "# Digests\n"}))


@pytest.fixture
def days(github):
    """A merged pull request in each repository on every day from 2026-02-01 to 2026-02-08."""
    for name in REPOS:
        repo = github.add(FakeRepo(name))
        for day in range(1, 9):
            merged_pr(
                repo, 100 * day + len(name), f"change of day {day}", at(f"2026-02-0{day} 12:00")
            )
    return github


def publish(tmp_path, day: int, *extra: str, mode: str = "commit") -> tuple[int, dict[str, str]]:
    argv = ["run", "--repos", ",".join(REPOS), "--date", f"2026-02-0{day}", "--publish", mode]
    argv += ["--target-repo", "me/digests", "--output-dir", str(tmp_path / "out"), *extra]
    return main_with_outputs(argv, tmp_path)


def reports(target: GitRepo) -> list[str]:
    return sorted(p for p in target.files_at() if p.endswith(".md") and p.startswith("reports/"))


def listed(target: GitRepo) -> list[str]:
    index = target.files_at()["README.md"]
    return [line[3:13] for line in index.splitlines() if line.startswith("- [2026")]


def test_missing_days_are_written_in_one_commit_and_others_left_alone(days, target, tmp_path):
    for day in (1, 2, 4):
        assert publish(tmp_path, day, "--backfill", "0")[0] == 0
    before = target.files_at()
    commits = len(target.log())

    code, outputs = publish(tmp_path, 6)

    assert code == 0
    assert len(target.log()) == commits + 1  # one commit for 3, 5 and 6
    assert target.log()[0].startswith("digest: reports for 2026-02-06, 2026-02-05, 2026-02-03")
    assert reports(target) == [f"reports/2026-02-0{d}.md" for d in (1, 2, 3, 4, 5, 6)]
    after = target.files_at()
    for day in (1, 2, 4):
        for ext in ("md", "json"):
            path = f"reports/2026-02-0{day}.{ext}"
            assert after[path] == before[path]
    assert listed(target) == [f"2026-02-0{d}" for d in (6, 5, 4, 3, 2, 1)]
    assert outputs["dates-written"] == "2026-02-03,2026-02-05,2026-02-06"
    # each date has its own window, as if it had run on time
    day3 = json.loads(after["reports/2026-02-03.json"])
    assert day3["activity"]["window"]["date"] == "2026-02-03"
    merged = {
        p["title"] for r in day3["activity"]["repos"] for p in r["pulls"] if p["merged_in_window"]
    }
    assert merged == {"change of day 3"}


def test_a_first_run_writes_one_report(days, target, tmp_path):
    code, outputs = publish(tmp_path, 6)
    assert code == 0 and reports(target) == ["reports/2026-02-06.md"]
    assert outputs["dates-written"] == "2026-02-06"


def test_backfill_zero_writes_one_report(days, target, tmp_path):
    publish(tmp_path, 1)
    publish(tmp_path, 6, "--backfill", "0")
    assert reports(target) == ["reports/2026-02-01.md", "reports/2026-02-06.md"]


def test_a_rerun_with_nothing_new_makes_no_commit(days, target, tmp_path):
    publish(tmp_path, 1)
    publish(tmp_path, 4)
    head, commits = target.refs["heads/main"], len(target.log())
    code, outputs = publish(tmp_path, 4)
    assert code == 0 and target.refs["heads/main"] == head and len(target.log()) == commits
    assert outputs["dates-written"] == ""


def test_an_incomplete_report_says_so_and_the_next_run_redoes_only_what_failed(
    days, target, tmp_path
):
    publish(tmp_path, 3)
    days.repos["sgl-project/sglang"].error = "RATE_LIMITED"
    publish(tmp_path, 4)
    page = target.files_at()["reports/2026-02-04.md"]
    assert "Incomplete: GitHub did not answer for sgl-project/sglang" in page
    sidecar = json.loads(target.files_at()["reports/2026-02-04.json"])
    assert sidecar["incomplete"] == ["sgl-project/sglang"]
    index = target.files_at()["README.md"]

    days.repos["sgl-project/sglang"].error = None
    days.graphql_bodies.clear()
    code, outputs = publish(tmp_path, 5)

    assert code == 0
    assert outputs["dates-written"] == "2026-02-04,2026-02-05"
    redone = json.loads(target.files_at()["reports/2026-02-04.json"])
    assert redone["incomplete"] == []
    assert "Incomplete" not in target.files_at()["reports/2026-02-04.md"]
    merged = [
        [p["number"] for p in r["pulls"] if p["merged_in_window"]]
        for r in redone["activity"]["repos"]
    ]
    assert [len(m) for m in merged] == [1, 1]
    # only the repository that failed was collected again for 2026-02-04
    day4 = [
        b
        for b in days.graphql_bodies
        if b.get("variables", {}).get("since", "").startswith("2026-02-04")
    ]
    assert [(b["variables"]["owner0"], b["variables"]["name0"]) for b in day4] == [
        ("sgl-project", "sglang")
    ]
    assert all("owner1" not in b["variables"] for b in day4)
    assert listed(target) == ["2026-02-05", "2026-02-04", "2026-02-03"]
    assert target.files_at()["README.md"] != index  # the newest report is embedded anew


def test_publish_none_uses_the_output_directory_as_the_archive(days, tmp_path):
    out = tmp_path / "out"
    for day in (1, 4):
        assert main(["run", "--repos", ",".join(REPOS), "--date", f"2026-02-0{day}",
                     "--output-dir", str(out)]) == 0  # fmt: skip
    names = sorted(p.name for p in (out / "reports").iterdir())
    assert names == [f"2026-02-0{d}.{e}" for d in (1, 2, 3, 4) for e in ("json", "md")] + [
        "feed.xml"
    ]


def test_with_a_model_only_new_or_redone_dates_cost_calls(days, target, tmp_path):
    with FakeLLM(diligent) as llm:
        model = ["--model", "openai/test-model", "--api-base", llm.api_base, "--api-key", "sk-x"]
        publish(tmp_path, 1, *model)
        first = len(llm.requests)
        publish(tmp_path, 3, *model)  # writes 2 and 3
        second = len(llm.requests) - first
        publish(tmp_path, 3, *model)  # nothing new
        third = len(llm.requests) - first - second
    assert first == 3  # two repositories and the overall summary
    assert second == 6  # the same for each of the two new dates
    assert third == 0
