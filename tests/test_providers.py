"""Each provider's documented answers, replayed through litellm's real HTTP clients and
digest's own run: the right retry, fallback or one-line failure, and nothing leaked.

The cassettes (tests/cassettes/<provider>/<case>.yaml, sources in its README.md) are
replayed by vcrpy below the provider SDKs: the openai SDK's httpx client (OpenAI, GitHub
Models, self-hosted servers) and litellm's own httpx handler (Anthropic, OpenRouter).

| cassette | what it proves |
|---|---|
| */success | each provider's answer is parsed: the report shows the model's summary |
| openai/rate_limited_retry_after | a 429 with Retry-After waits what it asks, then succeeds |
| openai/rate_limited_no_retry_after | a 429 without it backs off (1-2 s), then succeeds |
| openai/insufficient_quota | an exhausted quota (also a 429) is not retried: one call, one line |
| openai/invalid_api_key | a rejected key is not retried, nor called again for the overall summary |
| openai/context_length_exceeded | a too-long prompt moves to `fallback-models` at once |
| openai/content_filter | a filtered answer is not "repaired" with the same data: built-in summary |
| anthropic/overloaded | 529 overloaded is retried with backoff, then succeeds |
| anthropic/rate_limited_retry_after | Anthropic's retry-after is honoured |
| anthropic/spend_cap | a 429 for the tier's spend cap (no retry-after) is not retried |
| anthropic/spend_limit | the 400 for the organization's own spend limit counts as quota |
| anthropic/invalid_api_key | a rejected key: one call, one line |
| anthropic/refusal | stop_reason refusal falls back without a repair call |
| openrouter/upstream_rate_limited | a 429 without Retry-After backs off; its user_id is in no log |
| openrouter/rate_limited_retry_after | OpenRouter's Retry-After is honoured |
| openrouter/insufficient_credits | a 402 is not retried: one call, one line |
| openrouter/invalid_api_key | a rejected key: one call |
| github/daily_limit | a daily cap (Retry-After: 14.5 h) is not waited for: one call |
| github/per_minute_limit | a per-minute cap waits its Retry-After, then succeeds |
| github/content_filter | Azure's content_filter 400 falls back, the overall summary still works |
| vllm/context_length_exceeded | a self-hosted server's 400 falls back to the built-in summary |
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import vcr
import yaml

from digest.cli import main
from tests.conftest import tree

CASSETTES = Path(__file__).parent / "cassettes"
KEYS = {
    "openai": "sk-proj-Zq8vT3kLm2Nx7Rb4Wc9Yd1Hf6Gj0Pa5Se2Ut8Iw3Oy7Zz9Q",
    "anthropic": "sk-ant-api03-Hk2Lm9Np4Qr7St1Uv6Wx3Yz8Ab5Cd0Ef2Gh7Ij4Kl9Mn1-Op6QrAA",
    "openrouter": "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",
}
WORKFLOW_TOKEN = "ghs_16C7e42F292c6912E7710c838347Ae178B4a"  # GitHub Models' key (GITHUB_TOKEN)
OVERVIEW = "FlashInfer fixed XQA shared memory on GPUs other than 0"
NOTE = "Summarized by the built-in summarizer this time."
RETIRED = "it is not called again in this run"


def backoff(attempt: int) -> tuple[float, float]:
    """tenacity's exponential wait with up to 1 s of jitter, for the n-th retry."""
    return 2.0 ** (attempt - 1), 2.0 ** (attempt - 1) + 1.0


@dataclass(frozen=True)
class Case:
    cassette: str
    model: str
    calls: int  # HTTP requests in the whole run: every interaction played, none more
    waits: tuple[tuple[float, float], ...] = ()  # each wait asked for, as (at least, at most)
    repo: str | None = None  # the repository summary's fallback kind (None: the model wrote it)
    overall: str | None = None  # the overall summary's
    retired: bool = False  # one log line says the model is not called again
    extra: tuple[str, ...] = ()
    method: str | None = None  # who wrote the repository summary, when not `model`


OPENAI, ANTHROPIC = "openai/gpt-4.1-mini", "anthropic/claude-sonnet-4-5"
OPENROUTER, GITHUB = "openrouter/deepseek/deepseek-chat-v3.1", "github/openai/gpt-4.1-mini"
VLLM = ("--api-base", "http://gpu-box.internal:8000/v1")
CASES = [
    Case("openai/success", OPENAI, 2),
    Case("openai/rate_limited_retry_after", OPENAI, 3, waits=((7, 7),)),
    Case("openai/rate_limited_no_retry_after", OPENAI, 3, waits=(backoff(1),)),
    Case("openai/insufficient_quota", OPENAI, 1, repo="quota", overall="quota", retired=True),
    Case("openai/invalid_api_key", OPENAI, 1, repo="auth", overall="auth", retired=True),
    Case(
        "openai/context_length_exceeded",
        OPENAI,
        3,
        extra=("--fallback-models", "openai/gpt-4.1"),
        method="openai/gpt-4.1",
    ),
    Case("openai/content_filter", OPENAI, 2, repo="content_filtered"),
    Case("anthropic/success", ANTHROPIC, 2),
    Case("anthropic/overloaded", ANTHROPIC, 4, waits=(backoff(1), backoff(2))),
    Case("anthropic/rate_limited_retry_after", ANTHROPIC, 3, waits=((12, 12),)),
    Case("anthropic/spend_cap", ANTHROPIC, 1, repo="quota", overall="quota", retired=True),
    Case("anthropic/spend_limit", ANTHROPIC, 1, repo="quota", overall="quota", retired=True),
    Case("anthropic/invalid_api_key", ANTHROPIC, 1, repo="auth", overall="auth", retired=True),
    Case("anthropic/refusal", ANTHROPIC, 2, repo="content_filtered"),
    Case("openrouter/success", OPENROUTER, 2),
    Case("openrouter/upstream_rate_limited", OPENROUTER, 3, waits=(backoff(1),)),
    Case("openrouter/rate_limited_retry_after", OPENROUTER, 3, waits=((29, 29),)),
    Case(
        "openrouter/insufficient_credits",
        OPENROUTER,
        1,
        repo="quota",
        overall="quota",
        retired=True,
    ),
    Case("openrouter/invalid_api_key", OPENROUTER, 1, repo="auth", overall="auth", retired=True),
    Case("github/success", GITHUB, 2),
    Case("github/daily_limit", GITHUB, 1, repo="quota", overall="quota", retired=True),
    Case("github/per_minute_limit", GITHUB, 3, waits=((37, 37),)),
    Case("github/content_filter", GITHUB, 2, repo="content_filtered"),
    Case("vllm/success", "openai/Qwen/Qwen3-32B", 2, extra=VLLM),
    Case(
        "vllm/context_length_exceeded",
        "openai/Qwen/Qwen3-32B",
        2,
        repo="context_window",
        extra=VLLM,
    ),
]


def test_every_cassette_is_in_the_table():
    on_disk = {str(p.relative_to(CASSETTES).with_suffix("")) for p in CASSETTES.rglob("*.yaml")}
    assert on_disk == {case.cassette for case in CASES}


def activity_file(folder: Path) -> Path:
    """One day of flashinfer-ai/flashinfer as collect writes it (the `report` stage reads it:
    the model path under test starts there, whatever GitHub answered)."""
    from digest import __version__, calendar
    from digest.models import Activity, Issue, PullRequest, Release, RepoActivity

    def when(text: str) -> dt.datetime:
        return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)

    url = "https://github.com/flashinfer-ai/flashinfer"
    pulls = [
        PullRequest(number=2490, title="[Bugfix] Fix XQA smem on GPUs other than 0",
                    url=f"{url}/pull/2490", author="yzh119", state="merged",
                    created_at=when("2026-02-03 09:00"), merged_at=when("2026-02-04 10:00"),
                    merged_in_window=True, opened_in_window=False),
        PullRequest(number=2491, title="perf: vectorize mxfp4 quantize", url=f"{url}/pull/2491",
                    author="nvjullin", state="merged", created_at=when("2026-02-04 08:00"),
                    merged_at=when("2026-02-04 12:00"), merged_in_window=True,
                    opened_in_window=True),
    ]  # fmt: skip
    issue = Issue(number=2496, title="mxfp4 quantization is slow", url=f"{url}/issues/2496",
                  state="open", created_at=when("2026-02-04 19:42"), opened_in_window=True,
                  closed_in_window=False)  # fmt: skip
    release = Release(tag="v0.6.3", name="v0.6.3", url=f"{url}/releases/tag/v0.6.3",
                      published_at=when("2026-02-04 15:00"))  # fmt: skip
    activity = Activity(
        tool_version=__version__,
        window=calendar.window(calendar.of("day", dt.date(2026, 2, 4)), "UTC"),
        repos=[RepoActivity(repo="flashinfer-ai/flashinfer", url=url, default_branch="main",
                            pulls=pulls, issues=[issue], releases=[release])],
    )  # fmt: skip
    path = folder / "activity.json"
    path.write_text(activity.model_dump_json())
    return path


@dataclass
class Replay:
    code: int
    calls: int
    all_played: bool
    models: list[str]  # the model of each attempt, as digest asked litellm
    waits: list[float]
    log: str  # everything printed: log lines, annotations, the job summary


def key_of(case: Case) -> str | None:
    provider = case.model.split("/")[0]
    return WORKFLOW_TOKEN if provider == "github" else KEYS.get(provider)


def replay(case: Case, out: Path, monkeypatch, capsys) -> Replay:
    import litellm

    from digest.summarize import llm

    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENROUTER_API_KEY", "GITHUB_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    summary, outputs = out.parent / "step-summary.md", out.parent / "outputs.txt"
    for name, path in (("GITHUB_STEP_SUMMARY", summary), ("GITHUB_OUTPUT", outputs)):
        path.write_text("")
        monkeypatch.setenv(name, str(path))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_TOKEN", WORKFLOW_TOKEN)
    logging.getLogger("vcr").setLevel(logging.WARNING)  # it logs each body it replays
    waits: list[float] = []
    monkeypatch.setattr(llm, "_nap", waits.append)  # the waits asked, without waiting
    models: list[str] = []
    completion = litellm.completion

    def recording(**kwargs):
        models.append(kwargs["model"])
        return completion(**kwargs)

    monkeypatch.setattr(litellm, "completion", recording)
    key = KEYS.get(case.model.split("/")[0])  # GitHub Models: the workflow's token
    replayer = vcr.VCR(
        record_mode="none",
        match_on=["method", "scheme", "host", "path"],  # never headers, never bodies
        filter_headers=["authorization", "x-api-key", "api-key"],
        # Only httpx, which litellm's clients use (a call through another library would
        # try the network and fail the test); PyGithub's requests to the local GitHub pass.
        skip_patchers=("httplib", "requests", "boto3", "urllib3", "httplib2", "tornado", "aiohttp"),
    )
    with replayer.use_cassette(str(CASSETTES / f"{case.cassette}.yaml")) as cassette:
        code = main(
            [
                "report",
                "--activity",
                str(activity_file(out.parent)),
                "--output-dir",
                str(out),
                "--publish",
                "none",
                "--max-concurrency",
                "1",
                "--model",
                case.model,
                *(["--api-key", key] if key else []),
                *case.extra,
            ]
        )
    printed = capsys.readouterr()
    log = "\n".join(
        line
        for line in (printed.out + printed.err + summary.read_text()).splitlines()
        if not line.startswith("::add-mask::")  # the runner hides the key from here on
    )
    return Replay(code, cassette.play_count, cassette.all_played, models, waits, log)


def provider_said(case: Case) -> set[str]:
    """What an error body or a header held that a reader could notice: messages (words) and
    ids (with digits): request ids, account ids, limits. Bare codes such as `content_filter`
    are left out: digest's own fallback kinds (`content_filtered`) may resemble them."""
    document = yaml.safe_load((CASSETTES / f"{case.cassette}.yaml").read_text())
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and len(value) >= 8 and re.search(r"[\s\d]", value):
            found.add(value)

    for interaction in document["interactions"]:
        response = interaction["response"]
        walk({k: v for k, v in response["headers"].items() if k != "content-type"})
        if response["status"]["code"] != 200:
            walk(json.loads(response["body"]["string"]))
    return found


@pytest.mark.parametrize("case", CASES, ids=[c.cassette for c in CASES])
def test_provider_answer(case: Case, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    run = replay(case, out, monkeypatch, capsys)

    assert run.code == 0  # a model's failure is contained: the digest is still written
    assert (run.calls, run.all_played) == (case.calls, True)
    assert len(run.waits) == len(case.waits)
    for waited, (least, most) in zip(run.waits, case.waits, strict=True):
        assert least <= waited <= most

    digest = json.loads((out / "reports/2026-02-04.json").read_text())
    report = (out / "reports/2026-02-04.md").read_text()
    repo = digest["repos"][0]
    assert (repo["fallback"], digest["overall"]["fallback"]) == (case.repo, case.overall)
    if case.repo is None:
        assert repo["method"] == (case.method or case.model)
        assert OVERVIEW in report
    else:
        assert repo["method"] == "extractive"
        assert NOTE in report and OVERVIEW not in report
        assert f"flashinfer-ai/flashinfer: the model failed ({case.repo})" in run.log

    # One line says why a model is given up for the run; none when it is not.
    assert len(re.findall(RETIRED, run.log)) == (1 if case.retired else 0)

    published = "\n".join(tree(out).values())
    key = key_of(case)
    for leak in provider_said(case) | ({key} if key else set()):
        assert leak not in published, leak
    assert "user_3DaAYF7ByXXxR6yTJfys0LcehB8" not in run.log + published  # OpenRouter's account
    assert "4f8b2c1d-7e3a-4b6c-9d0e-1a2b3c4d5e6f" not in run.log  # Anthropic's organization
    assert "org-AbCdEf123456GhIj" not in run.log  # OpenAI's organization
    if key:
        assert key not in run.log
