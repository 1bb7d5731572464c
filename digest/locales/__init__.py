"""Report language strings, one TOML file per language."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files
from typing import Any

from digest.calendar import Window
from digest.models import Language


class Locale:
    def __init__(self, language: Language, strings: dict[str, Any]):
        self.language = language
        # The TOML file's shapes, each in a table of its own, so every lookup is typed:
        # texts, counted phrases (`["{n} release", "{n} releases"]`), and two named tables.
        self._texts: dict[str, str] = {}
        self._counted: dict[str, tuple[str, str]] = {}
        self._tables: dict[str, dict[str, str]] = {}
        for key, value in strings.items():
            if isinstance(value, str):
                self._texts[key] = value
            elif isinstance(value, list) and len(value) == 2:
                self._counted[key] = (str(value[0]), str(value[1]))
            elif isinstance(value, dict):
                self._tables[key] = {k: str(v) for k, v in value.items()}
            else:
                raise ValueError(f"{language}.toml: {key} is neither text, a pair nor a table")

    def __getitem__(self, key: str) -> str:
        return self._texts[key]

    def format(self, key: str, **values: Any) -> str:
        return self._texts[key].format(**values)

    def count(self, key: str, n: int, **values: Any) -> str:
        singular, plural = self._counted[key]
        return (singular if n == 1 else plural).format(n=n, **values)

    def counts(self, *figures: list[tuple[str, int]]) -> list[str]:
        """`3 commits`, `2 merged pull requests`, … summed over one or more `figures`."""
        totals: dict[str, int] = {}
        for pairs in figures:
            for key, n in pairs:
                totals[key] = totals.get(key, 0) + n
        return [self.count(key, n) for key, n in totals.items() if n]

    def kind(self, kind: str) -> str:
        """What kind of news an item is (significance.Kind), as a label."""
        return self._tables["kinds"][str(kind)]

    def theme(self, key: str, **values: Any) -> str:
        return self._tables["themes"][key].format(**values)

    def window(self, window: Window) -> str:
        """`Activity on 2026-02-04 (Asia/Shanghai)`, or the first and last day of a longer one."""
        if window.days == 1:
            return self.format("window_one_day", date=window.date, timezone=window.timezone)
        return self.format(
            "window_days", first=window.first, last=window.date, timezone=window.timezone
        )

    def title(self, days: int) -> str:
        """The default title for a window: a 7-day window is not a "Daily digest"."""
        if days == 1:
            return self["default_title"]
        return self["weekly_title"] if days == 7 else self.format("days_title", days=days)

    def date_label(self, window: Window) -> str:
        """`2026-02-04`, or `2026-01-29 to 2026-02-04` for a longer window."""
        if window.days == 1:
            return window.date.isoformat()
        return self.format("date_range", first=window.first, last=window.date)

    def join(self, parts: list[str]) -> str:
        return self._texts["list_sep"].join(parts)

    def sentences(self, parts: list[str]) -> str:
        return self._texts["sentence_sep"].join(parts)

    def paren(self, text: str, inner: str) -> str:
        return self._texts["paren"].format(text=text, inner=inner)


@cache
def locale(language: Language) -> Locale:
    text = files(__package__).joinpath(f"{language}.toml").read_text(encoding="utf-8")
    return Locale(language, tomllib.loads(text))
