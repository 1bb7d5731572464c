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

from digest import calendar
from digest.archive.history import History, Unreadable
from digest.calendar import Span
from digest.models import Digest, Job

Action = Literal["write", "redo", "skip"]


@dataclass(frozen=True)
class Decision:
    span: Span  # an earlier report's days: a day, or with `days: N` the N days to it
    action: Action
    why: str
    previous: Digest | None = None  # the incomplete report a redo starts from

    @property
    def date(self) -> dt.date:
        return self.span.last


def decide(job: Job, horizon: int, history: History) -> list[Decision]:
    """One decision per earlier report within `horizon` days of the job's, newest first: a
    weekly digest's (`days: 7`) are a week apart."""
    existing = {s.last for s in history.spans(job.layout, "day")}
    if horizon <= 0 or not existing:
        return []  # a first run writes one report
    earliest = min(existing)
    decisions: list[Decision] = []
    span = job.span
    for _ in range(horizon // len(job.span.days)):
        span = calendar.previous(span)
        if span.last < earliest:
            decisions.append(Decision(span, "skip", "before the first report"))
        elif span.last not in existing:
            decisions.append(Decision(span, "write", "no report"))
        else:
            decisions.append(_existing(span, history.read(job.layout, span)))
    return decisions


def _existing(span: Span, past: Digest | Unreadable | None) -> Decision:
    """A date with a report: redone when incomplete, never when its sidecar is unreadable."""
    if isinstance(past, Unreadable):
        return Decision(span, "skip", f"its sidecar {past.path} cannot be read: {past.why}")
    if past and past.incomplete:
        return Decision(span, "redo", "incomplete: " + ", ".join(past.incomplete), past)
    return Decision(span, "skip", "complete")
