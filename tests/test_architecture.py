"""The shape the code keeps: no import circle; stages never import one another, nor the
modules that join them; everything else sits below the stages; only the top reads the
environment."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "digest"
STAGES = ("collect", "summarize", "render", "archive", "deliver", "memory")
# Where stages are joined: the command line, and the pipeline with the features that read
# one stage's output into another (pipeline/rollup/: the archive into summarize; backfill).
JOINING = ("cli", "__main__", "pipeline")
# The process's top: the command line and the settings read the environment; nothing below.
TOP = {"cli.py", "config.py"}


def modules(root: Path) -> dict[str, Path]:
    """Every module of the package at `root`, by dotted name (a package: its __init__.py)."""
    found = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported(path: Path, package: str = "") -> set[str]:
    """What `path` imports, wherever the import stands: at the top, inside a function (how
    a circle hides), under `if TYPE_CHECKING:`. `from a import b` is `a.b`, whether b is a
    module or a name in `a`; `package` anchors relative imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def graph(root: Path) -> dict[str, set[str]]:
    """Each module of the package at `root` -> the modules of it that it imports. `from
    digest import kinds` is an import of digest.kinds; `from digest.kinds import KINDS` too."""
    found = modules(root)

    def module(name: str) -> str:
        while name and name not in found:
            name = name.rpartition(".")[0]
        return name

    edges = {}
    for name, path in found.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges[name] = {m for n in imported(path, package) if (m := module(n)) and m != name}
    return edges


def circle(edges: dict[str, set[str]]) -> list[str]:
    """A chain of imports that comes back to where it began, each module importing the
    next; [] when there is none."""
    try:
        TopologicalSorter(edges).prepare()
    except CycleError as exc:
        return list(reversed(exc.args[1]))  # graphlib lists each module after its importer
    return []


def place(module: str) -> str:
    """A module's place: its stage, `joining`, or `below` (everything else: models, the
    calendar, kinds, the github package, locales, config, ...)."""
    top = module.split(".")[1] if "." in module else ""
    if top in STAGES:
        return top
    return "joining" if top in JOINING else "below"


EDGES = graph(PACKAGE)


def test_no_import_circle_in_digest():
    assert circle(EDGES) == [], " -> ".join(circle(EDGES))


def test_the_circle_check_sees_an_import_inside_a_function(tmp_path):
    """The circle this project had: models -> periods -> (inside a function) window ->
    models, with kinds -> models only under TYPE_CHECKING."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text("from pkg.periods import Span\n")
    (package / "window.py").write_text("from pkg import models\n")
    (package / "periods.py").write_text("class Span: ...\n\ndef w():\n    from .window import x\n")
    assert sorted(set(circle(graph(package)))) == ["pkg.models", "pkg.periods", "pkg.window"]
    (package / "window.py").write_text("")
    (package / "kinds.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.models import Span\n"
    )
    (package / "models.py").write_text("from pkg import kinds\n")
    assert sorted(set(circle(graph(package)))) == ["pkg.kinds", "pkg.models"]


def test_every_module_is_checked():
    """The checks below read every module, in every folder: a new one cannot slip past."""
    assert set(EDGES) == set(modules(PACKAGE))
    assert {
        "digest.memory.recall",
        "digest.pipeline.rollup.days",
        "digest.pipeline.backfill",
        "digest.calendar",
    } <= set(EDGES)
    assert {place(m) for m in EDGES} == {*STAGES, "joining", "below"}


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_never_imports_another(stage):
    """Nor what joins stages (the command line, the pipeline): it would reach the others."""
    crossing = {
        module: sorted(found)
        for module, imports in EDGES.items()
        if place(module) == stage
        if (found := {m for m in imports if place(m) not in (stage, "below")})
    }
    assert crossing == {}


def test_everything_else_is_below_the_stages():
    """models, the calendar, kinds, the github package, config, locales, ...: shared by the
    stages, they import none of them, nor what joins them."""
    above = {
        module: sorted(found)
        for module, imports in EDGES.items()
        if place(module) == "below"
        if (found := {m for m in imports if place(m) != "below"})
    }
    assert above == {}


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
    paths = [RENDER / name for name in FORMATS]
    paths = [p for path in paths for p in (sorted(path.rglob("*.py")) if path.is_dir() else [path])]
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


# -- changed copies are checked ------------------------------------------------------------


def unchecked_copies(path: Path) -> list[int]:
    """Lines that copy a model with changes no one checks by name: `model_copy(update=...)`
    (pydantic checks neither names nor values), `model_validate({...})`, `model_validate(
    m.model_dump() | {...})` (a dump also drops excluded fields, such as secrets)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        updating = node.func.attr == "model_copy" and any(k.arg == "update" for k in node.keywords)
        over_a_dict = node.func.attr == "model_validate" and any(
            isinstance(a, ast.Dict | ast.BinOp)
            or (isinstance(a, ast.Call) and getattr(a.func, "attr", "") == "model_dump")
            for a in node.args
        )
        if updating or over_a_dict:
            found.append(node.lineno)
    return found


def test_every_changed_copy_of_a_model_is_checked():
    """`Frozen.updated(field=value)` validates as a new model does: a misspelt field or a
    value of the wrong type raises where it is written, not in a report."""
    unchecked = {
        str(path.relative_to(PACKAGE)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := unchecked_copies(path))
    }
    assert unchecked == {}


def test_a_changed_copy_refuses_an_unknown_field_and_a_wrong_value():
    from pydantic import ValidationError

    from digest.models import Target

    target = Target(mode="commit", repo="acme/reports")
    assert target.updated(branch="digests") == Target(
        mode="commit", repo="acme/reports", branch="digests"
    )
    with pytest.raises(ValidationError, match="brnach"):
        target.updated(brnach="digests")
    with pytest.raises(ValidationError, match="mode"):
        target.updated(mode="push")
