"""Markdown hygiene for text that came from GitHub users (titles, names) or a model.

mistune parses Markdown but has no escaper for plain text going into Markdown, so this is
the one place that does it: HTML-escape with mistune's helper, then backslash-escape the
punctuation that would start Markdown syntax, and make `@mentions` and `#123` inert.

GitHub's autolinks (mentions, issue references, SHAs, bare URLs) are found in the text nodes
of the rendered HTML, and no backslash stops them. An empty HTML comment does: `@<!-- -->name`
renders as `@name` but splits it into two text nodes, and GitHub's sanitizer drops the
comment, so what a reader sees, copies or searches is the text exactly as written. (A
zero-width space would do the same but stays in the text: a copied SHA or URL breaks.)
"""

from __future__ import annotations

import re

from mistune.util import escape, escape_url

# Renders as nothing; splits the text node around it, so GitHub autolinks neither side.
BREAK = "<!-- -->"

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

# What GitHub links in a conversation (pull request, issue, discussion, comment) but not in
# files: `owner/repo#12` and `GH-12` (issue references) and 7 to 40 hex digits, which it
# links to a commit of that repository when one has that prefix (docs: "Autolinked
# references and URLs"). Each gets a BREAK, like `#12` and `@name` everywhere.
_ANY_ISSUE_REF = re.compile(r"(?<!&)#(?=\d)")
_GH_REF = re.compile(r"(?i)\b(GH-)(?=\d)")
_HEX_RUN = re.compile(r"(?i)\b[0-9a-f]{7,}\b")
_HEX_CHUNK = 6  # shorter than the 7 digits GitHub needs for a commit


def _escape(text: str) -> str:
    escaped = _INLINE.sub(r"\\\1", escape(text, quote=False))
    escaped = _ISSUE_REF.sub("#" + BREAK, escaped)
    escaped = _AUTOLINK.sub(_defuse_url, escaped)
    return _MENTION.sub("@" + BREAK, escaped)


def _escape_conversation(text: str) -> str:
    escaped = _ANY_ISSUE_REF.sub("#" + BREAK, _escape(text))
    escaped = _GH_REF.sub(r"\1" + BREAK, escaped)
    return _HEX_RUN.sub(_break_hex, escaped)


def _break_hex(match: re.Match[str], mark: str = BREAK) -> str:
    run = match.group(0)
    return mark.join(run[i : i + _HEX_CHUNK] for i in range(0, len(run), _HEX_CHUNK))


def _defuse_url(match: re.Match[str]) -> str:
    """`https://x` stays readable (and copies whole) but is no link: a BREAK after the
    scheme."""
    if match.group(1):
        return f"{match.group(1)}:{BREAK}//"
    return f"{match.group(2)}{BREAK}."


def inline(text: str, *, conversation: bool = False) -> str:
    """Plain text as one safe line of Markdown: no markup, no HTML, no pings, no autolinks.

    An empty HTML comment keeps `@name` and `#123` readable but inert.
    `conversation`: for what GitHub shows as a conversation, where it also links
    `owner/repo#12`, `GH-12` and commit SHAs.
    """
    escape = _escape_conversation if conversation else _escape
    return _LINE_START.sub(r"\1\\\2", escape(" ".join(text.split())))


def inline_with_code(text: str, *, conversation: bool = False) -> str:
    """Like `inline`, but `code spans` stay code: inside them nothing renders, links or pings."""
    escape = _escape_conversation if conversation else _escape
    one_line = " ".join(text.split())
    parts, last = [], 0
    for match in _CODE_SPAN.finditer(one_line):
        parts.append(escape(one_line[last : match.start()]))
        parts.append(f"`{match.group(1)}`")
        last = match.end()
    parts.append(escape(one_line[last:]))
    return _LINE_START.sub(r"\1\\\2", "".join(parts))


def inert_title(text: str) -> str:
    """A title GitHub shows as plain text but still links references in (an issue's or pull
    request's). Markdown is not rendered there, so a comment would show: a zero-width space
    (as Renovate does) after `#`, `GH-` and `@`, and inside hex runs, instead."""
    zwsp = "\u200b"
    text = _GH_REF.sub(r"\1" + zwsp, re.sub(r"#(?=\d)", "#" + zwsp, text))
    text = re.sub(r"@(?=[A-Za-z0-9])", "@" + zwsp, text)
    return _HEX_RUN.sub(lambda m: _break_hex(m, zwsp), text)


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
