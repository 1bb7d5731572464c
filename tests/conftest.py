"""Shared fixtures. Everything runs offline against tests/fakegithub."""

from __future__ import annotations

import os

# Before anything can import litellm: never fetch the price map from the internet.
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
os.environ["LITELLM_LOCAL_ANTHROPIC_BETA_HEADERS"] = "True"  # as cli.main sets it

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import mistune
import pytest

from tests.browser import HOW_TO_INSTALL
from tests.browser import find as find_browser
from tests.fakegithub.git import GitRepo
from tests.fakegithub.server import FakeGitHub

TOKEN = "test-token"
_NOT_RUN = pytest.StashKey[str]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without a browser, the tests that need one are left out, and said so once (the
    terminal summary). Under CI they stay in and fail: CI never passes by skipping them."""
    needing = [item for item in items if "browser" in getattr(item, "fixturenames", ())]
    if not needing or os.environ.get("CI") or find_browser():
        return
    config.hook.pytest_deselected(items=needing)
    items[:] = [item for item in items if item not in needing]
    files = sorted({item.location[0] for item in needing})
    config.stash[_NOT_RUN] = f"{len(needing)} browser tests ({', '.join(files)})"


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    if not_run := config.stash.get(_NOT_RUN, ""):
        terminalreporter.write_line(f"{not_run} not run: {HOW_TO_INSTALL}")


def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No INPUT_* or runner variable from the machine running the tests leaks in."""
    for name in list(os.environ):
        if name.startswith(("INPUT_", "GITHUB_", "RUNNER_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DIGEST_DEBUG", "")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_environment(monkeypatch)


@contextmanager
def local_github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    """A local GitHub, and digest's environment pointing at it."""
    with FakeGitHub(token=TOKEN) as server:
        monkeypatch.setenv("GITHUB_API_URL", server.api_url)
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        yield server


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    with local_github(monkeypatch) as server:
        yield server


@contextmanager
def module_environment() -> Iterator[pytest.MonkeyPatch]:
    """For a module-scoped fixture that runs digest: the clean environment a test has (the
    autouse `clean_env` is per test, and has not run yet), undone when the fixture is done."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        clean_environment(monkeypatch)
        yield monkeypatch


@pytest.fixture
def target(github: FakeGitHub) -> GitRepo:
    """The repository digests are published to (tests that need other files define their own)."""
    return github.add_target(GitRepo.with_files("me/digests", {"README.md": "# Digests\n"}))


def tree(root: Path) -> dict[str, str]:
    """Every file under root, by relative path, for comparing what runs wrote."""
    return {
        str(p.relative_to(root)): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def links(markdown: str) -> list[str]:
    """Every link target in a Markdown document, as a renderer would see them."""
    found: list[str] = []

    def walk(nodes: list[dict]) -> None:
        for node in nodes:
            if node["type"] == "link":
                found.append(node["attrs"]["url"])
            walk(node.get("children", []))

    walk(mistune.create_markdown(renderer="ast")(markdown))
    return found


ROOT = Path(__file__).parents[1]


def run_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """`python ARGS` from the repository root, as a separate process."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def main_with_outputs(argv: list[str], folder: Path) -> tuple[int, dict[str, str]]:
    """`digest ARGV` in this process with a $GITHUB_OUTPUT file: the exit code and outputs."""
    from digest.cli import main

    output = folder / f"outputs-{len(list(folder.glob('outputs-*')))}.txt"
    output.write_text("")
    os.environ["GITHUB_OUTPUT"] = str(output)
    try:
        code = main(argv)
    finally:
        del os.environ["GITHUB_OUTPUT"]
    pairs = (line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return code, dict(pairs)


def requested_repositories(github) -> list[str]:
    """Every repository a collection query of the local GitHub was asked for (owner0/name0...)."""
    names = []
    for body in github.graphql_bodies:
        variables = body.get("variables") or {}
        for key, owner in variables.items():
            if re.fullmatch(r"owner\d+", key):
                names.append(f"{owner}/{variables['name' + key[5:]]}")
    return names
