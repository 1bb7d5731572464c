"""Open pull requests and issues a topic matched are followed as risks are: carried by each
report's memory, with the topic and the date first seen, until they merge or close, however
old; their state asked with the other followed items, 100 a request."""

from __future__ import annotations

import json
import re

import pytest

from digest.cli import main
from tests.fakegithub.builders import at
from tests.fakegithub.server import FakeIssue, FakePull, FakeRepo, node_id
from tests.readers import github_html, seen
from tests.test_followups import REPO, WEB, day_of, merge, run_day

FOLLOW = ("--follow-days", "3", "--topics", "FP4: nvfp4, mxfp4")


def followup(report, ref: str) -> dict | None:
    memory = report.sidecar.get("memory") or {"followups": []}
    found = [f for f in memory["followups"] if f"{f['kind']}:{f['number']}" == ref]
    return found[0] if found else None


def test_an_item_a_topic_matched_is_followed_until_it_merges_however_old(github, tmp_path):
    """`follow-days: 3`. On the 1st: an nvfp4 pull request and an mxfp4 question (FP4), and
    a pull request no topic matches. The FP4 ones are kept in every report's memory, open,
    with their topic and first date, and asked every day (in the same request as the rest);
    the other is asked only while the 1st is within 3 days. The pull request merges on the
    9th: that report tells it merged after 8 days; the 10th has nothing more of it."""
    out = tmp_path / "out"
    repo = github.add(FakeRepo(REPO))
    fp4 = FakePull(50, "nvfp4 GEMM for SM100", at(f"{day_of(1)} 11:00"))
    other = FakePull(51, "Experimental scheduler", at(f"{day_of(1)} 12:00"))
    question = FakeIssue(52, "Which GPUs run mxfp4?", at(f"{day_of(1)} 13:00"))
    repo.pulls += [fp4, other]
    repo.issues.append(question)
    reports = {n: run_day(github, out, day_of(n), *FOLLOW) for n in range(1, 9)}
    merge(repo, fp4, at(f"{day_of(9)} 15:00"))
    for n in (9, 10):
        reports[n] = run_day(github, out, day_of(n), *FOLLOW)

    for n in range(2, 9):
        for ref in ("pr:50", "issue:52"):
            kept = followup(reports[n], ref)
            assert kept is not None, f"{day_of(n)} does not keep {ref}"
            assert (kept["state"], kept["topics"], kept["first_told"]) == (
                "open",
                ["FP4"],
                "2026-02-01",
            )
            assert not kept["risk"]
        assert followup(reports[n], "pr:51") is None  # not a topic's: not kept open
    merged = followup(reports[9], "pr:50")
    assert merged is not None
    assert (merged["state"], merged["topics"], merged["age"]) == ("merged", ["FP4"], 8)
    # said on its record line, and on its line under the topic
    told = "merged after 8 days, first seen under FP4 on 2026-02-01"
    assert told in reports[9].line_with(f"{WEB}/pull/50").text
    assert told in reports[9].line_with(f"{WEB}/pull/50", under="Topics").text
    assert followup(reports[10], "pr:50") is None
    assert followup(reports[10], "issue:52") is not None  # still open

    ids = {
        n: [i for b in r.followed_requests for i in b["variables"]["ids"]]
        for n, r in reports.items()
    }
    pull, other_id = node_id(repo, "pr", 50), node_id(repo, "pr", 51)
    assert [n for n in ids if pull in ids[n]] == list(range(2, 9))  # the 9th's window shows it
    assert [n for n in ids if other_id in ids[n]] == [2, 3, 4]
    assert all(len(r.followed_requests) <= 1 for r in reports.values())  # one request a day


def test_without_topics_the_same_days_keep_nothing_open(github, tmp_path):
    out = tmp_path / "out"
    repo = github.add(FakeRepo(REPO))
    repo.pulls.append(FakePull(50, "nvfp4 GEMM for SM100", at(f"{day_of(1)} 11:00")))
    for n in range(1, 6):
        report = run_day(github, out, day_of(n), "--follow-days", "3")
    assert "memory" not in report.sidecar


def test_a_week_keeps_what_a_topic_matched_still_open_at_its_end(github, tmp_path):
    """Told on Sunday the 1st, before 2026-W06 (Feb 2-8), still open at its end: the week's
    memory keeps it with its topic, from the dailies alone."""
    out = tmp_path / "out"
    repo = github.add(FakeRepo(REPO))
    repo.pulls.append(FakePull(50, "nvfp4 GEMM for SM100", at(f"{day_of(1)} 11:00")))
    for n in range(1, 9):
        run_day(github, out, day_of(n), *FOLLOW)

    week = run_day(github, out, "2026-02-08", "--period", "week", *FOLLOW)

    sidecar = json.loads((out / "reports/weekly/2026-W06.json").read_text())
    (kept,) = sidecar["memory"]["followups"]
    assert (kept["number"], kept["state"], kept["topics"]) == (50, "open", ["FP4"])
    assert week.followed_requests == []


@pytest.mark.parametrize(
    ("language", "told", "topics", "repos"),
    [
        (
            "en",
            "closed without merging after 4 days, first seen under FP4 on 2026-02-01",
            "Topics",
            "Repositories",
        ),
        ("zh", "4 天后未合并即关闭，2026-02-01 首次出现于主题 FP4", "主题", "各仓库动态"),
    ],
)
def test_a_topic_item_closed_without_merging_is_told_with_its_topic(
    language, told, topics, repos, github, tmp_path
):
    """An nvfp4 pull request opened on the 1st, closed without merging on the 5th: not in
    the 5th's activity (no query of its window lists it), GitHub is asked, and the 5th's
    report says so with the topic it was first seen under, in the record's follow-ups and
    under its topic, which matched nothing else that day."""
    out = tmp_path / "out"
    repo = github.add(FakeRepo(REPO))
    fp4 = FakePull(50, "nvfp4 GEMM for SM100", at(f"{day_of(1)} 11:00"))
    repo.pulls.append(fp4)
    extra = (*FOLLOW, "--language", language)
    for n in range(1, 5):
        run_day(github, out, day_of(n), *extra)
    fp4.closed_at = at(f"{day_of(5)} 09:00")

    report = run_day(github, out, day_of(5), *extra)

    assert len(report.followed_requests) == 1
    assert told in report.line_with(f"{WEB}/pull/50", under=repos).text
    line = report.line_with(f"{WEB}/pull/50", under=topics)
    assert "nvfp4 GEMM for SM100" in line.text and told in line.text


def test_the_topic_page_lists_what_it_matched_still_open_until_it_merges(github, tmp_path):
    """The site's page of FP4 lists what FP4 matched in earlier reports that the latest
    report still follows open (each linked, with the report that first told it), and not the
    pull request no topic matched; once that pull request merges, its page lists it no more."""
    out = tmp_path / "out"
    repo = github.add(FakeRepo(REPO))
    fp4 = FakePull(50, "nvfp4 GEMM for SM100", at(f"{day_of(1)} 11:00"))
    repo.pulls += [fp4, FakePull(51, "Experimental scheduler", at(f"{day_of(1)} 12:00"))]
    repo.issues.append(FakeIssue(52, "Which GPUs run mxfp4?", at(f"{day_of(2)} 13:00")))
    for n in range(1, 5):
        run_day(github, out, day_of(n), *FOLLOW)

    def still_open() -> list[str]:
        assert main(["site", "--output-dir", str(out)]) == 0
        page = (out / "_site/topics/fp4.html").read_text(encoding="utf-8")
        section = re.search(r'<section aria-labelledby="still-open">(.*?)</section>', page, re.S)
        return (
            [seen(li) for li in re.findall(r"<li>(.*?)</li>", section[1], re.S)] if section else []
        )

    assert still_open() == [
        f"{REPO} #50 nvfp4 GEMM for SM100 · told on 2026-02-01",
        f"{REPO} #52 Which GPUs run mxfp4? · told on 2026-02-02",
    ]
    merge(repo, fp4, at(f"{day_of(5)} 15:00"))
    run_day(github, out, day_of(5), *FOLLOW)
    assert still_open() == [f"{REPO} #52 Which GPUs run mxfp4? · told on 2026-02-02"]


def test_the_topics_section_counts_what_is_still_open_and_links_the_oldest(github, tmp_path):
    """On the 4th, FP4 matched nothing new, but what it matched on the 1st and 2nd is still
    open: FP4 keeps its part, which says so and links them (the oldest first), and is not
    among the topics that matched nothing; the pull request no topic matched is not there.
    Once the pull request merges (the 5th), its line says so and only the issue is counted."""
    out = tmp_path / "out"
    repo = github.add(FakeRepo(REPO))
    fp4 = FakePull(50, "nvfp4 GEMM for SM100", at(f"{day_of(1)} 11:00"))
    repo.pulls += [fp4, FakePull(51, "Experimental scheduler", at(f"{day_of(1)} 12:00"))]
    repo.issues.append(FakeIssue(52, "Which GPUs run mxfp4?", at(f"{day_of(2)} 13:00")))
    topics = ("--topics", "FP4: nvfp4, mxfp4", "--topics", "Blackwell: blackwell")
    for n in range(1, 4):
        run_day(github, out, day_of(n), "--follow-days", "3", *topics)

    fourth = run_day(github, out, day_of(4), "--follow-days", "3", *topics)

    assert [line.text for line in fourth.section("FP4")] == [
        "2 items it matched in earlier reports are still open, the oldest since 2026-02-01"
        " (#50, #52)"
    ]
    assert fourth.section("FP4")[0].links == [f"{WEB}/pull/50", f"{WEB}/issues/52"]
    html = github_html(fourth.markdown)
    assert "Nothing new in this window." in html
    assert "Matched nothing: Blackwell." in html

    merge(repo, fp4, at(f"{day_of(5)} 15:00"))
    fifth = run_day(github, out, day_of(5), "--follow-days", "3", *topics)
    assert "merged after 4 days" in fifth.line_with(f"{WEB}/pull/50", under="Topics").text
    assert fifth.section("FP4")[-1].text == (
        "1 item it matched in an earlier report is still open, since 2026-02-02 (#52)"
    )
