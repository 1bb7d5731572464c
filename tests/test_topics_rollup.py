"""A week's topics from its dailies: each item once with every day's events, so the week's
counts are the sum of its days'; a day written under other topics is matched again from
its activity, with no request."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_rollups import collection_requests, daily, days_of, rollup, two_weeks_of

TOPICS = [
    "--topics",
    "Attention: attention, paged\nRegressions: regression, crash\nRouter: router\n"
    "Speculative: speculative decoding",
]
WEEK = days_of("2026-02-02", "2026-02-08")
# An item's event, as `counts` names it -> the count it adds to (TopicCounts).
COUNTED = {
    "pr merged": "merged_pulls",
    "pr opened": "opened_pulls",
    "commit pushed": "commits",
    "issue opened": "opened_issues",
    "issue closed": "closed_issues",
    "release published": "releases",
}


def topics_of(path: Path) -> dict[str, dict]:
    return {t["topic"]["name"]: t for t in json.loads(path.read_text())["topics"]}


def counts(topic: dict) -> dict[str, int]:
    """A topic's counts as the sidecar's items give them: each event of each item."""
    found: dict[str, int] = {}
    for item in topic["items"]:
        for event in item["events"]:
            key = f"{item['ref'].split(':')[0]} {event}"
            found[key] = found.get(key, 0) + 1
    return found


def test_a_weeks_topic_counts_are_the_sum_of_its_dailies(github, tmp_path):
    world = two_weeks_of(github)
    out = tmp_path / "out"
    out.mkdir()
    for date in WEEK:
        daily(world, out, date, "--backfill", "0", *TOPICS)
    before = collection_requests(github)

    code, _ = rollup(out, "week", "2026-02-09", *TOPICS)

    assert code == 0
    assert collection_requests(github) == before  # from the archive alone
    week = topics_of(out / "reports/weekly/2026-W06.json")
    days = [topics_of(out / f"reports/{d}.json") for d in WEEK]
    for name, topic in week.items():
        summed: dict[str, int] = {}
        for day in days:
            for key, n in counts(day[name]).items():
                summed[key] = summed.get(key, 0) + n
        assert counts(topic) == summed, name
        # each item of every day once, where it first appeared
        refs = [f"{i['repo']}#{i['ref']}" for day in days for i in day[name]["items"]]
        assert [f"{i['repo']}#{i['ref']}" for i in topic["items"]] == list(dict.fromkeys(refs))
    # #100 "Paged attention v3": opened Monday (Monday's daily), merged Wednesday's: one item
    (paged,) = week["Attention"]["items"]
    assert (paged["ref"], paged["events"]) == ("pr:100", ["opened", "merged"])
    assert counts(week["Attention"]) == {"pr opened": 1, "pr merged": 1}
    # #200 "Regression in throughput", opened Tuesday, closed Thursday; #20 "Crash on
    # startup", from the week before, closed Friday
    assert [(i["ref"], i["events"]) for i in week["Regressions"]["items"]] == [
        ("issue:200", ["opened", "closed"]),
        ("issue:20", ["closed"]),
    ]
    assert counts(week["Router"]) == {"pr opened": 7, "pr merged": 7}  # one a day
    assert [i["ref"] for i in week["Speculative"]["items"]] == ["pr:103"]  # opened Friday


def test_a_day_written_before_a_topic_is_matched_again_from_its_activity(github, tmp_path):
    world = two_weeks_of(github)
    out = tmp_path / "out"
    out.mkdir()
    for date in WEEK:
        extra = [] if date == "2026-02-04" else TOPICS  # Wednesday's daily: no topics yet
        daily(world, out, date, "--backfill", "0", *extra)
    assert "topics" not in json.loads((out / "reports/2026-02-04.json").read_text())
    before = collection_requests(github)

    assert rollup(out, "week", "2026-02-09", *TOPICS)[0] == 0

    assert collection_requests(github) == before
    week = topics_of(out / "reports/weekly/2026-W06.json")
    (paged,) = week["Attention"]["items"]
    assert paged["events"] == ["opened", "merged"]  # the merge, from Wednesday's activity


def test_a_week_holds_its_topics_counts_of_the_week_before(github, tmp_path):
    """The week before, 2026-W05, from its dailies: each topic's counts are the sum of each
    W05 daily's items' events."""
    world = two_weeks_of(github)
    out = tmp_path / "out"
    out.mkdir()
    for date in days_of("2026-01-26", "2026-02-08"):
        daily(world, out, date, "--backfill", "0", *TOPICS)

    assert rollup(out, "week", "2026-02-09", *TOPICS)[0] == 0

    sidecar = json.loads((out / "reports/weekly/2026-W06.json").read_text())
    before = sidecar["rollup"]["previous_topics"]
    for name in ("Attention", "Regressions", "Router", "Speculative"):
        summed: dict[str, int] = {}
        for date in days_of("2026-01-26", "2026-02-01"):
            for key, n in counts(topics_of(out / f"reports/{date}.json")[name]).items():
                summed[key] = summed.get(key, 0) + n
        shown = {k: v for k, v in before[name].items() if v}
        assert shown == {COUNTED[k]: n for k, n in summed.items()}, name
    # W05: #20 "Crash on startup" opened; seven router changes opened and merged
    assert {k: v for k, v in before["Regressions"].items() if v} == {"opened_issues": 1}
    assert {k: v for k, v in before["Router"].items() if v} == {
        "merged_pulls": 7,
        "opened_pulls": 7,
    }
    assert before["Attention"] == before["Speculative"] == dict.fromkeys(before["Router"], 0)


def test_a_week_without_topics_keeps_no_topic_figures(github, tmp_path):
    world = two_weeks_of(github)
    out = tmp_path / "out"
    out.mkdir()
    for date in WEEK:
        daily(world, out, date, "--backfill", "0")
    assert rollup(out, "week", "2026-02-09")[0] == 0
    sidecar = json.loads((out / "reports/weekly/2026-W06.json").read_text())
    assert "topics" not in sidecar and "previous_topics" not in sidecar["rollup"]
