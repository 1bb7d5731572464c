"""A week's topics from its dailies: each item once with every day's events, so the week's
counts are the sum of its days'; a day written under other topics is matched again from
its activity, with no request."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.readers import github_html, parse_html, seen
from tests.test_rollups import collection_requests, daily, days_of, rollup, two_weeks_of
from tests.test_topics_report import between, headings

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


# A count phrase of a trend line and its change: `7 merged pull requests (+2)`.
FIGURE = re.compile(r"(\d+) ([a-z ]+?) \(([+−±])(\d+)\)")
# The count phrases (en.toml's, singular and plural) -> TopicCounts' names.
PHRASES = {
    "merged pull request": "merged_pulls",
    "new pull request": "opened_pulls",
    "commit": "commits",
    "new issue": "opened_issues",
    "closed issue": "closed_issues",
    "release": "releases",
}


def summed(dates: list[str], out: Path, name: str) -> dict[str, int]:
    """A topic's counts over days, from each daily's sidecar: each event of each item."""
    found: dict[str, int] = {}
    for date in dates:
        for key, n in counts(topics_of(out / f"reports/{date}.json")[name]).items():
            found[COUNTED[key]] = found.get(COUNTED[key], 0) + n
    return found


def test_a_weeks_topics_section_tells_its_dailies_counts_against_the_week_before(github, tmp_path):
    """The week's report, as GitHub shows it: under each topic, a line of its counts, each
    the sum of its dailies', against the sum of the week before's; its items the union of
    its dailies' topic sections. A topic that matched nothing in the week, but did the week
    before, says what it had then."""
    world = two_weeks_of(github)
    out = tmp_path / "out"
    out.mkdir()
    topics = [TOPICS[0], TOPICS[1] + "\nKV cache: kv cache"]  # #10, W05 only
    for date in days_of("2026-01-26", "2026-02-08"):
        daily(world, out, date, "--backfill", "0", *topics)

    assert rollup(out, "week", "2026-02-09", *topics)[0] == 0

    page = github_html((out / "reports/weekly/2026-W06.md").read_text())
    part = between(page, "Topics", "Repositories")
    assert headings(part) == ["Topics", "Attention", "Regressions", "Router", "Speculative"]
    w05, w06 = days_of("2026-01-26", "2026-02-01"), WEEK
    for name in ("Attention", "Regressions", "Router", "Speculative"):
        topic = between(part, name)
        (trend,) = [p for p in paragraphs(topic) if p.startswith("Against 2026-W05")]
        shown = {
            PHRASES[phrase.removesuffix("s")]: (int(n), int(d) * (-1 if sign == "−" else 1))
            for n, phrase, sign, d in FIGURE.findall(trend)
        }
        now, before = summed(w06, out, name), summed(w05, out, name)
        expected = {
            key: (now.get(key, 0), now.get(key, 0) - before.get(key, 0)) for key in {*now, *before}
        }
        assert shown == expected, (name, trend)
        # every item its dailies' sections list, linked once
        days = [
            {url for _, url in parse_html(between(daily_page(out, d), name)).links}
            for d in w06
            if name in headings(daily_page(out, d))
        ]
        assert {url for _, url in parse_html(topic).links} == set().union(*days), name
    # Router: a pull request opened and merged each day, as the week before
    router = between(part, "Router")
    assert "Against 2026-W05 (Jan 26 – Feb 1): 7 merged pull requests (±0), 7 new pull " in seen(
        router
    )
    assert "Matched nothing: KV cache (2026-W05: 1 merged pull request, 1 new pull request)." in (
        seen(part)
    )


def daily_page(out: Path, date: str) -> str:
    return github_html((out / f"reports/{date}.md").read_text())


def paragraphs(page: str) -> list[str]:
    return [seen(p) for p in re.findall(r"(?s)<p>(.*?)</p>", page)]
