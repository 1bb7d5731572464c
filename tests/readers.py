"""What a person sees: each channel's text rendered the way its reader renders it.

GitHub: cmarkgfm (GitHub's own C library) with GitHub's extensions and raw HTML off, then
the text nodes. Feed readers and mail: the HTML's text. Chat: each service's own rules.
Assertions on these say what a reader would notice, not what bytes were written.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import cmarkgfm
from cmarkgfm.cmark import Options

_BLOCKS = {"p", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "br", "hr", "div", "tr"}
_ZWSP = "\u200b"


class _Text(HTMLParser):
    """The text a browser shows, links as (label, href), and the text outside links and
    code (where GitHub autolinks references)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.outside: list[str] = []  # text nodes not under <a>, <code> or <pre>
        self._inert = 0  # depth of <a>/<code>/<pre>
        self._href: str | None = None
        self._label: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")
        if tag in ("a", "code", "pre"):
            self._inert += 1
        if tag == "a":
            self._href, self._label = dict(attrs).get("href") or "", []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("a", "code", "pre"):
            self._inert -= 1
        if tag == "a" and self._href is not None:
            self.links.append(("".join(self._label), self._href))
            self._href = None
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        if self._href is not None:
            self._label.append(data)
        if not self._inert:
            self.outside.append(data)


def parse_html(text: str) -> _Text:
    parser = _Text()
    parser.feed(text)
    parser.close()
    return parser


def seen(text_html: str) -> str:
    """The text a reader of this HTML sees, whitespace collapsed, zero-width spaces gone."""
    return " ".join("".join(parse_html(text_html).parts).replace(_ZWSP, "").split())


def github_html(markdown: str) -> str:
    """HTML as GitHub renders Markdown: GFM extensions, raw HTML left out (GitHub sanitizes
    it; cmark's safe mode omits it), smart punctuation off."""
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_DEFAULT)


def commonmark_html(markdown: str) -> str:
    """HTML as a chat service renders its Markdown. Unlike GitHub, Discord and Teams do not
    decode HTML entities: `&amp;` would be shown as typed, so it is kept as typed here."""
    return cmarkgfm.github_flavored_markdown_to_html(markdown.replace("&", "&amp;"))


# GitHub's autolinked references (docs "Autolinked references and URLs"), as they would be
# found in text nodes outside links and code.
AUTOLINKED = {
    "issue": re.compile(r"#\d"),
    "GH-": re.compile(r"(?i)\bGH-\d"),
    "commit": re.compile(r"(?i)\b[0-9a-f]{7,40}\b"),
    "mention": re.compile(r"(?<![\w`])@[A-Za-z0-9]"),
}


_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]|&#(?:8203|x200b);", re.I)


def zero_width(text: str) -> list[str]:
    """Zero-width characters (or their entities) in text: where Markdown is rendered they
    are invisible yet copied and searched, so a SHA or URL holding one breaks."""
    return [m.group(0) for m in _ZERO_WIDTH.finditer(text)]


def autolinkable(github: str) -> list[str]:
    """Every reference or mention GitHub would link (and notify) in a conversation."""
    outside = " ".join(parse_html(github).outside)
    return [
        f"{name}: {m.group(0)!r}" for name, p in AUTOLINKED.items() for m in p.finditer(outside)
    ]


def slack_seen(mrkdwn: str) -> tuple[str, list[tuple[str, str]]]:
    """What Slack shows for a mrkdwn text, and its links as (label, url): `<url|label>` is a
    link, `*b*`, `_i_` and `~s~` are styles, `&amp;`, `&lt;` and `&gt;` its only entities,
    and a backslash is shown as typed (mrkdwn has no escapes)."""
    links: list[tuple[str, str]] = []

    def link(match: re.Match) -> str:
        url, label = match.group(1), match.group(2) or match.group(1)
        links.append((label, url))
        return label

    text = re.sub(r"<([^<>|]+)(?:\|([^<>]*))?>", link, mrkdwn)
    text = re.sub(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])", r"\1", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.replace(_ZWSP, "").split()), links


def literal_leaks(text: str) -> list[str]:
    """Markup that reached a reader as text: entities, escapes, tags, Markdown links."""
    patterns = {
        "entity": r"&(?:[a-z]+|#\d+|#x[0-9a-f]+);",
        "backslash": r"\\",
        "tag": r"</?(?:sub|small|p|a|em|strong|code|li|ul)\b",
        "markdown link": r"\]\(",
    }
    return [
        f"{name}: {m.group(0)!r}"
        for name, p in patterns.items()
        for m in re.finditer(p, text, re.I)
    ]


def unescape(text: str) -> str:
    return html.unescape(text)
