"""The configuration file: any input, and several digests published together."""

from __future__ import annotations

import json

import pytest

from digest.cli import main
from tests.fakegithub.builders import at, merged_pr
from tests.fakegithub.git import GitRepo
from tests.fakegithub.server import FakeRepo
from tests.fakellm.server import FakeLLM, diligent

DAY = "2026-02-04"
TWO_DIGESTS = """\
# Two teams, one run
timezone: UTC
backfill: 0
digests:
  - title: AI Infra 日报
    language: zh
    repos: [vllm-project/vllm, sgl-project/sglang]
    reports-dir: zh
    index-file: zh/README.md
  - title: Kernels
    orgs: [NVIDIA]
    exclude: ["NVIDIA/*-docs"]
    reports-dir: kernels
    index-file: kernels/README.md
"""


@pytest.fixture
def sources(github):
    for n, name in enumerate(
        ["vllm-project/vllm", "sgl-project/sglang", "NVIDIA/cutlass", "NVIDIA/cuda-docs"]
    ):
        merged_pr(github.add(FakeRepo(name)), n + 1, f"[Kernel] work in {name}", at(f"{DAY} 09:00"))
    return github


@pytest.fixture
def target(github):
    return github.add_target(GitRepo.with_files("me/digests", {"README.md": "# Ours\n"}))


def run(tmp_path, *extra: str) -> int:
    argv = ["run", "--date", DAY, "--publish", "commit", "--target-repo", "me/digests"]
    return main([*argv, "--output-dir", str(tmp_path), *extra])


def test_two_digests_in_one_commit(sources, target, tmp_path):
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/digest.yml").write_text(TWO_DIGESTS)
    assert run(tmp_path) == 0
    assert len(target.log()) == 2  # the initial commit and one for both digests
    files = target.files_at()
    assert {p for p in files if p.endswith(".md")} == {
        "README.md",
        "zh/README.md",
        f"zh/{DAY}.md",
        "kernels/README.md",
        f"kernels/{DAY}.md",
    }
    zh = files[f"zh/{DAY}.md"]
    assert zh.startswith(f"# AI Infra 日报 — {DAY}") and "## 概览" in zh
    assert "vllm-project/vllm" in zh and "NVIDIA" not in zh
    kernels = files[f"kernels/{DAY}.md"]
    assert kernels.startswith(f"# Kernels — {DAY}") and "NVIDIA/cutlass" in kernels
    assert "cuda-docs" not in kernels and "vllm" not in kernels
    assert files["README.md"] == "# Ours\n"  # no digest writes the root index


def test_the_file_is_read_from_the_target_repository_without_a_checkout(github, sources, tmp_path):
    github.add_target(
        GitRepo.with_files(
            "me/digests",
            {
                "README.md": "# Ours\n",
                ".github/digest.yml": "title: From the target\nbackfill: 0\n",
            },
        )
    )
    assert run(tmp_path / "empty-workspace", "--repos", "vllm-project/vllm") == 0
    target = github.targets["me/digests"]
    assert target.files_at()[f"reports/{DAY}.md"].startswith(f"# From the target — {DAY}")


def test_workflow_inputs_override_the_files_top_level(sources, target, tmp_path, monkeypatch):
    (tmp_path / "digest.yml").write_text("title: From the file\nlanguage: zh\nbackfill: 0\n")
    monkeypatch.setenv("INPUT_TITLE", "From the workflow")
    assert run(tmp_path, "--config", "digest.yml", "--repos", "vllm-project/vllm") == 0
    report = target.files_at()[f"reports/{DAY}.md"]
    assert report.startswith(f"# From the workflow — {DAY}")
    assert "## 概览" in report  # what the workflow did not say, the file did


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("title: [unclosed\n", "digest.yml line 2:"),
        ("repoz: [a/b]\n", "unknown key 'repoz' (accepted: announce, announce-category,"),
        (
            "digests:\n  - repos: [a/b]\n    target-repo: me/x\n",
            "digest 1: unknown key 'target-repo' (accepted: api-base, days, exclude, "
            "exclude-authors, fallback-models, feed, follow-days, index-file, language, "
            "max-input-tokens, model, orgs, period, reports-dir, repos, search, timezone, title, "
            "topics)",
        ),
        ("digests:\n  - repos: [a/b]\n    backfill: 0\n", "digest 1: unknown key 'backfill'"),
        ("stage: collect\n", "unknown key 'stage'"),  # a matrix job's own, not the file's
        ("config: other.yml\n", "unknown key 'config'"),
        ("output-dir: out\n", "unknown key 'output-dir'"),
        ("language: fr\n", "input 'language': expected 'en' or 'zh' (got 'fr') (in digest.yml)"),
        ("- just\n- a list\n", "digest.yml must be a mapping"),
        (
            "digests:\n  - repos: [a/b]\n  - repos: [c/d]\n",
            "digests 1 and 2 both write reports",
        ),
    ],
)
def test_a_bad_file_is_one_line_and_nothing_is_written(
    text, says, sources, target, tmp_path, capsys
):
    (tmp_path / "digest.yml").write_text(text)
    assert run(tmp_path, "--config", "digest.yml", "--repos", "vllm-project/vllm") == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert says in line, line
    assert target.log() == ["Initial commit"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digest.yml"]


def test_a_named_file_that_is_nowhere_is_bad_input(sources, target, tmp_path, capsys):
    assert run(tmp_path, "--config", "missing.yml", "--repos", "vllm-project/vllm") == 2
    assert "input 'config': missing.yml was not found at" in capsys.readouterr().err


@pytest.mark.parametrize("named", [[], ["--config", ".github/digest.yml"]])
def test_a_checkout_s_file_is_read_when_the_reports_are_written_elsewhere(
    named, sources, tmp_path, monkeypatch
):
    """Locally, from a checkout holding .github/digest.yml, with --output-dir elsewhere: the
    checkout's file is read (on a runner the workspace and the current directory are one)."""
    checkout, out = tmp_path / "checkout", tmp_path / "out"
    (checkout / ".github").mkdir(parents=True)
    (checkout / ".github/digest.yml").write_text("repos: [NVIDIA/cutlass]\ntitle: From the file\n")
    monkeypatch.chdir(checkout)
    argv = ["run", "--date", DAY, "--publish", "none", "--output-dir", str(out), *named]
    assert main(argv) == 0
    report = (out / f"reports/{DAY}.md").read_text(encoding="utf-8")
    assert report.startswith("# From the file") and "NVIDIA/cutlass" in report


def test_each_digest_is_summarized_by_its_own_model(sources, target, tmp_path):
    """One digest with a model, the other with the built-in summarizer, in one run: each
    report is written as its own digest says, and the model is asked about its digest only."""
    with FakeLLM(diligent) as llm:
        (tmp_path / ".github").mkdir()
        (tmp_path / ".github/digest.yml").write_text(
            f"api-base: {llm.api_base}\n"
            "api-key: sk-test-key-0123456789\n"
            "backfill: 0\n"
            "digests:\n"
            "  - repos: [vllm-project/vllm]\n"
            "    model: openai/test-model\n"
            "    reports-dir: model\n"
            "    index-file: model/README.md\n"
            "  - repos: [sgl-project/sglang]\n"
            "    reports-dir: builtin\n"
            "    index-file: builtin/README.md\n"
        )
        assert run(tmp_path) == 0
    files = target.files_at()
    written = {
        folder: [r["method"] for r in json.loads(files[f"{folder}/{DAY}.json"])["repos"]]
        for folder in ("model", "builtin")
    }
    assert written == {"model": ["openai/test-model"], "builtin": ["extractive"]}
    asked = " ".join(m["content"] for body in llm.requests for m in body["messages"])
    assert "vllm-project/vllm" in asked and "sgl-project/sglang" not in asked
