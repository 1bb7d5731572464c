"""The two layers of a report: the story on top, the complete record underneath.

Whatever a model answers (fabrications, nothing, citations of nothing, errors), every merged
pull request, release and new issue of the window is linked in the report, and every list
item links something that was collected.
"""

from __future__ import annotations

import json

import mistune
import pytest

from digest.cli import main
from tests.fakegithub.builders import at, direct_push, merged_pr
from tests.fakegithub.server import FakeFile, FakeIssue, FakePull, FakeRelease, FakeRepo
from tests.fakellm.server import FakeLLM, diligent, error, ok

BASE = "https://github.com/flashinfer-ai/flashinfer"


@pytest.fixture
def day(github):
    repo = github.add(FakeRepo("flashinfer-ai/flashinfer", description="Kernels for LLMs"))
    for n, title in enumerate(
        [
            "[Bugfix] Fix XQA dynamic smem on GPUs other than 0",
            "perf: vectorize mxfp4 quantize",
            'Revert "feat: fused MoE for Nemotron"',
            "[Kernel] add cute-dsl GDN decode",
            "[Kernel] tune fp4 GEMM tiles for SM120",
            "docs: fix typos",
            "bump version to 0.6.3",
        ]
    ):
        merged_pr(repo, 2480 + n, title, at("2026-02-04 01:00").replace(hour=1 + n))
    merged_pr(
        repo,
        2499,
        "Bump actions/checkout from 4 to 5",
        at("2026-02-04 12:00"),
        author="dependabot[bot]",
        files=[FakeFile(".github/workflows/ci.yml", additions=1, deletions=1)],
    )
    direct_push(repo, "Update CODEOWNERS", at("2026-02-04 13:00"))
    repo.pulls.append(FakePull(2500, "WIP: sm120 attention", at("2026-02-04 14:00"), draft=True))
    repo.issues += [
        FakeIssue(
            2496,
            "mxfp4 quantization is an order of magnitude slower than nvfp4",
            at("2026-02-04 19:42"),
            labels=["performance"],
            comments=2,
            body="mxfp4 takes ~410 us while nvfp4 takes ~38 us on B200.",
        ),
        FakeIssue(2497, "Typo in README", at("2026-02-04 09:00"), closed_at=at("2026-02-04 10:00")),
        FakeIssue(2300, "Old bug", at("2026-01-02 10:00"), closed_at=at("2026-02-04 08:00")),
    ]
    repo.releases += [
        FakeRelease(
            "v0.6.3",
            at("2026-02-04 15:00"),
            body="## Highlights\n- CUDA 13.1 support\n- GB300 kernels\n- `cute.experimental` API",
        ),
        FakeRelease("nightly-v0.6.3-20260204", at("2026-02-04 03:00"), prerelease=True),
    ]
    return github


MUST_LINK = [
    *(f"{BASE}/pull/{n}" for n in range(2480, 2487)),
    f"{BASE}/pull/2499",
    f"{BASE}/pull/2500",
    f"{BASE}/issues/2496",
    f"{BASE}/issues/2497",
    f"{BASE}/issues/2300",
    f"{BASE}/releases/tag/v0.6.3",
    f"{BASE}/releases/tag/nightly-v0.6.3-20260204",
]


def run(tmp_path, *extra: str) -> str:
    argv = ["run", "--repos", "flashinfer-ai/flashinfer", "--date", "2026-02-04"]
    assert main([*argv, "--output-dir", str(tmp_path), *extra]) == 0
    return (tmp_path / "reports/2026-02-04.md").read_text()


def list_items_and_links(markdown: str) -> list[list[str]]:
    """The link targets of every list item in the document (HTML blocks included)."""
    items: list[list[str]] = []

    def urls(node: dict) -> list[str]:
        found = [node["attrs"]["url"]] if node["type"] == "link" else []
        for child in node.get("children", []):
            found += urls(child)
        return found

    def walk(nodes: list[dict]) -> None:
        for node in nodes:
            if node["type"] == "list_item":
                items.append(urls(node))
            walk(node.get("children", []))

    # <details> wraps Markdown that GitHub renders: parse it as Markdown too.
    text = markdown.replace("<details>", "").replace("</details>", "")
    walk(mistune.create_markdown(renderer="ast")(text))
    return items


def assert_complete_and_evidenced(report: str) -> None:
    items = list_items_and_links(report)
    linked = {url for item in items for url in item}
    missing = [url for url in MUST_LINK if url not in linked]
    assert not missing, missing
    unevidenced = [item for item in items if not any(u.startswith(BASE) for u in item)]
    assert not unevidenced


def with_model(tmp_path, script, *extra: str) -> tuple[str, dict]:
    with FakeLLM(script) as llm:
        model = ["--model", "openai/test-model", "--api-base", llm.api_base, "--api-key", "sk-x"]
        report = run(tmp_path, *model, *extra)
    sidecar = json.loads((tmp_path / "reports/2026-02-04.json").read_text())
    return report, sidecar


def overall_or(body: dict, answer: dict) -> tuple:
    if "highlights" in body["messages"][0]["content"]:
        return diligent(body)
    return ok(json.dumps(answer))


def test_builtin_story_and_complete_record(day, tmp_path):
    report = run(tmp_path)
    assert_complete_and_evidenced(report)
    section = report.split("### [flashinfer-ai/flashinfer]")[1]
    story, record = section.split("Everything in this window")
    # significance, not size: the release (with what it contains) and the revert lead
    assert "**Release**: v0.6.3: CUDA 13.1 support; GB300 kernels; `cute.experimental` API" in story
    assert story.index("**Release**") < story.index("**Revert**") < story.index("**Performance**")
    assert '**Revert**: "feat: fused MoE for Nemotron", by ada ([#2482]' in story
    assert "docs: fix typos" not in story and "Bump actions" not in story
    assert "…and " in story and "more in the record below." in story
    # the record: bots on one counted line, an issue opened and closed listed once
    assert "1 automated change by dependabot\\[bot\\]: [#2499]" in record
    assert record.count("issues/2497") == 1 and "closed in this window" in record
    assert "nightly: [nightly-v0.6.3-20260204]" in record
    assert "<details><summary>Everything in this window:" in section  # a long record folds
    overview = report.split("## Repositories")[0]
    assert "### Risks and what to watch" in overview
    risks = overview.split("### Risks and what to watch")[1]
    assert "issues/2496" in risks and "pull/2482" in risks  # the slowdown and the revert
    closing = report.split("## In closing")[1]
    assert "To watch:" in closing and "the highlights above" not in closing


SCRIPTS = {
    "fabricates": {
        "overview": "Huge day: PR #9999 landed.",
        "themes": [
            {
                "title": "Kernels",
                "points": [
                    {"text": "New attention kernel", "refs": ["pr:9999"]},
                    {"text": "Faster GEMM", "refs": ["commit:deadbee"]},
                ],
            }
        ],
    },
    "empty themes": {"overview": "Nothing notable happened.", "themes": []},
    "cites nothing": {
        "overview": "Summary",
        "themes": [
            {"title": "Summary", "points": [{"text": "Landed commit; follow-up in.", "refs": []}]}
        ],
    },
}


@pytest.mark.parametrize("behaviour", sorted(SCRIPTS))
def test_a_misbehaving_model_never_costs_the_record(behaviour, day, tmp_path):
    report, sidecar = with_model(tmp_path, lambda body: overall_or(body, SCRIPTS[behaviour]))
    assert_complete_and_evidenced(report)
    (repo,) = sidecar["repos"]
    assert repo["fallback"] == "ungrounded"
    assert repo["method"] == "extractive"  # the built-in story stands in, and says so
    assert "did not cite enough of what happened" in report
    assert "Landed commit; follow-up in." not in report and "9999" not in report


def test_a_failing_model_never_costs_the_record(day, tmp_path):
    report, sidecar = with_model(
        tmp_path,
        lambda body: error(500, "upstream exploded", "server_error", headers={"Retry-After": "0"}),
    )
    assert_complete_and_evidenced(report)
    assert sidecar["repos"][0]["fallback"] == "unavailable"
    assert "upstream exploded" not in report


def test_a_model_that_cites_well_tells_the_story_over_the_complete_record(day, tmp_path):
    report, sidecar = with_model(tmp_path, diligent)
    assert_complete_and_evidenced(report)
    (repo,) = sidecar["repos"]
    assert repo["method"] == "openai/test-model" and repo["fallback"] is None
    assert repo["points_kept"] > 0 and repo["points_dropped"] == 0
    section = report.split("### [flashinfer-ai/flashinfer]")[1]
    assert section.index("Kernel work landed.") < section.index("Everything in this window")
    assert "- **Kernels**: Work on pr:2480 ([#2480]" in section


def test_points_that_cite_nothing_are_dropped_and_counted(day, tmp_path):
    answer = {
        "overview": "Kernel work landed.",
        "themes": [
            {
                "title": "Kernels",
                "points": [
                    {"text": "XQA fixed on every GPU", "refs": ["pr:2480"]},
                    {"text": "mxfp4 is faster", "refs": ["pr:2481"]},
                    {"text": "Something unrelated", "refs": []},
                ],
            }
        ],
    }
    report, sidecar = with_model(tmp_path, lambda body: overall_or(body, answer))
    (repo,) = sidecar["repos"]
    assert (repo["points_kept"], repo["points_dropped"]) == (2, 1)
    assert repo["fallback"] is None
    assert "Something unrelated" not in report
    assert "- **Kernels**: XQA fixed on every GPU ([#2480]" in report
    assert_complete_and_evidenced(report)


def test_chinese_story_and_record(day, tmp_path):
    report = run(tmp_path, "--language", "zh")
    assert_complete_and_evidenced(report)
    section = report.split("### [flashinfer-ai/flashinfer]")[1]
    assert "**版本发布**：v0.6.3：CUDA 13.1 support" in section
    assert "**回退**" in section and "（作者 ada）" in section
    assert "本时段全部内容：" in section and "**已合并 PR**" in section
    assert "**新 issue**" in section and "已在本时段关闭" in section
    assert "### 风险与关注点" in report and "需要关注：" in report
    for english in ("Everything in this window", "by ada", "Merged pull requests", "To watch"):
        assert english not in report
