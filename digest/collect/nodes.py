"""GraphQL nodes as digest's queries (queries/*.graphql) select them, for mypy to check.

Field names and nullability are GitHub's schema (tests/fakegithub/schema.graphql, a subset
of @octokit/graphql-schema): a field GitHub may leave null is `X | None`. A field added to a
query is added here. Lists the schema declares with nullable items (`nodes: [Commit]`) are
typed as lists of nodes: digest has always read every item as a node.
"""

from __future__ import annotations

from typing import Generic, TypedDict, TypeVar

N = TypeVar("N")


class PageInfo(TypedDict):
    hasNextPage: bool
    endCursor: str | None


class Page(TypedDict, Generic[N]):
    """A connection as the activity queries page it."""

    pageInfo: PageInfo
    nodes: list[N]


class Actor(TypedDict):
    login: str


class Label(TypedDict):
    name: str


class Labels(TypedDict):
    nodes: list[Label] | None


class Oid(TypedDict):
    oid: str


class Count(TypedDict):
    totalCount: int


class FileNode(TypedDict):
    """A PullRequestChangedFile (FileFields)."""

    path: str
    additions: int
    deletions: int
    changeType: str  # PatchStatus: ADDED, DELETED, MODIFIED, RENAMED, COPIED, CHANGED


class Files(TypedDict):
    totalCount: int
    pageInfo: PageInfo
    nodes: list[FileNode]


class RepositoryName(TypedDict):
    nameWithOwner: str


class ClosingIssue(TypedDict):
    number: int
    repository: RepositoryName


class ClosingIssues(TypedDict):
    nodes: list[ClosingIssue] | None


class PullRequestNode(TypedDict):
    """PullFields."""

    id: str
    number: int
    title: str
    url: str
    body: str
    state: str  # PullRequestState: OPEN, CLOSED, MERGED
    isDraft: bool
    createdAt: str
    mergedAt: str | None
    closedAt: str | None
    additions: int
    deletions: int
    changedFiles: int
    baseRefName: str
    author: Actor | None  # None: a deleted account
    mergeCommit: Oid | None
    labels: Labels | None
    closingIssuesReferences: ClosingIssues | None
    files: Files | None


class Pulls(TypedDict):
    nodes: list[PullRequestNode] | None


class GitActor(TypedDict):
    name: str | None
    user: Actor | None  # None: an email no GitHub account claims


class CommitNode(TypedDict):
    """CommitFields."""

    oid: str
    message: str
    url: str
    committedDate: str
    additions: int
    deletions: int
    changedFilesIfAvailable: int | None
    author: GitActor | None
    associatedPullRequests: Pulls | None


class IssueNode(TypedDict):
    """IssueFields."""

    id: str
    number: int
    title: str
    url: str
    body: str
    state: str  # IssueState: OPEN, CLOSED
    stateReason: str | None  # IssueStateReason: COMPLETED, NOT_PLANNED, DUPLICATE, REOPENED
    createdAt: str
    closedAt: str | None
    author: Actor | None
    labels: Labels | None
    comments: Count


class ReleaseNode(TypedDict):
    """ReleaseFields."""

    tagName: str
    name: str | None
    url: str
    description: str | None
    isDraft: bool
    isPrerelease: bool
    createdAt: str
    publishedAt: str | None
    author: Actor | None


class History(Page[CommitNode]):
    totalCount: int


class CommitTarget(TypedDict, total=False):
    """A branch's target `... on Commit`: empty when the target is not a commit."""

    history: History


class BranchHistory(TypedDict):
    """defaultBranchRef as next_pages.graphql selects it."""

    target: CommitTarget | None


class BranchRef(BranchHistory):
    """defaultBranchRef as repository.graphql selects it."""

    name: str


class RepositoryNode(TypedDict):
    """The RepositoryActivity fragment (repository.graphql): first page of each list."""

    nameWithOwner: str
    url: str
    description: str | None
    defaultBranchRef: BranchRef | None  # None: an empty repository
    openedPulls: Page[PullRequestNode]
    openedIssues: Page[IssueNode]
    closedIssues: Page[IssueNode]
    releases: Page[ReleaseNode]


class RepositoryPages(TypedDict, total=False):
    """next_pages.graphql's repository: only the lists still paging (@include)."""

    defaultBranchRef: BranchHistory | None
    openedPulls: Page[PullRequestNode]
    openedIssues: Page[IssueNode]
    closedIssues: Page[IssueNode]
    releases: Page[ReleaseNode]
