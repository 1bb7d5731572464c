"""One view of a report, many formats: a section added in one place (render/sections.py)
reaches every format, each read as its reader sees it.

`digest run` as a user runs it, publishing to the local GitHub with a notification and a
thread, then `digest site` over that archive; the section under test is the kind the next
one will be (topics): a heading, a line of its own, and points citing collected items.
"""

from __future__ import annotations

import re

import feedparser
import pytest

from digest.cli import main
from digest.models import Item
from digest.render import sections
from digest.render.view import Paragraph, Points, Section
from tests.fakegithub.builders import at, merged_pr
from tests.fakegithub.server import FakeRepo
from tests.readers import autolinkable, github_html, parse_html, seen
from tests.sent import Sent, body_in

HEADING = "Watched: MLA"
SAID = "One merged pull request matched."
POINT = "The FlashInfer MLA backend landed"
PR_URL = "https://github.com/vllm-project/vllm/pull/34049"


def headings(page: str) -> list[str]:
    return [seen(h) for _, h in re.findall(r"(?s)<h([1-6])[^>]*>(.*?)</h\1>", page)]


def watched(c: sections.Context) -> Section:
    """A section as a new one would be written: made of the view's blocks, citing what the
    digest collected (so the link table, not this code, makes the link)."""
    cited = sections.points([Item(text=POINT, refs=["vllm-project/vllm#pr:34049"])], c.links)
    matched = Points(cited, "MLA")
    return Section("watched", HEADING, (Paragraph(SAID), matched), brief=(matched,))


@pytest.fixture
def published(github, target, tmp_path, monkeypatch):
    """A day run with the section in, told to a webhook and as an issue; then its site."""
    vllm = github.add(FakeRepo("vllm-project/vllm"))
    merged_pr(vllm, 34049, "[Kernel] FlashInfer MLA backend", at("2026-02-04 10:00"))
    merged_pr(vllm, 34050, "[Bugfix] Fix the scheduler stall", at("2026-02-04 12:00"))
    order = (sections.overview, watched, sections.repositories, sections.closing)
    monkeypatch.setattr(sections, "SECTIONS", order)
    sent = Sent(monkeypatch)
    where = ["--repos", "vllm-project/vllm", "--publish", "commit", "--target-repo", "me/digests"]
    run = ["run", *where, "--date", "2026-02-04", "--output-dir", str(tmp_path / "out")]
    assert main([*run, "--notify", "json://127.0.0.1:9/hooks", "--announce", "issue"]) == 0
    site = ["run", "--stage", "site", *where, "--output-dir", str(tmp_path)]
    assert main(site) == 0
    files = target.files_at()
    return {
        "report": files["reports/2026-02-04.md"],
        "index": files["README.md"],
        "feed": files["reports/feed.xml"],
        "message": body_in(sent.to("127.0.0.1:9")),
        "thread": github.threads.of("me/digests").issues[0].body,
        "page": (tmp_path / "_site" / "reports" / "2026-02-04.html").read_text(),
    }


def test_a_section_added_in_one_place_reaches_every_format(published):
    # The report and the index embedding it, as GitHub shows them: the section's own heading
    # after the overview, its line, and its point linking the pull request.
    for name in ("report", "index"):
        page = github_html(published[name])
        titles = headings(page)
        assert HEADING in titles and titles.index(HEADING) < titles.index("Repositories"), name
        assert SAID in seen(page) and f"{POINT} (#34049)" in seen(page), name
        assert ("#34049", PR_URL) in parse_html(page).links, name
    # The site's report page: the section with its anchor, the point linked.
    page = published["page"]
    assert HEADING in headings(page) and '<h2 id="watched">' in page
    assert SAID in seen(page) and ("#34049", PR_URL) in parse_html(page).links
    # What the section gives a brief: in the feed entry, the message and the GitHub thread.
    (entry,) = feedparser.parse(published["feed"]).entries
    assert f"{POINT} (#34049)" in seen(entry.content[0].value)
    assert ("#34049", PR_URL) in parse_html(entry.content[0].value).links
    assert f"{POINT} ({PR_URL})" in published["message"]
    thread = github_html(published["thread"])
    assert f"{POINT} (#34049)" in seen(thread) and not autolinkable(thread)
    redirect = PR_URL.replace("github.com", "redirect.github.com")
    assert ("#34049", redirect) in parse_html(thread).links  # no backlink upstream
