"""Shared helpers of the HTTP tests: calling actions, checking ActionError bodies, walking JSON."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

ACTION_PATH = "/api/v1/actions/invoke/"

BASE58 = "[1-9A-HJ-NP-Za-km-z]"
FINGERPRINT = "d_sk_NhFgtsqwDtGuSptFDaYPo22sJXHDmfPVtoPQ6F7FXDNE"
OTHER_FINGERPRINT = "d_sk_7wXu5R3NhFgtsqwDtGuSptFDaYPo22sJXHDmfPVtoPQ6"
CERT_FINGERPRINT = (
    "06:29:84:32:E8:06:6B:29:E2:22:3B:CC:23:AA:95:04:"
    "B5:6A:E5:08:FA:BF:34:35:50:88:69:B9:C3:19:0E:22"
)
NODE_ID = "cluster_node_syuMNmPfYetW5v6JXmj54o"
CONNECTION_ID = "d_conn_yNoVKf58ZTBqNAYT3j5qcd"
EVENT_ID = "d_ev_20260504-0703-Xgzgv1Xi"

# Real formats (SEMANTICS.md §4): tag, base58 raw part of the exact length, dated ids.
ID_PATTERNS: dict[str, re.Pattern[str]] = {
    "organization": re.compile(f"^org_{BASE58}{{22}}$"),
    "project": re.compile(f"^p_{BASE58}{{22}}$"),
    "device": re.compile(f"^d_{BASE58}{{22}}$"),
    "fingerprint": re.compile(f"^d_sk_{BASE58}{{44}}$"),
    "fingerprint_id": re.compile(f"^d_pk_{BASE58}{{22}}$"),
    "certificate": re.compile(f"^d_c_{BASE58}{{22}}$"),
    "connection": re.compile(f"^d_conn_{BASE58}{{22}}$"),
    "node": re.compile(f"^cluster_node_{BASE58}{{22}}$"),
    "deployment_token": re.compile(f"^deployment_{BASE58}{{66}}$"),
    "deployment_token_id": re.compile(f"^deployment_id_{BASE58}{{22}}$"),
    "user": re.compile(f"^u_{BASE58}{{22}}$"),
    "user_token": re.compile(f"^u_sk_{BASE58}{{66}}$"),
    "user_token_id": re.compile(f"^u_pk_{BASE58}{{22}}$"),
    "repository": re.compile(f"^repo_{BASE58}{{22}}$"),
    "event": re.compile(f"^d_ev_[0-9]{{8}}-[0-9]{{4}}-{BASE58}{{8}}$"),
    "audit_event": re.compile(f"^audit_ev_[0-9]{{8}}-[0-9]{{4}}-{BASE58}{{8}}$"),
    "audit_action": re.compile(f"^audit_act_[0-9]{{8}}-[0-9]{{4}}-{BASE58}{{8}}$"),
}

# D3: UTC, `Z`, a fraction only when it is not zero, without trailing zeros.
TIMESTAMP = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]*[1-9])?Z$")
TIMESTAMP_KEYS = frozenset(
    {
        "firstSeen",
        "connectedAt",
        "endedAt",
        "lastConnectedAt",
        "createdAt",
        "emittedAt",
        "receivedAt",
        "lastUpdated",
        "now",
    }
)


async def call(
    client: httpx.AsyncClient,
    action: str,
    payload: Any = None,
    *,
    content: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """POST an action with a JSON payload (``{}`` if none) or raw ``content``."""
    if content is not None:
        return await client.post(ACTION_PATH + action, content=content, headers=headers)
    return await client.post(
        ACTION_PATH + action, json={} if payload is None else payload, headers=headers
    )


async def ok(client: httpx.AsyncClient, action: str, payload: Any = None) -> Any:
    """The JSON output of a call that must succeed."""
    response = await call(client, action, payload)
    assert response.status_code == 200, (action, response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def assert_action_error(response: httpx.Response, status: int, kind: str, *fragments: str) -> str:
    """The response is exactly an ActionError with this status and kind; returns the message."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert isinstance(body, dict), body
    assert set(body) == {"kind", "message"}, body
    assert body["kind"] == kind, body
    message = body["message"]
    assert isinstance(message, str)
    assert message.strip(), body
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    return message


@dataclass(frozen=True)
class Fixture:
    """A project with one device in the hub's default organization."""

    organization_id: str
    project_id: str
    device_id: str


async def make_device(
    client: httpx.AsyncClient, organization_id: str, fingerprint: str = FINGERPRINT
) -> Fixture:
    created = await ok(client, "projects_Create", {"organizationId": organization_id, "name": "p"})
    project_id = created["projectId"]
    device = await ok(
        client, "devices_Create", {"projectId": project_id, "fingerprint": fingerprint}
    )
    return Fixture(organization_id, project_id, device["deviceId"])


def walk(
    value: Any, path: str = "$", key: str | None = None
) -> Iterator[tuple[str, str | None, Any]]:
    """Every (path, key, value) in a JSON document; ``key`` is None for array items and root."""
    yield path, key, value
    if isinstance(value, dict):
        for name, item in value.items():
            yield from walk(item, f"{path}.{name}", name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]", None)
