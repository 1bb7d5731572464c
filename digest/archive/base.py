"""What an archive offers the pipeline, whatever holds it."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from pydantic import ValidationError

from digest.models import Digest, Files, Layout, PublishResult

log = logging.getLogger(__name__)


class Snapshot(Protocol):
    """The target as it is now: which files a folder holds, and the text of a file."""

    def files_in(self, folder: str) -> list[str]:
        """Paths of the files directly in `folder` (repository-relative)."""
        ...

    def read(self, path: str) -> str | None: ...


def report_dates(snapshot: Snapshot, layout: Layout) -> set[dt.date]:
    return layout.dates(snapshot.files_in(layout.reports_dir))


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

    def previous_digest(self, layout: Layout, date: dt.date) -> Digest | None: ...

    def publish(self, render: Render, publication: Publication) -> PublishResult: ...


def parse_digest(text: str | None, source: str) -> Digest | None:
    """A published sidecar, or None when it is absent or from another schema version."""
    if not text:
        return None
    try:
        return Digest.model_validate_json(text)
    except ValidationError as exc:
        log.info("%s is not a sidecar this version can reuse: %s", source, exc.errors()[0]["msg"])
        return None
