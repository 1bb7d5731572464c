"""The release's version is written in three places a user meets: the package (`digest
--version`, every report's footer), the image `action.yml` runs, and CHANGELOG.md's top entry.
`.ci/version check` (run by CI and by the release workflow before anything is pushed) fails
when they disagree."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FILES = ("digest/__init__.py", "action.yml", "CHANGELOG.md", "README.md")


def check(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / ".ci/version"), "--root", str(root), "check", *args],
        capture_output=True,
        text=True,
    )


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """A copy of the files that carry the version."""
    for name in FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_package_the_image_and_the_changelog_name_one_version():
    from digest import __version__

    done = check(ROOT)
    assert done.returncode == 0, done.stderr
    assert f"image: docker://ghcr.io/digest-action/digest:{__version__}" in (
        ROOT / "action.yml"
    ).read_text(encoding="utf-8")
    assert re.search(
        rf"^## \[{re.escape(__version__)}\]", (ROOT / "CHANGELOG.md").read_text(), re.M
    )


@pytest.mark.parametrize(
    ("file", "old", "new", "said"),
    [
        ("digest/__init__.py", '__version__ = "', '__version__ = "9.', "the package is 9."),
        ("action.yml", "action/digest:", "action/digest:9.", "action.yml runs image tag 9."),
        ("CHANGELOG.md", "## [", "## [9.", "CHANGELOG.md's top entry is 9."),
        ("action.yml", "docker://ghcr.io/digest-action/digest:", "", "not a prebuilt image"),
        # the README's workflow still pinning the release before
        ("README.md", "digest-action/digest@v", "digest-action/digest@v9.", "README.md pins 9."),
    ],
)
def test_any_disagreement_fails_the_check_with_a_line_naming_it(release, file, old, new, said):
    edit(release / file, old, new)
    done = check(release)
    assert done.returncode == 1
    assert said in done.stderr
    assert all(line.startswith("version check: ") for line in done.stderr.splitlines())


def test_a_release_tag_must_be_the_version_and_its_entry_dated(release):
    from digest import __version__

    assert "version check: tag v0.0.1 is not" in check(release, "--tag", "v0.0.1").stderr
    # The top entry as it stands in this checkout: "Unreleased" between releases, dated on the
    # release commit (the README's Releasing), so the test holds on both.
    changelog = (release / "CHANGELOG.md").read_text(encoding="utf-8")
    (top,) = re.findall(rf"^## \[{re.escape(__version__)}\] - .*$", changelog, re.M)
    edit(release / "CHANGELOG.md", top, f"## [{__version__}] - TBD")
    assert "has no release date" in check(release, "--tag", f"v{__version__}").stderr
    edit(release / "CHANGELOG.md", f"## [{__version__}] - TBD", f"## [{__version__}] - 2026-12-07")
    assert check(release, "--tag", f"v{__version__}").returncode == 0
    other = check(release, "--tag", f"v{__version__}", "--image", "ghcr.io/someone/fork")
    assert "the release pushes ghcr.io/someone/fork" in other.stderr


def test_the_release_text_is_that_versions_changelog_section():
    notes = subprocess.run(
        [sys.executable, str(ROOT / ".ci/version"), "notes", "0.1.0"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert notes.startswith("The first daily digest.")
    assert "## [" not in notes


def test_between_releases_the_readme_pins_the_last_release_and_a_tag_its_own(release):
    """With the top entry "Unreleased", the README may still pin the release before (users
    can pull only that); the release commit's tag needs the README to pin the new one."""
    from digest import __version__

    changelog = (release / "CHANGELOG.md").read_text(encoding="utf-8")
    entries = re.findall(r"^## \[([^\]]+)\] - (.*)$", changelog, re.M)
    (top, when), (before, _) = entries[0], entries[1]
    assert top == __version__
    readme = (release / "README.md").read_text(encoding="utf-8")
    (release / "README.md").write_text(readme.replace(f"@v{__version__}", f"@v{before}"))
    if when == "Unreleased":
        assert check(release).returncode == 0
        edit(release / "CHANGELOG.md", f"## [{top}] - Unreleased", f"## [{top}] - 2026-12-08")
    done = check(release, "--tag", f"v{__version__}")
    assert done.returncode == 1 and f"README.md pins {before}" in done.stderr
