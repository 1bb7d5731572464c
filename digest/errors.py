"""Failures a user can act on, and the exit code each one means.

Exit codes mean one thing each: 2 bad input (nothing was attempted), 1 a run that failed
(GitHub unreachable, publishing refused), 0 success. Every message is one line that names
what to fix; the templates live here so that wording stays consistent.
"""

from __future__ import annotations

BAD_INPUT = 2
FAILED = 1


class DigestError(Exception):
    """A fatal, user-facing failure of the run: nothing is written or published."""

    exit_code = FAILED


class InputError(DigestError):
    """Bad input: one line naming the input and what it accepts."""

    exit_code = BAD_INPUT

    def __init__(self, name: str, message: str):
        self.name = name.replace("_", "-")
        super().__init__(
            f"input '{self.name}' {message}"
            if message.startswith(("is ", "must ", "needs "))
            else f"input '{self.name}': {message}"
        )


class GitHubAccessError(DigestError):
    """GitHub refused the token itself or a write (not one repository's read)."""


class GitHubUnreachable(DigestError):
    """The API host could not be reached at all: no point in trying each repository."""


class NothingRead(DigestError):
    """Not one repository could be read: a report of nothing but failures would replace a
    good report of the same day. An earlier date (backfill, a rollup's day) is skipped."""

    def __init__(self, api: str):
        super().__init__(NOTHING_READ.format(api=api))


# -- templates: cause, then what fixes it -----------------------------------------------

UNREACHABLE = (
    "cannot reach {host} ({reason}); check the runner's network, or GITHUB_API_URL "
    "for GitHub Enterprise Server"
)
TOKEN_REJECTED = (
    "GitHub rejected the token (HTTP 401). Set github-token (or GITHUB_TOKEN locally) "
    "to a token that can read the repositories; GitHub's GraphQL API needs one."
)
TOKEN_MISSING = (
    "is required: GitHub's GraphQL API does not answer anonymous requests "
    "(locally: export GITHUB_TOKEN=$(gh auth token))"
)
NOTHING_READ = (
    "no repository could be read from {api}; nothing was written (the warnings above say "
    "why for each)"
)
UNEXPECTED = (
    "unexpected failure ({kind}: {message}); nothing was published. Rerun with "
    "DIGEST_DEBUG=1 for the traceback, and please report it"
)
MODEL_UNKNOWN = (
    "litellm cannot resolve {model!r}: expected provider/model, such as "
    "openai/gpt-4.1-mini, anthropic/claude-sonnet-4-5, openrouter/deepseek/deepseek-chat-v3.1, "
    "or openai/<served name> with api-base (https://docs.litellm.ai/docs/providers)"
)
MODEL_KEY_MISSING = (
    "is required for {model}: pass the key as api-key (from a secret), or set {variables} "
    "in the job's environment"
)
LLM_EXTRA_MISSING = (
    "needs digest's llm extra to call a model: pip install 'digest[llm]' (the action's image "
    "has it), or leave model empty for the built-in summarizer"
)
MODEL_KEY_REJECTED = (
    "{model}: the provider rejected the key (HTTP {status}: {detail}); it is not called again "
    "in this run. Set `api-key` from a secret holding a valid key for this provider"
)
MODEL_QUOTA_EXHAUSTED = (
    "{model}: the account's quota, credits or daily limit is used up (HTTP {status}: {detail}); "
    "it is not called again in this run. Add credits or raise the limit, or name another model "
    "in `fallback-models`"
)
