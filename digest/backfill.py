"""Which earlier dates a run also writes: missing reports, and incomplete ones to redo.

Scheduled workflows are skipped, delayed and fail; a run looks back `backfill` days and
fills in every date with no report (never before the first report there, so a first run
writes one), and redoes every report that GitHub did not fully answer for. Each date gets
its own window, exactly as if it had run on time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from digest.archive.base import Archive, report_dates
from digest.models import Digest, Job

Action = Literal["write", "redo", "skip"]


@dataclass(frozen=True)
class Decision:
    date: dt.date
    action: Action
    why: str
    previous: Digest | None = None  # the incomplete report a redo starts from


def decide(job: Job, horizon: int, archive: Archive) -> list[Decision]:
    """One decision per earlier window within `horizon` days of the job's, newest first."""
    existing = report_dates(archive.snapshot(), job.layout)
    if horizon <= 0 or not existing:
        return []  # a first run writes one report
    earliest = min(existing)
    step = job.window.days  # a weekly digest's earlier reports are a week apart
    decisions = []
    for k in range(1, horizon // step + 1):
        date = job.window.date - dt.timedelta(days=k * step)
        if date < earliest:
            decisions.append(Decision(date, "skip", "before the first report"))
        elif date not in existing:
            decisions.append(Decision(date, "write", "no report"))
        elif (previous := archive.previous_digest(job.layout, date)) and previous.incomplete:
            why = "incomplete: " + ", ".join(previous.incomplete)
            decisions.append(Decision(date, "redo", why, previous))
        else:
            decisions.append(Decision(date, "skip", "complete"))
    return decisions
