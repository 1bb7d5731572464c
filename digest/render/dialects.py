"""The brief for the services whose markup has no escape a reader never sees.

brief.CHAT is CommonMark, whose backslash escapes Discord honours. These services show them:

- Slack's mrkdwn has no escapes at all (only `&amp;`, `&lt;` and `&gt;`), and Apprise's
  conversion from Markdown keeps CommonMark's `\\*` and `\\_`, which Slack shows as typed. A
  `_`, `~` or backtick opens a style only at the start of the text or after a space or one
  of `.,([{!?-=` (Slack's rule, as slack-message-parser reproduces it), so a zero-width
  space in front of one keeps it a character; Apprise passes them on as they are. A `*`
  Apprise itself would pair into emphasis is written as the asterisk operator (U+2217).
- Teams' cards render a little Markdown (emphasis, lists, links) and show backslash escapes
  as typed on some clients (AdaptiveCards#5590, #7474). A zero-width space beside `_` puts
  it inside a word, where CommonMark never emphasises; `*` emphasises inside words too,
  so a `*` that could pair with another is written as the asterisk operator (U+2217).
- Telegram (HTML) links `@name`, `#tag`, `$TAG` and `/command` in plain text: a zero-width
  space after the sign keeps them words.
- Mail: Apprise builds the text/plain part from the HTML, keeping only its text (and
  breaking lines at <code>), so every link is written with its URL as its text.

Zero-width spaces are fine here: no service renders them, and none of them is copied from
as source (unlike GitHub, where markdown.BREAK is used).
"""

from __future__ import annotations

import html
import re
import unicodedata

from mistune.util import escape_url

from digest.render.brief import ZWSP, Form, html_link, markdown_form, unlinked, with_code

# -- Emphasis no escape stops --------------------------------------------------------------

_STAR_RUNS = re.compile(r"\*+")
ASTERISK = "\u2217"  # the asterisk operator: looks like `*`, is never emphasis


def _other(char: str) -> bool:
    """Neither space nor punctuation: what CommonMark treats as a word character."""
    return bool(char) and not char.isspace() and unicodedata.category(char)[0] not in "PS"


def _inside_a_word(match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    before = "" if _other(text[start - 1 : start]) else ZWSP
    after = "" if _other(text[end : end + 1]) else ZWSP
    return before + match.group(0) + after


def _flanks(text: str, start: int, end: int) -> tuple[bool, bool]:
    """CommonMark's left- and right-flanking, for the delimiter run text[start:end]."""
    before, after = text[start - 1 : start] or " ", text[end : end + 1] or " "
    punct_before, punct_after = not _other(before), not _other(after)
    left = not after.isspace() and (not punct_after or before.isspace() or punct_before)
    right = not before.isspace() and (not punct_before or after.isspace() or punct_after)
    return left, right


def _inert_stars(text: str) -> str:
    """`*` runs that CommonMark (and Apprise's converter, which follows it) would pair into
    emphasis, written as ASTERISK; a lone one, as in `5 * 3` or `**kwargs`, stays."""
    runs = [
        (m.start(), m.end(), *_flanks(text, m.start(), m.end())) for m in _STAR_RUNS.finditer(text)
    ]
    opened = False
    pairs = False
    for _, _, left, right in runs:
        pairs = pairs or (opened and right)
        opened = opened or left
    if not pairs:
        return text
    out, last = [], 0
    for start, end, left, right in runs:
        out += [text[last:start], (ASTERISK if left or right else "*") * (end - start)]
        last = end
    return "".join(out) + text[last:]


# -- Slack: Markdown that Apprise's mrkdwn converter passes on without a backslash --------

# A style's opening sign, where Slack would open one: at the start, or after a space or
# one of `.,([{!?-=` (slack-message-parser's reading of Slack), and before a non-space.
_SLACK_OPENER = re.compile(r"(?:^|(?<=[\s.,(\[{!?\-=]))([*_~`])(?=\S)")
# The escapes Apprise's converter consumes: `\<` and `\>` become `&lt;` and `&gt;`, `\[`
# and `\]` plain brackets (it keeps every other backslash, which Slack would show).
_SLACK_ESCAPED = re.compile(r"([<>\[\]])")
# Slack links an address (`name@host`).
_AT = re.compile(r"@(?=\S)")


def _slack_text(text: str) -> str:
    text = _SLACK_OPENER.sub(ZWSP + r"\1", _inert_stars(unlinked(text)))
    text = _SLACK_ESCAPED.sub(r"\\\1", _AT.sub("@" + ZWSP, text))
    # `>` starting a line quotes it, `#` makes Apprise write a heading as bold.
    return ZWSP + text if text.startswith(("\\>", "#")) else text


def _slack_link(label: str, url: str) -> str:
    label = _SLACK_ESCAPED.sub(r"\\\1", " ".join(label.split()))
    return f"[{label}]({escape_url(url)})"


SLACK = markdown_form(
    "slack", lambda text: with_code(text, _slack_text, lambda code: f"`{code}`"), _slack_link
)


# -- Teams: CommonMark without escapes -------------------------------------------------------

# Raw HTML, and `<at>`, which Apprise's Teams plugin turns into a mention.
_TEAMS_TAG = re.compile(r"<(?=[A-Za-z/!?])")
# Block markers: list items, headings, quotes, and `[x]: url` (a link definition).
_TEAMS_LINE_START = re.compile(r"^(\s*)(?=[-+*#>\[]|\d+[.)])")
_UNDERSCORES = re.compile(r"_+")


def _teams_text(text: str) -> str:
    text = _TEAMS_TAG.sub("<" + ZWSP, unlinked(text)).replace("](", "]" + ZWSP + "(")
    return _inert_stars(_UNDERSCORES.sub(_inside_a_word, text))


def _teams_line(text: str) -> str:
    return _TEAMS_LINE_START.sub(r"\1" + ZWSP, with_code(text, _teams_text, lambda c: f"`{c}`"))


def _teams_link(label: str, url: str) -> str:
    label = " ".join(label.split()).replace("[", "(").replace("]", ")")
    return f"[{label}]({url.replace(' ', '%20').replace(')', '%29')})"


TEAMS = markdown_form("teams", _teams_line, _teams_link)


# -- Telegram: HTML, with its automatic entities kept words ----------------------------------

_TELEGRAM_ENTITY = re.compile(r"([@#$])(?=\w)|(?:^|(?<=\s))(/)(?=[A-Za-z])")


def _telegram_text(text: str) -> str:
    escaped = html.escape(unlinked(text), quote=False)
    return _TELEGRAM_ENTITY.sub(lambda m: (m.group(1) or m.group(2)) + ZWSP, escaped)


TELEGRAM = Form(
    name="telegram",
    template="brief.html.j2",
    line=lambda text: with_code(
        text, _telegram_text, lambda code: f"<code>{html.escape(code, quote=False)}</code>"
    ),
    # Labels too: Telegram does not document whether it looks for entities inside a link.
    cite=lambda label, url, commit: html_link(_telegram_text(label), url, commit, escaped=True),
    link=lambda label, url: html_link(_telegram_text(label), url, escaped=True),
)


# -- Mail: HTML whose text keeps every link --------------------------------------------------


def _mail_url(url: str) -> str:
    return html_link(url, url)


MAIL = Form(
    name="mail",
    template="brief.html.j2",
    line=lambda text: with_code(
        text,
        lambda plain: html.escape(unlinked(plain), quote=False),
        # not <code>: Apprise's text part puts a <code> on a line of its own
        lambda code: f'<span style="font-family:monospace">{html.escape(code, quote=False)}</span>',
    ),
    cite=lambda _label, url, _commit: _mail_url(url),  # the URL names the object itself
    link=lambda label, url: f"{html.escape(label, quote=False)}: {_mail_url(url)}",
)
