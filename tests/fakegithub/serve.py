"""Serve the local GitHub with a small day of activity until stopped: for running the image.

    python -m tests.fakegithub.serve URL_FILE

Writes the API URL to URL_FILE once it answers. The token is `test-token`.
"""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

from tests.fakegithub.builders import at, direct_push, merged_pr
from tests.fakegithub.server import FakeGitHub, FakeIssue, FakeRelease, FakeRepo

DATE = "2026-02-04"


def day() -> list[FakeRepo]:
    flashinfer = FakeRepo("flashinfer-ai/flashinfer", description="Kernels for LLM serving")
    merged_pr(flashinfer, 2490, "[Bugfix] Fix XQA smem on GPUs other than 0", at(f"{DATE} 10:00"))
    merged_pr(flashinfer, 2491, "perf: vectorize mxfp4 quantize", at(f"{DATE} 12:00"))
    flashinfer.issues.append(FakeIssue(2496, "mxfp4 quantization is slow", at(f"{DATE} 19:42")))
    flashinfer.releases.append(FakeRelease("v0.6.3", at(f"{DATE} 15:00")))
    cutlass = FakeRepo("NVIDIA/cutlass")
    direct_push(cutlass, "Update CHANGELOG for 4.4", at(f"{DATE} 06:00"))
    return [flashinfer, cutlass]


def main(url_file: str) -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with FakeGitHub(day()) as github:
        Path(url_file).write_text(github.api_url + "\n", encoding="utf-8")
        stop.wait()


if __name__ == "__main__":
    main(sys.argv[1])
