"""Group changes into themes a reader recognizes: `[Tag]` prefixes, conventional-commit
types, or else the top-level folder that took most of the change."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from digest.models import FileChange

# Leading `[Tag]` groups: `[Bugfix][comm]`, and lists in one, `[Fwd,Sm100]`.
_TAGS = re.compile(r"^\s*((?:\[[^\]]{1,40}\]\s*)+)[:\-]?\s*")
_CONVENTIONAL = re.compile(
    r"^\s*(feat|fix|perf|docs|refactor|test|tests|ci|build|chore|revert|style)"
    r"(\([^)]{0,60}\))?!?:\s*",
    re.I,
)
# Tags and types that mean the same thing share one theme.
_SYNONYMS = {
    "feat": "feat",
    "feature": "feat",
    "features": "feat",
    "new": "feat",
    "fix": "fix",
    "bugfix": "fix",
    "bug": "fix",
    "hotfix": "fix",
    "bugfixes": "fix",
    "perf": "perf",
    "performance": "perf",
    "optim": "perf",
    "optimization": "perf",
    "docs": "docs",
    "doc": "docs",
    "documentation": "docs",
    "refactor": "refactor",
    "refactoring": "refactor",
    "cleanup": "refactor",
    "test": "test",
    "tests": "test",
    "testing": "test",
    "ci": "ci",
    "build": "ci",
    "ci/build": "ci",
    "chore": "chore",
    "misc": "chore",
    "style": "chore",
    "revert": "revert",
}


def split_title(title: str) -> tuple[str | None, str]:
    """`[Bugfix] Fix x` -> ("fix", "Fix x"); `perf(attn): faster` -> ("perf", "faster").

    Unknown tags are themes of their own: `[Kernel] ...` -> ("Kernel", "..."). Of several
    tags (`[Bugfix][comm]`, `[Fwd,Sm100]`), the first that names a type, else the first.
    """
    if (match := _TAGS.match(title)) and (found := _named(match[1])):
        kind = next((t for t in found if t in _SYNONYMS.values()), found[0])
        return kind, title[match.end() :].strip() or title
    conventional = _CONVENTIONAL.match(title)
    if conventional:
        return _SYNONYMS[conventional.group(1).lower()], title[conventional.end() :] or title
    return None, title.strip()


def tags(title: str) -> list[str]:
    """Every tag a title starts with, types as their theme: `[Bugfix][Fwd,Sm100] x` ->
    ["fix", "Fwd", "Sm100"]."""
    match = _TAGS.match(title)
    return _named(match[1]) if match else []


def _named(groups: str) -> list[str]:
    names = [n.strip() for group in re.findall(r"\[([^\]]*)\]", groups) for n in group.split(",")]
    return [_SYNONYMS.get(n.lower(), n) for n in names if n]


# Lockfiles and generated files say little about what a change was for.
NOISE = re.compile(r"(\.lock|lock\.json|\.sum|/generated/|\.min\.js|\.snap)$|(^|/)generated/")


def main_folder(files: Iterable[FileChange] | None) -> str | None:
    """The top-level folder (or root file) with the most changed lines, noise excluded."""
    weight: Counter[str] = Counter()
    for f in files or ():
        if NOISE.search(f.path):
            continue
        top = f.path.split("/", 1)[0] + ("/" if "/" in f.path else "")
        weight[top] += f.additions + f.deletions or 1
    return weight.most_common(1)[0][0] if weight else None
