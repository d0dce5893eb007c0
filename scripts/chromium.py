"""The system's Chromium (Debian's `chromium` package), driven by Playwright.

Used by the browser tests, the README's screenshot and the HTML benchmark.
No browser is downloaded: Playwright is pointed at the installed binary, with
the flags that keep it from reaching for the network (updates, sync, field
trials), in a fresh empty profile (Playwright makes one per launch).
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ARGS = (
    "--headless",
    "--no-sandbox",  # runs as root in CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def executable() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def unavailable() -> str | None:
    """Why the browser cannot be used here, or None when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install '.[test]')"
    if executable() is None:
        return "Chromium is not installed (apt-get install chromium)"
    return None


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium, closed afterwards."""
    from playwright.sync_api import sync_playwright

    path = executable()
    if path is None:
        raise RuntimeError(unavailable())
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=path, args=list(ARGS), headless=True)
        try:
            yield browser
        finally:
            browser.close()
