"""The command line as a user meets it: flags per command, help, exit codes, model checks."""

from __future__ import annotations

import os

import pytest

from digest import __version__
from digest.cli import main
from tests.conftest import run_python
from tests.fakegithub.builders import at, merged_pr
from tests.fakegithub.server import FakeRepo
from tests.fakellm.server import FakeLLM, diligent

DAY = ["--repos", "vllm-project/vllm", "--date", "2026-02-04"]


@pytest.fixture
def day(github):
    repo = github.add(FakeRepo("vllm-project/vllm"))
    merged_pr(repo, 34049, "[Kernel] FlashInfer MLA backend", at("2026-02-04 10:00"))
    return github


@pytest.fixture
def no_provider_keys(monkeypatch):
    for name in list(os.environ):
        if name.endswith(("_API_KEY", "_API_BASE")):
            monkeypatch.delenv(name)


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize(
    ("model", "extra", "name", "says"),
    [
        ("gpt4o", [], "model", "litellm cannot resolve 'gpt4o'"),
        ("openai/gpt-4.1-mini", [], "api-key", "OPENAI_API_KEY"),
        ("anthropic/claude-sonnet-4-5", [], "api-key", "ANTHROPIC_API_KEY"),
        (
            "openai/gpt-4.1-mini",
            ["--api-key", "sk-x", "--fallback-models", "gpt4o"],
            "fallback-models",
            "litellm cannot resolve 'gpt4o'",
        ),
    ],
)
def test_a_model_that_cannot_work_is_bad_input_and_nothing_is_written(
    model, extra, name, says, day, no_provider_keys, tmp_path, capsys
):
    code = main(["run", *DAY, "--output-dir", str(tmp_path), "--model", model, *extra])
    captured = capsys.readouterr()
    assert code == 2
    line = one_line(captured.err)
    assert f"input '{name}'" in line and says in line
    assert "Give Feedback" not in captured.out + captured.err
    assert "Provider List" not in captured.out + captured.err
    # The check runs while GitHub is read (litellm's import takes seconds): it may have read,
    # but it wrote nothing.
    assert list(tmp_path.iterdir()) == []


def test_a_bad_model_is_named_even_when_github_cannot_be_reached(
    no_provider_keys, tmp_path, capsys
):
    argv = ["run", *DAY, "--output-dir", str(tmp_path), "--model", "gpt4o"]
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GITHUB_API_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
        env.setenv("GITHUB_TOKEN", "t")
        code = main(argv)
    line = one_line(capsys.readouterr().err)
    assert code == 2
    assert "input 'model'" in line and "litellm cannot resolve 'gpt4o'" in line
    assert list(tmp_path.iterdir()) == []


def test_a_self_hosted_server_needs_no_key(day, no_provider_keys, tmp_path):
    with FakeLLM(diligent) as llm:
        argv = ["run", *DAY, "--output-dir", str(tmp_path), "--model", "openai/served-model"]
        assert main([*argv, "--api-base", llm.api_base]) == 0
    assert len(llm.requests) == 2  # the repository and the overall summary


def test_without_the_llm_extra_a_model_names_the_extra(tmp_path):
    code = (
        "import sys; sys.modules['litellm'] = None; from digest.cli import main; "
        f"sys.exit(main(['run', '--repos', 'a/b', '--output-dir', {str(tmp_path)!r}, "
        "'--model', 'openai/gpt-4.1-mini']))"
    )
    done = run_python(["-c", code], {"PATH": os.environ["PATH"], "GITHUB_TOKEN": "t"})
    assert done.returncode == 2
    line = one_line(done.stderr)
    assert "input 'model'" in line and "pip install 'digest[llm]'" in line
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("argv", "unknown"),
    [
        (["report", "--activity", "a.json", "--date", "2026-02-05"], "--date"),
        (["report", "--activity", "a.json", "--repos", "a/b"], "--repos"),
        (["collect", *DAY, "--model", "openai/gpt-4.1-mini"], "--model"),
        (["collect", *DAY, "--publish", "commit"], "--publish"),
    ],
)
def test_commands_offer_only_the_flags_that_apply(argv, unknown, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert unknown in capsys.readouterr().err


def test_verbose_works_after_the_command(day, tmp_path, capsys):
    assert main(["run", "-v", *DAY, "--output-dir", str(tmp_path)]) == 0
    assert "INFO digest.pipeline: collected 1 repositories" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["run", "collect", "report"])
def test_help_shows_defaults_an_example_and_the_environment(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = capsys.readouterr().out
    assert f"example:\n  digest {command} " in text
    assert "GITHUB_TOKEN" in text and "GITHUB_API_URL" in text
    if command != "collect":
        assert "(default: reports)" in text
    if command != "report":
        assert "(default: UTC)" in text


def test_an_unexpected_failure_is_one_line_and_exit_1(day, tmp_path, monkeypatch, capsys):
    from digest.pipeline import sources

    def broken(*_args, **_kwargs):
        raise ValueError("cannot parse\nsecond line of a long message")

    monkeypatch.setattr(sources, "collect", broken)
    assert main(["run", *DAY, "--output-dir", str(tmp_path)]) == 1
    line = one_line(capsys.readouterr().err)
    assert "ValueError: cannot parse" in line and "DIGEST_DEBUG=1" in line


def test_redaction_never_mangles_words():
    from digest.summarize.llm import redact

    assert redact("OpenAIException - Incorrect API key", "x") == (
        "OpenAIException - Incorrect API key"
    )
    assert redact("key sk-abc rejected", "sk-abc") == "key *** rejected"
    assert "org-SECRET123456" not in redact("account org-SECRET123456 over quota", None)


def test_a_rejected_token_is_one_line_at_the_first_request(day, target, monkeypatch, capsys):
    # The first request of a run on a runner reads the configuration file from the target.
    monkeypatch.setenv("GITHUB_REPOSITORY", "me/digests")
    monkeypatch.setenv("GITHUB_TOKEN", "expired")
    assert main(["run", *DAY]) == 1
    line = one_line(capsys.readouterr().err)
    assert "GitHub rejected the token (HTTP 401)" in line and "unexpected" not in line


def test_the_job_log_opens_with_what_the_run_does(day, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")  # a runner: INFO lines are the job log
    assert main(["run", *DAY, "--output-dir", str(tmp_path), "--publish", "none"]) == 0
    shown = [line for line in capsys.readouterr().err.splitlines() if "::add-mask::" not in line]
    assert shown[0] == (
        f"INFO digest: {__version__} run: day 2026-02-04 (UTC) of 1 repository, "
        "by the built-in summarizer; publish: none"
    )
    assert main(["site", "--output-dir", str(tmp_path), "--publish", "none"]) == 0
    shown = [line for line in capsys.readouterr().err.splitlines() if "::add-mask::" not in line]
    assert shown[0] == f"INFO digest: {__version__} site: the reports in reports -> " + str(
        tmp_path / "_site"
    )


def test_a_repository_that_does_not_exist_is_one_warning_and_the_others_are_reported(
    day, tmp_path, capsys
):
    """GitHub's own words ("Could not resolve to a Repository…") are for `-v`; the user
    reads one line naming the repository, and the other one is reported."""
    argv = ["run", "--repos", "vllm-project/vllm,doesnot/exist", "--date", "2026-02-04"]
    assert main([*argv, "--output-dir", str(tmp_path)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "doesnot/exist" in err[0] and "Could not resolve" not in err[0], err
    assert "vllm-project/vllm/pull/34049" in (tmp_path / "reports/2026-02-04.md").read_text()
