"""The index: digest's block between markers, the user's text untouched, every report listed."""

from __future__ import annotations

import re

import pytest

from digest.cli import main
from tests.fakegithub.builders import at, merged_pr
from tests.fakegithub.server import FakeRepo

USER_README = """# Our team's reading list

Some words we wrote ourselves, with a [link](https://example.com).

<!-- digest:start -->
old generated text
<!-- digest:end -->

## Footer we also wrote
"""


@pytest.fixture
def repo(github):
    repo = github.add(FakeRepo("vllm-project/vllm"))
    for day in range(1, 11):
        merged_pr(repo, day, f"change on day {day}", at(f"2026-02-{day:02d} 12:00"))
    return repo


def run(out, date, *extra):
    argv = ["run", "--repos", "vllm-project/vllm", "--date", date, "--output-dir", str(out)]
    return main([*argv, *extra])


def listed(index: str) -> list[str]:
    return re.findall(r"^- \[(\d{4}-\d{2}-\d{2})\]\((.+?)\)$", index, re.M)


def test_index_keeps_user_text_and_replaces_only_the_block(repo, tmp_path):
    (tmp_path / "README.md").write_text(USER_README)
    run(tmp_path, "2026-02-04")
    index = (tmp_path / "README.md").read_text()
    before, block_and_after = index.split("<!-- digest:start -->")
    assert before == USER_README.split("<!-- digest:start -->")[0]
    assert block_and_after.split("<!-- digest:end -->")[1] == "\n\n## Footer we also wrote\n"
    assert "old generated text" not in index
    assert "## Daily digest — 2026-02-04" in index  # the latest report, headings demoted


def test_index_without_markers_gets_the_block_appended(repo, tmp_path):
    (tmp_path / "README.md").write_text("# Mine\n\nHand-written.\n")
    run(tmp_path, "2026-02-04")
    index = (tmp_path / "README.md").read_text()
    assert index.startswith("# Mine\n\nHand-written.\n\n<!-- digest:start -->")
    assert index.rstrip().endswith("<!-- digest:end -->")


def test_rerun_and_next_day_never_duplicate_entries(repo, tmp_path):
    run(tmp_path, "2026-02-04")
    run(tmp_path, "2026-02-04")
    assert listed((tmp_path / "README.md").read_text()) == [("2026-02-04", "reports/2026-02-04.md")]
    run(tmp_path, "2026-02-05")
    run(tmp_path, "2026-02-05")
    index = (tmp_path / "README.md").read_text()
    assert [d for d, _ in listed(index)] == ["2026-02-05", "2026-02-04"]
    assert index.count("<!-- digest:start -->") == 1


def test_every_past_report_is_listed_newest_first(repo, tmp_path):
    for day in range(1, 11):
        run(tmp_path, f"2026-02-{day:02d}")
    (tmp_path / "reports" / "notes.md").write_text("not a report")
    run(tmp_path, "2026-02-10")
    dates = [d for d, _ in listed((tmp_path / "README.md").read_text())]
    assert dates == [f"2026-02-{day:02d}" for day in range(10, 0, -1)]


def test_links_are_relative_to_an_index_in_a_subfolder(repo, tmp_path):
    run(tmp_path, "2026-02-04", "--index-file", "docs/DIGEST.md", "--reports-dir", "digests/daily")
    index = (tmp_path / "docs/DIGEST.md").read_text()
    assert listed(index) == [("2026-02-04", "../digests/daily/2026-02-04.md")]
    assert (tmp_path / "digests/daily/2026-02-04.md").is_file()
