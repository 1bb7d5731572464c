"""Summarize every repository, then the whole window, with whichever summarizer is given."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import reduce
from operator import add
from typing import TYPE_CHECKING

from digest import __version__
from digest.failures import TRANSIENT
from digest.locales import locale
from digest.models import (
    Activity,
    Digest,
    Language,
    Memory,
    RepoSummary,
    TopicMatches,
    Usage,
)
from digest.summarize.base import Summarizer
from digest.summarize.builtin import BuiltinSummarizer

if TYPE_CHECKING:  # the model path imports litellm: only when a model is configured
    from digest.summarize.llm import LLMConfig


def summarizer_for(
    llm: LLMConfig | None,
    activity: Activity,
    language: Language,
    previous: Digest | None,
    memory: Memory | None = None,
    topics: list[TopicMatches] | None = None,
) -> Summarizer:
    """The model's summarizer when one is configured, else the built-in one. `memory`: what
    earlier reports told, so that neither announces it again as news; `topics`: what the
    digest's topics matched, which both lead the overall story with."""
    if llm is None:
        return BuiltinSummarizer(locale(language), memory, topics or [])
    from digest.summarize.model import ModelSummarizer

    return ModelSummarizer(
        llm, activity.window, language, locale(language), previous, memory, topics or []
    )


def summarize_repos(
    activity: Activity, summarizer: Summarizer, max_concurrency: int = 8
) -> list[RepoSummary]:
    """The per-repository phase, concurrently."""
    active = sum(1 for r in activity.repos if r.active)
    with ThreadPoolExecutor(max_workers=max(1, min(max_concurrency, active))) as pool:
        return list(pool.map(summarizer.repo, activity.repos))


def summarize(
    activity: Activity,
    summarizer: Summarizer,
    *,
    language: Language,
    title: str | None,
    max_concurrency: int = 8,
    repos: list[RepoSummary] | None = None,
    memory: Memory | None = None,
    topics: list[TopicMatches] | None = None,
) -> Digest:
    """Both phases, or only the overall one when `repos` were summarized elsewhere (the
    shards of a workflow matrix)."""
    if repos is None:
        repos = summarize_repos(activity, summarizer, max_concurrency)
    overall = summarizer.overall(activity, repos)
    usage = reduce(add, [r.usage for r in repos], overall.usage)
    return Digest(
        tool_version=__version__,
        language=language,
        title=title or locale(language).title(activity.window.days),
        activity=activity,
        repos=repos,
        overall=overall,
        usage=usage if usage.llm_calls else Usage(),
        incomplete=[r.repo for r in activity.repos if r.failure in TRANSIENT],
        memory=memory,
        topics=topics or [],
    )
