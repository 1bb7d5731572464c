"""GitHub's secondary limits, kept by the client for every request it makes.

At most 100 requests at once (REST and GraphQL together), and at most 2,000 points a minute
for GraphQL. GitHub counts one secondary point per query; pacing on each query's primary
`cost` (at least 1) is the stricter reading and keeps within both.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable

log = logging.getLogger(__name__)

MAX_IN_FLIGHT = 100
POINTS_PER_MINUTE = 2000


class Pacer:
    """Holds a query back while the points spent in the last minute would pass the limit."""

    def __init__(
        self,
        limit: int = POINTS_PER_MINUTE,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.limit, self.window, self.clock, self.sleep = limit, window, clock, sleep
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
            log.info("pacing GraphQL: %d points in the last minute, waiting %.1f s", used, wait)
            self.sleep(wait)

    def settle(self, entry: list[float], points: int) -> None:
        with self._lock:
            entry[1] = float(points)
