"""`digest site`: the archive as a static site, checked as files and in a real browser.

The browser is Chrome or Chromium driven by Selenium (tests/browser.py finds one: Debian's
chromium and chromium-driver, the Chrome GitHub's runners ship, or Selenium Manager's). Where
there is none, the browser tests are left out with one line saying how to install one, except
under CI (`CI` set), where they fail: CI never passes by skipping them (conftest.py).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import shutil
import threading
import tomllib
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from digest.cli import main
from tests.browser import HOW_TO_INSTALL
from tests.browser import find as find_browser
from tests.conftest import local_github, module_environment
from tests.fakegithub.builders import at, merged_pr
from tests.fakegithub.git import GitRepo
from tests.fakegithub.server import FakeGitHub, FakeIssue, FakeRelease, FakeRepo

REPOS = "vllm-project/vllm,sgl-project/sglang"
DAYS = ["2026-02-02", "2026-02-03", "2026-02-04", "2026-02-05"]
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(1)</script>"
SEARCHED = "FlashInfer MLA backend"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SHOTS = os.environ.get("DIGEST_SCREENSHOTS")  # keep the screenshots there (else a tmp dir)
LOCALES = Path(__file__).parents[1] / "digest" / "locales"
POLL = 0.05  # seconds between looks while waiting in the browser (Selenium's own: 0.5)


def add_repos(github: FakeGitHub) -> None:
    """Two repositories over four days: merged pull requests (two titled as attacks), issues
    opened and closed, releases."""
    vllm = github.add(FakeRepo("vllm-project/vllm", description="A high-throughput LLM engine"))
    sgl = github.add(FakeRepo("sgl-project/sglang", description="Fast serving"))
    merged_pr(vllm, 34049, f"[Kernel] {SEARCHED}", at("2026-02-02 10:00"))
    merged_pr(vllm, 34050, IMG, at("2026-02-03 10:00"))
    merged_pr(sgl, 9001, SCRIPT, at("2026-02-03 11:00"))
    merged_pr(vllm, 34100, "[Bugfix] Fix the scheduler stall", at("2026-02-04 10:00"))
    merged_pr(sgl, 9002, "[Perf] Faster radix cache", at("2026-02-05 09:00"))
    vllm.issues += [
        FakeIssue(2496, "Regression: decode 20% slower", at("2026-02-03 09:00")),
        FakeIssue(2300, "Crash on start", at("2026-01-02 10:00"), closed_at=at("2026-02-04 08:00")),
    ]
    vllm.releases.append(FakeRelease("v0.6.3", at("2026-02-04 15:00"), name="v0.6.3"))
    vllm.releases.append(FakeRelease("v0.6.2", at("2026-02-02 15:00"), name="v0.6.2"))
    vllm.releases.append(FakeRelease("nightly-20260203", at("2026-02-03 02:00")))
    sgl.releases.append(FakeRelease("v0.5.0", at("2026-02-05 15:00")))


def write_reports(folder: Path, *extra: str) -> None:
    for day in DAYS:
        argv = ["run", "--repos", REPOS, "--date", day, "--publish", "none"]
        assert main([*argv, "--output-dir", str(folder), "--backfill", "0", *extra]) == 0


def build(folder: Path, *extra: str) -> int:
    """`stage: site`, as the action runs it (`digest run` with INPUT_STAGE=site)."""
    return main(["run", "--stage", "site", "--repos", REPOS, "--output-dir", str(folder), *extra])


def made_archive(folder: Path, *extra: str, write: Callable[..., None] = write_reports) -> Path:
    """`folder` with four days of reports (`write` writes them) and their site in `_site`."""
    with module_environment() as env, local_github(env) as github:
        add_repos(github)
        write(folder, *extra)
        assert build(folder) == 0
    return folder


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output directory with four days of reports and their site in `_site`."""
    return made_archive(tmp_path_factory.mktemp("archive"))


@pytest.fixture(scope="module")
def zh_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same, in Chinese."""
    return made_archive(tmp_path_factory.mktemp("zh-archive"), "--language", "zh")


@pytest.fixture(scope="module")
def site(archive: Path) -> Path:
    return archive / "_site"


def files(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# -- as files ----------------------------------------------------------------------------------


def test_the_site_has_a_page_per_report_and_per_repository(site):
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert pages == [
        "archive.html",
        "index.html",
        *(f"reports/{day}.html" for day in DAYS),
        "repos/sgl-project/sglang.html",
        "repos/vllm-project/vllm.html",
        "search.html",
    ]
    assert (site / "feed.xml").is_file()
    assert (site / "pagefind" / "pagefind-entry.json").is_file()


def test_a_rebuild_with_nothing_new_changes_no_file(archive, site, tmp_path, capsys):
    before = files(site)
    assert build(archive) == 0
    assert files(site) == before  # same bytes, same modification times
    assert capsys.readouterr().out.strip() == str(site)


def test_a_new_report_changes_the_site_and_drops_nothing_of_it(tmp_path, github):
    add_repos(github)
    write_reports(tmp_path)
    assert build(tmp_path) == 0
    site = tmp_path / "_site"
    before = files(site)
    merged_pr(github.repos["vllm-project/vllm"], 34200, "[Core] Next day", at("2026-02-06 10:00"))
    argv = ["run", "--repos", REPOS, "--date", "2026-02-06", "--publish", "none", "--backfill", "0"]
    assert main([*argv, "--output-dir", str(tmp_path)]) == 0
    assert build(tmp_path) == 0
    after = files(site)
    assert "reports/2026-02-06.html" in after
    changed = {p for p in after if p in before and after[p] != before[p]}
    assert {"index.html", "archive.html", "reports/2026-02-05.html"} <= changed
    assert after["assets/site.css"] == before["assets/site.css"]  # untouched, time included


def test_third_party_text_is_escaped_in_every_page(site):
    for page in site.rglob("*.html"):
        html = page.read_text()
        assert "<img src=x" not in html and "<script>alert" not in html, page
    report = (site / "reports" / "2026-02-03.html").read_text()
    assert "&lt;img src=x onerror=alert(1)&gt;" in report
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in report


def test_every_page_forbids_inline_script_and_other_hosts(site):
    for page in site.rglob("*.html"):
        html = page.read_text()
        csp = html.split('http-equiv="Content-Security-Policy" content="', 1)[1].split('"')[0]
        csp = csp.replace("&#39;", "'")
        assert "default-src 'none'" in csp
        script = csp.split("script-src ", 1)[1].split(";")[0]
        assert "unsafe-inline" not in script and "http" not in csp
        assert script in ("'none'", "'self' 'wasm-unsafe-eval'"), page


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []
        self.ids: set[str] = set()

    @classmethod
    def of(cls, html: str) -> list[str]:
        parsed = cls()
        parsed.feed(html)
        return parsed.targets

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        for name in ("href", "src", "action"):
            if values.get(name) is not None:
                self.targets.append(values[name] or "")


def feed_links(feed) -> list[str]:
    """Every link of a parsed feed, as feedparser resolved it: the feed's, its entries', and
    those in the entries' content."""
    links = [link["href"] for link in feed.feed.get("links", [])]
    for item in feed.entries:
        links += [link["href"] for link in item.get("links", [])]
        for content in item.get("content", []):
            parsed = Links()
            parsed.feed(content["value"])
            links += parsed.targets
    return links


def test_every_link_on_every_page_and_in_the_feed_resolves_to_the_site_or_to_github(site):
    import feedparser

    base = "http://site.invalid/"

    def resolves(where: Path, url: str, ids: set[str]) -> None:
        url, fragment = urldefrag(url)
        parts = urlsplit(url)
        if parts.netloc == "site.invalid":
            file = site / parts.path.lstrip("/")
            assert file.is_file(), f"{where.name}: {url} is not a file of the site"
            if fragment and file == where:
                assert fragment in ids, f"{where.name}: #{fragment} is nowhere"
        else:
            assert (parts.scheme, parts.netloc) == ("https", "github.com"), url

    checked = 0
    for page in sorted(site.rglob("*.html")):
        parsed = Links()
        parsed.feed(page.read_text())
        here = urljoin(base, page.relative_to(site).as_posix())
        for target in parsed.targets:
            resolves(page, urljoin(here, target), parsed.ids)
            checked += 1
    # As a feed reader that fetched it from the site: relative links from feed.xml's URL.
    headers = {"content-location": urljoin(base, "feed.xml"), "content-type": "application/xml"}
    feed = feedparser.parse((site / "feed.xml").read_bytes(), response_headers=headers)
    assert not feed.bozo and len(feed.entries) == len(DAYS)
    for url in feed_links(feed):
        resolves(site / "feed.xml", url, set())
        checked += 1
    assert checked > 100


def test_the_feed_of_the_site_links_its_pages_and_carries_its_title(site, served):
    import feedparser

    feed = feedparser.parse(served + "feed.xml")  # fetched as a feed reader fetches it
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Daily digest"
    assert feed.feed.link == served + "index.html"
    pages = [served + f"reports/{day}.html" for day in reversed(DAYS)]
    assert [item.link for item in feed.entries] == pages
    for item in feed.entries:
        read = [a for a in Links.of(item.content[0].value) if a.endswith(".html")]
        assert read == [item.link]  # "Read the full report" leads to the same page
    # The same entries as the reports folder's feed: a report keeps its id wherever it is read.
    reports = feedparser.parse((site.parent / "reports" / "feed.xml").read_bytes())
    assert [e.id for e in feed.entries] == [e.id for e in reports.entries]
    assert [e.title for e in feed.entries] == [e.title for e in reports.entries]
    assert all(e.link.endswith(".md") for e in reports.entries)  # not pages of the site


def test_a_site_with_a_known_address_links_its_feed_absolutely(archive):
    import feedparser

    address = "https://me.github.io/digests"
    site = archive / "addressed"
    assert build(archive, "--site-dir", "addressed", "--site-url", address) == 0
    feed = feedparser.parse((site / "feed.xml").read_bytes())  # no base to resolve from
    assert feed.feed.link == f"{address}/index.html"
    links = feed_links(feed)
    on_site = [link for link in links if not link.startswith("https://github.com/")]
    assert len(on_site) == 1 + 2 * len(DAYS)  # the home page, each entry and its "read" link
    for link in on_site:
        assert link.startswith(f"{address}/"), link
        assert (site / link.removeprefix(f"{address}/")).is_file(), link


@pytest.mark.parametrize("address", ["me.github.io/digests", "ftp://me.github.io/", "/digests"])
def test_a_site_address_that_is_not_a_web_url_is_one_line_and_exit_2(archive, address, capsys):
    assert build(archive, "--site-url", address) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "site-url" in err and address in err


def test_reading_the_archive_through_the_api_collects_nothing(github, tmp_path):
    add_repos(github)
    target = github.add_target(GitRepo.with_files("me/digests", {"README.md": "# Digests\n"}))
    for day in DAYS[:2]:
        argv = ["run", "--repos", REPOS, "--date", day, "--target-repo", "me/digests"]
        assert main([*argv, "--publish", "commit", "--output-dir", str(tmp_path / "unused")]) == 0
    github.requests.clear()
    github.graphql_bodies.clear()
    argv = ["--target-repo", "me/digests", "--publish", "commit"]
    assert build(tmp_path, *argv) == 0
    assert github.graphql_bodies == []  # no collection query
    assert {method for method, _ in github.requests} == {"GET"}
    assert sorted(p.name for p in (tmp_path / "_site" / "reports").iterdir()) == [
        f"{day}.html" for day in DAYS[:2]
    ]
    assert len(target.log()) == 3  # the site is not published to the repository


def test_no_report_is_one_line_and_exit_2_with_nothing_written(tmp_path, capsys):
    assert build(tmp_path) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "input 'reports-dir'" in err and str(tmp_path / "reports") in err
    assert list(tmp_path.iterdir()) == []


def test_a_site_dir_holding_other_files_is_refused_untouched(github, tmp_path, capsys):
    add_repos(github)
    write_reports(tmp_path)
    theirs = tmp_path / "_site" / "index.html"
    theirs.parent.mkdir()
    theirs.write_text("someone else's")
    assert build(tmp_path) == 2
    assert "input 'site-dir'" in capsys.readouterr().err
    assert [p.name for p in theirs.parent.iterdir()] == ["index.html"]
    assert theirs.read_text() == "someone else's"
    assert build(tmp_path, "--site-dir", "public") == 0  # a new folder is fine


def test_a_chinese_archive_makes_a_chinese_site(zh_archive):
    home = (zh_archive / "_site" / "index.html").read_text()
    assert '<html lang="zh">' in home and "最新报告" in home and "近期报告" in home
    repo = (zh_archive / "_site" / "repos" / "vllm-project" / "vllm.html").read_text()
    assert "时间线" in repo and "已合并 PR" in repo


def test_a_day_missing_from_the_archive_is_shaded_in_the_daily_chart(archive, tmp_path):
    (tmp_path / "reports").mkdir()
    for report in (archive / "reports").glob("2026-02-0*"):
        if not report.name.startswith("2026-02-03"):
            shutil.copy(report, tmp_path / "reports")
    assert build(tmp_path) == 0
    repo = (tmp_path / "_site" / "repos" / "vllm-project" / "vllm.html").read_text()
    daily = repo.split('id="chart-day-t"', 1)[1].split("</figure>", 1)[0]
    assert daily.count('class="chart-partial" x="1"') == 4  # the second day, in every row
    assert "Shaded: 1 day with no report of this repository." in daily


# -- in a browser ------------------------------------------------------------------------------


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *_: object) -> None:
        pass


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """`folder` served over HTTP on a free local port; its URL, with a final `/`."""
    handler = functools.partial(Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # shutdown() waits for the loop's next look: every 20 ms, not the default 0.5 s
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    ).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    with serving(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    found = find_browser()
    if found is None:  # under CI only: elsewhere conftest leaves these tests out
        pytest.fail(HOW_TO_INSTALL, pytrace=False)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = found.binary
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    options.add_argument("--window-size=1200,900")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(found.driver))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(browser, served):
    """Open a page of the site (in light or dark) and forget the logs of earlier pages."""

    def open_page(path: str, scheme: str = "light") -> object:
        browser.execute_cdp_cmd(
            "Emulation.setEmulatedMedia",
            {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
        )
        browser.get_log("performance")
        browser.get_log("browser")
        browser.get(served + path)
        return browser

    return open_page


def requested(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def no_alert(driver, within: float = 0) -> None:
    """No dialog opened. Markup in a page has run once the page has loaded (a script as it
    is parsed, an image's error handler before the load event that `get` waits for), so a
    loaded page is asked at once; what a script adds later is watched for `within` seconds."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    if not within:
        assert not expected_conditions.alert_is_present()(driver)
        return
    with pytest.raises(TimeoutException):
        WebDriverWait(driver, within).until(expected_conditions.alert_is_present())


def search(driver, words: str) -> list[str]:
    """Type `words` into the open search page; the links of the results, once there are any."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    box = WebDriverWait(driver, 10, poll_frequency=POLL).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "pagefind-input input")
    )
    box.send_keys(words)
    return results(driver)


# The links of the results once every result has loaded: Pagefind first lists a placeholder
# per result (no link), then fills each in as its data arrives; false until then.
LOADED_RESULTS = """
const items = [...document.querySelectorAll('pagefind-results li.pf-result')];
if (!items.length || items.some(item => !item.querySelector('a.pf-result-link'))) return false;
return [...document.querySelectorAll('pagefind-results a')].map(a => a.href);
"""


def results(driver) -> list[str]:
    """The links of the search page's results, once there are some and all have loaded."""
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, 15, poll_frequency=POLL)
    return wait.until(lambda d: d.execute_script(LOADED_RESULTS))


def pagefind(driver, served: str, words: str) -> list[str]:
    """The pages Pagefind's index finds for `words`, through its own API (no UI between)."""
    driver.get(served + "search.html")
    driver.set_script_timeout(30)
    found = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "import(arguments[0]).then(async pf => {"
        "  const found = await pf.search(arguments[1]);"
        "  done((await Promise.all(found.results.map(r => r.data()))).map(p => p.url));"
        "}).catch(e => done('failed: ' + e));",
        served + "pagefind/pagefind.js",
        words,
    )
    assert isinstance(found, list), found
    return found


def screenshot(driver, name: str, folder: Path) -> Path:
    """The whole page, as tall as it is."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.execute_script("return window.innerWidth")
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": min(height, 6000), "deviceScaleFactor": 1, "mobile": False},
    )
    path = folder / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    return path


def test_home_lists_the_latest_reports(page):
    from selenium.webdriver.common.by import By

    driver = page("index.html")
    recent = driver.find_element(By.ID, "recent").find_element(By.XPATH, "..")
    links = [a.text for a in recent.find_elements(By.CSS_SELECTOR, "ul.reports a")]
    assert links == list(reversed(DAYS))
    latest = driver.find_element(By.ID, "latest")
    assert DAYS[-1] in latest.text
    assert driver.title == "Daily digest"


def test_searching_a_pull_request_title_finds_its_report(page):
    driver = page("search.html")
    hrefs = search(driver, SEARCHED)
    assert hrefs[0].endswith(f"/reports/{DAYS[0]}.html")
    if SHOTS:
        screenshot(driver, "search-results-light", Path(SHOTS))
    csp = [e["message"] for e in driver.get_log("browser") if "Content Security" in e["message"]]
    assert csp == []


def test_a_repository_page_lists_its_releases_and_has_charts(page):
    from selenium.webdriver.common.by import By

    driver = page("repos/vllm-project/vllm.html")
    releases = driver.find_element(By.ID, "releases").find_element(By.XPATH, "..")
    tags = [a.text for a in releases.find_elements(By.CSS_SELECTOR, "a[href^='https://']")]
    assert tags == ["v0.6.3", "v0.6.2"]  # nightly builds are counted, not listed
    assert "And 1 nightly build, not listed." in releases.text
    charts = driver.find_elements(By.CSS_SELECTOR, "figure svg.chart[role='img']")
    assert len(charts) == 2
    for chart in charts:
        assert chart.size["width"] > 300 and chart.size["height"] > 100  # drawn, visible
        label = chart.get_attribute("aria-labelledby").split()
        described = driver.find_element(By.ID, label[1]).get_attribute("textContent")
        assert "Merged pull requests: 3 in all" in described
    bars = driver.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar-merged_pulls")
    assert len(bars) == 3 + 1  # three days in the daily chart, one week in the weekly


@pytest.mark.parametrize(
    ("path", "title"),
    [("reports/2026-02-03.html", IMG), ("reports/2026-02-03.html", SCRIPT),
     ("repos/vllm-project/vllm.html", IMG), ("repos/sgl-project/sglang.html", SCRIPT)],
)  # fmt: skip
def test_a_title_written_as_markup_shows_as_text_and_runs_nothing(page, path, title):
    from selenium.webdriver.common.by import By

    driver = page(path)
    no_alert(driver)
    assert title in driver.find_element(By.TAG_NAME, "main").text
    assert driver.find_elements(By.CSS_SELECTOR, "main img, main script") == []


def test_searching_a_title_written_as_markup_runs_nothing(page):
    from selenium.webdriver.common.by import By

    driver = page("search.html")
    search(driver, "onerror alert")
    no_alert(driver, within=1)  # the results are added by a script, after the load
    assert driver.find_elements(By.CSS_SELECTOR, "pagefind-results img[src='x']") == []


@pytest.mark.parametrize(
    "path", ["index.html", "reports/2026-02-03.html", "repos/vllm-project/vllm.html",
             "archive.html", "search.html"]
)  # fmt: skip
def test_no_request_leaves_the_site(page, served, path):
    driver = page(path)
    if path == "search.html":
        search(driver, "scheduler")
    urls = requested(driver)
    assert urls, "the performance log recorded no request"
    assert [u for u in urls if not u.startswith((served, "data:"))] == []


def serious_violations(driver) -> list[tuple[str, str, list[str]]]:
    """What axe-core finds serious or critical on the open page: (rule, impact, where)."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    driver.set_script_timeout(60)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(r.violations)).catch(e => done(String(e)));"
    )
    assert isinstance(result, list), result
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    ("name", "path"),
    [("home", "index.html"), ("report", "reports/2026-02-03.html"),
     ("repository", "repos/vllm-project/vllm.html"), ("search", "search.html")],
)  # fmt: skip
def test_axe_finds_no_serious_or_critical_violation(page, tmp_path, name, path, scheme):
    driver = page(path, scheme)
    assert serious_violations(driver) == []
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    assert screenshot(driver, f"{name}-{scheme}", folder).stat().st_size > 10_000


def test_dark_pages_really_are_dark(page):
    light = page("index.html", "light").execute_script(
        "return getComputedStyle(document.body).backgroundColor"
    )
    dark = page("index.html", "dark").execute_script(
        "return getComputedStyle(document.body).backgroundColor"
    )
    assert (light, dark) == ("rgb(255, 255, 255)", "rgb(13, 17, 23)")


def test_a_phone_reads_without_scrolling_sideways(browser, served):
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 375, "height": 800, "deviceScaleFactor": 2, "mobile": True},
    )
    try:
        for path in ("reports/2026-02-03.html", "repos/vllm-project/vllm.html", "index.html"):
            browser.get(served + path)
            assert browser.execute_script("return document.documentElement.scrollWidth") <= 375
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_weekly_and_monthly_reports_get_pages_and_a_place_on_home(github, tmp_path):
    import feedparser

    repo = github.add(FakeRepo("vllm-project/vllm"))
    for day in range(2, 9):
        merged_pr(repo, 100 + day, f"[Core] change of day {day}", at(f"2026-02-0{day} 10:00"))
    for day in range(2, 9):
        argv = ["run", "--repos", "vllm-project/vllm", "--date", f"2026-02-0{day}"]
        assert (
            main([*argv, "--publish", "none", "--backfill", "0", "--output-dir", str(tmp_path)])
            == 0
        )
    argv = [
        "run",
        "--repos",
        "vllm-project/vllm",
        "--publish",
        "none",
        "--output-dir",
        str(tmp_path),
    ]
    assert main([*argv, "--date", "2026-02-09", "--period", "week"]) == 0
    assert main([*argv, "--date", "2026-03-01", "--period", "month", "--backfill", "0"]) == 0
    assert build(tmp_path) == 0
    site = tmp_path / "_site"
    assert (site / "reports" / "2026-W06.html").is_file()
    assert (site / "reports" / "2026-02.html").is_file()
    home = (site / "index.html").read_text()
    assert "<title>Daily digest</title>" in home  # named after the dailies, not the month
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert feed.feed.title == "Daily digest"  # the site's, not the period that ran last
    links = [item.link for item in feed.entries]
    assert links[:3] == ["reports/2026-02.html", "reports/2026-W06.html", "reports/2026-02-08.html"]
    assert all((site / link).is_file() for link in links) and len(links) == 7 + 1 + 1
    assert 'href="reports/2026-W06.html"' in home and 'href="reports/2026-02.html"' in home
    archive = (site / "archive.html").read_text()
    order = [archive.index(f'href="reports/{key}.html"') for key in ("2026-02", "2026-W06")]
    assert order == sorted(order) and order[-1] < archive.index('href="reports/2026-02-08.html"')
    # A week's repository counts come from the dailies only: nothing counted twice.
    repo_page = (site / "repos" / "vllm-project" / "vllm.html").read_text()
    assert "7 merged pull requests" in repo_page


def test_the_keyboard_reaches_the_content_first_through_a_visible_skip_link(page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = page("reports/2026-02-03.html")
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    skip = driver.switch_to.active_element
    assert skip.text == "Skip to content"
    assert skip.rect["y"] >= 0 and skip.is_displayed()  # shown once focused
    outline = driver.execute_script("return getComputedStyle(arguments[0]).outlineStyle", skip)
    skip.send_keys(Keys.ENTER)
    assert driver.switch_to.active_element.get_attribute("id") == "main"
    assert outline == "solid"  # the focus is visible


def test_search_finds_reports_when_the_site_is_served_under_a_path(browser, archive):
    """A project's GitHub Pages site lives under /<repository>/: results must link there."""
    with serving(archive) as url:  # the site is /_site/
        browser.get(url + "_site/search.html")
        hrefs = search(browser, SEARCHED)
    assert urlsplit(hrefs[0]).path == f"/_site/reports/{DAYS[0]}.html"


def test_chinese_reports_are_searched_by_chinese_words(browser, zh_archive):
    with serving(zh_archive / "_site") as url:
        browser.get(url + "search.html")
        # In `2026-02-02 的动态（UTC）`: found only when Chinese is split into words (the
        # extended binary), as no space stands between them.
        hrefs = search(browser, "动态")
    assert {urlsplit(h).path for h in hrefs} == {f"/reports/{day}.html" for day in DAYS}


# The rendered size of each chart label, in CSS pixels: its font size times the chart's scale.
LABEL_SIZES = """
return [...document.querySelectorAll('svg.chart text')].map(t => {
  const m = t.getScreenCTM();
  return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
});
"""
# Rows whose name runs into their peak on the same line.
CROWDED = """
return [...document.querySelectorAll('svg.chart text.chart-label')].filter(label => {
  const peak = label.nextElementSibling.getBoundingClientRect();
  return label.getBoundingClientRect().right > peak.left - 4;
}).map(label => label.textContent);
"""


@pytest.mark.parametrize("width", [320, 375, 768, 1200])
def test_chart_labels_keep_a_readable_size_at_every_width(browser, served, width):
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 2, "mobile": width < 600},
    )
    try:
        browser.get(served + "repos/vllm-project/vllm.html")
        sizes = browser.execute_script(LABEL_SIZES)
        crowded = browser.execute_script(CROWDED)
        scroll = browser.execute_script("return document.documentElement.scrollWidth")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert len(sizes) == 2 * (4 * 2 + 2)  # two charts: each row's name and peak, two dates
    assert min(sizes) >= 12, sizes  # they were 5.8 px at 375 when the whole chart scaled
    assert crowded == []
    assert scroll <= width


def test_a_week_the_archive_holds_in_part_is_shaded_and_said_to_be(page):
    from selenium.webdriver.common.by import By

    driver = page("repos/vllm-project/vllm.html")
    weekly = driver.find_element(By.CSS_SELECTOR, "svg[aria-labelledby^='chart-week']")
    figure = weekly.find_element(By.XPATH, "..")
    shaded = weekly.find_elements(By.CSS_SELECTOR, "rect.chart-partial")
    assert len(shaded) == 4 and all(r.size["height"] > 30 for r in shaded)  # W06, every row
    said = "Shaded: weeks not wholly in the archive — 2026-W06 (4 of 7 days)."
    assert said in figure.text
    described = driver.find_element(By.ID, "chart-week-d").get_attribute("textContent")
    assert described.endswith(said)
    daily = driver.find_element(By.CSS_SELECTOR, "svg[aria-labelledby^='chart-day']")
    assert daily.find_elements(By.CSS_SELECTOR, "rect.chart-partial") == []  # every day is


def test_every_page_has_a_search_box_that_leads_to_the_results(page, site, served):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    for html in site.rglob("*.html"):
        boxes = html.read_text().count('<form class="site-search" role="search"')
        assert boxes == (0 if html.name == "search.html" else 1), html  # it has its own
    driver = page("reports/2026-02-03.html")
    box = driver.find_element(By.CSS_SELECTOR, "form[role='search'] input[name='q']")
    assert box.accessible_name == "Search the reports"
    box.send_keys("scheduler" + Keys.ENTER)
    hrefs = results(driver)
    assert urlsplit(driver.current_url).path == "/search.html"
    assert urlsplit(driver.current_url).query == "q=scheduler"
    assert hrefs[0] == served + "reports/2026-02-04.html"
    typed = driver.find_element(By.CSS_SELECTOR, "pagefind-input input").get_attribute("value")
    assert typed == "scheduler"
    csp = [e["message"] for e in driver.get_log("browser") if "Content Security" in e["message"]]
    assert csp == []


@pytest.mark.parametrize("word", ["breaking", "generated"])
def test_a_word_only_in_closing_lines_and_footers_finds_nothing(page, site, served, word):
    articles = [p.read_text().split("<article", 1)[1] for p in (site / "reports").glob("*.html")]
    assert any(word in a.lower() for a in articles)  # on the report pages
    assert pagefind(page("search.html"), served, word) == []
    assert pagefind(page("search.html"), served, "scheduler") != []  # the index answers


# What a reader reads of a page: its text (hidden parts too: chart descriptions, closed
# details; not <noscript>, which a browser running scripts shows as nothing) and the
# attributes a browser shows or speaks.
READ = """
const body = document.body.cloneNode(true);
body.querySelectorAll('noscript').forEach(n => n.remove());
const parts = [document.title, body.textContent];
for (const el of document.querySelectorAll('*')) {
  for (const name of ['placeholder', 'aria-label', 'title', 'alt', 'value']) {
    const value = el.getAttribute(name);
    if (value) parts.push(value);
  }
}
return parts.join('\\n');
"""


def latin_words(value: object) -> set[str]:
    """Every word in Latin letters in the strings of `value` (a JSON document, a TOML table)."""
    if isinstance(value, str):
        return set(re.findall(r"[A-Za-z]+", value))
    if isinstance(value, dict):
        return set().union(*map(latin_words, value.values()), set())
    if isinstance(value, list):
        return set().union(*map(latin_words, value), set())
    return set()


def test_a_chinese_site_shows_no_english_ui_string(browser, zh_archive):
    """Words in Latin letters on a Chinese site come from the data (titles, names, tags) or
    are the Chinese strings' own (PR, issue, GitHub); any other is an English UI string."""
    data = set().union(
        *(latin_words(json.loads(p.read_text())) for p in (zh_archive / "reports").glob("*.json"))
    )
    chinese = latin_words(tomllib.loads((LOCALES / "zh.toml").read_text(encoding="utf-8")))
    with serving(zh_archive / "_site") as url:
        for path in ("index.html", "archive.html", "reports/2026-02-03.html",
                     "repos/vllm-project/vllm.html", "search.html"):  # fmt: skip
            browser.get(url + path)
            if path == "search.html":
                search(browser, "动态")  # its results, their count, the "clear" button
            read = browser.execute_script(READ)
            assert "清除" in read or path != "search.html"
            read = re.sub(r"\d{4}-W\d{2}", "", read)  # ISO weeks (2026-W06) are no English
            english = latin_words(read) - data - chinese
            assert english == set(), path
