"""What every step of the pipeline shares: its log, and the GitHub client's token."""

from __future__ import annotations

import logging
from typing import TypeVar

from digest.errors import DigestError
from digest.models import Plan

# One logger for the whole package: `-v` shows `digest.pipeline: …` whichever step wrote it.
log = logging.getLogger("digest.pipeline")

T = TypeVar("T")


def required(value: T | None) -> T:
    if value is None:  # the command decides what exists; reaching here is a bug
        raise DigestError("internal error: a stage ran without its input")
    return value


def token(plan: Plan) -> str | None:
    return plan.github.token.get_secret_value() if plan.github.token else None
