"""What an archive offers the pipeline, whatever holds it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from digest.calendar import Period, Span
from digest.models import Files, Layout, PublishResult


class Snapshot(Protocol):
    """The target as it is now: which files a folder holds, and the text of a file."""

    def files_in(self, folder: str) -> list[str]:
        """Paths of the files directly in `folder` (repository-relative)."""
        ...

    def read(self, path: str) -> str | None: ...


def report_spans(snapshot: Snapshot, layout: Layout, period: Period) -> set[Span]:
    """The days, weeks or months with a report in their folder (`reports/weekly/`)."""
    return layout.spans(period, snapshot.files_in(layout.folder(period)))


# Render against the target's current state; called again if the target moved meanwhile.
Render = Callable[[Snapshot], Files]


@dataclass(frozen=True)
class Publication:
    """How to describe a publication: commit message, and pull request title and body."""

    message: str
    title: str
    body: Callable[[str], str]  # the report's URL -> the pull request's description


class Archive(Protocol):
    def snapshot(self) -> Snapshot: ...

    def url(self, path: str, *, folder: bool = False) -> str | None:
        """Where a published file (or folder) will be read on the web; None for a directory."""
        ...

    def where(self, path: str) -> str:
        """A file of the target as the user finds it, for messages."""
        ...

    def publish(self, render: Render, publication: Publication) -> PublishResult: ...
