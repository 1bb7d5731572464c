"""Markdown hygiene for text that came from GitHub users (titles, names) or a model.

mistune parses Markdown but has no escaper for plain text going into Markdown, so this is
the one place that does it: HTML-escape with mistune's helper, then backslash-escape the
punctuation that would start Markdown syntax, and make `@mentions` and `#123` inert.
"""

from __future__ import annotations

import re

from mistune.util import escape, escape_url

# CommonMark ASCII punctuation that can open inline syntax in the middle of a line.
_INLINE = re.compile(r"([\\`*_\[\]|~])")
# Characters that only matter at the start of a line (headings, quotes, lists).
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")
# @user or @org/team, as GitHub links (and notifies) them, and name@host, which it links.
_MENTION = re.compile(r"(?<!`)@(?=[A-Za-z0-9][A-Za-z0-9-]*)")
# Bare URLs, which GitHub links although they are not Markdown links.
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp)://|\b(www)\.")
# #123, which GitHub would link to an issue of the repository showing the text (the wrong one).
_ISSUE_REF = re.compile(r"(?<![\w&])#(?=\d)")
_CODE_SPAN = re.compile(r"`([^`\n]+)`")


def _escape(text: str) -> str:
    escaped = _INLINE.sub(r"\\\1", escape(text, quote=False))
    escaped = _ISSUE_REF.sub("#&#8203;", escaped)
    escaped = _AUTOLINK.sub(_defuse_url, escaped)
    return _MENTION.sub("@&#8203;", escaped)


def _defuse_url(match: re.Match) -> str:
    """`https://x` stays readable but is no link: a zero-width space after the scheme."""
    if match.group(1):
        return f"{match.group(1)}:&#8203;//"
    return f"{match.group(2)}&#8203;."


def inline(text: str) -> str:
    """Plain text as one safe line of Markdown: no markup, no HTML, no pings, no autolinks.

    A zero-width space (as Renovate does) keeps `@name` and `#123` readable but inert.
    """
    return _LINE_START.sub(r"\1\\\2", _escape(" ".join(text.split())))


def inline_with_code(text: str) -> str:
    """Like `inline`, but `code spans` stay code: inside them nothing renders, links or pings."""
    one_line = " ".join(text.split())
    parts, last = [], 0
    for match in _CODE_SPAN.finditer(one_line):
        parts.append(_escape(one_line[last : match.start()]))
        parts.append(f"`{match.group(1)}`")
        last = match.end()
    parts.append(_escape(one_line[last:]))
    return _LINE_START.sub(r"\1\\\2", "".join(parts))


def link(label: str, url: str) -> str:
    """A link whose label is our own text (`#123`, a tag, a date): inside a link GitHub
    autolinks nothing, so only the characters that would end the label are escaped."""
    return f"[{_label(label)}]({escape_url(url)})"


def code_link(label: str, url: str) -> str:
    return f"[`{label.replace('`', '')}`]({escape_url(url)})"


def _label(text: str) -> str:
    return _INLINE.sub(r"\\\1", escape(" ".join(text.split()), quote=False))


def heading(level: int, text: str) -> str:
    return "#" * min(level, 6) + " " + text
