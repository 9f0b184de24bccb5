"""``/docs``: Swagger UI served from the package on the served OpenAPI document, with the admin
token prefilled only for callers the control plane admits. Against a real uvicorn."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser
from starlette.applications import Starlette

from nexigon_fake.hub import Hub
from nexigon_fake.serve.app import create_app
from nexigon_fake.serve.transport import InProcessTransport
from nexigon_fake.testing.plugin.server import LiveServer
from nexigon_fake.wire.actor import UserTokenActor
from tests.browser import chromium

SETTINGS = re.compile(r'<script id="docs-settings" type="application/json">(.*?)</script>')


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    server = LiveServer.start()
    yield server
    server.stop()


def in_process(app: Starlette) -> httpx.Client:
    return httpx.Client(transport=InProcessTransport(app), base_url="http://hub.test")


def settings_of(page: httpx.Response) -> Any:
    found = SETTINGS.search(page.text)
    assert found is not None, page.text
    return json.loads(found.group(1))


def test_the_page_and_its_assets_are_served(live: LiveServer) -> None:
    url = live.server.url
    page = httpx.get(url + "/docs")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["cache-control"] == "no-store"
    assets = re.findall(r'(?:src|href)="(/docs/[^"]+)"', page.text)
    assert set(assets) == {
        "/docs/static/swagger-ui.css",
        "/docs/static/index.css",
        "/docs/static/favicon-32x32.png",
        "/docs/static/swagger-ui-bundle.js",
        "/docs/static/swagger-ui-standalone-preset.js",
        "/docs/init.js",
    }
    kinds = {".css": "text/css", ".js": "text/javascript", ".png": "image/png"}
    for asset in assets:
        answer = httpx.get(url + asset)
        assert answer.status_code == 200, asset
        assert answer.headers["content-type"].split(";")[0] == kinds[asset[asset.rindex(".") :]]
    bundle = httpx.get(url + "/docs/static/swagger-ui-bundle.js").text
    assert "SwaggerUIBundle" in bundle
    assert "http://" not in page.text and "https://" not in page.text  # nothing from a CDN


def test_the_settings_name_the_served_document_and_carry_the_token_on_loopback(
    live: LiveServer,
) -> None:
    settings = settings_of(httpx.get(live.server.url + "/docs"))
    assert settings == {
        "openapiUrl": "/api/v1/openapi.json",
        "securityScheme": "bearer",
        "adminToken": live.server.admin_token,
    }
    document = httpx.get(live.server.url + settings["openapiUrl"]).json()
    assert settings["securityScheme"] in document["components"]["securitySchemes"]
    init = httpx.get(live.server.url + "/docs/init.js").text
    assert "settings.openapiUrl" in init
    assert "preauthorizeApiKey(settings.securityScheme, settings.adminToken)" in init
    assert "validatorUrl: null" in init


def test_the_token_follows_the_hub() -> None:
    """Read per request: a hub reset to another seed shows its new admin token."""
    hub = Hub()
    with in_process(create_app(hub)) as http:
        before = settings_of(http.get("/docs"))["adminToken"]
        hub.reset(seed=5)
        assert before != hub.admin_token
        assert settings_of(http.get("/docs"))["adminToken"] == hub.admin_token


def test_with_a_control_token_only_its_bearer_sees_the_admin_token() -> None:
    hub = Hub()
    with in_process(create_app(hub, control_token="ctl_secret")) as http:
        anonymous = http.get("/docs")
        assert anonymous.status_code == 200
        assert settings_of(anonymous)["adminToken"] is None
        assert hub.admin_token not in anonymous.text
        wrong = http.get("/docs", headers={"X-Control-Token": "ctl_other"})
        assert settings_of(wrong)["adminToken"] is None
        admitted = http.get("/docs", headers={"X-Control-Token": "ctl_secret"})
        assert settings_of(admitted)["adminToken"] == hub.admin_token


def test_an_admin_token_cannot_break_out_of_the_page() -> None:
    hub = Hub(admin_token="</script><script>alert(1)</script>")
    with in_process(create_app(hub)) as http:
        page = http.get("/docs")
    assert "<script>alert(1)" not in page.text
    assert settings_of(page)["adminToken"] == hub.admin_token


def test_a_missing_asset_is_a_json_404(live: LiveServer) -> None:
    for path in ("/docs/static/nope.js", "/docs/static/%2e%2e/%2e%2e/docs.py", "/docs/static/"):
        answer = httpx.get(live.server.url + path)
        assert answer.status_code == 404, path
        assert set(answer.json()) == {"kind", "message"}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def test_swagger_ui_renders_the_api_and_tries_it_out_as_the_admin(
    browser: Browser, live: LiveServer
) -> None:
    page = browser.new_page()
    try:
        page.goto(live.server.url + "/docs")
        page.wait_for_selector("text=Nexigon Hub API (nexigon-fake)")
        page.wait_for_function("() => window.ui.authSelectors.authorized().size > 0")
        authorized = page.evaluate("() => window.ui.authSelectors.authorized().toJS()")
        assert authorized["bearer"]["value"] == live.server.admin_token
        live.server.hub.journal.clear()
        operation = page.locator("#operations-actor-actor_GetActor")
        operation.locator(".opblock-summary").click()
        operation.locator(".try-out__btn").click()
        operation.locator(".execute").click()
        answer = operation.locator(".live-responses-table .microlight").first
        answer.wait_for()
        assert '"actor": "UserToken"' in answer.inner_text()
        [call] = live.server.hub.journal.entries()  # "Try it out" called as the admin
        assert (call.action, call.status) == ("actor_GetActor", 200)
        assert isinstance(call.actor, UserTokenActor)
        assert call.actor.user_id == live.server.hub.admin_user_id
    finally:
        page.close(run_before_unload=True)
