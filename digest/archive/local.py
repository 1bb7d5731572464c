"""`publish: none`: the archive is a local directory (the workspace on a runner)."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from digest.archive.base import Publication, Render, Snapshot
from digest.models import PublishResult


class DirectoryArchive:
    def __init__(self, root: Path):
        self.root = root

    def snapshot(self) -> Snapshot:
        return self  # the directory is read as it is, when asked

    def url(self, path: str, *, folder: bool = False) -> str | None:
        return None

    def files_in(self, folder: str) -> list[str]:
        directory = self.root / folder
        if not directory.is_dir():
            return []
        return [f"{folder}/{p.name}" for p in directory.iterdir() if p.is_file()]

    def read(self, path: str) -> str | None:
        file = self.root / path
        return file.read_text(encoding="utf-8") if file.is_file() else None

    def where(self, path: str) -> str:
        return str(self.root / path)

    def publish(self, render: Render, publication: Publication) -> PublishResult:
        files = render(self.snapshot())
        written = []
        for file in files.files:
            if self.read(file.path) == file.content:
                continue  # a rerun with nothing new touches nothing
            target = self.root / file.path
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
        umask = os.umask(0)  # read it the only portable way; files are written one at a time
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
