"""`announce`: each report as a GitHub issue or discussion, against the local GitHub.

`digest run` as a user runs it; what is asserted is what a reader of the repository sees:
the threads, their state, and what their bodies render to on GitHub.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.conftest import main_with_outputs, requested_repositories
from tests.fakegithub.builders import at, direct_push, merged_pr
from tests.fakegithub.server import FakeRepo
from tests.readers import autolinkable, github_html, parse_html, zero_width

MARKER = "<!-- digest-thread: reports/{date}.md -->\n"


@pytest.fixture
def source(github):
    repo = github.add(FakeRepo("vllm-project/vllm"))
    merged_pr(repo, 34049, "[Kernel] FlashInfer MLA backend", at("2026-02-04 10:00"))
    merged_pr(repo, 34100, "[Bugfix] Fix scheduler stall", at("2026-02-05 10:00"))
    merged_pr(repo, 34000, "[Core] Paged attention v3", at("2026-02-03 10:00"))
    return repo


@pytest.fixture
def repo(github, target):
    return github.threads.of("me/digests")


def announce(tmp_path, mode="issue", date="2026-02-04", *extra, publish="commit"):
    argv = [
        "run",
        "--repos",
        "vllm-project/vllm",
        "--date",
        date,
        "--publish",
        publish,
        "--output-dir",
        str(tmp_path / "out"),
        "--announce",
        mode,
        *extra,
    ]
    if publish != "none":
        argv += ["--target-repo", "me/digests"]
    return main_with_outputs(argv, tmp_path)


def thread_requests(github) -> list[str]:
    """What announce asked of the local GitHub: REST issue and label routes, and the
    GraphQL documents by operation name."""
    rest = [f"{m} {r}" for m, r in github.requests if "/issues" in r or "/labels" in r]
    operations = (
        re.search(r"(?m)^(?:query|mutation) (\w+)", b["query"]) for b in github.graphql_bodies
    )
    graphql = [m[1] for m in operations if m and "Discussion" in m[1]]
    return rest + graphql


def _said(capsys) -> list[str]:
    """What the run said on stderr, without the INFO log lines a runner shows (its log level
    there): PyGithub logs the refused request at INFO before digest says what it means."""
    lines = capsys.readouterr().err.strip().splitlines()
    return [line for line in lines if not line.startswith("INFO ")]


def threads_of(repo, mode):
    return repo.issues if mode == "issue" else repo.discussions


# -- one thread per report, updated, retired ------------------------------------------------


def test_one_issue_per_report_labelled_and_updated_on_rerun(github, target, source, repo, tmp_path):
    code, _ = announce(tmp_path)
    assert code == 0
    (issue,) = repo.issues
    assert issue.title == "Daily digest — 2026-02-04"
    assert issue.labels == ["digest"] and issue.state == "open"
    assert issue.body.startswith(MARKER.format(date="2026-02-04"))
    assert "FlashInfer MLA backend" in issue.body
    assert "https://github.com/me/digests/blob/main/reports/2026-02-04.md" in issue.body
    label = repo.labels["digest"]
    assert label["color"] != "ededed" and label["description"]  # made by digest, not implied
    assert thread_requests(github) == [
        "POST /repos/{owner}/{repo}/issues",  # the check: a create GitHub refuses (422)
        "GET /repos/{owner}/{repo}/issues",
        "POST /repos/{owner}/{repo}/labels",
        "POST /repos/{owner}/{repo}/issues",
    ]

    merged_pr(source, 34060, "[Core] late change", at("2026-02-04 22:00"))
    github.requests.clear()
    assert announce(tmp_path)[0] == 0
    (issue,) = repo.issues  # the same issue, edited
    assert "late change" in issue.body
    assert thread_requests(github) == [
        "POST /repos/{owner}/{repo}/issues",
        "GET /repos/{owner}/{repo}/issues",
        "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
    ]

    github.requests.clear()
    assert announce(tmp_path)[0] == 0  # nothing changed: nothing posted
    assert thread_requests(github) == ["POST /repos/{owner}/{repo}/issues"]  # the check only
    assert len(repo.issues) == 1


def test_one_discussion_per_report_in_the_category_labelled_and_updated(
    github, target, source, repo, tmp_path
):
    repo.label("digest", "1d76db", "digests")  # labels are the repository's: added if it exists
    assert announce(tmp_path, "discussion")[0] == 0
    (discussion,) = repo.discussions
    assert discussion.title == "Daily digest — 2026-02-04"
    assert discussion.category == repo.categories[0]["id"]  # Announcements
    assert discussion.labels == ["digest"]
    assert "FlashInfer MLA backend" in discussion.body
    assert thread_requests(github) == [
        "DiscussionTarget",
        "DiscussionPermission",
        "DigestDiscussions",
        "CreateDigestDiscussion",
        "LabelDigestDiscussion",
    ]

    merged_pr(source, 34060, "[Core] late change", at("2026-02-04 22:00"))
    github.graphql_bodies.clear()
    assert announce(tmp_path, "discussion")[0] == 0
    (discussion,) = repo.discussions
    assert "late change" in discussion.body
    assert thread_requests(github) == [
        "DiscussionTarget",
        "DiscussionPermission",
        "DigestDiscussions",
        "UpdateDigestDiscussion",
    ]

    github.graphql_bodies.clear()
    assert announce(tmp_path, "discussion")[0] == 0
    assert thread_requests(github) == ["DiscussionTarget", "DiscussionPermission"]


def test_a_category_named_by_its_slug_and_no_label_when_the_repository_has_none(
    github, target, source, repo, tmp_path
):
    assert announce(tmp_path, "discussion", "2026-02-04", "--announce-category", "ideas")[0] == 0
    (discussion,) = repo.discussions
    assert discussion.category == repo.categories[2]["id"] and discussion.labels == []
    assert "digest" not in repo.labels  # GraphQL cannot make one: nothing invented


@pytest.mark.parametrize("mode", ["issue", "discussion"])
def test_a_new_day_closes_the_older_thread(github, target, source, repo, tmp_path, mode):
    announce(tmp_path, mode, "2026-02-04")
    announce(tmp_path, mode, "2026-02-05")
    older, newer = threads_of(repo, mode)
    assert (older.title, newer.title) == ("Daily digest — 2026-02-04", "Daily digest — 2026-02-05")
    assert newer.state == "open" and not newer.locked
    assert older.state == "closed"
    if mode == "issue":
        assert older.state_reason == "completed" and not older.locked
    else:
        assert (older.state_reason, older.locked) == ("OUTDATED", True)


@pytest.mark.parametrize("mode", ["issue", "discussion"])
def test_keep_two_leaves_the_latest_two_open(github, target, source, repo, tmp_path, mode):
    for date in ("2026-02-03", "2026-02-04", "2026-02-05"):
        assert announce(tmp_path, mode, date, "--announce-keep", "2")[0] == 0
    states = {t.title[-10:]: t.state for t in threads_of(repo, mode)}
    assert states == {"2026-02-03": "closed", "2026-02-04": "open", "2026-02-05": "open"}


def test_backfilled_days_open_no_thread_that_would_be_closed_at_once(
    github, target, source, repo, tmp_path
):
    assert announce(tmp_path, "issue", "2026-02-03")[0] == 0
    assert announce(tmp_path, "issue", "2026-02-05", "--backfill", "2")[0] == 0
    assert "reports/2026-02-04.md" in target.files_at()  # the missed day was written too
    # keep 1: the missed day is not posted only to be closed at once
    assert [(i.title[-10:], i.state) for i in repo.issues] == [
        ("2026-02-03", "closed"),
        ("2026-02-05", "open"),
    ]


def test_a_human_issue_with_the_label_is_left_alone(github, target, source, repo, tmp_path):
    from tests.fakegithub.threads import Thread

    repo.label("digest")
    repo.issues.append(Thread(repo.number(), "Discuss the digest format", "Thoughts?", ["digest"]))
    announce(tmp_path, "issue", "2026-02-04")
    announce(tmp_path, "issue", "2026-02-05")
    human = repo.issues[0]
    assert (human.state, human.body) == ("open", "Thoughts?")
    assert [i.state for i in repo.issues[1:]] == ["closed", "open"]


# -- what the bodies link and ping -------------------------------------------------------------

TRICKY = "Fix #12 for @alice, see vllm-project/vllm#35031 and GH-7, commit 78a0091abc"


@pytest.mark.parametrize("mode", ["issue", "discussion"])
def test_bodies_link_upstream_without_backlinks_and_ping_nobody(
    github, target, source, repo, tmp_path, mode
):
    merged_pr(source, 34070, TRICKY, at("2026-02-04 11:00"))
    direct_push(source, "Revert 78a0091abc for @bob (GH-9)", at("2026-02-04 12:00"))
    announce(tmp_path, mode, "2026-02-04")
    announce(tmp_path, mode, "2026-02-05")
    collected = {f"https://github.com/vllm-project/vllm/pull/{p.number}" for p in source.pulls}
    collected |= {f"https://github.com/vllm-project/vllm/commit/{c.sha}" for c in source.commits}
    threads = threads_of(repo, mode)
    assert len(threads) == 2
    for thread in threads:
        page = parse_html(github_html(thread.body))
        assert autolinkable(github_html(thread.body)) == []
        assert autolinkable(github_html(thread.title)) == []
        upstream = [href for _, href in page.links if "/me/digests/" not in href]
        assert upstream  # the day's pull requests and commits are linked
        for href in upstream:
            parts = urlsplit(href)
            # a pull request's timeline would say "mentioned this"; a commit has none
            host = "redirect.github.com" if "/pull/" in href else "github.com"
            assert parts.netloc == host, href
            assert parts._replace(netloc="github.com").geturl() in collected, href
        (own,) = [href for _, href in page.links if "/me/digests/" in href]
        assert own.startswith("https://github.com/me/digests/blob/main/reports/")
        assert "github.com/vllm-project/vllm/pull" not in thread.body.replace("redirect.github", "")
        assert zero_width(thread.body) == []  # Markdown is rendered here: nothing hidden
    text = "".join(parse_html(github_html(threads[0].body)).parts)
    assert TRICKY in text  # every word there to read, and each SHA and URL copies whole


def test_a_brief_past_githubs_limit_is_cut_at_a_line_with_a_pointer_to_the_report(
    github, target, repo, tmp_path
):
    from tests.fakellm.server import FakeLLM, diligent, ok

    big = github.add(FakeRepo("vllm-project/vllm"))
    for n in range(1, 401):
        merged_pr(big, n, f"[Kernel] change number {n} " + "x" * 40, at("2026-02-04 10:00"))

    def everything(body):
        """A model that calls every item of the day a top development, at length."""
        text = next(m["content"] for m in body["messages"] if m["role"] == "user")
        if "highlights" not in body["messages"][0]["content"]:
            return diligent(body)
        import json
        import re

        refs = sorted(set(re.findall(r"vllm-project/vllm#pr:\d+", text)))
        points = [
            {"text": "A kernel change worth reading about, at length. " * 5, "refs": [r]}
            for r in refs
        ]
        return ok(
            json.dumps(
                {
                    "overview": "A huge day.",
                    "highlights": points,
                    "risks": [],
                    "conclusion": "More to come.",
                }
            )
        )

    with FakeLLM(everything) as llm:
        model = ["--model", "openai/test-model", "--api-base", llm.api_base, "--api-key", "sk-x"]
        code, _ = announce(tmp_path, "issue", "2026-02-04", *model)
    assert code == 0
    (issue,) = repo.issues
    assert 60_000 < len(issue.body) <= 65_536
    lines = issue.body.rstrip("\n").split("\n")
    assert lines[-1].startswith("_The brief stops here to fit GitHub's limit on a post")
    assert lines[-1].endswith("(https://github.com/me/digests/blob/main/reports/2026-02-04.md)")
    bullets = [line for line in lines if line.startswith("- ")]
    assert len(bullets) > 200
    for line in bullets:  # each kept line whole: its link closed
        assert line.endswith(")"), line
    assert autolinkable(github_html(issue.body)) == []


# -- the permission, checked before collecting -------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "denied", "checks"),
    [
        ("issue", "issues", 1),
        ("discussion", "discussions", 2),
        ("discussion", "discussions:read", 1),
    ],
)
def test_a_missing_permission_is_one_line_before_anything_is_collected(
    github, target, source, repo, tmp_path, capsys, mode, denied, checks
):
    github.threads.deny(denied)
    code, _ = announce(tmp_path, mode)
    assert code == 2
    err = _said(capsys)
    assert len(err) == 1
    permission = {"issue": "issues", "discussion": "discussions"}[mode]
    assert f"announce: {mode} needs permissions: {permission}: write in the workflow" in err[0]
    assert requested_repositories(github) == []  # nothing collected
    assert target.log() == ["Initial commit"]  # nothing written
    assert not (tmp_path / "out").exists()
    assert threads_of(repo, mode) == []
    assert len(thread_requests(github)) == checks  # the check's requests, and no other
    assert len(github.graphql_bodies) == (checks if mode == "discussion" else 0)


def test_a_read_only_token_cannot_announce(github, target, source, tmp_path, capsys):
    github.read_only_tokens.add("read-only")
    code, _ = announce(tmp_path, "issue", "2026-02-04", "--github-token", "read-only")
    assert code == 2
    assert "needs permissions: issues: write" in capsys.readouterr().err
    assert requested_repositories(github) == []


def test_issues_turned_off_is_bad_input(github, target, source, repo, tmp_path, capsys):
    repo.issues_enabled = False
    assert announce(tmp_path, "issue")[0] == 2
    assert "needs issues turned on in me/digests" in capsys.readouterr().err
    assert requested_repositories(github) == []


def test_discussions_turned_off_or_no_such_category(github, target, source, repo, tmp_path, capsys):
    repo.discussions_enabled = False
    assert announce(tmp_path, "discussion")[0] == 2
    assert "needs discussions turned on in me/digests" in capsys.readouterr().err
    repo.discussions_enabled = True
    assert announce(tmp_path, "discussion", "2026-02-04", "--announce-category", "News")[0] == 2
    err = capsys.readouterr().err.strip()
    assert "'News' is not a discussion category of me/digests" in err
    assert "Announcements, General, Ideas" in err
    assert requested_repositories(github) == [] and repo.discussions == []


def test_publish_none_has_no_repository_to_post_in(github, source, tmp_path, capsys):
    code, _ = announce(tmp_path, "issue", publish="none")
    assert code == 2
    err = _said(capsys)
    assert len(err) == 1 and "announce: issue needs a repository to post in" in err[0]
    assert requested_repositories(github) == []
    assert not (tmp_path / "out").exists()


# -- posting fails after publishing: a warning ---------------------------------------------------


def test_a_failed_post_is_a_warning_and_the_report_is_published(
    github, target, source, repo, tmp_path, capsys
):
    github.threads.fail("POST issues", 502)
    code, _ = announce(tmp_path, "issue")
    assert code == 0
    assert "reports/2026-02-04.md" in target.files_at()
    err = capsys.readouterr().err
    assert "could not post reports/2026-02-04.md to me/digests: HTTP 502" in err
    assert "the report was published" in err
    assert repo.issues == []
    # asked once: a create GitHub answered 502 may exist all the same, and is not made twice
    assert github.counts()["POST /repos/{owner}/{repo}/issues"] == 2  # the check, the create


def test_a_failed_discussion_post_is_a_warning(github, target, source, repo, tmp_path, capsys):
    github.threads.fail("createDiscussion")
    assert announce(tmp_path, "discussion")[0] == 0
    assert "could not post reports/2026-02-04.md" in capsys.readouterr().err
    assert "reports/2026-02-04.md" in target.files_at()


def test_in_pull_request_mode_the_thread_links_the_pull_request(
    github, target, source, repo, tmp_path
):
    assert announce(tmp_path, "issue", publish="pull-request")[0] == 0
    (issue,) = repo.issues
    links = [href for _, href in parse_html(github_html(issue.body)).links]
    assert "https://github.com/me/digests/pull/1" in links
