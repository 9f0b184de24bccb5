"""CORS (issue 16, item 2): off by default; with origins, preflights are answered and answers
carry ``Access-Control-Allow-Origin``. Against a real uvicorn on an ephemeral port."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from nexigon_fake.serve.app import create_app
from nexigon_fake.serve.cors import check_origin
from nexigon_fake.testing.plugin.server import LiveServer
from tests.live_server import start_server, stop_server

PAGE = "http://127.0.0.1:5173"
INVOKE = "/api/v1/actions/invoke/actor_GetActor"


def preflight(url: str, origin: str = PAGE, method: str = "POST") -> httpx.Response:
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    return httpx.options(url, headers=headers, timeout=10)


@pytest.fixture
def served() -> Iterator[list[LiveServer]]:
    started: list[LiveServer] = []
    yield started
    for live in started:
        live.stop()


def serve(started: list[LiveServer], *origins: str) -> LiveServer:
    live = LiveServer.start(origins)
    started.append(live)
    return live


def test_without_cors_a_preflight_is_refused_and_answers_carry_no_cors_headers(
    served: list[LiveServer],
) -> None:
    live = serve(served)
    answer = preflight(live.server.url + INVOKE)
    assert answer.status_code == 405
    assert "access-control-allow-origin" not in answer.headers
    call = httpx.post(
        live.server.url + INVOKE,
        json={},
        headers={"Origin": PAGE, "Authorization": f"Bearer {live.server.admin_token}"},
    )
    assert call.status_code == 200
    assert "access-control-allow-origin" not in call.headers


def test_an_allowed_origin_gets_its_preflight_and_its_answers_marked(
    served: list[LiveServer],
) -> None:
    live = serve(served, PAGE)
    answer = preflight(live.server.url + INVOKE)
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == PAGE
    allowed = {h.strip() for h in answer.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "x-control-token"} <= allowed
    assert "POST" in answer.headers["access-control-allow-methods"]
    call = httpx.post(
        live.server.url + INVOKE,
        json={},
        headers={"Origin": PAGE, "Authorization": f"Bearer {live.server.admin_token}"},
    )
    assert call.status_code == 200, call.text  # the fast path went through the middleware
    assert call.headers["access-control-allow-origin"] == PAGE
    assert call.json()["actor"]["actor"] == "UserToken"
    query = live.server.url + "/api/v1/actions/invoke/projects_Query"
    refused = httpx.post(query, json={}, headers={"Origin": PAGE})
    assert refused.status_code == 401  # errors are marked too, so a page can read them
    assert refused.headers["access-control-allow-origin"] == PAGE
    control = preflight(live.server.url + "/_fake/journal", method="DELETE")
    assert control.status_code == 200


def test_another_origin_is_refused_with_an_action_error(served: list[LiveServer]) -> None:
    live = serve(served, PAGE)
    answer = preflight(live.server.url + INVOKE, origin="http://127.0.0.1:9999")
    assert answer.status_code == 400
    assert "access-control-allow-origin" not in answer.headers
    assert answer.json() == {
        "kind": "Invalid",
        "message": "Cross-origin request refused (Disallowed CORS origin); see `--cors`.",
    }
    call = httpx.post(
        live.server.url + INVOKE, json={}, headers={"Origin": "http://127.0.0.1:9999"}
    )
    assert "access-control-allow-origin" not in call.headers


def test_any_origin(served: list[LiveServer]) -> None:
    live = serve(served, "*")
    answer = preflight(live.server.url + INVOKE, origin="https://app.example.com")
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize(
    "origin",
    ["", "127.0.0.1:5173", "http://x/", "http://x/path", "ftp://x", "http://x:1:2", "**", "null"],
)
def test_an_origin_a_browser_cannot_send_is_refused(origin: str) -> None:
    with pytest.raises(ValueError, match="CORS origin"):
        check_origin(origin)
    with pytest.raises(ValueError, match="CORS origin"):
        create_app(cors=[origin])


def test_accepted_origins() -> None:
    for origin in ("*", "http://localhost:3000", "https://a.example.com", "http://[::1]:80"):
        assert check_origin(origin) == origin


def test_serve_cors_option() -> None:
    server = start_server("--cors", PAGE, "--cors", "http://localhost:3000")
    try:
        for origin in (PAGE, "http://localhost:3000"):
            answer = preflight(server.url + INVOKE, origin=origin)
            assert answer.status_code == 200
            assert answer.headers["access-control-allow-origin"] == origin
        assert preflight(server.url + INVOKE, origin="http://localhost:1").status_code == 400
    finally:
        stop_server(server)


def test_serve_refuses_a_bad_cors_origin() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "nexigon_fake", "serve", "--port", "0", "--cors", "localhost:3000"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "--cors" in done.stderr
    assert "CORS origin 'localhost:3000': expected `*` or scheme://host[:port]" in done.stderr
