"""A feed per topic beside the reports' feed (`reports/topics/<slug>.xml`), read as a feed
reader reads it (feedparser): each entry a report where the topic matched, with its items.

Two repositories over four days (tests/test_site.py's), followed under topics that match a
pull request opened on the 2nd and merged on the 4th (Scheduler), titles written as markup
(Attacks), a closed issue (a topic named in Chinese), three days but not followed on the 4th
(Kernels), the first two days only (Gone) and nothing (Quiet).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import feedparser
import pytest

from digest.cli import main
from digest.models import Topic
from tests.conftest import local_github, module_environment, tree
from tests.fakegithub.builders import at, merged_pr
from tests.fakegithub.git import GitRepo
from tests.test_site import DAYS, IMG, REPOS, SCRIPT, add_repos

PULL = "https://github.com/vllm-project/vllm/pull"
CRASH = "崩溃"
CRASH_SLUG = Topic(name=CRASH).slug
TOPICS = {
    "Scheduler": "scheduler",
    "Attacks": "onerror, alert",
    "Kernels": "kernel, radix",
    CRASH: "crash",
    "Quiet": "zzzquiet",
    "Gone": "backend",
}
# What each day follows: Kernels not on the 4th, Gone only on the first two.
FOLLOWED = {
    "2026-02-02": list(TOPICS),
    "2026-02-03": list(TOPICS),
    "2026-02-04": ["Scheduler", "Attacks", CRASH, "Quiet"],
    "2026-02-05": ["Scheduler", "Attacks", "Kernels", CRASH, "Quiet"],
}


def topics_of(day: str) -> list[str]:
    return ["--topics", "\n".join(f"{name}: {TOPICS[name]}" for name in FOLLOWED[day])]


def run_day(folder: Path, day: str, *extra: str) -> int:
    argv = ["run", "--repos", REPOS, "--date", day, "--backfill", "0", *topics_of(day)]
    return main([*argv, "--publish", "none", "--output-dir", str(folder), *extra])


def write_topic_reports(folder: Path, *extra: str) -> None:
    for day in DAYS:
        assert run_day(folder, day, *extra) == 0


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reports folder after the four days."""
    folder = tmp_path_factory.mktemp("topic-feeds")
    with module_environment() as env, local_github(env) as github:
        add_repos(github)
        write_topic_reports(folder)
    return folder / "reports"


def read(reports: Path, slug: str) -> feedparser.FeedParserDict:
    """A topic's feed as a reader that fetched it from the folder resolves it."""
    path = reports / "topics" / f"{slug}.xml"
    url = f"http://reports.invalid/reports/topics/{slug}.xml"
    headers = {"content-location": url, "content-type": "application/atom+xml"}
    feed = feedparser.parse(path.read_bytes(), response_headers=headers)
    assert not feed.bozo, feed.bozo_exception
    return feed


def test_every_followed_topic_has_a_feed_beside_the_reports_feed(reports):
    slugs = sorted(p.stem for p in (reports / "topics").glob("*.xml"))
    assert slugs == sorted(["scheduler", "attacks", "kernels", CRASH_SLUG, "quiet", "gone"])
    assert [p.name for p in (reports / "topics").iterdir() if p.suffix != ".xml"] == []


def test_an_entry_is_a_report_where_the_topic_matched_with_its_items(reports):
    feed = read(reports, "scheduler")
    assert feed.feed.title == "Scheduler — Daily digest"
    assert feed.feed.link == "http://reports.invalid/reports/"  # the reports folder
    entry, opened = feed.entries  # opened on the 2nd, merged on the 4th
    said = "#34100</a> [Bugfix] Fix the scheduler stall · new pull request · “scheduler” in"
    assert said in opened.content[0].value
    assert entry.title == "Scheduler: 1 item — Daily digest — 2026-02-04"
    assert entry.link == "http://reports.invalid/reports/2026-02-04.md"
    assert (reports / "2026-02-04.md").is_file()
    assert entry.updated == "2026-02-05T00:00:00+00:00"  # the end of its window
    content = entry.content[0].value
    assert f'<a href="{PULL}/34100">#34100</a>' in content
    item = content.split("<li>", 1)[1].split("</li>", 1)[0]
    assert item.startswith("vllm-project/vllm ")
    # As the report's Topics section says it: what it was, why it matched
    assert item.endswith(
        "[Bugfix] Fix the scheduler stall · merged pull request · “scheduler” in the title"
    )


def test_an_item_closed_is_told_closed_under_a_topic_named_in_chinese(reports):
    feed = read(reports, CRASH_SLUG)
    assert feed.feed.title == f"{CRASH} — Daily digest"
    (entry,) = feed.entries
    assert entry.title == f"{CRASH}: 1 item — Daily digest — 2026-02-04"
    assert "Crash on start · closed issue · “crash” in the title" in entry.content[0].value


def test_titles_written_as_markup_stay_text_in_the_feed(reports):
    feed = read(reports, "attacks")
    (entry,) = feed.entries
    content = entry.content[0].value  # the HTML a reader renders
    assert "<img" not in content and "<script" not in content
    assert "&lt;img src=x onerror=alert(1)&gt;" in content
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in content
    raw = (reports / "topics" / "attacks.xml").read_text()
    assert IMG not in raw and SCRIPT not in raw


def test_a_topic_no_longer_followed_keeps_its_entries(reports):
    """Kernels was not followed on the 4th, and matched on the other days; Gone was followed
    on the first two days only: its feed stays as those days wrote it."""
    kernels = read(reports, "kernels")
    assert [e.link.rsplit("/", 1)[1] for e in kernels.entries] == [
        "2026-02-05.md",
        "2026-02-03.md",
        "2026-02-02.md",
    ]
    gone = read(reports, "gone")
    assert [e.title for e in gone.entries] == ["Gone: 1 item — Daily digest — 2026-02-02"]


def test_a_topic_that_matched_nothing_has_an_empty_feed_dated_when_first_followed(reports):
    feed = read(reports, "quiet")
    assert feed.entries == [] and feed.feed.title == "Quiet — Daily digest"
    # The end of the first window that followed it, kept by every later run.
    assert feed.feed.updated == "2026-02-03T00:00:00+00:00"


def test_entry_ids_are_the_reports_feed_ids_under_the_topic(reports):
    folder = feedparser.parse((reports / "feed.xml").read_bytes()).feed.id
    feed = read(reports, "kernels")
    assert feed.feed.id == f"{folder}/topics/kernels"
    assert [e.id for e in feed.entries] == [
        f"{folder}/topics/kernels/{day}" for day in ("2026-02-05", "2026-02-03", "2026-02-02")
    ]


def test_a_rerun_with_nothing_new_changes_no_file(github, tmp_path):
    add_repos(github)
    write_topic_reports(tmp_path)
    before = tree(tmp_path)
    assert run_day(tmp_path, DAYS[-1]) == 0
    assert tree(tmp_path) == before


def test_a_changed_report_moves_its_topic_entry_a_second_later(github, tmp_path):
    """A rerun that finds more (a pull request merged late into the day's window) changes
    the topic's entry: dated a second after it was, as the reports' feed does."""
    add_repos(github)
    write_topic_reports(tmp_path)
    merged_pr(github.repos["sgl-project/sglang"], 9100, "scheduler: fairer", at("2026-02-04 20:00"))
    assert run_day(tmp_path, "2026-02-04") == 0
    entry, _ = read(tmp_path / "reports", "scheduler").entries
    assert entry.title == "Scheduler: 2 items — Daily digest — 2026-02-04"
    a_second_later = dt.datetime(2026, 2, 5, 0, 0, 1, tzinfo=dt.UTC)
    assert dt.datetime.fromisoformat(entry.updated) == a_second_later


def test_a_report_rerun_where_the_topic_matches_nothing_leaves_its_feed(github, tmp_path):
    """The 4th rerun with Scheduler's words changed so that it matches nothing that day:
    Scheduler's feed no longer has the 4th's entry, and keeps the other days'."""
    add_repos(github)
    write_topic_reports(tmp_path)
    days = [e.title for e in read(tmp_path / "reports", "scheduler").entries]
    argv = ["run", "--repos", REPOS, "--date", "2026-02-04", "--backfill", "0"]
    argv += ["--topics", "Scheduler: zzznothing", "--publish", "none"]
    assert main([*argv, "--output-dir", str(tmp_path)]) == 0
    left = [e.title for e in read(tmp_path / "reports", "scheduler").entries]
    assert [t for t in days if "2026-02-04" in t] and left == [
        t for t in days if "2026-02-04" not in t
    ]


def test_without_topics_there_is_no_topic_feed(github, tmp_path):
    add_repos(github)
    argv = ["run", "--repos", REPOS, "--date", DAYS[0], "--publish", "none"]
    assert main([*argv, "--output-dir", str(tmp_path)]) == 0
    assert (tmp_path / "reports" / "feed.xml").is_file()
    assert not (tmp_path / "reports" / "topics").exists()


def test_topic_feeds_are_published_in_the_reports_commit_and_kept_by_the_next(github, target):
    """Published to a repository: each day's commit holds its report and the topics' feeds;
    the next day's run reads them back from the branch and keeps their entries."""
    add_repos(github)
    where = ["--publish", "commit", "--target-repo", "me/digests"]
    for day in DAYS[:2]:
        argv = ["run", "--repos", REPOS, "--date", day, "--backfill", "0", *topics_of(day)]
        assert main([*argv, *where]) == 0
    first, second = (files_of(target, f"digest: report for {day}") for day in DAYS[:2])
    assert {"reports/2026-02-02.md", "reports/topics/kernels.xml"} <= first.keys()
    kernels, attacks = second["reports/topics/kernels.xml"], second["reports/topics/attacks.xml"]
    assert "/topics/kernels/2026-02-02</id>" in kernels  # kept from the 2nd's commit
    assert kernels != first["reports/topics/kernels.xml"]  # and the 3rd's entry added
    assert "/topics/attacks/2026-02-03</id>" in attacks  # added with the 3rd's report
    feed = feedparser.parse(kernels.encode())
    report = "https://github.com/me/digests/blob/main/reports/2026-02-02.md"
    assert feed.entries[-1].link == report
    assert f'<a href="{report}">Read the full report</a>' in feed.entries[-1].content[0].value


def files_of(repo: GitRepo, message: str) -> dict[str, str]:
    """The files of the commit whose message begins with `message`."""
    (commit,) = [c for c in repo.commits.values() if c["message"].startswith(message)]
    return {path: repo.blobs[sha].decode() for path, sha in repo.trees[commit["tree"]].items()}
