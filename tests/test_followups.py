"""Memory across days: what earlier reports told, followed up, day after day on a local GitHub.

Each test runs `digest run --date ...` day after day into one output directory, the local
GitHub changing between runs as a real one would, and reads each report as GitHub shows it.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from digest.cli import main
from digest.collect.follow import follow_up
from digest.github import GitHubAPI
from digest.models import Followup
from tests.conftest import TOKEN
from tests.fakegithub.builders import at, merged_pr, sha
from tests.fakegithub.server import FakeCommit, FakeFile, FakeIssue, FakePull, FakeRepo, node_id
from tests.readers import github_html, parse_html, seen

REPO = "sgl-project/sglang"
WEB = f"https://github.com/{REPO}"
DAY1, DAY2, DAY3 = "2026-02-04", "2026-02-05", "2026-02-06"
SIDECARS = Path(__file__).parent / "data" / "sidecars"


@dataclass(frozen=True)
class Line:
    text: str
    links: list[str]


@dataclass(frozen=True)
class Report:
    markdown: str
    sidecar: dict
    followed_requests: list[dict]  # the GraphQL requests that asked for followed items

    def section(self, heading: str) -> list[Line]:
        """The list items under a heading, as GitHub shows them (text and link targets)."""
        html = github_html(self.markdown)
        start = html.index(f">{heading}</h")
        body = html[start:]
        end = body.find("<h", 1)
        return _items(body[: end if end > 0 else None])

    def lines(self) -> list[Line]:
        return _items(github_html(self.markdown))

    def line_with(self, url: str, under: str = "Repositories") -> Line:
        """The record's line of the item at `url` (the record's lines start with its link);
        `under`: the report's section read (`Topics` lists items a topic matched too)."""
        html = github_html(self.markdown)
        start = html.index(f">{under}</h2>")
        end = html.find("<h2", start)
        lines = _items(html[start : end if end > 0 else None])
        found = [line for line in lines if line.links[:1] == [url] and line.text[:1] == "#"]
        assert len(found) == 1, f"{len(found)} record lines link {url}"
        return found[0]


def _items(html: str) -> list[Line]:
    lines = []
    for chunk in html.split("<li>")[1:]:
        parsed = parse_html(chunk.split("</li>")[0])
        lines.append(Line(seen(chunk.split("</li>")[0]), [href for _, href in parsed.links]))
    return lines


def run_day(github, out: Path, date: str, *extra: str, repos: str = REPO) -> Report:
    before = len(github.graphql_bodies)
    argv = ["run", "--repos", repos, "--date", date, "--output-dir", str(out), *extra]
    assert main(argv) == 0
    asked = [b for b in github.graphql_bodies[before:] if "query Followed" in b["query"]]
    return Report(
        (out / f"reports/{date}.md").read_text(encoding="utf-8"),
        json.loads((out / f"reports/{date}.json").read_text(encoding="utf-8")),
        asked,
    )


def merge(repo: FakeRepo, pull: FakePull, when: dt.datetime, closes: list[int] = ()) -> None:
    """Merge an open pull request, its commit landing on the default branch."""
    commit = FakeCommit(
        sha=sha(f"{repo.full_name}#{pull.number}"),
        message=f"{pull.title} (#{pull.number})",
        committed_at=when,
        author_login=pull.author,
        files=pull.files,
        pr_number=pull.number,
    )
    repo.commits.append(commit)
    pull.merged_at = pull.closed_at = when
    pull.merge_commit_sha = commit.sha
    pull.closes = list(closes)


# -- three days of one repository ------------------------------------------------------------


@pytest.fixture
def three_days(github, tmp_path) -> list[Report]:
    """Day 1: a regression reported, its fix opened, an experiment opened, a feature merged,
    a question asked. Day 2: the question closed as not planned, a speed-up merged. Day 3:
    the fix merged, closing the regression; the experiment closed without merging."""
    out = tmp_path / "out"
    repo = github.add(FakeRepo(REPO))
    files = [FakeFile("python/sglang/srt/decode.py", additions=30, deletions=4)]
    regression = FakeIssue(
        45, "Regression: decode 2x slower on H100", at(f"{DAY1} 10:00"), labels=["bug"]
    )
    question = FakeIssue(46, "How do I set the page size?", at(f"{DAY1} 08:00"))
    fix = FakePull(50, "Fix the decode slowdown on H100", at(f"{DAY1} 11:00"), files=files)
    experiment = FakePull(51, "Experimental scheduler", at(f"{DAY1} 09:00"), author="lin")
    repo.issues += [regression, question]
    repo.pulls += [fix, experiment]
    merged_pr(repo, 52, "feat: paged attention backend", at(f"{DAY1} 16:00"))
    day1 = run_day(github, out, DAY1)

    question.closed_at, question.state_reason = at(f"{DAY2} 08:00"), "NOT_PLANNED"
    merged_pr(repo, 60, "perf: faster sampling", at(f"{DAY2} 12:00"))
    day2 = run_day(github, out, DAY2)

    merge(repo, fix, at(f"{DAY3} 12:00"), closes=[45])
    regression.closed_at = at(f"{DAY3} 12:00")
    experiment.closed_at = at(f"{DAY3} 15:00")
    day3 = run_day(github, out, DAY3)
    return [day1, day2, day3]


def test_a_risk_stays_under_the_risks_with_its_first_date_until_it_is_closed(three_days):
    day1, day2, day3 = three_days
    issue = f"{WEB}/issues/45"
    assert any(issue in line.links for line in day1.section("Risks and what to watch"))

    (kept,) = [line for line in day2.section("Risks and what to watch") if issue in line.links]
    assert "first told 2026-02-04" in kept.text
    assert "open for 1 day" in kept.text

    risks = day3.section("Risks and what to watch")
    (resolved,) = [line for line in risks if issue in line.links]
    assert resolved.text.startswith("Resolved:")
    assert "closed after 2 days, reported 2026-02-04" in resolved.text
    assert f"{WEB}/pull/50" in resolved.links  # with the merge that closed it
    assert "open for" not in " ".join(line.text for line in risks)


def test_an_issue_closed_by_a_merge_of_the_day_is_told_on_the_merge_s_line(three_days):
    day3 = three_days[2]
    line = day3.line_with(f"{WEB}/pull/50")
    assert f"{WEB}/issues/45" in line.links
    assert "closes #45 Regression: decode 2x slower on H100" in line.text
    # told once: not again among the closed issues
    closed = [x for x in day3.lines() if f"{WEB}/issues/45" in x.links]
    record = [x for x in closed if "Resolved:" not in x.text]
    assert record == [line]


def test_a_pull_request_opened_on_day_1_and_merged_on_day_3_carries_day_1(three_days):
    line = three_days[2].line_with(f"{WEB}/pull/50")
    assert "merged after 2 days, opened 2026-02-04" in line.text


def test_a_pull_request_closed_without_merging_is_told_as_such(three_days):
    """Opened on day 1, closed on day 3: no query of day 3's window lists it, GitHub is
    asked, and its line links what GitHub returned."""
    day3 = three_days[2]
    line = day3.line_with(f"{WEB}/pull/51")
    assert "Experimental scheduler" in line.text
    assert "closed without merging after 2 days, opened 2026-02-04" in line.text
    assert "Followed up from earlier reports" in seen(github_html(day3.markdown))


def test_an_issue_closed_as_not_planned_says_so(three_days):
    line = three_days[1].line_with(f"{WEB}/issues/46")
    assert "closed as not planned after 1 day, reported 2026-02-04" in line.text


def test_day_2_top_developments_do_not_repeat_day_1(three_days):
    top = [
        {link for line in day.section("Top developments") for link in line.links}
        for day in three_days
    ]
    assert top[0] and top[1]
    assert not top[0] & top[1]
    assert f"{WEB}/pull/50" in top[2]  # merged: something new happened to it


def test_followed_items_cost_one_request_per_day_and_none_before(three_days):
    day1, day2, day3 = three_days
    assert len(day1.followed_requests) == 0  # no earlier report
    # day 2: the fix and the experiment are still open, the window shows neither
    (asked,) = day2.followed_requests
    assert sorted(asked["variables"]["ids"]) == sorted(
        [node_id(FakeRepo(REPO), "pr", 50), node_id(FakeRepo(REPO), "pr", 51),
         node_id(FakeRepo(REPO), "issue", 45)]
    )  # fmt: skip
    # day 3: only the experiment; the fix and the regression are in the window's collection
    (asked,) = day3.followed_requests
    assert asked["variables"]["ids"] == [node_id(FakeRepo(REPO), "pr", 51)]


def test_the_sidecar_keeps_the_follow_ups_and_a_rerun_writes_the_same_report(
    three_days, github, tmp_path
):
    day3 = three_days[2]
    memory = day3.sidecar["memory"]
    assert memory["follow_days"] == 14
    by_ref = {f"{f['kind']}:{f['number']}": f for f in memory["followups"]}
    assert by_ref["pr:51"]["state"] == "closed" and by_ref["issue:45"]["closed_by"] == 50
    assert day3.sidecar["schema_version"] == 4
    again = run_day(github, tmp_path / "out", DAY3)
    assert again.markdown == day3.markdown


def test_follow_days_0_follows_nothing(github, tmp_path):
    repo = github.add(FakeRepo(REPO))
    repo.pulls.append(FakePull(50, "Still open", at(f"{DAY1} 11:00")))
    run_day(github, tmp_path / "out", DAY1)
    day2 = run_day(github, tmp_path / "out", DAY2, "--follow-days", "0")
    assert day2.followed_requests == []
    assert "memory" not in day2.sidecar


# -- what it costs ---------------------------------------------------------------------------


def test_no_request_when_the_window_shows_every_fate(github, tmp_path):
    repo = github.add(FakeRepo(REPO))
    pull = FakePull(70, "Add FP8 kernels", at(f"{DAY1} 09:00"))
    issue = FakeIssue(71, "Crash when loading a LoRA adapter", at(f"{DAY1} 10:00"))
    repo.pulls.append(pull)
    repo.issues.append(issue)
    run_day(github, tmp_path / "out", DAY1)
    merge(repo, pull, at(f"{DAY2} 09:00"))
    issue.closed_at = at(f"{DAY2} 11:00")

    day2 = run_day(github, tmp_path / "out", DAY2)

    assert day2.followed_requests == []
    assert "merged after 1 day, opened 2026-02-04" in day2.line_with(f"{WEB}/pull/70").text
    assert "closed after 1 day, reported 2026-02-04" in day2.line_with(f"{WEB}/issues/71").text


def test_at_most_one_request_per_100_followed_items(github, tmp_path):
    repo = github.add(FakeRepo(REPO))
    repo.pulls += [FakePull(n, f"Change {n}", at(f"{DAY1} 09:00")) for n in range(1, 251)]
    run_day(github, tmp_path / "out", DAY1)
    repo.pulls[0].closed_at = at(f"{DAY2} 09:00")

    day2 = run_day(github, tmp_path / "out", DAY2)

    assert [len(r["variables"]["ids"]) for r in day2.followed_requests] == [100, 100, 50]
    assert "closed without merging after 1 day" in day2.line_with(f"{WEB}/pull/1").text


def test_github_answers_an_unknown_node_with_null_and_not_found(github):
    repo = github.add(FakeRepo(REPO))
    repo.issues.append(FakeIssue(45, "Known", at(f"{DAY1} 10:00")))
    api = GitHubAPI(TOKEN, github.api_url)
    known = node_id(repo, "issue", 45)
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Issue { number } } }"

    data, errors = api.graphql(query, {"ids": ["I_kwDOgone", known]})

    assert data["nodes"] == [None, {"number": 45}]
    assert [(e["type"], e["path"]) for e in errors] == [("NOT_FOUND", ["nodes", 0])]


def test_an_item_github_says_it_no_longer_has_is_gone(github):
    """NOT_FOUND for a node id (deleted, or moved where the token cannot read it) and for a
    number: closed as GONE, without a date (the report it is asked for gives one)."""
    github.add(FakeRepo(REPO)).issues.append(FakeIssue(45, "Known", at(f"{DAY1} 10:00")))
    told = {"repo": REPO, "kind": "issue", "title": "t", "url": "u", "first_told": DAY1}
    items = [
        Followup.model_validate({**told, "number": 44, "node_id": "I_kwDOgone"}),
        Followup.model_validate({**told, "number": 45}),  # no node id: by number
        Followup.model_validate({**told, "number": 46}),  # by number, deleted
    ]
    found = follow_up(GitHubAPI(TOKEN, github.api_url), items)
    assert sorted((f.number, f.state, f.state_reason, f.url, f.closed_at) for f in found) == [
        (44, "closed", "GONE", "u", None),
        (45, "open", None, f"{WEB}/issues/45", None),
        (46, "closed", "GONE", "u", None),
    ]
    assert github.counts() == {"POST /graphql": 1}


# -- older archives and backfill -------------------------------------------------------------


@pytest.mark.parametrize(("folder", "version"), [("r2-380cafe", 1), ("v2-b455a86", 2)])
def test_an_archive_written_before_node_ids_is_followed_by_number(
    github, tmp_path, folder, version
):
    """2026-02-27 as release 2 (schema 1) and commit b455a86 (schema 2) wrote it, with no
    node ids, and items opened that day added in its shape: they are followed on the 28th
    by repository and number."""
    out = tmp_path / "out"
    (out / "reports").mkdir(parents=True)
    raw = json.loads((SIDECARS / f"{folder}/builtin-2026-02-27.json").read_text())
    assert raw["schema_version"] == version
    cutlass_raw = raw["activity"]["repos"][0]
    written = cutlass_raw["pulls"][0]
    web = "https://github.com/NVIDIA/cutlass"
    for number, title in ((4001, "Add SM120 GEMM"), (4002, "Try a new tile scheduler")):
        cutlass_raw["pulls"].append(
            written | {"number": number, "title": title, "url": f"{web}/pull/{number}",
                       "state": "open", "created_at": "2026-02-27T03:00:00Z", "merged_at": None,
                       "merge_commit_sha": None, "opened_in_window": True,
                       "merged_in_window": False}
        )  # fmt: skip
    cutlass_raw["issues"].append(
        {"number": 4003, "title": "Performance regression in grouped GEMM",
         "url": f"{web}/issues/4003", "author": "grace", "labels": [], "body": "",
         "state": "open", "created_at": "2026-02-27T05:00:00Z", "closed_at": None,
         "comments": 0, "opened_in_window": True, "closed_in_window": False}
    )  # fmt: skip
    (out / "reports/2026-02-27.json").write_text(json.dumps(raw, indent=2))
    shutil.copy(SIDECARS / f"{folder}/builtin-2026-02-27.md", out / "reports/2026-02-27.md")
    cutlass = github.add(FakeRepo("NVIDIA/cutlass"))
    github.add(FakeRepo("deepseek-ai/DeepGEMM"))
    opened = at("2026-02-27 03:00")
    merged_pr(cutlass, 4001, "Add SM120 GEMM", at("2026-02-28 10:00"), opened=opened)
    cutlass.pulls.append(
        FakePull(4002, "Try a new tile scheduler", opened, closed_at=at("2026-02-28 11:00"))
    )
    cutlass.issues.append(
        FakeIssue(4003, "Performance regression in grouped GEMM", at("2026-02-27 05:00"))
    )

    day = run_day(
        github, out, "2026-02-28", "--backfill", "0", repos="NVIDIA/cutlass,deepseek-ai/DeepGEMM"
    )

    (asked,) = day.followed_requests  # the two the window does not show, in one request
    assert "ids" not in asked["variables"]
    assert sorted(v for k, v in asked["variables"].items() if k.startswith("number")) == [
        4002, 4003
    ]  # fmt: skip
    assert "merged after 1 day, opened 2026-02-27" in day.line_with(f"{web}/pull/4001").text
    closed = day.line_with(f"{web}/pull/4002").text
    assert "closed without merging after 1 day, opened 2026-02-27" in closed
    (risk,) = day.section("Risks and what to watch")
    assert risk.links == [f"{web}/issues/4003"]
    assert "first told 2026-02-27, open for 1 day" in risk.text


def test_a_backfilled_day_is_followed_from_the_days_before_it(github, tmp_path):
    """Day 2 had no run: day 3's run writes it too, and each follows what came before."""
    out = tmp_path / "out"
    repo = github.add(FakeRepo(REPO))
    pull = FakePull(50, "Fix the decode slowdown", at(f"{DAY1} 11:00"))
    experiment = FakePull(51, "Experimental scheduler", at(f"{DAY2} 09:00"))
    repo.pulls += [pull, experiment]
    run_day(github, out, DAY1)
    merge(repo, pull, at(f"{DAY2} 12:00"))
    experiment.closed_at = at(f"{DAY3} 10:00")

    day3 = run_day(github, out, DAY3)

    day2 = (out / f"reports/{DAY2}.md").read_text(encoding="utf-8")
    assert "merged after 1 day, opened 2026-02-04" in seen(github_html(day2))
    # opened on day 2, told by the report backfill wrote in the same run
    assert (
        "closed without merging after 1 day, opened 2026-02-05"
        in day3.line_with(f"{WEB}/pull/51").text
    )


# -- new versus ongoing ----------------------------------------------------------------------


def test_a_window_of_several_days_tells_what_was_told_as_ongoing(github, tmp_path):
    """Two-day windows run daily: day 2's window holds day 1's merge again. It is no top
    development twice, and its point says since when; a merge of day 2 is news."""
    out = tmp_path / "out"
    repo = github.add(FakeRepo(REPO))
    merged_pr(repo, 52, "feat: paged attention backend", at(f"{DAY1} 16:00"))
    run_day(github, out, DAY1, "--days", "2")
    merged_pr(repo, 60, "feat: speculative decoding", at(f"{DAY2} 12:00"))

    day2 = run_day(github, out, DAY2, "--days", "2")

    top = {link for line in day2.section("Top developments") for link in line.links}
    assert top == {f"{WEB}/pull/60"}
    (point,) = [line for line in day2.lines() if line.text.startswith("Feature: paged")]
    assert point.text.endswith("by ada (ongoing since 2026-02-04) (#52)")
    assert point.links == [f"{WEB}/pull/52"]


def test_the_model_is_told_which_items_are_ongoing(github, tmp_path):
    from tests.fakellm.server import FakeLLM, diligent

    out = tmp_path / "out"
    repo = github.add(FakeRepo(REPO))
    merged_pr(repo, 52, "feat: paged attention backend", at(f"{DAY1} 16:00"))
    with FakeLLM(diligent) as llm:
        model = ["--model", "openai/fake", "--api-base", llm.api_base, "--api-key", "k"]
        run_day(github, out, DAY1, "--days", "2", *model)
        merged_pr(repo, 60, "feat: speculative decoding", at(f"{DAY2} 12:00"))
        before = len(llm.requests)
        run_day(github, out, DAY2, "--days", "2", *model)
        repo_prompt, overall_prompt = [r["messages"][-1]["content"] for r in llm.requests[before:]]
    assert "- pr:52: ongoing since 2026-02-04" in repo_prompt
    assert f"- {REPO}#pr:52: ongoing since 2026-02-04" in overall_prompt


def test_sharded_follow_ups_are_computed_once_in_the_report_job(github, target, tmp_path):
    """Collect jobs ask nothing about followed items; the report job follows them up."""
    names = ["sgl-project/sglang", "vllm-project/vllm", "flashinfer-ai/flashinfer"]
    repos = [github.add(FakeRepo(name)) for name in names]
    experiment = FakePull(51, "Experimental scheduler", at(f"{DAY1} 09:00"))
    fix = FakePull(50, "Fix the decode slowdown", at(f"{DAY1} 11:00"))
    repos[0].pulls += [experiment, fix]
    publish = ["--publish", "commit", "--target-repo", "me/digests"]
    assert main(["run", "--repos", ",".join(names), "--date", DAY1, *publish]) == 0
    merge(repos[0], fix, at(f"{DAY2} 12:00"))
    experiment.closed_at = at(f"{DAY2} 13:00")

    for k in (1, 2):
        before = len(github.graphql_bodies)
        out = str(tmp_path / f"activity-{k}.json")
        argv = ["collect", "--repos", ",".join(names), "--date", DAY2, "--shard", f"{k}/2"]
        assert main([*argv, "-o", out]) == 0
        assert not [b for b in github.graphql_bodies[before:] if "query Followed" in b["query"]]
    before = len(github.graphql_bodies)
    activity = str(tmp_path / "activity-*.json")
    assert main(["report", "--activity", activity, *publish]) == 0

    asked = [b for b in github.graphql_bodies[before:] if "query Followed" in b["query"]]
    assert [b["variables"]["ids"] for b in asked] == [[node_id(repos[0], "pr", 51)]]
    report = Report(target.files_at()[f"reports/{DAY2}.md"], {}, asked)
    assert "merged after 1 day, opened 2026-02-04" in report.line_with(f"{WEB}/pull/50").text
    closed = report.line_with(f"{WEB}/pull/51").text
    assert "closed without merging after 1 day, opened 2026-02-04" in closed


# -- a risk until it closes; each report as of the end of its window ---------------------------


def day_of(n: int) -> str:
    return (dt.date(2026, 2, 1) + dt.timedelta(days=n - 1)).isoformat()


def risk_line(report: Report, url: str) -> Line | None:
    if ">Risks and what to watch</h" not in github_html(report.markdown):
        return None
    found = [line for line in report.section("Risks and what to watch") if url in line.links]
    return found[0] if found else None


def test_a_risk_stays_until_it_closes_however_old_and_a_pull_request_leaves(github, tmp_path):
    """`follow-days: 3`. A performance problem reported on the 1st and a pull request opened
    that day: the risk is under the risks every day, with the date first told, until it
    closes on the 9th; the pull request is asked for only while the 1st is within 3 days."""
    out = tmp_path / "out"
    repo = github.add(FakeRepo(REPO))
    risk = FakeIssue(45, "Decode is 10x slower than nvfp4", at(f"{day_of(1)} 10:00"))
    risk.labels = ["performance"]
    repo.issues.append(risk)
    repo.pulls.append(FakePull(50, "Experimental scheduler", at(f"{day_of(1)} 11:00")))
    url, pull = f"{WEB}/issues/45", node_id(repo, "pr", 50)
    reports = {1: run_day(github, out, day_of(1), "--follow-days", "3")}
    for n in range(2, 9):
        reports[n] = run_day(github, out, day_of(n), "--follow-days", "3")
    risk.closed_at = at(f"{day_of(9)} 15:00")
    for n in (9, 10):
        reports[n] = run_day(github, out, day_of(n), "--follow-days", "3")

    for n in range(2, 9):
        line = risk_line(reports[n], url)
        assert line is not None, f"{day_of(n)} does not list the open risk"
        assert f"first told 2026-02-01, open for {n - 1} day" in line.text
    resolved = risk_line(reports[9], url)
    assert resolved is not None and resolved.text.startswith("Resolved:")
    assert "closed after 8 days, reported 2026-02-01" in resolved.text
    assert risk_line(reports[10], url) is None
    asked = [
        n for n, r in reports.items() for b in r.followed_requests if pull in b["variables"]["ids"]
    ]
    assert asked == [2, 3, 4]  # within 3 days of the 1st, then it leaves


def test_a_day_written_after_a_close_tells_the_risk_open_as_it_was(github, tmp_path):
    """A regression reported on the 1st, closed at noon on the 3rd. The 2nd is written only
    on the 3rd's run (backfill), after the close: it still tells the risk open on the 2nd,
    and a rerun of the 2nd a week later does too; the 3rd tells it resolved."""
    out = tmp_path / "out"
    repo = github.add(FakeRepo(REPO))
    regression = FakeIssue(45, "Regression: decode 2x slower on H100", at(f"{day_of(1)} 10:00"))
    repo.issues.append(regression)
    fix = FakePull(50, "Fix the decode slowdown", at(f"{day_of(1)} 11:00"))
    repo.pulls.append(fix)
    run_day(github, out, day_of(1))
    merge(repo, fix, at(f"{day_of(3)} 12:00"), closes=[45])
    regression.closed_at = at(f"{day_of(3)} 12:00")

    day3 = run_day(github, out, day_of(3))
    day2 = Report((out / f"reports/{day_of(2)}.md").read_text(encoding="utf-8"), {}, [])
    rerun = run_day(github, out, day_of(2), "--backfill", "0")

    url = f"{WEB}/issues/45"
    for report in (day2, rerun):
        line = risk_line(report, url)
        assert line is not None and "first told 2026-02-01, open for 1 day" in line.text
        assert "merged after" not in seen(github_html(report.markdown))  # the fix, on the 3rd
    resolved = risk_line(day3, url)
    assert resolved is not None and resolved.text.startswith("Resolved:")
    sidecar = json.loads((out / f"reports/{day_of(2)}.json").read_text(encoding="utf-8"))
    (followed,) = [f for f in sidecar["memory"]["followups"] if f["number"] == 45]
    assert followed["state"] == "open" and followed["closed_at"] is None


def test_a_pull_request_merged_after_a_late_day_is_not_merged_in_it(github, tmp_path):
    """GitHub answers that #50 was merged on the 3rd; the 2nd, written on the 3rd, tells
    nothing of it: as of its end, #50 was open (and not a risk: no line)."""
    out = tmp_path / "out"
    repo = github.add(FakeRepo(REPO))
    pull = FakePull(50, "Add FP8 kernels", at(f"{day_of(1)} 09:00"))
    repo.pulls.append(pull)
    run_day(github, out, day_of(1))
    merge(repo, pull, at(f"{day_of(3)} 09:00"))

    day2 = run_day(github, out, day_of(2), "--backfill", "0")

    assert len(day2.followed_requests) == 1  # GitHub was asked, and answered "merged"
    assert f"{WEB}/pull/50" not in seen(github_html(day2.markdown))
    assert "memory" not in day2.sidecar


# -- a model's closing line under the risks still open ----------------------------------------


def closing_of(report: Report, heading: str = "In closing") -> str:
    """The closing paragraph as GitHub shows it."""
    html = github_html(report.markdown)
    after = html[html.index(f">{heading}</h") :]
    return seen(after[after.index("<p>") : after.index("</p>") + 4])


def _model(conclusion: str, risks: list[dict] | None = None):
    """A model that tells each repository's story well, then closes with `conclusion` (a
    function of the overall prompt) and lists `risks` as the window's."""
    from tests.fakellm.server import diligent, ok

    def answer(body: dict) -> tuple:
        if "highlights" not in body["messages"][0]["content"]:
            return diligent(body)
        prompt = body["messages"][-1]["content"]
        return ok(
            json.dumps(
                {
                    "overview": "A day in decoding.",
                    "highlights": [],
                    "risks": risks or [],
                    "conclusion": conclusion.format(prompt=prompt),
                },
                ensure_ascii=False,
            )
        )

    return answer


def _risk_then_model(github, tmp_path, script, *extra: str) -> tuple[Report, list[dict]]:
    """A regression told by the 1st's report (built-in), still open on the 2nd, whose
    report a model writes."""
    from tests.fakellm.server import FakeLLM

    out = tmp_path / "out"
    repo = github.add(FakeRepo(REPO))
    repo.issues.append(
        FakeIssue(
            45, "Regression: decode 2x slower on H100", at(f"{day_of(1)} 10:00"), labels=["bug"]
        )
    )
    run_day(github, out, day_of(1), *extra)
    merged_pr(repo, 60, "feat: speculative decoding", at(f"{day_of(2)} 12:00"))
    with FakeLLM(script) as llm:
        model = ["--model", "openai/fake", "--api-base", llm.api_base, "--api-key", "k"]
        day2 = run_day(github, out, day_of(2), *model, *extra)
    return day2, llm.requests


STILL_OPEN = (
    "Still open: Regression: decode 2x slower on H100 in sgl-project/sglang, first told 2026-02-01."
)


def test_a_model_that_closes_with_no_risks_under_an_open_one_is_not_shown_saying_so(
    github, tmp_path
):
    """The model is told of the risk still open, answers "No regressions or risks were
    reported." anyway: the report lists the risk, and its closing line names it instead."""
    day2, requests = _risk_then_model(
        github,
        tmp_path,
        _model("Speculative decoding landed. No regressions or risks were reported."),
    )
    overall_prompt = requests[-1]["messages"][-1]["content"]
    assert f"- {REPO}#issue:45: Regression: decode 2x slower on H100 (first told 2026-02-01)" in (
        overall_prompt
    )
    assert risk_line(day2, f"{WEB}/issues/45") is not None
    closing = closing_of(day2)
    assert "No regressions or risks" not in closing
    assert closing == f"Speculative decoding landed. {STILL_OPEN}"


def test_a_model_that_names_the_open_risk_keeps_its_own_closing_line(github, tmp_path):
    said = "The H100 decode regression first told 2026-02-01 is still open; no new regression."
    day2, _ = _risk_then_model(github, tmp_path, _model(said))
    assert closing_of(day2) == said  # true: nothing added, nothing left out


def test_a_model_that_denies_the_risk_it_lists_itself_is_not_shown_saying_so(github, tmp_path):
    risk = {"text": "Speculative decoding breaks FP8 checkpoints.", "refs": [f"{REPO}#pr:60"]}
    day2, _ = _risk_then_model(
        github, tmp_path, _model("No new regressions were reported.", [risk])
    )
    closing = closing_of(day2)
    assert "No new regressions" not in closing
    assert closing == (
        f"To watch in {REPO}: Speculative decoding breaks FP8 checkpoints. {STILL_OPEN}"
    )


def test_a_chinese_model_that_closes_with_no_risks_under_an_open_one(github, tmp_path):
    day2, requests = _risk_then_model(
        github,
        tmp_path,
        _model("推测解码已合入。本时段没有报告任何风险或回归。"),
        "--language",
        "zh",
    )
    assert "（2026-02-01 首次报告）" in requests[-1]["messages"][-1]["content"]
    closing = closing_of(day2, "总结")
    assert "没有报告任何风险" not in closing
    assert closing.startswith("推测解码已合入。仍未解决：")
    assert "2026-02-01 首次报告" in closing


@pytest.mark.parametrize(
    ("language", "said", "shown"),
    [
        # a sentence that denies a listed risk goes; the others stay
        (
            "en",
            "FP8 landed. Nothing to watch.",
            "FP8 landed. Still open: Slow decode in a/b, first told 2026-02-01.",
        ),
        (
            "en",
            "There are no known issues.",
            "Still open: Slow decode in a/b, first told 2026-02-01.",
        ),
        # true sentences about risks stay
        ("en", "The fix does not change the API; slow decode (2026-02-01) is open.", None),
        ("en", "No new regression; slow decode, first told 2026-02-01, is still open.", None),
        ("zh", "仍未解决的风险：解码变慢（2026-02-01 首次报告）。", None),
        ("zh", "未来需要关注解码变慢（2026-02-01 首次报告）。", None),
        (
            "zh",
            "本时段没有新的回归。",
            "本时段没有新的回归。仍未解决：a/b 的 Slow decode，2026-02-01 首次报告。",
        ),
        ("zh", "本时段没有报告回归。", "仍未解决：a/b 的 Slow decode，2026-02-01 首次报告。"),
    ],
)
def test_a_closing_line_is_held_to_the_risks_still_open(language, said, shown):
    from digest.locales import locale
    from digest.summarize.closing import held_to_risks

    risk = Followup(
        repo="a/b", kind="issue", number=45, title="Slow decode", url="https://github.com/a/b/issues/45",
        first_told=dt.date(2026, 2, 1), risk=True,
    )  # fmt: skip
    day = dt.date(2026, 2, 5)  # a daily: the risk was told before its window
    assert held_to_risks(said, language, locale(language), [], [risk], day) == (shown or said)


@pytest.mark.parametrize(
    ("language", "said", "shown"),
    [
        (
            "en",
            "A busy week. No regression was reported.",
            "A busy week. 1 risk was reported in this period: Slow decode in a/b.",
        ),
        (
            "en",
            "No new regression this week.",
            "1 risk was reported in this period: Slow decode in a/b.",
        ),
        ("zh", "本周没有报告回归。", "本期报告了 1 个风险：a/b 的 Slow decode。"),
        ("en", "Slow decode was reported and fixed.", None),
    ],
)
def test_a_week_s_closing_line_is_held_to_the_risks_its_dailies_told(language, said, shown):
    """Told on Tuesday of the week, resolved on Thursday: the week's closing may not say
    that nothing (or nothing new) was reported."""
    from digest.locales import locale
    from digest.summarize.closing import held_to_risks

    risk = Followup(
        repo="a/b", kind="issue", number=45, title="Slow decode", url="https://github.com/a/b/issues/45",
        first_told=dt.date(2026, 2, 3), risk=True, state="closed",
    )  # fmt: skip
    monday = dt.date(2026, 2, 2)
    assert held_to_risks(said, language, locale(language), [], [risk], monday) == (shown or said)


def test_a_risk_github_no_longer_has_is_told_gone_once_and_followed_no_more(github, tmp_path):
    """A regression told on the 1st, then deleted: the 2nd says it is no longer on GitHub
    (not "open for 1 day", linking a page that is gone); later days neither list it nor ask."""
    out = tmp_path / "out"
    repo = github.add(FakeRepo(REPO))
    risk = FakeIssue(
        45, "Regression: decode 2x slower on H100", at(f"{day_of(1)} 10:00"), labels=["bug"]
    )
    repo.issues.append(risk)
    assert risk_line(run_day(github, out, day_of(1)), f"{WEB}/issues/45") is not None
    repo.issues.remove(risk)

    second = run_day(github, out, day_of(2), "--follow-days", "3")
    line = risk_line(second, f"{WEB}/issues/45")
    assert line is not None
    assert line.text.startswith(f"{REPO}: Regression: decode 2x slower on H100, no longer on")
    assert "first told 2026-02-01" in line.text and "open for" not in line.text
    for n in (3, 4, 5):
        later = run_day(github, out, day_of(n), "--follow-days", "3")
        assert risk_line(later, f"{WEB}/issues/45") is None, n
        assert later.followed_requests == [], n


def test_a_week_names_a_risk_as_its_last_daily_did(github, tmp_path):
    """Told on Monday as "decode slower", renamed on GitHub on Tuesday: the week names it as
    its dailies last did."""
    out = tmp_path / "out"
    repo = github.add(FakeRepo(REPO))
    risk = FakeIssue(45, "Regression: decode slower", at("2026-02-02 10:00"), labels=["bug"])
    repo.issues.append(risk)
    run_day(github, out, "2026-02-02")
    risk.title = "Regression: decode 2x slower on H100 with FP8 (root-caused)"
    for day in range(3, 9):
        run_day(github, out, f"2026-02-0{day}")
    argv = ["run", "--repos", REPO, "--period", "week", "--date", "2026-02-08"]
    assert main([*argv, "--output-dir", str(out)]) == 0
    week = Report((out / "reports/weekly/2026-W06.md").read_text(encoding="utf-8"), {}, [])
    line = risk_line(week, f"{WEB}/issues/45")
    assert line is not None and "root-caused" in line.text


def test_a_repository_not_read_one_day_keeps_its_risks_open(github, tmp_path):
    """The token cannot read sglang on the 2nd (made private, access lost): its told risk is
    not asked about (GitHub would answer NOT_FOUND for an issue that still exists), so it is
    not called gone; readable again on the 3rd, the risk is still followed and open."""
    other = "flashinfer-ai/flashinfer"
    out = tmp_path / "out"
    repo = github.add(FakeRepo(REPO))
    github.add(FakeRepo(other))
    risk = FakeIssue(
        45, "Regression: decode 2x slower on H100", at(f"{day_of(1)} 10:00"), labels=["bug"]
    )
    repo.issues.append(risk)
    both = f"{REPO},{other}"
    run_day(github, out, day_of(1), repos=both)
    del github.repos[REPO.lower()]
    second = run_day(github, out, day_of(2), "--follow-days", "3", repos=both)
    line = risk_line(second, f"{WEB}/issues/45")
    assert line is None or "no longer on GitHub" not in line.text
    github.add(repo)
    third = run_day(github, out, day_of(3), "--follow-days", "3", repos=both)
    line = risk_line(third, f"{WEB}/issues/45")
    assert line is not None and "first told 2026-02-01, open for 2 days" in line.text
