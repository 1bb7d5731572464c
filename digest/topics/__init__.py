"""Topics followed across repositories: declared and checked (declared.py).

A pure package below the stages: it reads models and asks nothing of GitHub.
"""

from digest.topics.declared import declared

__all__ = ["declared"]
