"""Tell chat and mail about new or changed reports, through Apprise.

Apprise speaks to Slack, Discord, Microsoft Teams, Telegram, Feishu/Lark, mail and generic
JSON/form webhooks from one URL each, so digest has no code per service. Each URL is a
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
class Message:
    title: str
    body: str  # Markdown


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
        results = pool.map(lambda pair: _send(*pair, messages), enumerate(urls, start=1))
        return [failure for failure in results if failure is not None]


def _send(position: int, url: str, messages: Sequence[Message]) -> Failure | None:
    import apprise  # a tenth of a second: only for runs that notify

    channel = channel_name(position, url)
    service: apprise.Apprise = apprise.Apprise()
    if not service.add(url):
        return Failure(channel, "not an Apprise URL this version understands")
    for message in messages:
        result = service.notify(
            title=message.title,
            body=message.body,
            body_format=apprise.NotifyFormat.MARKDOWN,
            timeout=TIMEOUT,
        )
        if not result:
            why = "timed out" if result.timeout_count else "the service refused or did not answer"
            return Failure(channel, why)
    log.info("notified %s of %d report(s)", channel, len(messages))
    return None
