"""A GitHub repository as the archive, through the Git Data API: no git, no checkout.

Reading: the branch's recursive tree (one request) tells which files exist; blobs are read
only when asked. Writing: render against that state, then one tree, one commit and a
fast-forward ref update. If the branch moved meanwhile (another run, a human push),
everything is re-read and re-rendered on the new head; nothing is forced.

Every GitHub answer that stops publishing becomes one line naming what to fix.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from dataclasses import dataclass, field

import requests
from github import GithubException, InputGitTreeElement
from github.GitCommit import GitCommit
from github.GitRef import GitRef
from github.PullRequest import PullRequest
from github.Repository import Repository

from digest.archive.base import Publication, Render
from digest.calendar import Span
from digest.errors import DigestError, GitHubAccessError, InputError
from digest.github import GitHubAPI, failures
from digest.models import Files, PublishMode, PublishResult

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5

_NOT_FOUND = (
    "{repo} was not found, or the token cannot see it: check the name, and that the token "
    "(github-token) has access to it"
)
_NO_BRANCH = (
    "branch {branch!r} does not exist in {repo}: check the name, or leave target-branch "
    "empty to publish to the default branch"
)
_BRANCH_GONE = (
    "branch {branch!r} of {repo} was deleted while digest was publishing to it; nothing was "
    "published. {then}"
)
_RESTORE = "Restore the branch, or set target-branch to one that exists, and run again"
_REOPEN = "Run again: digest opens a new pull request"
_EMPTY = (
    "{repo} is empty: the Git Data API cannot commit to a repository without a first "
    "commit. Add one (a README will do) and run again"
)
_WRITE_DENIED = (
    "the token cannot write to {repo} (HTTP {status}: {reason}). In the workflow, grant "
    "permissions: contents: write{pr}; with a personal or app token for another "
    "repository, give it Contents: read and write there"
)
_PR_SETTING = (
    "GitHub refused to open the pull request: {reason}. Allow it in {repo} under Settings → "
    "Actions → General → Workflow permissions → 'Allow GitHub Actions to create and approve "
    "pull requests', or use a token that may open pull requests, or set publish: commit"
)
_REFUSED = (
    "GitHub refused to publish to {repo} (HTTP {status}: {reason}); nothing was published. "
    "Check reports-dir and index-file, then run again"
)
_CONNECTION = "lost the connection to GitHub while publishing to {repo}; nothing was published"
_KEPT_MOVING = (
    "{branch} of {repo} kept moving during {attempts} attempts; nothing was published, run again"
)
_PROTECTED = (
    "branch {branch!r} of {repo} is protected by {kind}, which refused digest's commit: "
    '"{reason}"; nothing was published. {fix}'
)
_USE_PULL_REQUEST = (
    "Set publish: pull-request to propose each report as a pull request instead, or let this "
    "token bypass the protection"
)
_FREE_WORK_BRANCH = (
    "Exempt digest/* branches from it (digest opens its pull requests from them), or let this "
    "token bypass it"
)
# The answers to a ref update that mean another commit landed first: read again, retry.
_MOVED = ("Update is not a fast forward", "Reference cannot be updated")
# A ruleset's refusal starts so; each broken rule follows on its own paragraph.
_RULESET = "Repository rule violations found"
# How branch protection words its refusals (Dependabot's list, from the same API).
_PROTECTION = re.compile(
    r"protected (?:branch|ref)|through a pull request|required status check|approving review"
    r"|merge queue|verified signatures|not authorized to push|cannot force-push"
    r"|must not contain merge commits",
    re.IGNORECASE,
)


def git_blob_sha(content: str) -> str:
    data = content.encode("utf-8")
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def pull_branch(span: Span) -> str:
    """The work branch of the pull request for a report: `digest/2026-02-04`,
    `digest/2026-W06`."""
    return f"digest/{span.label}"


@dataclass(frozen=True)
class _Written:
    """What a commit wrote: the rendered files, the commit (None: nothing changed), and the
    paths it changed."""

    files: Files
    sha: str | None
    changed: list[str]


@dataclass
class BranchSnapshot:
    """A branch at one commit: its files by path, read from GitHub only when asked."""

    repo: Repository
    ref: GitRef
    head: GitCommit
    blobs: dict[str, str]  # path -> blob sha
    _texts: dict[str, str] = field(default_factory=dict)

    def files_in(self, folder: str) -> list[str]:
        prefix = folder.rstrip("/") + "/"
        return [p for p in self.blobs if p.startswith(prefix) and "/" not in p[len(prefix) :]]

    def read(self, path: str) -> str | None:
        sha = self.blobs.get(path)
        if sha is None:
            return None
        if path not in self._texts:
            blob = self.repo.get_git_blob(sha)
            raw = base64.b64decode(blob.content) if blob.encoding == "base64" else blob.content
            self._texts[path] = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return self._texts[path]


class GitHubArchive:
    def __init__(self, repo: Repository, base: str, mode: PublishMode, server_url: str):
        self.repo = repo
        self.base = base
        self.mode = mode
        self.server_url = server_url.rstrip("/")
        self._snapshots: dict[str, BranchSnapshot | None] = {}
        self.work_branch: str | None = None

    # -- opening: bad targets are bad input, found before anything is collected ------------

    @classmethod
    def open(
        cls,
        api: GitHubAPI,
        full_name: str,
        branch: str | None,
        mode: PublishMode,
        server_url: str,
    ) -> GitHubArchive:
        repo = api.repository(full_name)
        try:
            base = branch or repo.default_branch  # the first attribute read fetches the repo
        except GithubException as exc:
            if exc.status in (403, 404):
                raise InputError("target-repo", _NOT_FOUND.format(repo=full_name)) from None
            raise _refused(exc, full_name) from None
        archive = cls(repo, base, mode, server_url)
        if archive._branch(base) is None:
            raise InputError("target-branch", _NO_BRANCH.format(branch=base, repo=full_name))
        return archive

    def for_span(self, span: Span) -> GitHubArchive:
        """Pull-request mode works on a branch named after the run's report."""
        self.work_branch = pull_branch(span) if self.mode == "pull-request" else None
        return self

    # -- reading -------------------------------------------------------------------------

    def _ref(self, branch: str) -> GitRef | None:
        """The branch's ref read now (PyGithub would otherwise read it lazily, later)."""
        ref = self.repo.get_git_ref(f"heads/{branch}")
        try:
            ref.object  # noqa: B018
        except GithubException as exc:
            if exc.status == 404:
                return None
            if exc.status == 409:  # "Git Repository is empty."
                raise InputError("target-repo", _EMPTY.format(repo=self.repo.full_name)) from None
            raise _refused(exc, self.repo.full_name) from None
        return ref

    def _branch(self, branch: str, *, fresh: bool = False) -> BranchSnapshot | None:
        if fresh or branch not in self._snapshots:
            ref = self._ref(branch)
            self._snapshots[branch] = self._read(ref) if ref else None
        return self._snapshots[branch]

    def _read(self, ref: GitRef) -> BranchSnapshot:
        head = self.repo.get_git_commit(ref.object.sha)
        tree = self.repo.get_git_tree(head.tree.sha, recursive=True)
        blobs = {e.path: e.sha for e in tree.tree if e.type == "blob"}
        return BranchSnapshot(self.repo, ref, head, blobs)

    def snapshot(self) -> BranchSnapshot:
        """The branch this run renders against: the pull request's if it exists."""
        if self.work_branch and (work := self._branch(self.work_branch)):
            return work
        base = self._branch(self.base)
        if base is None:  # deleted since it was opened
            raise InputError(
                "target-branch", _NO_BRANCH.format(branch=self.base, repo=self.repo.full_name)
            )
        return base

    def where(self, path: str) -> str:
        """`owner/name:path` on the branch this run reads."""
        branch = self.snapshot().ref.ref.removeprefix("refs/heads/")
        return f"{self.repo.full_name}:{path} (branch {branch})"

    # -- writing -------------------------------------------------------------------------

    def publish(self, render: Render, publication: Publication) -> PublishResult:
        try:
            if self.work_branch:
                return self._pull_request(self.work_branch, render, publication)
            return self._result(self._commit_on(self.base, render, publication.message), self.base)
        except requests.ConnectionError:
            raise DigestError(_CONNECTION.format(repo=self.repo.full_name)) from None

    def _commit(self, snapshot: BranchSnapshot, render: Render, message: str) -> _Written:
        """Render against `snapshot` and commit on its head; no commit (None) when the
        branch already holds exactly these files."""
        files = render(snapshot)
        changed = [f for f in files.files if snapshot.blobs.get(f.path) != git_blob_sha(f.content)]
        if not changed:
            return _Written(files, None, [])
        elements = [
            InputGitTreeElement(f.path, "100644", "blob", content=f.content) for f in changed
        ]
        try:
            tree = self.repo.create_git_tree(elements, base_tree=snapshot.head.tree)
            sha = self.repo.create_git_commit(message, tree, [snapshot.head]).sha
            return _Written(files, sha, [f.path for f in changed])
        except GithubException as exc:
            raise _write_error(exc, self.repo.full_name, pr=bool(self.work_branch)) from None

    def _commit_on(self, branch: str, render: Render, message: str) -> _Written:
        """One commit on `branch` with the rendered files, retried if the branch moves."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            snapshot = self._branch(branch, fresh=attempt > 1)
            if snapshot is None:
                raise self._no_branch(branch)
            written = self._commit(snapshot, render, message)
            if written.sha is None:
                log.info("%s already has these files: nothing to commit", branch)
                return written
            if self._fast_forward(branch, snapshot.ref, written.sha, attempt):
                return written
        raise DigestError(
            _KEPT_MOVING.format(branch=branch, repo=self.repo.full_name, attempts=MAX_ATTEMPTS)
        )

    def _no_branch(self, branch: str) -> DigestError:
        """`branch` was read, then deleted before digest's commit landed on it."""
        then = _REOPEN if branch == self.work_branch else _RESTORE
        return DigestError(_BRANCH_GONE.format(branch=branch, repo=self.repo.full_name, then=then))

    def _fast_forward(self, branch: str, ref: GitRef, sha: str, attempt: int) -> bool:
        try:
            ref.edit(sha, force=False)
            return True
        except GithubException as exc:
            if exc.status == 422 and failures.reason(exc) == "Reference does not exist":
                raise self._no_branch(branch) from None
            if exc.status == 422 and failures.reason(exc) in _MOVED:  # someone else committed first
                log.warning(
                    "%s moved while publishing (attempt %d); rebuilding on the new head",
                    ref.ref,
                    attempt,
                )
                return False
            work = branch == self.work_branch
            protected = _protected(exc, self.repo.full_name, branch, work)
            raise protected or _write_error(exc, self.repo.full_name, pr=work) from None

    def _pull_request(self, work: str, render: Render, publication: Publication) -> PublishResult:
        """The report on the work branch and one open pull request into the base for it."""
        created = False
        if self._branch(work) is not None:
            written = self._commit_on(work, render, publication.message)
        else:
            written = self._commit(self.snapshot(), render, publication.message)
            if written.sha is None:
                log.info("%s already has these files: no pull request needed", self.base)
                return self._result(written, self.base)
            try:
                self.repo.create_git_ref(f"refs/heads/{work}", written.sha)
            except GithubException as exc:
                protected = _protected(exc, self.repo.full_name, work, work=True)
                raise protected or _write_error(exc, self.repo.full_name, pr=True) from None
            created = True
        url = self.url(written.files.report_path, branch=work)
        try:
            pull = self._open_or_update_pull(work, publication.title, publication.body(url))
        except DigestError:
            if created:  # nothing half-written: no branch without its pull request
                self._delete_branch(work)
            raise
        return self._result(written, work).updated(
            pull_request_url=pull.html_url, pull_request_number=pull.number
        )

    def _open_or_update_pull(self, work: str, title: str, body: str) -> PullRequest:
        owner = self.repo.full_name.split("/")[0]
        for pull in self.repo.get_pulls(state="open", head=f"{owner}:{work}", base=self.base):
            if (pull.title, pull.body or "") != (title, body):
                pull.edit(title=title, body=body)
            return pull
        try:
            return self.repo.create_pull(base=self.base, head=work, title=title, body=body)
        except GithubException as exc:
            reason = failures.reason(exc)
            if exc.status == 403 and "pull request" in reason.lower():
                raise GitHubAccessError(
                    _PR_SETTING.format(reason=reason, repo=self.repo.full_name)
                ) from None
            raise _write_error(exc, self.repo.full_name, pr=True) from None

    def _delete_branch(self, branch: str) -> None:
        try:
            ref = self._ref(branch)
            if ref is not None:
                ref.delete()
        except (GithubException, requests.RequestException) as exc:
            log.warning("could not delete %s after the failure: %s", branch, exc)

    def url(self, path: str, *, folder: bool = False, branch: str | None = None) -> str:
        """Where a file (or folder) is read on the web: on `branch`, by default the base
        branch, where a pull request's files land once merged."""
        kind = "tree" if folder else "blob"
        return f"{self.server_url}/{self.repo.full_name}/{kind}/{branch or self.base}/{path}"

    def _result(self, written: _Written, branch: str) -> PublishResult:
        return PublishResult(
            mode=self.mode,
            report_path=written.files.report_path,
            written=written.changed,
            report_url=self.url(written.files.report_path, branch=branch),
            commit_sha=written.sha,
        )


def _refused(exc: GithubException, repo: str) -> DigestError:
    return DigestError(_REFUSED.format(repo=repo, status=exc.status, reason=failures.reason(exc)))


def _protected(exc: GithubException, repo: str, branch: str, work: bool) -> DigestError | None:
    """A refusal by branch protection or a ruleset, named with GitHub's reason; None if the
    answer is not one."""
    message = failures.reason(exc)
    ruleset = message.startswith(_RULESET)
    if exc.status != 422 or not (ruleset or _PROTECTION.search(message)):
        return None
    reasons = message.removeprefix(_RULESET) if ruleset else message
    return DigestError(
        _PROTECTED.format(
            branch=branch,
            repo=repo,
            kind="a ruleset" if ruleset else "branch protection",
            reason="; ".join(line.strip() for line in reasons.splitlines() if line.strip())
            or message,
            fix=_FREE_WORK_BRANCH if work else _USE_PULL_REQUEST,
        )
    )


def _write_error(exc: GithubException, repo: str, *, pr: bool = False) -> DigestError:
    if exc.status in (403, 404):  # GitHub answers 404 to writes the token may not make
        extra = " and pull-requests: write" if pr else ""
        said = failures.reason(exc)
        return GitHubAccessError(
            _WRITE_DENIED.format(repo=repo, status=exc.status, reason=said, pr=extra)
        )
    if exc.status == 409:
        return InputError("target-repo", _EMPTY.format(repo=repo))
    return _refused(exc, repo)
