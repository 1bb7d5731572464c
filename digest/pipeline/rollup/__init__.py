"""Weekly and monthly reports (`period: week | month`): the feature in one place.

- days.py: each day of the period from its daily report in the archive, or collected alone
  when it has no usable one; the trends' previous period
- union.py: the period's activity as the union of its days (each item once, with all its
  facts), and each repository's figures against the previous period
- report.py: the week's or month's report in a run: built, remembered, summarized

How a report shows a period (its name, where its days came from, the trend lines) is the
render stage's: render/rollup.py.
"""

from digest.pipeline.rollup.report import rollup_work

__all__ = ["rollup_work"]
