"""Summarize every repository, then the whole window."""

from __future__ import annotations

from digest import __version__
from digest.locales import locale
from digest.models import Activity, Digest, Language
from digest.summarize import extractive


def summarize(activity: Activity, *, language: Language, title: str | None) -> Digest:
    loc = locale(language)
    contains = activity.window.contains
    return Digest(
        tool_version=__version__,
        language=language,
        title=title or loc["default_title"],
        activity=activity,
        repos=[extractive.summarize_repo(repo, contains, loc) for repo in activity.repos],
        overall=extractive.summarize_overall(activity, loc),
    )
