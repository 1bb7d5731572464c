"""Every published file digest writes for the shared data, for comparing two versions.

    uv run python -m bench.outputs OUT_DIR        # then: diff -r BEFORE_DIR AFTER_DIR

A refactor that promises "no report changes" runs this before and after and diffs the two
folders. Cases (each its own output folder, built as a user would: one run a day):
  daily-en     built-in, English, a run each day 2026-02-20..27 (index and feed grow)
  daily-zh     built-in, Chinese, 2026-02-25..27
  model-en     a local model, English, 2026-02-26..27
  weekly-en    built-in, `days: 7`, the week ending 2026-02-27
  backfill-en  built-in, a first run on 2026-02-20, then one on 2026-02-27 (backfills 6 days)
  sharded-en   collect in 3 shards, then report from the 3 files, 2026-02-27
Run-only figures (GitHub requests, the tool's version, summary timing) are blanked in
sidecars, so two versions compare on what they say.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from bench.data import shared_repos
from bench.servers import Servers

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-token"
DAYS = [f"2026-02-{d:02d}" for d in range(20, 28)]
# Figures that depend on the run, not on the data.
RUN_ONLY = {"github_requests", "tool_version"}


def digest(argv: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "digest", *argv], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"digest {' '.join(argv)} exited {done.returncode}:\n{done.stderr}")


def cases(repos: str, api_base: str) -> dict[str, list[list[str]]]:
    def run(date: str, *extra: str) -> list[str]:
        return ["run", "--repos", repos, "--date", date, *extra]

    model = ["--model", "openai/bench-model", "--api-base", api_base, "--api-key", "x"]
    return {
        "daily-en": [run(d) for d in DAYS],
        "daily-zh": [run(d, "--language", "zh") for d in DAYS[-3:]],
        "model-en": [run(d, *model) for d in DAYS[-2:]],
        "weekly-en": [run(DAYS[-1], "--days", "7")],
        "backfill-en": [run(DAYS[0]), run(DAYS[-1])],
        "sharded-en": [
            *(
                ["collect", "--repos", repos, "--date", DAYS[-1], "--shard", f"{k}/3"]
                for k in (1, 2, 3)
            ),
            ["report", "--activity", "activity-*-of-3.json"],
        ],
    }


def blank_run_only(folder: Path) -> None:
    for path in folder.rglob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(_blank(data), indent=2, ensure_ascii=False), encoding="utf-8")


def _blank(value: object) -> object:
    if isinstance(value, dict):
        return {k: None if k in RUN_ONLY else _blank(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank(v) for v in value]
    return value


def main(out: Path) -> None:
    repos = shared_repos()
    names = ",".join(r.full_name for r in repos)
    with Servers(repos, 0.0, 0.0, TOKEN) as servers:
        env = {**os.environ, "GITHUB_API_URL": servers.api_url, "GITHUB_TOKEN": TOKEN}
        for name, runs in cases(names, servers.api_base).items():
            folder = out / name
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory() as work:
                for argv in runs:
                    here = {**env, "GITHUB_WORKSPACE": work}
                    digest([*argv, "--output-dir", work], here)
                for path in Path(work).rglob("*"):
                    if path.is_file() and not path.name.startswith("activity-"):
                        target = folder / path.relative_to(work)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(path.read_bytes())
            blank_run_only(folder)
            print(f"{name}: {sum(1 for p in folder.rglob('*') if p.is_file())} files")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]))
