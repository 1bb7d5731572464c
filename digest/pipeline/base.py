"""What every step of the pipeline shares: the run's context, its log, and the GitHub
client's token."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from digest.actions import Runner
from digest.archive.history import History
from digest.errors import DigestError
from digest.github import GitHubAPI
from digest.models import Job, Plan

if TYPE_CHECKING:
    from digest.summarize.llm import LLMConfig

# One logger for the whole package: `-v` shows `digest.pipeline: …` whichever step wrote it.
log = logging.getLogger("digest.pipeline")

T = TypeVar("T")


@dataclass(frozen=True)
class Run:
    """One run, as every step after its opening sees it (a command makes it once, when the
    archive is open and the models are checked): the plan; the job log (`runner`: warnings,
    groups, the job summary); the GitHub client, every request counted (None where the
    command reads no GitHub); the archive's History (None where the command reads no
    archive); and each digest's model, checked."""

    plan: Plan
    runner: Runner
    api: GitHubAPI | None = None
    history: History | None = None
    llms: tuple[LLMConfig | None, ...] = ()  # in the order of `plan.jobs`

    def llm(self, job: Job) -> LLMConfig | None:
        """The job's model, checked (a backfilled date's or a rollup's job is the digest's
        own on other days, with its model); None: the built-in summarizer."""
        for planned, llm in zip(self.plan.jobs, self.llms, strict=False):
            if planned.model == job.model:
                return llm
        if job.model is None:
            return None
        raise DigestError("internal error: a digest's model was not checked")


def required(value: T | None) -> T:
    if value is None:  # the command decides what exists; reaching here is a bug
        raise DigestError("internal error: a stage ran without its input")
    return value


def token(plan: Plan) -> str | None:
    return plan.github.token.get_secret_value() if plan.github.token else None
