"""Benchmark: `digest site` over a year of daily reports of eight repositories.

    uv run python -m bench.site                  # 365 days, 8 repositories
    uv run python -m bench.site --days 90 --repos 4

The archive is synthetic but real in shape: each day's Activity is made as collect makes it
(merged and new pull requests, direct commits, new and closed issues, a release every few
weeks, a nightly build a day), summarized by the built-in summarizer through the pipeline's
own `summarize`, and written as sidecars with the feed. The site is then built as the action
does (`digest run --stage site --publish none`, in a process of its own), twice: the second
build has nothing new and must change no file. Prints build times, the site's size, the home
page, a report page, the largest repository page and the search index.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from digest import __version__, calendar
from digest.models import (
    Activity,
    Commit,
    Issue,
    PullRequest,
    Release,
    RepoActivity,
)
from digest.render.files import sidecar
from digest.summarize.run import summarize, summarizer_for

ROOT = Path(__file__).resolve().parents[1]
LAST = dt.date(2026, 11, 30)
AREAS = ["Kernel", "Core", "Bugfix", "Perf", "Docs", "CI", "Model", "Frontend"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=365, help="daily reports in the archive")
    parser.add_argument("--repos", type=int, default=8, help="repositories in each report")
    parser.add_argument("--prs", type=int, default=12, help="merged pull requests a day")
    parser.add_argument("--language", default="en", choices=["en", "zh"])
    return parser.parse_args(argv)


def activity(date: dt.date, repos: int, prs: int, serial: int) -> Activity:
    """One day's activity: `prs` merged pull requests per repository, and the rest."""
    window = calendar.window(calendar.of("day", date), "UTC")
    noon = window.since + dt.timedelta(hours=12)
    found = []
    for r in range(repos):
        name = f"org{r}/project-{r}"
        web = f"https://github.com/{name}"
        base = serial * 100
        pulls = [
            PullRequest(
                number=base + n,
                title=f"[{AREAS[(n + r) % len(AREAS)]}] change {n} of day {serial}: "
                f"faster paged attention for long prompts",
                url=f"{web}/pull/{base + n}",
                author=f"dev{(n * 7 + r) % 40}",
                labels=["performance"] if n % 5 == 0 else [],
                state="merged",
                created_at=noon - dt.timedelta(days=2),
                merged_at=noon + dt.timedelta(minutes=n),
                merged_in_window=True,
                opened_in_window=False,
                additions=40 + n,
                deletions=8,
                changed_files=3,
            )
            for n in range(prs)
        ] + [
            PullRequest(
                number=base + 50 + n,
                title=f"[RFC] proposal {n} of day {serial}",
                url=f"{web}/pull/{base + 50 + n}",
                author=f"dev{n}",
                state="open",
                created_at=noon,
                merged_in_window=False,
                opened_in_window=True,
            )
            for n in range(3)
        ]
        commits = [
            Commit(
                sha=f"{serial:06d}{r:02d}{n:02d}".ljust(40, "a"),
                message=f"Update docs {n} of day {serial}",
                url=f"{web}/commit/{serial:06d}{r:02d}{n:02d}".ljust(40, "a"),
                author_login="maintainer",
                committed_at=noon,
            )
            for n in range(2)
        ]
        issues = [
            Issue(
                number=base + 80 + n,
                title=f"Regression: decode slower on day {serial} ({n})"
                if n == 0 and serial % 9 == 0
                else f"Question {n} about serving on day {serial}",
                url=f"{web}/issues/{base + 80 + n}",
                author=f"user{n}",
                state="open",
                created_at=noon,
                opened_in_window=True,
                closed_in_window=False,
                comments=n,
            )
            for n in range(3)
        ] + [
            Issue(
                number=max(base - 100 + 80 + n, 1),
                title=f"Question {n} about serving on day {serial - 1}",
                url=f"{web}/issues/{max(base - 100 + 80 + n, 1)}",
                author=f"user{n}",
                state="closed",
                created_at=noon - dt.timedelta(days=1),
                closed_at=noon,
                opened_in_window=False,
                closed_in_window=True,
            )
            for n in range(2)
        ]
        releases = [
            Release(
                tag=f"nightly-{date:%Y%m%d}",
                name=f"nightly {date}",
                url=f"{web}/releases/tag/nightly-{date:%Y%m%d}",
                published_at=noon,
                nightly=True,
            )
        ]
        if (serial + r) % 21 == 0:
            tag = f"v0.{serial // 21}.{r}"
            releases.append(
                Release(
                    tag=tag,
                    name=tag,
                    url=f"{web}/releases/tag/{tag}",
                    published_at=noon,
                    body="Highlights: faster kernels, new models.",
                )
            )
        found.append(
            RepoActivity(
                repo=name,
                url=web,
                default_branch="main",
                description=f"Synthetic project {r}",
                commits=commits,
                pulls=pulls,
                issues=issues,
                releases=releases,
            )
        )
    return Activity(tool_version=__version__, window=window, repos=found)


def write_archive(folder: Path, days: int, repos: int, prs: int, language: str) -> float:
    """Daily sidecars (all the site reads) for `days` days up to LAST; seconds taken."""
    started = time.perf_counter()
    reports = folder / "reports"
    reports.mkdir(parents=True)
    for serial in range(1, days + 1):
        date = LAST - dt.timedelta(days=days - serial)
        day = activity(date, repos, prs, serial)
        summarizer = summarizer_for(None, day, language, None)
        digest = summarize(day, summarizer, language=language, title=None)  # type: ignore[arg-type]
        (reports / f"{date.isoformat()}.json").write_text(sidecar(digest), encoding="utf-8")
        (reports / f"{date.isoformat()}.md").write_text("(report)\n", encoding="utf-8")
    return time.perf_counter() - started


def build(folder: Path) -> float:
    """`stage: site` as the action runs it, in a process of its own; seconds taken."""
    argv = [sys.executable, "-m", "digest", "run", "--stage", "site", "--repos", "org0/project-0"]
    argv += ["--publish", "none", "--output-dir", str(folder)]
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"digest site exited {done.returncode}:\n{done.stderr}")
    return took


def snapshot(site: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(site).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in site.rglob("*")
        if p.is_file()
    }


def size(files: dict[str, tuple[int, int]], prefix: str = "") -> int:
    return sum(s for path, (s, _) in files.items() if path.startswith(prefix))


def gz(site: Path, path: str) -> str:
    """What a server that compresses (GitHub Pages does) sends."""
    return kib(len(gzip.compress((site / path).read_bytes())))


def kib(n: float) -> str:
    return f"{n / 1024:,.0f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MiB"


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-site-") as work:
        folder = Path(work)
        made = write_archive(folder, args.days, args.repos, args.prs, args.language)
        sidecars = sum(p.stat().st_size for p in (folder / "reports").glob("*.json"))
        print(
            f"archive: {args.days} daily reports of {args.repos} repositories "
            f"({args.prs} merged pull requests each a day), sidecars {kib(sidecars)}, "
            f"made in {made:.1f} s"
        )
        first = build(folder)
        site = folder / "_site"
        before = snapshot(site)
        pages = [p for p in before if p.endswith(".html")]
        reports = [p for p in pages if p.startswith("reports/")]
        repos = [p for p in pages if p.startswith("repos/")]
        print(f"first build: {first:.1f} s, {len(before)} files, {kib(size(before))}")
        print(f"  pages: {len(pages)} ({len(reports)} reports, {len(repos)} repositories)")
        print(f"  home page: {kib(before['index.html'][0])} ({gz(site, 'index.html')} gzipped)")
        last_report = f"reports/{LAST.isoformat()}.html"
        print(
            f"  a report page ({LAST}): {kib(before[last_report][0])} "
            f"({gz(site, last_report)} gzipped)"
        )
        print(f"  report pages: {kib(size(before, 'reports/') / max(len(reports), 1))} on average")
        largest = max(repos, key=lambda p: before[p][0])
        print(
            f"  largest repository page: {kib(before[largest][0])} "
            f"({gz(site, largest)} gzipped; {largest})"
        )
        print(f"  archive page: {kib(before['archive.html'][0])}")
        index = size(before, "pagefind/")
        fragments = size(before, "pagefind/fragment/")
        print(
            f"  search index (pagefind/): {kib(index)}, of which fragments {kib(fragments)} "
            f"and index chunks {kib(size(before, 'pagefind/index/'))}"
        )
        again = build(folder)
        after = snapshot(site)
        changed = sorted(p for p in after.keys() | before.keys() if after.get(p) != before.get(p))
        print(f"rebuild with nothing new: {again:.1f} s, files changed: {len(changed)}")
        for path in changed[:10]:
            print(f"  changed: {path}")


if __name__ == "__main__":
    main()
