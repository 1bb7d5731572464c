"""`announce`: each new or changed report as a GitHub issue or discussion in the target
repository, so a team reads it in its notifications and talks about it there.

One thread per report: a hidden marker at the top of its body names the report's path, so a
rerun finds and edits the same thread instead of opening another. Only the latest `keep`
threads of a reports folder stay open: older issues are closed as completed, older
discussions closed as outdated and locked. The permission a mode needs is checked before
anything is collected (`check`); once the report is published, a failed post is a warning
(`post` returns it), never a failed run.

Requests (counted with the run's, by the client):
- issue: check 1 (a create GitHub must refuse); post 1 listing + 1 per thread created or
  edited + 1 per thread closed (+1 creating the label, when no digest issue was found).
- discussion: check 2 (target, then a create GitHub must refuse); post 1 listing + 1 per
  thread created or edited (+1 labelling a new one) + 1 per thread closed and locked.
A rerun that changed no report posts nothing.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from github import GithubException

from digest.errors import BAD_INPUT, DigestError
from digest.github import GitHubAPI, failures
from digest.github.documents import Documents
from digest.models import Announce, AnnounceMode

log = logging.getLogger(__name__)

# GitHub refuses an issue's or discussion's body past 65,536 characters; the margin keeps
# clear of however GitHub counts what Python counts as one character.
BODY_LIMIT = 65_536 - 512
LABEL = "digest"
LABEL_COLOR = "1d76db"
LABEL_DESCRIPTION = "A report posted by digest"

_MARKER = "<!-- digest-thread: {path} -->"
_MARKER_LINE = re.compile(r"\A<!-- digest-thread: (?P<path>[^\n>]+?) -->\r?\n")
_DOCUMENTS = Documents(__package__ or "digest.deliver")
# What a post can fail with, once the report is published: a warning, never a failed run.
_POST_FAILED = (*failures.ERRORS, DigestError)

_PERMISSION: dict[AnnounceMode, str] = {
    "issue": "issues: write",
    "discussion": "discussions: write",
}
_TOKEN_PERMISSION: dict[AnnounceMode, str] = {"issue": "Issues", "discussion": "Discussions"}


class AnnounceRefused(DigestError):
    """`announce` cannot work with this token or repository: bad input, found before
    anything was collected."""

    exit_code = BAD_INPUT


def refused(mode: AnnounceMode, why: str) -> AnnounceRefused:
    return AnnounceRefused(f"announce: {mode} {why}; nothing was collected")


def missing_permission(mode: AnnounceMode, repo: str) -> AnnounceRefused:
    return refused(
        mode,
        f"needs permissions: {_PERMISSION[mode]} in the workflow (a personal or app token: "
        f"{_TOKEN_PERMISSION[mode]} read and write on {repo})",
    )


@dataclass(frozen=True)
class Post:
    """One report as a thread: `path` (the report's, in the target repository) names it."""

    path: str
    title: str  # plain text, inert: GitHub links references in titles too
    body: str  # GitHub Markdown within `room(path)` characters


def room(path: str) -> int:
    """Characters the body of `path`'s thread may have, its marker left out."""
    return BODY_LIMIT - len(_MARKER.format(path=path)) - 1


@dataclass(frozen=True)
class Announcer:
    """What the check found: where threads go, and how."""

    api: GitHubAPI
    repo: str
    settings: Announce
    repository_id: str | None = None  # discussions
    category_id: str | None = None  # discussions


@dataclass
class _Thread:
    """A digest thread found in, or posted to, the repository."""

    key: str  # an issue's number, a discussion's node id
    path: str
    title: str
    body: str
    open: bool


# -- the check, before collecting --------------------------------------------------------


def check(api: GitHubAPI, repo: str, settings: Announce) -> Announcer:
    """Prove what posting needs, changing nothing: raises AnnounceRefused when it is missing."""
    try:
        if settings.mode == "issue":
            _check_issues(api, repo)
            return Announcer(api, repo, settings)
        repository_id, category_id = _check_discussions(api, repo, settings)
        return Announcer(api, repo, settings, repository_id, category_id)
    except failures.ERRORS as exc:
        raise DigestError(
            f"announce: GitHub did not answer whether {settings.mode}s may be posted in {repo} "
            f"({failures.why(exc)}); nothing was collected, run again"
        ) from None


def _check_issues(api: GitHubAPI, repo: str) -> None:
    """An issue without a title: GitHub checks the token's permission first (403 without
    issues: write, 410 when issues are off) and then refuses the request itself (422)."""
    try:
        api.rest_once("POST", f"/repos/{repo}/issues", {})
    except GithubException as exc:
        if exc.status == 422:
            return
        if exc.status in (403, 404):  # GitHub answers 404 to writes a token may not make
            raise missing_permission("issue", repo) from None
        if exc.status == 410:
            raise refused(
                "issue", f"needs issues turned on in {repo} (Settings → General → Features)"
            ) from None
        raise
    # 2xx: no GitHub refuses a request without a title; nothing to undo either way


def _check_discussions(api: GitHubAPI, repo: str, settings: Announce) -> tuple[str, str]:
    owner, name = repo.split("/", 1)
    try:
        data = _graphql(api, "discussion_target", {"owner": owner, "name": name})
    except GithubException as exc:
        if failures.forbidden(exc):  # a token without even discussions: read
            raise missing_permission("discussion", repo) from None
        raise
    repository = data.get("repository") or {}
    if not repository.get("hasDiscussionsEnabled"):
        raise refused(
            "discussion", f"needs discussions turned on in {repo} (Settings → General → Features)"
        )
    categories = (repository.get("discussionCategories") or {}).get("nodes") or []
    wanted = settings.category.casefold()
    found = [c for c in categories if wanted in (c["name"].casefold(), c["slug"].casefold())]
    if not found:
        names = ", ".join(c["name"] for c in categories) or "none"
        raise AnnounceRefused(
            f"input 'announce-category': {settings.category!r} is not a discussion category "
            f"of {repo} (it has: {names}); nothing was collected"
        )
    repository_id, category_id = repository["id"], found[0]["id"]
    _check_discussion_permission(api, repo, repository_id, category_id)
    return repository_id, category_id


def _check_discussion_permission(
    api: GitHubAPI, repo: str, repository_id: str, category_id: str
) -> None:
    """A discussion with a blank title: FORBIDDEN without discussions: write, a validation
    error with it. Should GitHub ever accept it, it is deleted at once."""
    variables = {"repository": repository_id, "category": category_id}
    try:
        data = _graphql(api, "discussion_permission", variables)
    except GithubException as exc:
        if failures.forbidden(exc):
            raise missing_permission("discussion", repo) from None
        if isinstance(exc.data, dict) and exc.data.get("errors"):
            return  # refused for what it holds, after the permission: the token may post
        raise
    created = ((data.get("createDiscussion") or {}).get("discussion") or {}).get("id")
    if created:
        log.warning("GitHub accepted a blank discussion in %s; deleting it", repo)
        _graphql(api, "delete_discussion", {"id": created})


# -- posting, after publishing ------------------------------------------------------------


def post(announcer: Announcer, posts: list[Post]) -> list[str]:
    """Create or edit each report's thread, then close the older ones; what failed, as
    warnings (the reports are published already)."""
    kind: type[_Issues] | type[_Discussions] = (
        _Issues if announcer.settings.mode == "issue" else _Discussions
    )
    channel = kind(announcer)
    failed: list[str] = []
    try:
        found = channel.list()
    except _POST_FAILED as exc:
        listed = f"the digest {announcer.settings.mode}s of {announcer.repo}"
        return [f"could not list {listed}: {failures.why(exc)}"]
    by_path = {t.path: t for t in found}
    kept_open = _latest([t.path for t in found] + [p.path for p in posts], announcer.settings.keep)
    for item in posts:
        body = _MARKER.format(path=item.path) + "\n" + item.body
        thread = by_path.get(item.path)
        try:
            if thread is None and item.path not in kept_open:
                log.info("announce: %s is older than the latest threads; not posted", item.path)
            elif thread is None:
                by_path[item.path] = channel.create(item.path, item.title, body)
            elif (thread.title, _normal(thread.body)) != (item.title, body):
                channel.update(thread, item.title, body)
        except _POST_FAILED as exc:
            failed.append(f"could not post {item.path} to {announcer.repo}: {failures.why(exc)}")
    for thread in by_path.values():
        if thread.open and thread.path not in kept_open:
            try:
                channel.retire(thread)
            except _POST_FAILED as exc:
                failed.append(f"could not close the thread of {thread.path}: {failures.why(exc)}")
    return failed


def _latest(paths: list[str], keep: int) -> set[str]:
    """The paths of the latest `keep` reports of each folder (report names are ISO dates)."""
    folders: dict[str, set[str]] = {}
    for path in paths:
        folders.setdefault(path.rpartition("/")[0], set()).add(path)
    return {
        p
        for same in folders.values()
        for p in sorted(same, key=lambda p: p.rpartition("/")[2], reverse=True)[:keep]
    }


def _normal(body: str) -> str:
    """GitHub may store a body edited on the web with CRLF line ends."""
    return body.replace("\r\n", "\n")


def _found(key: str, title: str, body: str | None, is_open: bool) -> _Thread | None:
    match = _MARKER_LINE.match(body or "")
    if not match:
        return None
    return _Thread(key, match["path"], title, body or "", is_open)


class _Issues:
    def __init__(self, announcer: Announcer):
        self.api, self.repo = announcer.api, announcer.repo

    def list(self) -> list[_Thread]:
        # Newest first: each run leaves at most `keep` + 1 open, so one page holds them.
        items = self.api.rest_once(
            "GET",
            f"/repos/{self.repo}/issues",
            params={
                "labels": LABEL,
                "state": "all",
                "sort": "created",
                "direction": "desc",
                "per_page": 100,
            },
        )
        self.labelled = bool(items)
        found = [
            _found(str(i["number"]), i["title"], i.get("body"), i["state"] == "open")
            for i in items
            if "pull_request" not in i
        ]
        return [t for t in found if t]

    def create(self, path: str, title: str, body: str) -> _Thread:
        if not self.labelled:
            self._label()
        made = self.api.rest_once(
            "POST",
            f"/repos/{self.repo}/issues",
            {"title": title, "body": body, "labels": [LABEL]},
        )
        return _Thread(str(made["number"]), path, title, body, True)

    def _label(self) -> None:
        """The label, with a colour and a description (an issue's labels would make it
        grey and bare); 422 when it exists already."""
        try:
            self.api.rest_once(
                "POST",
                f"/repos/{self.repo}/labels",
                {"name": LABEL, "color": LABEL_COLOR, "description": LABEL_DESCRIPTION},
            )
        except GithubException as exc:
            if exc.status != 422:
                raise
        self.labelled = True

    def update(self, thread: _Thread, title: str, body: str) -> None:
        self.api.rest_once(
            "PATCH",
            f"/repos/{self.repo}/issues/{thread.key}",
            {"title": title, "body": body},
        )

    def retire(self, thread: _Thread) -> None:
        self.api.rest_once(
            "PATCH",
            f"/repos/{self.repo}/issues/{thread.key}",
            {"state": "closed", "state_reason": "completed"},
        )
        thread.open = False


class _Discussions:
    def __init__(self, announcer: Announcer):
        self.api, self.repo = announcer.api, announcer.repo
        self.repository_id = announcer.repository_id
        self.category_id = announcer.category_id
        self.label_id: str | None = None

    def list(self) -> list[_Thread]:
        owner, name = self.repo.split("/", 1)
        variables = {"owner": owner, "name": name, "category": self.category_id, "label": LABEL}
        repository = _graphql(self.api, "digest_discussions", variables)["repository"]
        self.label_id = (repository.get("label") or {}).get("id")
        found = [
            _found(d["id"], d["title"], d["body"], not d["closed"])
            for d in repository["discussions"]["nodes"]
        ]
        return [t for t in found if t]

    def create(self, path: str, title: str, body: str) -> _Thread:
        variables = {
            "repository": self.repository_id,
            "category": self.category_id,
            "title": title,
            "body": body,
        }
        data = _graphql(self.api, "create_discussion", variables)
        made = _Thread(data["createDiscussion"]["discussion"]["id"], path, title, body, True)
        if self.label_id:  # labels are the repository's own: added when `digest` exists
            _graphql(self.api, "label_discussion", {"id": made.key, "label": self.label_id})
        return made

    def update(self, thread: _Thread, title: str, body: str) -> None:
        variables = {"id": thread.key, "title": title, "body": body}
        _graphql(self.api, "update_discussion", variables)

    def retire(self, thread: _Thread) -> None:
        _graphql(self.api, "retire_discussion", {"id": thread.key})
        thread.open = False


# -- GitHub ---------------------------------------------------------------------------------


# Every request here is asked once (`rest_once`, `graphql_once`): a create GitHub answered 502
# may have been made all the same, and asking again would post it twice. A post that failed
# is a warning: the next run that writes a report closes what this one could not, and a
# thread not made is made when its report is written again.


def _graphql(api: GitHubAPI, name: str, variables: dict[str, Any]) -> dict[str, Any]:
    """Run one document of queries/; errors raise GithubException."""
    return api.graphql_once(_DOCUMENTS.document(name), variables)
