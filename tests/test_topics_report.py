"""The Topics section as each reader sees it: the report and the index on GitHub, the site's
report page, the feed entry, chat and mail, the GitHub thread; third-party titles and file
names in it stay text; a notification limited to topics (`notify-topics`, or a configuration
file's entry) sends nothing on a day none of them matched, and names those first otherwise.

`digest run` as a user runs it, publishing to the local GitHub, with four topics: words, a
label, a path glob, and one that matches nothing that day.
"""

from __future__ import annotations

import email
import re

import feedparser
import pytest

from digest.cli import main
from tests.fakegithub.builders import at, merged_pr
from tests.fakegithub.server import FakeFile, FakeIssue, FakeRepo
from tests.readers import (
    AUTOLINKED,
    autolinkable,
    github_html,
    mail_parts,
    parse_html,
    seen,
    slack_view,
    telegram_live,
    unhidden,
)
from tests.sent import Sent, body_in, strings

VLLM, SGL = "vllm-project/vllm", "sgl-project/sglang"
PULL = f"https://github.com/{VLLM}/pull/34049"
BUG = f"https://github.com/{VLLM}/pull/34050"
CUTE = f"https://github.com/{SGL}/pull/7000"
ISSUE = f"https://github.com/{SGL}/issues/7001"
TOPICS = """\
topics:
  - name: FP4 / FP8
    match: [nvfp4, fp8]
  - name: Bugs
    labels: [bug]
  - name: CuTe DSL
    paths: ["**/cute/**"]
  - name: MoE
    match: [moe]
"""
SLACK = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ"
TELEGRAM = "tgram://123456789:abcdefghijklmnopqrstuvwxyzABCDEFG/-1001234567890"
MAIL = "mailto://user:pass@example.com?smtp=smtp.example.com&to=team@example.com"
JSON = "json://127.0.0.1:9/hooks"
# What every brief leads with (the topics that matched, in declared order, their items
# linked), before the overview's story.
BRIEF_FP4 = "FP4 / FP8: 2 items"
BRIEF_BUGS = "Bugs: 2 items"
BRIEF_CUTE = "CuTe DSL: 1 item"
STORY = "On your topics"


HEADING = re.compile(r"(?s)<h([1-6])[^>]*>(.*?)</h\1>")


def headings(page: str) -> list[str]:
    return [seen(h) for _, h in HEADING.findall(page)]


def between(page: str, start: str, end: str | None = None) -> str:
    """The HTML of a page from its heading `start` to its heading `end` (None: the next
    heading), or to its end."""
    found = [(seen(m.group(2)), m.start()) for m in HEADING.finditer(page)]
    first = next(at for text, at in found if text == start)
    last = next((at for text, at in found if end in (None, text) and at > first), None)
    return page[first:last]


def lines(page: str) -> list[str]:
    return [seen(li) for li in re.findall(r"(?s)<li>(.*?)</li>", page)]


def a_day(github) -> None:
    vllm = github.add(FakeRepo(VLLM))
    sglang = github.add(FakeRepo(SGL))
    merged_pr(vllm, 34049, "[Kernel] NVFP4 GEMM for SM100", at("2026-02-04 10:00"))
    merged_pr(vllm, 34050, "Fix scheduler stall", at("2026-02-04 11:00"), labels=["bug"])
    merged_pr(vllm, 34051, "Bump the docs theme", at("2026-02-04 12:00"))
    merged_pr(
        sglang,
        7000,
        "Port attention to the new DSL",
        at("2026-02-04 13:00"),
        files=[FakeFile("python/sglang/cute/attention.py", additions=40)],
    )
    sglang.issues.append(
        FakeIssue(7001, "fp8 accuracy drop on long prompts", at("2026-02-04 14:00"), labels=["bug"])
    )


def configured(folder, text: str = TOPICS) -> None:
    (folder / ".github").mkdir(parents=True, exist_ok=True)
    (folder / ".github/digest.yml").write_text(text, encoding="utf-8")


PUBLISH = ["--repos", f"{VLLM},{SGL}", "--publish", "commit", "--target-repo", "me/digests"]


@pytest.fixture
def published(github, target, tmp_path, monkeypatch):
    """A day run with topics, told to chat, mail and a webhook and as an issue; then its site."""
    a_day(github)
    out = tmp_path / "out"
    configured(out)
    sent = Sent(monkeypatch)
    run = ["run", *PUBLISH, "--date", "2026-02-04", "--output-dir", str(out)]
    notify = "\n".join([SLACK, TELEGRAM, MAIL, JSON])
    assert main([*run, "--notify", notify, "--announce", "issue"]) == 0
    configured(tmp_path)
    assert main(["run", "--stage", "site", *PUBLISH, "--output-dir", str(tmp_path)]) == 0
    files = target.files_at()
    return {
        "report": files["reports/2026-02-04.md"],
        "index": files["README.md"],
        "feed": files["reports/feed.xml"],
        "sent": sent,
        "thread": github.threads.of("me/digests").issues[0].body,
        "page": (tmp_path / "_site" / "reports" / "2026-02-04.html").read_text(),
    }


def test_the_topics_section_on_github_lists_each_topic_s_items_with_why(published):
    for name in ("report", "index"):
        page = github_html(published[name])
        titles = headings(page)
        assert titles.index("Overview") < titles.index("Topics") < titles.index("Repositories")
        part = between(page, "Topics", "Repositories")
        # a part per topic that matched, in declared order; MoE on one line
        assert headings(part) == ["Topics", "FP4 / FP8", "Bugs", "CuTe DSL"], name
        text = seen(part)
        for line in (
            "#34049 [Kernel] NVFP4 GEMM for SM100 · merged pull request · “nvfp4” in the title",
            "#7001 fp8 accuracy drop on long prompts · new issue · “fp8” in the title",
            "#34050 Fix scheduler stall · merged pull request · label bug",
            "#7001 fp8 accuracy drop on long prompts · new issue · label bug",
            "#7000 Port attention to the new DSL · merged pull request · changes "
            "python/sglang/cute/attention.py (**/cute/**)",
        ):
            assert line in lines(part), (name, line)
        assert "Bump the docs theme" not in text  # no topic matches it
        assert "Matched nothing: MoE." in text
        # each item linked where it was collected; the topic's page is the site's to link
        links = parse_html(part).links
        assert {url for _, url in links} == {PULL, BUG, CUTE, ISSUE}, name
        # the complete record below is as it was: a line for every item
        record = lines(between(page, "Repositories", "In closing"))
        for number in ("#34049", "#34050", "#34051", "#7000", "#7001"):
            assert len([x for x in record if x.startswith(f"{number} ")]) == 1, number


def test_the_site_s_report_page_has_the_section(published):
    page = published["page"]
    assert '<h2 id="topics">' in page
    part = between(page, "Topics", "Repositories")
    # each topic's part (h3), its repositories under it (h4)
    assert [seen(h) for h in re.findall(r"(?s)<h3[^>]*>(.*?)</h3>", part)] == [
        "FP4 / FP8",
        "Bugs",
        "CuTe DSL",
    ]
    assert "Matched nothing: MoE." in seen(part)
    assert ("#34049", PULL) in parse_html(part).links
    assert "changes python/sglang/cute/attention.py (**/cute/**)" in seen(part)


def brief_order(text: str) -> None:
    """The topics that matched come first, in declared order, before the story."""
    at = [text.index(s) for s in (BRIEF_FP4, BRIEF_BUGS, BRIEF_CUTE, STORY)]
    assert at == sorted(at), text
    assert "MoE:" not in text  # matched nothing: not in the brief


def test_every_brief_leads_with_the_topics_that_matched(published):
    sent: Sent = published["sent"]
    # the feed entry
    (entry,) = feedparser.parse(published["feed"]).entries
    html = entry.content[0].value
    brief_order(seen(html))
    assert f"{BRIEF_FP4} (#34049, #7001)" in seen(html)
    assert {("#34049", PULL), ("#7001", ISSUE)} <= set(parse_html(html).links)
    # Slack, as Slack shows it
    slack = slack_view(body_in(sent.to("hooks.slack.com")))
    brief_order(slack.text)
    assert f"{BRIEF_FP4} (#34049, #7001)" in slack.text
    assert {("#34049", PULL), ("#7001", ISSUE)} <= set(slack.links)
    assert slack.pings == []
    # Telegram
    page = sent.to("api.telegram.org")["text"]
    brief_order(seen(page))
    assert {("#34049", PULL), ("#7001", ISSUE)} <= set(unhidden(parse_html(page).links))
    assert telegram_live(page) == []
    # mail: both its parts
    (raw,) = sent.mails
    html_part, text_part = mail_parts(email.message_from_string(raw))
    brief_order(seen(html_part))
    brief_order(" ".join(text_part.split()))
    assert PULL in text_part and ISSUE in text_part
    # a webhook: plain text, bare links
    text = body_in(sent.to("127.0.0.1:9"))
    brief_order(text)
    assert f"{BRIEF_FP4} ({PULL}, {ISSUE})" in text
    # the GitHub thread: nothing in it links back or pings
    thread = github_html(published["thread"])
    brief_order(seen(thread))
    assert f"{BRIEF_FP4} (#34049, #7001)" in seen(thread)
    assert not autolinkable(thread)
    redirect = PULL.replace("github.com", "redirect.github.com")
    assert ("#34049", redirect) in parse_html(thread).links


# A title and a file name others wrote, each holding markup, a link, HTML and pings.
HOSTILE = "nvfp4 <script>alert(1)</script> [x](https://evil.example) @org/team #12 <b>hi</b>"
HOSTILE_FILE = "docs/cute/@alice [y](https://evil.example) <img src=x>.md"


def test_third_party_titles_and_files_in_the_section_stay_text(github, target, tmp_path):
    vllm = github.add(FakeRepo(VLLM))
    github.add(FakeRepo(SGL))
    merged_pr(vllm, 34049, HOSTILE, at("2026-02-04 10:00"), files=[FakeFile(HOSTILE_FILE)])
    out = tmp_path / "out"
    configured(out)
    assert main(["run", *PUBLISH, "--date", "2026-02-04", "--output-dir", str(out)]) == 0
    configured(tmp_path)
    assert main(["run", "--stage", "site", *PUBLISH, "--output-dir", str(tmp_path)]) == 0

    for name in ("reports/2026-02-04.md", "README.md"):
        page = github_html(target.files_at()[name])
        part = between(page, "Topics", "Repositories")
        assert headings(part) == ["Topics", "FP4 / FP8", "CuTe DSL"], name  # none added
        assert {url for _, url in parse_html(part).links} == {PULL}, name
        assert "<script" not in part and "<b>" not in part and "<img" not in part, name
        assert HOSTILE in seen(part) and f"changes {HOSTILE_FILE} (**/cute/**)" in seen(part)
        outside = " ".join(parse_html(part).outside)
        for kind in ("issue", "mention"):
            assert not AUTOLINKED[kind].search(outside), (name, kind)
    page = (tmp_path / "_site/reports/2026-02-04.html").read_text()
    part = between(page, "Topics", "Repositories")
    assert "<script>alert" not in part and "<img src=x>" not in part
    assert HOSTILE in seen(part) and {u for _, u in parse_html(part).links} >= {PULL}
    assert all(u == PULL or not u.startswith("http") for _, u in parse_html(part).links)


# -- notify-topics ----------------------------------------------------------------------------

LIMITED = (
    TOPICS
    + """\
notify:
  - url: ${DIGEST_SLACK_FP4}
    topics: [fp4 / fp8]
  - url: tgram://123456789:abcdefghijklmnopqrstuvwxyzABCDEFG/-1001234567890
    topics: FP4 / FP8, MoE
  - ${DIGEST_HOOK}
"""
)


def test_a_channel_limited_to_topics_hears_only_of_days_they_matched(
    github, target, tmp_path, monkeypatch, capsys
):
    """Day 1, nothing on FP4 / FP8 or MoE: Slack and Telegram (limited to them) are sent
    nothing, the webhook (every report) its message. Day 2, FP4 / FP8 and Bugs matched:
    Slack and Telegram get the report, their brief naming FP4 / FP8 first and no other
    topic; the webhook names both."""
    vllm = github.add(FakeRepo(VLLM))
    github.add(FakeRepo(SGL))
    merged_pr(vllm, 34050, "Fix scheduler stall", at("2026-02-04 11:00"), labels=["bug"])
    merged_pr(vllm, 34049, "[Kernel] NVFP4 GEMM for SM100", at("2026-02-05 10:00"))
    merged_pr(vllm, 34052, "Fix a leak", at("2026-02-05 11:00"), labels=["bug"])
    out = tmp_path / "out"
    configured(out, LIMITED)
    monkeypatch.setenv("DIGEST_SLACK_FP4", SLACK)
    monkeypatch.setenv("DIGEST_HOOK", "json://127.0.0.1:9/everything")
    sent = Sent(monkeypatch)
    run = ["run", *PUBLISH, "--output-dir", str(out)]

    assert main([*run, "--date", "2026-02-04"]) == 0
    hosts = [url for url, _ in sent.posts]
    assert [h for h in hosts if "127.0.0.1:9" in h] and len(hosts) == 1, hosts
    assert "Bugs: 1 item" in body_in(sent.to("127.0.0.1:9"))
    sent.posts.clear()

    assert main([*run, "--date", "2026-02-05"]) == 0
    assert "failed" not in capsys.readouterr().err
    slack = slack_view(body_in(sent.to("hooks.slack.com")))
    assert slack.text.index("FP4 / FP8: 1 item (#34049)") < slack.text.index(STORY)
    assert "Bugs: 1 item" not in slack.text  # not one of its topics
    assert ("#34049", PULL) in slack.links
    telegram = seen(sent.to("api.telegram.org")["text"])
    assert telegram.index("FP4 / FP8: 1 item (#34049)") < telegram.index(STORY)
    assert "Bugs: 1 item" not in telegram and "MoE:" not in telegram
    webhook = body_in(sent.to("127.0.0.1:9"))
    assert webhook.index("FP4 / FP8: 1 item") < webhook.index("Bugs: 1 item") < webhook.index(STORY)
    # no URL was written anywhere
    written = "".join(target.files_at().values()) + "".join(
        p.read_text() for p in out.rglob("*") if p.is_file() and p.suffix != ".yml"
    )
    assert "T1JJ3T3L2" not in written and "abcdefghijklmnop" not in written


def test_a_stage_that_tells_no_one_needs_no_notify_secret(github, tmp_path, monkeypatch):
    """The site's workflow (or a shard's) reads the same configuration file without the
    secrets its notify entries name: it runs. The run that tells them needs them."""
    github.add(FakeRepo(VLLM))
    github.add(FakeRepo(SGL))
    out = tmp_path / "out"
    configured(out, LIMITED)
    day = ["--repos", f"{VLLM},{SGL}", "--date", "2026-02-04", "--output-dir", str(out)]
    monkeypatch.setenv("DIGEST_SLACK_FP4", SLACK)
    monkeypatch.setenv("DIGEST_HOOK", "json://127.0.0.1:9/everything")
    sent = Sent(monkeypatch)
    assert main(["run", *day, "--publish", "none"]) == 0
    assert len(sent.posts) == 1  # the hook: every report
    monkeypatch.delenv("DIGEST_SLACK_FP4")
    monkeypatch.delenv("DIGEST_HOOK")

    assert main(["site", "--output-dir", str(out)]) == 0
    assert main(["run", "--stage", "site", "--output-dir", str(out)]) == 0
    assert main(["run", "--stage", "collect", "--shard", "1/2", *day]) == 0
    assert main(["run", *day, "--publish", "none"]) == 2
    assert len(sent.posts) == 1


def test_the_input_limits_every_url(github, target, tmp_path, monkeypatch):
    vllm = github.add(FakeRepo(VLLM))
    github.add(FakeRepo(SGL))
    merged_pr(vllm, 34050, "Fix scheduler stall", at("2026-02-04 11:00"), labels=["bug"])
    out = tmp_path / "out"
    configured(out)
    sent = Sent(monkeypatch)
    argv = ["run", *PUBLISH, "--output-dir", str(out), "--notify", f"{SLACK} {JSON}"]
    assert main([*argv, "--date", "2026-02-04", "--notify-topics", "MoE, fp4  /  FP8"]) == 0
    assert sent.posts == []  # neither matched: nothing sent to either
    assert main([*argv, "--date", "2026-02-04", "--notify-topics", "bugs"]) == 0  # a rerun
    assert sent.posts == []  # the same report, unchanged: nothing to tell
    assert main([*argv, "--date", "2026-02-03", "--notify-topics", "Bugs", "--backfill", "0"]) == 0
    assert sent.posts == []  # an empty day
    merged_pr(vllm, 34052, "Fix a leak", at("2026-02-05 11:00"), labels=["bug"])
    assert main([*argv, "--date", "2026-02-05", "--notify-topics", "bugs"]) == 0
    for host in ("hooks.slack.com", "127.0.0.1:9"):
        text = " ".join(strings(sent.to(host)))
        assert "Bugs: 1 item" in text and "FP4 / FP8:" not in text, host


@pytest.mark.parametrize(
    ("argv", "file", "said"),
    [
        (
            ["--notify", JSON, "--notify-topics", "FP5"],
            TOPICS,
            "input 'notify-topics': names no topic: 'FP5' (declared: FP4 / FP8, Bugs, "
            "CuTe DSL, MoE)",
        ),
        (["--notify", JSON, "--notify-topics", "FP4"], "", "no topic is declared"),
        (
            [],
            TOPICS + "notify:\n  - url: json://127.0.0.1:9/x\n    topics: [Blackwell]\n",
            "input 'notify': names no topic: 'Blackwell'",
        ),
        (
            [],
            TOPICS + "notify:\n  - url: ${DIGEST_NOT_SET}\n    topics: [MoE]\n",
            "the environment variable DIGEST_NOT_SET is not set",
        ),
        (
            [],
            TOPICS + "notify:\n  - url: json://127.0.0.1:9/secret-token\n    topic: [MoE]\n",
            "unknown key 'topic'",
        ),
    ],
)
def test_unknown_topics_in_a_notification_are_one_line_exit_2_and_no_request(
    argv, file, said, github, tmp_path, capsys
):
    if file:
        configured(tmp_path, file)
    code = main(
        ["run", "--repos", VLLM, "--date", "2026-02-04", "--output-dir", str(tmp_path), *argv]
    )
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err.count("\n") == 0, err
    assert said in err, err
    assert "secret-token" not in err and "127.0.0.1" not in err  # a URL is never said
    assert github.requests == []
    assert not (tmp_path / "reports").exists()


def test_the_section_in_chinese(github, target, tmp_path):
    a_day(github)
    out = tmp_path / "out"
    configured(out)
    argv = ["run", *PUBLISH, "--date", "2026-02-04", "--language", "zh"]
    assert main([*argv, "--output-dir", str(out)]) == 0
    page = github_html(target.files_at()["reports/2026-02-04.md"])
    titles = headings(page)
    assert titles.index("概览") < titles.index("主题") < titles.index("各仓库动态")
    part = between(page, "主题", "各仓库动态")
    assert headings(part) == ["主题", "FP4 / FP8", "Bugs", "CuTe DSL"]
    assert "#34049 [Kernel] NVFP4 GEMM for SM100 · 已合并 PR · 标题含“nvfp4”" in lines(part)
    assert "#7001 fp8 accuracy drop on long prompts · 新 issue · 标签 bug" in lines(part)
    assert (
        "#7000 Port attention to the new DSL · 已合并 PR · 改动 "
        "python/sglang/cute/attention.py（**/cute/**）"
    ) in lines(part)
    assert "没有匹配：MoE。" in seen(part)


def test_a_channel_s_topics_are_named_without_case_in_every_digest(github, tmp_path, monkeypatch):
    """One digest declares Blackwell, another blackwell: a URL limited to BLACKWELL hears
    of both reports."""
    vllm, sglang = github.add(FakeRepo(VLLM)), github.add(FakeRepo(SGL))
    merged_pr(vllm, 1, "sm100 kernel in vllm", at("2026-02-04 10:00"))
    merged_pr(sglang, 2, "sm100 kernel in sglang", at("2026-02-04 10:00"))
    configured(
        tmp_path,
        f"""\
notify:
  - url: {JSON}
    topics: [BLACKWELL]
digests:
  - repos: [{VLLM}]
    reports-dir: vllm
    index-file: vllm/README.md
    topics: [{{name: Blackwell, match: [sm100]}}]
  - repos: [{SGL}]
    reports-dir: sglang
    index-file: sglang/README.md
    topics: [{{name: blackwell, match: [sm100]}}]
""",
    )
    sent = Sent(monkeypatch)
    argv = ["run", "--date", "2026-02-04", "--publish", "none", "--output-dir", str(tmp_path)]
    assert main(argv) == 0
    told = [" ".join(strings(body)) for _, body in sent.posts]
    assert len(told) == 2
    assert [any(f"sm100 kernel in {n}" in t for t in told) for n in ("vllm", "sglang")] == [
        True,
        True,
    ]


def test_a_path_topic_that_could_judge_nothing_says_so_not_that_it_matched_nothing():
    """Nothing matched CuTe DSL, but a direct commit's files were not read: its part says
    that it could not judge it, and it is not among the topics that matched nothing."""
    from digest.models import Digest, Topic, TopicMatches
    from digest.render.report import render_report
    from digest.upgrades import load
    from tests.test_followups import SIDECARS

    digest = load((SIDECARS / "v3-466b678/builtin-2026-02-04.json").read_bytes(), Digest)
    cute = Topic(name="CuTe DSL", paths=["**/cute/**"])
    unread = TopicMatches(topic=cute, unread=["NVIDIA/cutlass#commit:5193555"])
    quiet = TopicMatches(topic=Topic(name="Blackwell", match=["sm100"]))
    html = github_html(render_report(digest.updated(topics=[unread, quiet])))
    part = between(html, "Topics", "Repositories")
    assert "1 item could not be judged by its files: they were not all read." in seen(part)
    assert "Matched nothing: Blackwell." in seen(part)


def test_notify_topics_without_a_notify_url_says_so(github, tmp_path, capsys):
    """A workflow whose notify secret is empty (a fork) still runs, and says why nothing is
    sent."""
    github.add(FakeRepo(VLLM))
    argv = ["run", "--repos", VLLM, "--date", "2026-02-04", "--publish", "none"]
    argv += ["--topics", "FP4: fp4", "--notify-topics", "FP4", "--output-dir", str(tmp_path)]
    assert main(argv) == 0
    err = capsys.readouterr().err.strip().splitlines()
    said = "notify-topics is set but no notify URL is: nothing will be sent"
    assert err == [f"digest: warning: {said}"]
