"""GitHub Actions runner integration: outputs, step summary, annotations, masks.

Everything here is a no-op (or plain stderr) outside a runner, so the CLI works the same.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path


def on_runner() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def _escape(message: str) -> str:
    # Workflow commands end at a newline; GitHub documents these escapes for annotations.
    return message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def error(message: str) -> None:
    """A fatal error: an annotation on the run, and the same words atop the job summary."""
    print(
        f"::error::{_escape(message)}" if on_runner() else f"digest: error: {message}",
        file=sys.stderr,
    )
    write_summary(f"### digest failed\n\n{message}\n")


def notice(message: str) -> None:
    """A line the user should see without -v (the pull request's URL, say)."""
    print(message if on_runner() else f"digest: {message}", file=sys.stderr, flush=True)


def warning(message: str) -> None:
    print(
        f"::warning::{_escape(message)}" if on_runner() else f"digest: warning: {message}",
        file=sys.stderr,
    )


def mask(secret: str | None) -> None:
    if secret and on_runner():
        print(f"::add-mask::{secret}", flush=True)


@contextmanager
def group(title: str) -> Iterator[None]:
    """A collapsible section of the job log."""
    if on_runner():
        print(f"::group::{title}", file=sys.stderr, flush=True)
    try:
        yield
    finally:
        if on_runner():
            print("::endgroup::", file=sys.stderr, flush=True)


def write_outputs(values: Mapping[str, str | int | float | None]) -> None:
    """Append to $GITHUB_OUTPUT; multi-line values use the documented heredoc form."""
    path = os.environ.get("GITHUB_OUTPUT")
    if not path:
        return
    with Path(path).open("a", encoding="utf-8") as out:
        for name, value in values.items():
            text = "" if value is None else str(value)
            if "\n" in text:
                delimiter = f"ghadelimiter_{uuid.uuid4()}"
                out.write(f"{name}<<{delimiter}\n{text}\n{delimiter}\n")
            else:
                out.write(f"{name}={text}\n")


def write_summary(markdown: str) -> None:
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        with Path(path).open("a", encoding="utf-8") as out:
            out.write(markdown.rstrip() + "\n")
