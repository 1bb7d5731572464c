"""An archive written by any release is history: each upgrade step on the files that release
really wrote (tests/data/sidecars/), and archives mixing releases read, never rewritten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from digest import kinds
from digest.archive.history import History, Unreadable
from digest.archive.local import DirectoryArchive
from digest.models import SCHEMA_VERSION, Digest, Layout
from digest.upgrades import STEPS, CannotUpgrade, load
from tests.conftest import main_with_outputs, tree
from tests.fakegithub.git import GitRepo
from tests.fakegithub.server import FakeRepo

DATA = Path(__file__).parent / "data" / "sidecars"
R1, R2 = DATA / "r1-c71fe01", DATA / "r2-380cafe"
V2 = DATA / "v2-b455a86"  # schema version 2, as commit b455a86 wrote it
V3 = DATA / "v3-466b678"  # schema version 3, as commit 466b678 wrote it
REPOS = ["NVIDIA/cutlass", "deepseek-ai/DeepGEMM"]
LAYOUT = Layout(reports_dir="reports", index_file="README.md")


def read(path: Path) -> Digest:
    return load(path.read_text(encoding="utf-8"), Digest)


def classified(digest: Digest) -> list[tuple]:
    """What collection decided about each item, as reports count and list them."""
    return [
        (
            repo.repo,
            kinds.figures(repo),
            [(p.number, p.merged_in_window, p.opened_in_window) for p in repo.pulls],
            [(r.tag, r.nightly) for r in repo.releases],
            [c.short_sha for c in kinds.DIRECT_COMMITS.select(repo)],
        )
        for repo in digest.activity.repos
    ]


# -- the steps, on what each release wrote ------------------------------------------------------


def test_every_version_before_this_one_has_its_step():
    assert len(STEPS) == SCHEMA_VERSION - 1


@pytest.mark.parametrize("date", ["2026-02-26", "2026-02-27"])
def test_release_1_sidecars_upgrade_to_what_release_2_collected_that_day(date):
    raw = json.loads((R1 / f"builtin-{date}.json").read_text())
    assert raw["schema_version"] == 1
    assert "merged_in_window" not in raw["activity"]["repos"][0]["pulls"][0]  # as release 1 wrote

    upgraded, by_release_2 = read(R1 / f"builtin-{date}.json"), read(R2 / f"builtin-{date}.json")

    assert upgraded.schema_version == upgraded.activity.schema_version == SCHEMA_VERSION
    assert classified(upgraded) == classified(by_release_2)
    assert upgraded.incomplete == []
    # what release 1 wrote is kept as written
    assert upgraded.overall.overview == raw["overall"]["overview"]
    assert [s.overview for s in upgraded.repos] == [s["overview"] for s in raw["repos"]]


def test_a_release_1_sidecar_written_with_a_model_keeps_its_summaries():
    raw = json.loads((R1 / "model-2026-02-26.json").read_text())
    digest = read(R1 / "model-2026-02-26.json")
    assert digest.overall.method == "openai/bench-model"
    assert digest.overall.highlights[0].text == raw["overall"]["highlights"][0]["text"]
    assert [s.cache_key for s in digest.repos] == [s["cache_key"] for s in raw["repos"]]
    assert classified(digest) == classified(read(R2 / "builtin-2026-02-26.json"))


def test_release_1_issues_nightlies_and_failures_are_classified_from_the_file_itself():
    """Release 1's data here has no issue, nightly or failure: the same file with some added
    in release 1's shape (no classification fields)."""
    raw = json.loads((R1 / "builtin-2026-02-26.json").read_text())
    cutlass, deepgemm = raw["activity"]["repos"]
    issue = {"number": 1, "title": "t", "url": "u", "state": "closed", "comments": 0}
    cutlass["issues"] = [
        {**issue, "created_at": "2026-02-26T08:00:00Z", "closed_at": "2026-02-27T08:00:00Z"},
        {**issue, "number": 2, "created_at": "2026-01-02T08:00:00Z",
         "closed_at": "2026-02-26T23:59:59Z"},
    ]  # fmt: skip
    release = cutlass["releases"][0]
    cutlass["releases"].append({**release, "tag": "nightly-v4.4.0-20260226", "name": "n"})
    deepgemm["failure"] = "rate_limited"

    digest = load(json.dumps(raw), Digest)

    repo = digest.activity.repos[0]
    assert [(i.opened_in_window, i.closed_in_window) for i in repo.issues] == [
        (True, False),
        (False, True),
    ]
    assert [r.nightly for r in repo.releases] == [False, True]
    assert digest.incomplete == ["deepseek-ai/DeepGEMM"]  # redone by a later run, as today's


# What version 3 added to pull requests and issues, each with its default.
_ADDED_IN_3 = {"pulls": ("node_id", "closed_at", "closes"), "issues": ("node_id", "state_reason")}


def _without_version_3(document: dict) -> dict:
    for repo in document["activity"]["repos"]:
        for items, keys in _ADDED_IN_3.items():
            for item in repo[items]:
                for key in keys:
                    del item[key]
    return document


@pytest.mark.parametrize("name", ["builtin-2026-02-26.json", "model-2026-02-26.json"])
def test_release_2_sidecars_are_read_as_written_but_for_the_version(name):
    written = (R2 / name).read_text()
    digest = load(written, Digest)
    again = _without_version_3(json.loads(digest.model_dump_json()))  # as a sidecar is written
    version = f'"schema_version": {SCHEMA_VERSION},'
    assert again == json.loads(written.replace('"schema_version": 1,', version))


def test_version_2_sidecars_are_followed_by_repository_and_number():
    """2 -> 3: no node ids, no closing references kept; a pull request's close is its merge."""
    written = (V2 / "builtin-2026-02-27.json").read_text()
    assert json.loads(written)["schema_version"] == 2

    digest = load(written, Digest)

    assert digest.schema_version == digest.activity.schema_version == SCHEMA_VERSION
    pulls = [p for repo in digest.activity.repos for p in repo.pulls]
    assert pulls and all(p.node_id is None and p.closes == [] for p in pulls)
    assert [p.closed_at for p in pulls] == [p.merged_at for p in pulls]
    assert digest.memory is None
    again = _without_version_3(json.loads(digest.model_dump_json()))
    version = f'"schema_version": {SCHEMA_VERSION},'
    assert again == json.loads(written.replace('"schema_version": 2,', version))


def test_version_3_sidecars_followed_no_topics():
    """3 -> 4: version 4 keeps the topics a digest follows and what each matched; a version-3
    file followed none. Read and written again, it is as written but for the version (and no
    `topics` key: a digest that follows no topic writes none)."""
    written = (V3 / "builtin-2026-02-04.json").read_text()
    assert json.loads(written)["schema_version"] == 3
    assert "topics" not in written

    digest = load(written, Digest)

    assert digest.schema_version == digest.activity.schema_version == SCHEMA_VERSION
    assert digest.topics == []
    assert [i.number for r in digest.activity.repos for i in r.issues] == [3000, 3001, 3002, 3003]
    again = json.loads(digest.model_dump_json())
    version = f'"schema_version": {SCHEMA_VERSION},'
    assert again == json.loads(written.replace('"schema_version": 3,', version))


def test_version_3_follow_ups_carry_no_topics():
    """The same step on a version-3 follow-up (3000 closed on 2026-02-04, as a later report's
    follow-ups would keep it; the fixture's own day had none to follow)."""
    raw = json.loads((V3 / "builtin-2026-02-04.json").read_text())
    followup = {
        "repo": "NVIDIA/cutlass", "kind": "issue", "number": 3000,
        "title": "Does CUTLASS support Tesla V100?",
        "url": "https://github.com/NVIDIA/cutlass/issues/3000", "node_id": "I_3000",
        "first_told": "2026-02-03", "age": 1, "risk": True, "state": "closed",
        "state_reason": "COMPLETED", "closed_at": "2026-02-04T07:40:00Z", "closed_by": None,
        "collected": True,
    }  # fmt: skip
    raw["memory"] = {"follow_days": 14, "followups": [followup], "ongoing": {}}

    digest = load(json.dumps(raw), Digest)

    assert digest.memory is not None
    (read,) = digest.memory.followups
    assert read.topics == [] and read.risk and read.lasting


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('{"schema_version": 5, "title": "from the future"}', "written by a newer digest"),
        ('{"schema_version": 1, "activity": {"repos": [', "not JSON"),
        ('{"schema_version": 1, "activity": {"repos": []}}', "no upgrade step explains"),
        ('{"schema_version": 2, "title": "t"}', "no upgrade step explains"),
        ('["not", "a", "sidecar"]', "not a JSON object"),
    ],
)
def test_what_no_step_explains_is_refused_with_why(text, why):
    with pytest.raises(CannotUpgrade, match=why):
        load(text, Digest)


# -- archives mixing releases -------------------------------------------------------------------


@pytest.fixture
def quiet(github):
    """The two repositories, with nothing in any window: only the archive differs."""
    for name in REPOS:
        github.add(FakeRepo(name))
    return github


def earlier_releases() -> dict[str, str]:
    """2026-02-26 as release 1 wrote it, 2026-02-27 as release 2 did."""
    return {
        "reports/2026-02-26.md": (R1 / "builtin-2026-02-26.md").read_text(),
        "reports/2026-02-26.json": (R1 / "builtin-2026-02-26.json").read_text(),
        "reports/2026-02-27.md": (R2 / "builtin-2026-02-27.md").read_text(),
        "reports/2026-02-27.json": (R2 / "builtin-2026-02-27.json").read_text(),
    }


def run(tmp_path: Path, date: str, *target: str) -> tuple[int, dict[str, str]]:
    argv = ["run", "--repos", ",".join(REPOS), "--date", date, "--backfill", "7", *target]
    return main_with_outputs([*argv, "--output-dir", str(tmp_path / "out")], tmp_path)


def mixed_directory(tmp_path: Path) -> Path:
    """A reports folder with 2026-02-25 by this version, 26 by release 1, 27 by release 2."""
    out = tmp_path / "out"
    assert run(tmp_path, "2026-02-25")[0] == 0
    for path, text in earlier_releases().items():
        (out / path).write_text(text, encoding="utf-8")
    return out


def test_every_date_of_a_mixed_directory_is_history(quiet, tmp_path):
    history = History(DirectoryArchive(mixed_directory(tmp_path)))

    digests = history.dailies(LAYOUT)

    assert sorted(str(d) for d in digests) == ["2026-02-25", "2026-02-26", "2026-02-27"]
    assert [d.activity.window.date.isoformat() for d in digests.values()] == [
        "2026-02-25",
        "2026-02-26",
        "2026-02-27",
    ]
    assert kinds.MERGED_PULLS.select(digests[min(digests)].activity.repos[0]) == []
    latest = history.dailies(LAYOUT)[max(digests)].activity.repos[0]
    assert [p.number for p in kinds.MERGED_PULLS.select(latest)]
    assert history.unreadable == []


def test_each_sidecar_is_read_once_per_run(quiet, tmp_path):
    archive = DirectoryArchive(mixed_directory(tmp_path))
    reads: list[str] = []
    original = archive.read
    archive.read = lambda path: reads.append(path) or original(path)  # type: ignore[method-assign]
    history = History(archive)
    history.dailies(LAYOUT)
    history.dailies(LAYOUT)
    history.read(LAYOUT, min(history.spans(LAYOUT, "day"), key=lambda s: s.first))
    assert sorted(reads) == [f"reports/2026-02-2{d}.json" for d in (5, 6, 7)]


def test_backfill_over_a_mixed_directory_rewrites_none_of_it(quiet, tmp_path):
    out = mixed_directory(tmp_path)
    before = tree(out)

    code, outputs = run(tmp_path, "2026-02-28")

    assert code == 0
    assert outputs["dates-written"] == "2026-02-28"
    after = tree(out)
    earlier = [p for p in before if p.startswith("reports/2026-")]
    assert len(earlier) == 6
    assert {p: after[p] for p in earlier} == {p: before[p] for p in earlier}


@pytest.mark.parametrize("mode", ["commit", "pull-request"])
def test_backfill_over_a_mixed_branch_rewrites_none_of_it(quiet, tmp_path, mode):
    target = quiet.add_target(GitRepo.with_files("me/digests", {"README.md": "# Digests\n"}))
    publish = ("--publish", "commit", "--target-repo", "me/digests")
    assert run(tmp_path, "2026-02-25", *publish)[0] == 0
    target.push("main", "reports by earlier releases", earlier_releases())
    before, head = target.files_at(), target.refs["heads/main"]

    code, outputs = run(tmp_path, "2026-02-28", "--publish", mode, "--target-repo", "me/digests")

    assert code == 0 and outputs["dates-written"] == "2026-02-28"
    branch = "main" if mode == "commit" else "digest/2026-02-28"
    assert target.log(branch)[0].startswith("digest: report for 2026-02-28\n")  # only that date
    after = target.files_at(branch)
    changed = sorted(p for p in after if after[p] != before.get(p))
    assert changed == ["README.md", "reports/2026-02-28.json", "reports/2026-02-28.md",
                       "reports/feed.xml"]  # fmt: skip
    if mode == "pull-request":
        assert target.refs["heads/main"] == head

    # again, with nothing new: no commit at all
    tip = target.refs[f"heads/{branch}"]
    assert run(tmp_path, "2026-02-28", "--publish", mode, "--target-repo", "me/digests")[0] == 0
    assert target.refs[f"heads/{branch}"] == tip


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (lambda text: text.replace('"schema_version": 1', '"schema_version": 7'), "newer digest"),
        (lambda text: text[: len(text) // 2], "not JSON"),
    ],
)
def test_an_unreadable_sidecar_is_named_and_its_date_left_alone(
    quiet, tmp_path, capsys, monkeypatch, damage, why
):
    out = mixed_directory(tmp_path)
    sidecar = out / "reports/2026-02-27.json"
    sidecar.write_text(damage(sidecar.read_text()), encoding="utf-8")
    before = tree(out)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    capsys.readouterr()

    code, outputs = run(tmp_path, "2026-02-28")

    assert code == 0 and outputs["dates-written"] == "2026-02-28"
    after = tree(out)
    for path in ("reports/2026-02-27.json", "reports/2026-02-27.md"):
        assert after[path] == before[path]
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert len(warnings) == 1
    assert str(sidecar) in warnings[0] and "2026-02-27" in warnings[0] and why in warnings[0]
    assert f"- 2026-02-27: skipped (its sidecar {sidecar} cannot be read: " in summary.read_text()
    assert "- 2026-02-26: skipped (complete)" in summary.read_text()


def test_history_reports_what_it_could_not_read(quiet, tmp_path):
    out = mixed_directory(tmp_path)
    (out / "reports/2026-02-26.json").write_text("{}", encoding="utf-8")
    seen: list[str] = []
    history = History(DirectoryArchive(out), warn=seen.append)

    assert sorted(map(str, history.dailies(LAYOUT))) == ["2026-02-25", "2026-02-27"]
    [unreadable] = history.unreadable
    assert isinstance(unreadable, Unreadable)
    assert (unreadable.span.label, unreadable.path) == (
        "2026-02-26",
        str(out / "reports/2026-02-26.json"),
    )
    assert seen == [str(unreadable)]


def test_a_fixture_is_as_its_release_wrote_it():
    """The files prove the steps only while nobody rewrites them with today's code."""
    for folder, version in ((R1, 1), (R2, 1), (V2, 2), (V3, 3)):
        for path in folder.glob("*.json"):
            assert json.loads(path.read_text())["schema_version"] == version, path
