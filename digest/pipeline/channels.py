"""The run's channels (deliver/channels.py), opened from the plan, each with how the render
stage writes a report for it.

Channels are opened before anything is collected (`open_channels`), so that one that cannot
work is bad input, found before the run spends anything.

Where a new channel plugs in: its class in deliver/ (`tell(reports, runner)`), and an opener
in `CHANNELS` here that builds it from the plan, handing it its writer."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from digest.archive.base import Archive
from digest.citations import direct, without_backlinks
from digest.deliver import threads
from digest.deliver.channels import Apprise, Channel, NewReport, Threads
from digest.deliver.notify import Message, Written
from digest.github import GitHubAPI
from digest.models import Plan, PublishResult
from digest.pipeline.base import required
from digest.pipeline.work import Done
from digest.render import brief, dialects
from digest.render.markdown import inert_title
from digest.render.sections import report_view

# Opens a channel from the plan, or None when the plan asks for none of its kind.
Opener = Callable[[Plan, GitHubAPI | None], Channel | None]


def _apprise(plan: Plan, _api: GitHubAPI | None) -> Channel | None:
    return Apprise(plan.notify, _message) if plan.notify else None


def _threads(plan: Plan, api: GitHubAPI | None) -> Channel | None:
    """GitHub threads (`announce`), whose permission is proven here."""
    mode = plan.announce.mode
    if mode == "none":
        return None
    if plan.target.repo is None:  # publish: none: no repository, and no report URL to link
        raise threads.refused(mode, "needs a repository to post in: set publish and target-repo")
    return Threads(threads.check(required(api), plan.target.repo, plan.announce), _post)


# In the order they are told: Apprise (`notify`), then GitHub threads (`announce`).
CHANNELS: tuple[Opener, ...] = (_apprise, _threads)


def open_channels(plan: Plan, api: GitHubAPI | None) -> list[Channel]:
    return [found for opener in CHANNELS if (found := opener(plan, api)) is not None]


def new_reports(done: list[Done], result: PublishResult, archive: Archive) -> list[NewReport]:
    """The reports this run wrote or changed; none when a rerun changed nothing."""
    written = set(result.written)
    return [
        NewReport(d, path, archive.url(path), brief.title(d), result.pull_request_url)
        for item in done
        for d in item.digests
        if (path := item.job.layout.report_of(d.span)) in written
    ]


def _message(report: NewReport, topics: Sequence[str] = ()) -> Message:
    """The brief written for each kind of service, from the report's view, not from its
    Markdown; `topics`: the only topics it names (a channel limited to them)."""
    digest = report.digest
    if topics:
        digest = digest.updated(topics=digest.topics_named(topics))
    view = report_view(digest)

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
