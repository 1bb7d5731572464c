"""What the model must answer: pydantic schemas sent as `response_format`.

Points cite collected objects by id and carry no links: the renderer makes every link.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")  # OpenAI strict schemas need this


class CitedPoint(_Strict):
    text: str = Field(description="one sentence, plain text, no links, no Markdown headings")
    refs: list[str] = Field(
        description="ids of the items this point is about, exactly as given: pr:123, "
        "commit:abc1234, issue:45, release:v1.2.0"
    )


class Theme(_Strict):
    title: str = Field(description="a short theme name, e.g. 'Attention kernels'")
    points: list[CitedPoint]


class RepoAnswer(_Strict):
    overview: str = Field(description="two or three sentences on what mattered most")
    themes: list[Theme]


class OverallAnswer(_Strict):
    overview: str = Field(description="a short paragraph across all repositories")
    highlights: list[CitedPoint] = Field(
        description="the few most important items; refs as owner/name#pr:123"
    )
    conclusion: str = Field(description="one or two sentences: what to watch next")
