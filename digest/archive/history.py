"""What earlier reports said: the one reader of the past, over whatever holds the archive.

Backfill, the summary cache, the known-files shortcut, the rollups, memory and the site read
earlier reports here, each named by its span (a day, an ISO week, a month: digest/calendar.py).
Each sidecar is read and upgraded to this version at most once per run (digest/upgrades.py),
whichever release wrote it. A sidecar that cannot be upgraded is named once, as a warning the
user sees, and stays on record as unreadable: never taken for a missing report, so nothing
overwrites it unasked.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable

from digest import calendar
from digest.archive.base import Archive, report_spans
from digest.calendar import Period, Span
from digest.models import Digest, Frozen, Layout
from digest.upgrades import CannotUpgrade, load

log = logging.getLogger(__name__)


class Unreadable(Frozen):
    """A report whose sidecar no upgrade step brings to this version."""

    span: Span  # the report's day, week or month
    path: str  # as the user finds it: `owner/name:reports/DATE.json`, or a local path
    why: str

    def __str__(self) -> str:
        return (
            f"the sidecar of the report for {self.span.label} ({self.path}) cannot be read: "
            f"{self.why}. That date is not history for this run, and is left as it is"
        )


Past = Digest | Unreadable | None  # None: no sidecar for that report


class History:
    """Every report in the archive, keyed by its span: a day, a week or a month."""

    def __init__(self, archive: Archive, warn: Callable[[str], None] = log.warning):
        self.archive = archive
        self.warn = warn  # the runner's warning: an annotation, and a line in the log
        self._read: dict[str, Past] = {}

    def spans(self, layout: Layout, period: Period) -> set[Span]:
        """The days, weeks or months with a report in their folder (`reports/weekly/`)."""
        return report_spans(self.archive.snapshot(), layout, period)

    def read(self, layout: Layout, span: Span) -> Past:
        """The digest published for a day, a week or a month, upgraded; Unreadable when no
        step can."""
        path = layout.sidecar_of(span)
        if path not in self._read:
            self._read[path] = self._load(path, span)
        return self._read[path]

    def digest(self, layout: Layout, span: Span) -> Digest | None:
        """The digest of `span`, or None when there is none this version can read."""
        past = self.read(layout, span)
        return past if isinstance(past, Digest) else None

    def dailies(
        self, layout: Layout, dates: Iterable[dt.date] | None = None
    ) -> dict[dt.date, Digest]:
        """The readable daily digests of `dates` (by default every daily in the folder), by
        date: what memory reads."""
        wanted = [s.last for s in self.spans(layout, "day")] if dates is None else dates
        found = {date: self.digest(layout, calendar.of("day", date)) for date in sorted(wanted)}
        return {date: digest for date, digest in found.items() if digest is not None}

    @property
    def unreadable(self) -> list[Unreadable]:
        """Every sidecar read so far that could not be upgraded."""
        return [past for past in self._read.values() if isinstance(past, Unreadable)]

    def _load(self, path: str, span: Span) -> Past:
        text = self.archive.snapshot().read(path)
        if text is None:
            return None
        try:
            return load(text, Digest)
        except CannotUpgrade as exc:
            where = self.archive.where(path)
            unreadable = Unreadable(span=span, path=where, why=str(exc))
            self.warn(str(unreadable))
            return unreadable
