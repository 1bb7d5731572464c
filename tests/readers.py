"""What a person sees: each channel's text rendered the way its reader renders it.

GitHub: cmarkgfm (GitHub's own C library) with GitHub's extensions and raw HTML off, then
the text nodes. Feed readers and mail: the HTML's text. Chat: each service's own rules.
Assertions on these say what a reader would notice, not what bytes were written.
"""

from __future__ import annotations

import email.message
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import cmarkgfm
from cmarkgfm import cmark
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


@dataclass
class SlackView:
    """A Slack message as Slack shows it."""

    text: str = ""  # what a reader sees, styles gone, zero-width spaces gone
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url), bare ones too
    pings: list[str] = field(default_factory=list)  # <@user>, <!here>, <#channel> ...
    styled: list[str] = field(default_factory=list)  # "bold: text", "code: text" ...


# Slack's mrkdwn as slack-message-parser (pocka) reproduces it: a style opens only at the
# start of the text or after a space or one of `.,([{!?-=` ("explicit"), and closes before
# a space, a punctuation sign or the end; `<...>` is a link, mention or command anywhere;
# `&gt;` starts a quote at the start of a line. There are no escapes: a backslash is text.
_CLOSE = r"(?=[\s.,\])}!?\-=]|\Z)"
_SLACK_RULES: list[tuple[str, re.Pattern[str], bool]] = [
    (
        "bold",
        re.compile(
            r"\*(\S(?:[^*\n]*?|[^*\n]*? `.*?` )[^\s*]|\S)\*(?=[\s~!#$%^)\-+={}\[\];:'\",.?/]|\Z)"
        ),
        True,
    ),
    ("pre", re.compile(r"```(\s*\S[\s\S]*?\s*)```" + _CLOSE), True),
    ("code", re.compile(r"`([^`]+?)`" + _CLOSE), True),
    ("emoji", re.compile(r":([^:<`*#@!\s()$%]+):(?::(skin-tone-.+?):)?"), False),
    ("italic", re.compile(r"_(\S(?:[^_\n]*?|[^_\n]*? `.*?` )\S|\S)_" + _CLOSE), True),
    ("quote", re.compile(r"&gt;(.*)(?:\n|\Z)"), False),
    ("link", re.compile(r"<([^\s<>][^\n<>]*?)(?:\|([^<>]+?))?>"), False),
    ("strike", re.compile(r"~(\S(?:[^~\n]*?|[^~\n]*? `.*?` )\S|\S)~" + _CLOSE), True),
]
_EXPLICIT_AFTER = re.compile(r"[\s.,(\[{!?\-=]")
# What Slack links in plain text by itself.
_SLACK_AUTOLINK = re.compile(r"(?i)\b(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.\w[\w.]*")


def _slack_unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _slack_parse(text: str, view: SlackView) -> list[str]:
    seen: list[str] = []
    plain: list[str] = []  # a run of plain text, where Slack links URLs and addresses

    def flush() -> None:
        run = "".join(plain).replace(_ZWSP, "")
        view.links.extend((m.group(0), m.group(0)) for m in _SLACK_AUTOLINK.finditer(run))
        plain.clear()

    at = 0
    while at < len(text):
        for kind, rule, explicit in _SLACK_RULES:
            if explicit and at and not _EXPLICIT_AFTER.match(text[at - 1]):
                continue
            if kind == "quote" and at and text[at - 1] != "\n":
                continue
            match = rule.match(text, at)
            if match:
                break
        else:
            seen.append(text[at])
            plain.append(text[at])
            at += 1
            continue
        flush()
        inner = match.group(1)
        if kind in ("code", "pre"):
            shown = _slack_unescape(inner)
        elif kind == "emoji":
            shown = match.group(0)
        elif kind == "link":
            label = "".join(_slack_parse(match.group(2), view)) if match.group(2) else inner
            if inner[0] in "@!#":
                view.pings.append(match.group(0))
            else:
                view.links.append((label.replace(_ZWSP, ""), _slack_unescape(inner)))
            shown = label
        else:
            shown = "".join(_slack_parse(inner, view))
        if kind not in ("emoji", "link"):
            view.styled.append(f"{kind}: {shown}")
        seen.append(shown)
        at = match.end()
    flush()
    return seen


def slack_view(mrkdwn: str) -> SlackView:
    """What Slack shows for a mrkdwn text (as Slack receives it, after Apprise)."""
    view = SlackView()
    shown = _slack_unescape("".join(_slack_parse(mrkdwn, view)))
    view.text = " ".join(shown.replace(_ZWSP, "").split())
    return view


def teams_html(markdown: str) -> str:
    """HTML as Teams renders a card's text: CommonMark's emphasis, lists and links (md4c in
    the Adaptive Cards renderers), bare URLs linked; no raw HTML; entities and backslash
    escapes shown as typed (as Teams' mobile clients do: AdaptiveCards#5590, #7474)."""
    # `\*` is shown as typed and its `*` is no markup: as CommonMark reads `\\\*`
    typed = re.sub(r"\\(?=[!-/:-@\[-`{-~])", r"\\\\\\", markdown).replace("&", "&amp;")
    return cmark.markdown_to_html_with_extensions(
        typed, options=Options.CMARK_OPT_DEFAULT, extensions=["autolink"]
    )


# Entities Telegram finds in a message's plain text by itself (besides those the HTML marks):
# mentions, hashtags, cashtags, bot commands, URLs and addresses.
TELEGRAM_ENTITIES = {
    "mention": re.compile(r"(?<![\w@])@\w"),
    "hashtag": re.compile(r"(?<![\w#])#\w"),
    "cashtag": re.compile(r"(?<![\w$])\$[A-Za-z]"),
    "bot command": re.compile(r"(?<!\S)/[A-Za-z0-9_]"),
    "url": re.compile(r"(?i)\b(?:https?://|www\.)\S"),
    "address": re.compile(r"[\w.+-]+@[\w-]+\.\w"),
}


def telegram_live(html_text: str) -> list[str]:
    """Whatever Telegram would make a mention, hashtag, command or link of, outside code and
    the links the HTML itself makes (their labels included)."""
    page = parse_html(html_text)
    texts = ["".join(page.outside), *(label for label, _ in page.links)]
    return [
        f"{name}: {m.group(0)!r}"
        for text in texts
        for name, p in TELEGRAM_ENTITIES.items()
        for m in p.finditer(text)
    ]


def unhidden(links: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Links as a reader sees their labels: zero-width spaces are not seen."""
    return [(label.replace(_ZWSP, ""), url) for label, url in links]


def mail_parts(message: email.message.Message) -> tuple[str, str]:
    """A mail's HTML part and its text/plain part, decoded."""
    parts = {}
    for part in message.walk():
        if not part.is_multipart():
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            parts[part.get_content_type()] = payload.decode(part.get_content_charset() or "utf-8")
    return parts["text/html"], parts["text/plain"]


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
