"""Memory across days: what the reports before this one told, followed up (risks, and what a
topic matched, until they close).

`recall` reads the digests of the `follow-days` days before a report (through History, in
the pipeline) with this window's activity, and decides which told items to follow (told.py),
what became of each (fates.py: from this window's collection where it shows, else from
GitHub through the `ask` it is given), and which items the stories already highlighted with
nothing new since (ongoing.py). A week's or a month's memory (`recall_period`) is read from
its dailies alone: the risks open at its end and those resolved in it. The result, a
`Memory`, is carried on the Digest, so the sidecar keeps it and a rerun renders the same
report. This package imports models and the calendar only.
"""

from digest.memory.recall import horizon, period_dates, recall, recall_period

__all__ = ["horizon", "period_dates", "recall", "recall_period"]
