"""The control plane (`/_fake/*`) and the OpenAPI document."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
import pytest_asyncio

from nexigon_fake import Hub, create_app
from nexigon_fake.actions import ACTIONS
from tests.serve.http_helpers import (
    CONNECTION_ID,
    NODE_ID,
    Fixture,
    assert_action_error,
    call,
    make_device,
    ok,
)


@pytest_asyncio.fixture
async def setup(client: httpx.AsyncClient, hub: Hub) -> Fixture:
    return await make_device(client, hub.default_organization_id)


async def clock(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/_fake/clock")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


# Health.


@pytest.mark.asyncio
async def test_health_describes_the_hub(client: httpx.AsyncClient, hub: Hub) -> None:
    response = await client.get("/_fake/health")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "seed": 0,
        "adminToken": hub.admin_token,
        "defaultOrganizationId": hub.default_organization_id,
        "now": "2026-05-04T07:00:00Z",
    }


@pytest.mark.asyncio
async def test_health_needs_no_credentials(hub: Hub) -> None:
    transport = httpx.ASGITransport(app=create_app(hub))
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as http:
        response = await http.get("/_fake/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


# Reset.


@pytest.mark.asyncio
async def test_reset_forgets_everything(
    client: httpx.AsyncClient, hub: Hub, setup: Fixture
) -> None:
    await client.post("/_fake/clock", json={"advanceSecs": 30})
    assert len((await ok(client, "projects_Query"))["projects"]) == 1
    response = await client.post("/_fake/reset")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer == {
        "status": "ok",
        "seed": 0,
        "adminToken": hub.admin_token,
        "defaultOrganizationId": hub.default_organization_id,
        "now": "2026-05-04T07:00:00Z",
    }
    assert await ok(client, "projects_Query") == {"projects": []}
    assert await ok(client, "devices_Query") == {"devices": []}
    assert_action_error(
        await call(client, "devices_GetDetails", {"deviceId": setup.device_id}),
        404,
        "Forbidden",
        setup.device_id,
    )
    # Same seed: the same ids are drawn again.
    again = await make_device(client, hub.default_organization_id)
    assert again == setup


@pytest.mark.asyncio
async def test_reset_with_a_new_seed_changes_ids_and_token(
    client: httpx.AsyncClient, hub: Hub, setup: Fixture
) -> None:
    old_token = hub.admin_token
    old_organization = hub.default_organization_id
    response = await client.post("/_fake/reset", json={"seed": 5})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["seed"] == 5
    assert answer["adminToken"] != old_token
    assert answer["defaultOrganizationId"] != old_organization
    assert answer["adminToken"] == hub.admin_token
    assert answer["defaultOrganizationId"] == hub.default_organization_id

    # The old token is gone, the new one works.
    assert_action_error(await call(client, "projects_Query"), 401, "Forbidden")
    headers = {"Authorization": f"Bearer {answer['adminToken']}"}
    client.headers.update(headers)
    fresh = await make_device(client, answer["defaultOrganizationId"])
    assert fresh.project_id != setup.project_id
    assert fresh.device_id != setup.device_id

    # The seed sticks across a reset without one; seed 0 brings the first world back.
    assert (await client.post("/_fake/reset", json={})).json()["seed"] == 5
    assert (await client.post("/_fake/reset", json={"seed": None})).json()["seed"] == 5
    back = (await client.post("/_fake/reset", json={"seed": 0})).json()
    assert back["adminToken"] == old_token
    client.headers.update({"Authorization": f"Bearer {old_token}"})
    assert await make_device(client, old_organization) == setup


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b'{"seed": -1}', "$.seed"),
        (b'{"seed": "1"}', "$.seed"),
        (b'{"seed": 1.5}', "$.seed"),
        (b'{"seed": true}', "$.seed"),
        (b'{"sead": 1}', "sead"),
        (b"[]", "JSON object"),
        (b"nope", "JSON"),
        (b'{"seed": 1, "seed": 2}', "Duplicate"),
    ],
)
async def test_bad_reset_is_invalid_400_and_changes_nothing(
    client: httpx.AsyncClient, setup: Fixture, body: bytes, fragment: str
) -> None:
    response = await client.post("/_fake/reset", content=body)
    assert_action_error(response, 400, "Invalid", fragment)
    assert len((await ok(client, "projects_Query"))["projects"]) == 1
    assert (await client.get("/_fake/health")).json()["seed"] == 0


# Clock.


@pytest.mark.asyncio
async def test_clock_reads_and_moves(client: httpx.AsyncClient) -> None:
    assert await clock(client) == {"now": "2026-05-04T07:00:00Z", "frozen": True}
    response = await client.post("/_fake/clock", json={"advanceSecs": 42})
    assert response.json() == {"now": "2026-05-04T07:00:42Z", "frozen": True}
    response = await client.post("/_fake/clock", json={"advanceSecs": 0.5})
    assert response.json() == {"now": "2026-05-04T07:00:42.5Z", "frozen": True}
    response = await client.post("/_fake/clock", json={"advanceSecs": 0})
    assert response.json()["now"] == "2026-05-04T07:00:42.5Z"
    response = await client.post("/_fake/clock", json={"now": "2027-01-01T00:00:00+01:00"})
    assert response.json() == {"now": "2026-12-31T23:00:00Z", "frozen": True}
    # Going back is allowed through `now`.
    response = await client.post("/_fake/clock", json={"now": "2026-05-04T07:00:00Z"})
    assert response.json()["now"] == "2026-05-04T07:00:00Z"
    assert await clock(client) == {"now": "2026-05-04T07:00:00Z", "frozen": True}


@pytest.mark.asyncio
async def test_frozen_clock_stands_still(client: httpx.AsyncClient) -> None:
    assert await clock(client) == await clock(client)


@pytest.mark.asyncio
async def test_unfrozen_hub_reports_it() -> None:
    hub = Hub(frozen_clock=False)
    transport = httpx.ASGITransport(app=create_app(hub))
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as http:
        state = (await http.get("/_fake/clock")).json()
        assert state["frozen"] is False
        moved = (await http.post("/_fake/clock", json={"now": "2030-01-01T00:00:00Z"})).json()
    assert moved["frozen"] is False
    assert moved["now"].startswith("2030-01-01T00:00:0")


@pytest.mark.asyncio
async def test_advancing_the_clock_moves_durations(
    client: httpx.AsyncClient, setup: Fixture
) -> None:
    device = {"deviceId": setup.device_id}
    await ok(
        client,
        "devices_RegisterConnection",
        {**device, "nodeId": NODE_ID, "connectionId": CONNECTION_ID},
    )
    await client.post("/_fake/clock", json={"advanceSecs": 42})
    details = await ok(client, "devices_GetDetails", device)
    assert details["connections"][0]["connectedForSecs"] == 42
    (item,) = (await ok(client, "devices_Query"))["devices"]
    assert item["currentConnectionDurationSecs"] == 42
    assert item["lastConnectedAt"] == "2026-05-04T07:00:00Z"
    await client.post("/_fake/clock", json={"advanceSecs": 18.9})
    (connection,) = (await ok(client, "devices_QueryConnections", device))["connections"]
    assert connection["durationSecs"] == 60
    (project_item,) = (await ok(client, "projects_QueryDevices", {"projectId": setup.project_id}))[
        "devices"
    ]
    assert project_item["currentConnectionDurationSecs"] == 60


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b'{"advanceSecs": -1}', "$.advanceSecs"),
        (b'{"advanceSecs": "1"}', "$.advanceSecs"),
        (b'{"advanceSecs": null}', "exactly one"),
        (b'{"advanceSecs": 1, "now": "2026-05-04T07:00:00Z"}', "exactly one"),
        (b"{}", "exactly one"),
        (b'{"advance": 1}', "advance"),
        (b'{"advanceSecs": 1, "extra": true}', "extra"),
        (b"nope", "JSON"),
        (b"", "JSON"),
        (b"[]", "JSON object"),
        (b'{"advanceSecs": 1, "advanceSecs": 2}', "Duplicate"),
        (b'{"now": "2026-05-04T08:00:00"}', "$.now"),
        (b'{"now": 1777878000}', "$.now"),
        (b'{"now": "tomorrow"}', "$.now"),
    ],
)
async def test_bad_clock_moves_are_invalid_400(
    client: httpx.AsyncClient, body: bytes, fragment: str
) -> None:
    response = await client.post("/_fake/clock", content=body)
    assert_action_error(response, 400, "Invalid", fragment)
    assert await clock(client) == {"now": "2026-05-04T07:00:00Z", "frozen": True}


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "body",
    [
        b'{"now": "2026-02-30T00:00:00Z"}',  # no such day
        b'{"now": "2026-05-04T25:00:00Z"}',  # no such hour
        b'{"now": "0001-01-01T00:00:00+01:00"}',  # before year 1 in UTC
        b'{"advanceSecs": 1e15}',  # beyond what a timestamp can hold
        b'{"advanceSecs": 1e308}',
    ],
)
async def test_clock_moves_out_of_range_are_invalid_400_not_5xx(
    client: httpx.AsyncClient, body: bytes
) -> None:
    response = await client.post("/_fake/clock", content=body)
    assert_action_error(response, 400, "Invalid")
    assert await clock(client) == {"now": "2026-05-04T07:00:00Z", "frozen": True}


@pytest.mark.asyncio
async def test_advancing_past_the_last_timestamp_is_invalid_400_not_5xx(
    client: httpx.AsyncClient,
) -> None:
    # The clock's last instant leaves a year for what the hub derives from now (issue 18).
    moved = await client.post("/_fake/clock", json={"now": "9999-01-01T00:00:00Z"})
    assert moved.status_code == 200
    response = await client.post("/_fake/clock", json={"advanceSecs": 1})
    assert_action_error(response, 400, "Invalid")
    assert await clock(client) == {"now": "9999-01-01T00:00:00Z", "frozen": True}


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("DELETE", "/_fake/clock", 405),
        ("PUT", "/_fake/clock", 405),
        ("GET", "/_fake/reset", 405),
        ("POST", "/_fake/health", 405),
        ("POST", "/api/v1/openapi.json", 405),
        ("GET", "/_fake", 404),
        ("GET", "/_fake/clock/now", 404),
    ],
)
async def test_control_plane_wrong_method_or_route_is_an_action_error(
    client: httpx.AsyncClient, method: str, path: str, status: int
) -> None:
    response = await client.request(method, path)
    assert_action_error(response, status, "Invalid")


# OpenAPI.


async def fetch_openapi(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    document: dict[str, Any] = response.json()
    return document


class SchemaError(AssertionError):
    pass


def validate(instance: Any, schema: dict[str, Any], document: dict[str, Any], path: str) -> None:
    """A small validator for the JSON Schema keywords msgspec emits (no jsonschema installed)."""
    if "$ref" in schema:
        prefix = "#/components/schemas/"
        ref = schema["$ref"]
        assert ref.startswith(prefix), ref
        validate(instance, document["components"]["schemas"][ref[len(prefix) :]], document, path)
        return
    if "anyOf" in schema:
        errors = []
        for option in schema["anyOf"]:
            try:
                validate(instance, option, document, path)
            except SchemaError as error:
                errors.append(str(error))
            else:
                break
        else:
            raise SchemaError(f"{path}: no option of anyOf matched: {errors}")
    if "enum" in schema and instance not in schema["enum"]:
        raise SchemaError(f"{path}: {instance!r} not in {schema['enum']}")
    if "const" in schema and instance != schema["const"]:
        raise SchemaError(f"{path}: {instance!r} != {schema['const']!r}")
    kind = schema.get("type")
    checks = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
    }
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(checks[k](instance) for k in kinds):
            raise SchemaError(f"{path}: {instance!r} is not {kind}")
    if isinstance(instance, str):
        if "pattern" in schema and not re.search(schema["pattern"], instance):
            raise SchemaError(f"{path}: {instance!r} does not match {schema['pattern']}")
        if len(instance) < schema.get("minLength", 0):
            raise SchemaError(f"{path}: too short")
        if "maxLength" in schema and len(instance) > schema["maxLength"]:
            raise SchemaError(f"{path}: too long")
    if isinstance(instance, int | float) and not isinstance(instance, bool):
        if "minimum" in schema and instance < schema["minimum"]:
            raise SchemaError(f"{path}: below minimum")
        if "maximum" in schema and instance > schema["maximum"]:
            raise SchemaError(f"{path}: above maximum")
    if isinstance(instance, dict):
        for required in schema.get("required", []):
            if required not in instance:
                raise SchemaError(f"{path}: missing required {required}")
        properties = schema.get("properties", {})
        for key, value in instance.items():
            if key in properties:
                validate(value, properties[key], document, f"{path}.{key}")
            elif isinstance(schema.get("additionalProperties"), dict):
                validate(value, schema["additionalProperties"], document, f"{path}[{key}]")
            elif schema.get("additionalProperties") is False:
                raise SchemaError(f"{path}: unexpected {key}")
    if isinstance(instance, list) and "items" in schema:
        for index, item in enumerate(instance):
            validate(item, schema["items"], document, f"{path}[{index}]")


def output_schema(document: dict[str, Any], action: str) -> dict[str, Any]:
    operation = document["paths"][f"/api/v1/actions/invoke/{action}"]["post"]
    schema: dict[str, Any] = operation["responses"]["200"]["content"]["application/json"]["schema"]
    return schema


@pytest.mark.asyncio
async def test_openapi_document_lists_every_action(client: httpx.AsyncClient) -> None:
    document = await fetch_openapi(client)
    assert document["openapi"].startswith("3.1")
    assert document["info"]["title"]
    assert document["info"]["version"]
    expected = {f"/api/v1/actions/invoke/{name}" for name in ACTIONS}
    assert set(document["paths"]) == expected
    schemas = document["components"]["schemas"]
    for name in ACTIONS:
        operation = document["paths"][f"/api/v1/actions/invoke/{name}"]
        assert set(operation) == {"post"}
        post = operation["post"]
        assert post["operationId"] == name
        assert post["tags"] == [name.split("_", 1)[0]]
        assert post["requestBody"]["required"] is True
        assert set(post["responses"]) == {"200", "default"}
        for schema in (
            post["requestBody"]["content"]["application/json"]["schema"],
            post["responses"]["200"]["content"]["application/json"]["schema"],
            post["responses"]["default"]["content"]["application/json"]["schema"],
        ):
            for _, key, value in _refs(schema):
                assert key == "$ref"
                assert value.removeprefix("#/components/schemas/") in schemas, value
    for name, schema in schemas.items():
        for _, _, value in _refs(schema):
            assert value.removeprefix("#/components/schemas/") in schemas, (name, value)


def _refs(schema: Any) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "$ref":
                found.append(("", key, value))
            elif key != "discriminator":
                found.extend(_refs(value))
    elif isinstance(schema, list):
        for value in schema:
            found.extend(_refs(value))
    return found


@pytest.mark.asyncio
async def test_openapi_schemas_require_json_values_and_describe_errors(
    client: httpx.AsyncClient,
) -> None:
    schemas = (await fetch_openapi(client))["components"]["schemas"]
    assert "claims" in schemas["ValidateDeviceTokenSuccess"]["required"]
    assert "value" in schemas["SetDevicePropertyAction"]["required"]
    assert "body" in schemas["DeviceEvent"]["required"]
    assert "name" not in schemas["GetDeviceDetailsOutput"]["required"]
    error = schemas["ActionError"]
    assert set(error["required"]) == {"kind", "message"}


@pytest.mark.asyncio
async def test_real_responses_validate_against_the_openapi_schemas(
    client: httpx.AsyncClient, setup: Fixture
) -> None:
    document = await fetch_openapi(client)
    device = {"deviceId": setup.device_id}
    project = {"projectId": setup.project_id}
    await ok(
        client,
        "devices_AddCertificate",
        {**device, "fingerprint": "ab:" * 31 + "cd", "status": "Active"},
    )
    await ok(
        client,
        "devices_RegisterConnection",
        {**device, "nodeId": NODE_ID, "connectionId": CONNECTION_ID},
    )
    await client.post("/_fake/clock", json={"advanceSecs": 3.5})
    await ok(client, "devices_SetName", {**device, "name": "rpi"})
    await ok(client, "devices_SetProperty", {**device, "name": "n", "value": None})
    await ok(
        client,
        "devices_PublishEvents",
        {
            **device,
            "events": [
                {
                    "eventId": "d_ev_20260504-0700-Xgzgv1Xi",
                    "severity": "Critical",
                    "body": [1, "two"],
                    "attributes": {"a": {"b": None}},
                    "emittedAt": "2026-05-04T07:00:01Z",
                }
            ],
        },
    )
    await ok(client, "projects_CreateDeploymentToken", {**project, "name": "t"})
    jwt = (await ok(client, "devices_IssueDeviceToken", device))["jwt"]
    calls: list[tuple[str, dict[str, Any]]] = [
        ("devices_GetDetails", device),
        ("devices_Query", {}),
        ("devices_GetProperty", {**device, "name": "n"}),
        ("devices_GetProperty", {**device, "name": "missing"}),
        ("devices_QueryProperties", device),
        ("devices_QueryEvents", device),
        ("devices_QueryConnections", device),
        ("devices_QueryAuditLog", device),
        ("devices_QueryCommands", device),
        ("devices_ValidateDeviceToken", {"jwt": jwt}),
        ("devices_ValidateDeviceToken", {"jwt": "x"}),
        ("devices_IssueHttpProxyToken", device),
        ("projects_QueryDevices", project),
        ("projects_QueryDeploymentTokens", project),
        ("projects_QueryAuditLog", project),
        ("projects_GetDetails", project),
        ("projects_GetOtlpConfig", project),
        ("projects_Query", {}),
        ("actor_GetActor", {}),
        ("devices_SetProperty", {**device, "name": "n", "value": 1, "expectedVersion": 9}),
    ]
    for action, payload in calls:
        output = await ok(client, action, payload)
        validate(output, output_schema(document, action), document, action)

    # Error answers validate against the `default` response.
    response = await call(client, "devices_GetDetails", {"deviceId": "d_MASi45ub7Qe4ZE36UT5G6c"})
    default = document["paths"]["/api/v1/actions/invoke/devices_GetDetails"]["post"]["responses"][
        "default"
    ]["content"]["application/json"]["schema"]
    validate(response.json(), default, document, "error")

    # The validator is not vacuous.
    schema = output_schema(document, "devices_GetProperty")
    for broken in [
        {"result": "Found"},
        {"result": "Gone"},
        {"result": "Found", "name": "n", "value": 1, "protected": "no", "version": 1,
         "lastUpdated": "2026-05-04T07:00:00Z"},
    ]:  # fmt: skip
        with pytest.raises(SchemaError):
            validate(broken, schema, document, "broken")
    item = {"$ref": "#/components/schemas/QueryDevicesItem"}
    validate({"deviceId": setup.device_id, "projectId": setup.project_id, "isConnected": True},
             item, document, "item")  # fmt: skip
    with pytest.raises(SchemaError):
        validate({"deviceId": "d_0", "projectId": setup.project_id, "isConnected": True},
                 item, document, "broken")  # fmt: skip


@pytest.mark.asyncio
async def test_wrong_method_on_a_control_path_names_the_path(client: httpx.AsyncClient) -> None:
    response = await client.post("/_fake/health")
    assert response.status_code == 405
    assert response.json() == {
        "kind": "Invalid",
        "message": "Method POST is not allowed on /_fake/health.",
    }
