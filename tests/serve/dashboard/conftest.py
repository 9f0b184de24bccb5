"""A live server and one Chromium per module; a fresh hub state and page per test."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from nexigon_fake.testing.plugin.server import LiveServer, NexigonServer
from tests.browser import launch

# The official SDK needs Python 3.12 (as in tests/sdk): below it, its page test is not collected;
# from 3.12 on it is imported unconditionally, so a missing SDK fails loudly.
SDK_SUPPORTED = sys.version_info >= (3, 12)
if not SDK_SUPPORTED:
    collect_ignore = ["test_sdk_page.py"]


@pytest.fixture(scope="module")
def live() -> Iterator[NexigonServer]:
    running = LiveServer.start()
    try:
        yield running.server
    finally:
        running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        started = launch(playwright)
        try:
            yield started
        finally:
            started.close()


@pytest.fixture
def server(live: NexigonServer) -> NexigonServer:
    live.hub.reset()
    return live


@pytest.fixture
def page(browser: Browser, server: NexigonServer) -> Iterator[Page]:
    opened = browser.new_page(base_url=server.url)
    try:
        yield opened
    finally:
        opened.close(run_before_unload=True)
