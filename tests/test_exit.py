"""The process always exits on its own, promptly after its last line, with a model too.

The hang this pins: a daemon thread still importing (litellm's warm-up) when the interpreter
shut down kept the import lock forever, and litellm's `AsyncHTTPHandler.__del__` imports
during finalization, so the process waited on that lock after writing the report (seen in
4 of 24 runs with GitHub unreachable). Timing-dependent, hence many runs.
"""

from __future__ import annotations

import os
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import TOKEN
from tests.fakegithub.builders import at, merged_pr
from tests.fakegithub.server import FakeRepo
from tests.fakellm.server import FakeLLM, diligent
from tests.process import time_digest

RUNS = 8
PROMPT = 2.0  # seconds from the last line to the end of the process


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def timed_run(argv: list[str], env: dict[str, str]) -> tuple[int, float, str]:
    """Exit code, seconds between the last line written and the exit, and the output."""
    try:
        run = time_digest(argv, env, timeout=90)
    except TimeoutError as exc:
        pytest.fail(str(exc))
    return run.code, run.tail, run.output


def test_runs_with_a_model_exit_promptly_after_their_last_line(github, tmp_path):
    repo = github.add(FakeRepo("flashinfer-ai/flashinfer"))
    merged_pr(repo, 2490, "[Bugfix] Fix XQA smem", at("2026-02-04 10:00"))
    unreachable = f"http://127.0.0.1:{closed_port()}"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))}
    with FakeLLM(diligent) as llm:
        common = [
            "run",
            "--repos",
            "flashinfer-ai/flashinfer",
            "--date",
            "2026-02-04",
            "--model",
            "openai/test-model",
            "--api-base",
            llm.api_base,
            "--api-key",
            "x",
        ]

        def one(n: int) -> tuple[int, float, str]:
            # Every other run cannot reach GitHub: it ends while the model's warm-up runs.
            api = github.api_url if n % 2 == 0 else unreachable
            env = {**base, "GITHUB_API_URL": api, "GITHUB_TOKEN": TOKEN}
            return timed_run([*common, "--output-dir", str(tmp_path / str(n))], env)

        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(one, range(RUNS)))

    for n, (code, tail, output) in enumerate(results):
        assert code == (0 if n % 2 == 0 else 1), output
        assert tail < PROMPT, f"run {n} took {tail:.2f} s to exit after its last line"
    assert all(Path(tmp_path / str(n) / "reports/2026-02-04.md").is_file() for n in (0, 2))
    unreachable_output = results[1][2]
    assert unreachable_output.count("\n") == 1, unreachable_output
    assert f"cannot reach 127.0.0.1:{unreachable.rsplit(':', 1)[1]}" in unreachable_output
