"""CORS in a real browser: a page on another origin (another port) calls the fake with
``fetch()`` and an ``Authorization`` header, which makes Chromium send a preflight first.

Headless Debian Chromium (``tests/browser.py``): if it cannot start, these tests fail."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from nexigon_fake.testing.plugin.server import LiveServer
from tests.browser import chromium

CALL = """async ([url, token]) => {
  try {
    const answer = await fetch(url, {
      method: "POST",
      headers: {"Authorization": "Bearer " + token, "Content-Type": "application/json"},
      body: "{}",
    });
    return {reached: true, status: answer.status, body: await answer.json()};
  } catch (error) {
    return {reached: false, error: String(error)};
  }
}"""


class PageServer:
    """A second uvicorn serving one blank page: the other origin the page's calls come from."""

    def __init__(self) -> None:
        async def page(request: Any) -> HTMLResponse:
            return HTMLResponse("<!doctype html><title>another origin</title><p>page</p>")

        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        self.origin = f"http://127.0.0.1:{listener.getsockname()[1]}"
        config = uvicorn.Config(
            Starlette(routes=[Route("/", page)]),
            log_level="warning",
            lifespan="off",
            access_log=False,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [listener]}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join()


@pytest.fixture(scope="module")
def page_server() -> Iterator[PageServer]:
    server = PageServer()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def call_from_page(
    browser: Browser, page_server: PageServer, cors: tuple[str, ...]
) -> tuple[Any, list[str]]:
    """What the page's ``fetch()`` saw, and the calls the fake journaled."""
    fake = LiveServer.start(cors)
    page = browser.new_page()
    try:
        page.goto(page_server.origin + "/")
        url = fake.server.url + "/api/v1/actions/invoke/actor_GetActor"
        result = page.evaluate(CALL, [url, fake.server.admin_token])
        return result, [entry.action for entry in fake.server.hub.journal]
    finally:
        page.close(run_before_unload=True)
        fake.stop()


def test_a_page_on_an_allowed_origin_calls_the_fake(
    browser: Browser, page_server: PageServer
) -> None:
    result, journaled = call_from_page(browser, page_server, (page_server.origin,))
    assert result["reached"], result
    assert journaled == ["actor_GetActor"]
    assert result["status"] == 200
    assert result["body"]["actor"]["actor"] == "UserToken"


def test_without_cors_the_browser_refuses_the_call(
    browser: Browser, page_server: PageServer
) -> None:
    result, journaled = call_from_page(browser, page_server, ())
    assert result == {"reached": False, "error": "TypeError: Failed to fetch"}
    assert journaled == []  # the preflight failed, so the call itself was never sent


def test_an_origin_not_listed_is_refused(browser: Browser, page_server: PageServer) -> None:
    result, journaled = call_from_page(browser, page_server, ("http://127.0.0.1:1",))
    assert result == {"reached": False, "error": "TypeError: Failed to fetch"}
    assert journaled == []
