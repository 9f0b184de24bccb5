"""Fleet properties over HTTP: wire shapes as upstream (§III.2 item 3, §III.7.1), bad input
answered 400 naming the field with the hub unchanged, permissions as D18 says."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from nexigon_fake import Hub, create_app
from nexigon_fake.errors import MSG_FLEET_PROPERTY_COMPUTED, MSG_FLEET_PROPERTY_MANUAL
from tests.serve.http_helpers import (
    FINGERPRINT,
    TIMESTAMP,
    assert_action_error,
    call,
    ok,
)
from tests.serve.test_control_plane import fetch_openapi, output_schema, validate

pytestmark = pytest.mark.asyncio

NAME_LENGTH = "Property name must be between 1 and 256 characters."
NAME_FORMAT = (
    "Property name must start with a letter or digit and contain only letters, digits, dots, "
    "underscores, or hyphens."
)
STRATEGY_LENGTH = "Strategy name must be between 1 and 128 characters."


async def new_project(client: httpx.AsyncClient, hub: Hub) -> str:
    payload = {"organizationId": hub.default_organization_id, "name": "fleet"}
    project: str = (await ok(client, "projects_Create", payload))["projectId"]
    return project


async def test_manual_and_computed_properties_on_the_wire(
    client: httpx.AsyncClient, hub: Hub
) -> None:
    project = await new_project(client, hub)
    base = {"projectId": project}
    assert await ok(client, "fleet_SetProperty", {**base, "name": "ch", "value": "beta"}) == {}
    define = {**base, "name": "fw", "inputProperties": ["fw.version"], "strategy": "distinct"}
    assert await ok(client, "fleet_DefineComputedProperty", {**define, "config": None}) == {}
    manual = await ok(client, "fleet_GetProperty", {**base, "name": "ch"})
    assert list(manual) == ["result", "name", "value", "kind", "version", "lastUpdated"]
    assert manual["kind"] == {"kind": "Manual"}  # an object, not a string (§III.2 item 3)
    assert TIMESTAMP.match(manual["lastUpdated"])
    computed = await ok(client, "fleet_GetProperty", {**base, "name": "fw"})
    assert list(computed) == ["result", "name", "value", "kind", "version", "error", "lastUpdated"]
    assert (computed["value"], computed["kind"], computed["version"]) == (
        None,
        {"kind": "Computed"},
        1,
    )
    listed = await ok(client, "fleet_QueryProperties", base)
    assert listed == {"properties": {"ch": _item(manual), "fw": _item(computed)}}
    definitions = await ok(client, "fleet_QueryComputedPropertyDefinitions", base)
    (item,) = definitions["definitions"]
    assert list(item) == ["name", "inputProperties", "strategy", "config", "createdAt"]
    assert item["config"] is None  # required in the output, `null` when none was given
    assert await ok(client, "fleet_RemoveProperty", {**base, "name": "fw"}) == {"result": "Removed"}
    assert await ok(client, "fleet_RemoveProperty", {**base, "name": "fw"}) == {
        "result": "NotFound"
    }
    assert await ok(client, "fleet_GetProperty", {**base, "name": "fw"}) == {"result": "NotFound"}


def _item(found: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in found.items() if key != "result"}


async def test_every_answer_validates_against_the_served_document(
    client: httpx.AsyncClient, hub: Hub
) -> None:
    document = await fetch_openapi(client)
    project = await new_project(client, hub)
    base = {"projectId": project}
    hub.clock.advance(0.25)
    calls: list[tuple[str, dict[str, Any]]] = [
        ("fleet_SetProperty", {**base, "name": "m", "value": {"deep": [None, 1.5]}}),
        (
            "fleet_DefineComputedProperty",
            {**base, "name": "c", "inputProperties": [], "strategy": "s"},
        ),
        ("fleet_GetProperty", {**base, "name": "m"}),
        ("fleet_GetProperty", {**base, "name": "c"}),
        ("fleet_GetProperty", {**base, "name": "absent"}),
        ("fleet_QueryProperties", base),
        ("fleet_QueryComputedPropertyDefinitions", base),
        ("fleet_RemoveProperty", {**base, "name": "m"}),
        ("fleet_RemoveProperty", {**base, "name": "m"}),
    ]
    for action, payload in calls:
        output = await ok(client, action, payload)
        validate(output, output_schema(document, action), document, action)
    kind = document["components"]["schemas"]["FleetPropertyKindComputed"]
    assert kind["properties"]["kind"] == {"enum": ["Computed"]}


async def test_versions_beyond_int64_are_answered_exactly(
    client: httpx.AsyncClient, hub: Hub
) -> None:
    project = await new_project(client, hub)
    await ok(client, "fleet_SetProperty", {"projectId": project, "name": "m", "value": 1})
    data = hub.snapshot()
    data["fleet_properties"][0]["version"] = 2**64 - 2
    hub.restore(data)
    await ok(client, "fleet_SetProperty", {"projectId": project, "name": "m", "value": 2})
    response = await call(client, "fleet_GetProperty", {"projectId": project, "name": "m"})
    assert b'"version":18446744073709551615' in response.content
    refused = await call(
        client, "fleet_SetProperty", {"projectId": project, "name": "m", "value": 3}
    )
    assert_action_error(refused, 400, "Invalid", "highest version")


@pytest.mark.parametrize(
    ("action", "fields", "fragments"),
    [
        ("fleet_SetProperty", {"name": "", "value": 1}, [NAME_LENGTH, "name"]),
        ("fleet_SetProperty", {"name": "a" * 257, "value": 1}, [NAME_LENGTH, "name"]),
        ("fleet_SetProperty", {"name": "_x", "value": 1}, [NAME_FORMAT, "name"]),
        ("fleet_SetProperty", {"name": "x"}, ["value"]),
        ("fleet_SetProperty", {"name": 5, "value": 1}, ["name"]),
        ("fleet_GetProperty", {"name": "a b"}, [NAME_FORMAT, "name"]),
        ("fleet_GetProperty", {}, ["name"]),
        ("fleet_RemoveProperty", {"name": ""}, [NAME_LENGTH, "name"]),
        (
            "fleet_DefineComputedProperty",
            {"name": "c", "inputProperties": ["ok", "no way"], "strategy": "s"},
            [NAME_FORMAT, "inputProperties[1]"],
        ),
        (
            "fleet_DefineComputedProperty",
            {"name": "c", "inputProperties": [], "strategy": "s" * 129},
            [STRATEGY_LENGTH, "strategy"],
        ),
        (
            "fleet_DefineComputedProperty",
            {"name": "c", "inputProperties": {"a": 1}, "strategy": "s"},
            ["inputProperties"],
        ),
        ("fleet_DefineComputedProperty", {"name": "c", "strategy": "s"}, ["inputProperties"]),
    ],
)
async def test_bad_input_is_400_naming_the_field_and_changes_nothing(
    client: httpx.AsyncClient,
    hub: Hub,
    action: str,
    fields: dict[str, Any],
    fragments: list[str],
) -> None:
    project = await new_project(client, hub)
    before = hub.snapshot_json()
    response = await call(client, action, {"projectId": project, **fields})
    assert_action_error(response, 400, "Invalid", *fragments)
    assert hub.snapshot_json() == before


@pytest.mark.parametrize(
    "content",
    [b"", b"[]", b'{"projectId": "p_1"}', b'{"projectId": null}', b"{", b'{"projectId":1}'],
)
async def test_bodies_that_are_no_input_are_400(
    client: httpx.AsyncClient, hub: Hub, content: bytes
) -> None:
    before = hub.snapshot_json()
    for action in ("fleet_QueryProperties", "fleet_QueryComputedPropertyDefinitions"):
        response = await call(client, action, content=content)
        assert_action_error(response, 400, "Invalid")
    assert hub.snapshot_json() == before


async def test_kind_conflicts_are_400_with_the_d39_messages(
    client: httpx.AsyncClient, hub: Hub
) -> None:
    project = await new_project(client, hub)
    base = {"projectId": project}
    await ok(client, "fleet_SetProperty", {**base, "name": "m", "value": 1})
    define = {**base, "inputProperties": [], "strategy": "s"}
    await ok(client, "fleet_DefineComputedProperty", {**define, "name": "c"})
    before = hub.snapshot_json()
    response = await call(client, "fleet_SetProperty", {**base, "name": "c", "value": 1})
    message = assert_action_error(response, 400, "Invalid")
    assert message == MSG_FLEET_PROPERTY_COMPUTED.format(name="c")
    response = await call(client, "fleet_DefineComputedProperty", {**define, "name": "m"})
    message = assert_action_error(response, 400, "Invalid")
    assert message == MSG_FLEET_PROPERTY_MANUAL.format(name="m")
    assert hub.snapshot_json() == before


async def test_devices_are_403_anonymous_callers_401_unknown_projects_404(
    client: httpx.AsyncClient, hub: Hub
) -> None:
    project = await new_project(client, hub)
    token = await ok(client, "projects_CreateDeploymentToken", {"projectId": project, "name": "t"})
    device = {"Authorization": f"Bearer {token['token']}", "X-Device-Fingerprint": FINGERPRINT}
    payload = {"projectId": project, "name": "m", "value": 1}
    response = await call(client, "fleet_SetProperty", payload, headers=device)
    assert_action_error(response, 403, "Forbidden", "devices may not")
    transport = httpx.ASGITransport(app=create_app(hub))
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as anonymous:
        response = await anonymous.post(
            "/api/v1/actions/invoke/fleet_QueryProperties", json=payload
        )
    assert_action_error(response, 401, "Forbidden")
    unknown = {"projectId": "p_" + "1" * 22}
    response = await call(client, "fleet_QueryProperties", unknown)
    assert_action_error(response, 404, "Forbidden", unknown["projectId"])
    assert await ok(client, "fleet_QueryProperties", {"projectId": project}) == {"properties": {}}
