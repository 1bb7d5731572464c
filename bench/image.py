"""Benchmark: the action's image on bench.run's day, to compare with digest as a local process.

    uv run python -m bench.image IMAGE            # IMAGE: a name the engine has (.ci/engine.sh)
    uv run python -m bench.image IMAGE --no-model

The same servers, latency and inputs as `python -m bench.run` (the real data in ../shared/data,
150 ms per GitHub request, 3 s per model call, max-concurrency 8), but digest runs in the
image, started as a runner starts the action. Prints the time from the container's start (after
the engine has made it) to its first line and to its exit, and the same run as a local
process for comparison.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from bench.data import shared_repos
from bench.run import TOKEN, digest_argv, run_process
from bench.servers import Servers

ROOT = Path(__file__).resolve().parents[1]
DATE = "2026-02-03"
RUN_IN_IMAGE = 'source .ci/engine.sh && pick_engine >&2 && container_run "$@"'


def in_image(image: str, inputs: dict[str, str], work: Path) -> tuple[float, float]:
    """(first line, exit), in seconds after the container started."""
    for folder in ("ws", "files", "home"):
        (work / folder).mkdir(parents=True)
    for name in ("set_output", "step_summary", "set_env", "add_path"):
        (work / "files" / name).touch()
    subprocess.run(["chown", "-R", "1001:1001", work], check=True)
    env = {**os.environ, "LAUNCHED_FILE": str(work / "launched")}
    pairs = [f"{k}={v}" for k, v in inputs.items()]
    args = [str(work / "ws"), str(work / "files"), str(work / "home"), "600", *pairs]
    child = subprocess.Popen(
        ["bash", "-c", RUN_IN_IMAGE, "-", image, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    first = None
    for line in child.stdout or []:
        if first is None and not line.startswith(("::add-mask::", "image check:")):
            first = time.time()
    if child.wait():
        raise SystemExit(f"the container exited with {child.returncode}")
    end = time.time()
    launched = float((work / "launched").read_text())
    return (first or end) - launched, end - launched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("image")
    parser.add_argument("--no-model", action="store_true")
    args = parser.parse_args()
    repos = shared_repos()
    names = [r.full_name for r in repos]
    with Servers(repos, 0.150, 3.0, TOKEN) as servers, tempfile.TemporaryDirectory() as tmp:
        inputs = {
            "GITHUB_API_URL": servers.api_url,
            "INPUT_GITHUB-TOKEN": TOKEN,
            "INPUT_REPOS": ",".join(names),
            "INPUT_DATE": DATE,
            "INPUT_PUBLISH": "none",
            "INPUT_MAX-CONCURRENCY": "8",
        }
        if not args.no_model:
            model = {"INPUT_MODEL": "openai/bench-model", "INPUT_API-KEY": "x"}
            inputs |= model | {"INPUT_API-BASE": servers.api_base}
        os.chmod(tmp, 0o755)
        first, wall = in_image(args.image, inputs, Path(tmp, "image"))
        local_env = {**os.environ, "GITHUB_API_URL": servers.api_url, "GITHUB_TOKEN": TOKEN}
        api_base = None if args.no_model else servers.api_base
        argv = digest_argv(names, DATE, Path(tmp, "local"), api_base, 8)
        local = run_process(argv, {**local_env, "MALLOC_ARENA_MAX": "2"})
    what = "with a model" if not args.no_model else "built-in summarizer"
    print(f"{len(names)} real repositories, {DATE}, {what}")
    print(f"in the image: first line {first:.2f} s, exit {wall:.2f} s after the container started")
    print(f"local process: exit {local.wall:.2f} s after it was spawned")


if __name__ == "__main__":
    main()
