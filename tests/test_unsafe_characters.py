"""Characters a third party can write that no file of digest may hold: the controls XML
forbids (an escape sequence pasted from a terminal, U+FFFE), which would stop the feed from
being written and so the whole run, and the bidirectional overrides and isolates, which
would turn around digest's own words after them on a line. They are left out of every file
a run and its site write; the rest of the text is kept."""

from __future__ import annotations

import re

import feedparser

from digest.cli import main
from digest.models import plain
from tests.fakegithub.builders import at, merged_pr
from tests.fakegithub.server import FakeFile, FakeIssue, FakeRelease, FakeRepo
from tests.readers import github_html, seen

REPO = "vllm-project/vllm"
ESCAPE, OVERRIDE, ISOLATE, NONCHAR = "\x1b[31m", "\u202e", "\u2067", "\ufffe"
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


def test_no_file_holds_them_and_the_feeds_are_read(github, tmp_path):
    repo = github.add(FakeRepo(REPO, description=f"A high-throughput{ESCAPE} engine"))
    merged_pr(
        repo,
        101,
        f"{ESCAPE}Fix fp8 GEMM{OVERRIDE} on SM100",
        at("2026-02-04 10:00"),
        files=[FakeFile(f"docs/evil{ESCAPE}.md"), FakeFile("csrc/fp8.cu")],
        labels=[f"bug{NONCHAR}"],
        body=f"Body {ISOLATE}with{NONCHAR} things",
    )
    repo.issues.append(
        FakeIssue(102, f"crash{NONCHAR} in fp8 {OVERRIDE}kernel", at("2026-02-04 11:00"))
    )
    repo.releases.append(
        FakeRelease(f"v1.0{ESCAPE}", at("2026-02-04 12:00"), name=f"v1.0 {OVERRIDE}")
    )
    out = tmp_path / "out"
    argv = ["run", "--repos", REPO, "--date", "2026-02-04", "--publish", "none"]
    topics = ["--topics", "FP8: fp8", "--topics", "Docs: docs"]

    assert main([*argv, *topics, "--output-dir", str(out)]) == 0
    assert main(["site", "--output-dir", str(out)]) == 0

    written = [
        p for p in out.rglob("*") if p.is_file() and p.suffix in (".md", ".json", ".xml", ".html")
    ]
    assert len(written) > 10
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert not UNSAFE.search(text) and "\\u001b" not in text and "\\ufffe" not in text, path
    for feed in out.rglob("*.xml"):
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, (feed, parsed.bozo_exception)
    report = seen(github_html((out / "reports/2026-02-04.md").read_text(encoding="utf-8")))
    assert "[31mFix fp8 GEMM on SM100" in report  # the text is kept, its controls are not
    assert "crash in fp8 kernel" in report


def test_plain_keeps_every_other_character():
    kept = "Fix 修复 ü العربية עברית \u200e\u200f\u200d👍\t\n\r"
    assert plain(kept) == kept
    assert plain(f"a{ESCAPE}b{OVERRIDE}c{ISOLATE}d{NONCHAR}e\x00\x7f\x85") == "a[31mbcde"
