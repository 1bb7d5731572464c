"""The collection's GraphQL documents (queries/), the ones built for a batch, and their costs."""

from __future__ import annotations

from digest.github.documents import Documents

DOCUMENTS = Documents(__package__ or "digest.collect")
document = DOCUMENTS.document
with_fragments = DOCUMENTS.with_fragments


def points(requests: int) -> int:
    """GitHub's cost of a query: the requests its connections need / 100, at least 1."""
    return max(1, round(requests / 100))


def repositories_cost(count: int, history_page: int, page: int) -> int:
    """Worst case of `repositories_query` (the formula is beside RepositoryActivity)."""
    return points(count * (5 + 4 * history_page + 7 * page))


def next_pages_cost(page: int) -> int:
    """Worst case of next_pages.graphql (the formula is in the file)."""
    return points(5 + 11 * page)


def pull_files_cost(count: int) -> int:
    """Worst case of `pull_files_query`: one files connection per pull request."""
    return points(count)


def repositories_query(count: int) -> str:
    """One query for `count` repositories, aliased repo0..repoN-1 (GitHub allows batching)."""
    params = "".join(f"  $owner{i}: String!\n  $name{i}: String!\n" for i in range(count))
    fields = "".join(
        f"  repo{i}: repository(owner: $owner{i}, name: $name{i}) {{\n"
        "    ...RepositoryActivity\n  }\n"
        for i in range(count)
    )
    operation = (
        "query Repositories(\n  $since: GitTimestamp!\n  $until: GitTimestamp!\n"
        "  $sinceTime: DateTime!\n  $pageSize: Int!\n  $historyPage: Int!\n"
        f"  $filesFirst: Int!\n{params}) {{\n"
        f"  rateLimit {{\n    ...RateFields\n  }}\n{fields}}}\n"
    )
    return with_fragments(operation)


def pull_files_query(count: int) -> str:
    """One page of files for each of `count` pull requests, aliased pull0..pullN-1, each
    with its own repository, cursor and number (variables pullOwnerI, pullNameI, numberI,
    afterI).

    Worst case: one files connection per pull request, `count` requests (1 point for up to
    150), and count * $filesPage nodes: 10 PRs x 100 files = 1,000 nodes, each PR a diff."""
    params = "".join(
        f"  $pullOwner{i}: String!\n  $pullName{i}: String!\n  $number{i}: Int!\n"
        f"  $after{i}: String\n"
        for i in range(count)
    )
    fields = "".join(
        f"  pull{i}: repository(owner: $pullOwner{i}, name: $pullName{i}) {{\n"
        f"    pullRequest(number: $number{i}) {{\n"
        f"      files(first: $filesPage, after: $after{i}) {{\n"
        "        ...FilesPage\n      }\n    }\n  }\n"
        for i in range(count)
    )
    operation = (
        f"query PullFiles(\n  $filesPage: Int!\n{params}) {{\n"
        f"  rateLimit {{\n    ...RateFields\n  }}\n{fields}}}\n"
    )
    return with_fragments(operation)
