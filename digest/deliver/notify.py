"""Tell chat and mail about new or changed reports, through Apprise.

Apprise speaks to Slack, Discord, Microsoft Teams, Telegram, Feishu/Lark, mail and generic
JSON/form webhooks from one URL each, so digest has no code per service. What differs is
what a service displays, so every message comes written three ways and each service gets
the one it shows well, declared as such so Apprise converts nothing: the service's own
format (Apprise's `notify_format`, or the URL's `?format=`): Markdown for Slack (which
Apprise turns into mrkdwn), Teams and Google Chat, HTML for mail and Telegram, plain text
for JSON/form webhooks, Feishu and Lark. Apprise converts HTML or Markdown into text by
keeping the markup, so text services must never be sent either. Each URL is a
secret: it is never logged or written; a channel is named by its position and scheme only.
A failing channel is a warning, never a failed run, and channels are told at once, each
with a time limit, so one slow service does not hold up the others.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import apprise

log = logging.getLogger(__name__)

TIMEOUT = 20.0  # seconds for one channel, every attempt included


@dataclass(frozen=True)
class Written:
    title: str
    body: str


@dataclass(frozen=True)
class Message:
    """One report's message, written for each kind of service."""

    title: str  # plain text, for services that show the title apart from the body
    markdown: Written  # CommonMark without HTML or entities, for chat that renders Markdown
    html: Written
    text: Written  # plain text with bare links


@dataclass(frozen=True)
class Failure:
    channel: str  # "#2 (slack)": position and scheme, never the URL
    why: str


def channel_name(position: int, url: str) -> str:
    return f"#{position} ({urlsplit(url).scheme or '?'})"


def notify(urls: Sequence[str], messages: Sequence[Message]) -> list[Failure]:
    """Send every message to every channel; the channels that failed, and why."""
    if not urls or not messages:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(urls))) as pool:
        positions = range(1, len(urls) + 1)
        results = pool.map(lambda position, url: _send(position, url, messages), positions, urls)
        return [failure for failure in results if failure is not None]


def _send(position: int, url: str, messages: Sequence[Message]) -> Failure | None:
    import apprise  # a tenth of a second: only for runs that notify

    channel = channel_name(position, url)
    service: apprise.Apprise = apprise.Apprise()
    if not service.add(url):
        return Failure(channel, "not an Apprise URL this version understands")
    form = _form(service[0], url)
    for message in messages:
        written: Written = getattr(message, form.value)
        # A title shown apart is plain text; one folded into the body is in the body's form.
        title = message.title if service[0].title_maxlen > 0 else written.title
        result = service.notify(title=title, body=written.body, body_format=form, timeout=TIMEOUT)
        if not result:
            why = "timed out" if result.timeout_count else "the service refused or did not answer"
            return Failure(channel, why)
    log.info("notified %s of %d report(s) as %s", channel, len(messages), form.value)
    return None


# Services whose plain text is shown as Markdown anyway: Discord renders every message's
# content, so plain text would lose its links and could turn `*` into emphasis.
_MARKDOWN_ANYWAY = {"discord"}


def _form(plugin: apprise.NotifyBase, url: str) -> apprise.NotifyFormat:
    """The form a service displays: what its URL asks for (`?format=`), else its own."""
    import apprise

    chosen = plugin.resolve_format(None)
    protocols = {*_names(plugin.protocol), *_names(plugin.secure_protocol)}
    asked = "format=" in urlsplit(url).query.lower()
    if chosen == apprise.NotifyFormat.TEXT and protocols & _MARKDOWN_ANYWAY and not asked:
        return apprise.NotifyFormat.MARKDOWN
    return chosen


def _names(protocol: str | Sequence[str] | None) -> list[str]:
    if not protocol:
        return []
    return [protocol] if isinstance(protocol, str) else list(protocol)
