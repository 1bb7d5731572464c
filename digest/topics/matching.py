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
`fp8e4m3`. A word or phrase with a CJK character in it matches as written, anywhere. Each text
is split into its words once, whatever the number of topics (bench/topics.py measures it).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

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
class _Phrase:
    """A phrase or a word with other characters in it (`speculative decoding`, `flash-attn`):
    looked for only in texts holding all its words, then by its pattern."""

    term: str  # casefolded
    words: frozenset[str]
    pattern: re.Pattern[str]


@dataclass
class _Words:
    """Every topic's words, by how they are looked for; casefolded."""

    single: set[str] = field(default_factory=set)  # a word: among a text's words
    cjk: set[str] = field(default_factory=set)  # with a CJK character: as written
    phrases: list[_Phrase] = field(default_factory=list)

    def add(self, word: str) -> None:
        term = word.casefold()
        if _HAS_CJK.search(term):
            self.cjk.add(term)
        elif _WORD.fullmatch(term):
            self.single.add(term)
        elif term not in (p.term for p in self.phrases):
            self.phrases.append(_Phrase(term, frozenset(_WORD.findall(term)), _phrase(term)))

    def found(self, texts: Iterable[tuple[str, str]]) -> dict[str, str]:
        """Each word found in `texts` ((where, text), in order) -> where it was first found."""
        found: dict[str, str] = {}
        for where, text in texts:
            if not text:
                continue
            folded = text.casefold()
            words = set(_WORD.findall(folded))
            for term in self.single & words:
                found.setdefault(term, where)
            for term in self.cjk:
                if term not in found and term in folded:
                    found[term] = where
            for phrase in self.phrases:
                # a text that lacks one of its words cannot hold it: no search
                if phrase.term in found or not phrase.words <= words:
                    continue
                if phrase.pattern.search(folded):
                    found[phrase.term] = where
        return found


def _phrase(term: str) -> re.Pattern[str]:
    """Whole words at its ends (where it ends in a letter or digit), any spaces between its
    words."""
    body = r"\s+".join(re.escape(part) for part in term.split())
    before = rf"(?<!{_LETTER})" if _WORD.match(term[0]) else ""
    after = rf"(?!{_LETTER})" if _WORD.match(term[-1]) else ""
    return re.compile(before + body + after)


@dataclass(frozen=True)
class _Globs:
    """Every topic's globs, compiled once; `any` tells at one match whether a file is worth
    trying each glob on."""

    each: dict[str, re.Pattern[str]]
    any: re.Pattern[str] | None

    @classmethod
    def of(cls, topics: Sequence[Topic]) -> _Globs:
        sources = {glob: glob_regex(glob) for topic in topics for glob in topic.paths}
        each = {glob: re.compile(regex) for glob, regex in sources.items()}
        joined = "|".join(f"(?:{regex})" for regex in sources.values())
        return cls(each, re.compile(joined) if sources else None)

    def touched(self, paths: list[str]) -> list[str]:
        """The paths some glob matches, in order."""
        return [p for p in paths if self.any and self.any.fullmatch(p)]


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
    words = _Words()
    for topic in topics:
        for word in topic.match:
            words.add(word)
    globs = _Globs.of(topics)
    matched: dict[str, list[TopicItem]] = {t.name: [] for t in topics}
    unread: dict[str, list[str]] = {t.name: [] for t in topics}
    for repo in activity.repos:
        following = [t for t in topics if in_repos(t, repo.repo)] if repo.ok else []
        if not following:
            continue
        for item in items(repo):
            found = words.found(item.texts) if words.single or words.cjk or words.phrases else {}
            labels = {label.casefold(): label for label in item.labels}
            touched = globs.touched(item.paths)
            for topic in following:
                why = _why(topic, found, labels, touched, globs)
                if why:
                    matched[topic.name].append(_matched(repo.repo, item, why, topic))
                elif item.files_unread and topic.paths:
                    unread[topic.name].append(f"{repo.repo}#{item.ref}")
    return [TopicMatches(topic=t, items=matched[t.name], unread=unread[t.name]) for t in topics]


def _why(
    topic: Topic, found: dict[str, str], labels: dict[str, str], touched: list[str], globs: _Globs
) -> list[TopicWhy]:
    why = [
        TopicWhy(kind="word", value=word, where=found[word.casefold()])
        for word in topic.match
        if word.casefold() in found
    ]
    why += [
        TopicWhy(kind="label", value=labels[label.casefold()])
        for label in topic.labels
        if label.casefold() in labels
    ]
    for glob in topic.paths:
        path = next((p for p in touched if globs.each[glob].fullmatch(p)), None)
        if path is not None:
            why.append(TopicWhy(kind="path", value=glob, where=path))
    return why


def _matched(repo: str, item: _Item, why: list[TopicWhy], topic: Topic) -> TopicItem:
    return TopicItem(
        repo=repo,
        ref=item.ref,
        title=item.title,
        url=item.url,
        events=item.events,
        why=why,
        files_unread=item.files_unread and bool(topic.paths),
    )
