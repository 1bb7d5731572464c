"""Weekly and monthly reports built from the dailies `digest run` wrote, day by day, on a
local GitHub: no collection request when every day has its daily, a missing day collected
alone, the record the union of the days, trends against the previous period."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from digest import calendar
from digest.archive.history import History
from digest.archive.local import DirectoryArchive
from digest.cli import main
from digest.models import Layout
from tests.conftest import (
    local_github,
    main_with_outputs,
    module_environment,
    requested_repositories,
)
from tests.fakegithub.builders import at, direct_push, merged_pr
from tests.fakegithub.server import FakeFile, FakeGitHub, FakeIssue, FakeRelease, FakeRepo
from tests.readers import github_html, parse_html, seen

VLLM, SGLANG = "vllm-project/vllm", "sgl-project/sglang"
REPOS = [VLLM, SGLANG]
FI = "flashinfer-ai/flashinfer"
DATA = Path(__file__).parent / "data" / "sidecars"


# -- a local GitHub that is read each morning, knowing only what happened by then ------------


@dataclass
class World:
    """Everything that happens, and the fake repositories showing it as of a moment."""

    github: FakeGitHub
    truth: dict[str, FakeRepo] = field(default_factory=dict)

    def add(self, name: str) -> FakeRepo:
        self.truth[name] = FakeRepo(name, description=f"{name} upstream")
        self.github.add(FakeRepo(name, description=f"{name} upstream"))
        return self.truth[name]

    def as_of(self, moment: dt.datetime) -> None:
        """Each repository as GitHub shows it at `moment`: later events not yet happened."""
        for name, truth in self.truth.items():
            shown = self.github.repos[name.lower()]
            shown.commits = [c for c in truth.commits if c.committed_at < moment]
            shown.pulls = [
                replace(
                    p,
                    merged_at=_before(p.merged_at, moment),
                    closed_at=_before(p.closed_at, moment),
                    merge_commit_sha=p.merge_commit_sha if _before(p.merged_at, moment) else None,
                )
                for p in truth.pulls
                if p.created_at < moment
            ]
            shown.issues = [
                replace(i, closed_at=_before(i.closed_at, moment))
                for i in truth.issues
                if i.created_at < moment
            ]
            shown.releases = [r for r in truth.releases if r.published_at < moment]


def _before(moment: dt.datetime | None, now: dt.datetime) -> dt.datetime | None:
    return moment if moment is not None and moment < now else None


def opened_then_merged(repo: FakeRepo, number: int, title: str, opened: str, merged: str) -> None:
    merged_pr(repo, number, title, at(merged), opened=at(opened))


def two_weeks_of(github: FakeGitHub) -> World:
    """Two weeks: 2026-W05 (Jan 26 – Feb 1) and 2026-W06 (Feb 2 – 8).

    vllm, W05: #10 (24 h to merge), #11 (48 h), issue #20 opened, release v0.9.0.
    vllm, W06: #100 opened Monday, merged Wednesday (48 h); #101 (12 h); #102 opened in W05,
    merged Thursday (120 h); #103 opened Friday, open; issue #200 opened Tuesday and closed
    Thursday; #20 (from W05) closed Friday; #201 opened Saturday; v1.0.0 and v1.0.1; a push.
    sglang: one pull request merged each day of both weeks, 6 h after it was opened.
    """
    w = World(github)
    vllm, sglang = w.add(VLLM), w.add(SGLANG)
    opened_then_merged(vllm, 10, "Add FP8 KV cache", "2026-01-26 09:00", "2026-01-27 09:00")
    opened_then_merged(vllm, 11, "Speed up sampler", "2026-01-27 00:00", "2026-01-29 00:00")
    vllm.issues.append(FakeIssue(20, "Crash on startup", at("2026-01-28 10:00")))
    vllm.issues[-1].closed_at = at("2026-02-06 10:00")
    vllm.releases.append(FakeRelease("v0.9.0", at("2026-01-30 12:00"), name="v0.9.0"))
    opened_then_merged(vllm, 100, "Paged attention v3", "2026-02-02 09:00", "2026-02-04 09:00")
    opened_then_merged(vllm, 101, "Fix tokenizer leak", "2026-02-03 10:00", "2026-02-03 22:00")
    opened_then_merged(vllm, 102, "Refactor scheduler", "2026-01-31 12:00", "2026-02-05 12:00")
    vllm.pulls.append(
        replace(copy.deepcopy(vllm.pulls[-1]), number=103, title="Draft: speculative decoding")
    )
    vllm.pulls[-1].created_at = at("2026-02-06 09:00")
    vllm.pulls[-1].merged_at = vllm.pulls[-1].closed_at = vllm.pulls[-1].merge_commit_sha = None
    vllm.issues.append(FakeIssue(200, "Regression in throughput", at("2026-02-03 08:00")))
    vllm.issues[-1].closed_at = at("2026-02-05 08:00")
    vllm.issues.append(FakeIssue(201, "Docs typo", at("2026-02-07 08:00")))
    vllm.releases.append(FakeRelease("v1.0.0", at("2026-02-06 12:00"), name="v1.0.0"))
    vllm.releases.append(FakeRelease("v1.0.1", at("2026-02-08 12:00"), name="v1.0.1"))
    direct_push(vllm, "Update README", at("2026-02-07 15:00"))
    for day in range(14):
        merged = dt.datetime(2026, 1, 26, 18, tzinfo=dt.UTC) + dt.timedelta(days=day)
        opened = (merged - dt.timedelta(hours=6)).strftime("%Y-%m-%d %H:%M")
        opened_then_merged(
            sglang, 300 + day, f"Router change {day}", opened, merged.strftime("%Y-%m-%d %H:%M")
        )
    return w


@pytest.fixture
def world(github) -> World:
    return two_weeks_of(github)


def daily(world: World, out: Path, date: str, *extra: str) -> None:
    """`digest run` for `date` the next morning, as a scheduled workflow runs it."""
    world.as_of(at(date + " 00:00") + dt.timedelta(days=1, hours=6))
    argv = ["run", "--repos", ",".join(REPOS), "--date", date, "--publish", "none"]
    code, _ = main_with_outputs([*argv, "--output-dir", str(out), *extra], out)
    assert code == 0


def rollup(out: Path, period: str, date: str, *extra: str) -> tuple[int, dict[str, str]]:
    argv = ["run", "--repos", ",".join(REPOS), "--period", period, "--date", date]
    return main_with_outputs([*argv, "--publish", "none", "--output-dir", str(out), *extra], out)


def days_of(first: str, last: str) -> list[str]:
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return [(start + dt.timedelta(days=k)).isoformat() for k in range((end - start).days + 1)]


@pytest.fixture(scope="module")
def two_weeks_written(tmp_path_factory) -> Path:
    """The dailies of both weeks, each written the morning after its day: once for the
    module, on a local GitHub of its own (nothing written names it); see `two_weeks`."""
    out = tmp_path_factory.mktemp("two-weeks")
    with module_environment() as monkeypatch, local_github(monkeypatch) as github:
        world = two_weeks_of(github)
        for date in days_of("2026-01-26", "2026-02-08"):
            daily(world, out, date, "--backfill", "0")
    return out


@pytest.fixture
def two_weeks(two_weeks_written, world, tmp_path) -> Path:
    """A copy of the two weeks' dailies, and the world as it is the Monday after: the test's
    own local GitHub, which has answered nothing yet."""
    out = tmp_path / "out"
    shutil.copytree(two_weeks_written, out)
    world.as_of(at("2026-02-09 06:00"))
    return out


def collection_requests(github: FakeGitHub) -> int:
    """GraphQL queries (collection) and REST commit reads: what collecting costs."""
    rest = [r for m, r in github.requests if "/commits/" in r and "/git/" not in r]
    return len(github.graphql_bodies) + len(rest)


def text_of(markdown: str) -> str:
    return seen(github_html(markdown))


def section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


# -- a week ------------------------------------------------------------------------------------


def test_a_week_from_its_dailies_asks_github_for_nothing(two_weeks, world):
    code, outputs = rollup(two_weeks, "week", "2026-02-09")

    assert code == 0
    assert collection_requests(world.github) == 0
    assert requested_repositories(world.github) == []
    assert outputs["report-path"] == "reports/weekly/2026-W06.md"
    page = (two_weeks / "reports/weekly/2026-W06.md").read_text()
    text = text_of(page)
    assert text.startswith("Weekly digest — 2026-W06 (Feb 2–8)")
    assert "Activity from 2026-02-02 to 2026-02-08 (UTC)" in text
    assert "Built from the daily reports in the archive." in text
    assert "Collected from GitHub" not in text
    # the dailies are untouched
    assert not (two_weeks / "reports/2026-02-09.md").exists()


def test_the_record_is_the_union_of_the_days_each_item_once(two_weeks, world):
    rollup(two_weeks, "week", "2026-02-08")
    sidecar = json.loads((two_weeks / "reports/weekly/2026-W06.json").read_text())
    dailies = [
        json.loads((two_weeks / f"reports/{d}.json").read_text())
        for d in days_of("2026-02-02", "2026-02-08")
    ]

    def refs(activity: dict, repo: str) -> dict[str, set]:
        (found,) = [r for r in activity["repos"] if r["repo"] == repo]
        return {
            "commits": {c["sha"] for c in found["commits"]},
            "pulls": {p["number"] for p in found["pulls"]},
            "issues": {i["number"] for i in found["issues"]},
            "releases": {r["tag"] for r in found["releases"]},
        }

    for repo in REPOS:
        union = {
            k: set().union(*(refs(d["activity"], repo)[k] for d in dailies))
            for k in refs(dailies[0]["activity"], repo)
        }
        assert refs(sidecar["activity"], repo) == union
    # Monday's daily told #100 opened, Wednesday's merged: one item with both facts
    (vllm,) = [r for r in sidecar["activity"]["repos"] if r["repo"] == VLLM]
    pull = next(p for p in vllm["pulls"] if p["number"] == 100)
    assert pull["opened_in_window"] and pull["merged_in_window"] and pull["state"] == "merged"
    issue = next(i for i in vllm["issues"] if i["number"] == 200)
    assert issue["opened_in_window"] and issue["closed_in_window"]

    page = (two_weeks / "reports/weekly/2026-W06.md").read_text()
    html = github_html(page)
    record = section(seen(html), "Everything in this window", SGLANG)
    assert record.count("#100") == 1  # one line in the record
    assert "Merged pull requests #100 Paged attention v3 · by ada" in record
    assert "New pull requests #103 Draft: speculative decoding" in record
    assert "#200 Regression in throughput · by grace · closed in this window" in record
    assert "Closed issues #20 Crash on startup" in record
    assert "Releases v1.0.0" in record and "v1.0.1" in record
    assert (
        "Everything in this window: 4 commits, 3 merged pull requests, 1 new pull request, "
        "2 new issues, 2 closed issues, 2 releases." in record
    )


def test_trends_against_the_previous_week_from_its_dailies(two_weeks):
    rollup(two_weeks, "week", "2026-02-08")
    text = text_of((two_weeks / "reports/weekly/2026-W06.md").read_text())
    # vllm: 3 merged (48 h, 12 h, 120 h: median 2.0 d) against 2 (24 h, 48 h: 1.5 d);
    # new issues #200, #201 against #20; closed #200, #20 against none; 2 releases against 1
    assert (
        "Against 2026-W05 (Jan 26 – Feb 1): 3 merged pull requests (+1), 2 new issues (+1), "
        "2 closed issues (+2), 2 releases (+1), median time to merge 2.0 d (+0.5 d)."
    ) in text
    # sglang: 7 merged each week, 6 h each
    assert (
        "Against 2026-W05 (Jan 26 – Feb 1): 7 merged pull requests (±0), 0 new issues (±0), "
        "0 closed issues (±0), 0 releases (±0), median time to merge 0.2 d (±0.0 d)."
    ) in text
    sidecar = json.loads((two_weeks / "reports/weekly/2026-W06.json").read_text())
    trend = sidecar["rollup"]["trends"][0]
    assert trend["figures"]["median_merge_hours"] == 48.0
    assert trend["previous"]["median_merge_hours"] == 36.0


def test_trends_read_the_previous_weeks_rollup_when_its_dailies_are_gone(two_weeks):
    rollup(two_weeks, "week", "2026-02-01")
    for date in days_of("2026-01-26", "2026-02-01"):
        for ext in ("md", "json"):
            (two_weeks / f"reports/{date}.{ext}").unlink()
    rollup(two_weeks, "week", "2026-02-08")
    text = text_of((two_weeks / "reports/weekly/2026-W06.md").read_text())
    assert "Against 2026-W05 (Jan 26 – Feb 1): 3 merged pull requests (+1)" in text
    (two_weeks / "reports/weekly/2026-W05.json").unlink()
    rollup(two_weeks, "week", "2026-02-08")
    text = text_of((two_weeks / "reports/weekly/2026-W06.md").read_text())
    assert "Against" not in text and "nothing earlier in the archive" in text


def test_the_first_week_has_no_trend_to_compare(two_weeks):
    rollup(two_weeks, "week", "2026-02-01")
    text = text_of((two_weeks / "reports/weekly/2026-W05.md").read_text())
    assert (
        "2 merged pull requests, 1 new issue, 0 closed issues, 1 release, median time to "
        "merge 1.5 d (nothing earlier in the archive to compare with)." in text
    )
    assert "Against" not in text


def test_a_missing_day_is_collected_alone_and_the_report_says_so(two_weeks, world):
    for ext in ("md", "json"):
        (two_weeks / f"reports/2026-02-04.{ext}").unlink()

    code, _ = rollup(two_weeks, "week", "2026-02-08")

    assert code == 0
    assert world.github.graphql_bodies
    windows = {b["variables"].get("since", "")[:10] for b in world.github.graphql_bodies}
    assert windows <= {"2026-02-04", ""}
    assert sorted(set(requested_repositories(world.github))) == sorted(REPOS)
    text = text_of((two_weeks / "reports/weekly/2026-W06.md").read_text())
    assert (
        "Collected from GitHub for this report, having no usable daily report: 2026-02-04."
    ) in text
    assert "Built from the daily reports in the archive." in text
    # Wednesday's merge is in the record, once, from the collected day
    sidecar = json.loads((two_weeks / "reports/weekly/2026-W06.json").read_text())
    assert sidecar["rollup"]["collected"] == ["2026-02-04"]
    (vllm,) = [r for r in sidecar["activity"]["repos"] if r["repo"] == VLLM]
    assert [p["number"] for p in vllm["pulls"]].count(100) == 1
    assert next(p for p in vllm["pulls"] if p["number"] == 100)["merged_in_window"]
    # the daily is not written back: a rollup writes its own files only
    assert not (two_weeks / "reports/2026-02-04.md").exists()


def test_an_incomplete_day_collects_only_the_repository_that_failed(two_weeks, world):
    path = two_weeks / "reports/2026-02-05.json"
    sidecar = json.loads(path.read_text())
    sidecar["incomplete"] = [SGLANG]
    path.write_text(json.dumps(sidecar, indent=2) + "\n")

    rollup(two_weeks, "week", "2026-02-08")

    assert requested_repositories(world.github) == [SGLANG]
    assert {b["variables"]["since"][:10] for b in world.github.graphql_bodies} == {"2026-02-05"}


# -- a month, the index, the feed --------------------------------------------------------------


@pytest.fixture
def february(world, tmp_path) -> Path:
    """Dailies for every day of January 26 to March 1: the first written on its morning,
    the rest by one run on March 2 that backfills the 34 days between."""
    out = tmp_path / "out"
    out.mkdir()
    daily(world, out, "2026-01-26")
    daily(world, out, "2026-03-01", "--backfill", "34")
    assert len(list((out / "reports").glob("2026-*.json"))) == 35
    world.github.graphql_bodies.clear()
    world.github.requests.clear()
    return out


def test_a_month_from_its_dailies_in_english_and_chinese(february, world):
    code, outputs = rollup(february, "month", "2026-03-01")
    assert code == 0 and collection_requests(world.github) == 0
    assert outputs["report-path"] == "reports/monthly/2026-02.md"
    text = text_of((february / "reports/monthly/2026-02.md").read_text())
    assert text.startswith("Monthly digest — February 2026")
    assert "Activity from 2026-02-01 to 2026-02-28 (UTC)" in text
    # January lacks days 1-25: no trend rather than a wrong one
    assert "nothing earlier in the archive to compare with" in text
    # vllm in February: #100, #101, #102 merged; sglang: Feb 1 to 8, one a day
    assert "3 merged pull requests" in text and "8 merged pull requests" in text

    code, outputs = rollup(february, "month", "2026-03-01", "--language", "zh")
    assert code == 0 and collection_requests(world.github) == 0
    text = text_of((february / "reports/monthly/2026-02.md").read_text())
    assert text.startswith("每月动态 — 2026 年 2 月")
    assert "由存档中的每日报告汇总而成。" in text


def test_weekly_heading_in_chinese(two_weeks):
    rollup(two_weeks, "week", "2026-02-08", "--language", "zh")
    text = text_of((two_weeks / "reports/weekly/2026-W06.md").read_text())
    assert text.startswith("每周动态 — 2026-W06（2月2日–8日）")
    assert "与 2026-W05（1月26日–2月1日） 相比：3 个已合并 PR（+1）" in text


def test_the_index_and_the_feed_have_a_place_for_rollups(two_weeks, world):
    rollup(two_weeks, "week", "2026-02-01")
    rollup(two_weeks, "week", "2026-02-08")
    daily(world, two_weeks, "2026-02-09", "--backfill", "0")

    index = text_of((two_weeks / "README.md").read_text())
    weekly = section(index, "Weekly reports", "All reports")
    assert weekly == "Weekly reports 2026-W06 (Feb 2–8) 2026-W05 (Jan 26 – Feb 1) "
    links = parse_html(github_html((two_weeks / "README.md").read_text())).links
    assert ("2026-W06 (Feb 2–8)", "reports/weekly/2026-W06.md") in links
    assert ("2026-02-09", "reports/2026-02-09.md") in links
    # the daily run embeds its own report again, and keeps the weekly list
    assert "Daily digest — 2026-02-09" in index

    feed = (two_weeks / "reports/feed.xml").read_text()
    ids = [line.strip()[4:-5] for line in feed.splitlines() if line.strip().startswith("<id>")]
    assert ids[1:4] == [
        "tag:localhost,2026:reports/2026-02-09",
        "tag:localhost,2026:reports/weekly/2026-W06",
        "tag:localhost,2026:reports/2026-02-08",
    ]
    assert "<title>Weekly digest — 2026-W06 (Feb 2–8)</title>" in feed


def test_a_rollup_rerun_with_nothing_new_writes_nothing(two_weeks, world):
    rollup(two_weeks, "week", "2026-02-08")
    before = {p: p.read_bytes() for p in two_weeks.rglob("*") if p.is_file()}
    code, _ = rollup(two_weeks, "week", "2026-02-08")
    after = {p: p.read_bytes() for p in two_weeks.rglob("*") if p.is_file()}
    assert code == 0
    assert {p: b for p, b in after.items() if "outputs-" not in p.name} == {
        p: b for p, b in before.items() if "outputs-" not in p.name
    }


def test_history_lists_and_reads_rollups(two_weeks):
    rollup(two_weeks, "week", "2026-02-08")
    rollup(two_weeks, "month", "2026-03-01")  # February: most days have no daily
    history = History(DirectoryArchive(two_weeks))
    layout = Layout(reports_dir="reports", index_file="README.md")
    assert history.spans(layout, "week") == {calendar.of("week", dt.date(2026, 2, 2))}
    assert history.spans(layout, "month") == {calendar.of("month", dt.date(2026, 2, 1))}
    week = history.digest(layout, calendar.of("week", dt.date(2026, 2, 8)))
    assert week is not None and week.rollup is not None
    assert week.rollup.span.label == "2026-W06"
    assert history.spans(layout, "day") >= {calendar.of("day", dt.date(2026, 2, 8))}


# -- older archives ----------------------------------------------------------------------------


def test_dailies_written_by_earlier_releases_are_rolled_up(github, tmp_path):
    """Release 1's sidecar for 2026-02-26 and release 2's for 2026-02-27, in one folder:
    both read as history, only the other five days of 2026-W09 collected."""
    for name in ("NVIDIA/cutlass", "deepseek-ai/DeepGEMM"):
        github.add(FakeRepo(name))
    reports = tmp_path / "out" / "reports"
    reports.mkdir(parents=True)
    shutil.copy(DATA / "r1-c71fe01/builtin-2026-02-26.json", reports / "2026-02-26.json")
    shutil.copy(DATA / "r2-380cafe/builtin-2026-02-27.json", reports / "2026-02-27.json")
    old = [json.loads((reports / f"2026-02-2{d}.json").read_text()) for d in (6, 7)]
    told = {
        (r["repo"], p["number"])
        for sidecar in old
        for r in sidecar["activity"]["repos"]
        for p in r["pulls"]
        if p.get("merged_at")
    }
    assert told

    argv = ["run", "--repos", "NVIDIA/cutlass,deepseek-ai/DeepGEMM", "--period", "week"]
    argv += ["--date", "2026-03-01", "--publish", "none", "--output-dir", str(tmp_path / "out")]
    code, _ = main_with_outputs(argv, tmp_path)

    assert code == 0
    since = {b["variables"]["since"][:10] for b in github.graphql_bodies}
    assert since == {"2026-02-23", "2026-02-24", "2026-02-25", "2026-02-28", "2026-03-01"}
    sidecar = json.loads((reports / "weekly/2026-W09.json").read_text())
    merged = {
        (r["repo"], p["number"])
        for r in sidecar["activity"]["repos"]
        for p in r["pulls"]
        if p["merged_in_window"]
    }
    assert told <= merged
    text = text_of((reports / "weekly/2026-W09.md").read_text())
    assert "2026-02-23, 2026-02-24, 2026-02-25, 2026-02-28, 2026-03-01" in text


def test_period_per_digest_in_a_configuration_file(two_weeks, world):
    (two_weeks / "digest.yml").write_text(
        "digests:\n"
        f"  - repos: [{VLLM}, {SGLANG}]\n"
        "    period: week\n"
        "    language: zh\n"
        "    title: 推理框架周报\n"
    )
    argv = ["run", "--config", str(two_weeks / "digest.yml"), "--date", "2026-02-08"]
    code, outputs = main_with_outputs(
        [*argv, "--publish", "none", "--output-dir", str(two_weeks)], two_weeks
    )
    assert code == 0 and collection_requests(world.github) == 0
    assert outputs["report-path"] == "reports/weekly/2026-W06.md"
    text = text_of((two_weeks / "reports/weekly/2026-W06.md").read_text())
    assert text.startswith("推理框架周报 — 2026-W06（2月2日–8日）")


def test_a_week_published_to_a_repository_reads_its_dailies_there(world, target, tmp_path):
    def publish(*argv: str) -> tuple[int, dict[str, str]]:
        common = ["run", "--repos", ",".join(REPOS), "--publish", "commit"]
        common += ["--target-repo", "me/digests", "--output-dir", str(tmp_path / "out")]
        return main_with_outputs([*common, *argv], tmp_path)

    world.as_of(at("2026-02-03 06:00"))
    assert publish("--date", "2026-02-02")[0] == 0
    world.as_of(at("2026-02-09 06:00"))
    assert publish("--date", "2026-02-08", "--backfill", "6")[0] == 0
    world.github.graphql_bodies.clear()
    world.github.requests.clear()

    code, outputs = publish("--period", "week", "--date", "2026-02-09")

    assert code == 0 and collection_requests(world.github) == 0
    assert outputs["report-path"] == "reports/weekly/2026-W06.md"
    assert outputs["report-url"].endswith("/me/digests/blob/main/reports/weekly/2026-W06.md")
    assert outputs["dates-written"] == ""
    files = target.files_at()
    assert "reports/weekly/2026-W06.json" in files
    assert target.log()[0].startswith("digest: report for 2026-W06")
    index = text_of(files["README.md"])
    assert "Weekly reports 2026-W06 (Feb 2–8)" in index


# -- the calendar ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "date", "label", "first", "last"),
    [
        ("week", "2026-02-04", "2026-W06", "2026-02-02", "2026-02-08"),
        ("week", "2026-01-01", "2026-W01", "2025-12-29", "2026-01-04"),  # ISO: Thursday's year
        ("week", "2027-01-01", "2026-W53", "2026-12-28", "2027-01-03"),
        ("month", "2028-02-10", "2028-02", "2028-02-01", "2028-02-29"),
        ("day", "2026-02-04", "2026-02-04", "2026-02-04", "2026-02-04"),
    ],
)
def test_periods_and_their_keys(period, date, label, first, last):
    span = calendar.of(period, dt.date.fromisoformat(date))
    assert (span.label, span.first.isoformat(), span.last.isoformat()) == (label, first, last)
    assert calendar.parse(period, label) == span
    assert calendar.previous(span).last == span.first - dt.timedelta(days=1)


def test_the_last_complete_period_and_its_window_in_a_time_zone():
    sunday, monday = dt.date(2026, 2, 8), dt.date(2026, 2, 9)
    assert calendar.last_complete("week", sunday).label == "2026-W06"
    assert calendar.last_complete("week", monday).label == "2026-W06"
    assert calendar.last_complete("week", sunday - dt.timedelta(days=1)).label == "2026-W05"
    assert calendar.last_complete("month", dt.date(2026, 3, 30)).label == "2026-02"
    assert calendar.last_complete("month", dt.date(2026, 3, 31)).label == "2026-03"
    window = calendar.window(calendar.of("month", dt.date(2026, 2, 1)), "Asia/Shanghai")
    assert window.since == dt.datetime(2026, 1, 31, 16, tzinfo=dt.UTC)
    assert window.until == dt.datetime(2026, 2, 28, 16, tzinfo=dt.UTC)
    assert window.days == 28
    # a week across the change to summer time is 167 hours long, as its readers live it
    week = calendar.window(calendar.of("week", dt.date(2026, 3, 2)), "America/New_York")
    assert week.until - week.since == dt.timedelta(hours=167)


@pytest.mark.parametrize(("period", "label"), [("week", "2026-W54"), ("month", "2026-13")])
def test_a_key_that_names_no_period_is_not_a_report(period, label):
    assert calendar.parse(period, label) is None
    layout = Layout(reports_dir="reports", index_file="README.md")
    assert layout.spans(period, [f"reports/{layout.folder(period)[8:]}/{label}.md"]) == set()


# -- risks in weeks and months -----------------------------------------------------------------

FLASHINFER = "flashinfer-ai/flashinfer"
FI_WEB = f"https://github.com/{FLASHINFER}"


def flashinfer_at_risk(github: FakeGitHub) -> World:
    """flashinfer, with `follow-days: 3`: a performance problem (#2496) reported on Jan 28
    and open all of February; a regression (#2510) reported Feb 3 and closed on Feb 5 by
    the merge of #2511; on Feb 10 a CI revert and a feature merged."""
    world = World(github)
    repo = world.add(FLASHINFER)
    slow = FakeIssue(2496, "mxfp4 quantization is 10x slower than nvfp4", at("2026-01-28 19:42"))
    slow.labels = ["performance"]
    regression = FakeIssue(2510, "Regression after recent merge", at("2026-02-03 08:00"))
    regression.closed_at = at("2026-02-05 12:00")
    repo.issues += [slow, regression]
    fix = merged_pr(repo, 2511, "fix: restore the fast path", at("2026-02-05 12:00"))
    fix.closes = [2510]
    ci = [FakeFile(".github/workflows/pr-test.yml", additions=20, deletions=3)]
    merged_pr(
        repo,
        2524,
        'Revert "ci: refactor PR tests to hide failed spot jobs from PR status…',
        at("2026-02-10 09:00"),
        files=ci,
    )
    merged_pr(repo, 2525, "feat: BF16 GEMM benchmarking support", at("2026-02-10 12:00"))
    return world


@pytest.fixture(scope="module")
def risky_written(tmp_path_factory) -> Path:
    """The dailies of `flashinfer_at_risk` from Jan 26 to Mar 1: the first on its morning,
    the rest by one run on Mar 2 that backfills the days between (each after the close of
    Feb 5). Written once for the module; see `risky`."""
    out = tmp_path_factory.mktemp("risky")
    days = ["--follow-days", "3"]
    run = ["run", "--repos", FLASHINFER, "--publish", "none", "--output-dir", str(out), *days]
    with module_environment() as monkeypatch, local_github(monkeypatch) as github:
        world = flashinfer_at_risk(github)
        world.as_of(at("2026-01-27 06:00"))
        assert main_with_outputs([*run, "--date", "2026-01-26"], out)[0] == 0
        world.as_of(at("2026-03-02 06:00"))
        assert main_with_outputs([*run, "--date", "2026-03-01", "--backfill", "34"], out)[0] == 0
    return out


@pytest.fixture
def risky(github, risky_written, tmp_path) -> tuple[World, Path]:
    """A copy of those dailies, and flashinfer as of March 2 on the test's own local GitHub,
    which has answered nothing yet."""
    world = flashinfer_at_risk(github)
    world.as_of(at("2026-03-02 06:00"))
    out = tmp_path / "out"
    shutil.copytree(risky_written, out)
    return world, out


def risks_of(page: Path) -> list[str]:
    """The lines under "Risks and what to watch", as GitHub shows them, each with its links."""
    html = github_html(page.read_text(encoding="utf-8"))
    if ">Risks and what to watch</h" not in html:
        return []
    body = html[html.index(">Risks and what to watch</h") :]
    body = body[: body.find("<h", 1)]
    return [
        seen(item) + " " + " ".join(href for _, href in parse_html(item).links)
        for item in (chunk.split("</li>")[0] for chunk in body.split("<li>")[1:])
    ]


def test_every_daily_tells_a_risk_open_all_month_with_its_first_date(risky):
    _, out = risky
    for date in days_of("2026-01-29", "2026-03-01"):
        (line,) = [r for r in risks_of(out / f"reports/{date}.md") if "issues/2496" in r]
        age = (dt.date.fromisoformat(date) - dt.date(2026, 1, 28)).days
        assert f"first told 2026-01-28, open for {age} day{'s' if age > 1 else ''} (" in line


def test_a_day_backfilled_after_a_close_tells_the_risk_open(risky):
    _, out = risky
    (line,) = [r for r in risks_of(out / "reports/2026-02-04.md") if "issues/2510" in r]
    assert "first told 2026-02-03, open for 1 day" in line
    (line,) = [r for r in risks_of(out / "reports/2026-02-05.md") if "issues/2510" in r]
    assert line.startswith("Resolved:") and f"{FI_WEB}/pull/2511" in line


def test_a_week_tells_the_risks_open_at_its_end_and_those_resolved_in_it(risky):
    world, out = risky
    code, _ = rollup_of(out, "week", "2026-02-09")
    assert code == 0 and collection_requests(world.github) == 0
    risks = risks_of(out / "reports/weekly/2026-W06.md")
    (still,) = [r for r in risks if "issues/2496" in r]
    assert "first told 2026-01-28, open for 11 days" in still
    (resolved,) = [r for r in risks if "issues/2510" in r]
    assert resolved.startswith("Resolved: flashinfer-ai/flashinfer: Regression after recent")
    assert "closed after 2 days, reported 2026-02-03" in resolved
    assert f"{FI_WEB}/pull/2511" in resolved
    assert len(risks) == 2  # the regression once, not again as the week's own

    rollup_of(out, "week", "2026-02-16")
    (still,) = risks_of(out / "reports/weekly/2026-W07.md")  # the CI revert is no risk
    assert "issues/2496" in still and "first told 2026-01-28, open for 18 days" in still
    closing = text_of((out / "reports/weekly/2026-W07.md").read_text()).split("In closing")[1]
    assert "No regression" not in closing
    assert "Still open: mxfp4 quantization is 10x slower than nvfp4 in" in closing


def test_a_month_tells_the_risks_open_at_its_end_and_the_site_home_lists_them(risky):
    world, out = risky
    code, _ = rollup_of(out, "month", "2026-03-01")
    assert code == 0 and collection_requests(world.github) == 0
    risks = risks_of(out / "reports/monthly/2026-02.md")
    open_all_month = "first told 2026-01-28, open for 31 days"
    assert [r for r in risks if "issues/2496" in r and open_all_month in r]
    assert [r for r in risks if "issues/2510" in r and r.startswith("Resolved:")]

    assert main_with_outputs(["site", "--output-dir", str(out)], out)[0] == 0
    home = (out / "_site/index.html").read_text(encoding="utf-8")
    section = home[home.index('id="risks"') : home.index("</section>", home.index('id="risks"'))]
    assert f"{FI_WEB}/issues/2496" in section and "told on 2026-01-28" in seen(section)
    assert "No risk is open." not in seen(section)


def rollup_of(out: Path, period: str, date: str) -> tuple[int, dict[str, str]]:
    argv = ["run", "--repos", FLASHINFER, "--period", period, "--date", date]
    argv += ["--follow-days", "3", "--publish", "none", "--output-dir", str(out)]
    return main_with_outputs(argv, out)


@pytest.mark.parametrize(
    ("opened", "closed", "said"),
    [
        # reported on the Tuesday, fixed on the Thursday
        ("2026-02-03 08:00", "2026-02-05 12:00", "1 risk was reported in this period"),
        # reported on the Wednesday, still open at the week's end
        ("2026-02-04 09:00", None, "1 risk was reported in this period"),
    ],
)
def test_a_week_s_closing_tells_the_risks_its_dailies_told(opened, closed, said, github, tmp_path):
    """The week lists a regression its dailies told: its closing line says a risk was
    reported in it, never that none (or none new) was."""
    world = World(github)
    repo = world.add(FI)
    regression = FakeIssue(2510, "Regression after recent merge", at(opened))
    regression.closed_at = at(closed) if closed else None
    repo.issues.append(regression)
    merged_pr(repo, 2520, "feat: A", at("2026-02-02 12:00"))
    out = tmp_path / "out"
    for day in days_of("2026-02-02", "2026-02-08"):
        world.as_of(at(f"{day} 00:00") + dt.timedelta(days=1, hours=6))
        argv = ["run", "--repos", FI, "--date", day, "--backfill", "0", "--publish", "none"]
        assert main([*argv, "--output-dir", str(out)]) == 0
    world.as_of(at("2026-02-09 06:00"))
    argv = ["run", "--repos", FI, "--period", "week", "--date", "2026-02-08", "--publish", "none"]
    assert main([*argv, "--output-dir", str(out)]) == 0

    text = text_of((out / "reports/weekly/2026-W06.md").read_text(encoding="utf-8"))
    assert any("2510" in line for line in risks_of(out / "reports/weekly/2026-W06.md"))
    assert f"{said}: Regression after recent merge in {FI}." in text
    assert "No regression" not in text and "No new regression" not in text


def test_a_week_run_without_a_title_keeps_the_feed_s(github, tmp_path):
    """Dailies titled "AI infra daily", then a week run without a title: the reports' feed
    and each topic's keep their title (the week's report has its own)."""
    import feedparser

    world = World(github)
    merged_pr(world.add(FI), 2520, "feat: A", at("2026-02-02 12:00"))
    out = tmp_path / "out"
    for day in days_of("2026-02-02", "2026-02-08"):
        world.as_of(at(f"{day} 00:00") + dt.timedelta(days=1, hours=6))
        argv = ["run", "--repos", FI, "--date", day, "--backfill", "0", "--publish", "none"]
        argv += ["--title", "AI infra daily", "--topics", "Features: feat"]
        assert main([*argv, "--output-dir", str(out)]) == 0
    world.as_of(at("2026-02-09 06:00"))
    argv = ["run", "--repos", FI, "--period", "week", "--date", "2026-02-08", "--publish", "none"]
    assert main([*argv, "--topics", "Features: feat", "--output-dir", str(out)]) == 0

    feed = feedparser.parse((out / "reports/feed.xml").read_bytes())
    assert feed.feed.title == "AI infra daily"
    assert any("2026-W06" in e.title for e in feed.entries)
    topic = feedparser.parse((out / "reports/topics/features.xml").read_bytes())
    assert topic.feed.title == "Features — AI infra daily"
    assert any("2026-W06" in e.title for e in topic.entries)


def test_an_archive_of_weeklies_alone_carries_a_risk_to_the_next_week(github, tmp_path):
    """No dailies at all: W06 tells a performance problem reported on Wednesday, still open;
    W07 lists it still open, first told in W06's report (its last day)."""
    world = World(github)
    repo = world.add(FI)
    slow = FakeIssue(2496, "mxfp4 quantization is 10x slower than nvfp4", at("2026-02-04 19:42"))
    slow.labels = ["performance"]
    repo.issues.append(slow)
    merged_pr(repo, 2525, "feat: BF16 GEMM", at("2026-02-10 12:00"))
    out = tmp_path / "out"
    argv = ["run", "--repos", FI, "--period", "week", "--publish", "none", "--output-dir", str(out)]
    world.as_of(at("2026-02-09 06:00"))
    assert main([*argv, "--date", "2026-02-08"]) == 0
    assert any("#2496" in line for line in risks_of(out / "reports/weekly/2026-W06.md"))
    world.as_of(at("2026-02-16 06:00"))
    assert main([*argv, "--date", "2026-02-15"]) == 0
    (line,) = [x for x in risks_of(out / "reports/weekly/2026-W07.md") if "#2496" in x]
    assert "first told 2026-02-08" in line
