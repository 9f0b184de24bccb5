"""Headless Debian Chromium through Playwright, for browser tests (the dashboard, /docs, CORS).

The browser is the system's (``apt-get install chromium``), never a download. If it cannot
start, the tests using it fail: a browser test that skips would prove nothing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Playwright, sync_playwright

DEBIAN_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str:
    found = shutil.which("chromium") or (
        DEBIAN_CHROMIUM if os.path.exists(DEBIAN_CHROMIUM) else None
    )
    if found is None:
        raise RuntimeError(
            "Chromium is not installed: the browser tests need it "
            "(`apt-get install chromium`; scripts/test installs it when apt-get is there)."
        )
    return found


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
    )


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()
