"""The control plane off the network, and bugs answered without dropping the connection
(issue 18, items 5 and 7)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from nexigon_fake import Hub, create_app
from nexigon_fake.errors import MSG_CONTROL_TOKEN_REQUIRED
from nexigon_fake.serve import cli, control
from nexigon_fake.serve.guard import is_loopback
from nexigon_fake.serve.transport import InProcessTransport

TOKEN = "ctl_test"


def client(hub: Hub, **headers: str) -> httpx.Client:
    app = create_app(hub, control_token=TOKEN)
    return httpx.Client(
        transport=InProcessTransport(app), base_url="http://hub.test", headers=headers
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/_fake/state"),
        ("PUT", "/_fake/state"),
        ("GET", "/_fake/journal"),
        ("POST", "/_fake/reset"),
        ("POST", "/_fake/clock"),
        ("POST", "/_fake/faults"),
        ("POST", "/_fake/hooks"),
        ("GET", "/_fake/hooks"),
        ("GET", "/_fake/fixture"),
    ],
)
def test_without_the_control_token_the_control_plane_is_refused(method: str, path: str) -> None:
    hub = Hub()
    before = hub.snapshot_json()
    with client(hub, Authorization=f"Bearer {hub.admin_token}") as http:
        response = http.request(method, path, json={})
    assert response.status_code == 401
    assert response.json() == {"kind": "Forbidden", "message": MSG_CONTROL_TOKEN_REQUIRED}
    assert hub.snapshot_json() == before


def test_with_the_control_token_everything_answers() -> None:
    hub = Hub()
    with client(hub, **{"X-Control-Token": TOKEN}) as http:
        assert http.get("/_fake/state").status_code == 200
        assert http.get("/_fake/health").json()["adminToken"] == hub.admin_token


def test_health_answers_without_the_token_but_hides_the_admin_token() -> None:
    hub = Hub()
    with client(hub, **{"X-Control-Token": "wrong"}) as http:
        health = http.get("/_fake/health")
    assert health.status_code == 200
    assert "adminToken" not in health.json() and health.json()["status"] == "ok"
    assert hub.admin_token not in health.text


def test_without_a_control_token_the_control_plane_is_as_open_as_before() -> None:
    hub = Hub()
    with httpx.Client(transport=InProcessTransport(create_app(hub)), base_url="http://t") as http:
        assert http.get("/_fake/health").json()["adminToken"] == hub.admin_token


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("::1", True), ("localhost", True), ("0.0.0.0", False),
     ("10.1.2.3", False), ("hub.example", False)],
)  # fmt: skip
def test_serve_requires_and_announces_a_control_token_off_loopback(
    host: str, loopback: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    assert is_loopback(host) is loopback
    args = cli.build_parser().parse_args(["serve", "--host", host])
    token = cli._control_token(args)
    assert (token is None) is loopback
    cli.announce_control(host, token)
    out, err = capsys.readouterr()
    assert ("warning" in err) is (not loopback)
    if token is not None:
        assert out == f"control token: {token}\n" and token.startswith("ctl_")
    given = cli.build_parser().parse_args(["serve", "--host", host, "--control-token", "mine"])
    assert cli._control_token(given) == "mine"


def test_a_bug_on_a_control_route_answers_500_and_the_app_does_not_raise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Starlette's last-resort handler re-raises after answering, and uvicorn then drops the
    keep-alive connection: the app must answer and return."""

    def broken(hub: Hub) -> dict[str, object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(control, "describe", broken)
    sent = asyncio.run(_asgi_get(create_app(Hub()), "/_fake/health"))
    assert sent[0]["status"] == 500
    body = json.loads(b"".join(m.get("body", b"") for m in sent[1:]))
    assert body == {"kind": "Internal", "message": "Unexpected error: RuntimeError('boom')"}


async def _asgi_get(app: Any, path: str) -> list[dict[str, Any]]:
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": b"", "headers": [(b"host", b"hub.test")], "server": ("hub.test", 80),
        "client": ("127.0.0.1", 1),
    }  # fmt: skip
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)  # raises if the app re-raises the bug
    return sent
