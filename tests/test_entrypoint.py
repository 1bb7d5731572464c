"""`python entrypoint.py` as the runner starts it equals `digest run` with flags."""

from __future__ import annotations

import os

import pytest

from tests.conftest import TOKEN, run_python, tree
from tests.fakegithub.builders import at, merged_pr
from tests.fakegithub.server import FakeIssue, FakeRepo


@pytest.fixture
def day(github):
    vllm = github.add(FakeRepo("vllm-project/vllm"))
    merged_pr(vllm, 34049, "[Kernel] Add FlashInfer MLA backend", at("2026-02-04 03:00+08:00"))
    vllm.issues.append(FakeIssue(34050, "Crash on startup", at("2026-02-04 09:00+08:00")))
    github.add(FakeRepo("sgl-project/sglang"))
    return github


def _env(**extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))}
    return {**keep, **extra}


def test_entrypoint_with_runner_inputs_matches_the_cli(day, tmp_path):
    workspace, local = tmp_path / "workspace", tmp_path / "local"
    output, summary = tmp_path / "output.txt", tmp_path / "summary.md"
    runner = _env(
        GITHUB_ACTIONS="true",
        GITHUB_WORKSPACE=str(workspace),
        GITHUB_OUTPUT=str(output),
        GITHUB_STEP_SUMMARY=str(summary),
        GITHUB_API_URL=day.api_url,
        GITHUB_REPOSITORY="me/digests",
        **{
            "INPUT_REPOS": "vllm-project/vllm\nsgl-project/sglang\n",
            "INPUT_GITHUB-TOKEN": TOKEN,
            "INPUT_DATE": "2026-02-04",
            "INPUT_TIMEZONE": "Asia/Shanghai",
            "INPUT_LANGUAGE": "zh",
            "INPUT_PUBLISH": "none",
            "INPUT_MODEL": "",  # unset inputs arrive as empty strings
            "INPUT_DAYS": "",
            "INPUT_REPORTS-DIR": "",
        },
    )
    workspace.mkdir()
    done = run_python(["entrypoint.py"], runner)
    assert done.returncode == 0, done.stderr

    cli = _env(GITHUB_API_URL=day.api_url, GITHUB_TOKEN=TOKEN)
    args = [
        "-m",
        "digest",
        "run",
        "--repos",
        "vllm-project/vllm,sgl-project/sglang",
        "--date",
        "2026-02-04",
        "--timezone",
        "Asia/Shanghai",
        "--language",
        "zh",
        "--output-dir",
        str(local),
    ]
    done = run_python(args, cli)
    assert done.returncode == 0, done.stderr

    assert tree(workspace) == tree(local)
    assert "reports/2026-02-04.md" in tree(workspace)
    outputs = output.read_text()
    assert "report-path=reports/2026-02-04.md\n" in outputs
    assert "active-repos=1\n" in outputs
    assert "| vllm-project/vllm | ok | 1 | 1 | 1 | 0 | extractive |" in summary.read_text()


def test_collect_then_report_equalsrun_python(day, tmp_path):
    """The staged jobs write what one run writes (in this process: what a process adds, its
    exit code and lines, the entrypoint tests here and tests/test_exit.py show)."""
    from digest.cli import main

    common = ["--repos", "vllm-project/vllm,sgl-project/sglang", "--date", "2026-02-04"]
    activity = tmp_path / "activity.json"
    assert main(["collect", *common, "-o", str(activity)]) == 0
    staged = ["report", "--activity", str(activity), "--output-dir", str(tmp_path / "staged")]
    assert main(staged) == 0
    assert main(["run", *common, "--output-dir", str(tmp_path / "whole")]) == 0
    assert tree(tmp_path / "staged") == tree(tmp_path / "whole")


def test_report_refuses_a_file_that_is_not_activity(tmp_path):
    bogus = tmp_path / "activity.json"
    bogus.write_text('{"hello": "world"}')
    done = run_python(
        ["-m", "digest", "report", "--activity", str(bogus), "--output-dir", str(tmp_path / "out")],
        _env(),
    )
    assert done.returncode == 2
    assert "input 'activity'" in done.stderr and done.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_entrypoint_on_a_runner_commits_and_writes_outputs_and_summary(day, tmp_path):
    from tests.fakegithub.git import GitRepo

    target = day.add_target(GitRepo.with_files("me/digests", {"README.md": "# Digests\n"}))
    output, summary = tmp_path / "output.txt", tmp_path / "summary.md"
    runner = _env(
        GITHUB_ACTIONS="true",
        GITHUB_WORKSPACE=str(tmp_path / "workspace"),
        GITHUB_OUTPUT=str(output),
        GITHUB_STEP_SUMMARY=str(summary),
        GITHUB_API_URL=day.api_url,
        GITHUB_SERVER_URL="https://github.com",
        GITHUB_REPOSITORY="me/digests",
        **{
            "INPUT_REPOS": "vllm-project/vllm",
            "INPUT_GITHUB-TOKEN": TOKEN,
            "INPUT_DATE": "2026-02-04",
            "INPUT_TIMEZONE": "Asia/Shanghai",
            "INPUT_PUBLISH": "",
            "INPUT_TARGET-REPO": "",
        },
    )
    done = run_python(["entrypoint.py"], runner)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(f"::add-mask::{TOKEN}") == 1  # told once, however often read
    assert "::group::Collect 1 repositories" in done.stderr
    outputs = output.read_text()
    assert f"commit-sha={target.refs['heads/main']}\n" in outputs
    assert "report-url=https://github.com/me/digests/blob/main/reports/2026-02-04.md\n" in outputs
    assert "| vllm-project/vllm | ok |" in summary.read_text()
    assert "Add FlashInfer MLA backend" in summary.read_text()
    assert not (tmp_path / "workspace").exists()


def test_fatal_error_on_a_runner_is_an_annotation_and_a_summary(tmp_path):
    summary = tmp_path / "summary.md"
    runner = _env(
        GITHUB_ACTIONS="true",
        GITHUB_STEP_SUMMARY=str(summary),
        GITHUB_WORKSPACE=str(tmp_path),
        INPUT_REPOS="vllm-project/vllm",
        INPUT_TIMEZONE="Beijing",
    )
    done = run_python(["entrypoint.py"], runner)
    assert done.returncode == 2
    assert done.stderr.startswith("::error::input 'timezone': expected an IANA time zone")
    assert "input 'timezone'" in summary.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.md"]
