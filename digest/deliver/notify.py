"""Tell chat and mail about new or changed reports, through Apprise.

Apprise speaks to Slack, Discord, Microsoft Teams, Telegram, Feishu/Lark, mail and generic
JSON/form webhooks from one URL each, so digest has no code per service. What differs is
what a service displays, so every message comes written for each kind of service, and each
gets the text it shows as written:

- Slack and Teams: Markdown written without the backslash escapes both show as typed
  (Apprise's mrkdwn conversion keeps them).
- Telegram and mail: HTML, written for what Apprise keeps of it when it fits it to
  Telegram's few tags and builds mail's text part.
- Other services: their own format (Apprise's `notify_format`, or the URL's `?format=`),
  declared so Apprise converts nothing: Markdown (Discord, Google Chat), HTML, or plain
  text for JSON/form webhooks, Feishu and Lark. Apprise converts HTML or Markdown into text
  by keeping the markup, so text services must never be sent either.

Each URL is a secret: it is never logged or written; a channel is named by its position and
scheme only. A failing channel is a warning, never a failed run, and channels are told at
once, each with a time limit, so one slow service does not hold up the others.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, assert_never
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import apprise

log = logging.getLogger(__name__)

TIMEOUT = 20.0  # seconds for one channel, every attempt included


@dataclass(frozen=True)
class Written:
    title: str
    body: str


# The forms a message is written in, one per kind of service: Apprise's three formats, and
# the services that have their own form of one.
Form = Literal["markdown", "html", "text", "slack", "teams", "telegram", "mail"]


@dataclass(frozen=True)
class Message:
    """One report's message, written for each kind of service."""

    title: str  # plain text, for services that show the title apart from the body
    markdown: Written  # CommonMark without HTML or entities, for chat that renders Markdown
    html: Written
    text: Written  # plain text with bare links
    slack: Written  # Markdown whose only escapes are those Apprise's mrkdwn converter consumes
    teams: Written  # Markdown without backslash escapes (title included: Teams renders it)
    telegram: Written  # HTML whose plain text Telegram turns into no mention or hashtag
    mail: Written  # HTML whose every link is also text: Apprise's text part keeps only text

    def written(self, form: Form) -> Written:
        """The message as written for one kind of service."""
        match form:
            case "markdown":
                return self.markdown
            case "html":
                return self.html
            case "text":
                return self.text
            case "slack":
                return self.slack
            case "teams":
                return self.teams
            case "telegram":
                return self.telegram
            case "mail":
                return self.mail
            case _:
                assert_never(form)


@dataclass(frozen=True)
class Failure:
    channel: str  # "#2 (slack)": position and scheme, never the URL
    why: str


def channel_name(position: int, url: str) -> str:
    return f"#{position} ({urlsplit(url).scheme or '?'})"


def notify(sends: Sequence[tuple[str, Sequence[Message]]]) -> list[Failure]:
    """Send each channel (an Apprise URL) its messages (none: it is not told this time);
    the channels that failed, and why."""
    told = [(position, url, messages) for position, (url, messages) in enumerate(sends, 1)]
    for position, url, messages in told:
        if not messages:  # limited to topics that matched nothing in these reports
            log.info("nothing to tell %s: none of its topics matched", channel_name(position, url))
    told = [send for send in told if send[2]]
    if not told:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(told))) as pool:
        results = pool.map(lambda send: _send(*send), told)
        return [failure for failure in results if failure is not None]


def _send(position: int, url: str, messages: Sequence[Message]) -> Failure | None:
    import apprise  # a tenth of a second: only for runs that notify

    channel = channel_name(position, url)
    service: apprise.Apprise = apprise.Apprise()
    if not service.add(url):
        return Failure(channel, "not an Apprise URL this version understands")
    choice = _choose(service[0], url)
    for message in messages:
        written = message.written(choice.kind)
        # A title shown apart is plain text; one the service renders is in the body's form.
        shown_apart = service[0].title_maxlen > 0 and not choice.title_rendered
        title = message.title if shown_apart else written.title
        result = service.notify(
            title=title, body=written.body, body_format=choice.form, timeout=TIMEOUT
        )
        if not result:
            why = "timed out" if result.timeout_count else "the service refused or did not answer"
            return Failure(channel, why)
    log.info("notified %s of %d report(s) as %s", channel, len(messages), choice.kind)
    return None


@dataclass(frozen=True)
class _Choice:
    kind: Form  # the form of the message sent
    form: apprise.NotifyFormat  # declared: Apprise converts nothing
    title_rendered: bool = False  # the service renders the title's markup too


# Services whose plain text is shown as Markdown anyway: Discord renders every message's
# content, so plain text would lose its links and could turn `*` into emphasis.
_MARKDOWN_ANYWAY = {"discord"}
# Apprise's formats (NotifyFormat's values), each the form of the same name.
_APPRISE_FORMS: dict[str, Form] = {"markdown": "markdown", "html": "html", "text": "text"}
# Services with their own form of a format, by Apprise protocol.
_OWN_FORM: dict[tuple[str, str], Form] = {
    ("markdown", "slack"): "slack",
    ("markdown", "workflow"): "teams",
    ("markdown", "workflows"): "teams",
    ("html", "tgram"): "telegram",
    ("html", "mailto"): "mail",
}


def _choose(plugin: apprise.NotifyBase, url: str) -> _Choice:
    """What a service is sent: the form it displays, as its URL asks (`?format=`) or as is
    its own."""
    import apprise

    chosen = plugin.resolve_format(None)
    protocols = {*_names(plugin.protocol), *_names(plugin.secure_protocol)}
    asked = "format=" in urlsplit(url).query.lower()
    for protocol in protocols:
        if kind := _OWN_FORM.get((chosen.value, protocol)):
            return _Choice(kind, chosen, title_rendered=kind == "teams")
    if chosen == apprise.NotifyFormat.TEXT and protocols & _MARKDOWN_ANYWAY and not asked:
        return _Choice("markdown", apprise.NotifyFormat.MARKDOWN)
    return _Choice(_APPRISE_FORMS[chosen.value], chosen)


def _names(protocol: str | Sequence[str] | None) -> list[str]:
    if not protocol:
        return []
    return [protocol] if isinstance(protocol, str) else list(protocol)
