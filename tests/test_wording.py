"""The built-in summarizer's wording, each case as the reports of February 2026 showed it,
read as GitHub shows the report (cmarkgfm): a label that repeats the title, a title's own
closing period before ", by", a quote a cut title left open, tag lists as themes, "1
nightly builds", a CI revert ranked first; and releases counted one way on every page."""

from __future__ import annotations

import re

import pytest

from digest.cli import main
from tests.fakegithub.builders import at, merged_pr
from tests.fakegithub.server import FakeFile, FakeIssue, FakeRelease, FakeRepo
from tests.readers import github_html, parse_html, seen

REPO = "flashinfer-ai/flashinfer"
WEB = f"https://github.com/{REPO}"
DAY = "2026-02-11"
CI = [FakeFile(".github/workflows/pr-test.yml", additions=20, deletions=3)]
KERNEL = [FakeFile("csrc/fmha_bwd.cu", additions=120, deletions=30)]


def report(tmp_path, *extra: str) -> str:
    argv = ["run", "--repos", REPO, "--date", DAY, "--output-dir", str(tmp_path), *extra]
    assert main(argv) == 0
    return (tmp_path / f"reports/{DAY}.md").read_text(encoding="utf-8")


def lines(markdown: str) -> list[str]:
    """Each paragraph, heading and list item as GitHub shows it."""
    text = "".join(parse_html(github_html(markdown)).parts)
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def section(markdown: str, heading: str) -> list[str]:
    html = github_html(markdown)
    body = html[html.index(f">{heading}</h") :]
    body = body[: body.find("<h", 1)]
    return [seen(chunk.split("</li>")[0]) for chunk in body.split("<li>")[1:]]


def story(markdown: str) -> list[str]:
    """The story's lines: the record's (`#2524 …`) quote titles as GitHub has them."""
    return [line for line in lines(markdown) if not re.match(r"^(?:#\d+|[0-9a-f]{7}) ", line)]


@pytest.fixture
def repo(github) -> FakeRepo:
    return github.add(FakeRepo(REPO, description="Kernels for LLMs"))


def test_a_title_that_says_its_kind_is_not_labelled_again(repo, tmp_path):
    repo.issues.append(FakeIssue(2510, "Regression after recent merge", at(f"{DAY} 08:00")))
    merged_pr(repo, 2573, "[Bug] Fix spark unit test failures", at(f"{DAY} 09:00"), files=KERNEL)

    text = report(tmp_path)

    told = story(text)
    assert not [line for line in told if re.search(r"(?i)\b(regression|fix): \1\b", line)]
    risks = section(text, "Risks and what to watch")
    assert risks == ["flashinfer-ai/flashinfer — Regression after recent merge (#2510)"]
    assert "To watch in flashinfer-ai/flashinfer: Regression after recent merge." in told
    assert "Regression after recent merge." in " ".join(told)  # the repository's overview
    assert "Fix spark unit test failures, by ada (#2573)" in told


def test_a_title_s_closing_period_does_not_end_the_point(repo, tmp_path):
    merged_pr(repo, 2999, "v4.4 release update v2.", at(f"{DAY} 09:00"), author="junkai-wu")

    told = " ".join(story(report(tmp_path)))

    assert "v4.4 release update v2, by junkai-wu" in told
    assert "v2., by" not in told


def test_a_quote_a_cut_title_left_open_is_closed(repo, tmp_path):
    title = 'Revert "feat: Support Fused MoE non gated Relu2 NVFP4 & FP8 and support Nemot…'
    merged_pr(repo, 2451, title, at(f"{DAY} 09:00"), author="nv-yunzheq", files=KERNEL)

    text = report(tmp_path)

    unbalanced = [line for line in story(text) if line.count('"') % 2]
    assert unbalanced == []
    (risk,) = section(text, "Risks and what to watch")
    assert risk.startswith('flashinfer-ai/flashinfer — Revert: "feat: Support Fused MoE')
    assert 'and support Nemot…", by nv-yunzheq (#2451)' in risk


def test_a_tag_list_is_several_themes(repo, tmp_path):
    titles = ["[Bwd,Sm90] Fix dK", "[Bwd,Sm90] Tune tiles", "[Fwd,Sm90] Paged KV"]
    for n, title in enumerate([*titles, "[cute] a", "[CUTE] b"]):
        merged_pr(repo, 3000 + n, title, at(f"{DAY} 09:00").replace(hour=9 + n), files=KERNEL)

    told = " ".join(story(report(tmp_path)))

    assert "Most of the merged work: Sm90 (3), Bwd (2), cute (2)." in told
    assert "Bwd,Sm90" not in told


def test_one_nightly_build_is_one(repo, tmp_path):
    tag = "nightly-v0.6.4-20260211"
    repo.releases.append(FakeRelease(tag, at(f"{DAY} 03:00"), prerelease=True))

    told = story(report(tmp_path))

    assert f"flashinfer-ai/flashinfer — Nightly builds: 1 nightly build, {tag} ({tag})" in told
    assert not [line for line in told if "1 nightly builds" in line]


def test_what_users_feel_ranks_above_ci_and_chores(repo, tmp_path):
    """A CI revert, a CI change, a tests-only fix: below a feature, a speed-up and a fix of
    the library; the CI revert is no risk."""
    ci_revert = 'Revert "ci: refactor PR tests to hide failed spot jobs from PR status…'
    merged_pr(repo, 2524, ci_revert, at(f"{DAY} 01:00"), author="yong-wu", files=CI)
    merged_pr(repo, 2530, "Update the PR test runner image", at(f"{DAY} 02:00"), files=CI)
    tests_only = [FakeFile("tests/test_norm.py", additions=5, deletions=2)]
    merged_pr(repo, 2531, "fix: flaky norm test", at(f"{DAY} 03:00"), files=tests_only)
    merged_pr(repo, 2525, "feat: BF16 GEMM benchmarking support", at(f"{DAY} 10:00"), files=KERNEL)
    merged_pr(repo, 2509, "perf: cache cudaGetDeviceProperties", at(f"{DAY} 11:00"), files=KERNEL)
    merged_pr(repo, 2532, "fix: NaN in GDN prefill", at(f"{DAY} 12:00"), files=KERNEL)

    text = report(tmp_path)

    top = section(text, "Top developments")
    linked = [re.search(r"\(#(\d+)\)$", line)[1] for line in top]
    assert linked[:3] == ["2509", "2525", "2532"]
    assert set(linked[3:]) <= {"2524", "2530", "2531"}
    assert ">Risks and what to watch</h" not in github_html(text)
    assert "No regression, revert, breaking change or performance problem" in " ".join(lines(text))


def test_releases_are_counted_without_nightly_builds_on_every_page(repo, tmp_path):
    repo.releases += [
        FakeRelease("v0.6.4", at(f"{DAY} 15:00"), name="v0.6.4"),
        FakeRelease("nightly-v0.6.4-20260211", at(f"{DAY} 03:00"), prerelease=True),
    ]
    other = "nightly-v0.6.4-20260212"
    repo.releases.append(FakeRelease(other, at("2026-02-12 03:00"), prerelease=True))
    day = report(tmp_path)
    main(["run", "--repos", REPO, "--date", "2026-02-12", "--output-dir", str(tmp_path)])
    week = ["run", "--repos", REPO, "--period", "week", "--date", "2026-02-15"]
    assert main([*week, "--output-dir", str(tmp_path)]) == 0
    assert main(["site", "--output-dir", str(tmp_path)]) == 0

    assert "1 release, 1 nightly build." in " ".join(lines(day))
    weekly = " ".join(lines((tmp_path / "reports/weekly/2026-W07.md").read_text()))
    assert "1 release, 2 nightly builds" in weekly
    assert "3 releases" not in weekly
    home = (tmp_path / "_site/index.html").read_text(encoding="utf-8")
    counts = re.search(rf">{REPO}</a> <span class=\"fact\">· ([^<]*)", home)
    assert counts is not None and "1 release" in counts[1] and "3 releases" not in counts[1]


@pytest.mark.parametrize(
    ("repos", "said"),
    [
        ([REPO], "No activity in this window in the 1 repository followed."),
        ([REPO, "NVIDIA/cutlass"], "No activity in this window in the 2 repositories followed."),
    ],
)
def test_a_quiet_day_says_so_once(repos, said, github, tmp_path):
    for name in repos:
        github.add(FakeRepo(name))
    argv = ["run", "--repos", ",".join(repos), "--date", DAY, "--output-dir", str(tmp_path)]
    assert main(argv) == 0
    overview = section_text((tmp_path / f"reports/{DAY}.md").read_text(encoding="utf-8"))
    assert overview == said


def section_text(markdown: str) -> str:
    """The overview's paragraph, as GitHub shows it."""
    html = github_html(markdown)
    body = html[html.index(">Overview</h") :]
    return seen(body[body.index("<p>") : body.index("</p>")])


def test_a_url_in_a_title_is_elided_and_the_words_around_it_kept(repo, tmp_path):
    """The story links only what it cites: a URL in a title becomes "…", a link's text stays,
    and the punctuation around it too; the record keeps the title whole."""
    title = "Fix crash on startup (see https://github.com/sgl-project/sglang/issues/123)"
    merged_pr(repo, 2573, title, at(f"{DAY} 09:00"), files=KERNEL)
    linked = "Load [FP8 models](https://hf.co/x) from <https://hf.co/y>"
    merged_pr(repo, 2574, linked, at(f"{DAY} 10:00"), files=KERNEL)

    text = report(tmp_path)

    told = " ".join(story(text))
    assert "Fix crash on startup (see …), by ada" in told
    assert "Load FP8 models from …" in told
    assert "(see, by" not in told and "( <" not in told
    html = github_html(text)
    assert "hf.co" not in " ".join(u for _, u in parse_html(html).links)
