"""The GitHub boundary: every request digest makes goes through this package.

Infrastructure shared by the stages, like models.py: collect, archive and deliver use it,
and it imports none of them.

- client.py: `connect`, the one client (PyGithub's transport, retries, counting, 401)
- limits.py: the count of requests, and GitHub's secondary limits (at once; points a minute)
- paging.py: `paginate` follows cursors; a query too heavy is asked again smaller (`Ladder`)
- documents.py: the GraphQL documents of a package, each with its fragments
- failures.py: what GitHub answered instead: its words, a repository's failure kind, a refusal
"""

from __future__ import annotations

from digest.github.client import GitHubAPI, QueryTooHeavy, connect

__all__ = ["GitHubAPI", "QueryTooHeavy", "connect"]
