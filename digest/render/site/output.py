"""Writing the site folder: only what changed, and never over files digest did not write.

A rebuild with nothing new touches no file (not even its time), so a deploy or a commit of
the folder sees no change. Files the new build no longer has are removed, but only from a
folder this command made: a marker file says so, and a folder holding files without it
(a typo such as `site-dir: .`, another generator's output) is refused, untouched.
"""

from __future__ import annotations

import os
from pathlib import Path

from digest.errors import InputError

MARKER = ".digest-site"
_MARKER_TEXT = b"Written by `digest site`: every file here is replaced on each build.\n"

_NOT_OURS = (
    "{site} holds files `digest site` did not write; nothing was written. Choose a new or "
    "empty folder (the default is _site), or remove that one"
)


def check(site: Path) -> None:
    """Bad input before anything is built: a folder that is not the site's."""
    if site.exists() and not site.is_dir():
        raise InputError("site-dir", _NOT_OURS.format(site=site))
    if site.is_dir() and any(site.iterdir()) and not (site / MARKER).is_file():
        raise InputError("site-dir", _NOT_OURS.format(site=site))


def sync(built: dict[str, bytes], site: Path) -> tuple[list[str], list[str]]:
    """Make `site` hold exactly `built` (and the marker): (paths written, paths removed)."""
    check(site)
    wanted = {**built, MARKER: _MARKER_TEXT}
    written = []
    for path, content in sorted(wanted.items()):
        target = site / path
        if target.is_file() and target.read_bytes() == content:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".tmp")
        temporary.write_bytes(content)
        os.replace(temporary, target)  # a reader never sees half a page
        written.append(path)
    removed = []
    for found in sorted(site.rglob("*"), reverse=True):  # files before their folders
        relative = found.relative_to(site).as_posix()
        if found.is_file() and relative not in wanted:
            found.unlink()
            removed.append(relative)
        elif found.is_dir() and not any(found.iterdir()):
            found.rmdir()
    return [p for p in written if p != MARKER], removed
