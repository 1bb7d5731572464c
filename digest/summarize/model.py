"""Summaries written by a model: per repository (in parts when a day is big), then overall.

A repository with no activity costs no call; one whose summary is in the previous sidecar
with the same cache key costs none either; one whose model calls all fail gets the
built-in summary, marked as a fallback.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence

from digest.calendar import Window
from digest.citations import LinkTable
from digest.locales import Locale
from digest.models import (
    Activity,
    Digest,
    Item,
    Language,
    Memory,
    OverallSummary,
    RepoActivity,
    RepoSummary,
    TopicMatches,
    Usage,
    qualified,
)
from digest.summarize import builtin, prompting
from digest.summarize.budget import input_budget, pack
from digest.summarize.closing import held_to_risks
from digest.summarize.grounding import ground_overall, ground_repo, well_grounded
from digest.summarize.llm import (
    LLM,
    Answer,
    LLMConfig,
    LLMFailure,
    context_window,
    count_tokens,
)
from digest.summarize.prompting import Block
from digest.summarize.schemas import OverallAnswer, RepoAnswer, Theme

log = logging.getLogger(__name__)


def cache_key(*parts: object) -> str:
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


MAX_ROUNDS = 6  # of reducing the overall summary's input; each round shrinks it manyfold


class ModelSummarizer:
    """The Summarizer that asks a model, grounded in what was collected."""

    def __init__(
        self,
        config: LLMConfig,
        window: Window,
        language: Language,
        loc: Locale,
        previous: Digest | None = None,
        memory: Memory | None = None,
        topics: Sequence[TopicMatches] = (),
    ):
        self.config = config
        # What the digest's topics matched: told to the model, which leads with them; the
        # answer is led with them whatever the model made of it (`_led_by_topics`).
        self._topics = list(topics)
        # Refs earlier reports told with nothing new since: told to the model as ongoing.
        self._ongoing = memory.ongoing if memory else {}
        # Risks earlier reports told: the report lists them, so the closing must not deny them.
        self._earlier = builtin.earlier_risks(memory)
        self._open_risks = [
            (qualified(f.repo, f.ref), prompting.data(f.title, 200), f.first_told.isoformat())
            for f in self._earlier
            if not f.resolved
        ]
        self.window = window
        self.language = language
        self.loc = loc
        self.llm = LLM(config)
        self._previous = previous
        self._version = prompting.prompts(language)["version"]
        primary = config.models[0]
        self.budget = input_budget(
            config.max_input_tokens, [context_window(m) for m in config.models]
        )
        self._count: Callable[[str], int] = lambda text: count_tokens(primary, text)

    # -- cache ---------------------------------------------------------------------------

    def _key(self, payload: object) -> str:
        return cache_key(self._version, self.config.models, self.language, payload)

    def _cached_repo(self, repo: str, key: str) -> RepoSummary | None:
        for summary in self._previous.repos if self._previous else []:
            if summary.repo == repo and summary.cache_key == key and _reusable(summary):
                log.info("%s: summary reused from the previous run", repo)
                return summary.updated(reused=True)
        return None

    # -- per repository ------------------------------------------------------------------

    def repo(self, repo: RepoActivity) -> RepoSummary:
        if not repo.active:
            return builtin.summarize_repo(repo, self.loc, self._ongoing)
        ongoing = self._ongoing_in(repo.repo)
        payload = [self.window.model_dump(mode="json"), repo.model_dump(mode="json")]
        key = self._key([*payload, ongoing] if ongoing else payload)
        cached = self._cached_repo(repo.repo, key)
        if cached:
            return cached
        try:
            summary = self._ask_repo(repo).updated(cache_key=key)
        except LLMFailure as failure:
            log.warning(
                "%s: every model failed (%s); using the built-in summary", repo.repo, failure.kind
            )
            summary = builtin.summarize_repo(repo, self.loc, self._ongoing)
            return summary.updated(fallback=failure.kind)
        if well_grounded(summary):
            return summary
        log.warning(
            "%s: the model's answer kept %d of %d points after grounding; using the built-in story",
            repo.repo,
            summary.points_kept,
            (summary.points_kept or 0) + (summary.points_dropped or 0),
        )
        story = builtin.summarize_repo(repo, self.loc, self._ongoing)
        return story.updated(
            fallback="ungrounded",
            usage=summary.usage,
            cache_key=key,
            points_kept=summary.points_kept,
            points_dropped=summary.points_dropped,
        )

    def _ask_repo(self, repo: RepoActivity) -> RepoSummary:
        system = prompting.system_prompt(self.language, RepoAnswer)
        blocks = prompting.activity_blocks(repo)

        def user(activity_text: str, part: int | None, parts: int) -> str:
            return prompting.render(
                self.language,
                "repo",
                repo=repo.repo,
                description=prompting.data(repo.description or "", 200),
                window=self.loc.window(self.window),
                activity=activity_text,
                part=part,
                parts=parts,
                ongoing=self._ongoing_in(repo.repo),
            )

        room = self.budget - self._count(system) - self._count(user("", 1, 9))
        parts = pack(blocks, max(room, 1), self._count)
        answers, usage, models = [], None, []
        for number, part in enumerate(parts, start=1):
            text = "\n".join(b.text for b in part)
            label = number if len(parts) > 1 else None
            answer = self.llm.ask(system, user(text, label, len(parts)), RepoAnswer, self._repair)
            answers.append(answer.value)
            usage = answer.usage if usage is None else usage + answer.usage
            models.append(answer.model)
        if len(parts) > 1:
            log.info(
                "%s: %d items summarized in %d parts of at most %d tokens",
                repo.repo,
                len(blocks),
                len(parts),
                self.budget,
            )
        method = models[0] if len(set(models)) == 1 else ", ".join(dict.fromkeys(models))
        summary = ground_repo(_merge(answers), repo.repo, LinkTable([repo]), method)
        return summary.updated(usage=usage)

    def _ongoing_in(self, repo: str) -> list[tuple[str, str]]:
        """(ref, date first told) of `repo`'s items told before, as its prompt cites them."""
        prefix = f"{repo}#"
        return [
            (ref.removeprefix(prefix), since.isoformat())
            for ref, since in sorted(self._ongoing.items())
            if ref.startswith(prefix)
        ]

    def _repair(self, problem: str) -> str:
        return prompting.render(self.language, "repair", problem=problem)

    # -- overall -------------------------------------------------------------------------

    def overall(self, activity: Activity, repos: list[RepoSummary]) -> OverallSummary:
        active = [s for s in repos if s.status == "ok"]
        if not active:
            return self._builtin_overall(activity)
        texts = [_summary_text(s) for s in active]
        ongoing = [(ref, since.isoformat()) for ref, since in sorted(self._ongoing.items())]
        told = [ongoing, self._open_risks] if self._open_risks else ongoing
        # what the topics matched is part of the input (none: the key is as it always was)
        topics = [(m.name, [i.qualified_ref for i in m.items]) for m in self._topics]
        said: object = [told, topics] if topics else told
        key = self._key("\n\n".join(texts) + (f"\n\n{said}" if said else ""))
        previous = self._previous.overall if self._previous else None
        if previous and previous.cache_key == key and not previous.fallback:
            return previous.updated(reused=True)
        try:
            answer, usage = self._reduce(texts)
        except LLMFailure as failure:
            log.warning("overall summary: every model failed (%s)", failure.kind)
            return self._builtin_overall(activity).updated(fallback=failure.kind)
        grounded = ground_overall(answer.value, LinkTable(activity.repos), answer.model)
        closing = held_to_risks(
            grounded.conclusion,
            self.language,
            self.loc,
            grounded.risks,
            self._earlier,
            activity.window.first,
        )
        led = self._led_by_topics(grounded, activity)
        return led.updated(conclusion=closing, usage=usage, cache_key=key)

    def _builtin_overall(self, activity: Activity) -> OverallSummary:
        return builtin.summarize_overall(
            activity, self.loc, self._ongoing, self._earlier, self._topics
        )

    def _led_by_topics(self, summary: OverallSummary, activity: Activity) -> OverallSummary:
        """The model's story, led by the topics that matched whatever it answered: its points
        about their items first, or the built-in topic points when it made none; the
        built-in topics sentence before its overview when the overview names none of them."""
        matched = [m for m in self._topics if m.items]
        if not matched:
            return summary
        refs = {i.qualified_ref.lower() for m in matched for i in m.items}

        def on_topic(item: Item) -> bool:
            return any(ref.strip().lower() in refs for ref in item.refs)

        highlights = sorted(summary.highlights, key=lambda item: not on_topic(item))
        if not any(on_topic(item) for item in highlights):
            points = builtin.topic_points(activity, matched, self.loc, self._ongoing)
            highlights = [*points, *highlights]
        overview = summary.overview
        if not any(m.name.casefold() in overview.casefold() for m in matched):
            said = builtin.topics_sentences(self._topics, self.loc)
            overview = self.loc.sentences([*said, overview])
        return summary.updated(highlights=highlights, overview=overview)

    def _overall_prompt(self, summaries: str, part: int | None, parts: int) -> str:
        return prompting.render(
            self.language,
            "overall",
            window=self.loc.window(self.window),
            summaries=summaries,
            part=part,
            parts=parts,
            ongoing=[(ref, since.isoformat()) for ref, since in sorted(self._ongoing.items())],
            open_risks=self._open_risks,
            **prompting.topics(self._topics),
        )

    def _reduce(self, texts: list[str]) -> tuple[Answer[OverallAnswer], Usage]:
        """One call when every summary fits the budget; else rounds that condense groups of
        summaries (each group within the budget) until the condensed ones fit. Nothing is
        cut: every summary is read by the model in some call."""
        system = prompting.system_prompt(self.language, OverallAnswer)
        room = self.budget - self._count(system) - self._count(self._overall_prompt("", 1, 9))
        usage = Usage()
        for round_number in range(1, MAX_ROUNDS + 1):
            blocks = [Block(ref="", priority=n, text=t) for n, t in enumerate(texts)]
            groups = pack(blocks, max(room, 1), self._count, separator="\n\n")
            if len(groups) == 1:
                answer = self.llm.ask(
                    system, self._overall_prompt(texts_of(groups[0]), None, 1), OverallAnswer,
                    self._repair,
                )  # fmt: skip
                return answer, usage + answer.usage
            log.info(
                "overall summary: %d summaries exceed %d tokens; round %d condenses them "
                "in %d parts",
                len(texts),
                self.budget,
                round_number,
                len(groups),
            )
            condensed = []
            for number, group in enumerate(groups, start=1):
                prompt = self._overall_prompt(texts_of(group), number, len(groups))
                answer = self.llm.ask(system, prompt, OverallAnswer, self._repair)
                usage += answer.usage
                condensed.append(_answer_text(answer.value))
            texts = condensed
        raise LLMFailure("context_window")


def _reusable(summary: RepoSummary) -> bool:
    """A summary the model wrote, or chose not to ground: asking again would not change it.
    One written because every model failed is asked for again."""
    return summary.fallback in (None, "ungrounded")


def texts_of(blocks: list[Block]) -> str:
    return "\n\n".join(b.text for b in blocks)


def _answer_text(answer: OverallAnswer) -> str:
    """A condensed part, in the shape of a repository summary, its citations kept."""
    lines = [prompting.data(answer.overview)]
    for point in answer.highlights:
        refs = ", ".join(r.strip() for r in point.refs)
        lines.append(f"- {prompting.data(point.text)}" + (f" [{refs}]" if refs else ""))
    return "\n".join(lines)


def _merge(answers: list[RepoAnswer]) -> RepoAnswer:
    """Parts of one day into one summary: overviews in order, themes joined by title."""
    if len(answers) == 1:
        return answers[0]
    themes: dict[str, Theme] = {}
    for answer in answers:
        for theme in answer.themes:
            key = theme.title.strip().lower()
            if key in themes:
                merged = themes[key].points + theme.points
                themes[key] = Theme(title=themes[key].title, points=merged)
            else:
                themes[key] = theme
    overview = " ".join(a.overview.strip() for a in answers if a.overview.strip())
    return RepoAnswer(overview=overview, themes=list(themes.values()))


def _summary_text(summary: RepoSummary) -> str:
    lines = [f"### {summary.repo}", prompting.data(summary.overview)]
    for section in summary.sections:
        for item in section.items:
            refs = ", ".join(f"{summary.repo}#{r}" for r in item.refs)
            lines.append(
                f"- {prompting.data(section.title)}: {prompting.data(item.text)}"
                + (f" [{refs}]" if refs else "")
            )
    return "\n".join(lines)
