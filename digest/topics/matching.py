"""Which items of a window each topic matches, and why: a pure function over an Activity.

The items are those the record tells: releases (nightly builds aside), merged and newly
opened pull requests, commits pushed directly, issues opened and closed; what bots did
(`exclude-authors`) is counted in the record, not told, and no topic matches it. An item
matches a topic of its repository by one of the topic's words in its title, its body (a
commit's message, a release's notes), by one of its labels, or by one of its globs over the
files collected with it. Nothing is asked of GitHub: where an item's files were not all
collected, the match says so instead.

Words are case-insensitive and whole: a word is a run of letters and digits other than CJK
characters, so `fp8` matches `FP8`, `[fp8]`, `fp8_gemm` and `支持FP8推理`, not `nvfp4` or
`fp8e4m3`. A word or phrase with a CJK character in it matches as written, anywhere.

Cost: each text is scanned for each distinct word (a substring search, then the whole-word
pattern only where it was found); each file by one pattern of every glob; an item is tried
only on the topics whose words, labels or globs it holds. bench/topics.py measures a day of
2,000 repositories against a dozen topics.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from digest import kinds
from digest.models import (
    Activity,
    Commit,
    Issue,
    PullRequest,
    Release,
    RepoActivity,
    Topic,
    TopicEvent,
    TopicItem,
    TopicMatches,
    TopicWhy,
)
from digest.topics.declared import glob_regex

# Han, kana, Hangul and their punctuation-free neighbours: scripts written without spaces.
_CJK = (
    "\u2e80-\u2fff\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
    "\uf900-\ufaff\U00020000-\U0003ffff"
)
_WORD = re.compile(rf"[^\W_{_CJK}]+")  # one word: letters and digits, not CJK
_HAS_CJK = re.compile(rf"[{_CJK}]")
_LETTER = rf"[^\W_{_CJK}]"


@dataclass(frozen=True)
class _Word:
    """One word or phrase of some topic: looked for only in a text holding its longest part
    as a substring (a fast scan), then by its pattern."""

    term: str  # casefolded
    probe: str
    pattern: re.Pattern[str] | None  # None: as written (CJK), the probe is the term

    @classmethod
    def of(cls, word: str) -> _Word:
        term = word.casefold()
        if _HAS_CJK.search(term):
            return cls(term, term, None)
        return cls(term, max(term.split(), key=len), _whole(term))


def _whole(term: str) -> re.Pattern[str]:
    """Whole words at its ends (where it ends in a letter or digit), any spaces between its
    words."""
    body = r"\s+".join(re.escape(part) for part in term.split())
    before = rf"(?<!{_LETTER})" if _WORD.match(term[0]) else ""
    after = rf"(?!{_LETTER})" if _WORD.match(term[-1]) else ""
    return re.compile(before + body + after)


@dataclass(frozen=True)
class _Words:
    """Every topic's words, each once."""

    words: tuple[_Word, ...]

    @classmethod
    def of(cls, topics: Sequence[Topic]) -> _Words:
        terms = dict.fromkeys(word.casefold() for topic in topics for word in topic.match)
        return cls(tuple(_Word.of(term) for term in terms))

    def found(self, texts: Iterable[tuple[str, str]]) -> dict[str, str]:
        """Each word found in `texts` ((where, text), in order) -> where it was first found."""
        found: dict[str, str] = {}
        if not self.words:
            return found
        for where, text in texts:
            if not text:
                continue
            folded = text.casefold()
            for word in self.words:
                if word.term in found or word.probe not in folded:
                    continue
                if word.pattern is None or word.pattern.search(folded):
                    found[word.term] = where
        return found


_GLOB = "\0"  # before a glob among a topic's keys: no word or label holds it


@dataclass(frozen=True)
class _Topic:
    """A topic as matching reads it: its words and labels casefolded."""

    topic: Topic
    words: tuple[tuple[str, str], ...]  # (casefolded, as declared)
    labels: tuple[str, ...]  # casefolded
    # Its words, labels and globs as they are found in an item: which topics to try on it.
    keys: frozenset[str]

    @classmethod
    def of(cls, topic: Topic) -> _Topic:
        words = tuple((word.casefold(), word) for word in topic.match)
        labels = tuple(label.casefold() for label in topic.labels)
        globs = [_GLOB + glob for glob in topic.paths]
        return cls(topic, words, labels, frozenset([*(w for w, _ in words), *labels, *globs]))

    def why(
        self, found: dict[str, str], labels: dict[str, str], globbed: dict[str, str]
    ) -> list[TopicWhy]:
        """Why it matches an item (nothing: it does not): `found` the words in the item's
        texts, `labels` its labels by casefold, `globbed` the globs its files match."""
        why = [_why("word", word, found[key]) for key, word in self.words if key in found]
        why += [_why("label", labels[key]) for key in self.labels if key in labels]
        why += [_why("path", glob, globbed[glob]) for glob in self.topic.paths if glob in globbed]
        return why


@functools.lru_cache(maxsize=4096)
def _why(kind: Literal["word", "label", "path"], value: str, where: str = "") -> TopicWhy:
    """One reason, made once: the same word in the titles of a thousand pull requests is one
    frozen value, shared."""
    return TopicWhy(kind=kind, value=value, where=where)


@dataclass(frozen=True)
class _Globs:
    """Every topic's globs, each once, and all of them as one pattern: one match per file
    tells whether it is worth trying each glob on."""

    each: tuple[tuple[str, re.Pattern[str]], ...]
    joined: re.Pattern[str] | None

    @classmethod
    def of(cls, topics: Sequence[Topic]) -> _Globs:
        sources = {glob: glob_regex(glob) for topic in topics for glob in topic.paths}
        each = tuple((glob, re.compile(regex)) for glob, regex in sources.items())
        joined = "|".join(f"(?:{regex})" for regex in sources.values())
        return cls(each, re.compile(joined) if sources else None)

    def matched(self, paths: list[str]) -> dict[str, str]:
        """Each glob some of `paths` matches -> the first that does."""
        found: dict[str, str] = {}
        if self.joined is None:
            return found
        for path in paths:
            if self.joined.fullmatch(path):
                for glob, pattern in self.each:
                    if glob not in found and pattern.fullmatch(path):
                        found[glob] = path
        return found


@dataclass(frozen=True)
class _Item:
    """One item of the window, as topics look at it."""

    ref: str
    title: str
    url: str
    events: list[TopicEvent]
    texts: list[tuple[str, str]]  # (where, text): title first
    labels: list[str]
    paths: list[str]
    files_unread: bool


def _pull(pr: PullRequest) -> _Item:
    events: list[TopicEvent] = ["opened"] if pr.opened_in_window else []
    events += ["merged"] if pr.merged_in_window else []
    return _Item(
        pr.ref,
        pr.title,
        pr.url,
        events,
        [("title", pr.title), ("body", pr.body)],
        pr.labels,
        [f.path for f in pr.files],
        len(pr.files) < pr.changed_files,
    )


def _commit(commit: Commit) -> _Item:
    title, _, body = commit.message.partition("\n")
    files = commit.files or []
    unread = commit.files is None or len(files) < (commit.changed_files or 0)
    return _Item(
        commit.ref,
        commit.title,
        commit.url,
        ["pushed"],
        [("title", title), ("body", body)],
        [],
        [f.path for f in files],
        unread,
    )


def _issue(issue: Issue) -> _Item:
    events: list[TopicEvent] = ["opened"] if issue.opened_in_window else []
    events += ["closed"] if issue.closed_in_window else []
    texts = [("title", issue.title), ("body", issue.body)]
    return _Item(issue.ref, issue.title, issue.url, events, texts, issue.labels, [], False)


def _release(release: Release) -> _Item:
    title = release.name or release.tag
    texts = [("title", f"{title} {release.tag}"), ("notes", release.body)]
    return _Item(release.ref, title, release.url, ["published"], texts, [], [], False)


# The record's kinds a topic looks at, in the record's order, and how each item is read.
_KINDS: tuple[tuple[kinds.ItemKind[Any], Callable[[Any], _Item]], ...] = (
    (kinds.RELEASES, _release),
    (kinds.MERGED_PULLS, _pull),
    (kinds.DIRECT_COMMITS, _commit),
    (kinds.OPENED_PULLS, _pull),
    (kinds.OPENED_ISSUES, _issue),
    (kinds.CLOSED_ISSUES, _issue),
)


def items(repo: RepoActivity) -> list[_Item]:
    """The items of a repository's window a topic may match, in the record's order."""
    found = []
    for kind, read in _KINDS:
        for item in kind.select(repo):
            if not (isinstance(item, Release) and item.nightly):
                found.append(read(item))
    return found


def in_repos(topic: Topic, repo: str) -> bool:
    """Whether `topic` follows `repo` (its `repos` patterns, case-insensitive; none: all)."""
    name = repo.lower()
    return not topic.repos or any(fnmatch.fnmatchcase(name, p.lower()) for p in topic.repos)


def match(activity: Activity, topics: Sequence[Topic]) -> list[TopicMatches]:
    """Each topic, in order, with the items of `activity` it matches and why."""
    words, globs = _Words.of(topics), _Globs.of(topics)
    reading = [_Topic.of(topic) for topic in topics]
    # The topics a word, a label or a glob found in an item may concern: no other is tried.
    concerned: dict[str, set[int]] = {}
    for n, topic in enumerate(reading):
        for key in topic.keys:
            concerned.setdefault(key, set()).add(n)
    with_paths = {n for n, topic in enumerate(reading) if topic.topic.paths}
    matched: list[list[TopicItem]] = [[] for _ in topics]
    unread: list[list[str]] = [[] for _ in topics]
    for repo in activity.repos:
        following = {n for n, t in enumerate(reading) if in_repos(t.topic, repo.repo)}
        if not following or not repo.ok:
            continue
        for item in items(repo):
            found = words.found(item.texts)
            labels = {label.casefold(): label for label in item.labels}
            globbed = globs.matched(item.paths)
            keys = [*found, *labels, *(_GLOB + glob for glob in globbed)]
            hit = set()
            for n in sorted({n for key in keys for n in concerned.get(key, ())} & following):
                why = reading[n].why(found, labels, globbed)
                if why:
                    matched[n].append(_matched(repo.repo, item, why, n in with_paths))
                    hit.add(n)
            if item.files_unread:
                for n in sorted((with_paths & following) - hit):
                    unread[n].append(f"{repo.repo}#{item.ref}")
    return [TopicMatches(topic=t, items=matched[n], unread=unread[n]) for n, t in enumerate(topics)]


def _matched(repo: str, item: _Item, why: list[TopicWhy], has_paths: bool) -> TopicItem:
    return TopicItem(
        repo=repo,
        ref=item.ref,
        title=item.title,
        url=item.url,
        events=item.events,
        why=why,
        files_unread=item.files_unread and has_paths,
    )
