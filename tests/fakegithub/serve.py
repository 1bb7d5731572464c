"""Serve the local GitHub with a small day of activity, and a local OpenAI-style model, until
stopped: for running the image as a runner runs the action (.ci/action-run) and for trying
digest with no token and no network (tests/demo.py).

    python -m tests.fakegithub.serve DIR

Writes DIR/github-url (the API URL; the token is `test-token`) and DIR/model-url (an
OpenAI-compatible base URL: `--model openai/<any name> --api-base URL --api-key <anything>`)
once both answer. Stops on SIGTERM or SIGINT.
"""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

from tests.fakegithub.builders import at, direct_push, merged_pr
from tests.fakegithub.server import FakeGitHub, FakeIssue, FakeRelease, FakeRepo
from tests.fakellm.server import FakeLLM, diligent

DATE = "2026-02-04"
REPOS = ("flashinfer-ai/flashinfer", "NVIDIA/cutlass")
TOKEN = "test-token"


def day() -> list[FakeRepo]:
    flashinfer = FakeRepo(REPOS[0], description="Kernels for LLM serving")
    merged_pr(flashinfer, 2490, "[Bugfix] Fix XQA smem on GPUs other than 0", at(f"{DATE} 10:00"))
    merged_pr(flashinfer, 2491, "perf: vectorize mxfp4 quantize", at(f"{DATE} 12:00"))
    flashinfer.issues.append(FakeIssue(2496, "mxfp4 quantization is slow", at(f"{DATE} 19:42")))
    flashinfer.releases.append(FakeRelease("v0.6.3", at(f"{DATE} 15:00")))
    cutlass = FakeRepo(REPOS[1])
    direct_push(cutlass, "Update CHANGELOG for 4.4", at(f"{DATE} 06:00"))
    return [flashinfer, cutlass]


def main(folder: str) -> None:
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    with FakeGitHub(day(), token=TOKEN) as github, FakeLLM(diligent) as model:
        Path(folder, "model-url").write_text(model.api_base + "\n", encoding="utf-8")
        # Written last: its presence means both answer.
        Path(folder, "github-url").write_text(github.api_url + "\n", encoding="utf-8")
        stop.wait()


if __name__ == "__main__":
    main(sys.argv[1])
