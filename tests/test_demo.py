"""The README's first command: digest end to end with no token and no network."""

from __future__ import annotations

import cmarkgfm

from tests import demo


def test_the_demo_writes_a_linked_report_an_index_a_feed_and_a_site(tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_API_URL", "")  # the demo sets both: restored after the test
    monkeypatch.setenv("GITHUB_TOKEN", "")
    out = tmp_path / "demo"
    assert demo.main(["--output-dir", str(out)]) == 0
    html = cmarkgfm.github_flavored_markdown_to_html((out / "reports/2026-02-04.md").read_text())
    assert 'href="https://github.com/flashinfer-ai/flashinfer/pull/2491"' in html
    assert "<h2>Topics</h2>" in html and "<h3>FP4</h3>" in html
    for made in ("reports/2026-02-04.json", "README.md", "reports/feed.xml", "_site/index.html"):
        assert (out / made).is_file(), made
    for made in ("reports/topics/fp4.xml", "_site/topics/fp4.html", "_site/topics/blackwell.html"):
        assert (out / made).is_file(), made
