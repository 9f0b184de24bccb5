"""Device pairing over HTTP, as the agent redeems a key (SEMANTICS-HEAD §III.6.3, D32, D34)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from nexigon_fake import Hub, create_app
from nexigon_fake.errors import MSG_PAIRING_KEY_FORMAT, MSG_PAIRING_KEY_REFUSED
from tests.live_server import LiveServer
from tests.serve.http_helpers import (
    ACTION_PATH,
    FINGERPRINT,
    OTHER_FINGERPRINT,
    assert_action_error,
    call,
    make_device,
    ok,
)

REDEEM = ACTION_PATH + "projects_RedeemDevicePairingKey"
AGENT_HEADERS = {"Content-Type": "application/json"}


@pytest_asyncio.fixture
async def agent(hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    """A client that sends what the agent sends: no `Authorization`, only `Content-Type`."""
    transport = httpx.ASGITransport(app=create_app(hub))
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as http:
        yield http


async def new_key(client: httpx.AsyncClient, hub: Hub, **fields: Any) -> tuple[str, dict[str, Any]]:
    project = await ok(
        client, "projects_Create", {"organizationId": hub.default_organization_id, "name": "p"}
    )
    payload = {"projectId": project["projectId"], **fields}
    return project["projectId"], await ok(client, "projects_CreateDevicePairingKey", payload)


async def agent_redeem(agent: httpx.AsyncClient, body: dict[str, Any]) -> httpx.Response:
    """The body as the agent's serde writes it: compact JSON, `deviceName` only when set."""
    content = json.dumps(body, separators=(",", ":")).encode()
    response = await agent.post(REDEEM, content=content, headers=AGENT_HEADERS)
    assert "authorization" not in {k.lower() for k in response.request.headers}
    return response


@pytest.mark.asyncio
async def test_the_agents_anonymous_redemption(
    client: httpx.AsyncClient, agent: httpx.AsyncClient, hub: Hub
) -> None:
    project_id, created = await new_key(client, hub, name="bench rig")
    body = {"pairingKey": created["pairingKey"], "fingerprint": FINGERPRINT, "deviceName": "rig-3"}
    response = await agent_redeem(agent, body)
    assert response.status_code == 200, response.text
    result = response.json()
    assert list(result) == ["projectId", "deviceId", "tokenId", "token"]
    assert result["projectId"] == project_id
    listed = await ok(client, "projects_QueryDevicePairingKeys", {"projectId": project_id})
    (item,) = listed["pairingKeys"]
    assert (item["deviceId"], item["tokenId"]) == (result["deviceId"], result["tokenId"])
    tokens = await ok(client, "projects_QueryDeploymentTokens", {"projectId": project_id})
    assert tokens["tokens"][0]["deviceId"] == result["deviceId"]
    # The agent then connects with the device-bound token like a static deployment.
    device_headers = {
        "Authorization": f"Bearer {result['token']}",
        "X-Device-Fingerprint": FINGERPRINT,
    }
    actor = await agent.post(ACTION_PATH + "actor_GetActor", json={}, headers=device_headers)
    assert actor.status_code == 200, actor.text
    assert actor.json()["actor"]["deviceId"] == result["deviceId"]
    other = {**device_headers, "X-Device-Fingerprint": OTHER_FINGERPRINT}
    refused = await agent.post(ACTION_PATH + "actor_GetActor", json={}, headers=other)
    assert_action_error(
        refused,
        403,
        "Forbidden",
        f"Deployment token {result['tokenId']} is bound to device {result['deviceId']}.",
    )


@pytest.mark.asyncio
async def test_a_second_redemption_is_403_with_the_one_message(
    client: httpx.AsyncClient, agent: httpx.AsyncClient, hub: Hub
) -> None:
    _, created = await new_key(client, hub)
    body = {"pairingKey": created["pairingKey"], "fingerprint": FINGERPRINT}
    assert (await agent_redeem(agent, body)).status_code == 200
    before = hub.snapshot_json()
    message = assert_action_error(await agent_redeem(agent, body), 403, "Forbidden")
    assert message == MSG_PAIRING_KEY_REFUSED
    unknown = {
        **body,
        "pairingKey": "ZZZZ-ZZZZZZ" if created["selector"] != "ZZZZZZ" else "YYYYYYYYYY",
    }
    assert assert_action_error(await agent_redeem(agent, unknown), 403, "Forbidden") == message
    assert hub.snapshot_json() == before


@pytest.mark.asyncio
async def test_an_expired_key_is_refused_over_http(
    client: httpx.AsyncClient, agent: httpx.AsyncClient, hub: Hub
) -> None:
    _, created = await new_key(client, hub, validForSecs=1)
    hub.clock.advance(1)
    body = {"pairingKey": created["pairingKey"], "fingerprint": FINGERPRINT}
    assert_action_error(await agent_redeem(agent, body), 403, "Forbidden", MSG_PAIRING_KEY_REFUSED)


@pytest.mark.asyncio
@pytest.mark.parametrize("key", ["ABCD-12345", "ABCD--12345", "OOOO-OOOOOO", "ABCD1234567"])
async def test_malformed_keys_are_400(agent: httpx.AsyncClient, key: str) -> None:
    body = {"pairingKey": key, "fingerprint": FINGERPRINT}
    assert_action_error(await agent_redeem(agent, body), 400, "Invalid", MSG_PAIRING_KEY_FORMAT)


@pytest.mark.asyncio
async def test_anonymous_callers_may_not_manage_keys(
    client: httpx.AsyncClient, agent: httpx.AsyncClient, hub: Hub
) -> None:
    project_id, created = await new_key(client, hub)
    for action, payload in [
        ("projects_CreateDevicePairingKey", {"projectId": project_id}),
        ("projects_QueryDevicePairingKeys", {"projectId": project_id}),
        ("projects_RevokeDevicePairingKey", {"pairingKeyId": created["pairingKeyId"]}),
    ]:
        response = await agent.post(ACTION_PATH + action, json=payload, headers=AGENT_HEADERS)
        assert_action_error(response, 401, "Forbidden")


@pytest.mark.asyncio
async def test_revoke_over_http(
    client: httpx.AsyncClient, agent: httpx.AsyncClient, hub: Hub
) -> None:
    _, created = await new_key(client, hub)
    assert (
        await ok(
            client, "projects_RevokeDevicePairingKey", {"pairingKeyId": created["pairingKeyId"]}
        )
        == {}
    )
    body = {"pairingKey": created["pairingKey"], "fingerprint": FINGERPRINT}
    assert_action_error(await agent_redeem(agent, body), 403, "Forbidden", MSG_PAIRING_KEY_REFUSED)
    unknown = "d_pairing_" + "1" * 22
    response = await call(client, "projects_RevokeDevicePairingKey", {"pairingKeyId": unknown})
    assert_action_error(
        response, 404, "Forbidden", f"Pairing key {unknown} does not exist or is not accessible."
    )


@pytest.mark.asyncio
async def test_redeeming_for_an_existing_device_over_http(
    client: httpx.AsyncClient, agent: httpx.AsyncClient, hub: Hub
) -> None:
    existing = await make_device(client, hub.default_organization_id)
    created = await ok(
        client, "projects_CreateDevicePairingKey", {"projectId": existing.project_id}
    )
    body = {"pairingKey": created["pairingKey"].lower(), "fingerprint": FINGERPRINT}
    response = await agent_redeem(agent, body)
    assert response.status_code == 200, response.text
    assert response.json()["deviceId"] == existing.device_id


def test_the_agents_redemption_against_a_live_server(live_server: LiveServer) -> None:
    """Over a real socket: the key created with the admin token, redeemed with none."""
    admin = {"Authorization": f"Bearer {live_server.admin_token}"}
    project = httpx.post(
        f"{live_server.url}{ACTION_PATH}projects_Create",
        json={"organizationId": live_server.default_organization_id, "name": "live"},
        headers=admin,
    ).json()
    created = httpx.post(
        f"{live_server.url}{ACTION_PATH}projects_CreateDevicePairingKey",
        json={"projectId": project["projectId"]},
        headers=admin,
    ).json()
    content = json.dumps({"pairingKey": created["pairingKey"], "fingerprint": FINGERPRINT})
    response = httpx.post(f"{live_server.url}{REDEEM}", content=content, headers=AGENT_HEADERS)
    assert response.status_code == 200, response.text
    assert response.json()["projectId"] == project["projectId"]


@pytest.mark.asyncio
async def test_openapi_says_redemption_needs_no_credentials(agent: httpx.AsyncClient) -> None:
    document = (await agent.get("/api/v1/openapi.json")).json()
    paths = document["paths"]
    assert paths[REDEEM]["post"]["security"] == [{"bearer": []}, {}]
    create = paths[ACTION_PATH + "projects_CreateDevicePairingKey"]["post"]
    assert create["security"] == [{"bearer": []}]
    schemas = document["components"]["schemas"]
    item = schemas["QueryProjectDeploymentTokensItem"]["properties"]
    assert list(item) == ["tokenId", "deviceId", "createdAt", "name", "flags"]
    assert list(schemas["QueryDevicePairingKeysItem"]["properties"]) == [
        "pairingKeyId",
        "selector",
        "createdAt",
        "expiresAt",
        "usedAt",
        "revokedAt",
        "name",
        "deviceId",
        "tokenId",
    ]
