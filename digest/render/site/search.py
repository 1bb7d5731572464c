"""The search index: Pagefind's binary (from its PyPI wheel, the extended build that splits
Chinese into words) run over the rendered pages, indexing only the reports.

The whole site is indexed as the site's language (`--force-language`): Pagefind keeps one
index per language and searches the page's, so a report written in another language would
otherwise be unsearchable from the search page.
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

from pagefind.service import get_executable

from digest.errors import DigestError

log = logging.getLogger(__name__)

BUNDLE = "pagefind"
# Bundles Pagefind writes that the site does not load: its older UIs and its highlighter.
UNUSED = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-highlight.js",
)

_MISSING = (
    "the site's search needs Pagefind's binary, which the `pagefind[extended]` package "
    "installs (the action's image has it): pip install 'pagefind[extended]'"
)
_FAILED = "Pagefind could not index the site ({why}); nothing was written to {site}"


def index(root: Path, language: str, site: str) -> None:
    """Index the reports of the site rendered under `root` into `root/pagefind/`."""
    binary = get_executable()
    if binary is None:
        raise DigestError(_MISSING)
    command = [str(binary), "--site", str(root), "--force-language", language, "--quiet"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DigestError(_FAILED.format(why=type(exc).__name__, site=site)) from None
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines() or [f"exit {done.returncode}"]
        log.warning("pagefind: %s", (done.stderr or done.stdout).strip())
        raise DigestError(_FAILED.format(why=lines[-1][:200], site=site))
    for name in UNUSED:
        (root / BUNDLE / name).unlink(missing_ok=True)
