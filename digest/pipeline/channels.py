"""The people told of a run's new or changed reports: a list of channels, each told the
same reports, whose title and links are worked out once.

A channel that fails is a warning, never a failed run: the report is published already.
Channels are checked before anything is collected (`open_channels`), so that one that
cannot work is bad input, found before the run spends anything."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from digest.actions import Runner
from digest.archive.base import Archive
from digest.citations import direct, without_backlinks
from digest.deliver import threads
from digest.deliver.notify import Message, Written, notify
from digest.github import GitHubAPI
from digest.models import Digest, Plan, PublishResult
from digest.pipeline.base import required
from digest.pipeline.work import Done
from digest.render import brief, dialects
from digest.render.markdown import inert_title
from digest.render.sections import report_view


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


def open_channels(plan: Plan, api: GitHubAPI | None) -> list[Channel]:
    """The run's channels, in the order they are told: Apprise (`notify`), then GitHub
    threads (`announce`), whose permission is proven here."""
    channels: list[Channel] = []
    urls = [url.get_secret_value() for url in plan.notify]
    if urls:
        channels.append(Apprise(urls))
    mode = plan.announce.mode
    if mode != "none":
        if plan.target.repo is None:  # publish: none: no repository, and no report URL to link
            raise threads.refused(
                mode, "needs a repository to post in: set publish and target-repo"
            )
        channels.append(Threads(threads.check(required(api), plan.target.repo, plan.announce)))
    return channels


def new_reports(done: list[Done], result: PublishResult, archive: Archive) -> list[NewReport]:
    """The reports this run wrote or changed; none when a rerun changed nothing."""
    written = set(result.written)
    return [
        NewReport(d, path, archive.url(path), brief.title(d), result.pull_request_url)
        for item in done
        for d in item.digests
        if (path := item.job.layout.report_of(d.span)) in written
    ]


def tell(channels: list[Channel], reports: list[NewReport], runner: Runner) -> None:
    if not reports:
        return
    for channel in channels:
        channel.tell(reports, runner)


@dataclass(frozen=True)
class Apprise:
    """Chat and mail (`notify`): one message per report to every URL."""

    urls: list[str]  # secrets: never logged

    def tell(self, reports: list[NewReport], runner: Runner) -> None:
        with runner.group(f"Notify {len(self.urls)} channel(s)"):
            failures = notify(self.urls, [_message(r) for r in reports])
        for failure in failures:
            runner.warning(
                f"notification channel {failure.channel} failed: {failure.why}; the report "
                "was published, only this message was lost"
            )
        if failures:
            lines = "\n".join(f"- {f.channel}: {f.why}" for f in failures)
            runner.write_summary(f"Notifications that failed:\n\n{lines}\n")


def _message(report: NewReport) -> Message:
    """The brief written for each kind of service, from the report's view, not from its
    Markdown."""
    view = report_view(report.digest)

    def written(form: brief.Form) -> Written:
        body = brief.render(view, report.url, form, pull_request_url=report.pull_request_url)
        return Written(brief.title_in(form, report.digest), body)

    return Message(
        title=report.title,
        markdown=written(brief.CHAT),
        html=written(brief.HTML),
        text=written(brief.TEXT),
        slack=written(dialects.SLACK),
        teams=written(dialects.TEAMS),
        telegram=written(dialects.TELEGRAM),
        mail=written(dialects.MAIL),
    )


@dataclass(frozen=True)
class Threads:
    """GitHub issues or discussions (`announce`): each report as its own thread."""

    announcer: threads.Announcer

    def tell(self, reports: list[NewReport], runner: Runner) -> None:
        posts = [_post(r) for r in reports]
        mode, repo = self.announcer.settings.mode, self.announcer.repo
        with runner.group(f"Announce {len(posts)} report(s) as {mode}s in {repo}"):
            failures = threads.post(self.announcer, posts)
        for failure in failures:
            runner.warning(f"announce: {failure}; the report was published, only this post was not")


def _post(report: NewReport) -> threads.Post:
    """A conversation on GitHub, like the pull request's: nothing in it pings or links back."""
    digest, url = report.digest, report.url
    links = without_backlinks(url) if url else direct
    view = report_view(digest)
    body = brief.render(view, url, brief.GITHUB, links, pull_request_url=report.pull_request_url)
    return threads.Post(
        path=report.path,
        title=inert_title(report.title),
        body=brief.within(digest, body, threads.room(report.path), url),
    )
