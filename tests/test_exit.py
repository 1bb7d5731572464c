"""The process always exits on its own, promptly after its last line, with a model too.

The hang this pins: a daemon thread still importing (litellm's warm-up) when the interpreter
shut down kept the import lock forever, and litellm's `AsyncHTTPHandler.__del__` imports
during finalization, so the process waited on that lock after writing the report (seen in
4 of 24 runs with GitHub unreachable). Whether a run hits that window is timing, so the
cause is pinned in this process with the window held open (the warm-up made slow: it must
be over before `main` returns), and two real processes show what a user sees: exit codes,
one line, an exit within moments of it.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import TOKEN
from tests.fakegithub.builders import at, merged_pr
from tests.fakegithub.server import FakeRepo
from tests.fakellm.server import FakeLLM, diligent
from tests.process import Timed, time_digest

# A prompt exit is a small share of the process's own run, however loaded the machine is:
# from its last line to its end under a tenth of its wall time, or under a second. Measured
# here (load 4 on 2 cores): 0.1-0.3 s of 11-20 s; a process that ran the model's warm-up
# after its last line instead of before: 2.4 s of 16.6 s; one that hangs meets the timeout.
# The figure on a quiet machine is `python -m bench.run`'s "s after its last line".
PROMPT_SHARE = 0.1
PROMPT_FLOOR = 1.0  # seconds
SLOW_WARM_UP = 0.5  # seconds: longer than an unreachable GitHub takes to fail


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def model_argv(api_base: str, out: Path) -> list[str]:
    return [
        "run",
        "--repos",
        "flashinfer-ai/flashinfer",
        "--date",
        "2026-02-04",
        "--model",
        "openai/test-model",
        "--api-base",
        api_base,
        "--api-key",
        "x",
        "--output-dir",
        str(out),
    ]


def timed_run(argv: list[str], env: dict[str, str]) -> Timed:
    try:
        return time_digest(argv, env, timeout=90)
    except TimeoutError as exc:
        pytest.fail(str(exc))


def assert_prompt(run: Timed, name: str) -> None:
    bound = max(PROMPT_FLOOR, PROMPT_SHARE * run.wall)
    assert run.tail < bound, (
        f"the {name} run took {run.tail:.2f} s to exit after its last line "
        f"(of {run.wall:.2f} s; at most {bound:.2f} s)"
    )


def test_runs_with_a_model_exit_promptly_after_their_last_line(github, tmp_path):
    repo = github.add(FakeRepo("flashinfer-ai/flashinfer"))
    merged_pr(repo, 2490, "[Bugfix] Fix XQA smem", at("2026-02-04 10:00"))
    unreachable = f"http://127.0.0.1:{closed_port()}"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))}
    with FakeLLM(diligent) as llm:

        def one(api: str, out: str) -> Timed:
            env = {**base, "GITHUB_API_URL": api, "GITHUB_TOKEN": TOKEN}
            return timed_run(model_argv(llm.api_base, tmp_path / out), env)

        with ThreadPoolExecutor(max_workers=2) as pool:
            reached, unreached = pool.map(
                one, [github.api_url, unreachable], ["reached", "unreached"]
            )

    assert reached.code == 0, reached.output
    assert (tmp_path / "reached/reports/2026-02-04.md").is_file()
    assert_prompt(reached, "reachable")
    # GitHub unreachable: the run ends while the model's warm-up runs
    assert unreached.code == 1, unreached.output
    assert unreached.output.count("\n") == 1, unreached.output
    assert f"cannot reach 127.0.0.1:{unreachable.rsplit(':', 1)[1]}" in unreached.output
    assert_prompt(unreached, "unreachable")


def test_the_models_warm_up_is_over_before_a_failed_run_returns(tmp_path, monkeypatch):
    """The hang's cause, held open instead of left to timing: GitHub cannot be reached, so
    the body fails at once while the (slow) warm-up still runs; it is waited for, never left
    to a thread the interpreter shuts down under."""
    from digest.cli import main
    from digest.summarize import llm as llm_module

    real, finished = llm_module.warm_up, threading.Event()

    def slow_warm_up(models: list[str]) -> None:
        time.sleep(SLOW_WARM_UP)
        real(models)
        finished.set()

    monkeypatch.setattr(llm_module, "warm_up", slow_warm_up)
    monkeypatch.setenv("GITHUB_API_URL", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    with FakeLLM(diligent) as llm:
        code = main(model_argv(llm.api_base, tmp_path))

    assert code == 1
    assert finished.is_set(), "the run returned while the model's warm-up still ran"
