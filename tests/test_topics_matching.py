"""Matching topics against a window's activity: words (whole, case-insensitive; CJK as
written), labels, globs over the files collected, repositories; why each item matched; and
what could not be judged because its files were not all collected."""

from __future__ import annotations

import datetime as dt

import pytest

from digest import calendar
from digest.models import (
    Activity,
    Commit,
    FileChange,
    Issue,
    PullRequest,
    Release,
    RepoActivity,
    Topic,
    TopicCounts,
    TopicWhy,
)
from digest.topics import declared, match, of_day, union

DAY = dt.date(2026, 2, 4)
WINDOW = calendar.window(calendar.of("day", DAY), "UTC")
NOON = dt.datetime(2026, 2, 4, 12, tzinfo=dt.UTC)
BEFORE = dt.datetime(2026, 1, 30, 12, tzinfo=dt.UTC)


def pull(number: int, title: str, *, body: str = "", labels=(), files=(), **facts) -> PullRequest:
    merged = facts.pop("merged", True)
    opened = facts.pop("opened", not merged)
    changed = facts.pop("changed_files", len(files))
    return PullRequest(
        number=number,
        title=title,
        url=f"https://github.com/o/r/pull/{number}",
        body=body,
        labels=list(labels),
        state="merged" if merged else "open",
        created_at=NOON if opened else BEFORE,
        merged_at=NOON if merged else None,
        merged_in_window=merged,
        opened_in_window=opened,
        changed_files=changed,
        files=[FileChange(path=p, status="modified") for p in files],
        **facts,
    )


def issue(number: int, title: str, *, body: str = "", labels=(), closed=False) -> Issue:
    return Issue(
        number=number,
        title=title,
        url=f"https://github.com/o/r/issues/{number}",
        body=body,
        labels=list(labels),
        state="closed" if closed else "open",
        created_at=NOON,
        closed_at=NOON if closed else None,
        opened_in_window=True,
        closed_in_window=closed,
    )


def commit(sha: str, message: str, files: list[str] | None) -> Commit:
    return Commit(
        sha=sha * 40,
        message=message,
        url=f"https://github.com/o/r/commit/{sha * 40}",
        committed_at=NOON,
        files=None if files is None else [FileChange(path=p, status="modified") for p in files],
        changed_files=None if files is None else len(files),
    )


def activity(*repos: RepoActivity) -> Activity:
    return Activity(tool_version="t", window=WINDOW, repos=list(repos))


def repo(name: str = "vllm-project/vllm", **items) -> RepoActivity:
    return RepoActivity(repo=name, url=f"https://github.com/{name}", **items)


def matched(topics: list[Topic], *repos: RepoActivity) -> dict[str, list[str]]:
    """Each topic's name -> the qualified refs of what it matched, in order."""
    return {m.name: [i.qualified_ref for i in m.items] for m in match(activity(*repos), topics)}


# -- words ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "hit"),
    [
        ("[FP8] faster GEMM", True),
        ("Add fp8_gemm for SM90", True),  # `_` separates words
        ("Support FP8-block scaling", True),
        ("支持FP8推理", True),  # no space between Chinese and Latin words
        ("fp8.", True),
        ("Use nvfp8 tiles", False),  # not a whole word
        ("fp8e4m3 conversions", False),
        ("FP80 is not a thing", False),
    ],
)
def test_a_word_is_whole_and_case_insensitive(title, hit):
    found = matched([Topic(name="FP8", match=["fp8"])], repo(pulls=[pull(1, title)]))
    assert found["FP8"] == (["vllm-project/vllm#pr:1"] if hit else [])


def test_words_in_chinese_match_as_written_anywhere():
    topics = declared("低精度: 低精度, 量化")
    found = matched(
        topics,
        repo(
            issues=[
                issue(1, "支持低精度推理"),
                issue(2, "MoE 量化误差"),
                issue(3, "精度问题"),  # neither word
            ]
        ),
    )
    assert found["低精度"] == ["vllm-project/vllm#issue:1", "vllm-project/vllm#issue:2"]


def test_a_phrase_matches_its_words_in_a_row_whatever_the_spaces_between():
    topic = Topic(name="Spec", match=["speculative decoding", "flash-attn"])
    found = matched(
        [topic],
        repo(
            pulls=[
                pull(1, "Speculative   decoding for Eagle"),
                pull(2, "decoding is speculative here"),
                pull(3, "Bump FLASH-ATTN to 2.8"),
                pull(4, "Drop flash-attnx"),
            ]
        ),
    )
    assert found["Spec"] == ["vllm-project/vllm#pr:1", "vllm-project/vllm#pr:3"]


def test_why_names_each_word_and_the_text_it_was_first_found_in():
    topic = Topic(name="MoE", match=["moe", "expert", "routing"])
    (result,) = match(
        activity(repo(pulls=[pull(1, "Fused MoE kernel", body="Expert routing, and MoE again")])),
        [topic],
    )
    (item,) = result.items
    assert item.why == [
        TopicWhy(kind="word", value="moe", where="title"),
        TopicWhy(kind="word", value="expert", where="body"),
        TopicWhy(kind="word", value="routing", where="body"),
    ]


def test_a_commit_message_and_a_release_notes_are_read_too():
    topic = Topic(name="Blackwell", match=["sm100"])
    release = Release(
        tag="v0.6.3",
        name="v0.6.3",
        url="https://github.com/o/r/releases/tag/v0.6.3",
        published_at=NOON,
        body="## Highlights\n- SM100 kernels",
    )
    (result,) = match(
        activity(
            repo(
                commits=[commit("a", "Tune tiles\n\nFor sm100 and sm120.", ["csrc/a.cu"])],
                releases=[release],
            )
        ),
        [topic],
    )
    assert [(i.ref, i.why[0].where) for i in result.items] == [
        ("release:v0.6.3", "notes"),
        ("commit:aaaaaaa", "body"),
    ]


# -- labels, paths, repositories -----------------------------------------------------------------


def test_a_label_matches_without_case_and_is_named_as_the_item_has_it():
    topic = Topic(name="Quant", labels=["quantization"])
    (result,) = match(
        activity(repo(issues=[issue(7, "Slow kernel", labels=["Quantization", "bug"])])), [topic]
    )
    assert [(i.ref, i.why) for i in result.items] == [
        ("issue:7", [TopicWhy(kind="label", value="Quantization")])
    ]


def test_paths_match_the_files_collected_and_why_names_the_file():
    topic = Topic(name="FP4", paths=["**/quantization/**", "csrc/**/fp4*"])
    (result,) = match(
        activity(
            repo(
                pulls=[
                    pull(1, "a", files=["docs/x.md", "vllm/layers/quantization/fp8.py"]),
                    pull(2, "b", files=["csrc/fp4_gemm.cu"]),  # ** is also no folder
                    pull(3, "c", files=["csrc/kernels/sm100/fp4.cu", "quantization/README"]),
                    pull(4, "d", files=["csrc/fp8_gemm.cu", "tests/quantization.py"]),
                ]
            )
        ),
        [topic],
    )
    assert [(i.ref, [(w.value, w.where) for w in i.why]) for i in result.items] == [
        ("pr:1", [("**/quantization/**", "vllm/layers/quantization/fp8.py")]),
        ("pr:2", [("csrc/**/fp4*", "csrc/fp4_gemm.cu")]),
        (
            "pr:3",
            [
                ("**/quantization/**", "quantization/README"),
                ("csrc/**/fp4*", "csrc/kernels/sm100/fp4.cu"),
            ],
        ),
    ]


def test_a_topic_limited_to_repositories_matches_nothing_elsewhere():
    topics = [
        Topic(name="Kernels", match=["kernel"], repos=["SGL-PROJECT/*", "nvidia/cutlass"]),
        Topic(name="All", match=["kernel"]),
    ]
    found = matched(
        topics,
        repo("vllm-project/vllm", pulls=[pull(1, "New kernel")]),
        repo("sgl-project/sglang", pulls=[pull(2, "New kernel")]),
        repo("NVIDIA/cutlass", pulls=[pull(3, "New kernel")]),
    )
    assert found == {
        "Kernels": ["sgl-project/sglang#pr:2", "NVIDIA/cutlass#pr:3"],
        "All": ["vllm-project/vllm#pr:1", "sgl-project/sglang#pr:2", "NVIDIA/cutlass#pr:3"],
    }


def test_what_the_record_does_not_tell_is_not_matched():
    """Bots' pull requests, nightly builds, and a repository that failed."""
    topic = Topic(name="FP8", match=["fp8"])
    nightly = Release(
        tag="nightly-20260204",
        name="fp8 nightly",
        url="https://github.com/o/r/releases/tag/n",
        published_at=NOON,
        nightly=True,
    )
    found = matched(
        [topic],
        repo(pulls=[pull(1, "Bump fp8 lib", automated=True), pull(2, "fp8")], releases=[nightly]),
        RepoActivity(repo="a/failed", url="", failure="error"),
    )
    assert found["FP8"] == ["vllm-project/vllm#pr:2"]


def test_nothing_declared_nothing_matched():
    assert match(activity(repo(pulls=[pull(1, "fp8")])), []) == []


# -- events and counts ---------------------------------------------------------------------------


def test_each_item_carries_what_happened_to_it_and_counts_add_them_up():
    topic = Topic(name="FP8", match=["fp8"])
    (result,) = match(
        activity(
            repo(
                pulls=[
                    pull(1, "fp8 merged, opened before"),
                    pull(2, "fp8 opened and merged today", opened=True),
                    pull(3, "fp8 opened, open", merged=False),
                ],
                issues=[issue(4, "fp8 new"), issue(5, "fp8 new and closed", closed=True)],
                commits=[commit("b", "fp8 pushed", [])],
            )
        ),
        [topic],
    )
    assert [(i.ref, i.events) for i in result.items] == [
        ("pr:1", ["merged"]),
        ("pr:2", ["opened", "merged"]),
        ("commit:bbbbbbb", ["pushed"]),
        ("pr:3", ["opened"]),
        ("issue:4", ["opened"]),
        ("issue:5", ["opened", "closed"]),
    ]
    assert result.counts == TopicCounts(
        merged_pulls=2, opened_pulls=2, commits=1, opened_issues=2, closed_issues=1
    )
    assert result.counts.total == 8


# -- files not all collected -----------------------------------------------------------------------


def test_files_not_all_read_are_said_not_asked_for():
    topic = Topic(name="Quant", match=["quant"], paths=["**/quantization/**"])
    (result,) = match(
        activity(
            repo(
                pulls=[
                    # matched by a word; 40 changed files, 25 collected
                    pull(
                        1, "quant: tune", files=[f"a/{n}.py" for n in range(25)], changed_files=40
                    ),
                    # not matched among the 25 read: the rest might
                    pull(2, "Refactor", files=[f"b/{n}.py" for n in range(25)], changed_files=30),
                    pull(3, "Docs", files=["docs/a.md"]),  # every file read: judged
                ],
                commits=[commit("c", "Direct push", None)],  # its files could not be read
            )
        ),
        [topic],
    )
    (item,) = result.items
    assert item.ref == "pr:1" and item.files_unread
    assert result.unread == ["vllm-project/vllm#pr:2", "vllm-project/vllm#commit:ccccccc"]


def test_a_topic_without_paths_has_nothing_unread():
    (result,) = match(
        activity(repo(pulls=[pull(1, "fp8", files=["a.py"], changed_files=90)])),
        [Topic(name="FP8", match=["fp8"])],
    )
    assert not result.items[0].files_unread and result.unread == []


# -- a period from its days ----------------------------------------------------------------------


def test_a_period_is_the_union_of_its_days_and_its_counts_their_sum():
    topic = Topic(name="FP8", match=["fp8"])
    monday = match(activity(repo(pulls=[pull(1, "fp8 paged", merged=False)])), [topic])
    merged = pull(1, "fp8 paged attention", opened=False, labels=["perf"])
    wednesday = match(activity(repo(pulls=[merged], issues=[issue(2, "fp8 crash")])), [topic])

    (week,) = union([monday, wednesday], [topic])

    assert [(i.ref, i.title, i.events) for i in week.items] == [
        ("pr:1", "fp8 paged attention", ["opened", "merged"]),
        ("issue:2", "fp8 crash", ["opened"]),
    ]
    assert week.counts == monday[0].counts + wednesday[0].counts


def test_a_day_kept_under_another_declaration_is_matched_again():
    before = Topic(name="FP8", match=["fp8"])
    now = Topic(name="FP8", match=["fp8", "e4m3"])
    day = activity(repo(pulls=[pull(1, "fp8"), pull(2, "e4m3 casts")]))
    kept = match(day, [before])
    assert [m.items for m in of_day(day, kept, [before])] == [kept[0].items]
    (again,) = of_day(day, kept, [now])
    assert [i.ref for i in again.items] == ["pr:1", "pr:2"]
