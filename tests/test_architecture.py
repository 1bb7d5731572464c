"""The shape the code keeps: stages never import one another; only the top reads the
environment."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "digest"
STAGES = ("collect", "summarize", "render", "archive", "deliver")
# The process's top: the command line and the settings read the environment; nothing below.
TOP = {"cli.py", "config.py"}


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_never_imports_another(stage):
    others = {f"digest.{s}" for s in STAGES if s != stage}
    for path in (PACKAGE / stage).rglob("*.py"):
        crossing = {
            n for n in imported(path) if n.split(".")[:2] and ".".join(n.split(".")[:2]) in others
        }
        assert not crossing, f"{path.relative_to(PACKAGE)} imports {sorted(crossing)}"


def test_only_the_top_reads_or_writes_the_environment():
    readers = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.name not in TOP or path.parent != PACKAGE
        if "os.environ" in path.read_text(encoding="utf-8")
        or "getenv" in path.read_text(encoding="utf-8")
    ]
    assert readers == []


# Building a GitHub connection: PyGithub's classes, and digest's own client.
_CLIENT_CLASSES = {"Github", "Requester", "GithubRetry", "GitHubAPI", "_Transport"}
_CLIENT_MODULE = PACKAGE / "github" / "client.py"


def constructed(path: Path) -> set[str]:
    """The names of the client classes a module calls, however it reaches them."""
    calls = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in _CLIENT_CLASSES:
                calls.add(name)
    return calls


def test_one_place_constructs_github_clients():
    """Every request goes through the client digest/github/client.py builds (counted, within
    GitHub's limits, a rejected token said once): no other module builds its own."""
    elsewhere = {
        str(path.relative_to(PACKAGE)): sorted(found)
        for path in PACKAGE.rglob("*.py")
        if path != _CLIENT_MODULE and (found := constructed(path))
    }
    assert elsewhere == {}
    assert {"_Transport", "GitHubAPI"} <= constructed(_CLIENT_MODULE)  # the check sees calls


def test_the_github_package_is_infrastructure_below_the_stages():
    """Like models.py, digest/github is shared by the stages and imports none of them."""
    above = {f"digest.{name}" for name in (*STAGES, "memory", "pipeline")}
    for path in (PACKAGE / "github").rglob("*.py"):
        crossing = {n for n in imported(path) if ".".join(n.split(".")[:2]) in above}
        assert not crossing, f"{path.relative_to(PACKAGE)} imports {sorted(crossing)}"


# -- one report, many formats --------------------------------------------------------------

RENDER = PACKAGE / "render"
# The formats of a report: each writes the one view render/sections.py builds from a Digest.
FORMATS = ("report.py", "brief.py", "dialects.py", "feed.py", "index.py", "site")


def _render_modules(tree: ast.AST) -> set[str]:
    """The names a module binds to render modules (`from digest.render import brief`)."""
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("digest.render"):
            bound |= {alias.asname or alias.name for alias in node.names}
    return bound


def private_names_reached(path: Path) -> list[str]:
    """Private names of render modules that `path` imports or reads (`brief._lines`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = _render_modules(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("digest.render"):
            found += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and node.attr.startswith("_")
        ):
            found.append(f"{node.value.id}.{node.attr}")
    return found


def test_no_module_reaches_into_a_render_modules_private_names():
    reaching = {
        str(path.relative_to(PACKAGE)): found
        for path in PACKAGE.rglob("*.py")
        if (found := private_names_reached(path))
    }
    assert reaching == {}


def test_the_formats_write_the_view_and_read_no_summary_or_memory():
    """What a report says (its story, its risks, what became of earlier items) is read from
    a Digest in one place, render/sections.py; the formats only write it."""
    paths = [
        p for name in FORMATS for p in sorted((RENDER / name).rglob("*.py")) or [RENDER / name]
    ]
    readers = {
        str(path.relative_to(PACKAGE)): sorted(found)
        for path in paths
        if (
            found := {
                node.attr
                for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(node, ast.Attribute) and node.attr in ("overall", "memory")
            }
        )
    }
    assert len(paths) > len(FORMATS)  # the site's modules are among them
    assert readers == {}
