"""Failures a user can act on. Each carries one line naming the input and what is accepted."""

from __future__ import annotations


class DigestError(Exception):
    """A fatal, user-facing error: the run stops and nothing is written or published."""


class InputError(DigestError):
    def __init__(self, name: str, message: str):
        self.name = name.replace("_", "-")
        super().__init__(
            f"input '{self.name}' {message}"
            if message.startswith(("is ", "must "))
            else f"input '{self.name}': {message}"
        )


class GitHubAccessError(DigestError):
    """GitHub refused the token itself (not one repository): nothing can be collected."""
