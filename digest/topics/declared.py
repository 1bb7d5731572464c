"""Topics as users declare them, checked before anything runs.

Two ways to declare them. The `topics` input (and `--topics`), for the simple case, one topic
per line, its name, a colon and its words:

    FP4 / FP8: nvfp4, mxfp4, fp4, fp8, 低精度
    Blackwell: blackwell, sm100, gb200

A configuration file's `topics:` (at its top level, or in one digest of `digests:`), a list of
mappings, each `name` and at least one of `match` (words or phrases), `labels` and `paths`
(globs over the files an item changed), and optionally `repos` (`owner/name` or `owner/*`: only
those repositories). A value that is a list may also be written as one comma-separated string.

Everything wrong is said in one line naming the topic: no name, a name too long or with a
comma, two with one name, nothing to match, a glob that is none or can match no file, a key
the file does not take, a value YAML did not read as text.
"""

from __future__ import annotations

import re
from typing import Any

from digest.models import Topic

KEYS = ("name", "match", "labels", "paths", "repos")
MAX_NAME = 80  # a heading, a page's and a feed's file name
_LISTS = KEYS[1:]
# A full-width colon or comma, as a Chinese keyboard types them, works as the ASCII one does.
_COLON = re.compile(r"[:：]")
_COMMA = re.compile(r"[,，、]")
_REPO = re.compile(r"^[A-Za-z0-9*?._-]+/[A-Za-z0-9*?._-]+$")
_GLOB_HELP = "such as csrc/**/fp4* (* within a folder, ** across folders)"
_FORMS = (
    'lines "Name: word, word", or in a configuration file a list of mappings with name and '
    "at least one of match, labels, paths (repos: optional)"
)


def declared(value: Any) -> list[Topic]:
    """The topics `value` declares: the input's text, a file's list, or a mix (the flag given
    several times); ValueError with one line saying what is wrong and what is accepted."""
    if value is None or value == "":
        return []
    if isinstance(value, str | dict):
        value = [value]
    if not isinstance(value, list):
        raise ValueError(f"expected {_FORMS} (got {value!r})")
    topics: list[Topic] = []
    for entry in value:
        if isinstance(entry, Topic):
            topics.append(entry)
        elif isinstance(entry, str):
            topics += [_from_line(line) for line in entry.splitlines() if line.strip()]
        elif isinstance(entry, dict):
            topics.append(_from_mapping(entry, len(topics) + 1))
        else:
            raise ValueError(f"expected {_FORMS} (got {entry!r})")
    _check_names(topics)
    return topics


def _from_line(line: str) -> Topic:
    parts = _COLON.split(line, maxsplit=1)
    if len(parts) < 2:
        raise ValueError(f'expected lines "Name: word, word" (got {line.strip()!r})')
    name = _text(parts[0])
    where = f"topic {name!r}" if name else f"the line {line.strip()!r}"
    return checked({"name": name, "match": parts[1]}, where=where)


def _from_mapping(entry: dict[Any, Any], number: int) -> Topic:
    name = entry.get("name")
    named = isinstance(name, str) and name.strip()
    where = f"topic {_text(name)!r}" if named else f"topic {number}"
    unknown = [str(key) for key in entry if key not in KEYS]
    if unknown:
        raise ValueError(
            f"{where}: unknown key {unknown[0]!r} (accepted: {', '.join(sorted(KEYS))})"
        )
    return checked(entry, where=where)


def checked(entry: dict[str, Any], *, where: str) -> Topic:
    """One topic from its mapping, each value checked; `where` names it in messages."""
    name = _text(_scalar(entry.get("name"), where, "name"))
    if not name:
        raise ValueError(
            f"{where} has no name: give each topic one (`Name: word, word` in the input, "
            "`name:` in a configuration file)"
        )
    if len(name) > MAX_NAME:
        raise ValueError(f"{where}: a name is at most {MAX_NAME} characters (got {len(name)})")
    if "," in name:
        raise ValueError(
            f"{where}: a name has no comma, as notify-topics separates names with commas"
        )
    values = {key: _values(entry.get(key), where, key) for key in _LISTS}
    if not (values["match"] or values["labels"] or values["paths"]):
        raise ValueError(f"{where} has nothing to match: give it words (match), labels or paths")
    for pattern in values["paths"]:
        try:
            glob_regex(pattern)
        except ValueError as exc:
            raise ValueError(
                f"{where}: paths: {pattern!r} is not a glob over changed files ({exc}); "
                f"expected one {_GLOB_HELP}"
            ) from None
    for pattern in values["repos"]:
        if not _REPO.match(pattern):
            raise ValueError(f"{where}: repos: expected owner/name or owner/* (got {pattern!r})")
    return Topic(name=name, **values)


def _text(value: Any) -> str:
    """A name or a word as written, its runs of spaces one space."""
    return " ".join(str(value).split()) if value is not None else ""


def _scalar(value: Any, where: str, key: str) -> Any:
    """A name or a word: text, or a whole number. YAML reads `12.10` as the number 12.1 and
    `on` as true, so those are said rather than matched as something else."""
    if value is None or isinstance(value, str) or (type(value) is int):
        return value
    if isinstance(value, dict | list):
        raise ValueError(f"{where}: {key}: expected words or a list of them (got {value!r})")
    raise ValueError(
        f"{where}: {key}: {value!r} is not text as YAML reads it: put it in quotes "
        '("12.10", "on") so it is matched as written'
    )


def _values(value: Any, where: str, key: str) -> list[str]:
    """A list, or one comma-separated string; each value once, in order."""
    if value is None:
        return []
    if isinstance(value, str):
        items: list[Any] = _COMMA.split(value)
    elif isinstance(value, list):
        items = value
    else:
        items = [value]
    found: list[str] = []
    for item in items:
        text = _text(_scalar(item, where, key))
        if text and text.casefold() not in (f.casefold() for f in found):
            found.append(text)
    return found


def _check_names(topics: list[Topic]) -> None:
    seen: set[str] = set()
    slugs: dict[str, str] = {}
    for topic in topics:
        key = topic.name.casefold()
        if key in seen:
            raise ValueError(
                f"two topics are named {topic.name!r} (names are compared without case): "
                "give each its own name"
            )
        if (other := slugs.get(topic.slug)) is not None:
            raise ValueError(
                f"topics {other!r} and {topic.name!r} would share the page and feed "
                f"{topic.slug!r}: give them names that differ in more than punctuation"
            )
        seen.add(key)
        slugs[topic.slug] = topic.name


def glob_regex(pattern: str) -> str:
    """A glob over a repository's file paths as a regular expression matching the whole path,
    as GitHub Actions' `paths` filters read one: `*` any run within a folder name, `**` any
    run across folders (`**/` also none: `**/quantization/**` matches `quantization/fp8.py`),
    `?` one character, `[a-z]` one of. ValueError saying what is wrong."""
    if not pattern:
        raise ValueError("empty")
    if pattern.startswith("/"):
        raise ValueError("paths start at the repository's root, without /")
    if pattern.startswith("!"):
        raise ValueError("a pattern that leaves files out is not supported")
    if "\\" in pattern:
        raise ValueError("no \\ in a path")
    if "***" in pattern:
        raise ValueError("*** is no wildcard")
    if pattern.endswith("/"):
        raise ValueError("it names a folder: add ** to match the files under it")
    if any(part in ("", ".", "..") for part in pattern.split("/")):
        raise ValueError("a path has no empty, . or .. folder")
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            end = pattern.find("]", i + 2 if pattern[i + 1 : i + 2] in ("!", "^") else i + 1)
            if end < 0 or end == i + 1:
                raise ValueError("a [ without its ]")
            inside = pattern[i + 1 : end]
            negated = inside[0] in "!^"
            body = inside[1:] if negated else inside
            if not body:
                raise ValueError("an empty [ ]")
            out.append(("[^/" if negated else "[") + body.replace("[", r"\[") + "]")
            i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    regex = "".join(out)
    try:
        re.compile(regex)
    except re.error as exc:
        raise ValueError(str(exc)) from None
    return regex
