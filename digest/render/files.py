"""Every file a run writes, rendered in memory so publishing can be all or nothing."""

from __future__ import annotations

import datetime as dt

from digest.locales import locale
from digest.models import Digest, Files, Layout, RenderedFile
from digest.render.index import render_index
from digest.render.report import render_report


def render_files(
    digest: Digest,
    *,
    layout: Layout,
    existing_index: str | None,
    existing_dates: set[dt.date],
) -> Files:
    date = digest.activity.window.date
    embedded = render_report(digest, base_level=2)
    index = render_index(
        existing_index,
        title=digest.title,
        latest_embedded=embedded,
        dates=existing_dates | {date},
        layout=layout,
        loc=locale(digest.language),
    )
    return Files(
        report_path=layout.report(date),
        files=[
            RenderedFile(path=layout.report(date), content=render_report(digest)),
            RenderedFile(path=layout.sidecar(date), content=sidecar(digest)),
            RenderedFile(path=layout.index_file, content=index),
        ],
        embedded_report=embedded,
    )


def sidecar(digest: Digest) -> str:
    """The machine-readable twin of the report; no timestamps, so reruns are byte-identical."""
    return digest.model_dump_json(indent=2) + "\n"
