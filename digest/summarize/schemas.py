"""What the model must answer: pydantic schemas sent as `response_format`.

Points cite collected objects by id and carry no links: the renderer makes every link.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


def _all_required(schema: dict[str, Any]) -> None:
    # OpenAI's strict structured output wants every property required; parsing still
    # accepts an answer that left out a list (as models do), as empty.
    schema["required"] = list(schema.get("properties", {}))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_all_required)


class CitedPoint(_Strict):
    text: str = Field(
        description="one sentence, plain text: what happened and why it matters; no links, "
        "no Markdown"
    )
    refs: list[str] = Field(
        description="ids of the items this point is about, exactly as given: pr:123, "
        "commit:abc1234, issue:45, release:v1.2.0"
    )


class Theme(_Strict):
    title: str = Field(description="a short theme name, e.g. 'Attention kernels'")
    points: list[CitedPoint]


class RepoAnswer(_Strict):
    overview: str = Field(description="two or three sentences on what mattered most and why")
    themes: list[Theme] = Field(description="a few themes; every point cites at least one id")


class OverallAnswer(_Strict):
    overview: str = Field(description="a short paragraph across all repositories")
    highlights: list[CitedPoint] = Field(
        description="the day's top developments across repositories; refs as owner/name#pr:123"
    )
    risks: list[CitedPoint] = Field(
        default_factory=list,
        description="regressions, reverts, breaking changes and performance problems reported, "
        "if any (else empty); refs as owner/name#issue:45",
    )
    conclusion: str = Field(description="one or two sentences: what to watch next")
