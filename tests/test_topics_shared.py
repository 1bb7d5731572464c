"""Topics on the shared data: the real activity of five AI-infrastructure repositories on
2026-02-04 (../shared/data, served by the local GitHub), with four topics: words (one of them
Chinese), a label, path globs, and a topic limited to some repositories.

The expectations were worked out by hand, reading the day's items in the data (titles,
bodies, labels, the files of each pull request), not by running the matcher: each topic lists
every item whose text, label or collected path matches, and nothing else.
"""

from __future__ import annotations

import json

import pytest

from bench.data import SHARED, shared_repos
from digest.cli import main
from tests.fakegithub.server import FakeGitHub
from tests.readers import github_html, parse_html, seen
from tests.test_topics_report import between, headings

pytestmark = pytest.mark.skipif(not SHARED.exists(), reason=f"no shared data in {SHARED}")

DAY = "2026-02-04"
FA, CUTLASS, FI = "Dao-AILab/flash-attention", "NVIDIA/cutlass", "flashinfer-ai/flashinfer"
REPOS = [FA, CUTLASS, "deepseek-ai/DeepGEMM", "deepseek-ai/FlashMLA", FI]
TOPICS = """\
topics:
  - name: FP4 / FP8
    match: [nvfp4, mxfp4, fp4, fp8, 低精度]
  - name: Bugs
    labels: [bug]
  - name: CuTe DSL
    paths: ["**/CuTeDSL/**", "**/cute_dsl/**", "flash_attn/cute/*"]
  - name: Blackwell
    match: [blackwell, sm100, b200, gb200]
    repos: ["flashinfer-ai/*"]
"""

# Each topic -> (item, events, why: (kind, value, where)), in the record's order: by
# repository, then releases, merged pull requests, direct commits, new pull requests, issues.
EXPECTED = {
    "FP4 / FP8": [
        # "fp8 smem tensor cute.print_tensor segfault"
        (f"{CUTLASS}#issue:3002", ["opened"], [("word", "fp8", "title")]),
        # "... Relu2 NVFP4 & FP8 ..."; fp4 only alone in its body ("FP8/FP4 paths"): NVFP4
        # is not the word fp4
        (
            f"{FI}#pr:2462",
            ["merged"],
            [("word", "nvfp4", "title"), ("word", "fp4", "body"), ("word", "fp8", "title")],
        ),
        # its body names tests/utils_fp8.py: `_` and `.` part words
        (f"{FI}#pr:2481", ["merged"], [("word", "fp8", "body")]),
        # "GLM-4.7 ModelOpt NVFP4 produces garbage output ..."
        (f"{FI}#issue:2485", ["opened"], [("word", "nvfp4", "title")]),
        # "mxfp4 quantization kernel is an order of magnitude slower than nvfp4"
        (
            f"{FI}#issue:2496",
            ["opened"],
            [("word", "nvfp4", "title"), ("word", "mxfp4", "title")],
        ),
    ],
    # the issues labelled bug (the pull requests of the data carry no labels)
    "Bugs": [
        (f"{CUTLASS}#issue:3001", ["opened"], [("label", "bug", "")]),
        (f"{CUTLASS}#issue:3002", ["opened"], [("label", "bug", "")]),
        (f"{FI}#issue:2485", ["opened"], [("label", "bug", "")]),
        (f"{FI}#issue:2486", ["opened"], [("label", "bug", "")]),
        (f"{FI}#issue:2490", ["opened"], [("label", "bug", "")]),
        (f"{FI}#issue:2494", ["opened"], [("label", "bug", "")]),
    ],
    "CuTe DSL": [
        (
            f"{FA}#pr:2229",
            ["merged"],
            [("path", "flash_attn/cute/*", "flash_attn/cute/block_sparse_utils.py")],
        ),
        (f"{FA}#pr:2231", ["opened"], [("path", "flash_attn/cute/*", "flash_attn/cute/README.md")]),
        # 80 of its 91 files are under examples/python/CuTeDSL or python/CuTeDSL
        (
            f"{CUTLASS}#pr:2999",
            ["merged"],
            [
                (
                    "path",
                    "**/CuTeDSL/**",
                    "examples/python/CuTeDSL/blackwell/dense_gemm_persistent_dynamic.py",
                )
            ],
        ),
        # flashinfer/cute_dsl/...; benchmarks/bench_cute_dsl_blockscaled_gemm.py is no folder
        (
            f"{FI}#pr:2503",
            ["opened"],
            [("path", "**/cute_dsl/**", "flashinfer/cute_dsl/__init__.py")],
        ),
    ],
    # Only flashinfer: cutlass #3003 ("Blackwell GEMM loop", SM100 in its body) is left out
    "Blackwell": [
        # its body names task_test_blackwell_kernels.sh
        (f"{FI}#pr:2481", ["merged"], [("word", "blackwell", "body")]),
        # ".../CuTeDSL/blackwell/..." and "Fix SM100 block-scale gemm" in its body
        (
            f"{FI}#pr:2503",
            ["opened"],
            [("word", "blackwell", "body"), ("word", "sm100", "body")],
        ),
        # "... nvfp4_quantize` on B200 ..."
        (f"{FI}#issue:2496", ["opened"], [("word", "b200", "body")]),
    ],
}


def run(out, *, topics: bool) -> tuple[int, dict[str, int]]:
    """`digest run` of the day on a local GitHub of its own; the exit code and its requests."""
    if topics:
        (out / ".github").mkdir(parents=True)
        (out / ".github/digest.yml").write_text(TOPICS, encoding="utf-8")
    with FakeGitHub(shared_repos(), token="t") as github, pytest.MonkeyPatch.context() as env:
        env.setenv("GITHUB_API_URL", github.api_url)
        env.setenv("GITHUB_TOKEN", "t")
        argv = ["run", "--repos", ",".join(REPOS), "--date", DAY, "--backfill", "0"]
        code = main([*argv, "--output-dir", str(out)])
        return code, dict(github.counts())


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    with_topics, without = tmp_path_factory.mktemp("topics"), tmp_path_factory.mktemp("none")
    return run(with_topics, topics=True), run(without, topics=False), with_topics, without


def sidecar(folder) -> dict:
    return json.loads((folder / f"reports/{DAY}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_topic_lists_what_it_matches_and_nothing_else(runs, name):
    (code, _), _, folder, _ = runs
    assert code == 0
    (topic,) = [t for t in sidecar(folder)["topics"] if t["topic"]["name"] == name]
    found = [
        (
            f"{item['repo']}#{item['ref']}",
            item["events"],
            [(w["kind"], w["value"], w["where"]) for w in item["why"]],
        )
        for item in topic["items"]
    ]
    assert found == EXPECTED[name]


def test_the_topics_are_kept_in_declared_order_and_the_chinese_word_found_nothing(runs):
    _, _, folder, _ = runs
    topics = sidecar(folder)["topics"]
    assert [t["topic"]["name"] for t in topics] == list(EXPECTED)
    words = [w["value"] for t in topics for i in t["items"] for w in i["why"]]
    assert "低精度" in topics[0]["topic"]["match"] and "低精度" not in words  # English data


def test_a_direct_commit_whose_files_were_not_read_is_said_not_asked_for(runs):
    """cutlass 5193555 came from a pull request not merged that day: GitHub was not asked its
    files (its pull request's files are not its own), so a path topic says it could not judge
    it; topics without paths have nothing to say."""
    _, _, folder, _ = runs
    unread = {t["topic"]["name"]: t["unread"] for t in sidecar(folder)["topics"]}
    assert unread == {
        "FP4 / FP8": [],
        "Bugs": [],
        "CuTe DSL": [f"{CUTLASS}#commit:5193555"],
        "Blackwell": [],
    }


def test_topics_add_no_github_request(runs):
    (code, with_topics), (code_without, without), _, folder = runs
    assert code == code_without == 0
    assert with_topics == without
    assert "topics" not in sidecar(folder)  # a digest without topics writes none


def test_each_topic_s_part_of_the_report_links_what_it_matches_and_nothing_else(runs):
    """The report as GitHub shows it: under each topic's heading, one line per expected item,
    linked where GitHub has it, with its reasons; the report without topics has no section."""
    _, _, folder, without = runs
    page = github_html((folder / f"reports/{DAY}.md").read_text(encoding="utf-8"))
    part = between(page, "Topics", "Repositories")
    assert headings(part) == ["Topics", *EXPECTED]
    for name, expected in EXPECTED.items():
        links = [url for _, url in parse_html(between(part, name)).links]
        urls = []
        for ref, _, _ in expected:
            repo, _, item = ref.partition("#")
            kind, _, number = item.partition(":")
            urls.append(
                f"https://github.com/{repo}/{'pull' if kind == 'pr' else 'issues'}/{number}"
            )
        assert sorted(links) == sorted(urls), name
    assert "1 more item could not be judged by its files" in seen(between(part, "CuTe DSL"))
    plain = github_html((without / f"reports/{DAY}.md").read_text(encoding="utf-8"))
    assert "Topics" not in headings(plain)
