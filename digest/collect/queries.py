"""GraphQL documents from the .graphql files beside this module.

Each document carries only the fragments it uses, because GitHub rejects unused ones.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

_FRAGMENT = re.compile(r"^fragment (\w+) on \w+ \{\n.*?^\}\n", re.M | re.S)
_SPREAD = re.compile(r"\.\.\.(\w+)")


def _read(name: str) -> str:
    return files(__package__).joinpath("queries", name).read_text(encoding="utf-8")


@cache
def _fragments() -> dict[str, str]:
    text = _read("fragments.graphql") + _read("repository.graphql")
    return {m.group(1): m.group(0) for m in _FRAGMENT.finditer(text)}


def with_fragments(operation: str) -> str:
    """Append the fragments `operation` spreads, transitively, each once."""
    fragments = _fragments()
    needed: list[str] = []
    pending = _SPREAD.findall(operation)
    while pending:
        name = pending.pop(0)
        if name in fragments and name not in needed:
            needed.append(name)
            pending.extend(_SPREAD.findall(fragments[name]))
    return operation.rstrip() + "\n\n" + "\n".join(fragments[n] for n in needed)


@cache
def document(name: str) -> str:
    """A whole query from `queries/<name>.graphql`, fragments included."""
    return with_fragments(_read(f"{name}.graphql"))


def repositories_query(count: int) -> str:
    """One query for `count` repositories, aliased repo0..repoN-1 (GitHub allows batching)."""
    params = "".join(f"  $owner{i}: String!\n  $name{i}: String!\n" for i in range(count))
    fields = "".join(
        f"  repo{i}: repository(owner: $owner{i}, name: $name{i}) {{\n"
        "    ...RepositoryActivity\n  }\n"
        for i in range(count)
    )
    operation = (
        "query Repositories(\n  $since: GitTimestamp!\n  $until: GitTimestamp!\n"
        f"  $sinceTime: DateTime!\n  $pageSize: Int!\n{params}) {{\n"
        f"  rateLimit {{\n    ...RateFields\n  }}\n{fields}}}\n"
    )
    return with_fragments(operation)
