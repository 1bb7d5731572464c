"""What earlier reports said: the one reader of the past, over whatever holds the archive.

Backfill, the summary cache, the known-files shortcut and the rollups read the digests of
earlier dates here, and the weekly and monthly reports (rollups) as well (next the follow-ups
and the site). Each sidecar is read and upgraded to
this version at most once per run (digest/upgrades.py), whichever release wrote it. A sidecar
that cannot be upgraded is named once, as a warning the user sees, and stays on record as
unreadable: never taken for a missing report, so nothing overwrites it unasked.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable

from digest.archive.base import Archive, report_dates, report_spans
from digest.calendar import Period, Span
from digest.models import Digest, Frozen, Layout
from digest.upgrades import CannotUpgrade, load

log = logging.getLogger(__name__)


class Unreadable(Frozen):
    """A report whose sidecar no upgrade step brings to this version."""

    date: dt.date  # a weekly or monthly report's: its first day
    path: str  # as the user finds it: `owner/name:reports/DATE.json`, or a local path
    why: str
    span: Span | None = None  # set for a weekly or monthly report

    def __str__(self) -> str:
        named = self.span.label if self.span else self.date
        return (
            f"the sidecar of the report for {named} ({self.path}) cannot be read: "
            f"{self.why}. That date is not history for this run, and is left as it is"
        )


Past = Digest | Unreadable | None  # None: no sidecar for that date


class History:
    def __init__(self, archive: Archive, warn: Callable[[str], None] = log.warning):
        self.archive = archive
        self.warn = warn  # the runner's warning: an annotation, and a line in the log
        self._read: dict[str, Past] = {}

    def dates(self, layout: Layout) -> set[dt.date]:
        """The dates with a report in the layout's reports folder."""
        return report_dates(self.archive.snapshot(), layout)

    def read(self, layout: Layout, date: dt.date) -> Past:
        """The digest published for `date`, upgraded; Unreadable when no step can."""
        path = layout.sidecar(date)
        if path not in self._read:
            self._read[path] = self._load(path, date)
        return self._read[path]

    def spans(self, layout: Layout, period: Period) -> set[Span]:
        """The weeks or months with a report in their folder (`reports/weekly/`); the
        dates, as spans, for `day`."""
        if period == "day":
            return {Span(period="day", first=d, last=d) for d in self.dates(layout)}
        return report_spans(self.archive.snapshot(), layout, period)

    def read_span(self, layout: Layout, span: Span) -> Past:
        """The digest published for a period (a day, a week, a month), upgraded."""
        if span.period == "day":
            return self.read(layout, span.first)
        path = layout.sidecar_of(span)
        if path not in self._read:
            self._read[path] = self._load(path, span.first, span)
        return self._read[path]

    def rollup(self, layout: Layout, span: Span) -> Digest | None:
        """The weekly or monthly digest of `span`, or None when there is none readable."""
        past = self.read_span(layout, span)
        return past if isinstance(past, Digest) else None

    def digest(self, layout: Layout, date: dt.date) -> Digest | None:
        """The digest for `date`, or None when there is none this version can read."""
        past = self.read(layout, date)
        return past if isinstance(past, Digest) else None

    def digests(
        self, layout: Layout, dates: Iterable[dt.date] | None = None
    ) -> dict[dt.date, Digest]:
        """The readable digests of `dates` (by default every report in the folder), by date."""
        wanted = self.dates(layout) if dates is None else dates
        found = {date: self.digest(layout, date) for date in sorted(wanted)}
        return {date: digest for date, digest in found.items() if digest is not None}

    @property
    def unreadable(self) -> list[Unreadable]:
        """Every sidecar read so far that could not be upgraded."""
        return [past for past in self._read.values() if isinstance(past, Unreadable)]

    def _load(self, path: str, date: dt.date, span: Span | None = None) -> Past:
        text = self.archive.snapshot().read(path)
        if text is None:
            return None
        try:
            return load(text, Digest)
        except CannotUpgrade as exc:
            where = self.archive.where(path)
            unreadable = Unreadable(date=date, path=where, why=str(exc), span=span)
            self.warn(str(unreadable))
            return unreadable
