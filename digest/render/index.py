"""The index file: digest owns only the block between its markers; the rest is the user's."""

from __future__ import annotations

import datetime as dt
import posixpath
import re

from digest import calendar
from digest.calendar import Span
from digest.locales import Locale
from digest.models import Layout
from digest.render import markdown as md
from digest.render.rollup import period_label

START = "<!-- digest:start -->"
END = "<!-- digest:end -->"
_NOTICE = "<!-- Written by digest: edits between these markers are replaced on each run. -->"
_BLOCK = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)


def render_index(
    existing: str | None,
    *,
    title: str,
    latest_embedded: str,
    dates: set[dt.date],
    layout: Layout,
    loc: Locale,
    spans: set[Span] | None = None,
) -> str:
    """Replace (or add) the marker block, leaving every other byte of `existing` alone.
    `spans`: the weekly and monthly reports, each kind listed in a place of its own."""
    here = posixpath.dirname(layout.index_file) or "."
    days = [calendar.of("day", d) for d in sorted(dates, reverse=True)]
    lines = [f"- {md.link(s.label, posixpath.relpath(layout.report_of(s), here))}" for s in days]
    rollups = []
    for period, heading in (("month", "index_monthly"), ("week", "index_weekly")):
        listed = sorted((s for s in spans or () if s.period == period), key=lambda s: s.first)
        rollups += [md.heading(2, md.inline(loc[heading])), ""] if listed else []
        rollups += [
            f"- {md.link(period_label(s, loc), posixpath.relpath(layout.report_of(s), here))}"
            for s in reversed(listed)
        ]
        rollups += [""] if listed else []
    block = "\n".join(
        [
            START,
            _NOTICE,
            "",
            latest_embedded.rstrip(),
            "",
            *rollups,
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
