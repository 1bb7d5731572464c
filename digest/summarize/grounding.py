"""Make a model's answer safe to publish: only collected objects are cited or linked.

Model text is flattened to one line of plain text (mistune parses it; headings, lists,
links, images, HTML and code blocks lose their markup, inline code stays). Then every URL
goes (links come from citations only), and so does any `#number`, SHA-like token or
placeholder that does not match what was collected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import mistune

from digest.citations import LinkTable
from digest.kinds import CITABLE_BY_PREFIX, RefStyle
from digest.models import Item, OverallSummary, RepoSummary, Section
from digest.summarize.schemas import CitedPoint, OverallAnswer, RepoAnswer

_URL = re.compile(r"<?\bhttps?://[^\s<>()\[\]]+>?")
_PLACEHOLDER = re.compile(
    r"(?:\b(?:PR|pull request|issue|commit)\s*)?(?:#(?:[xXyYnN?]{2,}|\.{3}|<[^>]*>)"
    r"|\b[0-9a-f]*x{4,}[0-9a-f]*\b|<(?:sha|SHA|commit|number)>)",
)
_ISSUE_NUMBER = re.compile(r"(?:\b(?:PR|pull request|issue)\s*)?(?<![\w&/])#(\d+)\b", re.I)
_QUALIFIED_NUMBER = re.compile(r"\b([\w.-]+/[\w.-]+)#(\d+)\b")
_SHA = re.compile(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{7,40}\b")
_EMPTY_BRACKETS = re.compile(r"\(\s*[,;]?\s*\)|\[\s*\]")

_parse = mistune.create_markdown(renderer="ast", plugins=["strikethrough", "table"])


class Known:
    """What was collected, to tell real references from invented ones."""

    def __init__(self, links: LinkTable):
        self.numbers: dict[str, set[int]] = {}
        self.shas: list[str] = []
        self.urls: dict[str, str] = {}  # html_url -> qualified ref id
        for repo, kind, key, url in links.entries():
            self.urls[url] = f"{repo}#{kind}:{key}"
            style = CITABLE_BY_PREFIX[kind].style
            if style is RefStyle.NUMBER:
                self.numbers.setdefault(repo.lower(), set()).add(int(key))
            elif style is RefStyle.SHA:
                self.shas.append(url.rsplit("/", 1)[-1])  # the full SHA ends a commit URL

    def number(self, repo: str | None, n: int) -> bool:
        if repo:
            return n in self.numbers.get(repo.lower(), set())
        return any(n in numbers for numbers in self.numbers.values())

    def sha(self, token: str) -> bool:
        return any(sha.startswith(token.lower()) for sha in self.shas)


def _tokens(text: str) -> list[dict[str, Any]]:
    tokens = _parse(text)
    # renderer="ast" answers tokens; mistune's signature also allows the rendered string
    # other renderers answer, which would be markup: never let that through.
    return tokens if isinstance(tokens, list) else []


def _flatten(nodes: Iterable[dict[str, Any]]) -> str:
    parts = []
    for node in nodes:
        kind = node["type"]
        if kind in {"text", "inline_html", "block_html"}:
            parts.append(node.get("raw", ""))
        elif kind == "codespan":
            parts.append(f"`{node.get('raw', '').replace('`', '')}`")
        elif kind == "block_code":
            continue  # JSON wrappers, pasted logs: never part of a newsletter line
        elif kind in {"softbreak", "linebreak", "blank_line", "thematic_break"}:
            parts.append(" ")
        elif kind == "image":
            parts.append(_flatten(node.get("children", [])))
        else:  # paragraphs, headings, lists, emphasis, links: keep the words only
            parts.append(_flatten(node.get("children", [])) + " ")
    return "".join(parts)


def clean_text(text: str, known: Known, repo: str | None) -> tuple[str, list[str]]:
    """One safe line of text, and the refs of collected URLs it mentioned."""
    flat = " ".join(_flatten(_tokens(text or "")).split())
    found: list[str] = []

    def url(match: re.Match[str]) -> str:
        ref = known.urls.get(match.group(0).strip("<>").rstrip(".,;:"))
        if ref:
            found.append(ref)
        return ""

    flat = _URL.sub(url, flat)
    flat = _PLACEHOLDER.sub("", flat)
    flat = _QUALIFIED_NUMBER.sub(
        lambda m: m.group(0) if known.number(m.group(1), int(m.group(2))) else "", flat
    )
    flat = _ISSUE_NUMBER.sub(
        lambda m: m.group(0) if known.number(repo, int(m.group(1))) else "", flat
    )
    flat = _SHA.sub(lambda m: m.group(0) if known.sha(m.group(0)) else "", flat)
    flat = _EMPTY_BRACKETS.sub("", flat)
    flat = re.sub(r"\s+([,.;:!?，。；：])", r"\1", " ".join(flat.split()))
    return flat.strip(" ,;:-"), found


def _point(point: CitedPoint, known: Known, links: LinkTable, repo: str | None) -> Item | None:
    """The point, made safe; None when it has no text or cites nothing collected: every
    bullet of a report carries its evidence."""
    text, from_urls = clean_text(point.text, known, repo)
    refs = [r.strip() for r in [*point.refs, *from_urls] if links.resolve(r.strip(), repo)]
    if not text or not refs:
        return None
    return Item(text=text, refs=list(dict.fromkeys(refs)))


def ground_repo(answer: RepoAnswer, repo: str, links: LinkTable, method: str) -> RepoSummary:
    """The model's story, grounded; `points_kept` and `points_dropped` say how well it was."""
    known = Known(links)
    sections = []
    kept = dropped = 0
    for theme in answer.themes:
        items = [i for p in theme.points if (i := _point(p, known, links, repo))]
        kept += len(items)
        dropped += len(theme.points) - len(items)
        title, _ = clean_text(theme.title, known, repo)
        if items:
            sections.append(Section(title=title, items=items))
    overview, _ = clean_text(answer.overview, known, repo)
    return RepoSummary(
        repo=repo,
        status="ok",
        method=method,
        overview=overview,
        sections=sections,
        points_kept=kept,
        points_dropped=dropped,
    )


def well_grounded(summary: RepoSummary) -> bool:
    """At least one point kept, and no fewer than half of what the model wrote."""
    kept, dropped = summary.points_kept or 0, summary.points_dropped or 0
    return kept > 0 and kept >= dropped


def ground_overall(answer: OverallAnswer, links: LinkTable, method: str) -> OverallSummary:
    known = Known(links)
    return OverallSummary(
        method=method,
        overview=clean_text(answer.overview, known, None)[0],
        highlights=[i for p in answer.highlights if (i := _point(p, known, links, None))],
        risks=[i for p in answer.risks if (i := _point(p, known, links, None))],
        conclusion=clean_text(answer.conclusion, known, None)[0],
    )
