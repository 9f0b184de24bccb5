"""Debian's Chromium driven by Playwright, for the dashboard's end-to-end tests.

The browser is the system's (``apt-get install chromium``), never a download: a missing or
broken one fails the tests that need it, loudly.
"""

from __future__ import annotations

import os
import shutil

from playwright.sync_api import Browser, Playwright

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
        "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
    )
    if found is None:
        raise RuntimeError(
            "Chromium is not installed: the dashboard's browser tests need it "
            "(`apt-get install chromium`; scripts/test installs it when apt-get is there)."
        )
    return found


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
