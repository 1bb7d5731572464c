"""Benchmark: every channel of a real month, as each service shows it.

    uv run python -m bench.channels                      # the shared data as it is
    uv run python -m bench.channels --close 2026-02-12   # flashinfer #2496 closed that day

The month of bench.month (a run on Feb 1, one on Feb 28 backfilling the days between, the
weeklies W06 to W08, the monthly), each run publishing to a local GitHub repository with
`--notify` (Slack, Discord, Teams, Telegram, Feishu, a JSON webhook, mail) and
`--announce issue`, in this process so that Apprise's requests and mail are captured. Then,
per report, what each service received, read as that service shows it (tests/readers.py):
- whether the message lists the month's risk exactly when the report does, and with the
  date first told when the report gives one;
- Slack and Teams: backslashes in the text; Telegram: live mentions, hashtags, commands;
  mail: links of the HTML part missing from the text part;
- the GitHub thread of each report (as `announce` would post it): zero-width characters and
  autolinkable references or mentions (cmarkgfm).
"""

from __future__ import annotations

import argparse
import datetime as dt
import email
import os
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from bench.month import RISK, RISK_URL, WEEKS, month_repos, section
from tests.readers import (
    autolinkable,
    commonmark_html,
    github_html,
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

TOKEN = "bench-token"
TARGET = "me/digests"
URLS = {
    "slack": "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ",
    "discord": "discord://1234567890/abcdefghijklmnopqrstuvwxyz",
    "teams": "workflows://prod.westus.logic.azure.com/abcdefgh1234/sig5678",
    "telegram": "tgram://123456789:abcdefghijklmnopqrstuvwxyzABCDEFG/-1001234567890",
    "feishu": "feishu://abcdefghijklmnop",
    "json": "json://127.0.0.1:9/hooks",
    "mail": "mailto://user:pass@example.com?smtp=smtp.example.com&to=team@example.com",
}
HOSTS = {
    "slack": "hooks.slack.com",
    "discord": "discord.com",
    "teams": "logic.azure.com",
    "telegram": "api.telegram.org",
    "feishu": "open.feishu.cn",
    "json": "127.0.0.1:9",
}
_WINDOW = re.compile(r"Activity (?:on|from) \d{4}-\d{2}-\d{2}[^\n_<]*?\(UTC\)")


def _window(text: str) -> str:
    found = _WINDOW.search(text.replace("\u200b", ""))
    return " ".join(found.group(0).split()) if found else ""


def write(out: Path, close: dt.date | None) -> tuple[Sent, Any, Any]:
    from digest.cli import main
    from tests.fakegithub.git import GitRepo
    from tests.fakegithub.server import FakeGitHub

    repos = month_repos(close)
    names = ",".join(r.full_name for r in repos)
    github = FakeGitHub(repos, token=TOKEN).__enter__()
    target = github.add_target(GitRepo.with_files(TARGET, {"README.md": "# Digests\n"}))
    os.environ.update({"GITHUB_API_URL": github.api_url, "GITHUB_TOKEN": TOKEN})
    run = ["run", "--repos", names, "--publish", "commit", "--target-repo", TARGET]
    run += ["--output-dir", str(out), "--notify", *URLS.values(), "--announce", "issue"]
    with pytest.MonkeyPatch.context() as monkeypatch:
        captured = Sent(monkeypatch)
        runs = [["--date", "2026-02-01"], ["--date", "2026-02-28", "--backfill", "27"]]
        runs += [["--period", "week", "--date", d] for d in WEEKS.values()]
        runs += [["--period", "month", "--date", "2026-03-01"]]
        for extra in runs:
            if main([*run, *extra]) != 0:
                raise SystemExit(f"digest {' '.join(extra)} failed")
    return captured, github, target


def received(captured: Sent) -> dict[str, dict[str, dict[str, Any]]]:
    """Per report (by its window line): per service, what a reader sees: text and links."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for name, host in HOSTS.items():
        for url, payload in captured.posts:
            if host not in url:
                continue
            raw = payload["text"] if name == "telegram" else body_in(payload)
            if name == "slack":
                view = slack_view(raw)
                shown = {"text": view.text, "links": view.links}
            elif name in ("discord", "teams"):
                page = commonmark_html(raw) if name == "discord" else teams_html(raw)
                shown = {"text": seen(page), "links": parse_html(page).links}
            elif name == "telegram":
                shown = {"text": seen(raw), "links": unhidden(parse_html(raw).links)}
                shown["live"] = telegram_live(raw)
            else:
                shown = {"text": " ".join(raw.split()), "links": []}
            shown["raw"] = raw
            found.setdefault(_window(raw), {})[name] = shown
    for raw_mail in captured.mails:
        html_part, text_part = mail_parts(email.message_from_string(raw_mail))
        hrefs = {href for _, href in parse_html(html_part).links}
        found.setdefault(_window(seen(html_part)), {})["mail"] = {
            "text": seen(html_part),
            "links": parse_html(html_part).links,
            "raw": text_part,
            "missing": sorted(h for h in hrefs if h not in text_part),
        }
    return found


def measure(captured: Sent, github: Any, target: Any) -> None:
    from digest.deliver.channels import NewReport
    from digest.models import Digest
    from digest.pipeline.channels import _post
    from digest.render import brief

    files = target.files_at()  # what was published, as the repository holds it
    paths = sorted(
        (p for p in files if re.fullmatch(r"reports/(?:weekly/|monthly/)?[\d-]+(?:W\d+)?\.md", p)),
        key=lambda p: (p.count("/"), "monthly" in p, p),
    )
    messages = received(captured)
    problems: Counter[str] = Counter()
    agree = lists = 0
    print(f"what each channel received for each report (#{RISK[1]}: the month's risk)")
    for path in paths:
        markdown = files[path]
        window = _window(seen(github_html(markdown)))
        risk = [line for line in section(markdown, "Risks and what to watch") if RISK_URL in line]
        told = re.search(r"first told \S+, open for [^(<]+?(?= \()", risk[0]) if risk else None
        got = messages.get(window, {})
        row = []
        for name in [*HOSTS, "mail"]:
            shown = got.get(name)
            if shown is None:
                row.append(f"{name}: none")
                problems["no message"] += 1
                continue
            has = RISK_URL in shown["raw"] or any(u == RISK_URL for _, u in shown["links"])
            dated = told is None or told.group(0) in shown["text"]
            ok = has == bool(risk) and dated
            agree += ok
            if not ok:
                problems[f"{name} disagrees with the report"] += 1
            if name in ("slack", "teams") and "\\" in shown["raw"]:
                problems[f"{name}: a backslash"] += 1
            if shown.get("live"):
                problems["telegram: live @/#/$//"] += 1
            if shown.get("missing"):
                problems["mail: a link missing from the text part"] += 1
            row.append(f"{name}: {'risk' if has else '-'}{'' if ok else ' (DISAGREES)'}")
        lists += bool(risk)
        state = (
            "resolved" if risk and risk[0].startswith("Resolved:") else "listed" if risk else "-"
        )
        state = told.group(0) if told else state
        print(f"  {Path(path).stem:10} {state:32} " + " ".join(row))
        # the GitHub thread as announce writes it for this report
        digest = Digest.model_validate_json(files[path.removesuffix(".md") + ".json"])
        url = f"https://github.com/{TARGET}/blob/main/{path}"
        post = _post(NewReport(digest, path, url, brief.title(digest), None))
        page = github_html(post.body)
        if zero_width(post.body):
            problems["GitHub thread: a zero-width character"] += 1
        if autolinkable(page):
            problems["GitHub thread: autolinkable"] += 1
        if bool(risk) != (RISK_URL.replace("github.com", "redirect.github.com") in post.body):
            problems["GitHub thread disagrees with the report"] += 1
    services = len(HOSTS) + 1
    print(f"reports: {len(paths)}, listing #{RISK[1]}: {lists}")
    print(f"messages that agree with their report: {agree} of {len(paths) * services}")
    threads = github.threads.of(TARGET).issues
    posted = [t for t in threads if zero_width(t.body) or autolinkable(github_html(t.body))]
    print(f"threads posted: {len(threads)}, with a zero-width character or autolink: {len(posted)}")
    print("problems:", dict(problems) or "none")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--close", type=dt.date.fromisoformat, help="close the risk that day")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        captured, github, target = write(Path(folder), args.close)
        try:
            measure(captured, github, target)
        finally:
            github.__exit__(None, None, None)


if __name__ == "__main__":
    main()
