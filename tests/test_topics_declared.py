"""Declaring topics: the `topics` input (lines `Name: word, word`), a configuration file's
`topics:` at its top level and per digest; bad ones are one line and exit 2, before any
request."""

from __future__ import annotations

import re

import pytest

from digest.cli import main
from digest.config import build_plan, digests_of, load_config_file, load_settings
from digest.models import Topic
from tests.fakegithub.server import FakeRepo

GOOD = ["--repos", "vllm-project/vllm", "--date", "2026-02-04"]


def test_the_input_declares_one_topic_a_line(monkeypatch):
    monkeypatch.setenv("INPUT_REPOS", "vllm-project/vllm")
    monkeypatch.setenv(
        "INPUT_TOPICS", "FP4 / FP8: nvfp4, mxfp4,  fp4 , FP8\n\nBlackwell: blackwell, sm100\n"
    )
    settings = load_settings()
    assert settings.topics == [
        Topic(name="FP4 / FP8", match=["nvfp4", "mxfp4", "fp4", "FP8"]),
        Topic(name="Blackwell", match=["blackwell", "sm100"]),
    ]


def test_each_flag_adds_topics_and_a_chinese_keyboard_works_too():
    settings = load_settings(
        repos=["a/b"], topics=["低精度：fp8，fp4、低精度", "Speculative: speculative decoding"]
    )
    assert [(t.name, t.match) for t in settings.topics] == [
        ("低精度", ["fp8", "fp4", "低精度"]),
        ("Speculative", ["speculative decoding"]),
    ]


def test_every_job_carries_its_topics_as_typed_models():
    settings = load_settings(repos=["a/b"], topics=["MoE: moe"], date="2026-02-04")
    (job,) = build_plan(settings, "run").jobs
    assert job.topics == [Topic(name="MoE", match=["moe"])]
    assert job.on(job.span).topics == job.topics  # backfill's and rollups' days keep them


CONFIG = """\
topics:
  - name: FP4 / FP8
    match: [nvfp4, fp8, 低精度]
    labels: [quantization]
    paths: ["**/quantization/**", "csrc/**/fp4*"]
  - name: SGLang kernels
    match: kernel
    repos: ["sgl-project/*", NVIDIA/CUTLASS]
digests:
  - repos: [vllm-project/vllm]
    reports-dir: infra
    index-file: infra/README.md
    topics:
      - name: Blackwell
        match: [blackwell, sm100]
  - repos: [sgl-project/sglang]
    reports-dir: sglang
    index-file: sglang/README.md
"""


def file_digests(tmp_path, text: str, **inputs):
    (tmp_path / "digest.yml").write_text(text, encoding="utf-8")
    settings = load_settings(config="digest.yml", output_dir=str(tmp_path), **inputs)
    file = load_config_file(settings, None)
    return load_settings(file, output_dir=str(tmp_path), **inputs), digests_of(file, **inputs)


def test_the_file_top_level_is_every_digests_and_a_digest_adds_its_own(tmp_path):
    run, (infra, sglang) = file_digests(tmp_path, CONFIG)
    fp, kernels = run.topics
    assert fp == Topic(
        name="FP4 / FP8",
        match=["nvfp4", "fp8", "低精度"],
        labels=["quantization"],
        paths=["**/quantization/**", "csrc/**/fp4*"],
    )
    assert kernels.repos == ["sgl-project/*", "NVIDIA/CUTLASS"]
    assert [t.name for t in infra.topics] == ["FP4 / FP8", "SGLang kernels", "Blackwell"]
    assert [t.name for t in sglang.topics] == ["FP4 / FP8", "SGLang kernels"]


def test_the_input_overrides_the_file_top_level_as_every_input_does(tmp_path):
    run, (infra, _) = file_digests(tmp_path, CONFIG, topics=["Hopper: sm90"])
    assert [t.name for t in run.topics] == ["Hopper"]
    assert [t.name for t in infra.topics] == ["Hopper", "Blackwell"]


BAD_INPUTS = [
    ("fp8, fp4", "expected lines \"Name: word, word\" (got 'fp8, fp4')"),
    (": fp8", "the line ': fp8' has no name"),
    ("FP8: fp8\nfp8: e4m3", "two topics are named 'fp8'"),
    ("FP4 / FP8: fp4\nfp4-fp8: fp8", "topics 'FP4 / FP8' and 'fp4-fp8' would share the page"),
    ("FP8:  , ", "topic 'FP8' has nothing to match: give it words (match), labels or paths"),
    ("A" * 81 + ": fp8", "a name is at most 80 characters (got 81)"),
]


@pytest.mark.parametrize(("value", "said"), BAD_INPUTS)
def test_a_bad_topic_input_is_one_line_exit_2_and_no_request(value, said, github, tmp_path, capsys):
    code = main(["run", *GOOD, "--topics", value, "--output-dir", str(tmp_path)])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.count("\n") == 0, err
    assert err.startswith("::error::input 'topics'") or "input 'topics'" in err
    assert said in err
    assert github.requests == []
    assert list(tmp_path.iterdir()) == []


BAD_FILES = [
    ("topics:\n  - match: [fp8]\n", "topic 1 has no name"),
    (
        "topics:\n  - name: FP8\n    match: fp8\n  - name: fp8\n    labels: [x]\n",
        "two topics are named 'fp8'",
    ),
    ("topics:\n  - name: FP8\n    repos: [a/b]\n", "topic 'FP8' has nothing to match"),
    (
        "topics:\n  - name: FP8\n    paths: ['csrc/[fp4']\n",
        "topic 'FP8': paths: 'csrc/[fp4' is not a glob over changed files (a [ without its ]); "
        "expected one such as csrc/**/fp4* (* within a folder, ** across folders)",
    ),
    ("topics:\n  - name: FP8\n    paths: ['/csrc/*']\n", "without /"),
    (
        "topics:\n  - name: FP8\n    words: [fp8]\n",
        "topic 'FP8': unknown key 'words' (accepted: labels, match, name, paths, repos)",
    ),
    ("topics:\n  - name: FP8\n    match: fp8\n    repos: [vllm]\n", "owner/name or owner/*"),
    ("topics: 3\n", "expected lines"),
    ("topics:\n  - name: FP8\n    match: {fp8: yes}\n", "topic 'FP8': match: expected words"),
    (
        # a digest's own topic named as one of the file's top level
        "topics:\n  - name: FP8\n    match: fp8\ndigests:\n  - repos: [a/b]\n    topics:\n"
        "      - name: FP8\n        labels: [fp8]\n",
        "two topics are named 'FP8'",
    ),
    (
        "digests:\n  - repos: [a/b]\n    topics:\n      - name: MoE\n",
        "topic 'MoE' has nothing to match",
    ),
    ('topics:\n  - name: "Qwen, DeepSeek"\n    match: qwen\n', "a name has no comma"),
    ("topics:\n  - name: [FP8, FP4]\n    match: fp8\n", "topic 1: name: expected words"),
    # YAML reads 12.10 as 12.1 and on as true: matched as that, they would miss
    ("topics:\n  - name: CUDA\n    match: [12.10]\n", "12.1 is not text as YAML reads it"),
    ("topics:\n  - name: CUDA\n    match: [cuda, on]\n", "True is not text as YAML reads it"),
    # globs that match no changed file
    ("topics:\n  - name: Q\n    paths: ['./csrc/**']\n", "no empty, . or .. folder"),
    ("topics:\n  - name: Q\n    paths: ['csrc//x/*']\n", "no empty, . or .. folder"),
    ("topics:\n  - name: Q\n    paths: ['../csrc/**']\n", "no empty, . or .. folder"),
    ("topics:\n  - name: Q\n    paths: [csrc/quantization/]\n", "add ** to match the files"),
]


@pytest.mark.parametrize(("text", "said"), BAD_FILES)
def test_a_bad_topic_in_the_file_names_the_file_exits_2_before_any_request(
    text, said, github, tmp_path, capsys
):
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/digest.yml").write_text(text, encoding="utf-8")
    code = main(["run", *GOOD, "--output-dir", str(tmp_path)])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.count("\n") == 0, err
    assert "input 'topics'" in err and said in err
    assert re.search(r"\(in \S*digest\.yml\)$", err), err
    assert github.requests == []
    assert sorted(p.name for p in tmp_path.rglob("*")) == [".github", "digest.yml"]


def test_a_topic_limited_to_repositories_none_followed_is_said(github, tmp_path, capsys):
    """The README's example copied against other repositories: the run goes on, and says the
    topic can match nothing."""
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/digest.yml").write_text(
        "topics:\n  - name: FP4\n    match: [fp4]\n"
        "    repos: [vllm-project/vllm, 'sgl-project/*']\n",
        encoding="utf-8",
    )
    github.add(FakeRepo("NVIDIA/cutlass"))
    argv = ["run", "--repos", "NVIDIA/cutlass", "--date", "2026-02-04", "--publish", "none"]
    assert main([*argv, "--output-dir", str(tmp_path)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "digest: warning: topic 'FP4': its repos (vllm-project/vllm, sgl-project/*) are none of "
        "the repositories followed, so it can match nothing"
    ]
