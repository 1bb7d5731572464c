"""Which earlier dates a run also writes: missing reports, and incomplete ones to redo.

Scheduled workflows are skipped, delayed and fail; a run looks back `backfill` days and
fills in every date with no report (never before the first report there, so a first run
writes one), and redoes every report that GitHub did not fully answer for. Each date gets
its own window, exactly as if it had run on time. A report whose sidecar cannot be read
(from a newer digest, or damaged) is left as it is, and the decision says why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from digest.archive.history import History, Unreadable
from digest.models import Digest, Job

Action = Literal["write", "redo", "skip"]


@dataclass(frozen=True)
class Decision:
    date: dt.date
    action: Action
    why: str
    previous: Digest | None = None  # the incomplete report a redo starts from


def decide(job: Job, horizon: int, history: History) -> list[Decision]:
    """One decision per earlier window within `horizon` days of the job's, newest first."""
    existing = history.dates(job.layout)
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
        else:
            decisions.append(_existing(date, history.read(job.layout, date)))
    return decisions


def _existing(date: dt.date, past: Digest | Unreadable | None) -> Decision:
    """A date with a report: redone when incomplete, never when its sidecar is unreadable."""
    if isinstance(past, Unreadable):
        return Decision(date, "skip", f"its sidecar {past.path} cannot be read: {past.why}")
    if past and past.incomplete:
        return Decision(date, "redo", "incomplete: " + ", ".join(past.incomplete), past)
    return Decision(date, "skip", "complete")
