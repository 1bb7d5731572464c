"""The people told of a run's new or changed reports: channels, each told the same reports,
whose title and links are worked out once.

A channel that fails is a warning, never a failed run: the report is published already. A
channel is handed how to write a report for it (`write`): writing is the render stage's,
which this stage never imports; the pipeline joins the two (pipeline/channels.py, where a
channel is opened from the plan).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from digest.actions import Runner
from digest.deliver import threads
from digest.deliver.notify import Message, notify
from digest.models import Digest


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
    """Chat and mail (`notify`): one message per report to every URL."""

    urls: list[str]  # secrets: never logged
    write: Callable[[NewReport], Message]  # the report written for each kind of service

    def tell(self, reports: list[NewReport], runner: Runner) -> None:
        with runner.group(f"Notify {len(self.urls)} channel(s)"):
            failures = notify(self.urls, [self.write(r) for r in reports])
        for failure in failures:
            runner.warning(
                f"notification channel {failure.channel} failed: {failure.why}; the report "
                "was published, only this message was lost"
            )
        if failures:
            lines = "\n".join(f"- {f.channel}: {f.why}" for f in failures)
            runner.write_summary(f"Notifications that failed:\n\n{lines}\n")


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
