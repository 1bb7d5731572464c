"""Structured answers from any litellm model, with retries, fallbacks and honest failure.

litellm is imported here only, and this module only when a model is configured: importing
it takes seconds and, without LITELLM_LOCAL_MODEL_COST_MAP, fetches a price map.

Retries are ours (tenacity) rather than litellm's `num_retries`, which also retries a
rejected key: we retry what can succeed (429, 5xx, 529, timeouts), waiting what `Retry-After`
asks, and move to the next model at once on what cannot (401, 403, 404, 400). What will not
recover within a run (a rejected key, an exhausted quota or credit balance, a daily cap whose
`Retry-After` is hours away) also retires the model for the rest of the run: one log line,
then no more calls to it. tests/cassettes/ holds each provider's documented answers.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import litellm
import openai
import tenacity
from pydantic import BaseModel, ValidationError

from digest.errors import (
    MODEL_KEY_MISSING,
    MODEL_KEY_REJECTED,
    MODEL_QUOTA_EXHAUSTED,
    MODEL_UNKNOWN,
    InputError,
)
from digest.models import Usage

# litellm prints "Give Feedback / Get Help" and "Provider List" banners to stdout on every
# error; our own log lines say what failed, redacted.
litellm.suppress_debug_info = True

log = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)

ATTEMPTS = 4  # per model: the first call and three retries
MAX_RETRY_AFTER = 120.0  # seconds; a provider asking for longer is not waited for
_RETRYABLE = (
    litellm.RateLimitError,
    litellm.InternalServerError,
    litellm.ServiceUnavailableError,
    litellm.BadGatewayError,
    litellm.APIConnectionError,
    litellm.Timeout,
)
_FENCE = re.compile(r"^\s*```(?:json|JSON)?\s*\n?|\n?\s*```\s*$")
# Keys and account ids as providers spell them: OpenAI sk-/org-/proj_, OpenRouter's
# `user_id` (user_...), GitHub tokens (the key of GitHub Models), Anthropic's organization
# UUID in its rate-limit messages.
_SECRETS = re.compile(
    r"(sk-[\w-]{6,}|org-\w{6,}|user[-_][A-Za-z0-9]{6,}|proj_\w{6,}|Bearer\s+\S+"
    r"|gh[pousr]_\w{16,}|github_pat_\w{16,}"
    r"|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b)"
)
# What providers say when the money or the allowance is gone: waiting will not help.
_QUOTA = (
    "insufficient_quota",  # OpenAI (and Azure-style gateways), HTTP 429
    "credit_balance_exhausted",  # OpenAI's finer codes of insufficient_quota
    "spend_limit_exceeded",
    "usage_limit_exceeded",
    "enforced_spend_limit_reached",  # Anthropic, HTTP 429 without retry-after
    "specified API usage limits",  # Anthropic, HTTP 400: a spend limit the org set
    "specified workspace API usage limits",
    "billing_error",  # Anthropic, HTTP 402
)
_CONTENT_FILTER = ("content_filter", "ResponsibleAIPolicyViolation", "content management policy")
# Failures that will be the same on every call of this run: the model is not called again.
_PERMANENT = {"auth", "quota", "model_not_found"}


@dataclass(frozen=True)
class LLMConfig:
    models: list[str]  # `model` first, then `fallback-models`
    api_base: str | None = None
    api_key: str | None = field(default=None, repr=False)
    max_input_tokens: int | None = None
    timeout: float = 180.0


class LLMFailure(Exception):
    """Every model failed. `kind` is safe to publish; the details went to the log."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


@dataclass(frozen=True)
class Answer(Generic[T]):
    value: T
    model: str
    usage: Usage


class InvalidAnswer(ValueError):
    pass


class FilteredAnswer(InvalidAnswer):
    """The provider withheld the answer (finish_reason `content_filter`; Anthropic's
    `refusal`): asking the same model to repair it would send the same data again."""


def parse_answer(content: str | None, schema: type[T]) -> T:
    """The model's JSON, without the Markdown fences some models wrap around it."""
    text = _FENCE.sub("", (content or "").strip())
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise InvalidAnswer("the answer contains no JSON object")
    try:
        return schema.model_validate_json(text[start : end + 1])
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidAnswer(f"{first['msg']} at {'.'.join(map(str, first['loc']))}") from None


def redact(message: str, secret: str | None) -> str:
    """The message without the key or anything shaped like a key or an account id.

    The key is replaced only where it stands as a token of its own: a placeholder key such
    as `x` must not turn `OpenAIException` into `OpenAIE***ception`."""
    if secret:
        message = re.sub(rf"(?<![\w-]){re.escape(secret)}(?![\w-])", "***", message)
    return _SECRETS.sub("***", message)[:300]


def check_models(config: LLMConfig) -> None:
    """Fail now, before any GitHub request, on a model that cannot work: one litellm
    cannot resolve, or a provider whose key is nowhere (with `api-base` a self-hosted
    server may need none)."""
    for position, model in enumerate(config.models):
        name = "model" if position == 0 else "fallback-models"
        try:
            litellm.get_llm_provider(model, api_base=config.api_base)
        except litellm.BadRequestError:
            raise InputError(name, MODEL_UNKNOWN.format(model=model)) from None
        if config.api_key or config.api_base:
            continue
        missing = litellm.validate_environment(model).get("missing_keys") or []
        if missing:
            raise InputError(
                "api-key", MODEL_KEY_MISSING.format(model=model, variables=" and ".join(missing))
            )


def _provider_text(exc: BaseException) -> str:
    """Everything the provider said: litellm keeps the body in the message for some providers
    (Anthropic, OpenRouter) and in `body` for those it reaches through the openai SDK."""
    body = getattr(exc, "body", None)
    return f"{exc} {json.dumps(body, default=str) if body else ''}"


def _failure_kind(exc: BaseException) -> str:
    if isinstance(exc, InvalidAnswer):
        return "content_filtered" if isinstance(exc, FilteredAnswer) else "invalid_answer"
    text = _provider_text(exc)
    status = getattr(exc, "status_code", None)
    if isinstance(exc, litellm.ContentPolicyViolationError) or any(
        marker in text for marker in _CONTENT_FILTER
    ):
        return "content_filtered"
    if status == 403 and "flagged" in text:  # OpenRouter's moderation refusal
        return "content_filtered"
    if isinstance(exc, litellm.AuthenticationError | litellm.PermissionDeniedError):
        return "auth"
    if status == 402 or any(marker in text for marker in _QUOTA):
        return "quota"
    if isinstance(exc, litellm.NotFoundError):
        return "model_not_found"
    if isinstance(exc, litellm.ContextWindowExceededError):
        return "context_window"
    if isinstance(exc, litellm.RateLimitError):
        asked = _retry_after(exc)
        # A daily cap (GitHub Models: "Please wait 52220 seconds") is spent for this run.
        return "quota" if asked is not None and asked > MAX_RETRY_AFTER else "rate_limited"
    if isinstance(exc, _RETRYABLE):
        return "unavailable"
    return "error"


def _retryable(exc: BaseException) -> bool:
    """What can succeed on a later attempt within seconds: a rate limit, an overloaded or
    failing server. Not an exhausted quota, nor a wait longer than MAX_RETRY_AFTER."""
    if not isinstance(exc, _RETRYABLE):
        return False
    if _failure_kind(exc) not in ("rate_limited", "unavailable"):
        return False
    asked = _retry_after(exc)
    return asked is None or asked <= MAX_RETRY_AFTER


def _log_retry(model: str, state: tenacity.RetryCallState) -> None:
    # Retries follow exceptions only (retry_if_exception): the outcome always holds one.
    error = state.outcome.exception() if state.outcome else None
    why = _failure_kind(error).replace("_", " ") if error else "failed"
    log.warning(
        "%s: %s, retrying in %.0fs", model, why, state.next_action.sleep if state.next_action else 0
    )


def _retry_after(exc: BaseException | None) -> float | None:
    """Seconds the provider asked us to wait: `retry-after-ms` (OpenAI) or `retry-after`."""
    headers = getattr(exc, "litellm_response_headers", None) or {}
    if not hasattr(headers, "get"):
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        try:
            if value is not None:
                return max(float(value) * scale, 0.0)
        except ValueError:
            continue  # an HTTP date: rare from LLM providers; fall back to backoff
    return None


# Sent to a self-hosted server (`api-base`) when no key is configured: the OpenAI SDK
# refuses to send a request without one, and such servers usually check none.
NO_KEY = "no-key"


def _key_for(model: str, config: LLMConfig) -> str | None:
    if config.api_key or not config.api_base:
        return config.api_key
    missing = litellm.validate_environment(model).get("missing_keys") or []
    return NO_KEY if missing else None


def _nap(seconds: float) -> None:
    """The wait between attempts (tests replace it to record what was asked)."""
    time.sleep(seconds)


class LLM:
    def __init__(self, config: LLMConfig, *, sleep: Callable[[float], None] | None = None):
        self.config = config
        self._keys = {model: _key_for(model, config) for model in config.models}
        self._sleep = sleep or _nap
        self._backoff = tenacity.wait_exponential_jitter(initial=1, max=30)
        self._retired: dict[str, str] = {}  # model -> why it is not called again this run
        self._lock = threading.Lock()

    def _wait(self, state: tenacity.RetryCallState) -> float:
        asked = _retry_after(state.outcome.exception() if state.outcome else None)
        if asked is not None:  # never above MAX_RETRY_AFTER: longer waits are not retried
            return min(asked, MAX_RETRY_AFTER)
        return self._backoff(state)

    def _call(self, model: str, messages: list[dict[str, str]], schema: type[BaseModel]) -> Any:
        structured = bool(self.config.api_base) or litellm.supports_response_schema(model=model)
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(_retryable),
            wait=self._wait,
            stop=tenacity.stop_after_attempt(ATTEMPTS),
            sleep=self._sleep,
            reraise=True,
            before_sleep=lambda state: _log_retry(model, state),
        )
        return retrying(
            litellm.completion,
            model=model,
            messages=messages,
            response_format=schema if structured else None,
            api_base=self.config.api_base or None,
            api_key=self._keys[model],
            timeout=self.config.timeout,
            temperature=0.2,
            num_retries=0,
            max_retries=0,  # no hidden retries inside the provider SDK either
            drop_params=True,
        )

    def _failed(self, model: str, exc: BaseException) -> str:
        """Log the failure once, redacted; retire the model when it cannot recover this run."""
        kind = _failure_kind(exc)
        detail = redact(str(exc), self.config.api_key)
        if kind not in _PERMANENT:
            log.warning("%s failed (%s): %s", model, kind.replace("_", " "), detail)
            return kind
        with self._lock:
            first = model not in self._retired
            self._retired.setdefault(model, kind)
        if first:  # the repositories after this one fall back without a call
            template = {"auth": MODEL_KEY_REJECTED, "quota": MODEL_QUOTA_EXHAUSTED}.get(kind)
            status = getattr(exc, "status_code", None) or "?"
            log.warning(
                (template or "{model}: the provider does not serve this model (HTTP {status}: "
                 "{detail}); it is not called again in this run").format(
                    model=model, status=status, detail=detail
                )
            )  # fmt: skip
        return kind

    def ask(
        self, system: str, user: str, schema: type[T], repair_prompt: Callable[[str], str]
    ) -> Answer[T]:
        """The first model that answers with valid JSON wins; each may repair once."""
        usage = Usage()
        kind = "error"
        for model in self.config.models:
            if model in self._retired:
                kind = self._retired[model]
                continue
            messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
            for repair in (False, True):
                try:
                    response = self._call(model, messages, schema)
                except openai.OpenAIError as exc:  # litellm's errors all derive from it
                    kind = self._failed(model, exc)
                    break
                usage = _add(usage, response)
                choice = response.choices[0]
                content = choice.message.content
                try:
                    if choice.finish_reason == "content_filter":
                        raise FilteredAnswer("the provider withheld the answer (content filter)")
                    return Answer(parse_answer(content, schema), model, usage)
                except FilteredAnswer as exc:
                    kind = _failure_kind(exc)
                    log.warning("%s: %s", model, exc)
                    break  # the same data would be filtered again: next model
                except InvalidAnswer as exc:
                    kind = _failure_kind(exc)
                    log.warning(
                        "%s answered unusable JSON (%s)%s",
                        model,
                        exc,
                        "" if repair else "; asking it to repair",
                    )
                    messages += [
                        {"role": "assistant", "content": content or ""},
                        {"role": "user", "content": repair_prompt(str(exc))},
                    ]
        raise LLMFailure(kind)


def _add(usage: Usage, response: Any) -> Usage:
    counted = getattr(response, "usage", None)
    try:
        cost = litellm.completion_cost(completion_response=response)
    except (openai.OpenAIError, litellm.exceptions.ModelNotMappedError):
        cost = None  # a model litellm has no prices for
    return usage + Usage(
        llm_calls=1,
        prompt_tokens=getattr(counted, "prompt_tokens", 0) or 0,
        completion_tokens=getattr(counted, "completion_tokens", 0) or 0,
        cost_usd=cost,
    )


class WarmUpFailed(Exception):
    """Warming up is an optimization: its failure only means the first call does the work."""


def warm_up(models: list[str]) -> None:
    """Load what the first call would (tokenizer, the provider SDK's resources), so that it
    happens while GitHub is being read rather than on the critical path."""
    try:
        import openai.resources.chat

        for model in models:
            count_tokens(model, "warm up")
            litellm.supports_response_schema(model=model)
    except (openai.OpenAIError, litellm.exceptions.ModelNotMappedError, OSError) as exc:
        raise WarmUpFailed(str(exc)) from exc  # an unknown model, a tokenizer not on disk


def count_tokens(model: str, text: str) -> int:
    return litellm.token_counter(model=model, text=text)


def context_window(model: str) -> int | None:
    try:
        return litellm.get_model_info(model).get("max_input_tokens")
    except litellm.exceptions.ModelNotMappedError:  # self-hosted or very new models
        return None
