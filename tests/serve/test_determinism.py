"""Same seed, same frozen clock, same calls: byte-identical answers over HTTP."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from nexigon_fake import Hub
from tests.hub_clients import in_process_client
from tests.serve.http_helpers import (
    ACTION_PATH,
    BASE58,
    CERT_FINGERPRINT,
    FINGERPRINT,
    OTHER_FINGERPRINT,
)

NODE = "cluster_node_syuMNmPfYetW5v6JXmj54o"
CONNECTION = "d_conn_yNoVKf58ZTBqNAYT3j5qcd"

# Ids the hub draws itself (ids chosen by the caller, such as connection ids, are excluded).
DRAWN_ID = re.compile(
    f"\\b(?:org|p|d|d_c|u|u_sk|u_pk|repo|deployment|deployment_id)_{BASE58}{{22,66}}\\b"
    f"|\\baudit_(?:ev|act)_[0-9]{{8}}-[0-9]{{4}}-{BASE58}{{8}}\\b"
)


@asynccontextmanager
async def hub_client(seed: int) -> AsyncIterator[httpx.AsyncClient]:
    async with in_process_client(Hub(seed=seed)) as http:
        yield http


class Recorder:
    """Runs calls against one hub and records every status and raw body."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.log: list[tuple[str, int, bytes]] = []

    async def __call__(self, action: str, payload: dict[str, Any] | None = None) -> Any:
        response = await self.http.post(ACTION_PATH + action, json=payload or {})
        self.log.append((action, response.status_code, response.content))
        return response.json()

    async def control(self, method: str, path: str, payload: Any = None) -> Any:
        response = await self.http.request(method, path, json=payload)
        self.log.append((path, response.status_code, response.content))
        return response.json()


async def script(call: Recorder) -> None:
    """About forty calls touching every part of the hub."""
    health = await call.control("GET", "/_fake/health")
    organization = health["defaultOrganizationId"]
    await call("actor_GetActor")
    project = (await call("projects_Create", {"organizationId": organization, "name": "fleet"}))[
        "projectId"
    ]
    other = (await call("projects_Create", {"organizationId": organization, "name": "lab"}))[
        "projectId"
    ]
    await call("projects_SetName", {"projectId": project, "name": "Fleet"})
    await call(
        "projects_CreateDeploymentToken",
        {"projectId": project, "name": "ci", "flags": {"autoAccept": True}},
    )
    token = await call("projects_CreateDeploymentToken", {"projectId": project, "name": "manual"})
    await call("projects_SetDeploymentTokenFlags", {"tokenId": token["tokenId"], "flags": {}})
    await call("projects_QueryDeploymentTokens", {"projectId": project})
    first = (await call("devices_Create", {"projectId": project, "fingerprint": FINGERPRINT}))[
        "deviceId"
    ]
    second = (
        await call("devices_Create", {"projectId": project, "fingerprint": OTHER_FINGERPRINT})
    )["deviceId"]
    await call("devices_Create", {"projectId": other, "fingerprint": FINGERPRINT})
    await call("devices_SetName", {"deviceId": first, "name": "rpi-1"})
    certificate = await call(
        "devices_AddCertificate", {"deviceId": first, "fingerprint": CERT_FINGERPRINT}
    )
    await call(
        "devices_SetCertificateStatus",
        {"certificateId": certificate["certificateId"], "status": "Active"},
    )
    await call(
        "devices_AddCertificate",
        {"deviceId": second, "fingerprint": CERT_FINGERPRINT[:-2] + "00"},
    )
    await call.control("POST", "/_fake/clock", {"advanceSecs": 5.25})
    await call(
        "devices_RegisterConnection",
        {"deviceId": first, "nodeId": NODE, "connectionId": CONNECTION},
    )
    await call.control("POST", "/_fake/clock", {"advanceSecs": 42})
    await call("devices_GetDetails", {"deviceId": first})
    await call(
        "devices_SetProperty",
        {"deviceId": first, "name": "dev.nexigon.system.info", "value": {"hostname": "rpi-lab-1"}},
    )
    await call(
        "devices_SetProperty",
        {"deviceId": first, "name": "dev.nexigon.system.health", "value": {"status": "degraded"}},
    )
    await call(
        "devices_SetProperty",
        {"deviceId": first, "name": "com.example.cfg", "value": 1, "expectedVersion": 3},
    )
    await call("devices_GetProperty", {"deviceId": first, "name": "dev.nexigon.system.info"})
    await call("devices_RemoveProperty", {"deviceId": first, "name": "com.example.cfg"})
    await call("devices_QueryProperties", {"deviceId": first})
    events = [
        {
            "eventId": f"d_ev_20260504-0700-Xgzgv1X{suffix}",
            "category": "ota" if suffix == "a" else None,
            "severity": severity,
            "body": {"n": index},
            "attributes": {"i": index},
            "emittedAt": f"2026-05-04T07:00:0{index}.5Z",
            "receivedAt": None,
        }
        for index, (suffix, severity) in enumerate([("a", "Info"), ("b", "Error"), ("c", "Debug")])
    ]
    await call("devices_PublishEvents", {"deviceId": first, "events": events})
    await call("devices_QueryEvents", {"deviceId": first, "limit": 2})
    device_jwt = await call(
        "devices_IssueDeviceToken", {"deviceId": first, "claims": {"aud": "backend"}}
    )
    await call("devices_ValidateDeviceToken", {"jwt": device_jwt["jwt"]})
    proxy = await call(
        "devices_IssueHttpProxyToken",
        {"deviceId": first, "port": 8080, "redirect": "https://app.example.com/expired"},
    )
    await call("devices_ValidateHttpProxyToken", {"jwt": proxy["jwt"]})
    await call(
        "devices_UnregisterConnection", {"connectionId": CONNECTION, "endReason": "Disconnected"}
    )
    await call("devices_QueryConnections", {"deviceId": first})
    await call("projects_QueryDevices", {"projectId": project})
    await call("devices_Query")
    await call(
        "projects_SetOtlpConfig",
        {
            "projectId": project,
            "config": {
                "enabled": True,
                "endpoint": "https://otel.example.com/v1/logs",
                "headers": {"authorization": "secret"},
            },
        },
    )
    await call("projects_GetOtlpConfig", {"projectId": project})
    repository = await call(
        "repositories_Create", {"organizationId": organization, "name": "images"}
    )
    await call(
        "projects_LinkRepository",
        {"projectId": project, "repositoryId": repository["repositoryId"]},
    )
    await call("projects_QueryLinkedRepositories", {"projectId": project})
    user = await call("users_Create", {"email": "dev@example.com", "displayName": "Dev"})
    await call("users_CreateToken", {"userId": user["userId"], "name": "laptop"})
    await call("devices_Delete", {"deviceId": second})
    await call.control("POST", "/_fake/clock", {"advanceSecs": 601})
    await call("devices_ValidateDeviceToken", {"jwt": device_jwt["jwt"]})
    await call("devices_ValidateHttpProxyToken", {"jwt": proxy["jwt"]})
    await call("devices_SetName", {"deviceId": first, "name": ""})  # an error answer
    await call("devices_GetDetails", {"deviceId": second})  # the deleted device: 404
    await call("devices_QueryAuditLog", {"deviceId": first})
    await call("projects_QueryAuditLog", {"projectId": project})
    await call("projects_GetDetails", {"projectId": project})
    await call("projects_Query")


async def run(seed: int) -> list[tuple[str, int, bytes]]:
    async with hub_client(seed) as http:
        recorder = Recorder(http)
        await script(recorder)
        return recorder.log


@pytest.mark.asyncio
async def test_same_seed_gives_byte_identical_answers() -> None:
    first = await run(7)
    second = await run(7)
    assert len(first) >= 30
    assert [status for _, status, _ in first].count(200) >= len(first) - 2
    for one, other in zip(first, second, strict=True):
        assert one == other
    # The script does what it says: errors where intended, everything else succeeded.
    failures = [(name, status) for name, status, _ in first if status != 200]
    assert failures == [("devices_SetName", 400), ("devices_GetDetails", 404)]


@pytest.mark.asyncio
async def test_different_seed_gives_different_ids() -> None:
    seven = await run(7)
    eight = await run(8)
    assert [(name, status) for name, status, _ in seven] == [
        (name, status) for name, status, _ in eight
    ]
    ids_seven = {match for _, _, body in seven for match in DRAWN_ID.findall(body.decode())}
    ids_eight = {match for _, _, body in eight for match in DRAWN_ID.findall(body.decode())}
    assert len(ids_seven) >= 15
    assert len(ids_eight) == len(ids_seven)
    assert ids_seven.isdisjoint(ids_eight)
    # Same shapes: the two runs differ only where drawn values appear.
    for (name, _, one), (_, _, other) in zip(seven, eight, strict=True):
        assert set(json.loads(one)) == set(json.loads(other)), name


@pytest.mark.asyncio
async def test_reset_to_the_same_seed_replays_identically() -> None:
    async with hub_client(3) as http:
        first = Recorder(http)
        await script(first)
        reset = await http.post("/_fake/reset", json={"seed": 3})
        assert reset.status_code == 200, reset.text
        second = Recorder(http)
        await script(second)
    assert first.log == second.log
