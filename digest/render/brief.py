"""The report in brief, written in the form each of its readers displays.

One brief (the window, what each section of the report's view gives a brief: the overview,
top developments, risks; a link to the report) goes to four kinds of reader, and each needs
its own text: escaped Markdown shown by anything but GitHub leaks `&amp;`, `\\_` and `<sub>`
onto the screen. So the brief is written from the view (view.py) once per form, never
converted from one form to another:

- `GITHUB`: GitHub Markdown for a conversation (a pull request's description, later an
  issue or a comment): nothing in it links, pings or leaves a backlink upstream.
- `CHAT`: plain CommonMark for chat services that render Markdown themselves and honour its
  backslash escapes (Discord, Google Chat): no HTML, no entities, a backslash only where a
  character would otherwise become markup.
- `HTML`: for the feed.
- `TEXT`: plain text with bare links, for webhooks and chat services that show text as is.

Services that show escapes as typed, or act on plain text, have their own forms in
dialects.py (Slack, Teams, Telegram, mail).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Literal

import jinja2
from mistune.util import escape_url

from digest.citations import LinkPolicy, direct
from digest.locales import Locale, locale
from digest.models import Digest
from digest.render import markdown as md
from digest.render.rollup import date_label
from digest.render.view import Paragraph, Point, Points, ReportView

FormName = Literal["github", "chat", "html", "text", "slack", "teams", "telegram", "mail"]

_CODE_SPAN = re.compile(r"`([^`\n]+)`")
ZWSP = "\u200b"  # zero-width space: keeps text readable but stops a service acting on it


@dataclass(frozen=True)
class Form:
    """How one kind of reader is written to: plain text (from GitHub users or a model, with
    `code spans` kept), a citation of a collected object, and a named link."""

    name: FormName
    template: str
    line: Callable[[str], str]  # one line of untrusted text; `code spans` stay code
    cite: Callable[[str, str, bool], str]  # (label, url, is a commit) -> a link
    link: Callable[[str, str], str]  # (label, url) -> a link whose label says what it is


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("digest.render", "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # every value is already written in its form by a Form
    )


def render(
    view: ReportView,
    report_url: str | None,
    form: Form,
    links: LinkPolicy = direct,
    pull_request_url: str | None = None,
) -> str:
    """The brief of a report's view in `form`: what each section gives a brief
    (`Section.brief`: the overview, top developments, risks), a link to the report and to
    the pull request. `links` decides how links to collected objects are written."""
    loc = locale(view.language)
    text = (
        environment()
        .get_template(form.template)
        .render(
            window=form.line(view.window),
            blocks=[_written(form, block, links, loc) for block in view.brief],
            report_link=form.link(loc["read_report"], report_url) if report_url else "",
            pull_link=(
                form.link(loc["pull_request"], pull_request_url) if pull_request_url else ""
            ),
            footer=form.line(view.footer),
        )
    )
    return text.strip() + "\n"


@dataclass(frozen=True)
class Written:
    """A block of the brief written in a form, for its template: a paragraph's text, or a
    list's lines under its heading ("": none)."""

    heading: str = ""
    text: str = ""
    lines: tuple[str, ...] = ()


def _written(form: Form, block: Paragraph | Points, links: LinkPolicy, loc: Locale) -> Written:
    if isinstance(block, Paragraph):
        return Written(text=form.line(block.text))
    heading = form.line(block.heading) if block.heading else ""
    return Written(heading, lines=tuple(_line(form, p, links, loc) for p in block.points))


def _line(form: Form, point: Point, links: LinkPolicy, loc: Locale) -> str:
    """A point with its links (each written once)."""
    cited = [form.cite(x.label, links(x.url), x.code) for x in point.links]
    line = loc.paren(form.line(point.text), loc.join(list(dict.fromkeys(cited))))
    return f"{form.line(point.label)}{loc['colon']}{line}" if point.label else line


def with_code(text: str, plain: Callable[[str], str], code: Callable[[str], str]) -> str:
    """One line of untrusted text: `code spans` through `code`, the rest through `plain`."""
    one_line = " ".join(text.split())
    parts, last = [], 0
    for match in _CODE_SPAN.finditer(one_line):
        parts.append(plain(one_line[last : match.start()]))
        parts.append(code(match.group(1)))
        last = match.end()
    parts.append(plain(one_line[last:]))
    return "".join(parts)


# -- GitHub Markdown for a conversation ----------------------------------------------------


def _github_cite(label: str, url: str, commit: bool) -> str:
    # Inside a link GitHub links nothing more (its filters skip text under <a> and <code>),
    # so a label such as `#34049` or a SHA is safe there.
    return md.code_link(label, url) if commit else md.link(label, url)


GITHUB = Form(
    name="github",
    template="brief.md.j2",
    line=lambda text: md.inline_with_code(text, conversation=True),
    cite=_github_cite,
    link=md.link,
)


# -- CommonMark for chat -------------------------------------------------------------------

# Always markup, wherever they stand.
_CHAT_ALWAYS = re.compile(r"([\\`\[\]<>])")
# `*`, `_` and `~` are markup only beside a non-space, and `_` not inside a word: `5 * 3`
# and `3_000` stay as they are (an escape is needed only where there is markup to stop).
_CHAT_EMPHASIS = re.compile(r"[*_~]")
_CHAT_LINE_START = re.compile(r"^(\s*)([#>])")
# Discord pings `@everyone` and `@here` from a webhook; a zero-width space keeps it text.
_CHAT_MENTION = re.compile(r"@(?=[A-Za-z0-9])")
# Bare URLs in untrusted text would be linked (and previewed) by every chat client.
_BARE_URL = re.compile(r"(?i)\b(?:(https?|ftp)://|(www)\.)")


def unlinked(text: str) -> str:
    """A bare URL in untrusted text, still readable but linked by no chat client or mail
    reader: a zero-width space after its scheme (or `www`)."""
    return _BARE_URL.sub(
        lambda m: f"{m.group(1)}:{ZWSP}//" if m.group(1) else f"{m.group(2)}{ZWSP}.", text
    )


def _chat_line(text: str) -> str:
    return _CHAT_LINE_START.sub(r"\1\\\2", with_code(text, _chat_text, lambda c: f"`{c}`"))


def _chat_text(text: str) -> str:
    escaped = _CHAT_ALWAYS.sub(r"\\\1", text)
    escaped = _CHAT_EMPHASIS.sub(_chat_emphasis, escaped)
    return unlinked(_CHAT_MENTION.sub("@" + ZWSP, escaped))


def _chat_emphasis(match: re.Match[str]) -> str:
    mark, text, at = match.group(0), match.string, match.start()
    before = text[at - 1] if at else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    if (before.isspace() and after.isspace()) or (
        mark == "_" and before.isalnum() and after.isalnum()
    ):
        return mark
    return "\\" + mark


def _chat_link(label: str, url: str) -> str:
    escaped = _CHAT_ALWAYS.sub(r"\\\1", label)
    return f"[{escaped}]({escape_url(url)})"


def markdown_form(
    name: FormName, line: Callable[[str], str], link: Callable[[str, str], str]
) -> Form:
    """A form of chat Markdown (brief.chat.md.j2), every object cited by a named link."""
    return Form(
        name=name,
        template="brief.chat.md.j2",
        line=line,
        cite=lambda label, url, _commit: link(label, url),
        link=link,
    )


CHAT = markdown_form("chat", _chat_line, _chat_link)


# -- HTML ----------------------------------------------------------------------------------


def html_link(label: str, url: str, code: bool = False, *, escaped: bool = False) -> str:
    """An HTML link; `escaped`: the label is HTML already."""
    text = label if escaped else html.escape(label)
    inner = f"<code>{text}</code>" if code else text
    return f'<a href="{html.escape(url)}">{inner}</a>'


HTML = Form(
    name="html",
    template="brief.html.j2",
    line=lambda text: with_code(
        text,
        lambda plain: html.escape(plain, quote=False),
        lambda code: f"<code>{html.escape(code, quote=False)}</code>",
    ),
    cite=html_link,
    link=html_link,
)


# -- plain text ----------------------------------------------------------------------------

TEXT = Form(
    name="text",
    template="brief.txt.j2",
    line=lambda text: " ".join(text.split()),
    cite=lambda _label, url, _commit: url,  # the URL names the object itself
    link=lambda label, url: f"{label}: {url}",
)


def within(digest: Digest, text: str, limit: int, report_url: str | None) -> str:
    """A GITHUB brief cut to `limit` characters for a post GitHub caps (an issue's or a
    discussion's body): whole lines only, so no link or code span is cut, then a line that
    says so and links the report."""
    if len(text) <= limit:
        return text
    loc = locale(digest.language)
    note = f"_{GITHUB.line(loc['thread_cut'])}_"
    if report_url:
        note += " " + GITHUB.link(loc["read_report"], report_url)
    kept: list[str] = []
    used = len(note) + 2  # the blank line before it
    for line in text.splitlines():
        if used + len(line) + 1 > limit:
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept).rstrip() + "\n\n" + note + "\n"


def title(digest: Digest) -> str:
    """The digest's title and its date or period, as plain text: the one title of a report's
    feed entry, pull request, message and thread."""
    return f"{digest.title} — {date_label(digest, locale(digest.language))}"


def title_in(form: Form, digest: Digest) -> str:
    """The title written in `form`, for services that fold it into the body."""
    return form.line(title(digest))
