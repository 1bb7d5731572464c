"""Which Chrome (or Chromium) and chromedriver the browser tests drive, wherever they run.

    python -m tests.browser     # prints the browser found, or why none (exit 1)

Looked for in order: a browser and its driver on PATH (Debian's `chromium` and
`chromium-driver`; Google Chrome), the chromedriver GitHub's Ubuntu runners ship
($CHROMEWEBDRIVER) beside their Google Chrome, then Selenium Manager, which downloads Chrome
for Testing and its driver where the network lets it.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
HOW_TO_INSTALL = (
    "no Chrome or Chromium with a chromedriver was found: install one "
    "(Debian/Ubuntu: `sudo apt-get install chromium chromium-driver`; or Google Chrome, "
    "whose driver Selenium Manager downloads)"
)


@dataclass(frozen=True)
class Browser:
    binary: str
    driver: str
    found_by: str


def on_path() -> Browser | None:
    binary = next((path for name in BROWSERS if (path := shutil.which(name))), None)
    runner_driver = Path(os.environ.get("CHROMEWEBDRIVER", "/nonexistent"), "chromedriver")
    driver = shutil.which("chromedriver") or (
        str(runner_driver) if runner_driver.is_file() else None
    )
    if binary and driver:
        return Browser(binary, driver, "PATH" if shutil.which("chromedriver") else "runner")
    return None


def selenium_manager() -> Browser | None:
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.selenium_manager import SeleniumManager

    try:
        found = SeleniumManager().binary_paths(["--browser", "chrome"])
    except WebDriverException:  # offline, or no build for this platform
        return None
    if found.get("browser_path") and found.get("driver_path"):
        return Browser(found["browser_path"], found["driver_path"], "Selenium Manager")
    return None


def find() -> Browser | None:
    return on_path() or selenium_manager()


if __name__ == "__main__":
    browser = find()
    print(
        f"{browser.binary} with {browser.driver} ({browser.found_by})"
        if browser
        else HOW_TO_INSTALL
    )
    sys.exit(0 if browser else 1)
