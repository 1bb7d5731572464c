"""Shared fixtures. Everything runs offline against tests/fakegithub."""

from __future__ import annotations

import os

# Before anything can import litellm: never fetch the price map from the internet.
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakegithub.server import FakeGitHub

TOKEN = "test-token"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No INPUT_* or runner variable from the machine running the tests leaks in."""
    for name in list(os.environ):
        if name.startswith(("INPUT_", "GITHUB_", "RUNNER_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DIGEST_DEBUG", "")


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as server:
        monkeypatch.setenv("GITHUB_API_URL", server.api_url)
        monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
        yield server


def tree(root: Path) -> dict[str, str]:
    """Every file under root, by relative path, for comparing what runs wrote."""
    return {
        str(p.relative_to(root)): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
