"""GitHub's secondary limits, kept for every request the client makes, and its count.

GitHub's documented secondary limits: at most 100 requests at once (REST and GraphQL
together), at most 900 points a minute for REST (a read 1, a write 5) and 2,000 for GraphQL.
GitHub counts one secondary point per GraphQL query; pacing on each query's primary `cost`
(at least 1) is the stricter reading and keeps within both.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal

log = logging.getLogger(__name__)

MAX_IN_FLIGHT = 100
POINTS_PER_MINUTE = 2000
REST_POINTS_PER_MINUTE = 900
# REST points: a read (GET, HEAD, OPTIONS) is 1, a write 5.
_READS = {"GET", "HEAD", "OPTIONS"}
WRITE_POINTS = 5

Kind = Literal["graphql", "read", "write"]
_LABELS: dict[Kind, str] = {"graphql": "GraphQL", "read": "REST reads", "write": "REST writes"}


class Pacer:
    """Holds a request back while the points spent in the last minute would pass the limit."""

    def __init__(
        self,
        limit: int = POINTS_PER_MINUTE,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        name: str = "GraphQL",
    ):
        self.limit, self.window, self.clock, self.sleep = limit, window, clock, sleep
        self.name = name
        self._spent: deque[list[float]] = deque()  # [when, points], oldest first
        self._lock = threading.Lock()

    def reserve(self, points: int) -> list[float]:
        """Wait for room for `points`; the entry returned is settled with the real cost."""
        while True:
            with self._lock:
                now = self.clock()
                while self._spent and self._spent[0][0] <= now - self.window:
                    self._spent.popleft()
                used = sum(entry[1] for entry in self._spent)
                if not self._spent or used + points <= self.limit:
                    entry = [now, float(points)]
                    self._spent.append(entry)
                    return entry
                # at least a moment: a clock's rounding must not make this spin
                wait = max(0.05, self._spent[0][0] + self.window - now)
            log.info(
                "pacing %s: %d points in the last minute, waiting %.1f s", self.name, used, wait
            )
            self.sleep(wait)

    def settle(self, entry: list[float], points: int) -> None:
        with self._lock:
            entry[1] = float(points)


class Meter:
    """Every request of one client: counted by kind, at most MAX_IN_FLIGHT at once, REST
    paced by its points. (GraphQL is paced by the client, which knows each query's cost.)"""

    def __init__(self) -> None:
        self.counts: Counter[Kind] = Counter()
        self.rest = Pacer(REST_POINTS_PER_MINUTE, name="REST")
        self._in_flight = threading.BoundedSemaphore(MAX_IN_FLIGHT)
        self._lock = threading.Lock()

    @property
    def requests(self) -> int:
        with self._lock:
            return sum(self.counts.values())

    @contextmanager
    def request(self, verb: str, *, graphql: bool) -> Iterator[None]:
        """Around one request: counted when it is sent, whatever comes back."""
        kind = _kind(verb, graphql)
        if kind != "graphql":
            self.rest.reserve(1 if kind == "read" else WRITE_POINTS)
        with self._in_flight:
            self.count(kind)
            yield

    def count(self, kind: Kind) -> None:
        with self._lock:
            self.counts[kind] += 1

    def retried(self, verb: str, *, graphql: bool) -> None:
        """The transport sends a request again (after a 5xx, or a rate limit's wait): it is
        one more request, counted and paced as the first was."""
        kind = _kind(verb, graphql)
        if kind != "graphql":
            self.rest.reserve(1 if kind == "read" else WRITE_POINTS)
        self.count(kind)

    def __str__(self) -> str:
        """`14 requests (6 GraphQL, 5 REST reads, 3 REST writes)`."""
        with self._lock:
            counts = Counter(self.counts)
        total = sum(counts.values())
        parts = [f"{counts[kind]} {label}" for kind, label in _LABELS.items() if counts[kind]]
        noun = "request" if total == 1 else "requests"
        return f"{total} {noun}" + (f" ({', '.join(parts)})" if parts else "")


def _kind(verb: str, graphql: bool) -> Kind:
    return "graphql" if graphql else "read" if verb.upper() in _READS else "write"
