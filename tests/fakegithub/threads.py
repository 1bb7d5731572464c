"""Issues, labels and discussions of the local GitHub's target repositories (`announce`).

REST bodies and errors as `@octokit/openapi` describes them and GitHub sends them (403
"Resource not accessible by integration", 410 when issues are off, 422 validation); the
GraphQL fields and mutations through schema.graphql, GitHub's own types. `deny()` takes a
permission away from the token, `fail()` makes a route answer an error status.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError

if TYPE_CHECKING:
    from tests.fakegithub.server import FakeGitHub

BODY_LIMIT = 65_536
_DOCS = "https://docs.github.com/rest/issues"
_NOW = dt.datetime(2026, 2, 5, 6, 0, tzinfo=dt.UTC)


def _error(status: int, message: str, doc: str, **extra: Any) -> tuple[int, dict[str, Any]]:
    return status, {"message": message, "documentation_url": doc, **extra, "status": str(status)}


FORBIDDEN = "Resource not accessible by integration"


@dataclass
class Thread:
    """An issue or a discussion."""

    number: int
    title: str
    body: str
    labels: list[str] = field(default_factory=list)
    state: str = "open"
    state_reason: str | None = None
    locked: bool = False
    lock_reason: str | None = None
    category: str | None = None  # discussions: the category's node id
    closed_at: dt.datetime | None = None

    @property
    def node_id(self) -> str:
        return f"D_kwDOAFake{self.number:04d}" if self.category else f"I_kwDOAFake{self.number:04d}"


@dataclass
class RepoThreads:
    full_name: str
    issues: list[Thread] = field(default_factory=list)
    discussions: list[Thread] = field(default_factory=list)
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)  # lower name -> label
    issues_enabled: bool = True
    discussions_enabled: bool = True
    categories: list[dict[str, str]] = field(
        default_factory=lambda: [
            {"id": f"DIC_kwDOAFake{i}", "name": name, "slug": slug}
            for i, (name, slug) in enumerate(
                [("Announcements", "announcements"), ("General", "general"), ("Ideas", "ideas")]
            )
        ]
    )
    next_number: int = 100  # issues, pull requests and discussions share numbers

    def number(self) -> int:
        self.next_number += 1
        return self.next_number

    def label(self, name: str, color: str = "ededed", description: str | None = None) -> dict:
        key = name.lower()
        if key not in self.labels:
            n = len(self.labels) + 1
            self.labels[key] = {
                "id": n,
                "node_id": f"LA_kwDOAFake{n}",
                "name": name,
                "color": color,
                "description": description,
                "default": False,
            }
        return self.labels[key]


class Threads:
    """Held by FakeGitHub as `threads`."""

    def __init__(self, server: FakeGitHub):
        self.server = server
        self.repos: dict[str, RepoThreads] = {}
        # "issues", "discussions": what the token may not write; "discussions:read": nor read
        self.denied: set[str] = set()
        self.failing: dict[str, int] = {}  # "POST issues", "createDiscussion" -> HTTP status

    def deny(self, permission: str) -> None:
        self.denied.add(permission)

    def fail(self, what: str, status: int = 502) -> None:
        self.failing[what] = status

    def of(self, full_name: str) -> RepoThreads | None:
        key = full_name.lower()
        if key not in self.server.targets:
            return None
        if key not in self.repos:
            self.repos[key] = RepoThreads(self.server.targets[key].full_name)
        return self.repos[key]

    # -- REST ------------------------------------------------------------------------------

    def _repo(self, match) -> RepoThreads | None:
        return self.of(match["repo"])

    def _refused(self, repo: RepoThreads | None, what: str, write: bool = True):
        if repo is None:
            return 404, {
                "message": "Not Found",
                "documentation_url": "https://docs.github.com/rest",
                "status": "404",
            }
        if write and "issues" in self.denied:
            return _error(403, FORBIDDEN, f"{_DOCS}/issues#{what}")
        if not repo.issues_enabled and what != "create-a-label":
            return _error(
                410, "Issues are disabled for this repo", "https://docs.github.com/v3/issues/"
            )
        return None

    def list_issues(self, match, args):
        repo = self._repo(match)
        if refused := self._refused(repo, "list-repository-issues", write=False):
            return refused
        wanted = [w.strip().lower() for w in (args.get("labels") or "").split(",") if w.strip()]
        state = args.get("state", "open")
        found = [
            i
            for i in repo.issues
            if (state == "all" or i.state == state)
            and all(w in (n.lower() for n in i.labels) for w in wanted)
        ]
        found.sort(key=lambda i: i.number, reverse=args.get("direction", "desc") == "desc")
        return 200, [self.issue_body(repo, i) for i in found[: int(args.get("per_page", 30))]]

    def create_issue(self, match, body):
        repo = self._repo(match)
        if refused := self._refused(repo, "create-an-issue"):
            return refused
        if (status := self.failing.get("POST issues")) and body.get("title"):
            return _error(status, "Server Error", f"{_DOCS}/issues#create-an-issue")
        if not body.get("title"):
            return _error(
                422,
                'Invalid request.\n\n"title" wasn\'t supplied.',
                f"{_DOCS}/issues#create-an-issue",
            )
        if invalid := _too_long("Issue", body.get("body")):
            return invalid
        names = [repo.label(n)["name"] for n in body.get("labels") or []]  # made when missing
        issue = Thread(repo.number(), body["title"], body.get("body") or "", names)
        repo.issues.append(issue)
        return 201, self.issue_body(repo, issue)

    def update_issue(self, match, body):
        repo = self._repo(match)
        if refused := self._refused(repo, "update-an-issue"):
            return refused
        issue = next((i for i in repo.issues if i.number == int(match["number"])), None)
        if issue is None:
            return _error(404, "Not Found", f"{_DOCS}/issues#update-an-issue")
        if status := self.failing.get("PATCH issue"):
            return _error(status, "Server Error", f"{_DOCS}/issues#update-an-issue")
        if invalid := _too_long("Issue", body.get("body")):
            return invalid
        issue.title = body.get("title", issue.title)
        issue.body = body.get("body", issue.body)
        if body.get("state") in ("open", "closed") and body["state"] != issue.state:
            issue.state = body["state"]
            closing = issue.state == "closed"
            issue.state_reason = body.get("state_reason") or (
                "completed" if closing else "reopened"
            )
            issue.closed_at = _NOW if closing else None
        return 200, self.issue_body(repo, issue)

    def create_label(self, match, body):
        repo = self._repo(match)
        if refused := self._refused(repo, "create-a-label"):
            return refused
        if body.get("name", "").lower() in repo.labels:
            return _error(
                422,
                "Validation Failed",
                f"{_DOCS}/labels#create-a-label",
                errors=[{"resource": "Label", "code": "already_exists", "field": "name"}],
            )
        label = repo.label(body["name"], body.get("color", "ededed"), body.get("description"))
        return 201, self.label_body(repo, label)

    def label_body(self, repo: RepoThreads, label: dict) -> dict[str, Any]:
        return {
            **label,
            "url": f"{self.server.api_url}/repos/{repo.full_name}/labels/{label['name']}",
        }

    def issue_body(self, repo: RepoThreads, issue: Thread) -> dict[str, Any]:
        """An issue as the OpenAPI `issue` schema has it."""
        api = f"{self.server.api_url}/repos/{repo.full_name}"
        url = f"{api}/issues/{issue.number}"
        user = {
            "login": "github-actions[bot]",
            "id": 41898282,
            "node_id": "MDM6Qm90NDE4OTgyODI=",
            "type": "Bot",
            "site_admin": False,
            "url": f"{self.server.api_url}/users/github-actions%5Bbot%5D",
            "html_url": "https://github.com/apps/github-actions",
        }
        return {
            "id": 3_000_000 + issue.number,
            "node_id": issue.node_id,
            "url": url,
            "repository_url": api,
            "labels_url": f"{url}/labels{{/name}}",
            "comments_url": f"{url}/comments",
            "events_url": f"{url}/events",
            "html_url": f"{self.server.web_url}/{repo.full_name}/issues/{issue.number}",
            "number": issue.number,
            "state": issue.state,
            "state_reason": issue.state_reason,
            "title": issue.title,
            "body": issue.body,
            "user": user,
            "labels": [self.label_body(repo, repo.labels[n.lower()]) for n in issue.labels],
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "locked": issue.locked,
            "active_lock_reason": issue.lock_reason,
            "comments": 0,
            "closed_at": issue.closed_at.strftime("%Y-%m-%dT%H:%M:%SZ")
            if issue.closed_at
            else None,
            "created_at": "2026-02-05T06:00:00Z",
            "updated_at": "2026-02-05T06:00:00Z",
            "author_association": "NONE",
        }

    def routes(self) -> list[tuple[str, str, str, Any]]:
        repo = r"^/repos/(?P<repo>[^/]+/[^/]+)"
        return [
            ("GET", repo + r"/issues$", "/repos/{owner}/{repo}/issues", self.list_issues),
            ("POST", repo + r"/issues$", "/repos/{owner}/{repo}/issues", self.create_issue),
            (
                "PATCH",
                repo + r"/issues/(?P<number>\d+)$",
                "/repos/{owner}/{repo}/issues/{issue_number}",
                self.update_issue,
            ),
            ("POST", repo + r"/labels$", "/repos/{owner}/{repo}/labels", self.create_label),
        ]

    # -- GraphQL ---------------------------------------------------------------------------

    def repository(self, owner: str, name: str) -> RepositoryThreadsNode | None:
        repo = self.of(f"{owner}/{name}")
        return RepositoryThreadsNode(self, repo) if repo else None

    def discussion(self, node_id: str) -> tuple[RepoThreads, Thread]:
        for repo in self.repos.values():
            for d in repo.discussions:
                if d.node_id == node_id:
                    return repo, d
        raise _Failure(
            "NOT_FOUND", f"Could not resolve to a node with the global id of '{node_id}'"
        )

    def _may_write(self, name: str) -> None:
        if "discussions" in self.denied:
            raise _Failure("FORBIDDEN", FORBIDDEN)
        if name in self.failing:
            raise _Failure("INTERNAL", f"Something went wrong while executing {name}")

    def mutation(self, name: str):
        """The resolver of mutation `name`, or None."""
        return getattr(self, f"_m_{name}", None)

    def _m_createDiscussion(self, _info, input):
        self._may_write("createDiscussion")
        repo = next((r for r in self.repos.values() if _repo_id(r) == input["repositoryId"]), None)
        if repo is None:
            raise _Failure("NOT_FOUND", "Could not resolve to a Repository")
        if not repo.discussions_enabled:
            raise _Failure("UNPROCESSABLE", "Discussions are disabled for this repository")
        if input["categoryId"] not in {c["id"] for c in repo.categories}:
            raise _Failure("NOT_FOUND", "Could not resolve to a DiscussionCategory")
        _valid(input["title"], input["body"])
        made = Thread(repo.number(), input["title"], input["body"], category=input["categoryId"])
        repo.discussions.append(made)
        return {"discussion": DiscussionNode(self, repo, made)}

    def _m_updateDiscussion(self, _info, input):
        self._may_write("updateDiscussion")
        repo, discussion = self.discussion(input["discussionId"])
        _valid(input.get("title", discussion.title), input.get("body", discussion.body))
        discussion.title = input.get("title", discussion.title)
        discussion.body = input.get("body", discussion.body)
        return {"discussion": DiscussionNode(self, repo, discussion)}

    def _m_closeDiscussion(self, _info, input):
        self._may_write("closeDiscussion")
        repo, discussion = self.discussion(input["discussionId"])
        discussion.state, discussion.state_reason = "closed", input.get("reason", "RESOLVED")
        return {"discussion": DiscussionNode(self, repo, discussion)}

    def _m_lockLockable(self, _info, input):
        self._may_write("lockLockable")
        _, discussion = self.discussion(input["lockableId"])
        discussion.locked, discussion.lock_reason = True, input.get("lockReason")
        return {"clientMutationId": input.get("clientMutationId")}

    def _m_addLabelsToLabelable(self, _info, input):
        self._may_write("addLabelsToLabelable")
        repo, discussion = self.discussion(input["labelableId"])
        by_id = {label["node_id"]: label["name"] for label in repo.labels.values()}
        for label_id in input["labelIds"]:
            if label_id not in by_id:
                raise _Failure(
                    "NOT_FOUND", f"Could not resolve to a node with the global id of '{label_id}'"
                )
            if by_id[label_id] not in discussion.labels:
                discussion.labels.append(by_id[label_id])
        return {"clientMutationId": input.get("clientMutationId")}

    def _m_deleteDiscussion(self, _info, input):
        self._may_write("deleteDiscussion")
        repo, discussion = self.discussion(input["id"])
        repo.discussions.remove(discussion)
        return {"clientMutationId": input.get("clientMutationId")}


class _Failure(GraphQLError):
    """An error as GitHub's GraphQL reports it: with a `type`."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def _valid(title: str, body: str) -> None:
    if not title.strip():
        raise _Failure("UNPROCESSABLE", "Title can't be blank")
    if len(body) > BODY_LIMIT:
        raise _Failure("UNPROCESSABLE", f"Body is too long (maximum is {BODY_LIMIT} characters)")


def _too_long(resource: str, body: str | None):
    if body and len(body) > BODY_LIMIT:
        return _error(
            422,
            "Validation Failed",
            f"{_DOCS}/issues#create-an-issue",
            errors=[
                {
                    "resource": resource,
                    "code": "custom",
                    "field": "body",
                    "message": f"body is too long (maximum is {BODY_LIMIT} characters)",
                }
            ],
        )
    return None


def _repo_id(repo: RepoThreads) -> str:
    return f"R_kgDOAFake{sum(map(ord, repo.full_name.lower())):05d}"


class DiscussionNode:
    graphql_type = "Discussion"

    def __init__(self, threads: Threads, repo: RepoThreads, discussion: Thread):
        self.id = discussion.node_id
        self.number, self.title, self.body = discussion.number, discussion.title, discussion.body
        self.url = f"{threads.server.web_url}/{repo.full_name}/discussions/{discussion.number}"
        self.closed = discussion.state == "closed"
        self.locked = discussion.locked


class RepositoryThreadsNode:
    """A target repository, as the announce queries read it."""

    graphql_type = "Repository"

    def __init__(self, threads: Threads, repo: RepoThreads):
        self._threads, self._repo = threads, repo
        self.id = _repo_id(repo)
        self.nameWithOwner = repo.full_name
        self.hasDiscussionsEnabled = repo.discussions_enabled
        self.hasIssuesEnabled = repo.issues_enabled

    def discussionCategories(self, _info, first=None, after=None, **_):
        from tests.fakegithub.server import connection

        if "discussions:read" in self._threads.denied:  # no discussions permission at all
            raise _Failure("FORBIDDEN", FORBIDDEN)

        return connection(self._repo.categories, first, after)

    def label(self, _info, name):
        label = self._repo.labels.get(name.lower())
        return {"id": label["node_id"], "name": label["name"]} if label else None

    def discussions(self, _info, first=None, after=None, categoryId=None, orderBy=None, **_):
        from tests.fakegithub.server import connection

        if not self._repo.discussions_enabled:
            raise _Failure("UNPROCESSABLE", "Discussions are disabled for this repository")
        found = [d for d in self._repo.discussions if categoryId in (None, d.category)]
        found.sort(key=lambda d: d.number, reverse=(orderBy or {}).get("direction") != "ASC")
        nodes = [DiscussionNode(self._threads, self._repo, d) for d in found]
        return connection(nodes, first, after)
