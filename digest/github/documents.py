"""GraphQL documents, read from the `queries/` folder beside the package that asks them.

A document carries only the fragments it spreads (transitively, each once), because GitHub
rejects a document with an unused fragment. Fragments may be defined in any file of the
folder; a document's file holds its operation.
"""

from __future__ import annotations

import re
from functools import cached_property
from importlib.resources import files

_FRAGMENT = re.compile(r"^fragment (\w+) on \w+ \{\n.*?^\}\n", re.M | re.S)
_SPREAD = re.compile(r"\.\.\.(\w+)")


class Documents:
    """The documents of one package (`digest.collect`, `digest.deliver`)."""

    def __init__(self, package: str):
        self.package = package
        self._documents: dict[str, str] = {}

    def _read(self, name: str) -> str:
        return files(self.package).joinpath("queries", name).read_text(encoding="utf-8")

    @cached_property
    def fragments(self) -> dict[str, str]:
        folder = files(self.package).joinpath("queries")
        names = sorted(f.name for f in folder.iterdir() if f.name.endswith(".graphql"))
        return {m[1]: m[0] for name in names for m in _FRAGMENT.finditer(self._read(name))}

    def with_fragments(self, operation: str) -> str:
        """`operation` with the fragments it spreads appended (none spread: as it is)."""
        needed: list[str] = []
        pending = _SPREAD.findall(operation)
        while pending:
            name = pending.pop(0)
            if name in self.fragments and name not in needed:
                needed.append(name)
                pending.extend(_SPREAD.findall(self.fragments[name]))
        if not needed:
            return operation
        return operation.rstrip() + "\n\n" + "\n".join(self.fragments[n] for n in needed)

    def document(self, name: str) -> str:
        """The operation of `queries/<name>.graphql`, with its fragments."""
        if name not in self._documents:
            text = _FRAGMENT.sub("", self._read(f"{name}.graphql"))
            self._documents[name] = self.with_fragments(text)
        return self._documents[name]
