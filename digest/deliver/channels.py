"""The people told of a run's new or changed reports: channels, each told the same reports,
whose title and links are worked out once.

A channel that fails is a warning, never a failed run: the report is published already. A
channel is handed how to write a report for it (`write`): writing is the render stage's,
which this stage never imports; the pipeline joins the two (pipeline/channels.py, where a
channel is opened from the plan).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from digest.actions import Runner
from digest.deliver import threads
from digest.deliver.notify import Message, notify
from digest.models import Digest, Notification


@dataclass(frozen=True)
class NewReport:
    """One new or changed report, as every channel tells it."""

    digest: Digest
    path: str  # in the target repository
    url: str | None  # on the web (None: a local directory)
    title: str  # brief.title: plain text
    pull_request_url: str | None


class Channel(Protocol):
    def tell(self, reports: list[NewReport], runner: Runner) -> None: ...


def tell(channels: list[Channel], reports: list[NewReport], runner: Runner) -> None:
    if not reports:
        return
    for channel in channels:
        channel.tell(reports, runner)


@dataclass(frozen=True)
class Apprise:
    """Chat and mail (`notify`): one message per report to every URL, but to a URL limited
    to topics only the reports where one of them matched, its brief naming those first."""

    channels: list[Notification]  # their URLs are secrets: never logged
    # The report written for each kind of service, naming only the topics given (none: all).
    write: Callable[[NewReport, Sequence[str]], Message]

    def tell(self, reports: list[NewReport], runner: Runner) -> None:
        written: dict[tuple[int, tuple[str, ...]], Message] = {}  # each written once

        def messages(channel: Notification) -> list[Message]:
            """Its messages: one per report, or per report where one of its topics matched."""
            topics = tuple(channel.topics)
            found = []
            for n, report in enumerate(reports):
                if topics and not matched(report.digest, topics):
                    continue
                if (n, topics) not in written:
                    written[n, topics] = self.write(report, topics)
                found.append(written[n, topics])
            return found

        sends = [(channel.url.get_secret_value(), messages(channel)) for channel in self.channels]
        with runner.group(f"Notify {len(self.channels)} channel(s)"):
            failures = notify(sends)
        for failure in failures:
            runner.warning(
                f"notification channel {failure.channel} failed: {failure.why}; the report "
                "was published, only this message was lost"
            )
        if failures:
            lines = "\n".join(f"- {f.channel}: {f.why}" for f in failures)
            runner.write_summary(f"Notifications that failed:\n\n{lines}\n")


def matched(digest: Digest, topics: Sequence[str]) -> bool:
    """Whether one of `topics` (names) matched something in the report."""
    return any(t.items for t in digest.topics_named(topics))


@dataclass(frozen=True)
class Threads:
    """GitHub issues or discussions (`announce`): each report as its own thread."""

    announcer: threads.Announcer
    write: Callable[[NewReport], threads.Post]  # the report as a GitHub conversation

    def tell(self, reports: list[NewReport], runner: Runner) -> None:
        posts = [self.write(r) for r in reports]
        mode, repo = self.announcer.settings.mode, self.announcer.repo
        with runner.group(f"Announce {len(posts)} report(s) as {mode}s in {repo}"):
            failures = threads.post(self.announcer, posts)
        for failure in failures:
            runner.warning(f"announce: {failure}; the report was published, only this post was not")
