"""Try digest end to end with no token and no network: the local GitHub the tests use serves a
small day of two repositories (tests/fakegithub/serve.py), and digest reports it, following
two topics across them, then builds the site of that archive.

    uv run python -m tests.demo            # the built-in summarizer, into ./demo
    uv run python -m tests.demo --model    # a local OpenAI-style model writes the stories
    uv run python -m tests.demo --language zh --output-dir /tmp/demo
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import ExitStack
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from digest.cli import main as digest
from tests.fakegithub.serve import DATE, REPOS, TOKEN, day
from tests.fakegithub.server import FakeGitHub
from tests.fakellm.server import FakeLLM, diligent

# One that matches the day (a pull request and an issue) and one that matches nothing.
TOPICS = "FP4: mxfp4, nvfp4\nBlackwell: blackwell, sm100"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.demo", description=__doc__)
    parser.add_argument("--output-dir", default="demo", help="where to write (default: demo)")
    parser.add_argument("--language", default="en", choices=["en", "zh"])
    parser.add_argument("--model", action="store_true", help="stories by a local model")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    with ExitStack() as servers:
        github = servers.enter_context(FakeGitHub(day(), token=TOKEN))
        os.environ.update(GITHUB_API_URL=github.api_url, GITHUB_TOKEN=TOKEN)
        run = ["run", "--repos", ",".join(REPOS), "--date", DATE, "--language", args.language]
        run += ["--topics", TOPICS]
        if args.model:
            model = servers.enter_context(FakeLLM(diligent))
            run += ["--model", "openai/local", "--api-base", model.api_base, "--api-key", "-"]
        out = ["--output-dir", args.output_dir]
        code = digest([*run, *out]) or digest(["site", *out])
    if code == 0:
        folder = Path(args.output_dir)
        print(f"\nThe report: {folder / 'reports' / DATE}.md (and its .json sidecar)")
        print(f"The index:  {folder / 'README.md'}; the feed: {folder / 'reports/feed.xml'}")
        print(f"A topic's feed: {folder / 'reports/topics/fp4.xml'}")
        site = folder / "_site"
        print(f"The site:   python3 -m http.server -d {site} 8000, then open localhost:8000")
    return code


if __name__ == "__main__":
    sys.exit(main())
