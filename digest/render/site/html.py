"""How the site writes a report's view (render/view.py) as HTML: text made safe once,
links only to collected http(s) URLs.

Text from GitHub users or a model becomes `Markup` only through `text()` (escaped, `code
spans` kept as code) or `fact()`, and a link's target only through `web_url()` (http or
https, nothing else), so no template can be handed markup or a `javascript:` URL that came
from the data. Everything else a template writes is escaped by Jinja's autoescape.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

from digest.locales import Locale
from digest.render import brief
from digest.render import view as v


def web_url(url: str | None) -> str | None:
    """A collected URL fit for an `href`: http(s) with a host, else None (shown as text)."""
    if not url:
        return None
    url = url.strip()
    scheme, _, rest = url.partition("://")
    if scheme.lower() not in ("http", "https") or not rest or rest[0] in "/?#":
        return None
    return url


def text(value: str) -> Markup:
    """Untrusted text as one line of HTML: escaped, `code spans` as <code> (brief.HTML's
    escaping, the one the feed and mail use)."""
    return Markup(brief.HTML.line(value))


@dataclass(frozen=True)
class Link:
    """A link the site's own pages make (a repository's timeline, the home's open risks),
    its URL already checked by `web_url`."""

    label: str
    url: str | None  # None: shown as text (not an http(s) URL)
    code: bool = False  # a commit: its SHA as code

    def __html__(self) -> str:
        """How Jinja writes it: label and URL escaped (html.escape: a hot path, the record
        of a year of reports writes some 140,000 links)."""
        label = html.escape(self.label)
        label = f"<code>{label}</code>" if self.code else label
        if self.url is None:
            return label
        return f'<a href="{html.escape(self.url)}">{label}</a>'


def link(label: str, url: str | None, code: bool = False) -> Link:
    return Link(label, web_url(url), code)


def joined(links: Iterable[v.Link], loc: Locale) -> Markup:
    """A view's links, each once, separated as the locale lists things (`, ` or `、`)."""
    written = dict.fromkeys(link(x.label, x.url, x.code).__html__() for x in links)
    return Markup(escape(loc["list_sep"]).join(Markup(w) for w in written))


def fact(value: v.Fact, loc: Locale) -> Markup:
    """A fact of a record entry: `by alice`, or the issue a merge closed, linked."""
    if not isinstance(value, v.Closes):
        return escape(value)
    number = f"#{value.number}"
    closed = Markup(link(number, value.url).__html__()) if value.url else number
    written = escape(loc["record_closes"]).format(link=closed, title=value.title)
    return escape(loc["paren"]).format(text=written, inner=value.told) if value.told else written
