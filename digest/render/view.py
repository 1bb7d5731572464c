"""A report in no format: what every format of it shows, as data.

The Markdown report (report.py), the site's pages (site/), each brief (brief.py, for chat,
mail, the feed entry and the GitHub thread) write the same `ReportView`, built once from a
Digest by sections.py. A report is a frame (its title, date, window, notices and footer) and
a list of sections; a section is a heading over blocks:

- `Paragraph`: one line of text (the overview, a repository's description, a note);
- `Points`: a summary's lines, each citing collected objects (`text (links)`);
- `Record`: every item of a repository's window, grouped, one `Entry` an item
  (`links title · facts`);
- `Section`: a section within it (a repository).

Formats know these blocks, not the sections: a new section built of them is shown by every
format without touching any (sections.py says where one plugs in).

Everything here is plain text as it was written (by GitHub users, a model or a locale) and
links to collected URLs; each format escapes text and writes links its own way. A model's
text keeps its `code spans` (`Paragraph.code`, every `Point`); anything else is shown as
written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from digest.models import Followup, Language

FOLD_AFTER = 10  # record lines; a longer record is folded (Markdown <details>, the site too)


@dataclass(frozen=True, slots=True)
class Link:
    """A collected object: its label (`#123`, a tag, a short SHA) and its URL as collected.
    A format decides how a URL is written (the site: http(s) only; a GitHub thread: with no
    backlink)."""

    label: str
    url: str
    code: bool = False  # a commit: its label is a SHA, written as code


@dataclass(frozen=True, slots=True)
class Point:
    """A line of a summary (or a risk an earlier report told) and the objects it cites."""

    text: str  # `code spans` are code
    links: tuple[Link, ...]
    refs: tuple[str, ...] = ()  # what it cites, as cited (`pr:12`, `owner/name#issue:3`)
    label: str = ""  # the story's section (`Features`), written before it


@dataclass(frozen=True, slots=True)
class Closes:
    """A fact of a pull request merged in the window: an issue it closed (which is then
    not listed again among the closed issues), and when an earlier report told that issue."""

    number: int
    url: str | None  # None: not collected, nor followed (`#12` as text)
    title: str
    told: str = ""  # `reported 2026-02-04, closed after 3 days`, when it was followed


Fact = str | Closes


@dataclass(frozen=True, slots=True)
class Entry:
    """A line of the record: its links, the item's title as its author wrote it, and facts
    (`by alice`, labels, what became of it). A folded line (nightly builds, automated
    changes) has a `lead` and links, one per item."""

    links: tuple[Link, ...]
    title: str = ""
    facts: tuple[Fact, ...] = ()
    lead: str = ""
    ref: str = ""  # the item in its repository (`pr:12`); "" for a folded line


@dataclass(frozen=True, slots=True)
class Group:
    heading: str
    entries: tuple[Entry, ...]


# -- blocks --------------------------------------------------------------------------------

# What a paragraph is, which each format may style: "" the text itself; the others are
# asides (Markdown: emphasised; the site: a class of that name).
Role = Literal["", "description", "trend", "more", "quiet"]


@dataclass(frozen=True, slots=True)
class Paragraph:
    block: ClassVar[str] = "paragraph"  # for templates, which cannot test a type

    text: str
    role: Role = ""
    code: bool = False  # a model's text: `code spans` are code
    note: str = ""  # a remark after it, emphasised (the built-in summarizer stood in)


@dataclass(frozen=True, slots=True)
class Points:
    block: ClassVar[str] = "points"

    points: tuple[Point, ...]
    heading: str = ""  # "": no heading of its own (a repository's story)


@dataclass(frozen=True, slots=True)
class Record:
    """A repository's record. With a `summary` (`Everything in this window: …`) it is the
    whole window's, folded when long; without, the groups alone (a repository with nothing
    else: what became of items told earlier)."""

    block: ClassVar[str] = "record"

    summary: str
    groups: tuple[Group, ...]

    @property
    def folded(self) -> bool:
        return sum(len(g.entries) for g in self.groups) > FOLD_AFTER


@dataclass(frozen=True, slots=True)
class Section:
    """A heading over blocks. At the top a section of the report (`## Overview`); within one,
    a part of it (`### owner/name`), which can link where it is about."""

    block: ClassVar[str] = "section"

    key: str  # at the top the section's anchor (`overview`); within, what its parts are (`repo`)
    heading: str
    blocks: tuple[Block, ...]
    # Where the heading links: a repository on GitHub (an absolute URL), or a page of the
    # site as a path from its root (a topic's part: `topics/<slug>.html`), which only the
    # site links (the Markdown report is not served beside the site).
    url: str | None = None
    repo: str | None = None  # a repository's part: the site links its page
    indexed: bool = True  # found by the site's search (the closing restates the rest)
    # What a brief (chat, mail, the feed entry, the GitHub thread) shows of it.
    brief: tuple[Paragraph | Points, ...] = ()
    brief_first: bool = False  # its brief comes before the other sections' (the topics)


Block = Paragraph | Points | Record | Section


@dataclass(frozen=True, slots=True)
class ReportView:
    """One report: the frame every format writes around its sections, and the sections."""

    language: Language
    title: str
    date_label: str  # its date, or its week or month
    window: str  # `Activity on 2026-02-04 (UTC)`
    sources: str  # a weekly or monthly report: where its days came from
    incomplete: str  # what GitHub did not answer for, and when it is redone; "" if nothing
    sections: tuple[Section, ...]
    footer: str  # what wrote it
    counts: str  # across repositories: `12 commits, 3 merged pull requests, ...`
    # What the site's home shows of it beside the sections.
    overview: str
    highlights: tuple[Point, ...]
    risks: tuple[Point, ...]  # its own
    # The risks earlier reports told that this one tells again (still open, or resolved in
    # its window), as they were followed (memory).
    recalled: tuple[Followup, ...]

    @property
    def brief(self) -> list[Paragraph | Points]:
        """What a brief shows, section after section (those it leads with first)."""
        ordered = sorted(self.sections, key=lambda s: not s.brief_first)  # stable
        return [block for section in ordered for block in section.brief]
