"""digest: a trustworthy daily digest of activity across GitHub repositories."""

# The one place the version is written: pyproject.toml reads it (hatch), action.yml names the
# image of this version and CHANGELOG.md's top entry is this version (tests/test_release.py).
__version__ = "0.4.0"
