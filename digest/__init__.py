"""digest: a trustworthy daily digest of activity across GitHub repositories."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("digest")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"
