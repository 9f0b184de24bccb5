"""What the hub writes on the wire: D3 output shape, D4 ids, tagged unions, enums, SDK payloads."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import pytest_asyncio

from nexigon_fake import Hub
from tests.serve.http_helpers import (
    CERT_FINGERPRINT,
    CONNECTION_ID,
    EVENT_ID,
    FINGERPRINT,
    ID_PATTERNS,
    NODE_ID,
    TIMESTAMP,
    TIMESTAMP_KEYS,
    Fixture,
    call,
    make_device,
    ok,
    walk,
)

# Required JsonValue fields may be null (D3); nothing else may, except inside JSON values.
NULLABLE_KEYS = frozenset({"value", "body", "claims", "data"})
JSON_VALUE_KEYS = NULLABLE_KEYS | {"attributes"}

ID_KEYS = {
    "organizationId": "organization",
    "projectId": "project",
    "deviceId": "device",
    "fingerprintId": "fingerprint_id",
    "certificateId": "certificate",
    "connectionId": "connection",
    "nodeId": "node",
    "userId": "user",
    "repositoryId": "repository",
    "actionId": "audit_action",
}


@pytest_asyncio.fixture
async def setup(client: httpx.AsyncClient, hub: Hub) -> Fixture:
    return await make_device(client, hub.default_organization_id)


async def set_clock(client: httpx.AsyncClient, now: str) -> None:
    response = await client.post("/_fake/clock", json={"now": now})
    assert response.status_code == 200, response.text


async def advance(client: httpx.AsyncClient, seconds: float) -> None:
    response = await client.post("/_fake/clock", json={"advanceSecs": seconds})
    assert response.status_code == 200, response.text


def assert_wire_shape(document: Any) -> None:
    """D3 and D4 over a whole output: no nulls, canonical timestamps, ids in real formats."""
    for path, key, value in walk(document):
        inside_json_value = any(
            f".{name}." in path or f".{name}[" in path for name in JSON_VALUE_KEYS
        )
        if value is None:
            assert key in NULLABLE_KEYS or inside_json_value, f"null at {path}"
        if inside_json_value:
            continue
        if key in TIMESTAMP_KEYS:
            assert isinstance(value, str), path
            assert TIMESTAMP.match(value), (path, value)
        if key in ID_KEYS and isinstance(value, str):
            assert ID_PATTERNS[ID_KEYS[key]].match(value), (path, value)


async def populated(client: httpx.AsyncClient, setup: Fixture) -> dict[str, Any]:
    """A device with a certificate, an open and an ended connection, properties and events."""
    device = {"deviceId": setup.device_id}
    certificate = await ok(
        client, "devices_AddCertificate", {**device, "fingerprint": CERT_FINGERPRINT.lower()}
    )
    await ok(
        client,
        "devices_RegisterConnection",
        {**device, "nodeId": NODE_ID, "connectionId": "d_conn_" + "A" * 22},
    )
    await advance(client, 10)
    await ok(
        client,
        "devices_UnregisterConnection",
        {"connectionId": "d_conn_" + "A" * 22, "endReason": "Disconnected"},
    )
    await ok(
        client,
        "devices_RegisterConnection",
        {**device, "nodeId": NODE_ID, "connectionId": CONNECTION_ID},
    )
    await advance(client, 42)
    await ok(client, "devices_SetProperty", {**device, "name": "com.example.null", "value": None})
    await ok(
        client,
        "devices_SetProperty",
        {**device, "name": "dev.nexigon.system.info", "value": {"hostname": "rpi-lab-1"}},
    )
    await ok(
        client,
        "devices_SetProperty",
        {**device, "name": "dev.nexigon.system.health", "value": {"status": "degraded"}},
    )
    await ok(
        client,
        "devices_PublishEvents",
        {
            **device,
            "events": [
                {
                    "eventId": EVENT_ID,
                    "severity": "Warning",
                    "body": None,
                    "attributes": {"k": None},
                    "emittedAt": "2026-05-04T07:03:00Z",
                },
                {
                    "eventId": "d_ev_20260504-0704-Xgzgv1Xj",
                    "category": "ota",
                    "severity": "Error",
                    "body": {"nested": [1, None]},
                    "attributes": {},
                    "emittedAt": "2026-05-04T09:04:00.250+02:00",
                },
            ],
        },
    )
    return {"certificateId": certificate["certificateId"]}


# D3: absent optionals are omitted, required JsonValues are present.


@pytest.mark.asyncio
async def test_device_without_name_has_no_name_key(
    client: httpx.AsyncClient, setup: Fixture
) -> None:
    device = {"deviceId": setup.device_id}
    details = await ok(client, "devices_GetDetails", device)
    assert details == {
        "deviceId": setup.device_id,
        "projectId": setup.project_id,
        "fingerprintId": "d_pk_" + FINGERPRINT[5:27],
        "isConnected": False,
        "certificates": [],
        "connections": [],
    }
    items = (await ok(client, "projects_QueryDevices", {"projectId": setup.project_id}))["devices"]
    assert items == [
        {
            "deviceId": setup.device_id,
            "firstSeen": "2026-05-04T07:00:00Z",
            "status": "offline",
            "isConnected": False,
            "pendingCertificatesCount": 0,
        }
    ]
    assert (await ok(client, "devices_Query"))["devices"] == [
        {"deviceId": setup.device_id, "projectId": setup.project_id, "isConnected": False}
    ]


@pytest.mark.asyncio
async def test_name_appears_when_set_and_disappears_when_cleared(
    client: httpx.AsyncClient, setup: Fixture
) -> None:
    device = {"deviceId": setup.device_id}
    await ok(client, "devices_SetName", {**device, "name": "kitchen"})
    assert (await ok(client, "devices_GetDetails", device))["name"] == "kitchen"
    items = (await ok(client, "projects_QueryDevices", {"projectId": setup.project_id}))["devices"]
    assert items[0]["name"] == "kitchen"
    await ok(client, "devices_SetName", device)
    assert "name" not in await ok(client, "devices_GetDetails", device)


@pytest.mark.asyncio
async def test_claims_is_present_as_null_when_issued_without_claims(
    client: httpx.AsyncClient, setup: Fixture
) -> None:
    jwt = (await ok(client, "devices_IssueDeviceToken", {"deviceId": setup.device_id}))["jwt"]
    response = await call(client, "devices_ValidateDeviceToken", {"jwt": jwt})
    assert response.json() == {"result": "Valid", "deviceId": setup.device_id, "claims": None}
    assert b'"claims":null' in response.content

    claims = {"aud": "backend", "n": [1, None]}
    jwt = (
        await ok(
            client, "devices_IssueDeviceToken", {"deviceId": setup.device_id, "claims": claims}
        )
    )["jwt"]
    validated = await ok(client, "devices_ValidateDeviceToken", {"jwt": jwt})
    assert validated == {"result": "Valid", "deviceId": setup.device_id, "claims": claims}


@pytest.mark.asyncio
async def test_null_property_value_and_event_body_are_present(
    client: httpx.AsyncClient, setup: Fixture
) -> None:
    await populated(client, setup)
    device = {"deviceId": setup.device_id}
    found = await ok(client, "devices_GetProperty", {**device, "name": "com.example.null"})
    assert found == {
        "result": "Found",
        "name": "com.example.null",
        "value": None,
        "protected": False,
        "version": 1,
        "lastUpdated": "2026-05-04T07:00:52Z",
    }
    properties = (await ok(client, "devices_QueryProperties", device))["properties"]
    assert properties["com.example.null"] == {k: v for k, v in found.items() if k != "result"}
    events = (await ok(client, "devices_QueryEvents", device))["events"]
    by_id = {event["eventId"]: event for event in events}
    assert by_id[EVENT_ID] == {
        "eventId": EVENT_ID,
        "severity": "Warning",
        "body": None,
        "attributes": {"k": None},
        "emittedAt": "2026-05-04T07:03:00Z",
        "receivedAt": "2026-05-04T07:00:52Z",
    }


@pytest.mark.asyncio
async def test_connection_end_fields_only_once_ended(
    client: httpx.AsyncClient, setup: Fixture
) -> None:
    await populated(client, setup)
    connections = (await ok(client, "devices_QueryConnections", {"deviceId": setup.device_id}))[
        "connections"
    ]
    assert connections == [
        {
            "connectionId": CONNECTION_ID,
            "nodeId": NODE_ID,
            "connectedAt": "2026-05-04T07:00:10Z",
            "durationSecs": 42,
        },
        {
            "connectionId": "d_conn_" + "A" * 22,
            "nodeId": NODE_ID,
            "connectedAt": "2026-05-04T07:00:00Z",
            "endedAt": "2026-05-04T07:00:10Z",
            "endReason": "Disconnected",
            "durationSecs": 10,
        },
    ]


@pytest.mark.asyncio
async def test_every_output_has_the_wire_shape(client: httpx.AsyncClient, setup: Fixture) -> None:
    extra = await populated(client, setup)
    device = {"deviceId": setup.device_id}
    project = {"projectId": setup.project_id}
    await ok(client, "projects_CreateDeploymentToken", {**project, "name": "t"})
    reads: list[tuple[str, dict[str, Any]]] = [
        ("actor_GetActor", {}),
        ("devices_Query", {}),
        ("devices_GetDetails", device),
        ("devices_QueryConnections", device),
        ("devices_QueryEvents", device),
        ("devices_QueryProperties", device),
        ("devices_QueryAuditLog", device),
        ("devices_QueryCommands", device),
        ("projects_Query", {}),
        ("projects_GetDetails", project),
        ("projects_QueryDevices", project),
        ("projects_QueryDeploymentTokens", project),
        ("projects_QueryLinkedRepositories", project),
        ("projects_QueryAuditLog", project),
        ("projects_GetOtlpConfig", project),
        ("devices_GetProperty", {**device, "name": "missing"}),
    ]
    for action, payload in reads:
        output = await ok(client, action, payload)
        assert_wire_shape(output)
    details = await ok(client, "devices_GetDetails", device)
    assert details["certificates"] == [
        {
            "certificateId": extra["certificateId"],
            "status": "Pending",
            "fingerprint": CERT_FINGERPRINT,  # upper-case two-digit groups on output
            "firstSeen": "2026-05-04T07:00:00Z",
        }
    ]
    assert details["connections"] == [
        {
            "connectionId": CONNECTION_ID,
            "nodeId": NODE_ID,
            "connectedAt": "2026-05-04T07:00:10Z",
            "connectedForSecs": 42,
        }
    ]


@pytest.mark.asyncio
async def test_empty_outputs_are_an_empty_object(client: httpx.AsyncClient, setup: Fixture) -> None:
    response = await call(client, "devices_SetName", {"deviceId": setup.device_id, "name": "x"})
    assert response.status_code == 200
    assert response.content == b"{}"
    assert response.headers["content-type"] == "application/json"


@pytest.mark.asyncio
async def test_otlp_config_never_configured(client: httpx.AsyncClient, setup: Fixture) -> None:
    assert await ok(client, "projects_GetOtlpConfig", {"projectId": setup.project_id}) == {
        "config": {"enabled": False, "headers": {}}
    }


@pytest.mark.asyncio
async def test_deployment_token_flags_echo_what_was_stored(
    client: httpx.AsyncClient, setup: Fixture
) -> None:
    project = {"projectId": setup.project_id}
    await ok(client, "projects_CreateDeploymentToken", {**project, "name": "a"})
    await ok(
        client,
        "projects_CreateDeploymentToken",
        {**project, "name": "b", "flags": {"autoAccept": False}},
    )
    tokens = (await ok(client, "projects_QueryDeploymentTokens", project))["tokens"]
    assert [(token["name"], token["flags"]) for token in tokens] == [
        ("a", {}),
        ("b", {"autoAccept": False}),
    ]
    for token in tokens:
        assert set(token) == {"tokenId", "createdAt", "name", "flags"}


# Timestamps (D3): `Z`, fraction only when not zero, trimmed.


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("now", "written"),
    [
        ("2026-05-04T07:00:00.5Z", "2026-05-04T07:00:00.5Z"),
        ("2026-05-04T07:00:00Z", "2026-05-04T07:00:00Z"),
        ("2026-05-04T07:00:00.000Z", "2026-05-04T07:00:00Z"),
        ("2026-05-04T07:00:00.120Z", "2026-05-04T07:00:00.12Z"),
        ("2026-05-04T07:00:00.123456Z", "2026-05-04T07:00:00.123456Z"),
        ("2026-05-04T09:30:00.5+02:30", "2026-05-04T07:00:00.5Z"),
        ("2026-05-04T07:00:00.5z", "2026-05-04T07:00:00.5Z"),
    ],
)
async def test_timestamps_are_utc_with_trimmed_fraction(
    client: httpx.AsyncClient, hub: Hub, now: str, written: str
) -> None:
    await set_clock(client, now)
    clock = (await client.get("/_fake/clock")).json()
    assert clock == {"now": written, "frozen": True}
    setup = await make_device(client, hub.default_organization_id)
    items = (await ok(client, "projects_QueryDevices", {"projectId": setup.project_id}))["devices"]
    assert items[0]["firstSeen"] == written
    audit = (await ok(client, "projects_QueryAuditLog", {"projectId": setup.project_id}))["events"]
    assert {event["createdAt"] for event in audit} == {written}
    await ok(client, "devices_SetProperty", {"deviceId": setup.device_id, "name": "n", "value": 1})
    found = await ok(client, "devices_GetProperty", {"deviceId": setup.device_id, "name": "n"})
    assert found["lastUpdated"] == written


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("emitted", "written"),
    [
        ("2026-05-04T07:03:00Z", "2026-05-04T07:03:00Z"),
        ("2026-05-04T07:03:00.500Z", "2026-05-04T07:03:00.5Z"),
        ("2026-05-04T09:03:00+02:00", "2026-05-04T07:03:00Z"),
        ("2026-05-04T02:03:00.010-05:00", "2026-05-04T07:03:00.01Z"),
        ("2026-05-04T07:03:00+00:00", "2026-05-04T07:03:00Z"),
        ("2026-05-04t07:03:00z", "2026-05-04T07:03:00Z"),  # RFC 3339 §5.6: `t`/`z` allowed
    ],
)
async def test_event_timestamps_are_normalised_to_utc(
    client: httpx.AsyncClient, setup: Fixture, emitted: str, written: str
) -> None:
    await set_clock(client, "2026-05-04T07:05:00.25Z")
    event = {
        "eventId": EVENT_ID,
        "severity": "Info",
        "body": "x",
        "attributes": {},
        "emittedAt": emitted,
        "receivedAt": "2020-01-01T00:00:00Z",  # the hub assigns receivedAt itself
    }
    await ok(client, "devices_PublishEvents", {"deviceId": setup.device_id, "events": [event]})
    (stored,) = (await ok(client, "devices_QueryEvents", {"deviceId": setup.device_id}))["events"]
    assert stored["emittedAt"] == written
    assert stored["receivedAt"] == "2026-05-04T07:05:00.25Z"


# D4: ids in real formats, public ids derived from secrets, dated ids from the clock.


@pytest.mark.asyncio
async def test_ids_have_real_formats(client: httpx.AsyncClient, hub: Hub) -> None:
    assert ID_PATTERNS["user_token"].match(hub.admin_token)
    assert ID_PATTERNS["organization"].match(hub.default_organization_id)
    actor = (await ok(client, "actor_GetActor"))["actor"]
    assert actor["actor"] == "UserToken"
    assert ID_PATTERNS["user"].match(actor["userId"])
    assert actor["tokenId"] == "u_pk_" + hub.admin_token[5:27]

    await set_clock(client, "2026-05-04T23:59:30Z")
    setup = await make_device(client, hub.default_organization_id)
    assert ID_PATTERNS["project"].match(setup.project_id)
    assert ID_PATTERNS["device"].match(setup.device_id)

    created = await ok(
        client, "projects_CreateDeploymentToken", {"projectId": setup.project_id, "name": "t"}
    )
    assert set(created) == {"tokenId", "token"}
    assert ID_PATTERNS["deployment_token"].match(created["token"])
    assert ID_PATTERNS["deployment_token_id"].match(created["tokenId"])
    assert created["tokenId"] == "deployment_id_" + created["token"][len("deployment_") :][:22]

    details = await ok(client, "devices_GetDetails", {"deviceId": setup.device_id})
    assert details["fingerprintId"] == "d_pk_" + FINGERPRINT[len("d_sk_") :][:22]

    certificate = await ok(
        client,
        "devices_AddCertificate",
        {"deviceId": setup.device_id, "fingerprint": CERT_FINGERPRINT},
    )
    assert ID_PATTERNS["certificate"].match(certificate["certificateId"])

    user = await ok(client, "users_Create", {"email": "a@example.com"})
    assert user["result"] == "Created"
    assert ID_PATTERNS["user"].match(user["userId"])
    user_token = await ok(client, "users_CreateToken", {"userId": user["userId"]})
    assert ID_PATTERNS["user_token"].match(user_token["token"])
    assert user_token["tokenId"] == "u_pk_" + user_token["token"][5:27]

    repository = await ok(
        client,
        "repositories_Create",
        {"organizationId": hub.default_organization_id, "name": "r"},
    )
    assert ID_PATTERNS["repository"].match(repository["repositoryId"])

    audit = (await ok(client, "projects_QueryAuditLog", {"projectId": setup.project_id}))["events"]
    assert audit
    for event in audit:
        assert ID_PATTERNS["audit_event"].match(event["eventId"]), event
        assert event["eventId"].startswith("audit_ev_20260504-2359-")
        assert ID_PATTERNS["audit_action"].match(event["action"]["actionId"]), event
        assert event["action"]["actionId"].startswith("audit_act_20260504-2359-")
        assert "job" not in event
    all_ids = [setup.project_id, setup.device_id, created["tokenId"], user["userId"]]
    assert len(set(all_ids)) == len(all_ids)


# Tagged unions carry their tag in `result` / `actor`.


@pytest.mark.asyncio
async def test_property_outputs_are_tagged_unions(
    client: httpx.AsyncClient, setup: Fixture
) -> None:
    device = {"deviceId": setup.device_id}
    name = {**device, "name": "com.example.x"}
    assert await ok(client, "devices_GetProperty", name) == {"result": "NotFound"}
    assert await ok(client, "devices_RemoveProperty", name) == {"result": "NotFound"}
    assert await ok(client, "devices_SetProperty", {**name, "value": 1, "expectedVersion": 1}) == {
        "result": "Deleted"
    }
    assert await ok(client, "devices_SetProperty", {**name, "value": 1}) == {"result": "Set"}
    assert await ok(client, "devices_SetProperty", {**name, "value": 2, "expectedVersion": 7}) == {
        "result": "VersionConflict",
        "currentVersion": 1,
    }
    assert await ok(client, "devices_SetProperty", {**name, "value": 2, "expectedVersion": 1}) == {
        "result": "Set"
    }
    found = await ok(client, "devices_GetProperty", name)
    assert found["result"] == "Found"
    assert set(found) == {"result", "name", "value", "protected", "version", "lastUpdated"}
    assert await ok(client, "devices_RemoveProperty", name) == {"result": "Removed"}


@pytest.mark.asyncio
async def test_token_validation_outputs_are_tagged_unions(
    client: httpx.AsyncClient, setup: Fixture
) -> None:
    device = {"deviceId": setup.device_id}
    assert await ok(client, "devices_ValidateDeviceToken", {"jwt": "not.a.jwt"}) == {
        "result": "Invalid"
    }
    assert await ok(client, "devices_ValidateHttpProxyToken", {"jwt": "garbage"}) == {
        "result": "Invalid"
    }
    issued = await ok(
        client,
        "devices_IssueHttpProxyToken",
        {**device, "port": 8080, "redirect": "https://app.example.com/expired"},
    )
    assert set(issued) == {"jwt", "url"}
    valid = await ok(client, "devices_ValidateHttpProxyToken", {"jwt": issued["jwt"]})
    assert valid["result"] == "Valid"
    assert valid["deviceId"] == setup.device_id
    assert valid["port"] == 8080
    assert isinstance(valid["hostname"], str)
    assert issued["url"] == f"https://{valid['hostname']}/?token={issued['jwt']}"
    # Device and proxy tokens are not interchangeable.
    assert await ok(client, "devices_ValidateDeviceToken", {"jwt": issued["jwt"]}) == {
        "result": "Invalid"
    }
    await advance(client, 601)
    assert await ok(client, "devices_ValidateHttpProxyToken", {"jwt": issued["jwt"]}) == {
        "result": "Invalid",
        "redirect": "https://app.example.com/expired",
    }


@pytest.mark.asyncio
async def test_create_outputs_and_actors_are_tagged(
    client: httpx.AsyncClient, hub: Hub, setup: Fixture
) -> None:
    created = await ok(
        client, "projects_Create", {"organizationId": hub.default_organization_id, "name": "q"}
    )
    assert set(created) == {"result", "projectId"}
    assert created["result"] == "Created"
    actor = await ok(client, "actor_GetActor")
    assert set(actor) == {"actor"}
    assert set(actor["actor"]) == {"actor", "userId", "tokenId"}
    audit = (await ok(client, "projects_QueryAuditLog", {"projectId": setup.project_id}))["events"]
    assert {event["actor"]["actor"] for event in audit} == {"UserToken"}
    assert {event["event"] for event in audit} == {"projects_Created", "devices_Created"}
    for event in audit:
        assert set(event) == {"eventId", "actor", "event", "data", "createdAt", "action"}


# Enums.


@pytest.mark.asyncio
async def test_enums_are_written_as_upstream(client: httpx.AsyncClient, setup: Fixture) -> None:
    device = {"deviceId": setup.device_id}
    project = {"projectId": setup.project_id}
    for index, kind in enumerate(["Pending", "Active", "Rejected", "Revoked", "Conflict"]):
        certificate = await ok(
            client,
            "devices_AddCertificate",
            {**device, "fingerprint": CERT_FINGERPRINT[:-2] + f"{index:02X}", "status": kind},
        )
        assert certificate["certificateId"]
    details = await ok(client, "devices_GetDetails", device)
    assert [c["status"] for c in details["certificates"]] == [
        "Pending",
        "Active",
        "Rejected",
        "Revoked",
        "Conflict",
    ]

    async def status() -> str:
        items = (await ok(client, "projects_QueryDevices", project))["devices"]
        return items[0]["status"]

    assert await status() == "offline"
    await ok(
        client,
        "devices_RegisterConnection",
        {**device, "nodeId": NODE_ID, "connectionId": CONNECTION_ID},
    )
    assert await status() == "healthy"
    for health, expected in [("degraded", "warning"), ("error", "error"), ("healthy", "healthy")]:
        await ok(
            client,
            "devices_SetProperty",
            {**device, "name": "dev.nexigon.system.health", "value": {"status": health}},
        )
        assert await status() == expected
    for reason in ["Unknown", "Disconnected", "NodeCrashed", "ServerShutdown"]:
        connection_id = "d_conn_" + reason[0] * 22
        await ok(
            client,
            "devices_RegisterConnection",
            {**device, "nodeId": NODE_ID, "connectionId": connection_id},
        )
        await ok(
            client,
            "devices_UnregisterConnection",
            {"connectionId": connection_id, "endReason": reason},
        )
    connections = (await ok(client, "devices_QueryConnections", device))["connections"]
    assert sorted(c["endReason"] for c in connections if "endReason" in c) == [
        "Disconnected",
        "NodeCrashed",
        "ServerShutdown",
        "Unknown",
    ]


# The SDK's payloads (Appendix A).


@pytest.mark.asyncio
async def test_publish_events_accepts_the_sdk_payload(
    client: httpx.AsyncClient, setup: Fixture
) -> None:
    await set_clock(client, "2026-05-04T07:03:01Z")
    body = (
        '{"deviceId":"<d>","events":[{"eventId":"d_ev_20260504-0703-Xgzgv1Xi",'
        '"category":null,"severity":"Info","body":"committing system","attributes":{},'
        '"emittedAt":"2026-05-04T07:03:00Z","receivedAt":null}]}'
    ).replace("<d>", setup.device_id)
    response = await call(client, "devices_PublishEvents", content=body.encode())
    assert response.status_code == 200, response.text
    assert response.content == b"{}"
    events = (await ok(client, "devices_QueryEvents", {"deviceId": setup.device_id}))["events"]
    assert events == [
        {
            "eventId": "d_ev_20260504-0703-Xgzgv1Xi",
            "severity": "Info",
            "body": "committing system",
            "attributes": {},
            "emittedAt": "2026-05-04T07:03:00Z",
            "receivedAt": "2026-05-04T07:03:01Z",
        }
    ]
    # Publishing the same payload again is ignored, first write wins (D7).
    again = await call(client, "devices_PublishEvents", content=body.encode())
    assert again.status_code == 200
    assert (await ok(client, "devices_QueryEvents", {"deviceId": setup.device_id}))[
        "events"
    ] == events


@pytest.mark.asyncio
async def test_set_property_accepts_the_sdk_payload(
    client: httpx.AsyncClient, setup: Fixture
) -> None:
    body = (
        '{"deviceId":"<d>","name":"a.b","value":{"x":1},"protected":null,"expectedVersion":null}'
    ).replace("<d>", setup.device_id)
    response = await call(client, "devices_SetProperty", content=body.encode())
    assert response.status_code == 200, response.text
    assert response.json() == {"result": "Set"}
