"""The dated Markdown report: the view of a digest (view.py) written as GitHub Markdown.

The story (the overview, top developments, risks, each repository's points) comes from the
summaries; the record comes from the collected activity alone. Every list item links at
least one collected object: a point whose citations resolve to nothing is not in the view.
Text from GitHub users, a model or a locale goes through markdown.py's hygiene; links only
from collected URLs.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from digest.locales import Locale, locale
from digest.models import Digest
from digest.render import markdown as md
from digest.render.sections import report_view
from digest.render.view import (
    Block,
    Closes,
    Entry,
    Fact,
    Group,
    Link,
    Paragraph,
    Point,
    Points,
    Record,
    ReportView,
    Section,
)


def render_report(digest: Digest, *, base_level: int = 1, retry_days: int = 0) -> str:
    """The report; `base_level` 2 demotes every heading, for embedding in the index.
    `retry_days`: how many later runs redo an incomplete report (`backfill`)."""
    return write(report_view(digest, retry_days=retry_days), base_level=base_level)


def write(view: ReportView, *, base_level: int = 1) -> str:
    """The report's Markdown: paragraphs separated by a blank line."""
    writer = _Writer(locale(view.language), base_level)
    parts = [
        f"{writer.h(1)} {md.inline(view.title)} — {md.inline(view.date_label)}",
        f"_{md.inline(view.window)}_",
    ]
    if view.sources:
        parts.append(f"_{md.inline(view.sources)}_")
    if view.incomplete:
        parts.append(f"**{md.inline(view.incomplete)}**")
    for section in view.sections:
        parts += writer.section(section, 2)
    parts += ["---", f"<sub>{md.inline(view.footer)}</sub>"]
    return "\n\n".join(parts).rstrip() + "\n"


class _Writer:
    def __init__(self, loc: Locale, base_level: int):
        self.loc = loc
        self.base_level = base_level

    def h(self, level: int) -> str:
        return "#" * min(self.base_level + level - 1, 6)

    def section(self, section: Section, level: int) -> list[str]:
        heading = md.inline(section.heading)
        if section.url and urlsplit(section.url).scheme in ("http", "https"):
            # A page of the site (a relative path) is for the site to link.
            heading = md.link(section.heading, section.url)
        return [f"{self.h(level)} {heading}", *self.blocks(section.blocks, level + 1)]

    def blocks(self, blocks: Iterable[Block], level: int) -> list[str]:
        parts: list[str] = []
        for block in blocks:
            if isinstance(block, Section):
                parts += self.section(block, level)
            elif isinstance(block, Points):
                parts += self.points(block, level)
            elif isinstance(block, Record):
                parts += self.record(block)
            else:
                parts.append(self.paragraph(block))
        return parts

    def paragraph(self, p: Paragraph) -> str:
        text = md.inline_with_code(p.text) if p.code else md.inline(p.text)
        if p.note:
            text = f"{text} _{md.inline(p.note)}_".strip()
        return f"_{text}_" if p.role else text

    def points(self, block: Points, level: int) -> list[str]:
        if not block.points:
            return []
        lines = "\n".join(f"- {self.point(p)}" for p in block.points)
        return [f"{self.h(level)} {md.inline(block.heading)}", lines] if block.heading else [lines]

    def point(self, p: Point) -> str:
        line = self.loc.paren(md.inline_with_code(p.text), self.links(p.links))
        return f"**{md.inline(p.label)}**{self.loc['colon']}{line}" if p.label else line

    def links(self, links: Iterable[Link]) -> str:
        return self.loc.join([link(x) for x in links])

    def record(self, record: Record) -> list[str]:
        body = "\n\n".join(self.group(g) for g in record.groups)
        if not record.summary:
            return [body] if body else []
        summary = md.inline(record.summary)
        if record.folded:
            return [f"<details><summary>{summary}</summary>\n\n{body}\n\n</details>"]
        return [f"{summary}\n\n{body}"]

    def group(self, group: Group) -> str:
        lines = "\n".join(f"- {self.entry(e)}" for e in group.entries)
        return f"**{md.inline(group.heading)}**\n\n{lines}"

    def entry(self, entry: Entry) -> str:
        line = self.links(entry.links)
        if entry.lead:
            line = md.inline(entry.lead) + self.loc["colon"] + line
        if entry.title:
            line += f" {md.inline(entry.title)}"
        return line + "".join(f" · {self.fact(f)}" for f in entry.facts)

    def fact(self, fact: Fact) -> str:
        if not isinstance(fact, Closes):
            return md.inline(fact)
        number = f"#{fact.number}"
        linked = md.link(number, fact.url) if fact.url else md.inline(number)
        text = self.loc.format("record_closes", link=linked, title=md.inline(fact.title))
        return self.loc.paren(text, md.inline(fact.told)) if fact.told else text


def link(x: Link) -> str:
    return md.code_link(x.label, x.url) if x.code else md.link(x.label, x.url)
