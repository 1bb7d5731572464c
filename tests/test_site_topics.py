"""The site's page and feed per topic (`digest site` over reports that follow topics), checked
as files, as a feed reader reads the feeds, and in a real browser.

The archive is tests/test_topic_feeds.py's: two repositories over four days under six topics,
one of them (Kernels) not followed on the 4th and one (Gone) followed only on the first two.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import feedparser
import pytest

from tests.test_site import (
    IMG,
    LABEL_SIZES,
    READ,
    SCRIPT,
    Links,
    browser,  # noqa: F401 (a fixture)
    build,
    feed_links,
    files,
    latin_words,
    made_archive,
    no_alert,
    pagefind,
    requested,
    serious_violations,
    serving,
)
from tests.test_topic_feeds import CRASH, CRASH_SLUG, add_repos, write_topic_reports

SLUGS = ["scheduler", "attacks", "kernels", CRASH_SLUG, "quiet", "gone"]
NAMES = ["Scheduler", "Attacks", "Kernels", CRASH, "Quiet", "Gone"]  # the home page's order
BASE = "http://site.invalid/"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_archive(tmp_path_factory.mktemp("topic-site"), write=write_topic_reports)


@pytest.fixture(scope="module")
def site(archive: Path) -> Path:
    return archive / "_site"


@pytest.fixture(scope="module")
def served(site: Path):
    with serving(site) as url:
        yield url


def page_of(site: Path, slug: str) -> str:
    return (site / "topics" / f"{slug}.html").read_text()


def entries(html: str) -> list[str]:
    """The timeline's lines, as text."""
    timeline = html.split('id="timeline"', 1)[1]
    return [re.sub(r"<[^>]+>", "", li) for li in re.findall(r"<li>(.*?)</li>", timeline)]


# -- as files ----------------------------------------------------------------------------------


def test_every_topic_has_a_page_and_a_feed(site):
    assert sorted(p.name for p in (site / "topics").iterdir()) == sorted(
        [f"{slug}.html" for slug in SLUGS] + [f"{slug}.xml" for slug in SLUGS]
    )
    assert (site / "assets" / "topics.css").is_file()


def test_home_lists_the_topics_with_their_last_week(site):
    home = (site / "index.html").read_text()
    listed = home.split('<h2 id="topics">', 1)[1].split("</section>", 1)[0]
    links = re.findall(r'<a href="(topics/[^"]+)">([^<]+)</a>', listed)
    # As the latest report declares them, then Gone, no longer followed
    assert links == [(f"topics/{slug}.html", name) for slug, name in zip(SLUGS, NAMES, strict=True)]
    lines = [re.sub(r"<[^>]+>", "", li) for li in re.findall(r"<li>(.*?)</li>", listed)]
    assert lines[0] == "Scheduler · last 7 days: 1 merged pull request, 1 new pull request"
    assert lines[4] == "Quiet · nothing in the last 7 days"


def test_a_topic_page_tells_each_item_with_its_report_repository_link_and_why(site):
    html = page_of(site, "kernels")
    assert '<h1 data-pagefind-meta="title">Kernels</h1>' in html
    sgl, vllm = "sgl-project/sglang #9002 [Perf]", "vllm-project/vllm #34049 [Kernel]"
    assert entries(html) == [  # by week, the latest first
        f"2026-02-05 {sgl} Faster radix cache · merged pull request · “radix” in the title",
        f"2026-02-03 {sgl} Faster radix cache · new pull request · “radix” in the title",
        f"2026-02-02 {vllm} FlashInfer MLA backend · merged pull request · “kernel” in the title",
    ]
    first = html.split('id="timeline"', 1)[1].split("</li>", 1)[0]
    assert '<a href="../reports/2026-02-05.html">2026-02-05</a>' in first
    assert '<a href="../repos/sgl-project/sglang.html">sgl-project/sglang</a>' in first
    assert '<a href="https://github.com/sgl-project/sglang/pull/9002">#9002</a>' in first


def test_a_day_no_report_followed_the_topic_on_is_shaded(site):
    """Kernels was not followed on the 4th: that day is no slump, and its column says so."""
    html = page_of(site, "kernels")
    daily = html.split('id="chart-day-t"', 1)[1].split("</figure>", 1)[0]
    assert "Per day, the last 4 days" in daily
    rows = daily.count('class="chart-label"')
    assert rows == 2  # merged and new pull requests: the rows it has figures for
    assert daily.count('class="chart-partial" x="2"') == rows
    assert "Shaded: 1 day with no report following this topic." in daily
    assert "Merged pull requests: 2 in all, at most 1 in one day." in daily


def test_a_topic_no_longer_followed_keeps_its_page(site):
    html = page_of(site, "gone")
    assert "Followed in the reports from 2026-02-02 to 2026-02-03." in html
    vllm = "vllm-project/vllm #34049 [Kernel] FlashInfer MLA backend"
    assert entries(html) == [f"2026-02-02 {vllm} · merged pull request · “backend” in the title"]


def test_a_topic_that_matched_nothing_says_so(site):
    html = page_of(site, "quiet")
    assert "It matched nothing in the archive." in html
    assert "<code>zzzquiet</code>" in html and "every followed repository" in html
    assert '<svg class="chart"' not in html  # no chart of nothing


def test_titles_written_as_markup_are_text_on_the_topic_page(site):
    html = page_of(site, "attacks")
    assert "<img src=x" not in html and "<script>alert" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_every_link_on_every_page_and_in_every_feed_resolves(site):
    """Every href and src of every page, every link of every feed (the site's and each
    topic's) as a reader that fetched it from the site resolves it: a file of the site, or
    GitHub."""

    def resolves(where: str, url: str) -> None:
        url, _ = urldefrag(url)
        parts = urlsplit(url)
        if parts.netloc == "site.invalid":
            assert (site / parts.path.lstrip("/")).is_file(), f"{where}: {url}"
        else:
            assert (parts.scheme, parts.netloc) == ("https", "github.com"), f"{where}: {url}"

    checked = 0
    for page in sorted(site.rglob("*.html")):
        name = page.relative_to(site).as_posix()
        for target in Links.of(page.read_text()):
            resolves(name, urljoin(urljoin(BASE, name), target))
            checked += 1
    feeds = sorted(site.rglob("*.xml"))
    assert len(feeds) == 1 + len(SLUGS)
    for path in feeds:
        name = path.relative_to(site).as_posix()
        headers = {"content-location": urljoin(BASE, name), "content-type": "application/xml"}
        feed = feedparser.parse(path.read_bytes(), response_headers=headers)
        assert not feed.bozo, (name, feed.bozo_exception)
        for url in feed_links(feed):
            # feedparser resolves the entries' links, not those inside their content
            resolves(name, urljoin(urljoin(BASE, name), url))
            checked += 1
    assert checked > 300


def test_the_site_feed_of_a_topic_links_its_pages_with_the_reports_folder_ids(site, served):
    feed = feedparser.parse(served + "topics/kernels.xml")  # as a feed reader fetches it
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Kernels — Daily digest"
    assert feed.feed.link == served + "topics/kernels.html"
    pages = [served + f"reports/{day}.html" for day in ("2026-02-05", "2026-02-03", "2026-02-02")]
    assert [e.link for e in feed.entries] == pages
    for item in feed.entries:
        read = [a for a in Links.of(item.content[0].value) if a.endswith(".html")]
        assert [urljoin(item.link, a) for a in read] == [item.link]  # "Read the full report"
    folder = feedparser.parse((site.parent / "reports/topics/kernels.xml").read_bytes())
    assert [(e.id, e.updated) for e in feed.entries] == [(e.id, e.updated) for e in folder.entries]


def test_a_topic_page_advertises_its_feed(site):
    html = page_of(site, "kernels")
    alternates = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*>', html)
    assert alternates[0] == (
        '<link rel="alternate" type="application/atom+xml" '
        'title="Kernels — Daily digest" href="kernels.xml">'
    )
    assert 'href="../feed.xml"' in alternates[1]  # the site's own, after it
    assert '<a href="kernels.xml">Feed of Kernels</a>' in html


def test_a_rebuild_with_nothing_new_changes_no_file(archive, site):
    before = files(site)
    assert build(archive) == 0
    assert files(site) == before  # same bytes, same modification times


def test_a_site_address_makes_the_topic_feeds_absolute(archive):
    address = "https://me.github.io/digests"
    assert build(archive, "--site-dir", "addressed", "--site-url", address) == 0
    feed = feedparser.parse((archive / "addressed/topics/scheduler.xml").read_bytes())
    assert feed.feed.link == f"{address}/topics/scheduler.html"
    assert [e.link for e in feed.entries] == [
        f"{address}/reports/2026-02-04.html",
        f"{address}/reports/2026-02-02.html",
    ]


def test_a_report_pages_topic_section_links_each_topics_page(site):
    """The report's Topics section (render/topics.py) heads each topic that matched with its
    name, linked on the site to the topic's page."""
    report = (site / "reports" / "2026-02-05.html").read_text()
    section = report.split('<section aria-labelledby="topics">', 1)[1].split("</section>\n</", 1)[0]
    assert '<h3 id="topic-1"><a href="../topics/kernels.html">Kernels</a></h3>' in section
    # A repository's part still links its page and, apart, GitHub.
    repo = report.split('<section class="repo"', 1)[1].split("</h3>", 1)[0]
    assert '<a href="../repos/vllm-project/vllm.html">vllm-project/vllm</a> ' in repo
    assert '<a class="external" data-pagefind-ignore href="https://github.com/' in repo


def test_without_topics_the_site_has_no_topic_page_nor_stylesheet(tmp_path, github):
    from tests.test_site import write_reports

    add_repos(github)
    write_reports(tmp_path)
    assert build(tmp_path) == 0
    assert not (tmp_path / "_site" / "topics").exists()
    assert not (tmp_path / "_site" / "assets" / "topics.css").exists()
    assert 'id="topics"' not in (tmp_path / "_site" / "index.html").read_text()


# -- in a browser ------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [375, 1200])
def test_a_topic_page_reads_at_every_width_with_legible_charts(browser, served, width):  # noqa: F811
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 2, "mobile": width < 600},
    )
    try:
        for slug in ("kernels", "scheduler", "attacks"):
            browser.get(served + f"topics/{slug}.html")
            sizes = browser.execute_script(LABEL_SIZES)
            scroll = browser.execute_script("return document.documentElement.scrollWidth")
            assert sizes and min(sizes) >= 12, (slug, sizes)
            assert scroll <= width, slug
        browser.get(served + "index.html")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation_on_a_topic_page(browser, served, scheme):  # noqa: F811
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
    )
    browser.get(served + "topics/kernels.html")
    assert serious_violations(browser) == []
    bars = browser.execute_script(
        "return [...document.querySelectorAll('rect.bar-opened_pulls')]"
        ".map(r => getComputedStyle(r).fill)"
    )
    assert bars and bars[0] == ("rgb(10, 125, 140)" if scheme == "light" else "rgb(57, 197, 207)")


def test_a_topic_page_asks_nothing_of_another_host_and_runs_nothing(browser, served):  # noqa: F811
    from selenium.webdriver.common.by import By

    browser.get_log("performance")
    browser.get(served + "topics/attacks.html")
    no_alert(browser)
    urls = requested(browser)
    assert urls and [u for u in urls if not u.startswith((served, "data:"))] == []
    main_text = browser.find_element(By.TAG_NAME, "main").text
    assert IMG in main_text and SCRIPT in main_text
    assert browser.find_elements(By.CSS_SELECTOR, "main img, main script") == []


@pytest.mark.parametrize(("words", "slug"), [("Kernels", "kernels"), (CRASH, CRASH_SLUG)])
def test_search_finds_a_topic_by_its_name(browser, served, words, slug):  # noqa: F811
    found = pagefind(browser, served, words)
    assert found and found[0] == f"/topics/{slug}.html"


def test_the_keyboard_reaches_a_topic_from_home(browser, served):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(served + "index.html")
    link = browser.find_element(By.CSS_SELECTOR, "#topics + ul a")
    link.send_keys(Keys.ENTER)
    assert urlsplit(browser.current_url).path == "/topics/scheduler.html"
    assert browser.title == "Scheduler — Daily digest"


def test_a_chinese_topic_page_shows_no_english_ui_string(browser, tmp_path_factory):  # noqa: F811
    """As tests/test_site.py asks of every Chinese page: Latin words come from the data."""
    import json
    import tomllib

    from tests.test_site import LOCALES

    zh = tmp_path_factory.mktemp("zh-topic-site")
    folder = made_archive(zh, "--language", "zh", write=write_topic_reports)
    data = set().union(
        *(latin_words(json.loads(p.read_text())) for p in (folder / "reports").glob("*.json"))
    )
    chinese = latin_words(tomllib.loads((LOCALES / "zh.toml").read_text(encoding="utf-8")))
    with serving(folder / "_site") as url:
        for path in ("index.html", "topics/kernels.html", "topics/gone.html", "topics/quiet.html"):
            browser.get(url + path)
            read = re.sub(r"\d{4}-W\d{2}", "", browser.execute_script(READ))
            assert latin_words(read) - data - chinese == set(), path
        browser.get(url + "topics/kernels.html")
        assert "标题含“radix”" in browser.execute_script(READ)
