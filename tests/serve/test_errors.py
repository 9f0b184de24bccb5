"""Bad input over HTTP: always an ActionError with the D1 status, never a 5xx, never a change.

SEMANTICS.md D1 (statuses), D2 (input leniency), D4 (ids), Part II §1-§2 and §4.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio

from nexigon_fake import Hub, create_app
from nexigon_fake.actions import ACTIONS
from nexigon_fake.errors import InvalidError
from tests.hub_clients import in_process_client
from tests.serve.http_helpers import (
    ACTION_PATH,
    CERT_FINGERPRINT,
    CONNECTION_ID,
    EVENT_ID,
    FINGERPRINT,
    NODE_ID,
    Fixture,
    assert_action_error,
    call,
    make_device,
    ok,
)

MiB = 1024 * 1024

# Well-formed ids of entities that do not exist in any hub of these tests.
UNKNOWN_DEVICE = "d_MASi45ub7Qe4ZE36UT5G6c"
UNKNOWN_PROJECT = "p_U4ud8Fhhe4deS4F3cw9KTA"
UNKNOWN_ORGANIZATION = "org_U4ud8Fhhe4deS4F3cw9KTA"
UNKNOWN_CERTIFICATE = "d_c_YkbUrMWeWQLGsCmrG6dLaY"
UNKNOWN_TOKEN_ID = "deployment_id_nTPkyRFA6CAFjF1YveCHK1"
UNKNOWN_REPOSITORY = "repo_nTPkyRFA6CAFjF1YveCHK1"
UNKNOWN_USER_TOKEN = "u_sk_" + "dAb7Qg25xEgRAhHPfQX88w" * 3


@pytest_asyncio.fixture
async def setup(client: httpx.AsyncClient, hub: Hub) -> Fixture:
    return await make_device(client, hub.default_organization_id)


@pytest_asyncio.fixture
async def anonymous(hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the same hub that sends no credentials."""
    transport = httpx.ASGITransport(app=create_app(hub))
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as http:
        yield http


@pytest.fixture
def strict_hub() -> Hub:
    return Hub(seed=0, strict=True)


@pytest_asyncio.fixture
async def strict_client(strict_hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    async with in_process_client(strict_hub) as http:
        yield http


async def snapshot(client: httpx.AsyncClient, setup: Fixture) -> dict[str, bytes]:
    """Everything observable about the setup's project and device, as raw response bodies."""
    project = {"projectId": setup.project_id}
    device = {"deviceId": setup.device_id}
    reads: list[tuple[str, dict[str, Any]]] = [
        ("projects_Query", {}),
        ("devices_Query", {}),
        ("projects_GetDetails", project),
        ("projects_QueryDevices", project),
        ("projects_QueryAuditLog", project),
        ("projects_QueryDeploymentTokens", project),
        ("projects_QueryLinkedRepositories", project),
        ("projects_GetOtlpConfig", project),
        ("devices_GetDetails", device),
        ("devices_QueryProperties", device),
        ("devices_QueryEvents", device),
        ("devices_QueryConnections", device),
        ("devices_QueryAuditLog", device),
    ]
    result: dict[str, bytes] = {}
    for action, payload in reads:
        response = await call(client, action, payload)
        assert response.status_code == 200, (action, response.text)
        result[action] = response.content
    return result


def sdk_event(**changes: Any) -> dict[str, Any]:
    """A device event as the Python SDK sends it (Appendix A), nulls included."""
    event: dict[str, Any] = {
        "eventId": EVENT_ID,
        "category": None,
        "severity": "Info",
        "body": "committing system",
        "attributes": {},
        "emittedAt": "2026-05-04T07:03:00Z",
        "receivedAt": None,
    }
    event.update(changes)
    return event


# Malformed and non-object bodies.


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"",
        b"   ",
        b'{"deviceId": }',
        b"{'deviceId': 'x'}",
        b'{"deviceId": "x",}',
        b"{} {}",
        b"NaN",
        b'{"value": Infinity}',
        b"\xff\xfe\x00",
        b'{"deviceId": "\\ud800"}',
        b"[" * 100_000,
    ],
    ids=[
        "unclosed",
        "empty",
        "blank",
        "missing-value",
        "single-quotes",
        "trailing-comma",
        "two-documents",
        "nan",
        "infinity",
        "not-utf8",
        "lone-surrogate",
        "deep-nesting",
    ],
)
async def test_malformed_json_is_invalid_400(
    client: httpx.AsyncClient, setup: Fixture, body: bytes
) -> None:
    before = await snapshot(client, setup)
    response = await call(client, "devices_SetProperty", content=body)
    assert_action_error(response, 400, "Invalid", "JSON")
    assert await snapshot(client, setup) == before


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("body", "described"),
    [
        (b"[]", "an array"),
        (b'[{"deviceId": "d_MASi45ub7Qe4ZE36UT5G6c"}]', "an array"),
        (b'"devices"', "a string"),
        (b"42", "a number"),
        (b"-1.5", "a number"),
        (b"null", "null"),
        (b"true", "a boolean"),
    ],
)
async def test_non_object_body_is_invalid_400(
    client: httpx.AsyncClient, body: bytes, described: str
) -> None:
    response = await call(client, "devices_GetDetails", content=body)
    assert_action_error(response, 400, "Invalid", "JSON object", described)


@pytest.mark.asyncio
async def test_action_without_fields_still_needs_an_object(client: httpx.AsyncClient) -> None:
    assert await ok(client, "devices_Query", {}) == {"devices": []}
    assert_action_error(
        await call(client, "devices_Query", content=b"null"), 400, "Invalid", "JSON object"
    )
    assert_action_error(await call(client, "devices_Query", content=b""), 400, "Invalid", "JSON")


# Wrong types.


WRONG_TYPES = [
    # (action, payload with a wrong type; "<d>"/"<p>" replaced by real ids, path, expected type)
    ("devices_QueryEvents", {"deviceId": "<d>", "limit": "5"}, "$.limit", "int"),
    ("devices_QueryEvents", {"deviceId": "<d>", "limit": 5.5}, "$.limit", "int"),
    ("devices_QueryEvents", {"deviceId": "<d>", "limit": 5.0}, "$.limit", "int"),
    ("devices_QueryEvents", {"deviceId": "<d>", "limit": True}, "$.limit", "int"),
    ("devices_QueryEvents", {"deviceId": "<d>", "limit": [5]}, "$.limit", "int"),
    ("devices_QueryConnections", {"deviceId": "<d>", "activeOnly": "yes"}, "$.activeOnly", "bool"),
    ("devices_QueryConnections", {"deviceId": "<d>", "activeOnly": 1}, "$.activeOnly", "bool"),
    ("devices_GetDetails", {"deviceId": 5}, "$.deviceId", "str"),
    ("devices_GetDetails", {"deviceId": True}, "$.deviceId", "str"),
    ("devices_GetDetails", {"deviceId": {"id": "<d>"}}, "$.deviceId", "str"),
    ("devices_SetName", {"deviceId": "<d>", "name": 5}, "$.name", "str"),
    ("projects_Create", {"organizationId": "<o>", "name": 128}, "$.name", "str"),
    ("devices_SetProperty", {"deviceId": "<d>", "name": 1, "value": 1}, "$.name", "str"),
    (
        "devices_SetProperty",
        {"deviceId": "<d>", "name": "a", "value": 1, "protected": "true"},
        "$.protected",
        "bool",
    ),
    (
        "devices_SetProperty",
        {"deviceId": "<d>", "name": "a", "value": 1, "expectedVersion": 1.5},
        "$.expectedVersion",
        "int",
    ),
    (
        "devices_IssueDeviceToken",
        {"deviceId": "<d>", "validForSecs": "600"},
        "$.validForSecs",
        "int",
    ),
    ("devices_IssueHttpProxyToken", {"deviceId": "<d>", "port": 80.0}, "$.port", "int"),
    ("devices_PublishEvents", {"deviceId": "<d>", "events": {}}, "$.events", "array"),
    (
        "devices_PublishEvents",
        {"deviceId": "<d>", "events": [{"eventId": EVENT_ID}]},
        "$.events[0]",
        "severity",
    ),
    (
        "devices_PublishEvents",
        {"deviceId": "<d>", "events": ["event"]},
        "$.events[0]",
        "object",
    ),
    (
        "projects_SetOtlpConfig",
        {"projectId": "<p>", "config": {"enabled": "false", "headers": {}}},
        "$.config.enabled",
        "bool",
    ),
    (
        "projects_SetOtlpConfig",
        {"projectId": "<p>", "config": {"enabled": False, "headers": {"a": 1}}},
        "$.config.headers",
        "str",
    ),
    (
        "projects_CreateDeploymentToken",
        {"projectId": "<p>", "name": "t", "flags": {"autoAccept": "yes"}},
        "$.flags.autoAccept",
        "bool",
    ),
    (
        "projects_CreateDeploymentToken",
        {"projectId": "<p>", "name": "t", "flags": []},
        "$.flags",
        "object",
    ),
]


def fill(payload: Any, setup: Fixture) -> Any:
    """Replace the placeholders ``<d>``, ``<p>`` and ``<o>`` with the setup's ids."""
    if isinstance(payload, dict):
        return {key: fill(value, setup) for key, value in payload.items()}
    if isinstance(payload, list):
        return [fill(value, setup) for value in payload]
    if isinstance(payload, str):
        placeholders = {
            "<d>": setup.device_id,
            "<p>": setup.project_id,
            "<o>": setup.organization_id,
        }
        return placeholders.get(payload, payload)
    return payload


@pytest.mark.asyncio
@pytest.mark.parametrize(("action", "payload", "path", "expected"), WRONG_TYPES)
async def test_wrong_type_is_invalid_400_naming_the_field(
    client: httpx.AsyncClient,
    setup: Fixture,
    action: str,
    payload: dict[str, Any],
    path: str,
    expected: str,
) -> None:
    before = await snapshot(client, setup)
    response = await call(client, action, fill(payload, setup))
    message = assert_action_error(response, 400, "Invalid", f"`{path}", expected)
    assert "Expected" in message or "missing" in message
    assert await snapshot(client, setup) == before


# Explicit null: required fields refuse it, optional fields treat it as absent (D2).


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("action", "payload", "path"),
    [
        ("devices_GetDetails", {"deviceId": None}, "$.deviceId"),
        ("projects_Create", {"organizationId": "<o>", "name": None}, "$.name"),
        ("projects_Create", {"organizationId": None, "name": "p"}, "$.organizationId"),
        ("devices_SetProperty", {"deviceId": "<d>", "name": None, "value": 1}, "$.name"),
        ("devices_PublishEvents", {"deviceId": "<d>", "events": None}, "$.events"),
        (
            "devices_PublishEvents",
            {"deviceId": "<d>", "events": [sdk_event(severity=None)]},
            "$.events[0].severity",
        ),
        (
            "devices_PublishEvents",
            {"deviceId": "<d>", "events": [sdk_event(attributes=None)]},
            "$.events[0].attributes",
        ),
        (
            "devices_PublishEvents",
            {"deviceId": "<d>", "events": [sdk_event(emittedAt=None)]},
            "$.events[0].emittedAt",
        ),
        (
            "devices_UnregisterConnection",
            {"connectionId": CONNECTION_ID, "endReason": None},
            "$.endReason",
        ),
        ("projects_SetOtlpConfig", {"projectId": "<p>", "config": None}, "$.config"),
        (
            "projects_SetDeploymentTokenFlags",
            {"tokenId": UNKNOWN_TOKEN_ID, "flags": None},
            "$.flags",
        ),
    ],
)
async def test_null_for_a_required_field_is_invalid_400(
    client: httpx.AsyncClient, setup: Fixture, action: str, payload: dict[str, Any], path: str
) -> None:
    before = await snapshot(client, setup)
    response = await call(client, action, fill(payload, setup))
    assert_action_error(response, 400, "Invalid", f"`{path}`", "null")
    assert await snapshot(client, setup) == before


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("action", "payload", "path"),
    [
        ("devices_GetDetails", {}, "deviceId"),
        ("projects_Create", {"organizationId": "<o>"}, "name"),
        ("devices_SetProperty", {"deviceId": "<d>", "value": 1}, "name"),
        ("devices_UnregisterConnection", {"connectionId": CONNECTION_ID}, "endReason"),
        (
            "devices_RegisterConnection",
            {"deviceId": "<d>", "nodeId": NODE_ID},
            "connectionId",
        ),
        ("devices_PublishEvents", {"deviceId": "<d>"}, "events"),
    ],
)
async def test_missing_required_field_is_invalid_400_naming_it(
    client: httpx.AsyncClient, setup: Fixture, action: str, payload: dict[str, Any], path: str
) -> None:
    response = await call(client, action, fill(payload, setup))
    assert_action_error(response, 400, "Invalid", "missing", f"`{path}`")


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("action", "payload", "optional"),
    [
        ("devices_QueryEvents", {"deviceId": "<d>"}, {"limit": None}),
        ("devices_QueryConnections", {"deviceId": "<d>"}, {"limit": None, "activeOnly": None}),
        ("devices_GetProperty", {"deviceId": "<d>", "name": "absent"}, {"unknownKey": None}),
        ("projects_GetOtlpConfig", {"projectId": "<p>"}, {"unknownKey": None}),
    ],
)
async def test_null_optional_reads_exactly_like_absent(
    client: httpx.AsyncClient,
    setup: Fixture,
    action: str,
    payload: dict[str, Any],
    optional: dict[str, Any],
) -> None:
    absent = await call(client, action, fill(payload, setup))
    present_as_null = await call(client, action, fill({**payload, **optional}, setup))
    assert absent.status_code == present_as_null.status_code == 200
    assert present_as_null.content == absent.content


@pytest.mark.asyncio
async def test_null_optionals_are_accepted_on_writes(
    client: httpx.AsyncClient, setup: Fixture
) -> None:
    device = {"deviceId": setup.device_id}
    # SetName with null clears the name (no `name` key afterwards).
    assert await ok(client, "devices_SetName", {**device, "name": "kitchen"}) == {}
    assert (await ok(client, "devices_GetDetails", device))["name"] == "kitchen"
    assert await ok(client, "devices_SetName", {**device, "name": None}) == {}
    assert "name" not in await ok(client, "devices_GetDetails", device)

    # SetProperty exactly as the SDK sends it.
    output = await ok(
        client,
        "devices_SetProperty",
        {**device, "name": "a.b", "value": {"x": 1}, "protected": None, "expectedVersion": None},
    )
    assert output == {"result": "Set"}
    found = await ok(client, "devices_GetProperty", {**device, "name": "a.b"})
    assert found["protected"] is False
    assert found["version"] == 1

    # Tokens with every optional null get the defaults.
    assert set(
        await ok(
            client,
            "devices_IssueDeviceToken",
            {**device, "validForSecs": None, "claims": None},
        )
    ) == {"jwt"}
    assert set(
        await ok(
            client,
            "devices_IssueHttpProxyToken",
            {**device, "validForSecs": None, "hostname": None, "port": None, "redirect": None},
        )
    ) == {"jwt", "url"}

    # AddCertificate with a null status defaults to Pending.
    await ok(
        client,
        "devices_AddCertificate",
        {**device, "fingerprint": CERT_FINGERPRINT, "status": None},
    )
    details = await ok(client, "devices_GetDetails", device)
    assert [certificate["status"] for certificate in details["certificates"]] == ["Pending"]

    # Deployment token without flags.
    await ok(
        client,
        "projects_CreateDeploymentToken",
        {"projectId": setup.project_id, "name": "t", "flags": None},
    )
    tokens = await ok(client, "projects_QueryDeploymentTokens", {"projectId": setup.project_id})
    assert [token["flags"] for token in tokens["tokens"]] == [{}]


# Required JsonValue fields: present as null is fine, absent is not (D2).


@pytest.mark.asyncio
async def test_property_value_null_is_accepted_but_absent_is_refused(
    client: httpx.AsyncClient, setup: Fixture
) -> None:
    device = {"deviceId": setup.device_id}
    assert await ok(client, "devices_SetProperty", {**device, "name": "n", "value": None}) == {
        "result": "Set"
    }
    found = await ok(client, "devices_GetProperty", {**device, "name": "n"})
    assert "value" in found
    assert found["value"] is None

    before = await snapshot(client, setup)
    response = await call(client, "devices_SetProperty", {**device, "name": "m"})
    assert_action_error(response, 400, "Invalid", "missing", "`value`")
    assert await snapshot(client, setup) == before


@pytest.mark.asyncio
async def test_event_body_null_is_accepted_but_absent_is_refused(
    client: httpx.AsyncClient, setup: Fixture
) -> None:
    device = {"deviceId": setup.device_id}
    assert (
        await ok(client, "devices_PublishEvents", {**device, "events": [sdk_event(body=None)]})
        == {}
    )
    events = (await ok(client, "devices_QueryEvents", device))["events"]
    assert len(events) == 1
    assert "body" in events[0]
    assert events[0]["body"] is None

    before = await snapshot(client, setup)
    event = sdk_event(eventId="d_ev_20260504-0703-Xgzgv1Xj")
    del event["body"]
    response = await call(client, "devices_PublishEvents", {**device, "events": [event]})
    assert_action_error(response, 400, "Invalid", "missing", "`body`", "$.events[0]")
    assert await snapshot(client, setup) == before


# Unknown fields: ignored by default, refused by a strict hub (D2).


def unknown_field_cases(setup: Fixture) -> list[tuple[str, dict[str, Any], str, str]]:
    device = {"deviceId": setup.device_id}
    return [
        ("devices_GetDetails", {**device, "bogus": 1}, "bogus", "`$`"),
        ("devices_Query", {"filter": {"projectId": setup.project_id}}, "filter", "`$`"),
        (
            "devices_PublishEvents",
            {**device, "events": [sdk_event(traceId="abc")]},
            "traceId",
            "`$.events[0]`",
        ),
        (
            "projects_SetOtlpConfig",
            {
                "projectId": setup.project_id,
                "config": {"enabled": False, "headers": {}, "protocol": "grpc"},
            },
            "protocol",
            "`$.config`",
        ),
        (
            "projects_CreateDeploymentToken",
            {"projectId": setup.project_id, "name": "t", "flags": {"autoAccept": True, "x": 1}},
            "x",
            "`$.flags`",
        ),
        (
            "devices_SetProperty",
            {**device, "name": "n", "value": 1, "ttl": None},
            "ttl",
            "`$`",
        ),
    ]


@pytest.mark.asyncio
async def test_unknown_fields_are_ignored_by_default(
    client: httpx.AsyncClient, setup: Fixture
) -> None:
    for action, payload, _field, _path in unknown_field_cases(setup):
        response = await call(client, action, payload)
        assert response.status_code == 200, (action, response.text)
    events = (await ok(client, "devices_QueryEvents", {"deviceId": setup.device_id}))["events"]
    assert [event["eventId"] for event in events] == [EVENT_ID]
    assert "traceId" not in events[0]


@pytest.mark.asyncio
async def test_unknown_fields_are_refused_by_a_strict_hub(
    strict_client: httpx.AsyncClient, strict_hub: Hub
) -> None:
    setup = await make_device(strict_client, strict_hub.default_organization_id)
    before = await snapshot(strict_client, setup)
    for action, payload, field, path in unknown_field_cases(setup):
        response = await call(strict_client, action, payload)
        assert_action_error(response, 400, "Invalid", f"`{field}`", path, "strict")
    assert await snapshot(strict_client, setup) == before


@pytest.mark.asyncio
async def test_strict_hub_still_accepts_any_keys_inside_json_values(
    strict_client: httpx.AsyncClient, strict_hub: Hub
) -> None:
    setup = await make_device(strict_client, strict_hub.default_organization_id)
    device = {"deviceId": setup.device_id}
    value = {"anything": {"goes": [1, {"here": None}]}}
    assert await ok(
        strict_client, "devices_SetProperty", {**device, "name": "cfg", "value": value}
    ) == {"result": "Set"}
    event = sdk_event(body={"free": "form"}, attributes={"key": {"nested": True}})
    assert await ok(strict_client, "devices_PublishEvents", {**device, "events": [event]}) == {}
    assert await ok(strict_client, "devices_IssueDeviceToken", {**device, "claims": value})


# Duplicate keys (D2).


DUPLICATE_EVENT = (
    '{{"deviceId": "{d}", "events": [{{"eventId": "' + EVENT_ID + '", "severity": "Info", '
    '"severity": "Error", "body": null, "attributes": {{}}, '
    '"emittedAt": "2026-05-04T07:03:00Z"}}]}}'
)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("action", "template", "key"),
    [
        ("devices_GetDetails", '{{"deviceId": "{d}", "deviceId": "{d}"}}', "deviceId"),
        (
            "devices_SetProperty",
            '{{"deviceId": "{d}", "name": "a", "name": "b", "value": 1}}',
            "name",
        ),
        (
            "devices_SetProperty",
            '{{"deviceId": "{d}", "name": "a", "value": 1, "protected": null, "protected": true}}',
            "protected",
        ),
        ("devices_PublishEvents", DUPLICATE_EVENT, "severity"),
    ],
)
async def test_duplicate_keys_are_invalid_400(
    client: httpx.AsyncClient, setup: Fixture, action: str, template: str, key: str
) -> None:
    body = template.format(d=setup.device_id).encode()
    before = await snapshot(client, setup)
    response = await call(client, action, content=body)
    assert_action_error(response, 400, "Invalid", "Duplicate", f"`{key}`")
    assert await snapshot(client, setup) == before


# Methods: actions are invoked with POST only.


@pytest.mark.asyncio
@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
async def test_an_action_called_without_post_is_405_naming_post(
    client: httpx.AsyncClient, hub: Hub, method: str
) -> None:
    response = await client.request(method, ACTION_PATH + "projects_Query")
    assert_action_error(response, 405, "Invalid", method, "POST")
    assert len(hub.journal) == 0  # refused before it was a call


# Body size (D1: more than 8 MiB is 413).


@pytest.mark.asyncio
async def test_body_of_exactly_8_mib_is_accepted(client: httpx.AsyncClient, setup: Fixture) -> None:
    prefix = f'{{"deviceId": "{setup.device_id}", "padding": "'.encode()
    suffix = b'"}'
    body = prefix + b"a" * (8 * MiB - len(prefix) - len(suffix)) + suffix
    assert len(body) == 8 * MiB
    response = await call(client, "devices_GetDetails", content=body)
    assert response.status_code == 200, response.text
    assert response.json()["deviceId"] == setup.device_id


@pytest.mark.asyncio
async def test_body_over_8_mib_is_413(client: httpx.AsyncClient, setup: Fixture) -> None:
    prefix = f'{{"deviceId": "{setup.device_id}", "name": "big", "value": "'.encode()
    suffix = b'"}'
    body = prefix + b"a" * (8 * MiB + 1 - len(prefix) - len(suffix)) + suffix
    assert len(body) == 8 * MiB + 1
    before = await snapshot(client, setup)
    response = await call(client, "devices_SetProperty", content=body)
    assert_action_error(response, 413, "Invalid", str(8 * MiB))
    assert await snapshot(client, setup) == before


@pytest.mark.asyncio
async def test_chunked_body_over_8_mib_is_413(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"padding": "'
        for _ in range(9):
            yield b"a" * MiB
        yield b'"}'

    response = await client.post(ACTION_PATH + "devices_Query", content=chunks())
    assert "content-length" not in response.request.headers
    assert_action_error(response, 413, "Invalid", str(8 * MiB))


@pytest.mark.asyncio
async def test_a_chunked_body_is_read_whole(client: httpx.AsyncClient, setup: Fixture) -> None:
    body = f'{{"deviceId": "{setup.device_id}"}}'.encode()

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 5):
            yield body[start : start + 5]

    response = await client.post(ACTION_PATH + "devices_GetDetails", content=chunks())
    assert "content-length" not in response.request.headers
    assert response.status_code == 200, response.text
    assert response.json()["deviceId"] == setup.device_id


@pytest.mark.asyncio
async def test_declared_length_over_8_mib_is_413_before_reading(
    client: httpx.AsyncClient,
) -> None:
    big = b" " * (8 * MiB + 10)
    response = await client.post(ACTION_PATH + "devices_Query", content=big)
    assert response.request.headers["content-length"] == str(len(big))
    assert_action_error(response, 413, "Invalid")


# Malformed ids (D4): tag, alphabet, length.


GOOD_IDS = {
    "deviceId": UNKNOWN_DEVICE,
    "projectId": UNKNOWN_PROJECT,
    "certificateId": UNKNOWN_CERTIFICATE,
    "connectionId": CONNECTION_ID,
    "tokenId": UNKNOWN_TOKEN_ID,
    "organizationId": UNKNOWN_ORGANIZATION,
    "repositoryId": UNKNOWN_REPOSITORY,
}


def malformed_variants(good: str) -> list[str]:
    tag, _, raw = good.rpartition("_")
    return [
        "",
        f"{tag}_",
        raw,
        f"x_{raw}",
        f"{tag.upper()}_{raw}",
        f"{tag}_{raw[:-1]}0",
        f"{tag}_{raw[:-1]}O",
        f"{tag}_{raw[:-1]}I",
        f"{tag}_{raw[:-1]}l",
        f"{tag}_{raw[:-1]}_",
        f"{tag}_{raw[:-1]}",
        f"{tag}_{raw}a",
        f" {good}",
        f"{good} ",
    ]


MALFORMED_ID_CASES = [
    ("devices_GetDetails", {}, "deviceId"),
    ("projects_GetDetails", {}, "projectId"),
    ("devices_SetCertificateStatus", {"status": "Active"}, "certificateId"),
    ("devices_UnregisterConnection", {"endReason": "Disconnected"}, "connectionId"),
    ("projects_DeleteDeploymentToken", {}, "tokenId"),
    ("projects_Create", {"name": "p"}, "organizationId"),
    ("projects_LinkRepository", {"projectId": "<p>"}, "repositoryId"),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("action", "rest", "field"), MALFORMED_ID_CASES)
async def test_malformed_ids_are_invalid_400(
    client: httpx.AsyncClient, setup: Fixture, action: str, rest: dict[str, Any], field: str
) -> None:
    before = await snapshot(client, setup)
    good = GOOD_IDS[field]
    tag = good.rpartition("_")[0]
    for bad in malformed_variants(good):
        response = await call(client, action, fill({**rest, field: bad}, setup))
        assert_action_error(response, 400, "Invalid", f"`$.{field}`", f"`{tag}_`", "base58")
    assert await snapshot(client, setup) == before


@pytest.mark.asyncio
@pytest.mark.parametrize(("action", "rest", "field"), MALFORMED_ID_CASES)
async def test_ids_with_a_trailing_newline_are_invalid_400(
    client: httpx.AsyncClient, setup: Fixture, action: str, rest: dict[str, Any], field: str
) -> None:
    """`^…$` in Python also matches before a final newline; the Hub's id parser does not."""
    before = await snapshot(client, setup)
    response = await call(client, action, fill({**rest, field: GOOD_IDS[field] + "\n"}, setup))
    assert_action_error(response, 400, "Invalid", f"`$.{field}`", "base58")
    assert await snapshot(client, setup) == before


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("action", "payload", "path"),
    [
        ("devices_SetProperty", {"deviceId": "<d>", "name": "abc\n", "value": 1}, "$.name"),
        ("devices_IssueHttpProxyToken", {"deviceId": "<d>", "hostname": "host\n"}, "$.hostname"),
        (
            "devices_RegisterConnection",
            {"deviceId": "<d>", "nodeId": NODE_ID, "connectionId": CONNECTION_ID + "\n"},
            "$.connectionId",
        ),
    ],
)
async def test_patterns_do_not_accept_a_trailing_newline(
    client: httpx.AsyncClient, setup: Fixture, action: str, payload: dict[str, Any], path: str
) -> None:
    before = await snapshot(client, setup)
    response = await call(client, action, fill(payload, setup))
    assert_action_error(response, 400, "Invalid", f"`{path}`")
    assert await snapshot(client, setup) == before


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("payload", "path"),
    [
        ({"deviceId": UNKNOWN_PROJECT}, "$.deviceId"),  # a project id where a device id goes
        ({"deviceId": "d_sk_" + FINGERPRINT[5:27]}, "$.deviceId"),  # a secret tag
        ({"deviceId": "d_pk_" + FINGERPRINT[5:27]}, "$.deviceId"),  # the fingerprint id
        ({"deviceId": "d_nonexistent"}, "$.deviceId"),  # the SDK docs' illustrative id
    ],
)
async def test_ids_of_another_kind_are_invalid_400(
    client: httpx.AsyncClient, payload: dict[str, str], path: str
) -> None:
    response = await call(client, "devices_GetDetails", payload)
    assert_action_error(response, 400, "Invalid", f"`{path}`", "device ID")


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "fingerprint",
    [
        FINGERPRINT[:-1],  # 43 raw characters
        FINGERPRINT + "A",  # 45
        "d_sk_" + "0" * 44,  # not base58
        "d_pk_" + FINGERPRINT[5:27],  # the public id instead of the secret
        "d_" + FINGERPRINT[5:27],
    ],
)
async def test_malformed_device_fingerprint_is_invalid_400(
    client: httpx.AsyncClient, setup: Fixture, fingerprint: str
) -> None:
    before = await snapshot(client, setup)
    response = await call(
        client, "devices_Create", {"projectId": setup.project_id, "fingerprint": fingerprint}
    )
    assert_action_error(response, 400, "Invalid", "`$.fingerprint`", "`d_sk_`", "44")
    assert await snapshot(client, setup) == before


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "event_id",
    [
        "d_ev_Xgzgv1XiXgzgv1XiXgzgv1",  # flat, not dated
        "d_ev_20260504-0703-Xgzgv1X",  # 7 random characters
        "d_ev_20260504-0703-Xgzgv1X0",  # not base58
        "d_ev_2026054-0703-Xgzgv1Xi",  # 7-digit date
        "d_ev_20260504-703-Xgzgv1Xia",  # 3-digit time
        "d_ev_2026-05-04-Xgzgv1Xi",
        "audit_ev_20260504-0703-Xgzgv1Xi",  # another dated tag
    ],
)
async def test_malformed_event_id_is_invalid_400(
    client: httpx.AsyncClient, setup: Fixture, event_id: str
) -> None:
    before = await snapshot(client, setup)
    response = await call(
        client,
        "devices_PublishEvents",
        {"deviceId": setup.device_id, "events": [sdk_event(eventId=event_id)]},
    )
    assert_action_error(response, 400, "Invalid", "`$.events[0].eventId`", "`d_ev_")
    assert await snapshot(client, setup) == before


@pytest.mark.asyncio
@pytest.mark.parametrize("node_id", ["cluster_node_abc", "node_" + NODE_ID[13:], NODE_ID + "x"])
async def test_malformed_node_id_is_invalid_400(
    client: httpx.AsyncClient, setup: Fixture, node_id: str
) -> None:
    before = await snapshot(client, setup)
    response = await call(
        client,
        "devices_RegisterConnection",
        {"deviceId": setup.device_id, "nodeId": node_id, "connectionId": CONNECTION_ID},
    )
    assert_action_error(response, 400, "Invalid", "`$.nodeId`", "`cluster_node_`")
    assert await snapshot(client, setup) == before


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "fingerprint",
    [
        "06:29:84",  # 3 groups
        CERT_FINGERPRINT + ":00",  # 33 groups
        CERT_FINGERPRINT.replace("06", "G6", 1),  # not hex
        CERT_FINGERPRINT.replace(":", "-"),
        CERT_FINGERPRINT.replace("06", "006", 1),  # 3 digits in a group
        "",
    ],
)
async def test_malformed_certificate_fingerprint_is_invalid_400(
    client: httpx.AsyncClient, setup: Fixture, fingerprint: str
) -> None:
    before = await snapshot(client, setup)
    response = await call(
        client, "devices_AddCertificate", {"deviceId": setup.device_id, "fingerprint": fingerprint}
    )
    assert_action_error(response, 400, "Invalid", "`$.fingerprint`", "SHA-256")
    assert await snapshot(client, setup) == before


# Well-formed ids of entities that do not exist: Forbidden 404 naming the id (D1).


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("action", "payload", "missing"),
    [
        ("devices_GetDetails", {"deviceId": UNKNOWN_DEVICE}, UNKNOWN_DEVICE),
        ("devices_Delete", {"deviceId": UNKNOWN_DEVICE}, UNKNOWN_DEVICE),
        (
            "devices_SetProperty",
            {"deviceId": UNKNOWN_DEVICE, "name": "n", "value": 1},
            UNKNOWN_DEVICE,
        ),
        (
            "devices_PublishEvents",
            {"deviceId": UNKNOWN_DEVICE, "events": [sdk_event()]},
            UNKNOWN_DEVICE,
        ),
        ("projects_GetDetails", {"projectId": UNKNOWN_PROJECT}, UNKNOWN_PROJECT),
        ("projects_QueryAuditLog", {"projectId": UNKNOWN_PROJECT}, UNKNOWN_PROJECT),
        (
            "devices_Create",
            {"projectId": UNKNOWN_PROJECT, "fingerprint": FINGERPRINT},
            UNKNOWN_PROJECT,
        ),
        (
            "projects_Create",
            {"organizationId": UNKNOWN_ORGANIZATION, "name": "p"},
            UNKNOWN_ORGANIZATION,
        ),
        ("devices_DeleteCertificate", {"certificateId": UNKNOWN_CERTIFICATE}, UNKNOWN_CERTIFICATE),
        (
            "devices_SetCertificateStatus",
            {"certificateId": UNKNOWN_CERTIFICATE, "status": "Revoked"},
            UNKNOWN_CERTIFICATE,
        ),
        (
            "devices_UnregisterConnection",
            {"connectionId": CONNECTION_ID, "endReason": "Disconnected"},
            CONNECTION_ID,
        ),
        ("projects_DeleteDeploymentToken", {"tokenId": UNKNOWN_TOKEN_ID}, UNKNOWN_TOKEN_ID),
        (
            "projects_SetDeploymentTokenFlags",
            {"tokenId": UNKNOWN_TOKEN_ID, "flags": {}},
            UNKNOWN_TOKEN_ID,
        ),
        (
            "projects_LinkRepository",
            {"projectId": "<p>", "repositoryId": UNKNOWN_REPOSITORY},
            UNKNOWN_REPOSITORY,
        ),
    ],
)
async def test_unknown_ids_are_forbidden_404_naming_the_id(
    client: httpx.AsyncClient,
    setup: Fixture,
    action: str,
    payload: dict[str, Any],
    missing: str,
) -> None:
    before = await snapshot(client, setup)
    response = await call(client, action, fill(payload, setup))
    assert_action_error(response, 404, "Forbidden", missing)
    assert await snapshot(client, setup) == before


# Unknown and unimplemented actions, methods, routes.


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "action",
    ["nope_Nope", "devices_Frobnicate", "devices_query", "Devices_Query", "devices", "x" * 300],
)
async def test_unknown_action_is_invalid_404(client: httpx.AsyncClient, action: str) -> None:
    response = await call(client, action, {})
    message = assert_action_error(response, 404, "Invalid", action)
    assert "not implemented" not in message


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("action", "meant"),
    [
        ("devices_SetProprety", "devices_SetProperty"),
        ("device_SetProperty", "devices_SetProperty"),
        ("devices_query", "devices_Query"),
        ("projects_Creat", "projects_Create"),
    ],
)
async def test_a_misspelled_action_suggests_the_one_meant_over_http_and_in_process(
    client: httpx.AsyncClient, action: str, meant: str
) -> None:
    expected = f"Unknown action `{action}`. Did you mean `{meant}`?"
    response = await call(client, action, {})
    assert assert_action_error(response, 404, "Invalid", action) == expected
    with pytest.raises(InvalidError) as raised:
        Hub().invoke(action, {})
    assert (raised.value.status, raised.value.message) == (404, expected)


@pytest.mark.asyncio
@pytest.mark.parametrize("action", ["nope_Nope", "devices", "x" * 300])
async def test_nothing_close_suggests_nothing(client: httpx.AsyncClient, action: str) -> None:
    response = await call(client, action, {})
    assert "Did you mean" not in assert_action_error(response, 404, "Invalid", action)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "action",
    [
        "users_Query",
        "users_ChangePassword",
        "audit_QueryAuditLogEvents",
        "repositories_CreatePackage",
        "users_QuerySessions",
        "users_SetEmail",
        "vulnerabilities_QueryFindings",
    ],
)
async def test_unimplemented_upstream_action_is_404_saying_so(
    client: httpx.AsyncClient, action: str
) -> None:
    assert action not in ACTIONS
    response = await call(client, action, {})
    assert_action_error(response, 404, "Invalid", action, "not implemented")


@pytest.mark.asyncio
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "OPTIONS"])
@pytest.mark.parametrize("action", ["devices_Query", "devices_SetProperty", "nope_Nope"])
async def test_wrong_method_on_action_path_is_405(
    client: httpx.AsyncClient, method: str, action: str
) -> None:
    response = await client.request(method, ACTION_PATH + action)
    assert_action_error(response, 405, "Invalid", method, "POST")


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1"),
        ("POST", "/api/v1/nope"),
        ("POST", "/api/v1/actions/invoke"),
        ("POST", "/api/v1/actions/invoke/"),
        ("POST", "/api/v1/actions/invoke/devices_Query/extra"),
        ("POST", "/api/v2/actions/invoke/devices_Query"),
        ("GET", "/_fake/nope"),
    ],
)
async def test_unknown_route_is_404_action_error(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await client.request(method, path, content=b"{}")
    assert_action_error(response, 404, "Invalid")


@pytest.mark.asyncio
async def test_root_is_the_dashboard_and_refuses_other_methods(client: httpx.AsyncClient) -> None:
    page = await client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    response = await client.request("POST", "/", content=b"{}")
    assert_action_error(response, 405, "Invalid", "POST")


# Credentials (D1: none or unknown is Forbidden 401).


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "action", ["devices_Query", "projects_Query", "projects_Create", "devices_GetDetails"]
)
async def test_missing_token_is_forbidden_401(
    anonymous: httpx.AsyncClient, client: httpx.AsyncClient, setup: Fixture, action: str
) -> None:
    before = await snapshot(client, setup)
    payload = {
        "devices_Query": {},
        "projects_Query": {},
        "projects_Create": {"organizationId": setup.organization_id, "name": "p"},
        "devices_GetDetails": {"deviceId": setup.device_id},
    }[action]
    response = await call(anonymous, action, payload)
    assert_action_error(response, 401, "Forbidden", "Authorization")
    assert await snapshot(client, setup) == before


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "token",
    [
        UNKNOWN_USER_TOKEN,
        "org_sk_" + "dAb7Qg25xEgRAhHPfQX88w" * 3,
        "deployment_" + "dAb7Qg25xEgRAhHPfQX88w" * 3,
        "garbage",
        "u_sk_short",
    ],
)
async def test_unknown_token_is_forbidden_401(
    anonymous: httpx.AsyncClient, client: httpx.AsyncClient, setup: Fixture, token: str
) -> None:
    before = await snapshot(client, setup)
    response = await call(
        anonymous,
        "projects_Create",
        {"organizationId": setup.organization_id, "name": "p"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert_action_error(response, 401, "Forbidden", "token")
    assert await snapshot(client, setup) == before


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "bearer-abc"],
)
async def test_malformed_authorization_header_is_forbidden_401(
    anonymous: httpx.AsyncClient, header: str
) -> None:
    response = await call(anonymous, "devices_Query", {}, headers={"Authorization": header})
    assert_action_error(response, 401, "Forbidden", "Authorization")


@pytest.mark.asyncio
async def test_admin_token_with_lowercase_scheme_is_accepted(
    anonymous: httpx.AsyncClient, hub: Hub
) -> None:
    response = await call(
        anonymous, "devices_Query", {}, headers={"Authorization": f"bearer {hub.admin_token}"}
    )
    assert response.status_code == 200, response.text


# Integer ranges.


@pytest.mark.asyncio
@pytest.mark.parametrize("limit", [0, 1001, -1, 2**31, 2**64, 10**30])
@pytest.mark.parametrize("action", ["devices_QueryEvents", "devices_QueryConnections"])
async def test_limit_out_of_range_is_invalid_400(
    client: httpx.AsyncClient, setup: Fixture, action: str, limit: int
) -> None:
    response = await call(client, action, {"deviceId": setup.device_id, "limit": limit})
    assert_action_error(response, 400, "Invalid", "Limit must be between 1 and 1000.", "`$.limit`")


@pytest.mark.asyncio
@pytest.mark.parametrize("limit", [1, 1000])
@pytest.mark.parametrize("action", ["devices_QueryEvents", "devices_QueryConnections"])
async def test_limit_bounds_are_accepted(
    client: httpx.AsyncClient, setup: Fixture, action: str, limit: int
) -> None:
    await ok(client, action, {"deviceId": setup.device_id, "limit": limit})


@pytest.mark.asyncio
async def test_float_literals_beyond_range_are_invalid_400(
    client: httpx.AsyncClient, setup: Fixture
) -> None:
    body = f'{{"deviceId": "{setup.device_id}", "limit": 1e400}}'.encode()
    response = await call(client, "devices_QueryEvents", content=body)
    assert_action_error(response, 400, "Invalid")


@pytest.mark.asyncio
async def test_number_out_of_double_range_in_a_json_value_is_invalid_400(
    client: httpx.AsyncClient, setup: Fixture
) -> None:
    """serde_json refuses `1e400` ("number out of range"); it must not become `null` or inf."""
    before = await snapshot(client, setup)
    body = f'{{"deviceId": "{setup.device_id}", "name": "n", "value": 1e400}}'.encode()
    response = await call(client, "devices_SetProperty", content=body)
    assert_action_error(response, 400, "Invalid")
    assert await snapshot(client, setup) == before


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("action", "field", "value", "rule"),
    [
        ("devices_IssueDeviceToken", "validForSecs", 0, "between 1 second and 1 year"),
        ("devices_IssueDeviceToken", "validForSecs", -600, "between 1 second and 1 year"),
        ("devices_IssueDeviceToken", "validForSecs", 31_536_001, "between 1 second and 1 year"),
        ("devices_IssueDeviceToken", "validForSecs", 2**64, "between 1 second and 1 year"),
        ("devices_IssueHttpProxyToken", "validForSecs", 0, "between 1 second and 1 year"),
        ("devices_IssueHttpProxyToken", "port", 0, "Port must be between 1 and 65535."),
        ("devices_IssueHttpProxyToken", "port", 65536, "Port must be between 1 and 65535."),
        ("devices_IssueHttpProxyToken", "port", -80, "Port must be between 1 and 65535."),
        ("devices_SetProperty", "expectedVersion", 2**64, "18446744073709551615"),
        ("devices_SetProperty", "expectedVersion", -1, "unsigned 64-bit integer"),
    ],
)
async def test_integers_out_of_range_are_invalid_400(
    client: httpx.AsyncClient, setup: Fixture, action: str, field: str, value: int, rule: str
) -> None:
    payload: dict[str, Any] = {"deviceId": setup.device_id, field: value}
    if action == "devices_SetProperty":
        payload.update(name="n", value=1)
    before = await snapshot(client, setup)
    response = await call(client, action, payload)
    assert_action_error(response, 400, "Invalid", rule, f"`$.{field}`")
    assert await snapshot(client, setup) == before


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("action", "payload"),
    [
        ("devices_IssueDeviceToken", {"validForSecs": 1}),
        ("devices_IssueDeviceToken", {"validForSecs": 31_536_000}),
        ("devices_IssueHttpProxyToken", {"port": 1}),
        ("devices_IssueHttpProxyToken", {"port": 65535, "validForSecs": 31_536_000}),
    ],
)
async def test_integer_bounds_are_accepted(
    client: httpx.AsyncClient, setup: Fixture, action: str, payload: dict[str, Any]
) -> None:
    await ok(client, action, {"deviceId": setup.device_id, **payload})


# String rules.


@pytest.mark.asyncio
@pytest.mark.parametrize("name", ["", "x" * 129, "ü" * 129])
async def test_device_name_length_is_enforced(
    client: httpx.AsyncClient, setup: Fixture, name: str
) -> None:
    before = await snapshot(client, setup)
    response = await call(client, "devices_SetName", {"deviceId": setup.device_id, "name": name})
    assert_action_error(
        response, 400, "Invalid", "Device name must be between 1 and 128 characters.", "`$.name`"
    )
    assert await snapshot(client, setup) == before


@pytest.mark.asyncio
@pytest.mark.parametrize("name", ["x", "x" * 128, "has spaces and / slashes"])
async def test_device_names_within_limits_are_accepted(
    client: httpx.AsyncClient, setup: Fixture, name: str
) -> None:
    await ok(client, "devices_SetName", {"deviceId": setup.device_id, "name": name})
    assert (await ok(client, "devices_GetDetails", {"deviceId": setup.device_id}))["name"] == name


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("", "Property name must be between 1 and 256 characters."),
        ("a" * 257, "Property name must be between 1 and 256 characters."),
        (".hidden", "must start with a letter or digit"),
        ("-dash", "must start with a letter or digit"),
        ("_under", "must start with a letter or digit"),
        ("has space", "must start with a letter or digit"),
        ("slash/name", "must start with a letter or digit"),
        ("ümlaut", "must start with a letter or digit"),
        ("colon:name", "must start with a letter or digit"),
    ],
)
@pytest.mark.parametrize(
    "action", ["devices_SetProperty", "devices_GetProperty", "devices_RemoveProperty"]
)
async def test_property_name_rules_are_enforced(
    client: httpx.AsyncClient, setup: Fixture, action: str, name: str, rule: str
) -> None:
    payload: dict[str, Any] = {"deviceId": setup.device_id, "name": name}
    if action == "devices_SetProperty":
        payload["value"] = 1
    before = await snapshot(client, setup)
    response = await call(client, action, payload)
    assert_action_error(response, 400, "Invalid", rule, "`$.name`")
    assert await snapshot(client, setup) == before


@pytest.mark.asyncio
@pytest.mark.parametrize("name", ["a", "0", "A-b_c.d", "dev.nexigon.system.info", "a" * 256])
async def test_valid_property_names_are_accepted(
    client: httpx.AsyncClient, setup: Fixture, name: str
) -> None:
    device = {"deviceId": setup.device_id}
    assert await ok(client, "devices_SetProperty", {**device, "name": name, "value": 1}) == {
        "result": "Set"
    }
    assert (await ok(client, "devices_GetProperty", {**device, "name": name}))["name"] == name


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("action", "payload", "rule", "path"),
    [
        (
            "projects_Create",
            {"organizationId": "<o>", "name": ""},
            "Project name must be between 1 and 128 characters.",
            "$.name",
        ),
        (
            "projects_SetName",
            {"projectId": "<p>", "name": "x" * 129},
            "Project name must be between 1 and 128 characters.",
            "$.name",
        ),
        (
            "projects_CreateDeploymentToken",
            {"projectId": "<p>", "name": ""},
            "Token name must be between 1 and 128 characters.",
            "$.name",
        ),
        (
            "devices_IssueHttpProxyToken",
            {"deviceId": "<d>", "hostname": "-bad"},
            "Hostname must be a valid DNS hostname.",
            "$.hostname",
        ),
        (
            "devices_IssueHttpProxyToken",
            {"deviceId": "<d>", "hostname": "a" * 254},
            "Hostname must be between 1 and 253 characters.",
            "$.hostname",
        ),
        (
            "devices_IssueHttpProxyToken",
            {"deviceId": "<d>", "redirect": ""},
            "Redirect URL must be between 1 and 2048 characters.",
            "$.redirect",
        ),
        (
            "devices_PublishEvents",
            {"deviceId": "<d>", "events": [sdk_event(category="")]},
            "Event category must be between 1 and 128 characters.",
            "$.events[0].category",
        ),
        (
            "devices_PublishEvents",
            {"deviceId": "<d>", "events": [sdk_event(category="c" * 129)]},
            "Event category must be between 1 and 128 characters.",
            "$.events[0].category",
        ),
        (
            "devices_PublishEvents",
            {"deviceId": "<d>", "events": [sdk_event(severity="info")]},
            "info",
            "$.events[0].severity",
        ),
        (
            "devices_AddCertificate",
            {"deviceId": "<d>", "fingerprint": CERT_FINGERPRINT, "status": "active"},
            "active",
            "$.status",
        ),
        (
            "devices_UnregisterConnection",
            {"connectionId": CONNECTION_ID, "endReason": "Timeout"},
            "Timeout",
            "$.endReason",
        ),
        (
            "projects_SetOtlpConfig",
            {"projectId": "<p>", "config": {"enabled": True, "endpoint": "ftp://x", "headers": {}}},
            "OTLP endpoint must be an HTTP(S) URL.",
            "$.config.endpoint",
        ),
    ],
)
async def test_string_rules_are_invalid_400_naming_field_and_rule(
    client: httpx.AsyncClient,
    setup: Fixture,
    action: str,
    payload: dict[str, Any],
    rule: str,
    path: str,
) -> None:
    before = await snapshot(client, setup)
    response = await call(client, action, fill(payload, setup))
    assert_action_error(response, 400, "Invalid", rule, f"`{path}`")
    assert await snapshot(client, setup) == before


@pytest.mark.asyncio
async def test_otlp_enabled_without_endpoint_is_invalid_400(
    client: httpx.AsyncClient, setup: Fixture
) -> None:
    before = await snapshot(client, setup)
    response = await call(
        client,
        "projects_SetOtlpConfig",
        {"projectId": setup.project_id, "config": {"enabled": True, "headers": {}}},
    )
    assert_action_error(response, 400, "Invalid", "endpoint")
    assert await snapshot(client, setup) == before


# Timestamps: RFC 3339 with an offset; anything else is Invalid (Part II §2.8).


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "timestamp",
    [
        "2026-05-04T07:03:00",  # no offset
        "2026-05-04T07:03:00.5",  # no offset, with fraction
        "2026-05-04",  # a date
        "07:03:00Z",  # a time
        "2026-05-04T07:03Z",  # no seconds
        "1777878180",  # epoch seconds as a string
        "2026-05-04T07:03:00+0200",  # offset without colon
        "2026-02-30T07:03:00Z",  # no such day
        "2026-05-04T24:03:00Z",  # no such hour
        "2026-13-04T07:03:00Z",  # no such month
        "0001-01-01T00:00:00+01:00",  # before year 1 in UTC
        "9999-12-31T23:59:59-01:00",  # after year 9999 in UTC
        "",
    ],
)
@pytest.mark.parametrize("field", ["emittedAt", "receivedAt"])
async def test_bad_event_timestamps_are_invalid_400(
    client: httpx.AsyncClient, setup: Fixture, field: str, timestamp: str
) -> None:
    before = await snapshot(client, setup)
    event = sdk_event(**{field: timestamp})
    response = await call(
        client, "devices_PublishEvents", {"deviceId": setup.device_id, "events": [event]}
    )
    assert_action_error(response, 400, "Invalid", f"{field}`")
    assert await snapshot(client, setup) == before


@pytest.mark.asyncio
async def test_whole_batch_is_refused_when_one_event_is_bad(
    client: httpx.AsyncClient, setup: Fixture
) -> None:
    before = await snapshot(client, setup)
    events = [
        sdk_event(),
        sdk_event(eventId="d_ev_20260504-0703-Xgzgv1Xj", emittedAt="2026-05-04T07:03:00"),
    ]
    response = await call(
        client, "devices_PublishEvents", {"deviceId": setup.device_id, "events": events}
    )
    assert_action_error(response, 400, "Invalid", "`$.events[1].emittedAt`", "offset")
    assert await snapshot(client, setup) == before


# Nothing bad yields a 5xx.


HOSTILE_BODIES: list[bytes] = [
    b"{}",
    b'{"x": null}',
    b"[]",
    b'{"deviceId": [], "projectId": {}, "name": 1, "events": "x", "config": 5, "limit": -1}',
    b'{"deviceId": null, "projectId": null, "organizationId": null, "tokenId": null}',
    b'{"deviceId": "d_' + b"z" * 22 + b'", "projectId": "p_' + b"z" * 22 + b'"}',
    b'{"events": [{}], "config": {}, "flags": {"autoAccept": null}}',
    b"\x00",
]


@pytest.mark.asyncio
@pytest.mark.parametrize("action", sorted(ACTIONS))
async def test_no_action_answers_hostile_bodies_with_a_5xx(
    client: httpx.AsyncClient, anonymous: httpx.AsyncClient, action: str
) -> None:
    for body in HOSTILE_BODIES:
        for http in (client, anonymous):
            response = await call(http, action, content=body)
            assert response.status_code < 500, (action, body, response.text)
            if response.status_code >= 400:
                body_json = response.json()
                assert set(body_json) == {"kind", "message"}, (action, body, body_json)
                assert body_json["kind"] in {"Invalid", "Forbidden"}, (action, body, body_json)
