"""Summarize every repository, then the whole window."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import reduce
from operator import add
from typing import TYPE_CHECKING

from digest import __version__
from digest.locales import locale
from digest.models import Activity, Digest, Language, Usage
from digest.summarize import extractive

if TYPE_CHECKING:  # the model path imports litellm: only when a model is configured
    from digest.summarize.llm import LLMConfig


def summarize(
    activity: Activity,
    *,
    language: Language,
    title: str | None,
    llm: LLMConfig | None = None,
    previous: Digest | None = None,
    max_concurrency: int = 8,
) -> Digest:
    loc = locale(language)
    if llm is None:
        repos = [extractive.summarize_repo(repo, loc) for repo in activity.repos]
        overall = extractive.summarize_overall(activity, loc)
    else:
        from digest.summarize.model import ModelSummarizer

        summarizer = ModelSummarizer(llm, activity, language, loc, previous)
        active = sum(1 for r in activity.repos if r.ok and r.item_count)
        with ThreadPoolExecutor(max_workers=max(1, min(max_concurrency, active))) as pool:
            repos = list(pool.map(summarizer.repo, activity.repos))
        overall = summarizer.overall(repos)
    usage = reduce(add, [r.usage for r in repos], overall.usage)
    return Digest(
        tool_version=__version__,
        language=language,
        title=title or loc.title(activity.window.days),
        activity=activity,
        repos=repos,
        overall=overall,
        usage=usage if usage.llm_calls else Usage(),
    )
