"""Sharding across a workflow matrix: collect in shards, summarize per shard, report once."""

from __future__ import annotations

import json

import pytest

from digest.cli import main
from tests.conftest import requested_repositories, tree
from tests.fakegithub.builders import at, direct_push, merged_pr
from tests.fakegithub.server import FakeIssue, FakeRelease, FakeRepo
from tests.fakellm.server import FakeLLM, diligent

DAY = "2026-02-04"
NAMES = [f"org{i % 3}/project-{i}" for i in range(12)]


@pytest.fixture
def repos(github):
    for i, name in enumerate(NAMES):
        repo = github.add(FakeRepo(name, description=f"Project {i}"))
        for n in range(i % 4):
            merged_pr(repo, 10 * i + n, f"[Kernel] change {n} of {name}", at(f"{DAY} 1{n}:00"))
        if i % 3 == 0:
            direct_push(repo, f"docs for {name}", at(f"{DAY} 20:00"))
        if i % 5 == 0:
            repo.issues.append(FakeIssue(900 + i, f"slow path in {name}", at(f"{DAY} 08:00")))
        if i == 7:
            repo.releases.append(FakeRelease("v1.0.0", at(f"{DAY} 15:00")))
    return github


def cli(*argv: str) -> int:
    return main([*argv])


def collect_in_shards(github, tmp_path, total: int = 3) -> list[list[str]]:
    per_shard = []
    for k in range(1, total + 1):
        github.graphql_bodies.clear()
        out = tmp_path / f"activity-{k}-of-{total}.json"
        code = cli("collect", "--repos", ",".join(NAMES), "--date", DAY, "--shard", f"{k}/{total}",
                   "-o", str(out))  # fmt: skip
        assert code == 0
        per_shard.append(requested_repositories(github))
    return per_shard


def test_three_shards_give_what_one_job_gives(repos, tmp_path):
    per_shard = collect_in_shards(repos, tmp_path)
    # each repository is requested by exactly one shard
    assert sorted(n for shard in per_shard for n in shard) == sorted(NAMES)
    assert all(per_shard)  # and the hash spreads twelve repositories over all three
    code = cli("report", "--activity", str(tmp_path / "activity-*-of-3.json"),
               "--output-dir", str(tmp_path / "sharded"))  # fmt: skip
    assert code == 0
    code = cli("run", "--repos", ",".join(NAMES), "--date", DAY,
               "--output-dir", str(tmp_path / "whole"))  # fmt: skip
    assert code == 0
    sharded, whole = tree(tmp_path / "sharded"), tree(tmp_path / "whole")
    assert sorted(sharded) == sorted(whole) and sharded == whole


def test_with_a_model_the_report_job_makes_only_the_overall_call(repos, tmp_path):
    collect_in_shards(repos, tmp_path)
    with FakeLLM(diligent) as llm:
        model = ["--model", "openai/test-model", "--api-base", llm.api_base, "--api-key", "sk-x"]
        for k in (1, 2, 3):
            code = cli("summarize", "--activity", str(tmp_path / f"activity-{k}-of-3.json"),
                       "-o", str(tmp_path / f"summaries-{k}-of-3.json"), *model)  # fmt: skip
            assert code == 0
        shard_calls = len(llm.requests)
        code = cli("report", "--activity", str(tmp_path / "summaries-*-of-3.json"),
                   "--output-dir", str(tmp_path / "sharded"), *model)  # fmt: skip
        assert code == 0
        report_calls = llm.requests[shard_calls:]
        whole_start = len(llm.requests)
        cli("run", "--repos", ",".join(NAMES), "--date", DAY, "--output-dir",
            str(tmp_path / "whole"), *model)  # fmt: skip
        whole_calls = len(llm.requests) - whole_start
    active = sum(1 for i in range(12) if i % 4 or i % 3 == 0 or i % 5 == 0 or i == 7)
    assert shard_calls == active  # one per active repository, spread over the shards
    assert len(report_calls) == 1  # the overall summary; no repository call
    assert "highlights" in report_calls[0]["messages"][0]["content"]
    assert whole_calls == active + 1
    assert tree(tmp_path / "sharded") == tree(tmp_path / "whole")


def refused_report(tmp_path, capsys) -> str:
    """Report from a.json and b.json: exit 2, one line (returned), nothing written."""
    capsys.readouterr()
    code = cli("report", "--activity", str(tmp_path / "a.json"), str(tmp_path / "b.json"),
               "--output-dir", str(tmp_path / "out"))  # fmt: skip
    assert code == 2
    assert not (tmp_path / "out").exists()
    (line,) = capsys.readouterr().err.strip().splitlines()
    return line


def test_shards_of_different_windows_are_refused(repos, tmp_path, capsys):
    assert cli("collect", "--repos", NAMES[0], "--date", DAY, "-o", str(tmp_path / "a.json")) == 0
    code = cli("collect", "--repos", NAMES[1], "--date", "2026-02-05", "-o",
               str(tmp_path / "b.json"))  # fmt: skip
    assert code == 0
    line = refused_report(tmp_path, capsys)
    assert "input 'activity': files cover different windows" in line


def test_overlapping_shards_are_refused(repos, tmp_path, capsys):
    for name, shard in (("a.json", "1/2"), ("b.json", "1/1")):
        code = cli("collect", "--repos", ",".join(NAMES), "--date", DAY, "--shard", shard,
                   "-o", str(tmp_path / name))  # fmt: skip
        assert code == 0
    line = refused_report(tmp_path, capsys)
    assert "is in both a.json and b.json: shards must not overlap" in line


def test_a_shard_writes_its_default_file_in_the_workspace(repos, tmp_path):
    code = cli("collect", "--repos", ",".join(NAMES), "--date", DAY, "--shard", "2/4",
               "--output-dir", str(tmp_path))  # fmt: skip
    assert code == 0
    activity = json.loads((tmp_path / "activity-2-of-4.json").read_text())
    assert activity["shard"] == {"number": 2, "total": 4}
    assert activity["order"] == NAMES


def test_the_action_runs_each_stage_from_its_inputs(repos, tmp_path, monkeypatch):
    """As the matrix jobs of examples/sharded.yml start the action: INPUT_STAGE and friends."""
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    monkeypatch.setenv("INPUT_REPOS", ",".join(NAMES))
    monkeypatch.setenv("INPUT_DATE", DAY)
    monkeypatch.setenv("INPUT_PUBLISH", "none")
    for k in (1, 2):
        monkeypatch.setenv("INPUT_STAGE", "collect")
        monkeypatch.setenv("INPUT_SHARD", f"{k}/2")
        assert main(["run"]) == 0
        monkeypatch.delenv("INPUT_SHARD")
        monkeypatch.setenv("INPUT_STAGE", "summarize")
        monkeypatch.setenv("INPUT_ACTIVITY", f"activity-{k}-of-2.json")
        assert main(["run"]) == 0
    monkeypatch.setenv("INPUT_STAGE", "report")
    monkeypatch.setenv("INPUT_ACTIVITY", "summaries-*.json")
    assert main(["run"]) == 0
    report = (tmp_path / f"reports/{DAY}.md").read_text()
    assert all(f"[{name}]" in report for name in NAMES)


def test_activity_files_of_earlier_releases_are_upgraded(tmp_path):
    """Release 1's `digest collect` wrote the Activity its sidecars hold; release 2 wrote
    version 1 in today's shape. Both report what today's collection would."""
    from tests.test_history import R1, R2

    for name, folder in (("r1", R1), ("r2", R2)):
        activity = json.loads((folder / "builtin-2026-02-27.json").read_text())["activity"]
        assert activity["schema_version"] == 1
        (tmp_path / f"{name}.json").write_text(json.dumps(activity, indent=2))
        code = cli("report", "--activity", str(tmp_path / f"{name}.json"),
                   "--output-dir", str(tmp_path / name))  # fmt: skip
        assert code == 0
    assert tree(tmp_path / "r1") == tree(tmp_path / "r2")
    report = (tmp_path / "r1/reports/2026-02-27.md").read_text()
    assert "#3079" in report  # a pull request release 1 never marked as merged in its window


def test_an_activity_file_of_a_newer_digest_is_refused(repos, tmp_path, capsys):
    assert cli("collect", "--repos", NAMES[0], "--date", DAY, "-o", str(tmp_path / "a.json")) == 0
    data = json.loads((tmp_path / "a.json").read_text())
    (tmp_path / "b.json").write_text(json.dumps({**data, "schema_version": 99}))
    line = refused_report(tmp_path, capsys)
    assert "b.json: written by a newer digest (schema version 99" in line
