"""`publish: commit` and `publish: pull-request` through GitHub's Git Data API.

No git binary and no checkout: read the branch's tree, render against it, then one tree,
one commit and a fast-forward ref update. If the branch moved meanwhile (another run, a
human push), everything is re-read and re-rendered on the new head; nothing is forced.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from github import GithubException, InputGitTreeElement
from github.GitCommit import GitCommit
from github.GitRef import GitRef
from github.Repository import Repository

from digest.errors import DigestError, GitHubAccessError
from digest.models import Files, PublishResult
from digest.render.index import report_dates

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5

# `render(existing_index_text, existing_report_dates) -> Files`
Render = Callable[[str | None, set[dt.date]], Files]

_WRITE_HELP = (
    "the token cannot write to {repo} (HTTP 403: {reason}). In the workflow, grant "
    "`permissions: contents: write`{pr}; with a personal or app token for another "
    "repository, give it Contents: read and write there."
)
_PR_SETTING_HELP = (
    "GitHub refused to open the pull request: {reason}. Allow it in {repo} under Settings → "
    "Actions → General → Workflow permissions → 'Allow GitHub Actions to create and approve "
    "pull requests', or use a token that may open pull requests, or set publish: commit."
)
_NOT_FOUND_HELP = (
    "input 'target-repo': {repo} was not found, or the token cannot see it; "
    "check the name and that the token has access to it"
)


@dataclass(frozen=True)
class _Branch:
    head: GitCommit
    index_text: str | None
    dates: set[dt.date]
    blobs: dict[str, str]  # path -> blob sha, for "nothing changed"


def git_blob_sha(content: str) -> str:
    data = content.encode("utf-8")
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class GitHubPublisher:
    def __init__(self, repo: Repository, *, reports_dir: str, index_file: str, server_url: str):
        self.repo = repo
        self.reports_dir = reports_dir
        self.index_file = index_file
        self.server_url = server_url.rstrip("/")

    def default_branch(self) -> str:
        try:
            return self.repo.default_branch  # the first attribute read fetches the repository
        except GithubException as exc:
            if exc.status in (401, 403, 404):
                raise DigestError(_NOT_FOUND_HELP.format(repo=self.repo.full_name)) from None
            raise

    # -- reading -------------------------------------------------------------------------

    def _read(self, head_sha: str) -> _Branch:
        head = self.repo.get_git_commit(head_sha)
        tree = self.repo.get_git_tree(head.tree.sha, recursive=True)
        blobs = {e.path: e.sha for e in tree.tree if e.type == "blob"}
        prefix = self.reports_dir.rstrip("/") + "/"
        names = [p.removeprefix(prefix) for p in blobs if p.startswith(prefix)]
        index_sha = blobs.get(self.index_file)
        index_text = None
        if index_sha:
            blob = self.repo.get_git_blob(index_sha)
            index_text = _decode(blob.content, blob.encoding)
        return _Branch(head, index_text, report_dates(n for n in names if "/" not in n), blobs)

    # -- writing -------------------------------------------------------------------------

    def _commit(self, head_sha: str, render: Render, message: str) -> tuple[Files, str | None]:
        """Render against the branch at `head_sha` and commit on it; no commit (None) when
        the branch already has exactly these files."""
        branch = self._read(head_sha)
        files = render(branch.index_text, branch.dates)
        changed = [f for f in files.files if branch.blobs.get(f.path) != git_blob_sha(f.content)]
        if not changed:
            return files, None
        elements = [
            InputGitTreeElement(f.path, "100644", "blob", content=f.content) for f in changed
        ]
        try:
            tree = self.repo.create_git_tree(elements, base_tree=branch.head.tree)
            return files, self.repo.create_git_commit(message, tree, [branch.head]).sha
        except GithubException as exc:
            raise _write_error(exc, self.repo.full_name) from None

    def commit(self, branch_name: str, render: Render, message: str) -> PublishResult:
        """One commit on `branch_name` with the rendered files, retried if the branch moves."""
        files, sha = self._commit_on(self._ref(branch_name), render, message)
        return self._result("commit", files, branch_name, sha)

    def _commit_on(self, ref: GitRef, render: Render, message: str) -> tuple[Files, str | None]:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            if attempt > 1:  # the branch moved: read it again
                ref = self._ref(ref.ref.removeprefix("refs/heads/"))
            files, sha = self._commit(ref.object.sha, render, message)
            if sha is None:
                log.info("%s already has these files: nothing to commit", ref.ref)
                return files, None
            if self._fast_forward(ref, sha, attempt):
                return files, sha
        raise DigestError(
            f"{ref.ref} of {self.repo.full_name} kept moving during "
            f"{MAX_ATTEMPTS} attempts; nothing was published, run again"
        )

    def _fast_forward(self, ref: GitRef, sha: str, attempt: int) -> bool:
        try:
            ref.edit(sha, force=False)
            return True
        except GithubException as exc:
            if exc.status == 422:  # "Update is not a fast forward": someone else committed
                log.warning(
                    "%s moved while publishing (attempt %d); rebuilding on the new head",
                    ref.ref,
                    attempt,
                )
                return False
            raise _write_error(exc, self.repo.full_name) from None

    def pull_request(
        self,
        base: str,
        branch_name: str,
        render: Render,
        message: str,
        title: str,
        body: Callable[[Files], str],
    ) -> PublishResult:
        """The report on `branch_name` and one open pull request into `base` for it."""
        ref = self._ref(branch_name, missing_ok=True)
        if ref is not None:
            files, commit_sha = self._commit_on(ref, render, message)
        else:
            base_head = self._ref(base).object.sha
            files, commit_sha = self._commit(base_head, render, message)
            try:
                self.repo.create_git_ref(f"refs/heads/{branch_name}", commit_sha or base_head)
            except GithubException as exc:
                raise _write_error(exc, self.repo.full_name, pr=True) from None
        pull = self._open_or_update_pull(base, branch_name, title, body(files))
        return self._result("pull-request", files, branch_name, commit_sha).model_copy(
            update={"pull_request_url": pull.html_url, "pull_request_number": pull.number}
        )

    def _ref(self, branch_name: str, *, missing_ok: bool = False) -> GitRef | None:
        """The branch's ref, read now (PyGithub would otherwise read it lazily, later)."""
        ref = self.repo.get_git_ref(f"heads/{branch_name}")
        try:
            ref.object  # noqa: B018
        except GithubException as exc:
            if missing_ok and exc.status == 404:
                return None
            raise
        return ref

    def _open_or_update_pull(self, base: str, branch_name: str, title: str, body: str):
        owner = self.repo.full_name.split("/")[0]
        for pull in self.repo.get_pulls(state="open", head=f"{owner}:{branch_name}", base=base):
            pull.edit(title=title, body=body)
            return pull
        try:
            return self.repo.create_pull(base=base, head=branch_name, title=title, body=body)
        except GithubException as exc:
            reason = _reason(exc)
            if exc.status == 403 and "pull request" in reason.lower():
                raise GitHubAccessError(
                    _PR_SETTING_HELP.format(reason=reason, repo=self.repo.full_name)
                ) from None
            raise _write_error(exc, self.repo.full_name, pr=True) from None

    def report_url(self, branch: str, path: str) -> str:
        return f"{self.server_url}/{self.repo.full_name}/blob/{branch}/{path}"

    def _result(self, mode, files: Files, branch: str, sha: str | None) -> PublishResult:
        return PublishResult(
            mode=mode,
            report_path=files.report_path,
            written=[f.path for f in files.files] if sha else [],
            report_url=self.report_url(branch, files.report_path),
            commit_sha=sha,
        )


def _decode(content: str, encoding: str) -> str:
    return base64.b64decode(content).decode("utf-8") if encoding == "base64" else content


def _reason(exc: GithubException) -> str:
    data = exc.data if isinstance(exc.data, dict) else {}
    return str(data.get("message") or exc)


def _write_error(exc: GithubException, repo: str, *, pr: bool = False) -> Exception:
    if exc.status in (401, 403):
        extra = " and `pull-requests: write`" if pr else ""
        return GitHubAccessError(_WRITE_HELP.format(repo=repo, reason=_reason(exc), pr=extra))
    return exc
