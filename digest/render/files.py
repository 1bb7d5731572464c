"""Every file a run writes, rendered in memory so publishing can be all or nothing."""

from __future__ import annotations

import datetime as dt

from digest.locales import locale
from digest.models import Digest, Files, RenderedFile
from digest.render.index import render_index
from digest.render.report import render_report


def report_path(reports_dir: str, date: dt.date) -> str:
    return f"{reports_dir}/{date.isoformat()}.md"


def render_files(
    digest: Digest,
    *,
    reports_dir: str,
    index_file: str,
    existing_index: str | None,
    existing_dates: set[dt.date],
) -> Files:
    date = digest.activity.window.date
    path = report_path(reports_dir, date)
    index = render_index(
        existing_index,
        title=digest.title,
        latest_embedded=render_report(digest, base_level=2),
        dates=existing_dates | {date},
        reports_dir=reports_dir,
        index_file=index_file,
        loc=locale(digest.language),
    )
    return Files(
        report_path=path,
        files=[
            RenderedFile(path=path, content=render_report(digest)),
            RenderedFile(path=path.removesuffix(".md") + ".json", content=sidecar(digest)),
            RenderedFile(path=index_file, content=index),
        ],
    )


def sidecar(digest: Digest) -> str:
    """The machine-readable twin of the report; no timestamps, so reruns are byte-identical."""
    return digest.model_dump_json(indent=2) + "\n"
