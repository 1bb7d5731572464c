"""Topics followed across repositories: declared (declared.py), matched against a window's
activity (matching.py), and a week's or a month's from its days' (periods.py).

A pure package below the stages: it reads models and the kinds table and asks nothing of
GitHub. The pipeline matches each report's activity and keeps the matches on the Digest
(`Digest.topics`); summaries lead with them, memory follows what they matched.
"""

from digest.topics.declared import declared
from digest.topics.matching import in_repos, match
from digest.topics.periods import of_day, union

__all__ = ["declared", "in_repos", "match", "of_day", "union"]
