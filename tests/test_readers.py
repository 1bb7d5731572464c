"""Every channel as its reader sees it: GitHub, a feed reader, chat and mail.

Each test renders what digest wrote the way the reader's software does (tests/readers.py)
and asserts on the text a person would see: the words as they were written, no entity,
backslash or tag shown as text, and every link going to something collected.
"""

from __future__ import annotations

import email
import re

import feedparser
import pytest

from digest.cli import main
from tests.fakegithub.builders import at, merged_pr
from tests.fakegithub.server import FakeRepo
from tests.readers import (
    autolinkable,
    commonmark_html,
    github_html,
    literal_leaks,
    mail_parts,
    parse_html,
    seen,
    slack_view,
    teams_html,
    telegram_live,
    unhidden,
    zero_width,
)
from tests.sent import Sent, body_in

TITLE = "NVFP4 & FP8 <b>x</b> 5 * 3_000"
CHANGE = "[Kernel] NVFP4 & FP8 <b>x</b> 5 * 3_000 in snake_case_name"
REPORT = "https://github.com/me/digests/blob/main/reports/2026-02-04.md"
PULL = "https://github.com/vllm-project/vllm/pull/34049"


@pytest.fixture
def source(github):
    repo = github.add(FakeRepo("vllm-project/vllm"))
    merged_pr(repo, 34049, CHANGE, at("2026-02-04 10:00"))
    return repo


def run(tmp_path, *extra: str) -> int:
    argv = ["run", "--repos", "vllm-project/vllm", "--date", "2026-02-04", "--title", TITLE]
    argv += ["--publish", "commit", "--target-repo", "me/digests", "--output-dir", str(tmp_path)]
    return main([*argv, *extra])


def assert_reads_well(text: str) -> None:
    assert "NVFP4 & FP8 <b>x</b> 5 * 3_000 in snake_case_name" in text, text
    assert literal_leaks(text) == [], text


# -- files on GitHub -------------------------------------------------------------------------


def test_the_report_and_the_index_on_github(github, target, source, tmp_path):
    assert run(tmp_path) == 0
    files = target.files_at()
    for path in ("reports/2026-02-04.md", "README.md"):
        page = github_html(files[path])
        text = seen(page)
        assert_reads_well(text)
        assert f"{TITLE} — 2026-02-04" in text
        assert (("#34049", PULL)) in parse_html(page).links


def test_a_url_or_sha_in_a_title_reads_and_copies_whole_but_links_nothing(
    github, target, source, tmp_path
):
    title = "Revert 78a0091abc, see https://example.com/a?b=1 and www.example.org for @ada"
    merged_pr(source, 34050, title, at("2026-02-04 11:00"))
    assert run(tmp_path) == 0
    report = target.files_at()["reports/2026-02-04.md"]
    page = github_html(report)
    assert title in seen(page)
    assert zero_width(report) == []  # nothing hidden in what a reader copies
    hrefs = [href for _, href in parse_html(page).links]
    assert not [h for h in hrefs if "example." in h]
    # in a file GitHub links mentions and URLs, not SHAs (those only in conversations)
    assert [x for x in autolinkable(page) if not x.startswith("commit")] == []


# -- a feed reader ---------------------------------------------------------------------------


def test_the_feed_in_a_feed_reader(github, target, source, tmp_path):
    assert run(tmp_path) == 0
    feed = feedparser.parse(target.files_at()["reports/feed.xml"])
    assert not feed.bozo, feed.bozo_exception
    (entry,) = feed.entries
    assert feed.feed.title == TITLE
    assert entry.title == f"{TITLE} — 2026-02-04"
    content = entry.content[0].value  # HTML, as feedparser hands it to a reader
    assert_reads_well(seen(content))
    links = parse_html(content).links
    assert ("#34049", PULL) in links and ("Read the full report", REPORT) in links


# -- chat and mail, captured as Apprise sends them ------------------------------------------


SLACK = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ"
DISCORD = "discord://1234567890/abcdefghijklmnopqrstuvwxyz"
TELEGRAM = "tgram://123456789:abcdefghijklmnopqrstuvwxyzABCDEFG/-1001234567890"
FEISHU = "feishu://abcdefghijklmnop"
JSON = "json://127.0.0.1:9/hooks"
WORKFLOWS = "workflows://prod.westus.logic.azure.com/abcdefgh1234/sig5678"


def test_each_chat_service_shows_the_brief_as_written(
    github, target, source, tmp_path, monkeypatch, capsys
):
    sent = Sent(monkeypatch)
    urls = "\n".join([SLACK, DISCORD, TELEGRAM, FEISHU, JSON, WORKFLOWS])
    assert run(tmp_path, "--notify", urls) == 0
    assert "failed" not in capsys.readouterr().err  # every service took its message

    # Slack: mrkdwn as Apprise converts it, shown by Slack's own rules (no escapes).
    slack = slack_view(body_in(sent.to("hooks.slack.com")))
    assert_reads_well(slack.text)
    assert ("#34049", PULL) in slack.links and ("Read the full report", REPORT) in slack.links
    assert slack.pings == []

    # Discord: Markdown, rendered as CommonMark without decoding entities.
    page = commonmark_html(body_in(sent.to("discord.com")))
    assert_reads_well(seen(page))
    assert ("#34049", PULL) in parse_html(page).links

    # Teams: a card's Markdown, whose backslashes some clients show as typed.
    page = teams_html(body_in(sent.to("logic.azure.com")))
    assert_reads_well(seen(page))
    assert ("#34049", PULL) in parse_html(page).links

    # Telegram: HTML (its parse mode), the title folded into the message.
    page = sent.to("api.telegram.org")["text"]
    assert_reads_well(seen(page))
    assert seen(page).startswith(f"{TITLE} — 2026-02-04")
    assert ("#34049", PULL) in unhidden(parse_html(page).links)

    # Feishu and a JSON webhook: plain text with bare links.
    for host in ("open.feishu.cn", "127.0.0.1:9"):
        text = body_in(sent.to(host))
        assert_reads_well(text)
        assert f"({PULL})" in text and f"Read the full report: {REPORT}" in text
    assert sent.to("127.0.0.1:9")["title"] == f"{TITLE} — 2026-02-04"


# Markup each of these services would act on, in a title someone else wrote.
HOSTILE = (
    "Make it *fast* for @alice and #12, not _this_ or ~that~: $AAPL, /usr/lib, "
    "<at>29:1-abc</at>, !here> and @U024BE7LH>"
)
# What Slack and Teams show: no escape keeps a pair of `*` from emphasis in either, so the
# pair is written as the asterisk operator, which reads the same.
HOSTILE_SHOWN = HOSTILE.replace("*", "\u2217")
# The only styled text: the window and the closing line.
OUR_STYLES = ("italic: Activity on", "italic: Generated by", "em: Activity on", "em: Generated by")


def test_markup_in_a_title_is_shown_as_written_and_acted_on_by_no_service(
    github, target, tmp_path, monkeypatch, capsys
):
    repo = github.add(FakeRepo("vllm-project/vllm"))
    merged_pr(repo, 34049, f"[Kernel] {HOSTILE}", at("2026-02-04 10:00"))
    sent = Sent(monkeypatch)
    assert run(tmp_path, "--notify", "\n".join([SLACK, TELEGRAM, WORKFLOWS])) == 0
    assert "failed" not in capsys.readouterr().err

    slack_text = body_in(sent.to("hooks.slack.com"))
    slack = slack_view(slack_text)
    assert HOSTILE_SHOWN in slack.text, slack_text
    assert "\\" not in slack_text  # Slack shows every backslash
    assert slack.pings == []
    assert [style for style in slack.styled if not style.startswith(OUR_STYLES)] == []
    assert {url for _, url in slack.links} == {PULL, REPORT}

    card = sent.to("logic.azure.com")
    teams_text = body_in(card)
    page = teams_html(teams_text)
    assert HOSTILE_SHOWN in seen(page), teams_text
    assert "\\" not in teams_text
    assert "entities" not in card["attachments"][0]["content"]["msteams"]  # no <at> mention
    assert {url for _, url in parse_html(page).links} == {PULL, REPORT}
    styled = re.findall(r"<(em|strong)>(.*?)</\1>", page)
    assert [s for s in styled if not f"{s[0]}: {s[1]}".startswith(OUR_STYLES)] == []

    page = sent.to("api.telegram.org")["text"]
    assert HOSTILE in seen(page)
    assert telegram_live(page) == []
    assert {url for _, url in parse_html(page).links} == {PULL, REPORT}


def test_mail_holds_every_link_in_both_its_parts(github, target, source, tmp_path, monkeypatch):
    title = "[Core] Speed up `paged_attention` for long prompts"
    merged_pr(source, 34050, title, at("2026-02-04 11:00"))
    sent = Sent(monkeypatch)
    url = "mailto://user:pass@example.com?smtp=smtp.example.com&to=team@example.com"
    assert run(tmp_path, "--notify", url) == 0
    (raw,) = sent.mails
    message = email.message_from_string(raw)
    assert str(email.header.make_header(email.header.decode_header(message["Subject"]))) == (
        f"{TITLE} — 2026-02-04"
    )
    html_part, text_part = mail_parts(message)

    # the HTML a mail reader shows
    assert_reads_well(seen(html_part))
    hrefs = {href for _, href in parse_html(html_part).links}
    assert {PULL, REPORT} <= hrefs

    # the text part (what text-only readers, previews and notifications show) has them all
    assert_reads_well(" ".join(text_part.split()))
    for href in hrefs:
        assert href in text_part, href
    assert f"Read the full report: {REPORT}" in text_part
    # a code span stays in its sentence
    assert [line for line in text_part.splitlines() if "paged_attention for long prompts" in line]


# -- what every channel sends agrees with the report -----------------------------------------


def test_a_risk_still_open_from_an_earlier_day_is_in_every_channel_with_its_first_date(
    github, target, source, tmp_path, monkeypatch, capsys
):
    """A regression reported on the 3rd, still open on the 4th: the 4th's report lists it
    under the risks with the date first told, and so does every channel that tells the
    4th: each chat service, mail (both parts), the feed and the GitHub thread."""
    from tests.fakegithub.server import FakeIssue

    issue = FakeIssue(45, "Regression: decode 2x slower on H100", at("2026-02-03 10:00"))
    issue.labels = ["bug"]
    source.issues.append(issue)
    url = "https://github.com/vllm-project/vllm/issues/45"
    told = "first told 2026-02-03, open for 1 day"
    argv = ["run", "--repos", "vllm-project/vllm", "--publish", "commit"]
    argv += ["--target-repo", "me/digests", "--output-dir", str(tmp_path)]
    assert main([*argv, "--date", "2026-02-03"]) == 0
    assert url in target.files_at()["reports/2026-02-03.md"]  # told as a risk on the 3rd

    sent = Sent(monkeypatch)
    mail = "mailto://user:pass@example.com?smtp=smtp.example.com&to=team@example.com"
    urls = "\n".join([SLACK, DISCORD, TELEGRAM, FEISHU, JSON, WORKFLOWS, mail])
    extra = ["--notify", urls, "--announce", "issue"]
    assert main([*argv, "--date", "2026-02-04", *extra]) == 0
    assert "failed" not in capsys.readouterr().err

    report = github_html(target.files_at()["reports/2026-02-04.md"])
    assert told in seen(report) and ("#45", url) in parse_html(report).links

    slack = slack_view(body_in(sent.to("hooks.slack.com")))
    assert told in slack.text and ("#45", url) in slack.links
    for page in (
        commonmark_html(body_in(sent.to("discord.com"))),
        teams_html(body_in(sent.to("logic.azure.com"))),
        sent.to("api.telegram.org")["text"],
    ):
        assert told in seen(page), page
        assert ("#45", url) in unhidden(parse_html(page).links), page
    for host in ("open.feishu.cn", "127.0.0.1:9"):
        text = body_in(sent.to(host))
        assert told in text and f"({url})" in text, text
    (raw,) = sent.mails
    html_part, text_part = mail_parts(email.message_from_string(raw))
    assert told in seen(html_part) and (url, url) in parse_html(html_part).links
    assert told in " ".join(text_part.split()) and url in text_part

    feed = feedparser.parse(target.files_at()["reports/feed.xml"])
    (entry,) = [e for e in feed.entries if e.title.endswith("2026-02-04")]
    content = entry.content[0].value
    assert told in seen(content) and ("#45", url) in parse_html(content).links

    (thread,) = [i for i in github.threads.of("me/digests").issues if "02-04" in i.title]
    page = github_html(thread.body)
    assert told in seen(page)
    redirected = url.replace("https://github.com", "https://redirect.github.com")
    assert ("#45", redirected) in parse_html(page).links  # no backlink in the issue
    assert autolinkable(page) == []
