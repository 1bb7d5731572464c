"""Markdown hygiene for text that came from GitHub users (titles, names) or a model.

mistune parses Markdown but has no escaper for plain text going into Markdown, so this is
the one place that does it: HTML-escape with mistune's helper, then backslash-escape the
punctuation that would start Markdown syntax, and break `@mentions` so nobody is pinged.
"""

from __future__ import annotations

import re

from mistune.util import escape, escape_url

# CommonMark ASCII punctuation that can open inline syntax in the middle of a line.
_INLINE = re.compile(r"([\\`*_\[\]|~])")
# Characters that only matter at the start of a line (headings, quotes, lists).
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")
# @user or @org/team, as GitHub links (and notifies) them.
_MENTION = re.compile(r"(?<![\w`])@(?=[A-Za-z0-9][A-Za-z0-9-]*)")
# #123, which GitHub would link to an issue of the repository showing the text (the wrong one).
_ISSUE_REF = re.compile(r"(?<![\w&])#(?=\d)")


def inline(text: str) -> str:
    """Plain text as one safe line of Markdown: no markup, no HTML, no pings, no autolinks.

    A zero-width space (as Renovate does) keeps `@name` and `#123` readable but inert.
    """
    one_line = " ".join(text.split())
    escaped = _INLINE.sub(r"\\\1", escape(one_line, quote=False))
    escaped = _LINE_START.sub(r"\1\\\2", escaped)
    escaped = _ISSUE_REF.sub("#&#8203;", escaped)
    return _MENTION.sub("@&#8203;", escaped)


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
