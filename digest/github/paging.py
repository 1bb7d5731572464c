"""The one way digest asks GitHub for something that may be too heavy, page after page:
`paginate`, with a shrinking `Ladder` built in.

GitHub stops a GraphQL query after 10 s of work (HTTP 502/504) or refuses one that needs
too much (RESOURCE_LIMITS_EXCEEDED). What makes a query heavy is how many things it holds
(repositories, pull requests) and how long its pages are. A query GitHub stopped is asked
again smaller, after a pause: fewer things per query first (8 -> 4 -> 2 -> 1), then shorter
pages (100 -> 50 -> 25 -> 10 -> 5), as release-please and Renovate do. A `Ladder` remembers,
for the rest of the run, the largest shape that has not failed, so no later query asks a
shape that already failed; only a query that fails at the smallest shape is given up, as a
failure of exactly the things it held.

`paginate` follows every cursor through such a ladder, round after round, until no item has
a page left to ask: a batch of repositories, one repository's lists, the files of pull
requests, an owner's repositories, a search's results.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from digest.github.client import QueryTooHeavy

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Shape:
    """How much one query holds: `batch` things (repositories, pull requests), each with
    pages of `page` nodes on the connections that weigh."""

    batch: int
    page: int

    def within(self, other: Shape) -> bool:
        return self.batch <= other.batch and self.page <= other.page


def ladder_shapes(batches: Sequence[int], pages: Sequence[int]) -> list[Shape]:
    """Largest first: every batch size at the first page, then the last batch at every page."""
    return [Shape(b, pages[0]) for b in batches] + [Shape(batches[-1], p) for p in pages[1:]]


def backoff(attempt: int) -> float:
    """Seconds before the attempt-th retry: 1, 2, 4, 8 ... up to 30, with jitter so that
    queries stopped together do not come back together."""
    return min(30.0, 2.0 ** (attempt - 1)) * random.uniform(0.75, 1.25)


@dataclass
class Outcome(Generic[T, R]):
    """What asking for `items` gave: a result, or the failure at the smallest shape."""

    items: Sequence[T]
    result: R | None = None
    failure: QueryTooHeavy | None = None


class Ladder:
    """Shapes of one kind of query, largest first, and the largest not yet known to fail.

    Shared by every thread of a run: a shape that failed once is not asked again."""

    def __init__(
        self,
        name: str,
        shapes: Sequence[Shape],
        *,
        pause: Callable[[int], float] | None = None,
        sleep: Callable[[float], None] | None = None,
    ):
        self.name = name
        self.shapes = list(shapes)
        self._at = 0
        self._lock = threading.Lock()
        # Looked up when needed, so tests can make the pause tiny for a whole run.
        self._pause, self._sleep = pause, sleep

    @property
    def current(self) -> Shape:
        with self._lock:
            return self.shapes[self._at]

    def shrink(self, failed: Shape) -> Shape | None:
        """The shape to use after `failed` was stopped; None when nothing smaller is left.

        Any shape at least as large as the failed one in both directions is passed over."""
        with self._lock:
            smaller = [i for i, s in enumerate(self.shapes) if s.within(failed) and s != failed]
            if not smaller:
                return None
            self._at = max(self._at, smaller[0])
            return self.shapes[self._at]

    def run(
        self, items: Sequence[T], ask: Callable[[Sequence[T], Shape], R]
    ) -> list[Outcome[T, R]]:
        """`ask(chunk, shape)` for every chunk of `items` at the current shape; a chunk GitHub
        stops is asked again smaller after a pause, down to the smallest shape."""
        return self._run(items, ask, attempt=0)

    def _run(
        self, items: Sequence[T], ask: Callable[[Sequence[T], Shape], R], attempt: int
    ) -> list[Outcome[T, R]]:
        outcomes: list[Outcome[T, R]] = []
        while items:
            shape = self.current  # each chunk at what the run has learnt so far
            chunk, items = items[: shape.batch], items[shape.batch :]
            outcomes += self._attempt(chunk, Shape(len(chunk), shape.page), ask, attempt)
        return outcomes

    def _attempt(
        self,
        chunk: Sequence[T],
        shape: Shape,
        ask: Callable[[Sequence[T], Shape], R],
        attempt: int,
    ) -> list[Outcome[T, R]]:
        try:
            return [Outcome(chunk, result=ask(chunk, shape))]
        except QueryTooHeavy as exc:
            smaller = self.shrink(shape)
            if smaller is None:
                log.warning(
                    "%s: GitHub stopped the query even at its smallest (%d x %d): %s",
                    self.name, shape.batch, shape.page, exc.reason,
                )  # fmt: skip
                return [Outcome(chunk, failure=exc)]
            attempt += 1
            wait = (self._pause or backoff)(attempt)
            log.warning(
                "%s: GitHub stopped a query of %d x %d (%s); asking again as %d x %d in %.1f s",
                self.name, shape.batch, shape.page, exc.reason,
                min(smaller.batch, len(chunk)), smaller.page, wait,
            )  # fmt: skip
            (self._sleep or time.sleep)(wait)
            return self._run(chunk, ask, attempt)


# Runs `fn` over the chunks of a round and returns what each gave, in order: one after
# another by default, or at once (the collector's thread pool).
Spread = Callable[[Callable[[Any], Any], Iterable[Any]], list[Any]]


def _one_by_one(fn: Callable[[Any], Any], chunks: Iterable[Any]) -> list[Any]:
    return [fn(chunk) for chunk in chunks]


def paginate(
    ladder: Ladder,
    items: Sequence[T],
    ask: Callable[[Sequence[T], Shape], object],
    more: Callable[[T], bool],
    *,
    spread: Spread = _one_by_one,
) -> list[Outcome[T, object]]:
    """Every page of every item. `ask(chunk, shape)` asks the next page of each item of
    `chunk` in one query and leaves each with where it goes on; `more(item)` says whether an
    item has a page left to ask. Rounds go on until none has: each in chunks of the ladder's
    current size, a query GitHub stops asked again smaller. Returns the outcomes GitHub
    stopped even at the smallest shape: their items are not asked again.

    A failure that is not the query's weight (an error answer, no connection) is `ask`'s to
    record on its items, or raises out of here."""
    given_up: list[Outcome[T, object]] = []
    pending = [item for item in items if more(item)]
    while pending:
        size = ladder.current.batch  # what the run has learnt so far
        chunks = [pending[i : i + size] for i in range(0, len(pending), size)]
        outcomes = [o for found in spread(lambda c: ladder.run(c, ask), chunks) for o in found]
        given_up += [o for o in outcomes if o.failure]
        pending = [item for o in outcomes if not o.failure for item in o.items if more(item)]
    return given_up
