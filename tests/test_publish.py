"""Publishing to a stateful local GitHub: one commit, idempotent reruns, races, pull requests."""

from __future__ import annotations

import pytest

from tests.conftest import main_with_outputs
from tests.fakegithub.builders import at, merged_pr
from tests.fakegithub.git import RULESET_REFUSAL, GitRepo, protection_refusal
from tests.fakegithub.server import FakeRepo

README = "# Our digests\n\nHand-written intro.\n"


@pytest.fixture
def target(github):
    return github.add_target(GitRepo.with_files("me/digests", {"README.md": README}))


@pytest.fixture
def source(github):
    repo = github.add(FakeRepo("vllm-project/vllm"))
    merged_pr(repo, 34049, "[Kernel] FlashInfer MLA backend", at("2026-02-04 10:00"))
    merged_pr(repo, 34100, "[Bugfix] Fix scheduler stall", at("2026-02-05 10:00"))
    return repo


def publish(tmp_path, date="2026-02-04", mode="commit", *extra):
    argv = ["run", "--repos", "vllm-project/vllm", "--date", date, "--publish", mode]
    argv += ["--target-repo", "me/digests", "--output-dir", str(tmp_path / "unused"), *extra]
    return main_with_outputs(argv, tmp_path)


def index_dates(text: str) -> list[str]:
    return [line[3:13] for line in text.splitlines() if line.startswith("- [20")]


def test_first_run_is_one_commit_with_report_sidecar_index_and_feed(
    github, target, source, tmp_path
):
    code, outputs = publish(tmp_path)
    assert code == 0
    assert target.log() == [
        "digest: report for 2026-02-04\n\n1 of 1 repositories had activity.",
        "Initial commit",
    ]
    files = target.files_at()
    assert sorted(files) == [
        "README.md",
        "reports/2026-02-04.json",
        "reports/2026-02-04.md",
        "reports/feed.xml",
    ]
    assert files["README.md"].startswith(README)
    assert outputs["commit-sha"] == target.refs["heads/main"]
    assert outputs["report-url"] == "https://github.com/me/digests/blob/main/reports/2026-02-04.md"
    assert not (tmp_path / "unused").exists()  # nothing written locally


def test_rerun_with_the_same_data_makes_no_commit(github, target, source, tmp_path):
    publish(tmp_path)
    head = target.refs["heads/main"]
    code, outputs = publish(tmp_path)
    assert code == 0
    assert target.refs["heads/main"] == head
    assert outputs["commit-sha"] == ""
    writes = [r for m, r in github.requests if m != "GET" and r != "/graphql"]
    assert writes == [
        "/repos/{owner}/{repo}/git/trees",
        "/repos/{owner}/{repo}/git/commits",
        "/repos/{owner}/{repo}/git/refs/{ref}",
    ]


def test_next_day_adds_one_index_entry(github, target, source, tmp_path):
    publish(tmp_path)
    publish(tmp_path, "2026-02-05")
    assert len(target.log()) == 3
    assert index_dates(target.files_at()["README.md"]) == ["2026-02-05", "2026-02-04"]


def test_branch_that_moves_before_the_update_is_retried_without_losing_it(
    github, target, source, tmp_path
):
    publish(tmp_path, "2026-02-03")  # an earlier report, so the index has an entry to keep

    def another_run_lands_first(repo: GitRepo) -> None:
        readme = repo.files_at()["README.md"].replace("Hand-written intro.", "Edited by a human.")
        repo.push("main", "human edit", {"README.md": readme, "notes/today.md": "meeting notes"})

    target.before_ref_update = another_run_lands_first
    code, _ = publish(tmp_path, "2026-02-04")

    assert code == 0
    log = target.log()
    assert log[:2] == [
        "digest: report for 2026-02-04\n\n1 of 1 repositories had activity.",
        "human edit",
    ]
    files = target.files_at()
    assert files["notes/today.md"] == "meeting notes"
    assert "Edited by a human." in files["README.md"]
    assert index_dates(files["README.md"]) == ["2026-02-04", "2026-02-03"]


def test_pull_request_mode_opens_one_and_reruns_update_it(github, target, source, tmp_path):
    code, outputs = publish(tmp_path, "2026-02-04", "pull-request")
    assert code == 0
    assert target.log() == ["Initial commit"]  # the base branch is untouched
    assert "reports/2026-02-04.md" in target.files_at("digest/2026-02-04")
    (pull,) = target.pulls
    assert (pull["head"], pull["base"]) == ("digest/2026-02-04", "main")
    assert pull["title"] == "Daily digest — 2026-02-04"
    assert "FlashInfer MLA backend" in pull["body"]
    assert outputs["pull-request-number"] == "1"
    assert outputs["pull-request-url"] == "https://github.com/me/digests/pull/1"

    merged_pr(source, 34060, "[Core] late change", at("2026-02-04 22:00"))
    code, outputs = publish(tmp_path, "2026-02-04", "pull-request")
    assert code == 0
    assert len(target.pulls) == 1 and outputs["pull-request-number"] == "1"
    assert "late change" in target.pulls[0]["body"]
    assert len(target.log("digest/2026-02-04")) == 3


def test_read_only_token_names_the_permission(github, target, source, tmp_path, capsys):
    github.read_only_tokens.add("read-only")
    code, _ = publish(tmp_path, "2026-02-04", "commit", "--github-token", "read-only")
    assert code != 0
    err = capsys.readouterr().err
    assert "permissions: contents: write" in err
    assert target.log() == ["Initial commit"]


def test_actions_not_allowed_to_open_pull_requests(github, target, source, tmp_path, capsys):
    target.allow_actions_pull_requests = False
    code, _ = publish(tmp_path, "2026-02-04", "pull-request")
    assert code != 0
    assert "Allow GitHub Actions to create and approve pull requests" in capsys.readouterr().err


def test_unknown_target_repository(github, source, tmp_path, capsys):
    code, _ = publish(tmp_path)
    assert code != 0
    assert "input 'target-repo': me/digests was not found" in capsys.readouterr().err


def test_model_rerun_in_commit_mode_reads_the_published_sidecar(github, target, source, tmp_path):
    from tests.fakellm.server import FakeLLM, diligent

    with FakeLLM(diligent) as llm:
        model = ["--model", "openai/test-model", "--api-base", llm.api_base, "--api-key", "sk-x"]
        publish(tmp_path, "2026-02-04", "commit", *model)
        calls, head = len(llm.requests), target.refs["heads/main"]
        code, outputs = publish(tmp_path, "2026-02-04", "commit", *model)
    assert code == 0 and calls == 2
    assert len(llm.requests) == calls  # summaries reused from the sidecar on the branch
    assert target.refs["heads/main"] == head and outputs["commit-sha"] == ""
    assert outputs["prompt-tokens"] == "0"
    assert outputs["cost-usd"] == "0.0"  # no call, no cost (it was empty: "unknown")


def _collection_requests(github) -> list[str]:
    return [route for _, route in github.requests if route == "/graphql"]


def test_a_branch_that_does_not_exist_is_bad_input_before_collecting(
    github, target, source, tmp_path, capsys
):
    code, _ = publish(tmp_path, "2026-02-04", "commit", "--target-branch", "mian")
    assert code == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("digest: error: input 'target-branch': branch 'mian' does not exist")
    assert _collection_requests(github) == []
    assert target.log() == ["Initial commit"]


def test_an_empty_target_repository_says_what_to_do(github, source, tmp_path, capsys):
    github.add_target(GitRepo("me/digests"))
    code, _ = publish(tmp_path)
    assert code == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "input 'target-repo': me/digests is empty" in line and "first commit" in line
    assert _collection_requests(github) == []


def test_a_refused_write_is_one_line_and_exit_1(github, target, source, tmp_path, capsys):
    target.refuse_tree = "tree.path contains a malformed path component"
    code, _ = publish(tmp_path)
    assert code == 1
    err = capsys.readouterr().err
    line = [x for x in err.splitlines() if x.startswith("digest: error:")]
    assert len(line) == 1 and "HTTP 422: tree.path contains a malformed path" in line[0]
    assert "Traceback" not in err
    assert target.log() == ["Initial commit"]


def test_a_refused_pull_request_leaves_no_branch_behind(github, target, source, tmp_path):
    target.allow_actions_pull_requests = False
    code, _ = publish(tmp_path, "2026-02-04", "pull-request")
    assert code == 1
    assert "heads/digest/2026-02-04" not in target.refs


def test_an_unchanged_pull_request_rerun_does_not_edit_it(github, target, source, tmp_path, capsys):
    publish(tmp_path, "2026-02-04", "pull-request")
    before = len(github.requests)
    code, outputs = publish(tmp_path, "2026-02-04", "pull-request")
    assert code == 0 and outputs["pull-request-number"] == "1"
    writes = [r for m, r in github.requests[before:] if m != "GET" and r != "/graphql"]
    assert writes == []
    assert "pull request: https://github.com/me/digests/pull/1" in capsys.readouterr().err


def test_a_seven_day_window_is_titled_as_a_week(github, target, source, tmp_path):
    code, _ = publish(tmp_path, "2026-02-05", "pull-request", "--days", "7")
    assert code == 0
    (pull,) = target.pulls
    assert pull["title"] == "Weekly digest — 2026-01-30 to 2026-02-05"
    report = target.files_at("digest/2026-02-05")["reports/2026-02-05.md"]
    assert report.startswith("# Weekly digest — 2026-01-30 to 2026-02-05\n")


TRICKY = "Fix #12 for @alice, see vllm-project/vllm#35031 and GH-7, commit 78a0091abc"


def test_a_pull_request_links_upstream_without_backlinks_references_or_pings(
    github, target, source, tmp_path
):
    from urllib.parse import urlsplit

    from tests.fakegithub.builders import direct_push
    from tests.readers import autolinkable, github_html, parse_html, zero_width

    merged_pr(source, 34070, TRICKY, at("2026-02-04 11:00"))
    direct_push(source, "Revert 78a0091abc for @bob (GH-9)", at("2026-02-04 12:00"))
    publish(tmp_path, "2026-02-04", "pull-request")
    merged_pr(source, 34071, "[Core] late change for @carol", at("2026-02-04 22:00"))
    publish(tmp_path, "2026-02-04", "pull-request")  # the update edits the same pull request

    (pull,) = target.pulls
    collected = {p.url for p in source_objects(github, source)}
    page = parse_html(github_html(pull["body"]))
    assert "late change" in pull["body"]
    assert autolinkable(github_html(pull["body"])) == []
    assert autolinkable(github_html(pull["title"])) == []
    upstream = [href for _, href in page.links if "/me/digests/" not in href]
    assert {urlsplit(h).path.split("/")[3] for h in upstream} == {"pull", "commit"}
    for href in upstream:
        parts = urlsplit(href)
        # only a pull request (or issue, or discussion) would say "mentioned this"
        host = "redirect.github.com" if "/pull/" in href else "github.com"
        assert parts.netloc == host, href
        assert parts._replace(netloc="github.com").geturl() in collected
    (own,) = [href for _, href in page.links if "/me/digests/" in href]
    assert own.startswith("https://github.com/me/digests/blob/digest/2026-02-04/")
    # the words are all there for a person to read, and a copied SHA or URL is whole
    assert zero_width(pull["body"]) == []
    text = "".join(page.parts)
    assert TRICKY in text and "78a0091abc for @bob (GH-9)" in text


def source_objects(github, repo):
    """Every pull request and commit of `repo` as the local GitHub links them."""

    class Ref:
        def __init__(self, url: str):
            self.url = url

    base = f"https://github.com/{repo.full_name}"
    return [Ref(f"{base}/pull/{p.number}") for p in repo.pulls] + [
        Ref(f"{base}/commit/{c.sha}") for c in repo.commits
    ]


def test_a_branch_deleted_while_publishing_is_one_line_naming_it(
    github, target, source, tmp_path, capsys
):
    target.refs["heads/reports"] = target.refs["heads/main"]
    target.before_ref_update = lambda repo: repo.delete_branch("reports")
    code, outputs = publish(tmp_path, "2026-02-04", "commit", "--target-branch", "reports")
    assert code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    (line,) = [x for x in err.splitlines() if x.startswith("digest: error:")]
    assert "branch 'reports' of me/digests was deleted while digest was publishing" in line
    assert "Restore the branch, or set target-branch" in line
    assert "heads/reports" not in target.refs
    assert target.log() == ["Initial commit"] and outputs.get("commit-sha", "") == ""


def test_a_pull_request_branch_deleted_while_publishing_reopens_on_the_next_run(
    github, target, source, tmp_path, capsys
):
    publish(tmp_path, "2026-02-04", "pull-request")
    merged_pr(source, 34060, "[Core] late change", at("2026-02-04 22:00"))
    target.before_ref_update = lambda repo: repo.delete_branch("digest/2026-02-04")
    code, _ = publish(tmp_path, "2026-02-04", "pull-request")
    assert code == 1
    (line,) = [x for x in capsys.readouterr().err.splitlines() if x.startswith("digest: error:")]
    assert "branch 'digest/2026-02-04' of me/digests was deleted" in line
    assert "Run again: digest opens a new pull request" in line

    code, outputs = publish(tmp_path, "2026-02-04", "pull-request")
    assert code == 0 and outputs["pull-request-number"] == "2"
    assert [p["state"] for p in target.pulls] == ["closed", "open"]
    assert "late change" in target.pulls[1]["body"]


@pytest.mark.parametrize("mode", ["none", "commit"])
@pytest.mark.parametrize("inside", ["", "out"])
def test_an_output_directory_that_is_a_file_is_bad_input_before_any_request(
    github, target, source, tmp_path, capsys, mode, inside
):
    file = tmp_path / "notes.txt"
    file.write_text("mine\n")
    argv = ["run", "--repos", "vllm-project/vllm", "--date", "2026-02-04", "--publish", mode]
    argv += ["--target-repo", "me/digests", "--output-dir", str(file / inside)]
    code, _ = main_with_outputs(argv, tmp_path)
    assert code == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line == (
        "digest: error: input 'output-dir' must be a directory, or a path where one can be "
        f"made ({file} is a file)"
    )
    assert github.requests == []
    assert file.read_text() == "mine\n" and target.log() == ["Initial commit"]


@pytest.mark.parametrize(
    ("refusal", "kind", "reason"),
    [
        (RULESET_REFUSAL, "a ruleset", "Changes must be made through a pull request."),
        (
            protection_refusal("main"),
            "branch protection",
            "Protected branch update failed for refs/heads/main.",
        ),
    ],
    ids=["ruleset", "branch-protection"],
)
def test_a_protected_branch_is_named_with_githubs_reason_at_the_first_refusal(
    github, target, source, tmp_path, capsys, refusal, kind, reason
):
    target.protected["heads/main"] = refusal
    code, outputs = publish(tmp_path)
    assert code == 1
    err = capsys.readouterr().err
    (line,) = [x for x in err.splitlines() if x.strip()]
    assert line == (
        f"digest: error: branch 'main' of me/digests is protected by {kind}, which refused "
        f'digest\'s commit: "{reason}"; nothing was published. Set publish: pull-request to '
        "propose each report as a pull request instead, or let this token bypass the protection"
    )
    updates = [r for m, r in github.requests if m == "PATCH" and "/git/refs/" in r]
    assert len(updates) == 1  # a refusal is not a race: nothing to retry
    assert target.log() == ["Initial commit"] and outputs.get("commit-sha", "") == ""


def test_a_ruleset_on_the_pull_request_branches_is_named(github, target, source, tmp_path, capsys):
    publish(tmp_path, "2026-02-04", "pull-request")
    merged_pr(source, 34060, "[Core] late change", at("2026-02-04 22:00"))
    target.protected["heads/digest/2026-02-04"] = RULESET_REFUSAL
    code, _ = publish(tmp_path, "2026-02-04", "pull-request")
    assert code == 1
    (line,) = [x for x in capsys.readouterr().err.splitlines() if x.startswith("digest: error:")]
    assert "branch 'digest/2026-02-04' of me/digests is protected by a ruleset" in line
    assert "Exempt digest/* branches from it" in line
