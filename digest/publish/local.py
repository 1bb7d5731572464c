"""`publish: none`: write the files into a local directory (the workspace on a runner)."""

from __future__ import annotations

import datetime as dt
import os
import stat
import tempfile
from pathlib import Path

from digest.models import Files, PublishResult
from digest.render.index import report_dates


def read_existing(root: Path, reports_dir: str, index_file: str) -> tuple[str | None, set[dt.date]]:
    """The current index text (None if absent) and the dates of reports already there."""
    index = root / index_file
    text = index.read_text(encoding="utf-8") if index.is_file() else None
    folder = root / reports_dir
    names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
    return text, report_dates(names)


def write_files(root: Path, files: Files) -> PublishResult:
    written = []
    for file in files.files:
        target = root / file.path
        target.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(target, file.content)
        written.append(file.path)
    return PublishResult(mode="none", report_path=files.report_path, written=written)


def _mode_for(target: Path) -> int:
    """A replaced file keeps its mode; a new one gets what `open` would give it (0666 less
    the umask). mkstemp's 0600 would hide the report from the job's later steps, which run
    as the runner user while a Docker action runs as root."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _atomic_write(target: Path, content: str) -> None:
    # A crash mid-write must not leave a half report or a truncated README behind.
    mode = _mode_for(target)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
