"""Settings and the plan: every input of the action contract, validated, then what to do.

Precedence: CLI flags > action inputs (`INPUT_<NAME>`, hyphens kept, as the runner sets
them) > the runner's own variables (`GITHUB_REPOSITORY`, `GITHUB_TOKEN`, ...) > defaults.
Everything is validated here, before any network call, so bad input costs nothing; the
plan is built from the settings alone (and, for `report`, the activity file it reads).
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, get_origin
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from digest import calendar, configfile, topics
from digest.configfile import ConfigFile
from digest.errors import InputError
from digest.models import (
    Activity,
    Announce,
    AnnounceMode,
    GitHubSetup,
    Job,
    Language,
    Layout,
    ModelSetup,
    Notification,
    Period,
    Plan,
    PublishMode,
    RepoSummary,
    Shard,
    Stage,
    Target,
    Topic,
)
from digest.shards import default_name, whole

if TYPE_CHECKING:  # PyGithub: imported only when GitHub is asked
    from digest.github import GitHubAPI

_OWNER = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})"
_NAME = r"[A-Za-z0-9._-]{1,100}"
REPO_RE = re.compile(rf"^{_OWNER}/{_NAME}$")

# GitHub's usual bots: their pull requests and commits are counted, not told about.
BOTS = ("dependabot[bot]", "renovate[bot]", "pre-commit-ci[bot]", "github-actions[bot]")


@dataclass(frozen=True)
class Accepts:
    """Where one input is accepted, declared on its Settings field and read by cli.py (the
    flags of each command), load_config_file (the keys a configuration file accepts) and
    tests/test_contract.py (action.yml and the README must agree with it).

    The defaults are the common case: an action input (action.yml, INPUT_<NAME>) that a
    configuration file may also set at its top level."""

    commands: tuple[Stage, ...]  # the commands that offer it as a --flag
    action: bool = True  # an input of action.yml, in the README's Inputs table
    file: bool = True  # a key of a configuration file's top level
    digest: bool = False  # a key of one digest under `digests:` (the rest is the run's)
    runner: str = ""  # the runner variable used when the input is not given


# The commands that offer a flag. `run` offers every flag: the action's entry point runs
# any stage through `stage`, so whatever a stage takes, `run` takes too.
COLLECTING: tuple[Stage, ...] = ("run", "collect")
SUMMARIZING: tuple[Stage, ...] = ("run", "summarize", "report")
PUBLISHING: tuple[Stage, ...] = ("run", "report")
EVERY_COMMAND: tuple[Stage, ...] = ("run", "collect", "summarize", "report")
SITE: tuple[Stage, ...] = ("run", "site")
# `digest site` reads the archive where `run` publishes it.
ARCHIVE: tuple[Stage, ...] = (*PUBLISHING, "site")


def input_name(field: str) -> str:
    """`reports_dir` -> `reports-dir`: the name users write in `with:` and as `--flag`."""
    return field.replace("_", "-")


# The list inputs split at whitespace only: an Apprise URL may hold commas
# (mailto://...?to=a,b), and so may a file name.
_SPACE_SEPARATED = frozenset({"notify", "activity"})
# List inputs whose own validator reads what is given (a file may give mappings).
_OWN_SPLIT = frozenset({"topics", "notify"})


def split_list(value: Any, separator: str = r"[,\n]") -> Any:
    """A list input as it is given: a string of newline- or comma-separated values (as YAML
    block scalars produce them), or a list of such strings (the flag given several times, a
    YAML list), each split and all kept in order."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        return value
    return [
        part.strip() if isinstance(part, str) else part
        for item in items
        for part in (re.split(separator, item) if isinstance(item, str) else [item])
        if not isinstance(part, str) or part.strip()
    ]


class _ActionInputs(PydanticBaseSettingsSource):
    """`INPUT_REPORTS-DIR` -> `reports_dir`. Empty strings mean "not set", as on the runner."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]):
        super().__init__(settings_cls)
        self._environ = environ

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        key = "INPUT_" + input_name(field_name).upper()
        return self._environ.get(key, "").strip() or None, key, False

    def __call__(self) -> dict[str, Any]:
        values = {}
        for name, field in self.settings_cls.model_fields.items():
            value, _, _ = self.get_field_value(field, name)
            if value is not None:
                values[name] = value
        return values


class _RunnerFallbacks(_ActionInputs):
    """The runner's own variables (GITHUB_REPOSITORY...) for the inputs that declare one."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        key = accepts(field).runner
        return (self._environ.get(key, "").strip() or None) if key else None, key, False


class _ConfigFileValues(PydanticBaseSettingsSource):
    """The configuration file's values (read by configfile.py), below the inputs."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return (_FILE_VALUES.get() or {}).get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(_FILE_VALUES.get() or {})


# The file's values for the Settings being built now: sources are built by pydantic-settings
# from the class, so the values of one load reach them this way.
_FILE_VALUES: ContextVar[dict[str, Any] | None] = ContextVar("file_values", default=None)


class Settings(BaseSettings):
    """The action's inputs. Field descriptions are the `--help` text and the README table."""

    model_config = SettingsConfigDict(frozen=True, extra="forbid", validate_default=True)

    # Each field's Accepts says which commands offer it as a flag and where else it may be
    # set; its description is the `--help` text.
    repos: Annotated[list[str], Accepts(COLLECTING, digest=True)] = Field(
        default_factory=list, description="owner/name list, newline- or comma-separated"
    )
    orgs: Annotated[list[str], Accepts(COLLECTING, digest=True)] = Field(
        default_factory=list,
        description="owners (organizations or users) whose public repositories are followed",
    )
    search: Annotated[str | None, Accepts(COLLECTING, digest=True)] = Field(
        None, description="a GitHub repository search whose results are followed"
    )
    exclude: Annotated[list[str], Accepts(COLLECTING, digest=True)] = Field(
        default_factory=list,
        description="owner/name patterns to skip among discovered ones (NVIDIA/*-docs)",
    )
    github_token: Annotated[
        SecretStr | None, Accepts(("run", "collect", "report", "site"), runner="GITHUB_TOKEN")
    ] = Field(None, description="token for reading and publishing")
    model: Annotated[str, Accepts(SUMMARIZING, digest=True)] = Field(
        "", description="litellm model id; empty = built-in summarizer"
    )
    fallback_models: Annotated[list[str], Accepts(SUMMARIZING, digest=True)] = Field(
        default_factory=list, description="models tried in order when `model` fails"
    )
    exclude_authors: Annotated[list[str], Accepts(COLLECTING, digest=True)] = Field(
        default_factory=lambda: list(BOTS),
        description="authors (bots) whose PRs and commits collapse into one counted line",
    )
    api_base: Annotated[str, Accepts(SUMMARIZING, digest=True)] = Field(
        "", description="base URL of an OpenAI-compatible endpoint"
    )
    api_key: Annotated[SecretStr | None, Accepts(SUMMARIZING)] = Field(
        None, description="LLM key; else the provider's env var"
    )
    language: Annotated[Language, Accepts(SUMMARIZING, digest=True)] = Field(
        "en", description="report language: en or zh"
    )
    date: Annotated[dt.date | None, Accepts(COLLECTING)] = Field(
        None, description="last day of the window, YYYY-MM-DD; default yesterday in `timezone`"
    )
    days: Annotated[int, Accepts(COLLECTING, digest=True)] = Field(
        1, description="window length in days"
    )
    timezone: Annotated[str, Accepts(COLLECTING, digest=True)] = Field(
        "UTC", description="IANA time zone name, e.g. Asia/Shanghai"
    )
    reports_dir: Annotated[str, Accepts(ARCHIVE, digest=True)] = Field(
        "reports", description="where dated reports go"
    )
    index_file: Annotated[str, Accepts(PUBLISHING, digest=True)] = Field(
        "README.md", description="index updated between marker comments"
    )
    publish: Annotated[PublishMode | None, Accepts(ARCHIVE)] = Field(
        None, description="commit, pull-request or none; default commit on a runner, else none"
    )
    target_repo: Annotated[str | None, Accepts(ARCHIVE, runner="GITHUB_REPOSITORY")] = Field(
        None, description="repository that receives the report"
    )
    target_branch: Annotated[str | None, Accepts(ARCHIVE)] = Field(
        None, description="branch committed to, or PR base"
    )
    title: Annotated[str | None, Accepts(PUBLISHING, digest=True)] = Field(
        None, description='report title; default localized "Daily digest"'
    )
    max_input_tokens: Annotated[int | None, Accepts(SUMMARIZING, digest=True)] = Field(
        None, description="per-repository prompt budget"
    )
    max_concurrency: Annotated[int, Accepts(EVERY_COMMAND)] = Field(
        8, description="repositories collected / summarized at once"
    )
    backfill: Annotated[int, Accepts(("run",))] = Field(
        7, description="days before `date` whose missing or incomplete reports are (re)written"
    )
    feed: Annotated[bool, Accepts(ARCHIVE, digest=True)] = Field(
        True, description="keep an Atom feed, feed.xml, in `reports-dir`"
    )
    notify: Annotated[list[Notification], Accepts(PUBLISHING)] = Field(
        default_factory=list,
        description="Apprise URLs (Slack, Discord, Teams, Telegram, Feishu/Lark, mail, "
        "webhooks) told about each new or changed report; one per line",
    )
    notify_topics: Annotated[list[str], Accepts(PUBLISHING)] = Field(
        default_factory=list,
        description="topic names each notify URL is limited to: nothing is sent on a day none "
        "of them matched (a configuration file's notify: entries may have their own)",
    )
    follow_days: Annotated[int, Accepts(PUBLISHING, digest=True)] = Field(
        14, description="how many days back items told by earlier reports are followed (0: off)"
    )
    topics: Annotated[list[Topic], Accepts(PUBLISHING, digest=True)] = Field(
        default_factory=list,
        description="topics followed across repositories, one a line: `Name: word, word` "
        "(a configuration file's topics: also take labels, paths and repos)",
    )
    period: Annotated[Period, Accepts(("run",), digest=True)] = Field(
        "day",
        description="day, week (ISO week) or month; weeks and months are built from the dailies",
    )
    site_dir: Annotated[str, Accepts(SITE)] = Field(
        "_site", description="where `digest site` (stage: site) writes the static site"
    )
    announce: Annotated[AnnounceMode, Accepts(PUBLISHING)] = Field(
        "none", description="none, issue or discussion: each report posted as a GitHub thread"
    )
    announce_category: Annotated[str, Accepts(PUBLISHING)] = Field(
        "Announcements", description="the discussion category for announce: discussion"
    )
    announce_keep: Annotated[int, Accepts(PUBLISHING)] = Field(
        1, description="how many of the latest digest threads stay open"
    )
    fail_on_error: Annotated[bool, Accepts(PUBLISHING)] = Field(
        False, description="exit non-zero when any repository failed"
    )
    # A file does not name another file.
    config: Annotated[str | None, Accepts(ARCHIVE, file=False)] = Field(
        None, description="YAML file with any input, and digests: for several digests"
    )
    # A matrix job's own stage, shard and files belong in the workflow, not the file.
    stage: Annotated[Stage, Accepts(("run",), file=False)] = Field(
        "run", description="run, collect, summarize, report or site"
    )
    shard: Annotated[str | None, Accepts(COLLECTING, file=False)] = Field(
        None, description="K/N: the K-th of N shards of the repositories (collect)"
    )
    activity: Annotated[list[str], Accepts(SUMMARIZING, file=False)] = Field(
        default_factory=list,
        description="files (globs) that summarize and report read: Activity files or "
        "partial digests",
    )
    # Not action inputs: on a runner the workspace and the runner's own URLs are used.
    output_dir: Annotated[
        str, Accepts((*EVERY_COMMAND, "site"), action=False, file=False, runner="GITHUB_WORKSPACE")
    ] = Field(".", description="local directory the files are written under")
    github_api_url: Annotated[
        str, Accepts((), action=False, file=False, runner="GITHUB_API_URL")
    ] = Field("https://api.github.com", description="GitHub API base URL")
    github_server_url: Annotated[
        str, Accepts((), action=False, file=False, runner="GITHUB_SERVER_URL")
    ] = Field("https://github.com", description="GitHub web base URL")
    site_url: Annotated[str, Accepts(SITE)] = Field(
        "",
        description="where the site is served (https://owner.github.io/repo/): its feed then "
        "links its pages by absolute URLs, otherwise relative to feed.xml",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            _ActionInputs(settings_cls, os.environ),
            _ConfigFileValues(settings_cls),
            _RunnerFallbacks(settings_cls, os.environ),
        )

    @field_validator("*", mode="before")
    @classmethod
    def _split(cls, value: Any, info: ValidationInfo) -> Any:
        """Every list input, however given (cli.py lets each flag add to the others)."""
        field = info.field_name or ""
        if get_origin(cls.model_fields[field].annotation) is not list or field in _OWN_SPLIT:
            return value
        return split_list(value, r"\s+" if field in _SPACE_SEPARATED else r"[,\n]")

    @field_validator("notify", mode="before")
    @classmethod
    def _check_notify(cls, value: Any) -> list[Notification]:
        """URLs at whitespace (the input, each --notify, a file's strings), and a file's
        mappings `{url: ..., topics: [...]}`."""
        return [notification(entry) for entry in split_list(value, r"\s+")]

    @field_validator("repos")
    @classmethod
    def _check_repos(cls, repos: list[str]) -> list[str]:
        for repo in repos:
            _check_repo(repo)
        return _unique(repos)

    @field_validator("orgs")
    @classmethod
    def _check_orgs(cls, owners: list[str]) -> list[str]:
        for owner in owners:
            if not re.fullmatch(_OWNER, owner):
                raise ValueError(f"expected owners such as NVIDIA or deepseek-ai (got {owner!r})")
        return _unique(owners)

    @field_validator("topics", mode="before")
    @classmethod
    def _check_topics(cls, value: Any) -> list[Topic]:
        """Lines `Name: word, word` (the input, each --topics), a file's list of mappings."""
        return topics.declared(value)

    @field_validator("target_repo")
    @classmethod
    def _check_target(cls, repo: str | None) -> str | None:
        return _check_repo(repo) if repo else None

    @field_validator("date", mode="before")
    @classmethod
    def _check_date(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                raise ValueError(f"expected a calendar day as YYYY-MM-DD (got {value!r})") from None
        return value

    @field_validator("days")
    @classmethod
    def _check_days(cls, days: int) -> int:
        if not 1 <= days <= 366:
            raise ValueError(f"expected a whole number of days from 1 to 366 (got {days})")
        return days

    @field_validator("shard")
    @classmethod
    def _check_shard(cls, value: str | None) -> str | None:
        if value is not None:
            parse_shard(value)
        return value

    @field_validator("output_dir")
    @classmethod
    def _check_output_dir(cls, value: str) -> str:
        # Found now, not when the first file is written after a whole collection.
        path = Path(value)
        found = next((p for p in (path, *path.parents) if p.exists()), None)
        if found is not None and not found.is_dir():
            raise ValueError(
                f"must be a directory, or a path where one can be made ({found} is a file)"
            )
        return value

    @field_validator("backfill", "follow_days")
    @classmethod
    def _check_backfill(cls, days: int) -> int:
        if not 0 <= days <= 366:
            raise ValueError(f"expected a whole number of days from 0 (off) to 366 (got {days})")
        return days

    @field_validator("announce_keep")
    @classmethod
    def _check_keep(cls, value: int) -> int:
        if not 1 <= value <= 100:
            raise ValueError(f"expected a whole number from 1 to 100 (got {value})")
        return value

    @field_validator("announce_category")
    @classmethod
    def _check_category(cls, name: str) -> str:
        if not name.strip():
            raise ValueError("expected the name of a discussion category, such as Announcements")
        return name.strip()

    @field_validator("max_concurrency")
    @classmethod
    def _check_concurrency(cls, value: int) -> int:
        if not 1 <= value <= 64:
            raise ValueError(f"expected a whole number from 1 to 64 (got {value})")
        return value

    @field_validator("max_input_tokens")
    @classmethod
    def _check_budget(cls, value: int | None) -> int | None:
        if value is not None and value < 1000:
            raise ValueError(f"expected a whole number of at least 1000 (got {value})")
        return value

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"expected an IANA time zone name such as UTC or Asia/Shanghai (got {name!r})"
            ) from None
        return name

    @field_validator("reports_dir", "index_file", "site_dir")
    @classmethod
    def _check_inside_repo(cls, path: str) -> str:
        return repo_relative_path(path)

    @field_validator("site_url")
    @classmethod
    def _check_site_url(cls, url: str) -> str:
        url = url.strip()
        parts = urlsplit(url)
        if url and (parts.scheme not in ("http", "https") or not parts.netloc or parts.query):
            raise ValueError(
                "expected the site's address, an absolute http(s) URL such as "
                f"https://owner.github.io/repo/ (got {url!r})"
            )
        return url.rstrip("/") + "/" if url else ""


def accepts(field: FieldInfo) -> Accepts:
    """A Settings field's declaration of where it is accepted (every field has one)."""
    for marker in field.metadata:
        if isinstance(marker, Accepts):
            return marker
    raise TypeError(f"a Settings field without Accepts(...): {field}")


def command_flags(command: Stage) -> list[str]:
    """The fields `digest <command>` offers as --flags, in Settings' order (--help's)."""
    return [
        name for name, field in Settings.model_fields.items() if command in accepts(field).commands
    ]


def action_inputs() -> list[str]:
    """The action's inputs (action.yml, the README's table), by input name."""
    return [input_name(name) for name, f in Settings.model_fields.items() if accepts(f).action]


def file_keys() -> frozenset[str]:
    """The keys a configuration file accepts at its top level."""
    return frozenset(
        input_name(name) for name, f in Settings.model_fields.items() if accepts(f).file
    )


def digest_keys() -> frozenset[str]:
    """The keys one digest of a configuration file's `digests:` accepts."""
    return frozenset(
        input_name(name) for name, f in Settings.model_fields.items() if accepts(f).digest
    )


def parse_shard(text: str) -> Shard:
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match or not 1 <= int(match[1]) <= int(match[2]) <= 256:
        raise ValueError(f"expected K/N with 1 <= K <= N <= 256, such as 2/4 (got {text!r})")
    return Shard(number=int(match[1]), total=int(match[2]))


def _unique(names: list[str]) -> list[str]:
    """The user's order, each name once: GitHub's names are case-insensitive, so
    NVIDIA/cutlass and nvidia/cutlass are one."""
    first: dict[str, str] = {}
    for name in names:
        first.setdefault(name.lower(), name)
    return list(first.values())


def _check_repo(repo: str) -> str:
    if not REPO_RE.match(repo) or repo.split("/")[1] in {".", ".."}:
        raise ValueError(f"expected owner/name, such as vllm-project/vllm (got {repo!r})")
    return repo


_ENV_NAME = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")
_NOTIFY_FORMS = (
    "Apprise URLs, or in a configuration file mappings with url (an Apprise URL, or "
    "${NAME}: the one in environment variable NAME) and topics"
)


def notification(entry: Any) -> Notification:
    """One `notify` entry: an Apprise URL, or a configuration file's mapping `{url: ...,
    topics: [...]}`, whose `url` may name an environment variable (`${SLACK_URL}`, set from
    a secret in the workflow) so that no secret is written in the file. A URL is never
    repeated in a message."""
    if isinstance(entry, Notification):
        return entry
    if isinstance(entry, SecretStr):
        return Notification(url=entry)
    if isinstance(entry, str):
        return Notification(url=SecretStr(entry))
    if not isinstance(entry, dict):
        raise ValueError(f"expected {_NOTIFY_FORMS} (got a {type(entry).__name__})")
    unknown = sorted(str(key) for key in entry if key not in ("url", "topics"))
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r} in an entry (accepted: topics, url)")
    url = entry.get("url")
    if not isinstance(url, str) or not url.strip():
        raise ValueError(f"an entry has no url: expected {_NOTIFY_FORMS}")
    topics = split_list(entry.get("topics") or [])
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        raise ValueError("an entry's topics: expected topic names, a list or one per line")
    return Notification(url=SecretStr(url.strip()), topics=topics)


def _expanded(url: SecretStr) -> SecretStr:
    """A `notify` URL as given, or the one held by the environment variable it names
    (`${SLACK_URL}`): read only by the stages that tell anyone, so a stage that does not
    (collect, the site) needs no secret."""
    named = _ENV_NAME.fullmatch(url.get_secret_value().strip())
    if named is None:
        return url
    value = os.environ.get(named[1], "").strip()
    if not value:
        raise InputError(
            "notify",
            f"${{{named[1]}}}: the environment variable {named[1]} is not set (set it from a "
            "secret in the workflow step's env)",
        )
    return SecretStr(value)


def repo_relative_path(path: str) -> str:
    """Normalize a path that must stay inside the repository; reject anything else."""
    cleaned = path.strip().replace("\\", "/")
    normal = posixpath.normpath(cleaned) if cleaned else ""
    if not cleaned or cleaned.startswith("/") or normal == ".." or normal.startswith("../"):
        raise ValueError(f"expected a relative path inside the repository (got {path!r})")
    if normal.startswith(".git/") or normal == ".git":
        raise ValueError(f"expected a path outside .git (got {path!r})")
    return normal


def load_settings(
    file: ConfigFile | None = None, digest: dict[str, Any] | None = None, **cli_values: Any
) -> Settings:
    """Build Settings or raise InputError with one line naming the input. With a
    configuration file, its top level ranks below the inputs; a digest's own keys rank
    above everything."""
    inputs = {k: v for k, v in cli_values.items() if v is not None}
    given = inputs | (digest or {})
    token = _FILE_VALUES.set(file.top if file else None)
    try:
        if digest and "topics" in digest:
            # The run's topics are every digest's: a digest's own add to them.
            own = {k: v for k, v in given.items() if k != "topics"}
            run = Settings(**own, **({"topics": inputs["topics"]} if "topics" in inputs else {}))
            given["topics"] = [*run.topics, *_digest_topics(digest["topics"], file)]
        return Settings(**given)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "settings"
        message = _explain(error)
        if file and (field in (digest or {}) or (field in file.top and field not in given)):
            message = f"{message} (in {file.name})"
        raise InputError(field, message) from None
    finally:
        _FILE_VALUES.reset(token)


def _digest_topics(value: Any, file: ConfigFile | None) -> list[Topic]:
    try:
        return topics.declared(value)
    except ValueError as exc:
        raise InputError("topics", f"{exc} (in {file.name if file else 'a digest'})") from None


def github_client(settings: Settings) -> GitHubAPI | None:
    """The run's GitHub client (none without a token), built before the configuration file is
    read from the target repository so that its request is counted with the run's."""
    from digest.github import connect  # imports PyGithub: only when it may be needed

    token = settings.github_token.get_secret_value() if settings.github_token else None
    return connect(token, settings.github_api_url) if token else None


def load_config_file(settings: Settings, api: GitHubAPI | None) -> ConfigFile | None:
    """The configuration file `config` names, or the default one if it exists (read from the
    target repository through `api` when the workspace has none)."""
    return configfile.load(
        Settings,
        configfile.Keys(top=file_keys(), digest=digest_keys()),
        path=settings.config,
        workspace=Path(settings.output_dir),
        api=api,
        target_repo=settings.target_repo,
        target_branch=settings.target_branch,
    )


def digests_of(file: ConfigFile | None, **cli_values: Any) -> list[Settings]:
    """The settings of each digest the file lists (none: the run is one digest)."""
    if file is None:
        return []
    digests = [load_settings(file, digest, **cli_values) for digest in file.digests]
    seen: dict[str, int] = {}
    for number, digest in enumerate(digests, start=1):
        for path in (digest.reports_dir, digest.index_file):
            if path in seen and seen[path] != number:
                raise InputError(
                    "config",
                    f"{file.name}: digests {seen[path]} and {number} both write {path}; give "
                    "each its own reports-dir and index-file",
                )
            seen[path] = number
    return digests


def _explain(error: Any) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    kind = error["type"]
    got = error.get("input")
    if kind == "missing":
        return "is required"
    if kind == "literal_error":
        return f"expected {message.removeprefix('Input should be ')} (got {got!r})"
    if kind.startswith("int_"):
        return f"expected a whole number (got {got!r})"
    if kind.startswith("bool_"):
        return f"expected true or false (got {got!r})"
    return message


def build_plan(
    settings: Settings,
    stage: Stage,
    *,
    on_runner: bool = False,
    activity: Activity | None = None,
    output: str | None = None,
    now: dt.datetime | None = None,
    digests: list[Settings] | None = None,
    summaries: list[RepoSummary] | None = None,
    summaries_language: str | None = None,
) -> Plan:
    """The run's plan: a job per digest (one, without a configuration file's `digests:`).
    Backfill adds jobs for earlier dates once the archive is read."""
    if digests and stage != "run":
        raise InputError(
            "config",
            f"lists {len(digests)} digests; `digest {stage}` works on one (use `digest run`)",
        )
    if stage in ("summarize", "report") and activity is None:
        raise InputError(
            "activity",
            f"is required with stage {stage}: the files `digest collect` (or, for report, "
            "`digest summarize`) wrote",
        )
    if summaries_language and summaries_language != settings.language:
        raise InputError(
            "language",
            f"must be the partial digests' language, {summaries_language} (got "
            f"{settings.language}): set the same language in the summarize and report jobs",
        )
    shard = parse_shard(settings.shard) if settings.shard else None
    if shard and stage != "collect":
        raise InputError("shard", f"applies to stage collect, not {stage}")
    return Plan(
        stage=stage,
        jobs=[_job(d, activity, now, stage) for d in (digests or [settings])],
        target=_target(settings, on_runner),
        github=GitHubSetup(
            api_url=settings.github_api_url,
            server_url=settings.github_server_url,
            token=settings.github_token,
        ),
        max_concurrency=settings.max_concurrency,
        fail_on_error=settings.fail_on_error,
        backfill=settings.backfill if stage == "run" else 0,
        notify=_notifications(settings, digests or [settings], stage),
        announce=Announce(
            mode=settings.announce,
            category=settings.announce_category,
            keep=settings.announce_keep,
        ),
        site_dir=str(Path(settings.output_dir) / settings.site_dir),
        site_url=settings.site_url or None,
        output=output or _default_output(stage, shard, activity, settings),
        shard=shard,
        activity=whole(activity) if activity and stage == "report" else activity,
        summaries=summaries,
    )


def _notifications(settings: Settings, digests: list[Settings], stage: Stage) -> list[Notification]:
    """Each `notify` URL with the topics it is limited to, as declared: its own (a
    configuration file's entry), else `notify-topics`. A name no digest declares is bad
    input (compared without case), said before anything is asked. Only the stages that
    write reports tell anyone; the others have no channel."""
    declared = {t.name.casefold(): t.name for d in digests for t in d.topics}

    def named(given: list[str], field: str) -> list[str]:
        names = [" ".join(name.split()) for name in given]  # as declared names are
        for name in names:
            if name.casefold() not in declared:
                known = ", ".join(dict.fromkeys(declared.values()))
                hint = f"declared: {known}" if known else "no topic is declared: see topics"
                raise InputError(field, f"names no topic: {name!r} ({hint})")
        return [declared[name.casefold()] for name in names]

    limited = named(settings.notify_topics, "notify-topics")
    found = [
        n.updated(topics=named(n.topics, "notify") if n.topics else limited)
        for n in settings.notify
    ]
    if stage not in ("run", "report"):
        return []
    return [n.updated(url=_expanded(n.url)) for n in found]


def _default_output(
    stage: Stage, shard: Shard | None, activity: Activity | None, settings: Settings
) -> str | None:
    """collect: activity-K-of-N.json in the workspace (stdout without a shard); summarize:
    summaries-K-of-N.json, numbered after the shard it read."""
    if stage == "collect":
        return str(Path(settings.output_dir) / default_name("activity", shard)) if shard else "-"
    if stage == "summarize":
        read = activity.shard if activity else None
        return str(Path(settings.output_dir) / default_name("summaries", read))
    return None


def _job(
    settings: Settings, activity: Activity | None, now: dt.datetime | None, stage: Stage
) -> Job:
    # `site` reads what was published: it needs no repositories to collect.
    listed = settings.repos or settings.orgs or settings.search
    if activity is None and not listed and stage != "site":
        raise InputError(
            "repos",
            "is required (or orgs, or search): one or more owner/name, comma- or newline-separated",
        )
    window = activity.window if activity else None
    if window is not None and settings.date and settings.date != window.date:
        raise InputError(
            "date", f"must match the activity file, which holds {window.date} (got {settings.date})"
        )
    return Job(
        repos=[r.repo for r in activity.repos] if activity else settings.repos,
        span=calendar.days_to(window.date, window.days) if window else _span(settings, now),
        timezone=window.timezone if window else settings.timezone,
        language=settings.language,
        title=settings.title,
        layout=Layout(reports_dir=settings.reports_dir, index_file=settings.index_file),
        model=_model_setup(settings),
        exclude_authors=settings.exclude_authors,
        feed=settings.feed,
        follow_days=settings.follow_days,
        orgs=settings.orgs if activity is None else [],
        search=settings.search if activity is None else None,
        exclude=settings.exclude,
        topics=settings.topics,
    )


def _span(settings: Settings, now: dt.datetime | None) -> calendar.Span:
    """The days the report covers: `days` days up to `date` (by default yesterday in its
    time zone, and never after today there); a week's or a month's, the last complete one
    up to `date`."""
    today = calendar.today(settings.timezone, now)
    last = settings.date or calendar.yesterday(settings.timezone, now)
    if last > today:
        raise InputError("date", f"must not be after today in {settings.timezone} (got {last})")
    if settings.period == "day":
        return calendar.days_to(last, settings.days)
    return calendar.last_complete(settings.period, last)


def _target(settings: Settings, on_runner: bool) -> Target:
    mode = settings.publish or ("commit" if on_runner else "none")
    if mode != "none" and not settings.target_repo:
        raise InputError(
            "target-repo",
            f"is required with publish: {mode} (owner/name; on a runner it defaults to the "
            "workflow's repository), or set publish: none to only write files",
        )
    return Target(
        mode=mode,
        repo=settings.target_repo if mode != "none" else None,
        branch=settings.target_branch,
        directory=settings.output_dir,
    )


# GitHub Models: an OpenAI-compatible endpoint that takes the workflow's own token when the
# job has `permissions: models: read`. litellm's `github/` provider still defaults to the
# endpoint GitHub retired, so digest names the current one.
GITHUB_MODELS = "github/"
GITHUB_MODELS_API = "https://models.github.ai/inference"


def _model_setup(settings: Settings) -> ModelSetup | None:
    if not settings.model:
        return None
    models = [settings.model, *settings.fallback_models]
    github_models = all(m.startswith(GITHUB_MODELS) for m in models)
    return ModelSetup(
        models=models,
        api_base=settings.api_base or (GITHUB_MODELS_API if github_models else None),
        # no secret to manage: the token that reads the repositories is the key
        api_key=settings.api_key or (settings.github_token if github_models else None),
        max_input_tokens=settings.max_input_tokens,
    )
