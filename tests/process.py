"""`python -m digest` as a process of its own, timed from spawn to exit (tests, benchmarks)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parents[1]


@dataclass(frozen=True)
class Timed:
    code: int
    wall: float  # seconds from spawn to exit
    tail: float  # seconds from its last line of output to its exit
    rss_mb: float  # peak resident memory
    output: str  # stdout and stderr, interleaved


def time_digest(argv: list[str], env: dict[str, str], timeout: float = 600) -> Timed:
    """Run digest; TimeoutError (after killing it) when it does not exit within `timeout`."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "digest", *argv],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    last = [start]

    def read() -> None:
        for line in child.stdout or []:
            lines.append(line)
            last[0] = time.perf_counter()

    reader = threading.Thread(target=read)
    reader.start()
    while True:  # wait4, not wait: it gives this child's own peak memory
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - start > timeout:
            child.kill()
            os.wait4(child.pid, 0)
            reader.join()
            raise TimeoutError(
                f"digest did not exit within {timeout:.0f} s:\n{''.join(lines[-5:])}"
            )
        time.sleep(0.01)
    end = time.perf_counter()
    child.returncode = os.waitstatus_to_exitcode(status)
    reader.join()
    return Timed(
        child.returncode, end - start, end - last[0], usage.ru_maxrss / 1024, "".join(lines)
    )
