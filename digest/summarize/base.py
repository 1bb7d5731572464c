"""What a summarizer is: a per-repository phase and an overall phase.

The two phases are separate so that shards of a workflow matrix can write the repository
summaries and one report job the overall summary. The built-in summarizer and the model's
both have this shape; the pipeline does not know which one it holds.
"""

from __future__ import annotations

from typing import Protocol

from digest.models import Activity, OverallSummary, RepoActivity, RepoSummary


class Summarizer(Protocol):
    def repo(self, activity: RepoActivity) -> RepoSummary:
        """One repository's summary (safe to call from several threads at once)."""
        ...

    def overall(self, activity: Activity, repos: list[RepoSummary]) -> OverallSummary:
        """The whole window, from every repository's activity and summary."""
        ...
