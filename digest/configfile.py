"""The configuration file: any input under its own name, and `digests:` for several digests.

    # .github/digest.yml
    timezone: Asia/Shanghai
    digests:
      - title: AI Infra 日报
        language: zh
        orgs: [deepseek-ai]
        repos: [vllm-project/vllm, sgl-project/sglang]
        reports-dir: zh
      - title: Kernels weekly
        orgs: [NVIDIA]
        exclude: ["NVIDIA/*-docs"]
        reports-dir: kernels
        index-file: kernels/README.md

Read from the workspace when it is there, otherwise from the target repository through the
API (no checkout step needed). YAML is read by pydantic-settings' YAML source; every key is
checked before anything runs: a syntax error names the file and line, an unknown key names
the key and the accepted ones.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic_settings import BaseSettings, YamlConfigSettingsSource

from digest.errors import InputError

if TYPE_CHECKING:  # PyGithub: imported only when the file is read from GitHub
    from digest.github import GitHubAPI

DEFAULT = ".github/digest.yml"
DIGESTS = "digests"


@dataclass(frozen=True)
class Keys:
    """The input names a file accepts: declared on Settings' fields (config.Accepts)."""

    top: frozenset[str]  # at the top level
    digest: frozenset[str]  # in one digest of `digests:`; everything else is the run's (target...)


@dataclass(frozen=True)
class ConfigFile:
    name: str  # where it was read, for messages: a path, or owner/name:path
    top: dict[str, Any]  # top-level inputs, by field name (reports_dir)
    digests: list[dict[str, Any]] = field(default_factory=list)  # each by field name


def load(
    settings_cls: type[BaseSettings],
    keys: Keys,
    *,
    path: str | None,
    workspace: Path,
    api: GitHubAPI | None,
    target_repo: str | None,
    target_branch: str | None,
) -> ConfigFile | None:
    """The configuration file named by `config` (or the default one, if it exists): in the
    workspace, else in the current directory (a checkout, when the CLI writes elsewhere with
    --output-dir; on a runner the two are one), else in the target repository."""
    name = path or DEFAULT
    places = list(dict.fromkeys([workspace / name, Path(name)]))
    if local := next((p for p in places if p.is_file()), None):
        return _parse(settings_cls, keys, local, name)
    text = _from_target(api, target_repo, target_branch, name) if target_repo and api else None
    if text is None:
        if path:
            looked = ", ".join(f"at {p.absolute()}" for p in places)
            remote = f"in {target_repo}" if target_repo else "in a target repository (none given)"
            raise InputError("config", f"{name} was not found {looked}, or {remote}")
        return None
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "digest.yml"
        copy.write_text(text, encoding="utf-8")
        return _parse(settings_cls, keys, copy, f"{target_repo}:{name}")


def _from_target(api: GitHubAPI, repo: str, branch: str | None, path: str) -> str | None:
    from github import GithubException

    try:
        with api.reachable():  # a rejected token is said here, at the run's first request
            repository = api.repository(repo)  # lazy: no request for the repository itself
            # Without a ref GitHub reads the default branch: one request in all.
            content = repository.get_contents(path, **({"ref": branch} if branch else {}))
    except GithubException as exc:
        if exc.status in (403, 404):
            return None  # no such file (or no access: the target is checked properly later)
        raise
    if isinstance(content, list):  # a folder of that name
        return None
    return content.decoded_content.decode("utf-8")


def _parse(settings_cls: type[BaseSettings], keys: Keys, file: Path, name: str) -> ConfigFile:
    try:
        data = YamlConfigSettingsSource(settings_cls, yaml_file=file).yaml_data
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError("config", f"{name}{where}: {problem}") from None
    except (TypeError, ValueError):  # a YAML list or scalar, not a mapping of inputs
        data = None
    if not isinstance(data, dict):
        raise InputError("config", f"{name} must be a mapping of input names to values")
    top = {k: v for k, v in data.items() if k != DIGESTS}
    _check_keys(top, keys.top, name, "")
    digests = data.get(DIGESTS) or []
    if not isinstance(digests, list) or not all(isinstance(d, dict) for d in digests):
        raise InputError("config", f"{name}: {DIGESTS} must be a list of mappings")
    for number, digest in enumerate(digests, start=1):
        _check_keys(digest, keys.digest, name, f"digest {number}: ")
    return ConfigFile(name, _fields(top), [_fields(d) for d in digests])


def _check_keys(values: dict[str, Any], accepted: frozenset[str], name: str, where: str) -> None:
    for key in values:
        if key not in accepted:
            raise InputError(
                "config",
                f"{name}: {where}unknown key {key!r} (accepted: {', '.join(sorted(accepted))})",
            )


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    """`reports-dir` -> `reports_dir`; lists stay lists, scalars become the strings an input
    would be, so the file and the inputs are validated by the same rules."""
    return {
        key.replace("-", "_"): value if isinstance(value, list) else _scalar(value)
        for key, value in values.items()
        if value is not None
    }


def _scalar(value: Any) -> Any:
    return str(value).lower() if isinstance(value, bool) else value
