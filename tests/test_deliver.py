"""Delivery: the Atom feed beside the reports, and notifications through Apprise."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import feedparser
import pytest

from digest.cli import main
from tests.conftest import tree
from tests.fakegithub.builders import at, merged_pr
from tests.fakegithub.server import FakeRepo


@pytest.fixture
def days(github):
    repo = github.add(FakeRepo("vllm-project/vllm"))
    for day in range(1, 6):
        merged_pr(repo, 100 + day, f"[Core] change of day {day}", at(f"2026-02-0{day} 12:00"))
    return repo


class Webhook:
    """A local JSON webhook (Apprise's json:// URLs post here); `status` is its answer."""

    def __init__(self, status: int = 200):
        self.status = status
        self.received: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                server.received.append(json.loads(self.rfile.read(length) or b"{}"))
                self.send_response(server.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # shutdown() waits for the loop's next look: every 20 ms, not the default 0.5 s
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.httpd.server_address[1]}/hooks/s3cr3t-team-token"

    def __enter__(self) -> Webhook:
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.httpd.shutdown()
        self.httpd.server_close()


def run(tmp_path, day: int, *extra: str) -> int:
    argv = ["run", "--repos", "vllm-project/vllm", "--date", f"2026-02-0{day}"]
    argv += ["--publish", "commit", "--target-repo", "me/digests", "--output-dir", str(tmp_path)]
    return main([*argv, *extra])


def test_the_feed_after_three_daily_runs(github, target, days, tmp_path):
    for day in (1, 2, 3):
        assert run(tmp_path, day, "--backfill", "0") == 0
    files = target.files_at()
    feed = feedparser.parse(files["reports/feed.xml"])
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert [e.title for e in feed.entries] == [f"Daily digest — 2026-02-0{d}" for d in (3, 2, 1)]
    for number, item in zip((3, 2, 1), feed.entries, strict=True):
        path = f"reports/2026-02-0{number}.md"
        assert item.link == f"https://github.com/me/digests/blob/main/{path}"
        assert path in files  # the link points at a file on the target branch
        assert item.id.endswith(f"/reports/2026-02-0{number}")
        assert f"change of day {number}" in item.content[0].value
        assert "<script" not in item.content[0].value
    ids = [e.id for e in feed.entries]
    run(tmp_path, 3, "--backfill", "0")  # a rerun: the same feed, no commit
    assert [e.id for e in feedparser.parse(target.files_at()["reports/feed.xml"]).entries] == ids


def test_the_feed_can_be_turned_off(github, days, tmp_path):
    argv = ["run", "--repos", "vllm-project/vllm", "--date", "2026-02-01", "--feed", "false"]
    assert main([*argv, "--output-dir", str(tmp_path)]) == 0
    assert "reports/feed.xml" not in tree(tmp_path)


def test_one_message_per_new_report_and_none_on_an_unchanged_rerun(github, target, days, tmp_path):
    with Webhook() as hook:
        assert run(tmp_path, 1, "--notify", hook.url) == 0
        assert len(hook.received) == 1
        assert run(tmp_path, 3, "--notify", hook.url) == 0  # writes 2 (backfill) and 3
        assert len(hook.received) == 3
        assert run(tmp_path, 3, "--notify", hook.url) == 0  # nothing new
        assert len(hook.received) == 3
    titles = [m["title"] for m in hook.received]
    assert titles == [
        "Daily digest — 2026-02-01",
        "Daily digest — 2026-02-03",
        "Daily digest — 2026-02-02",
    ]
    body = hook.received[1]["message"]
    assert "change of day 3" in body
    assert "https://github.com/me/digests/blob/main/reports/2026-02-03.md" in body


def test_a_failing_channel_is_a_warning_and_its_url_never_appears(
    github, target, days, tmp_path, capsys
):
    with Webhook(status=500) as broken, Webhook() as working:
        code = run(tmp_path, 1, "--notify", f"{broken.url}\n{working.url}")
    assert code == 0
    assert len(working.received) == 1  # the others are still told
    err = capsys.readouterr().err
    assert "notification channel #1 (json) failed" in err
    published = "\n".join(target.files_at().values()) + "\n".join(tree(tmp_path).values())
    for text in (err, published):
        assert "s3cr3t-team-token" not in text and "127.0.0.1:" not in text.replace(
            github.api_url, ""
        )
    assert target.log()[0].startswith("digest: report for 2026-02-01")


def test_notify_given_twice_tells_both(github, target, days, tmp_path):
    with Webhook() as first, Webhook() as second:
        assert run(tmp_path, 1, "--notify", first.url, "--notify", second.url) == 0
    assert len(first.received) == 1 and len(second.received) == 1
