"""What a reader sees: `digest run` end to end against the local GitHub."""

from __future__ import annotations

import re

import mistune
import pytest

from digest.cli import main
from tests.conftest import links, tree
from tests.fakegithub.builders import at, direct_push, merged_pr
from tests.fakegithub.server import FakeFile, FakeIssue, FakePull, FakeRelease, FakeRepo

REPOS = "flashinfer-ai/flashinfer,deepseek-ai/FlashMLA,gone/missing,NVIDIA/cutlass"


@pytest.fixture
def day(github):
    flashinfer = github.add(FakeRepo("flashinfer-ai/flashinfer", description="Kernels for LLMs"))
    merged_pr(
        flashinfer,
        2490,
        "[Bugfix] Fix XQA dynamic smem on GPUs other than 0",
        at("2026-02-04 10:00"),
        labels=["bug"],
    )
    merged_pr(
        flashinfer,
        2491,
        "perf: vectorize mxfp4 quantize",
        at("2026-02-04 12:00"),
        files=[FakeFile("csrc/quantization.cu", additions=220, deletions=80)],
    )
    merged_pr(
        flashinfer,
        2492,
        "Hostile <script>alert(1)</script> [x](https://evil.example) @org/team",
        at("2026-02-04 13:00"),
    )
    flashinfer.issues.append(
        FakeIssue(
            2496,
            "mxfp4 quantization is 10x slower than nvfp4",
            at("2026-02-04 19:42"),
            labels=["performance"],
            comments=2,
        )
    )
    flashinfer.releases.append(FakeRelease("v0.6.3", at("2026-02-04 15:00"), name="v0.6.3"))
    github.add(FakeRepo("deepseek-ai/FlashMLA"))
    cutlass = github.add(FakeRepo("NVIDIA/cutlass"))
    direct_push(
        cutlass,
        "Update CHANGELOG for 4.4",
        at("2026-02-04 06:00"),
        [FakeFile("CHANGELOG.md", additions=12)],
    )
    return github


def run(out, *extra):
    return main(["run", "--repos", REPOS, "--date", "2026-02-04", "--output-dir", str(out), *extra])


def test_report_sidecar_and_index_are_written(day, tmp_path):
    assert run(tmp_path) == 0
    assert sorted(tree(tmp_path)) == [
        "README.md",
        "reports/2026-02-04.json",
        "reports/2026-02-04.md",
        "reports/feed.xml",
    ]


def test_every_item_is_linked_to_what_was_collected(day, tmp_path):
    run(tmp_path)
    report = (tmp_path / "reports/2026-02-04.md").read_text()
    urls = set(links(report))
    base = "https://github.com/flashinfer-ai/flashinfer"
    for path in ("pull/2490", "pull/2491", "pull/2492", "issues/2496", "releases/tag/v0.6.3"):
        assert f"{base}/{path}" in urls
    assert any(u.startswith("https://github.com/NVIDIA/cutlass/commit/") for u in urls)
    assert all(u.startswith("https://github.com/") for u in urls)
    assert "evil.example" not in " ".join(urls)


def test_hostile_titles_stay_text(day, tmp_path):
    run(tmp_path)
    report = (tmp_path / "reports/2026-02-04.md").read_text()
    html = mistune.html(report)
    assert "<script>" not in html
    assert "@org/team" not in report  # made non-pinging
    assert "&lt;script&gt;" in html


def test_repositories_in_input_order_empty_and_failed_as_one_line(day, tmp_path):
    run(tmp_path)
    report = (tmp_path / "reports/2026-02-04.md").read_text()
    headings = re.findall(r"^### (.+)$", report, re.M)
    assert [re.sub(r"^\[(.+?)\].*", r"\1", h) for h in headings if "/" in h] == REPOS.split(",")
    flashmla = report.split("deepseek-ai/FlashMLA](https://github.com/deepseek-ai/FlashMLA)")[1]
    assert flashmla.split("###")[0].strip() == "No activity in this window."
    missing = report.split("### gone/missing")[1].split("###")[0].strip()
    assert missing == (
        "Not found, or not readable with this token: check the repository's name and the "
        "token's access."
    )
    assert "next run" not in report
    assert "Could not resolve" not in "".join(tree(tmp_path).values())


def test_chinese_report(day, tmp_path):
    run(tmp_path, "--language", "zh", "--title", "AI Infra 日报")
    report = (tmp_path / "reports/2026-02-04.md").read_text()
    assert report.startswith("# AI Infra 日报 — 2026-02-04")
    assert "## 概览" in report and "## 各仓库动态" in report and "## 总结" in report
    assert "本时段内没有动态。" in report
    assert "3 个已合并 PR" in report


def test_the_story_names_what_kind_of_news_each_point_is_and_who_did_it(day, tmp_path):
    run(tmp_path)
    report = (tmp_path / "reports/2026-02-04.md").read_text()
    section = report.split("### [flashinfer-ai/flashinfer]")[1].split("\n### ")[0]
    story, record = section.split("Everything in this window:")
    # a title that says its kind is told without the label repeating it
    assert "- Fix XQA dynamic smem on GPUs other than 0, by ada ([#2490]" in story
    assert "**Fix**" not in story
    assert "- **Performance**: vectorize mxfp4 quantize, by ada ([#2491]" in story
    assert "- **Release**: v0.6.3 ([v0.6.3]" in story
    assert story.index("**Release**") < story.index("Fix XQA")  # significance, not size
    assert (
        "**New issues**\n\n- [#2496](https://github.com/flashinfer-ai/flashinfer/issues/2496)"
        " mxfp4 quantization is 10x slower than nvfp4 · by grace · performance · 2 comments"
    ) in record


def test_sidecar_round_trips_as_a_digest(day, tmp_path):
    from digest.models import SCHEMA_VERSION, Digest

    run(tmp_path)
    digest = Digest.model_validate_json((tmp_path / "reports/2026-02-04.json").read_text())
    assert digest.schema_version == digest.activity.schema_version == SCHEMA_VERSION == 4
    assert [r.repo for r in digest.activity.repos] == REPOS.split(",")
    assert [r.status for r in digest.repos] == ["ok", "empty", "failed", "ok"]


def test_same_date_twice_gives_the_same_files(day, tmp_path):
    run(tmp_path)
    first = tree(tmp_path)
    run(tmp_path)
    assert tree(tmp_path) == first


def test_when_no_repository_can_be_read_nothing_is_written(github, tmp_path, capsys):
    code = main(
        [
            "run",
            "--repos",
            "gone/one,gone/two",
            "--date",
            "2026-02-04",
            "--output-dir",
            str(tmp_path),
        ]
    )
    assert code != 0
    assert "no repository could be read" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_rerun_costs_one_request_per_batch_of_repositories(day, tmp_path):
    run(tmp_path)
    first = sum(day.counts().values())
    assert day.counts() == {"POST /graphql": 1, "GET /repos/{owner}/{repo}/commits/{ref}": 1}
    run(tmp_path)
    # the direct push's files come from the previous sidecar: commits never change
    assert sum(day.counts().values()) - first == 1


def test_fail_on_error_exits_non_zero_after_writing_the_others(day, tmp_path):
    assert run(tmp_path, "--fail-on-error", "true") == 1
    report = (tmp_path / "reports/2026-02-04.md").read_text()
    assert "[#2490](https://github.com/flashinfer-ai/flashinfer/pull/2490)" in report


def test_pull_requests_opened_and_merged_the_same_day_count_once(github, tmp_path):
    repo = github.add(FakeRepo("sgl-project/sglang"))
    merged_pr(repo, 9001, "fix: quick one", at("2026-02-04 11:00"), opened=at("2026-02-04 09:00"))
    repo.pulls.append(FakePull(9002, "Still open", at("2026-02-04 10:00")))
    main(
        [
            "run",
            "--repos",
            "sgl-project/sglang",
            "--date",
            "2026-02-04",
            "--output-dir",
            str(tmp_path),
        ]
    )
    report = (tmp_path / "reports/2026-02-04.md").read_text()
    assert "1 commit, 1 merged pull request, 1 new pull request." in report
    new_prs = report.split("**New pull requests**")[1].split("**")[0]
    assert "Still open" in new_prs and "quick one" not in new_prs


def test_written_files_are_readable_by_later_steps_and_keep_their_mode(day, tmp_path):
    import os
    import stat

    (tmp_path / "README.md").write_text("# Ours\n")
    (tmp_path / "README.md").chmod(0o640)
    previous = os.umask(0o022)
    try:
        assert run(tmp_path) == 0
    finally:
        os.umask(previous)

    def mode(path: str) -> int:
        return stat.S_IMODE((tmp_path / path).stat().st_mode)

    assert mode("reports/2026-02-04.md") == 0o644
    assert mode("reports/2026-02-04.json") == 0o644
    assert mode("README.md") == 0o640  # replaced, not recreated with another mode


def test_repository_names_are_case_insensitive_and_spelled_as_github_does(day, tmp_path):
    code = main(
        [
            "run",
            "--repos",
            "nvidia/CUTLASS,NVIDIA/cutlass,nvidia/cutlass",
            "--date",
            "2026-02-04",
            "--output-dir",
            str(tmp_path),
        ]
    )
    assert code == 0
    report = (tmp_path / "reports/2026-02-04.md").read_text()
    assert [h for h in re.findall(r"^### (.+)$", report, re.M) if "/" in h] == [
        "[NVIDIA/cutlass](https://github.com/NVIDIA/cutlass)"
    ]


def test_only_a_transient_failure_promises_that_it_can_be_filled_in(day, tmp_path):
    day.repos["nvidia/cutlass"].error = "RATE_LIMITED"
    assert run(tmp_path) == 0
    report = (tmp_path / "reports/2026-02-04.md").read_text()
    cutlass = report.split("### NVIDIA/cutlass")[1]  # unread: no URL to link
    assert "GitHub did not answer for it this time" in cutlass
    assert "runs of the next 7 days redo it" in cutlass  # backfill's default horizon
    assert report.count("Incomplete: GitHub did not answer for NVIDIA/cutlass") == 1
    missing = report.split("### gone/missing")[1].split("###")[0]
    assert "rerun" not in missing and "check the repository's name" in missing
