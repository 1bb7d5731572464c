"""The table of item kinds: every kind is counted, listed in the record under its own
heading, shown to the model, and citable from a summary. A kind added to digest/kinds.py
without a record group, a prompt block, a story decision or locale strings fails here."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import get_args

import pytest

from digest.cli import main
from digest.failures import FAILURES, FailureKind
from digest.kinds import KINDS
from digest.locales import locale
from digest.models import Language, RepoActivity
from tests.fakegithub.builders import at, direct_push, merged_pr
from tests.fakegithub.server import FakeIssue, FakePull, FakeRelease, FakeRepo
from tests.fakellm.server import FakeLLM, diligent

REPO = "sgl-project/sglang"
WEB = f"https://github.com/{REPO}"
DATE = "2026-02-04"
IDS = re.compile(r"id: (\S+)")


def _release(repo: FakeRepo) -> str:
    repo.releases.append(FakeRelease("v0.5.0", at("2026-02-04 15:00"), name="v0.5.0"))
    return f"{WEB}/releases/tag/v0.5.0"


def _merged_pull(repo: FakeRepo) -> str:
    merged_pr(repo, 101, "perf: faster decode", at("2026-02-04 10:00"))
    return f"{WEB}/pull/101"


def _direct_commit(repo: FakeRepo) -> str:
    return f"{WEB}/commit/{direct_push(repo, 'Update README', at('2026-02-04 06:00')).sha}"


def _opened_pull(repo: FakeRepo) -> str:
    repo.pulls.append(FakePull(102, "Still under review", at("2026-02-04 11:00")))
    return f"{WEB}/pull/102"


def _opened_issue(repo: FakeRepo) -> str:
    repo.issues.append(FakeIssue(103, "Crash on long prompts", at("2026-02-04 12:00")))
    return f"{WEB}/issues/103"


def _closed_issue(repo: FakeRepo) -> str:
    opened, closed = at("2026-01-20 12:00"), at("2026-02-04 13:00")
    repo.issues.append(FakeIssue(104, "Old hang in the scheduler", opened, closed_at=closed))
    return f"{WEB}/issues/104"


def _automated(repo: FakeRepo) -> str:
    merged_pr(repo, 105, "Bump torch", at("2026-02-04 14:00"), author="dependabot[bot]")
    return f"{WEB}/pull/105"


# One item of each kind, by the kind's name: adds it to the repository and returns its URL.
SAMPLES: dict[str, Callable[[FakeRepo], str]] = {
    "releases": _release,
    "merged_pulls": _merged_pull,
    "direct_commits": _direct_commit,
    "opened_pulls": _opened_pull,
    "opened_issues": _opened_issue,
    "closed_issues": _closed_issue,
    "automated": _automated,
}


@pytest.fixture
def every_kind(github) -> dict[str, str]:
    repo = github.add(FakeRepo(REPO))
    return {name: add(repo) for name, add in SAMPLES.items()}


def run(out, *extra: str) -> str:
    main(["run", "--repos", REPO, "--date", DATE, "--output-dir", str(out), *extra])
    return (out / f"reports/{DATE}.md").read_text(encoding="utf-8")


def groups(record: str) -> dict[str, str]:
    """The record's groups: heading -> its lines."""
    parts = re.split(r"^\*\*(.+?)\*\*$", record, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_every_kind_of_the_table_has_a_sample_here():
    assert set(SAMPLES) == {kind.name for kind in KINDS}, "add a sample item for the new kind"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_kind_is_in_the_record_under_its_own_heading_once(every_kind, tmp_path, language):
    report = run(tmp_path, "--language", language)
    loc = locale(language)
    record = groups(report)
    for kind in KINDS:
        heading = loc[kind.heading]
        assert heading in record, f"{kind.name}: no '{heading}' group in the record"
        assert every_kind[kind.name] in record[heading], f"{kind.name}: item not in its group"
    for url in every_kind.values():
        assert sum(url in lines for lines in record.values()) == 1, f"{url} listed twice"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_kind_is_counted(every_kind, tmp_path, language):
    loc = locale(language)
    report = run(tmp_path, "--language", language)
    sidecar = json.loads((tmp_path / f"reports/{DATE}.json").read_text(encoding="utf-8"))
    repo = RepoActivity.model_validate(sidecar["activity"]["repos"][0])
    opening = loc["record_summary"].split("{counts}")[0]  # "Everything in this window: "
    line = next(p for p in report.split("\n\n") if p.startswith(opening))
    for kind in KINDS:
        phrase = loc.count(kind.counted, kind.figure(repo))
        assert kind.figure(repo) and phrase in line, f"{kind.name}: '{phrase}' not counted"


def test_every_kind_is_shown_to_the_model_and_citing_it_links_it(every_kind, tmp_path):
    with FakeLLM(diligent) as llm:
        report = run(
            tmp_path, "--model", "openai/test", "--api-base", llm.api_base, "--api-key", "x"
        )
    prompt = next(m["content"] for b in llm.requests for m in b["messages"] if REPO in m["content"])
    shown = IDS.findall(prompt)
    story = report.split("**Releases**")[0]  # above the record: the model's points
    for kind in KINDS:
        url = every_kind[kind.name]
        ref = _ref(url)
        assert ref in shown, f"{kind.name}: {ref} not shown to the model"
        assert f"]({url})" in story, f"{kind.name}: citing {ref} did not link it"


def _ref(url: str) -> str:
    kind, key = url.removeprefix(f"{WEB}/").split("/")[-2:]
    prefix = {"pull": "pr", "issues": "issue", "tag": "release", "commit": "commit"}[kind]
    return f"{prefix}:{key[:7] if prefix == 'commit' else key}"


# -- why a repository was not read: the same kind of table --------------------------------


@pytest.mark.parametrize("language", get_args(Language))
def test_every_failure_kind_has_a_row_and_only_a_transient_one_promises_a_redo(language):
    """A kind github/failures.py can return without a row would fail a report at run time;
    a line that promises a later run fills the report in must be one that backfill redoes."""
    assert set(FAILURES) == set(get_args(FailureKind))
    for failure in FAILURES.values():
        line = locale(language).format(failure.report, redo="REDO")
        assert ("REDO" in line) == failure.transient, failure.kind
        assert ("`backfill`" in failure.log) == failure.transient, failure.kind  # the log too
