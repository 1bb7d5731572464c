"""Benchmark: what a month of reports remembers, on the real data of February 2026.

    uv run python -m bench.month OUT_DIR                 # the shared data as it is
    uv run python -m bench.month OUT_DIR --close 2026-02-12
        # the same, with flashinfer #2496 (the month's one risk) closed on that day

Writes what a team running digest on the shared data gets (as a user would: a run on Feb 1,
then one on Feb 28 that backfills the days between; the weeklies W06 to W08 and the monthly,
each a run of its own; then the site) and prints, read as GitHub shows each report:
- each daily's risks: the ones it tells (its own, and those told earlier with their date);
- each weekly's and the monthly's risks, and the site home's "Risks still open";
- the reports whose closing line says nothing was reported under risks they list;
- releases counted for flashinfer on the site's home and in the monthly;
- the built-in wording the issue named, counted across every report.
Every run of digest happens "after" the month: the local GitHub answers as GitHub would now,
so each report of a day before the close is one written after it (a late run, a backfill).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from bench.data import shared_repos
from bench.servers import Servers
from tests.fakegithub.server import FakeRepo
from tests.readers import github_html, parse_html, seen

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-token"
RISK = ("flashinfer-ai/flashinfer", 2496)
RISK_URL = f"https://github.com/{RISK[0]}/issues/{RISK[1]}"
WEEKS = {"2026-W06": "2026-02-09", "2026-W07": "2026-02-16", "2026-W08": "2026-02-23"}
NO_RISKS = "No regression, revert, breaking change or performance problem was reported."
# The wording the issue named (regular expressions over the text GitHub shows).
WORDING = {
    "label repeats the title": r"(?i)(?:^|— |: )(\w[\w ]*?): \1(?![\w-])",
    "a period before ', by'": r"\., by ",
    "a tag list as a theme": r"(?:merged work: |went mostly to )[^.]*\w,\w",
    "'1 nightly builds'": r"\b1 nightly builds\b",
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="where the reports and the site are written")
    parser.add_argument("--close", type=dt.date.fromisoformat, help="close the risk that day")
    return parser.parse_args(argv)


def month_repos(close: dt.date | None) -> list[FakeRepo]:
    """The shared data's repositories; with `close`, the month's risk closed that day."""
    repos = shared_repos()
    if close:
        repo = next(r for r in repos if r.full_name == RISK[0])
        issue = next(i for i in repo.issues if i.number == RISK[1])
        issue.closed_at = dt.datetime.combine(close, dt.time(9), dt.UTC)
    return repos


def write(out: Path, close: dt.date | None) -> None:
    repos = month_repos(close)
    names = ",".join(r.full_name for r in repos)
    with Servers(repos, 0.0, 0.0, TOKEN) as servers:
        env = {**os.environ, "GITHUB_API_URL": servers.api_url, "GITHUB_TOKEN": TOKEN}

        def digest(*argv: str) -> None:
            done = subprocess.run(
                [sys.executable, "-m", "digest", *argv, "--output-dir", str(out)],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise SystemExit(
                    f"digest {' '.join(argv)} exited {done.returncode}:\n{done.stderr}"
                )

        run = ["run", "--repos", names]
        digest(*run, "--date", "2026-02-01")
        digest(*run, "--date", "2026-02-28", "--backfill", "27")
        for date in WEEKS.values():
            digest(*run, "--period", "week", "--date", date)
        digest(*run, "--period", "month", "--date", "2026-03-01")
        digest("site")


def section(markdown: str, heading: str) -> list[str]:
    """The list items under a heading, as GitHub shows them, each with its links."""
    html = github_html(markdown)
    start = html.find(f">{heading}</h")
    if start < 0:
        return []
    body = html[start:]
    end = body.find("<h", 1)
    items = []
    for chunk in body[: end if end > 0 else None].split("<li>")[1:]:
        item = chunk.split("</li>")[0]
        links = " ".join(href for _, href in parse_html(item).links)
        items.append(f"{seen(item)} <{links}>")
    return items


def shown_lines(markdown: str) -> list[str]:
    """Each line (paragraph, list item, heading) of a report as GitHub shows it."""
    text = "".join(parse_html(github_html(markdown)).parts)
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def closing(markdown: str) -> str:
    html = github_html(markdown)
    start = html.find(">In closing</h")
    if start < 0:
        return ""
    body = html[html.index("</h", start) :]
    return " ".join(seen(body.split("<hr", 1)[0]).split())


def tells(items: list[str]) -> str:
    """How a report's risks tell the month's risk: own, open since ..., resolved, or not."""
    for item in items:
        if RISK_URL in item:
            if item.startswith("Resolved:"):
                return "resolved"
            told = re.search(r"first told (\S+), open for ([^<(]+?) \(", item)
            return f"open since {told[1]} ({told[2]})" if told else "own risk"
    return "-"


def measure(out: Path) -> None:
    reports = out / "reports"
    texts = {p: p.read_text(encoding="utf-8") for p in sorted(reports.rglob("*.md"))}
    print(f"daily risks ({RISK[0]}#{RISK[1]}, reported 2026-02-04):")
    dailies = sorted(p for p in texts if p.parent == reports)
    listed = 0
    for path in dailies:
        risks = section(texts[path], "Risks and what to watch")
        told = tells(risks)
        listed += told != "-"
        print(f"  {path.stem}  {len(risks)} risk lines  #{RISK[1]}: {told}")
    print(f"  dailies that list #{RISK[1]}: {listed} of {len(dailies)}")
    print("weeklies and the monthly:")
    for path in [*sorted(reports.glob("weekly/*.md")), *sorted(reports.glob("monthly/*.md"))]:
        risks = section(texts[path], "Risks and what to watch")
        top = section(texts[path], "Top developments")
        print(f"  {path.stem}: {len(risks)} risk lines, #{RISK[1]}: {tells(risks)}")
        for line in risks:
            print(f"      {line[:150]}")
        print(f"    first top development: {top[0][:120] if top else '-'}")
    home = (out / "_site/index.html").read_text(encoding="utf-8")
    start = home.index('id="risks"')
    shown = seen(home[home.index(">", start) + 1 : home.index("</section>", start)])
    print("site home, risks still open:", " ".join(shown.split())[:300])
    contradicted = [
        p.stem
        for p in texts
        if NO_RISKS in closing(texts[p])
        and any(
            not line.startswith("Resolved:")
            for line in section(texts[p], "Risks and what to watch")
        )
    ]
    print(f"closing line says nothing was reported under open risks: {len(contradicted)} reports")
    flashinfer = re.search(r"flashinfer-ai/flashinfer</a> <span class=\"fact\">· ([^<]*)", home)
    print(f"site home, flashinfer: {flashinfer[1] if flashinfer else '?'}")
    monthly = texts[reports / "monthly/2026-02.md"].split("### [flashinfer-ai/flashinfer]")[1]
    counts = re.search(r"^_(\d+ merged[^_]*)_$", monthly, re.M)
    print(f"monthly, flashinfer: {counts[1] if counts else '?'}")
    print("built-in wording across every report (story lines):")
    # the story's lines: the record's (`#2524 …`, `2aedca6 …`) quote titles as GitHub has them
    record = re.compile(r"^(?:#\d+|[0-9a-f]{7}) ")
    lines = [
        line for text in texts.values() for line in shown_lines(text) if not record.match(line)
    ]
    for name, pattern in WORDING.items():
        hits = [line for line in lines if re.search(pattern, line)]
        print(f"  {name}: {len(hits)}" + (f"  e.g. {hits[0][:110]}" if hits else ""))
    quotes = [line for line in lines if line.count('"') % 2]
    print(f"  an unbalanced quote: {len(quotes)}" + (f"  e.g. {quotes[0][:110]}" if quotes else ""))


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if not (args.out / "reports").exists():
        write(args.out, args.close)
    measure(args.out)


if __name__ == "__main__":
    main()
