"""GitHub Actions runner integration: outputs, step summary, annotations, masks, log groups.

Outside a runner every method is a no-op or a plain stderr line, so the CLI works the same.
The runner's variables are read once, by the CLI (`Runner.from_environ`); nothing below it
reads the environment.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


def _escape(message: str) -> str:
    # Workflow commands end at a newline; GitHub documents these escapes for annotations.
    return message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


@dataclass(frozen=True)
class Runner:
    active: bool = False  # GITHUB_ACTIONS=true
    output_file: str | None = None  # GITHUB_OUTPUT
    summary_file: str | None = None  # GITHUB_STEP_SUMMARY
    # What was masked already: the settings are read twice (before and with the configuration
    # file) and the plan adds what it reads from the environment; each secret is told once.
    _masked: set[str] = field(default_factory=set, repr=False, compare=False)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Runner:
        return cls(
            active=environ.get("GITHUB_ACTIONS") == "true",
            output_file=environ.get("GITHUB_OUTPUT") or None,
            summary_file=environ.get("GITHUB_STEP_SUMMARY") or None,
        )

    def error(self, message: str) -> None:
        """A fatal error: an annotation on the run, and the same words atop the job summary."""
        print(
            f"::error::{_escape(message)}" if self.active else f"digest: error: {message}",
            file=sys.stderr,
        )
        self.write_summary(f"### digest failed\n\n{message}\n")

    def warning(self, message: str) -> None:
        print(
            f"::warning::{_escape(message)}" if self.active else f"digest: warning: {message}",
            file=sys.stderr,
        )

    def notice(self, message: str) -> None:
        """A line the user should see without -v (the pull request's URL, say)."""
        print(message if self.active else f"digest: {message}", file=sys.stderr, flush=True)

    def mask(self, secret: str | None) -> None:
        if secret and self.active and secret not in self._masked:
            self._masked.add(secret)
            print(f"::add-mask::{secret}", flush=True)

    @contextmanager
    def group(self, title: str) -> Iterator[None]:
        """A collapsible section of the job log."""
        if self.active:
            print(f"::group::{title}", file=sys.stderr, flush=True)
        try:
            yield
        finally:
            if self.active:
                print("::endgroup::", file=sys.stderr, flush=True)

    def write_outputs(self, values: Mapping[str, str | int | float | None]) -> None:
        """Append to $GITHUB_OUTPUT; multi-line values use the documented heredoc form."""
        if not self.output_file:
            return
        with Path(self.output_file).open("a", encoding="utf-8") as out:
            for name, value in values.items():
                text = "" if value is None else str(value)
                if "\n" in text:
                    delimiter = f"ghadelimiter_{uuid.uuid4()}"
                    out.write(f"{name}<<{delimiter}\n{text}\n{delimiter}\n")
                else:
                    out.write(f"{name}={text}\n")

    def write_summary(self, markdown: str) -> None:
        if self.summary_file:
            with Path(self.summary_file).open("a", encoding="utf-8") as out:
                out.write(markdown.rstrip() + "\n")
