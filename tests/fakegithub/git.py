"""A stateful target repository for publishing tests: Git Data API, refs and pull requests.

Bodies follow GitHub's OpenAPI description (`git-commit`, `git-tree`, `blob`, `git-ref`,
`pull-request`); object ids are real git blob SHAs, so "nothing changed" checks are honest.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

NOW = "2026-02-05T00:05:00Z"
REFS_DOCS = "https://docs.github.com/rest/git/refs"


UNSIGNED = {
    "verified": False,
    "reason": "unsigned",
    "signature": None,
    "payload": None,
    "verified_at": None,
}


def blob_sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _object_sha(kind: str, payload: Any) -> str:
    return hashlib.sha1(kind.encode() + json.dumps(payload, sort_keys=True).encode()).hexdigest()


@dataclass
class GitRepo:
    full_name: str
    default_branch: str = "main"
    blobs: dict[str, bytes] = field(default_factory=dict)
    trees: dict[str, dict[str, str]] = field(default_factory=dict)  # sha -> {path: blob sha}
    commits: dict[str, dict[str, Any]] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)  # "heads/main" -> commit sha
    pulls: list[dict[str, Any]] = field(default_factory=list)
    allow_actions_pull_requests: bool = True
    refuse_tree: str | None = None  # a 422 message for every tree creation
    # Branches whose ref updates a protection refuses: "heads/main" -> GitHub's message
    # (RULESET_REFUSAL, PROTECTION_REFUSAL).
    protected: dict[str, str] = field(default_factory=dict)
    # Called once, just before the next ref update is applied: a concurrent push.
    before_ref_update: Callable[[GitRepo], None] | None = None

    @classmethod
    def with_files(cls, full_name: str, files: dict[str, str], **kwargs: Any) -> GitRepo:
        repo = cls(full_name, **kwargs)
        tree = repo.make_tree({}, files)
        repo.refs[f"heads/{repo.default_branch}"] = repo.make_commit("Initial commit", tree, [])
        return repo

    # -- object store ----------------------------------------------------------------------

    def make_tree(self, base: dict[str, str], files: dict[str, str]) -> str:
        entries = dict(base)
        for path, text in files.items():
            data = text.encode()
            sha = blob_sha(data)
            self.blobs[sha] = data
            entries[path] = sha
        tree_sha = _object_sha("tree", entries)
        self.trees[tree_sha] = entries
        return tree_sha

    def make_commit(self, message: str, tree: str, parents: list[str]) -> str:
        sha = _object_sha("commit", {"m": message, "t": tree, "p": parents})
        self.commits[sha] = {"message": message, "tree": tree, "parents": parents}
        return sha

    def files_at(self, ref: str = "") -> dict[str, str]:
        head = self.refs[f"heads/{ref or self.default_branch}"]
        entries = self.trees[self.commits[head]["tree"]]
        return {path: self.blobs[sha].decode() for path, sha in entries.items()}

    def push(self, ref: str, message: str, files: dict[str, str]) -> str:
        """Someone else's commit on `ref` (a human push, another run)."""
        head = self.refs[f"heads/{ref}"]
        tree = self.make_tree(self.trees[self.commits[head]["tree"]], files)
        sha = self.make_commit(message, tree, [head])
        self.refs[f"heads/{ref}"] = sha
        return sha

    @property
    def empty(self) -> bool:
        """No commit yet: GitHub answers reads of any ref with 409 "Git Repository is empty."."""
        return not self.commits

    def delete_branch(self, name: str) -> None:
        """Someone deletes a branch; GitHub closes the open pull requests from it."""
        del self.refs[f"heads/{name}"]
        for pull in self.pulls:
            if pull["head"] == name and pull["state"] == "open":
                pull["state"] = "closed"

    def ancestors(self, sha: str) -> set[str]:
        seen, todo = set(), [sha]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self.commits[current]["parents"])
        return seen

    def log(self, ref: str = "") -> list[str]:
        """Commit messages on the first-parent chain, newest first."""
        sha, messages = self.refs[f"heads/{ref or self.default_branch}"], []
        while sha:
            messages.append(self.commits[sha]["message"])
            parents = self.commits[sha]["parents"]
            sha = parents[0] if parents else None
        return messages


# -- REST bodies, as the OpenAPI description shapes them ---------------------------------------


def repo_body(api: str, web: str, repo: GitRepo) -> dict[str, Any]:
    owner, name = repo.full_name.split("/")
    return {
        "id": 1296269,
        "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5",
        "name": name,
        "full_name": repo.full_name,
        "private": False,
        "owner": {
            "login": owner,
            "id": 1,
            "type": "Organization",
            "url": f"{api}/users/{owner}",
            "html_url": f"{web}/{owner}",
        },
        "html_url": f"{web}/{repo.full_name}",
        "url": f"{api}/repos/{repo.full_name}",
        "default_branch": repo.default_branch,
        "visibility": "public",
        "created_at": "2024-01-01T00:00:00Z",
        "updated_at": NOW,
        "pushed_at": NOW,
    }


def ref_error(status: int, message: str, operation: str) -> dict[str, Any]:
    """A refs endpoint's error as GitHub words it (`basic-error`, `validation-error`):
    404 "Not Found" (GET of a missing ref), 409 "Git Repository is empty.", 422 "Reference
    does not exist" (PATCH or DELETE of a missing ref), 422 "Update is not a fast forward",
    422 a protection's refusal (RULESET_REFUSAL, protection_refusal)."""
    return {
        "message": message,
        "documentation_url": f"{REFS_DOCS}#{operation}",
        "status": str(status),
    }


# A ref update a protection refuses: 422 with GitHub's `basic-error` body, the reason in
# `message`. A ruleset words it "Repository rule violations found", then each broken rule on
# its own paragraph (as answered to PATCH .../git/refs/heads/main with a pull-request rule, or
# "3 of 3 required status checks are expected."); classic branch protection names the ref,
# as its push hook does ("Protected branch update failed for refs/heads/main.").
RULESET_REFUSAL = (
    "Repository rule violations found\n\nChanges must be made through a pull request.\n\n"
)


def protection_refusal(branch: str) -> str:
    return f"Protected branch update failed for refs/heads/{branch}."


def ref_body(api: str, repo: GitRepo, ref: str) -> dict[str, Any]:
    sha = repo.refs[ref]
    base = f"{api}/repos/{repo.full_name}"
    return {
        "ref": f"refs/{ref}",
        "node_id": "REF_kwDOAAAAAA",
        "url": f"{base}/git/refs/{ref}",
        "object": {"type": "commit", "sha": sha, "url": f"{base}/git/commits/{sha}"},
    }


def commit_body(api: str, web: str, repo: GitRepo, sha: str) -> dict[str, Any]:
    commit = repo.commits[sha]
    base = f"{api}/repos/{repo.full_name}"
    person = {
        "name": "github-actions[bot]",
        "email": "41898282+github-actions[bot]@users.noreply.github.com",
        "date": NOW,
    }
    return {
        "sha": sha,
        "node_id": "C_kwDOAAAAAA",
        "url": f"{base}/git/commits/{sha}",
        "html_url": f"{web}/{repo.full_name}/commit/{sha}",
        "author": person,
        "committer": person,
        "message": commit["message"],
        "tree": {"sha": commit["tree"], "url": f"{base}/git/trees/{commit['tree']}"},
        "parents": [
            {
                "sha": p,
                "url": f"{base}/git/commits/{p}",
                "html_url": f"{web}/{repo.full_name}/commit/{p}",
            }
            for p in commit["parents"]
        ],
        "verification": UNSIGNED,
    }


def tree_body(api: str, repo: GitRepo, sha: str) -> dict[str, Any]:
    base = f"{api}/repos/{repo.full_name}"
    entries = repo.trees[sha]
    folders = sorted({p.rsplit("/", 1)[0] for p in entries if "/" in p})
    tree = [
        {
            "path": folder,
            "mode": "040000",
            "type": "tree",
            "sha": _object_sha("folder", folder),
            "url": f"{base}/git/trees/x",
        }
        for folder in folders
    ] + [
        {
            "path": path,
            "mode": "100644",
            "type": "blob",
            "sha": blob,
            "size": len(repo.blobs[blob]),
            "url": f"{base}/git/blobs/{blob}",
        }
        for path, blob in sorted(entries.items())
    ]
    return {"sha": sha, "url": f"{base}/git/trees/{sha}", "tree": tree, "truncated": False}


def blob_body(api: str, repo: GitRepo, sha: str) -> dict[str, Any]:
    data = repo.blobs[sha]
    encoded = base64.encodebytes(data).decode()  # GitHub wraps base64 at 60 columns too
    return {
        "sha": sha,
        "node_id": "B_kwDOAAAAAA",
        "size": len(data),
        "url": f"{api}/repos/{repo.full_name}/git/blobs/{sha}",
        "content": encoded,
        "encoding": "base64",
    }


def pull_body(api: str, web: str, repo: GitRepo, pull: dict[str, Any]) -> dict[str, Any]:
    owner = repo.full_name.split("/")[0]
    number = pull["number"]
    return {
        "url": f"{api}/repos/{repo.full_name}/pulls/{number}",
        "id": 1000 + number,
        "node_id": "PR_kwDOAAAAAA",
        "html_url": f"{web}/{repo.full_name}/pull/{number}",
        "number": number,
        "state": pull["state"],
        "locked": False,
        "title": pull["title"],
        "user": {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"},
        "body": pull["body"],
        "created_at": NOW,
        "updated_at": NOW,
        "closed_at": None,
        "merged_at": None,
        "draft": False,
        "head": {
            "label": f"{owner}:{pull['head']}",
            "ref": pull["head"],
            "sha": repo.refs.get(f"heads/{pull['head']}", ""),
        },
        "base": {
            "label": f"{owner}:{pull['base']}",
            "ref": pull["base"],
            "sha": repo.refs.get(f"heads/{pull['base']}", ""),
        },
    }


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def content_body(api: str, web: str, repo: GitRepo, path: str, ref: str) -> dict[str, Any] | None:
    """GET /repos/{owner}/{repo}/contents/{path}?ref=, the `content-file` schema."""
    head = repo.refs.get(f"heads/{ref}")
    if head is None:
        return None
    sha = repo.trees[repo.commits[head]["tree"]].get(path)
    if sha is None:
        return None
    data = repo.blobs[sha]
    base = f"{api}/repos/{repo.full_name}"
    return {
        "type": "file", "encoding": "base64", "size": len(data),
        "name": path.rsplit("/", 1)[-1], "path": path,
        "content": base64.encodebytes(data).decode(), "sha": sha,
        "url": f"{base}/contents/{path}?ref={ref}", "git_url": f"{base}/git/blobs/{sha}",
        "html_url": f"{web}/{repo.full_name}/blob/{ref}/{path}",
        "download_url": f"https://raw.githubusercontent.com/{repo.full_name}/{ref}/{path}",
        "_links": {"self": f"{base}/contents/{path}?ref={ref}",
                   "git": f"{base}/git/blobs/{sha}",
                   "html": f"{web}/{repo.full_name}/blob/{ref}/{path}"},
    }  # fmt: skip
