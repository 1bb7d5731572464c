"""Bad input: one line naming the input, a non-zero exit, no request, nothing written."""

from __future__ import annotations

import pytest

from digest.cli import main
from digest.config import (
    Settings,
    accepts,
    action_inputs,
    command_flags,
    digest_keys,
    file_keys,
    load_settings,
)
from digest.models import Notification, Topic

GOOD = ["--repos", "vllm-project/vllm", "--date", "2026-02-04"]

BAD_INPUTS = [
    (["--repos", "vllm"], "repos", "owner/name"),
    (["--repos", "vllm-project/vllm,not a repo"], "repos", "owner/name"),
    (["--repos", "https://github.com/vllm-project/vllm"], "repos", "owner/name"),
    (["--repos", " , "], "repos", "is required"),
    ([*GOOD, "--date", "2026-02-30"], "date", "YYYY-MM-DD"),
    ([*GOOD, "--date", "04/02/2026"], "date", "YYYY-MM-DD"),
    ([*GOOD, "--date", "2999-01-01"], "date", "after today"),
    ([*GOOD, "--timezone", "Beijing"], "timezone", "IANA"),
    ([*GOOD, "--days", "0"], "days", "from 1"),
    ([*GOOD, "--days", "seven"], "days", "whole number"),
    ([*GOOD, "--language", "fr"], "language", "'en' or 'zh'"),
    ([*GOOD, "--publish", "push"], "publish", "'commit', 'pull-request' or 'none'"),
    ([*GOOD, "--reports-dir", "../elsewhere"], "reports-dir", "inside the repository"),
    ([*GOOD, "--reports-dir", "/tmp/reports"], "reports-dir", "inside the repository"),
    ([*GOOD, "--index-file", "docs/../../README.md"], "index-file", "inside the repository"),
    ([*GOOD, "--index-file", ".git/config"], "index-file", ".git"),
    ([*GOOD, "--max-concurrency", "0"], "max-concurrency", "from 1"),
    ([*GOOD, "--fail-on-error", "perhaps"], "fail-on-error", "true or false"),
]


@pytest.mark.parametrize(("argv", "name", "accepted"), BAD_INPUTS)
def test_bad_flag_is_one_line_and_writes_nothing(argv, name, accepted, github, tmp_path, capsys):
    code = main(["run", *argv, "--output-dir", str(tmp_path)])
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert err.count("\n") == 0, err
    assert f"'{name}'" in err and accepted in err
    assert list(tmp_path.iterdir()) == []
    assert github.requests == []


def test_no_repos_at_all(github, tmp_path, capsys):
    assert main(["run", "--output-dir", str(tmp_path)]) == 2
    assert "input 'repos' is required" in capsys.readouterr().err
    assert github.requests == []


def test_bad_input_from_the_runner_environment(github, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("INPUT_REPOS", "vllm-project/vllm")
    monkeypatch.setenv("INPUT_TIMEZONE", "Asia/Beijing")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    assert main(["run"]) == 2
    assert "input 'timezone'" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_runner_inputs_keep_hyphens_and_empty_means_unset(monkeypatch):
    monkeypatch.setenv("INPUT_REPOS", "a/b\n c/d ,a/b\n")
    monkeypatch.setenv("INPUT_REPORTS-DIR", "daily/reports/")
    monkeypatch.setenv("INPUT_INDEX-FILE", "")  # the runner passes unset inputs as ""
    monkeypatch.setenv("INPUT_DAYS", "7")
    monkeypatch.setenv("REPORTS_DIR", "not-an-input")
    settings = load_settings()
    assert settings.repos == ["a/b", "c/d"]
    assert settings.reports_dir == "daily/reports"
    assert settings.index_file == "README.md"
    assert settings.days == 7


def test_flags_override_inputs_which_override_runner_variables(monkeypatch):
    monkeypatch.setenv("GITHUB_REPOSITORY", "me/runner")
    monkeypatch.setenv("GITHUB_TOKEN", "from-runner")
    assert load_settings().target_repo == "me/runner"
    monkeypatch.setenv("INPUT_TARGET-REPO", "me/input")
    monkeypatch.setenv("INPUT_GITHUB-TOKEN", "from-input")
    settings = load_settings()
    assert settings.target_repo == "me/input"
    assert settings.github_token.get_secret_value() == "from-input"
    assert load_settings(target_repo="me/flag").target_repo == "me/flag"


def test_every_setting_declares_where_it_is_accepted():
    for field in Settings.model_fields.values():
        assert accepts(field)  # raises TypeError for a field without Accepts(...)


def test_run_offers_every_flag_a_stage_offers():
    # The action's entry point is `digest run`; it runs any stage through `stage`.
    offered = {name for name, f in Settings.model_fields.items() if accepts(f).commands}
    assert set(command_flags("run")) == offered


def test_what_one_digest_may_set_a_file_may_set_and_what_a_file_sets_is_an_input():
    assert digest_keys() <= file_keys() <= set(action_inputs())


# Two values of each list input, as a user gives them one flag at a time.
LISTS = {
    "repos": ["vllm-project/vllm", "sgl-project/sglang"],
    "orgs": ["NVIDIA", "deepseek-ai"],
    "exclude": ["NVIDIA/*-docs", "deepseek-ai/old"],
    "fallback_models": ["openai/gpt-4o-mini", "anthropic/claude-haiku-4-5"],
    "exclude_authors": ["dependabot[bot]", "ci-bot"],
    "notify": ["json://127.0.0.1:9/a", "mailto://u:p@example.com?to=a@x.org,b@x.org"],
    "activity": ["activity-1-of-2.json", "activity-2-of-2.json"],
    "topics": ["FP4 / FP8: nvfp4, fp8", "Blackwell: sm100, gb200"],
    "notify_topics": ["FP4 / FP8", "Blackwell"],
}


def _settings_from(argv: list[str]) -> Settings:
    from digest.cli import build_parser

    args = build_parser().parse_args(["run", *argv])
    return load_settings(**{k: v for k, v in vars(args).items() if k in Settings.model_fields})


def _values(settings: Settings, name: str) -> list[str]:
    return [
        v.url.get_secret_value()
        if isinstance(v, Notification)
        else f"{v.name}: {', '.join(v.match)}"
        if isinstance(v, Topic)
        else v
        for v in getattr(settings, name)
    ]


def test_every_list_flag_given_twice_keeps_both():
    """`--repos a --repos b` follows both (so does every list input), as `--notify` does."""
    from typing import get_origin

    lists = [
        n for n in command_flags("run") if get_origin(Settings.model_fields[n].annotation) is list
    ]
    assert sorted(lists) == sorted(LISTS)  # a new list input gets a case here
    for name, (first, second) in LISTS.items():
        flag = f"--{name.replace('_', '-')}"
        assert _values(_settings_from([flag, first, flag, second]), name) == [first, second], name


def test_list_flags_mix_separated_values_and_repeated_flags():
    settings = _settings_from(
        [
            "--repos",
            "a/b,c/d",
            "--repos",
            "e/f\ng/h",
            "--exclude-authors",
            "x",
            "--exclude-authors",
            "y,z",
        ]
    )
    assert settings.repos == ["a/b", "c/d", "e/f", "g/h"]
    assert settings.exclude_authors == ["x", "y", "z"]
    # a comma inside an Apprise URL is part of it; spaces and lines separate URLs
    notify = _settings_from(
        ["--notify", "json://h/a mailto://u:p@h?to=a,b", "--notify", "json://h/c"]
    )
    assert _values(notify, "notify") == ["json://h/a", "mailto://u:p@h?to=a,b", "json://h/c"]
