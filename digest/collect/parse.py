"""GraphQL nodes, exactly as GitHub returns them (shapes in nodes.py), to digest's models."""

from __future__ import annotations

import datetime as dt
import re

from digest.calendar import Window
from digest.collect.nodes import (
    Actor,
    CommitNode,
    FileNode,
    GitActor,
    IssueNode,
    Labels,
    PullRequestNode,
    ReleaseNode,
)
from digest.models import Commit, FileChange, Issue, PullRequest, Release, is_nightly

# Bodies are context for a summary, not content to republish: keep the opening.
BODY_EXCERPT_CHARS = 2000

# GraphQL's PatchStatus, in the REST vocabulary the rest of digest (and users) know.
_CHANGE_TYPES = {
    "ADDED": "added",
    "DELETED": "removed",
    "MODIFIED": "modified",
    "RENAMED": "renamed",
    "COPIED": "copied",
    "CHANGED": "changed",
}


def timestamp(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


# Template boilerplate that says nothing about a change: HTML comments (template hints),
# checklists, badges, and headings with nothing under them.
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
_CHECKLIST = re.compile(r"^\s*[-*]\s*\[[ xX]\].*$", re.M)
_BADGE = re.compile(r"\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)|!\[[^\]]*\]\([^)]*\)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+.*$")
_BLANK_RUNS = re.compile(r"\n{3,}")


def clean_body(text: str | None) -> str:
    """A PR, issue or release body without the template around what its author wrote."""
    text = (text or "").replace("\r\n", "\n")
    text = _BADGE.sub("", _CHECKLIST.sub("", _COMMENT.sub("", text)))
    lines = text.split("\n")
    kept: list[str] = []
    for n, line in enumerate(lines):
        if _HEADING.match(line):
            following = next((x for x in lines[n + 1 :] if x.strip()), "")
            if not following or _HEADING.match(following):
                continue  # "## Motivation" with nothing under it
        kept.append(line.rstrip())
    return _BLANK_RUNS.sub("\n\n", "\n".join(kept)).strip()


def excerpt(text: str | None, limit: int = BODY_EXCERPT_CHARS) -> str:
    text = clean_body(text)
    return text if len(text) <= limit else text[:limit].rstrip() + " …"


def _login(actor: Actor | None) -> str | None:
    return actor.get("login") if actor else None


def _labels(node: PullRequestNode | IssueNode) -> list[str]:
    labels: Labels = node.get("labels") or {"nodes": None}
    return [label["name"] for label in labels["nodes"] or []]


def file_change(node: FileNode) -> FileChange:
    return FileChange(
        path=node["path"],
        status=_CHANGE_TYPES.get(node["changeType"], node["changeType"].lower()),
        additions=node["additions"],
        deletions=node["deletions"],
    )


def pull_request(node: PullRequestNode, window: Window, repo: str = "") -> PullRequest:
    """`repo`: the pull request's own repository, the only one whose issues it is tied to."""
    state = "merged" if node.get("mergedAt") else node["state"].lower()
    merge_commit, files = node.get("mergeCommit"), node.get("files")
    return PullRequest(
        node_id=node.get("id"),
        closed_at=node.get("closedAt"),
        closes=_closes(node, repo) if state == "merged" else [],
        merged_in_window=window.contains(timestamp(node.get("mergedAt"))),
        opened_in_window=window.contains(timestamp(node["createdAt"])),
        number=node["number"],
        title=node["title"],
        url=node["url"],
        author=_login(node.get("author")),
        labels=_labels(node),
        body=excerpt(node.get("body")),
        state=state,
        draft=node.get("isDraft", False),
        created_at=node["createdAt"],
        merged_at=node.get("mergedAt"),
        merge_commit_sha=merge_commit["oid"] if merge_commit else None,
        additions=node["additions"],
        deletions=node["deletions"],
        changed_files=node["changedFiles"],
        files=[file_change(f) for f in files["nodes"]] if files else [],
    )


def _closes(node: PullRequestNode, repo: str) -> list[int]:
    """The issues of `repo` GitHub says the pull request closes (closingIssuesReferences:
    closing keywords in its body, or linked by hand)."""
    closing = node.get("closingIssuesReferences") or {"nodes": None}
    return sorted(
        issue["number"]
        for issue in closing["nodes"] or []
        if issue and issue["repository"]["nameWithOwner"].lower() == repo.lower()
    )


def pull_files_complete(node: PullRequestNode) -> bool:
    files = node.get("files")
    return not files or len(files.get("nodes") or []) >= files.get("totalCount", 0)


def commit(node: CommitNode, pr: PullRequest | None) -> Commit:
    author: GitActor = node.get("author") or {"name": None, "user": None}
    # A PR's merge commit carries exactly the PR's diff, so its files are the PR's files.
    files = pr.files if pr and pr.merge_commit_sha == node["oid"] and pr.files else None
    return Commit(
        sha=node["oid"],
        message=node["message"],
        url=node["url"],
        author_login=_login(author.get("user")),
        author_name=author.get("name") or "",
        committed_at=node["committedDate"],
        additions=node["additions"],
        deletions=node["deletions"],
        changed_files=node.get("changedFilesIfAvailable"),
        files=files,
        pr_number=pr.number if pr else None,
    )


def issue(node: IssueNode, window: Window) -> Issue:
    return Issue(
        opened_in_window=window.contains(timestamp(node["createdAt"])),
        closed_in_window=window.contains(timestamp(node.get("closedAt"))),
        node_id=node.get("id"),
        state_reason=node.get("stateReason"),
        number=node["number"],
        title=node["title"],
        url=node["url"],
        author=_login(node.get("author")),
        labels=_labels(node),
        body=excerpt(node.get("body")),
        state=node["state"].lower(),
        created_at=node["createdAt"],
        closed_at=node.get("closedAt"),
        comments=(node.get("comments") or {}).get("totalCount", 0),
    )


def release(node: ReleaseNode) -> Release:
    tag, name = node["tagName"], node.get("name") or node["tagName"]
    return Release(
        nightly=is_nightly(tag, name),
        tag=tag,
        name=name,
        url=node["url"],
        author=_login(node.get("author")),
        published_at=node["publishedAt"],
        prerelease=node.get("isPrerelease", False),
        body=excerpt(node.get("description")),
    )
