"""A model's closing line, held to the risks the report lists above it.

The report lists this window's risks and every risk told earlier that is still open, each
with the date first told. A model is told of those (prompts/), yet may still close with
"No regressions or risks were reported.": a sentence that denies a risk while one is listed
is left out, and when the model's closing does not name the oldest risk still open (by the
date it was first told), the built-in sentence that does is added. "No *new* regression"
stays when every listed risk was told earlier: then it is true.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from digest.locales import Locale
from digest.models import Followup, Item, Language
from digest.summarize.builtin import still_open, told_in_window

# A negation shortly before a word for a risk, within one sentence.
_DENIAL: dict[Language, re.Pattern[str]] = {
    "en": re.compile(
        r"\b(?:no|none|nothing|not|never|without|zero)\b(?P<between>[^.;!?]{0,40}?)"
        r"\b(?:risks?|regress\w*|reverts?|breaking|problems?|issues?|concerns?|bugs?|"
        r"(?:to )?watch)\b",
        re.I,
    ),
    "zh": re.compile(
        # not 仍未/尚未 (still not: 仍未解决的风险), 未来 (future), 无论 (whatever)
        r"(?:没有|(?<![仍尚])未(?!来)|无(?!论)|不存在)(?P<between>[^。；\uff01\uff1f]{0,15}?)"
        r"(?:风险|回归|回退|破坏性|问题|关注)"
    ),
}
_NEW: dict[Language, re.Pattern[str]] = {"en": re.compile(r"\bnew\b", re.I), "zh": re.compile("新")}
# fullwidth ! and ? written as escapes (ruff flags them as look-alikes of ! and ?)
_SENTENCE_END = re.compile(r"(?<=[.!?。\uff01\uff1f])\s*")


def held_to_risks(
    conclusion: str,
    language: Language,
    loc: Locale,
    risks: Sequence[Item],
    earlier: Sequence[Followup],
    first: dt.date,
) -> str:
    """`conclusion` as the model wrote it, unless it contradicts the risks listed above it:
    this window's `risks` (grounded), those its dailies told when it is a week or a month
    (`earlier` items first told on or after its `first` day), and the `earlier` ones still
    open."""
    still = [f for f in earlier if not f.resolved]
    told = told_in_window(earlier, first, loc)
    if not risks and not still and not told:
        return conclusion
    sentences = [s for s in _SENTENCE_END.split(conclusion.strip()) if s]
    kept = [s for s in sentences if not _denies(s, language, new_is_true=not (risks or told))]
    if len(kept) < len(sentences) and (risks or told):
        kept.append(_watch(risks[0], loc) if risks else told)
    if still and min(f.first_told for f in still).isoformat() not in " ".join(kept):
        kept += still_open(still, loc)
    return loc.sentences(kept)


def _denies(sentence: str, language: Language, *, new_is_true: bool) -> bool:
    """The sentence says no risk was reported. "No new regression" does only when a risk
    of this window is listed."""
    return any(
        not (new_is_true and _NEW[language].search(m.group("between")))
        for m in _DENIAL[language].finditer(sentence)
    )


def _watch(risk: Item, loc: Locale) -> str:
    """`To watch in <repo>: <the first risk listed>.` (an overall point's refs are qualified:
    `owner/name#issue:45`)."""
    repo = risk.refs[0].partition("#")[0]
    return loc.format("conclusion_watch_titled", repo=repo, text=risk.text.strip().rstrip(".。"))
