"""Why a repository could not be read, listed once: the table the log, the report and the
summary read, in the style of kinds.py.

github/failures.py decides which of these kinds a GitHub error is; this table says what each
kind means: whether a later run can still read what was missed (the report is then
incomplete, and runs within `backfill` days redo it), what the run's log tells whoever runs
digest (what to fix), and what the report tells its reader (a locale key; `{redo}`: how the
report is filled in). tests/test_kinds.py holds every kind to a row and every row's text to
every locale.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

# "postponed": not started, to stay within the token's hourly GitHub budget.
FailureKind = Literal["not_found", "forbidden", "rate_limited", "error", "postponed"]


@dataclass(frozen=True)
class Failure:
    """One reason a repository was not read, as each reader is told it."""

    kind: FailureKind
    transient: bool  # a later run may read it: the report is incomplete until then
    report: str  # locale key: the line the report shows in the repository's section
    log: str  # the run log's warning after the repository's name: what to fix


_REDO = "the report is marked incomplete, and runs within `backfill` days"

FAILURES: Mapping[FailureKind, Failure] = MappingProxyType(
    {
        failure.kind: failure
        for failure in (
            Failure(
                "not_found",
                transient=False,
                report="failed_not_found",
                log="not found, or the token cannot read it: check the name, and that the "
                "token can read it (a workflow's GITHUB_TOKEN reads public repositories and "
                "its own; for other private ones pass a token as github-token)",
            ),
            Failure(
                "forbidden",
                transient=False,
                report="failed_forbidden",
                log="the token may not read it (SSO authorization or an organization policy)",
            ),
            Failure(
                "rate_limited",
                transient=True,
                report="failed_transient",
                log="GitHub's rate limit was reached before it was read; "
                f"{_REDO} redo it (or rerun the workflow)",
            ),
            Failure(
                "error",
                transient=True,
                report="failed_transient",
                log=f"GitHub did not answer for it (see the log above); {_REDO} redo it "
                "(or rerun the workflow)",
            ),
            Failure(
                "postponed",
                transient=True,
                report="failed_postponed",
                log="not started: the token's hourly GitHub budget was nearly spent; "
                f"{_REDO} collect it",
            ),
        )
    }
)

# What a later run can still read: a report missing one of these is incomplete.
TRANSIENT: frozenset[FailureKind] = frozenset(k for k, f in FAILURES.items() if f.transient)
