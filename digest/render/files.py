"""Every file a run writes, rendered in memory so publishing can be all or nothing."""

from __future__ import annotations

import datetime as dt

from digest.locales import locale
from digest.models import Digest, Files, Layout, RenderedFile
from digest.render.index import render_index
from digest.render.report import render_report


def render_files(
    digests: list[Digest],
    *,
    layout: Layout,
    existing_index: str | None,
    existing_dates: set[dt.date],
    retry_days: int = 0,
) -> Files:
    """Each digest's report and sidecar, and the index; `digests[0]` is the run's own date,
    the others dates it fills in (backfill)."""
    latest = digests[0]
    embedded = render_report(latest, base_level=2, retry_days=retry_days)
    index = render_index(
        existing_index,
        title=latest.title,
        latest_embedded=embedded,
        dates=existing_dates | {d.activity.window.date for d in digests},
        layout=layout,
        loc=locale(latest.language),
    )
    files = []
    for digest in digests:
        date = digest.activity.window.date
        report = render_report(digest, retry_days=retry_days)
        files.append(RenderedFile(path=layout.report(date), content=report))
        files.append(RenderedFile(path=layout.sidecar(date), content=sidecar(digest)))
    return Files(
        report_path=layout.report(latest.activity.window.date),
        files=[*files, RenderedFile(path=layout.index_file, content=index)],
        embedded_report=embedded,
    )


def sidecar(digest: Digest) -> str:
    """The machine-readable twin of the report; no timestamps, so reruns are byte-identical."""
    return digest.model_dump_json(indent=2) + "\n"
