"""The index file: digest owns only the block between its markers; the rest is the user's."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections.abc import Iterable

from digest.locales import Locale
from digest.render import markdown as md

START = "<!-- digest:start -->"
END = "<!-- digest:end -->"
_NOTICE = "<!-- Written by digest: edits between these markers are replaced on each run. -->"
_BLOCK = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
REPORT_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.md$")


def report_dates(names: Iterable[str]) -> set[dt.date]:
    """Dates of the reports among file names in the reports folder."""
    dates = set()
    for name in names:
        match = REPORT_NAME.match(posixpath.basename(name))
        if match:
            try:
                dates.add(dt.date.fromisoformat(match[1]))
            except ValueError:
                continue  # 2026-02-30.md is not one of ours
    return dates


def render_index(
    existing: str | None,
    *,
    title: str,
    latest_embedded: str,
    dates: set[dt.date],
    reports_dir: str,
    index_file: str,
    loc: Locale,
) -> str:
    """Replace (or add) the marker block, leaving every other byte of `existing` alone."""
    here = posixpath.dirname(index_file) or "."
    lines = [
        f"- {md.link(d.isoformat(), posixpath.relpath(f'{reports_dir}/{d}.md', here))}"
        for d in sorted(dates, reverse=True)
    ]
    block = "\n".join(
        [
            START,
            _NOTICE,
            "",
            latest_embedded.rstrip(),
            "",
            md.heading(2, md.inline(loc["index_past"])),
            "",
            *lines,
            "",
            END,
        ]
    )
    if existing is None:
        return f"{md.heading(1, md.inline(title))}\n\n{block}\n"
    if _BLOCK.search(existing):
        return _BLOCK.sub(lambda _: block, existing, count=1)
    separator = "" if existing.endswith("\n\n") else ("\n" if existing.endswith("\n") else "\n\n")
    return f"{existing}{separator}{block}\n"
