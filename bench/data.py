"""Repositories for the benchmark: the real February 2026 data in ../shared/data, or
synthetic repositories of any size."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from tests.fakegithub.builders import at, direct_push, merged_pr
from tests.fakegithub.server import (
    FakeCommit,
    FakeFile,
    FakeIssue,
    FakePull,
    FakeRelease,
    FakeRepo,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "github"


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _files(entries: list[dict]) -> list[FakeFile]:
    return [
        FakeFile(
            f["filename"], f["status"], f["additions"], f["deletions"], f.get("previous_filename")
        )
        for f in entries
    ]


def _branch_prs(commits: list[dict]) -> dict[str, int]:
    """PR numbers of commits that came in through a merge commit's second parent."""
    by_sha = {c["sha"]: c for c in commits}
    owner: dict[str, int] = {}
    for merge in commits:
        if len(merge["parents"]) < 2 or not merge.get("pr_number"):
            continue
        todo = [merge["parents"][1]]
        while todo:
            sha = todo.pop()
            commit = by_sha.get(sha)
            if commit is None or commit["on_first_parent"] or sha in owner:
                continue
            owner[sha] = merge["pr_number"]
            todo.extend(commit["parents"])
    return owner


def load_shared(path: Path) -> FakeRepo:
    data = json.loads(path.read_text())
    repo = FakeRepo(
        data["full_name"],
        description=data.get("description") or "",
        default_branch=data["default_branch"],
    )
    branch_prs = _branch_prs(data["commits"])
    for c in data["commits"]:
        repo.commits.append(
            FakeCommit(
                sha=c["sha"],
                message=c["message"],
                committed_at=_time(c["committed_date"]),
                author_name=c["author"]["name"],
                author_login=c["author"].get("login"),
                files=_files(c["files"]),
                pr_number=c.get("pr_number") or branch_prs.get(c["sha"]),
            )
        )
    commit_files = {c["sha"]: c["files"] for c in data["commits"]}
    for p in data["pulls"]:
        repo.pulls.append(
            FakePull(
                number=p["number"],
                title=p["title"],
                created_at=_time(p["created_at"]),
                author=p["user"]["login"],
                body=p.get("body") or "",
                labels=list(p.get("labels") or []),
                merged_at=_time(p.get("merged_at")),
                closed_at=_time(p.get("closed_at")),
                merge_commit_sha=p.get("merge_commit_sha"),
                files=_files(commit_files.get(p.get("files_from_commit"), [])),
            )
        )
    for r in data["releases"]:
        repo.releases.append(
            FakeRelease(
                tag=r["tag_name"],
                published_at=_time(r["published_at"]),
                name=r.get("name") or "",
                body=r.get("body") or "",
                author=(r.get("author") or {}).get("login"),
                prerelease=r.get("prerelease", False),
                created_at=_time(r.get("created_at")),
            )
        )
    return repo


def load_issues(repos: dict[str, FakeRepo]) -> None:
    path = SHARED / "extra_issues.json"
    if not path.exists():
        return
    for i in json.loads(path.read_text())["issues"]:
        repo = repos.get(i["repo"])
        if repo:
            repo.issues.append(
                FakeIssue(
                    number=i["number"],
                    title=i["title"],
                    created_at=_time(i["created_at"]),
                    author=i["user"]["login"],
                    body=i.get("body") or "",
                    labels=[
                        label if isinstance(label, str) else label["name"]
                        for label in i.get("labels") or []
                    ],
                    closed_at=_time(i.get("closed_at")),
                    comments=i.get("comments", 0),
                )
            )


def shared_repos() -> list[FakeRepo]:
    repos = {r.full_name: r for r in map(load_shared, sorted(SHARED.glob("*__*.json")))}
    load_issues(repos)
    return list(repos.values())


def synthetic_repos(count: int, day: dt.date, *, prs: int, pushes: int) -> list[FakeRepo]:
    """`count` repositories, each with `prs` merged PRs and `pushes` direct pushes on `day`."""
    repos = []
    start = at(f"{day.isoformat()} 00:30")
    for i in range(count):
        repo = FakeRepo(f"org{i // 50}/project-{i}", description=f"Synthetic project {i}")
        for n in range(prs):
            when = start + dt.timedelta(minutes=(23 * 60 * n) // max(prs, 1))
            merged_pr(
                repo,
                10_000 + n,
                f"[Kernel] change {n} of project {i}",
                when,
                files=[
                    FakeFile(f"csrc/kernel_{n}.cu", additions=40, deletions=8),
                    FakeFile(f"python/api_{n}.py", additions=5),
                ],
                body="Motivation, design and benchmarks of the change. " * 8,
            )
        for n in range(pushes):
            direct_push(repo, f"Update docs {n}", start + dt.timedelta(hours=n + 1))
        repos.append(repo)
    return repos
