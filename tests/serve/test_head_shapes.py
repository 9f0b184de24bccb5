"""HEAD shapes over HTTP (D42, D43, D47, C6, C7): exact messages, u64 bounds, repositories,
HTTP-proxy issuers and the HEAD action list, each refusal leaving the hub unchanged."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import pytest_asyncio

from nexigon_fake import Hub
from nexigon_fake.actions import ACTIONS
from nexigon_fake.upstream import UPSTREAM_ACTIONS
from tests.serve.http_helpers import Fixture, assert_action_error, call, make_device, ok

U64_MAX = 2**64 - 1
DOMAIN = "nexigon-fake.localhost"


@pytest_asyncio.fixture
async def setup(client: httpx.AsyncClient, hub: Hub) -> Fixture:
    return await make_device(client, hub.default_organization_id)


def fill(payload: dict[str, Any], setup: Fixture) -> dict[str, Any]:
    ids = {"<o>": setup.organization_id, "<p>": setup.project_id, "<d>": setup.device_id}
    return {
        key: ids.get(value, value) if isinstance(value, str) else value
        for key, value in payload.items()
    }


PROPERTY_PATTERN = (
    "Property name must start with a letter or digit and contain only letters, digits, dots, "
    "underscores, or hyphens."
)
VALIDITY = "Token validity must be between 1 second and 1 year."
EMAIL = {"email": "new@example.com"}

# Every seed-era rule of §III.10 and the adjacent ones of §III.8.4, with its exact message (C7).
EXACT_MESSAGES: list[tuple[str, dict[str, Any], str, str]] = [
    ("devices_SetName", {"deviceId": "<d>", "name": ""}, "$.name",
     "Device name must be between 1 and 128 characters."),
    ("devices_IssueDeviceToken", {"deviceId": "<d>", "validForSecs": 0}, "$.validForSecs",
     VALIDITY),
    ("devices_IssueDeviceToken", {"deviceId": "<d>", "validForSecs": 31_536_001},
     "$.validForSecs", VALIDITY),
    ("devices_QueryConnections", {"deviceId": "<d>", "limit": 1001}, "$.limit",
     "Limit must be between 1 and 1000."),
    ("devices_IssueHttpProxyToken", {"deviceId": "<d>", "validForSecs": -1}, "$.validForSecs",
     VALIDITY),
    ("devices_IssueHttpProxyToken", {"deviceId": "<d>", "hostname": "x" * 254}, "$.hostname",
     "Hostname must be between 1 and 253 characters."),
    ("devices_IssueHttpProxyToken", {"deviceId": "<d>", "hostname": "-x"}, "$.hostname",
     "Hostname must be a valid DNS hostname."),
    ("devices_IssueHttpProxyToken", {"deviceId": "<d>", "hostname": "a_b.example"}, "$.hostname",
     "Hostname must be a valid DNS hostname."),
    ("devices_IssueHttpProxyToken", {"deviceId": "<d>", "port": 65536}, "$.port",
     "Port must be between 1 and 65535."),
    ("devices_IssueHttpProxyToken", {"deviceId": "<d>", "redirect": ""}, "$.redirect",
     "Redirect URL must be between 1 and 2048 characters."),
    ("devices_QueryEvents", {"deviceId": "<d>", "limit": 0}, "$.limit",
     "Limit must be between 1 and 1000."),
    ("devices_SetProperty", {"deviceId": "<d>", "name": "x" * 257, "value": 1}, "$.name",
     "Property name must be between 1 and 256 characters."),
    ("devices_SetProperty", {"deviceId": "<d>", "name": ".x", "value": 1}, "$.name",
     PROPERTY_PATTERN),
    ("devices_GetProperty", {"deviceId": "<d>", "name": "a b"}, "$.name", PROPERTY_PATTERN),
    ("devices_RemoveProperty", {"deviceId": "<d>", "name": "a/b"}, "$.name", PROPERTY_PATTERN),
    ("projects_Create", {"organizationId": "<o>", "name": "x" * 129}, "$.name",
     "Project name must be between 1 and 128 characters."),
    ("projects_SetName", {"projectId": "<p>", "name": ""}, "$.name",
     "Project name must be between 1 and 128 characters."),
    ("projects_CreateDeploymentToken", {"projectId": "<p>", "name": "x" * 129}, "$.name",
     "Token name must be between 1 and 128 characters."),
    ("projects_SetOtlpConfig",
     {"projectId": "<p>", "config": {"enabled": True, "endpoint": "", "headers": {}}},
     "$.config.endpoint", "OTLP endpoint must be between 1 and 2048 characters."),
    ("projects_SetOtlpConfig",
     {"projectId": "<p>", "config": {"enabled": True, "endpoint": "otel:4317", "headers": {}}},
     "$.config.endpoint", "OTLP endpoint must be an HTTP(S) URL."),
    ("organizations_Create", {"name": "", "requiresSubscription": False}, "$.name",
     "Organization name must be between 1 and 128 characters."),
    ("users_Create", {"email": "ab"}, "$.email", "Email must be between 3 and 254 characters."),
    ("users_Create", {"email": "a@localhost"}, "$.email", "Email must be a valid email address."),
    ("users_Create", {"email": "a b@c.de"}, "$.email", "Email must be a valid email address."),
    ("users_Create", {**EMAIL, "displayName": ""}, "$.displayName",
     "Display name must be between 1 and 128 characters."),
    ("users_Create", {**EMAIL, "password": "short"}, "$.password",
     "Password must be between 8 and 256 characters."),
    ("users_Create", {**EMAIL, "password": "p" * 257}, "$.password",
     "Password must be between 8 and 256 characters."),
    ("repositories_Create", {"organizationId": "<o>", "displayName": ""}, "$.displayName",
     "Display name must be between 1 and 128 characters."),
]  # fmt: skip


@pytest.mark.asyncio
@pytest.mark.parametrize(("action", "payload", "path", "message"), EXACT_MESSAGES)
async def test_seed_era_rules_answer_their_exact_message(
    client: httpx.AsyncClient,
    hub: Hub,
    setup: Fixture,
    action: str,
    payload: dict[str, Any],
    path: str,
    message: str,
) -> None:
    before = hub.snapshot_json()
    response = await call(client, action, fill(payload, setup))
    assert_action_error(response, 400, "Invalid", message, f"`{path}`")
    assert hub.snapshot_json() == before


@pytest.mark.asyncio
async def test_user_token_name_rule_is_exact(client: httpx.AsyncClient, hub: Hub) -> None:
    payload = {"userId": hub.admin_user_id, "name": ""}
    response = await call(client, "users_CreateToken", payload)
    assert_action_error(
        response, 400, "Invalid", "Token name must be between 1 and 128 characters.", "`$.name`"
    )


@pytest.mark.asyncio
async def test_valid_adjacent_values_are_accepted(client: httpx.AsyncClient, hub: Hub) -> None:
    created = await ok(
        client,
        "users_Create",
        {"email": "dev@example.co", "displayName": "x" * 128, "password": "p" * 8},
    )
    assert created["result"] == "Created"


# u64 over HTTP, exact integer text in the body (C6).


def property_body(device_id: str, expected: str) -> bytes:
    return (
        f'{{"deviceId": "{device_id}", "name": "n", "value": 1, "expectedVersion": {expected}}}'
    ).encode()


@pytest.mark.asyncio
async def test_expected_version_2_64_minus_1_is_accepted(
    client: httpx.AsyncClient, setup: Fixture
) -> None:
    response = await call(
        client, "devices_SetProperty", content=property_body(setup.device_id, str(U64_MAX))
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"result": "Deleted"}
    await ok(client, "devices_SetProperty", {"deviceId": setup.device_id, "name": "n", "value": 1})
    response = await call(
        client, "devices_SetProperty", content=property_body(setup.device_id, str(U64_MAX))
    )
    assert response.json() == {"result": "VersionConflict", "currentVersion": 1}


@pytest.mark.asyncio
@pytest.mark.parametrize("text", [str(U64_MAX + 1), "-1", "1.0", "1e2", "true", '"7"', "[1]"])
async def test_expected_version_outside_u64_is_invalid_naming_the_field(
    client: httpx.AsyncClient, hub: Hub, setup: Fixture, text: str
) -> None:
    before = hub.snapshot_json()
    response = await call(
        client, "devices_SetProperty", content=property_body(setup.device_id, text)
    )
    assert_action_error(response, 400, "Invalid", "`$.expectedVersion`")
    assert hub.snapshot_json() == before


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("action", "field", "value"),
    [
        ("devices_QueryEvents", "limit", 1.0),
        ("devices_QueryConnections", "limit", True),
        ("devices_IssueDeviceToken", "validForSecs", 600.0),
        ("devices_IssueHttpProxyToken", "port", "8080"),
        ("devices_IssueHttpProxyToken", "port", 80.5),
    ],
)
async def test_u32_and_u16_fields_refuse_non_integers(
    client: httpx.AsyncClient, setup: Fixture, action: str, field: str, value: Any
) -> None:
    response = await call(client, action, {"deviceId": setup.device_id, field: value})
    assert_action_error(response, 400, "Invalid", f"`$.{field}`")


# HTTP-proxy tokens (D42, C42).


@pytest.mark.asyncio
async def test_validation_answers_the_issuer(client: httpx.AsyncClient, setup: Fixture) -> None:
    issued = await ok(client, "devices_IssueHttpProxyToken", {"deviceId": setup.device_id})
    valid = await ok(client, "devices_ValidateHttpProxyToken", {"jwt": issued["jwt"]})
    actor = (await ok(client, "actor_GetActor", {}))["actor"]
    assert valid["result"] == "Valid"
    assert valid["issuer"] == actor
    assert list(valid) == ["result", "deviceId", "issuer", "hostname", "port"]


@pytest.mark.asyncio
@pytest.mark.parametrize("hostname", [DOMAIN, "NEXIGON-FAKE.localhost", DOMAIN + "."])
async def test_the_hub_hostname_is_refused(
    client: httpx.AsyncClient, hub: Hub, setup: Fixture, hostname: str
) -> None:
    before = hub.snapshot_json()
    response = await call(
        client, "devices_IssueHttpProxyToken", {"deviceId": setup.device_id, "hostname": hostname}
    )
    assert_action_error(
        response, 400, "Invalid", "Hostname must differ from the Nexigon Hub hostname."
    )
    assert hub.snapshot_json() == before


@pytest.mark.asyncio
async def test_a_subdomain_of_the_hub_is_allowed(client: httpx.AsyncClient, setup: Fixture) -> None:
    payload = {"deviceId": setup.device_id, "hostname": "app." + DOMAIN}
    issued = await ok(client, "devices_IssueHttpProxyToken", payload)
    assert issued["url"].startswith(f"https://app.{DOMAIN}/?token=")


# Repositories (D43).


@pytest.mark.asyncio
async def test_repository_lifecycle_in_head_shapes(client: httpx.AsyncClient, hub: Hub) -> None:
    organization = {"organizationId": hub.default_organization_id}
    head = await ok(client, "repositories_Create", {**organization, "displayName": "Firmware"})
    sdk = await ok(client, "repositories_Create", {**organization, "name": "Apps"})
    first, second = head["repositoryId"], sdk["repositoryId"]
    taken = await ok(client, "repositories_Create", {**organization, "name": "Firmware"})
    assert taken == {"result": "NameAlreadyExists"}
    assert await ok(client, "repositories_SetSlug", {"repositoryId": first, "slug": "fw"}) == {
        "result": "Success"
    }
    assert await ok(client, "repositories_SetSlug", {"repositoryId": second, "slug": "fw"}) == {
        "result": "SlugAlreadyExists"
    }
    await ok(client, "repositories_SetDisplayName", {"repositoryId": second, "displayName": "A"})
    listed = await ok(client, "organizations_QueryRepositories", organization)
    assert listed == {
        "repositories": [
            {"repositoryId": first, "displayName": "Firmware", "slug": "fw", "publicName": "fw"},
            {"repositoryId": second, "displayName": "A", "publicName": second},
        ]
    }
    details = await ok(client, "repositories_GetDetails", {"repositoryId": first})
    assert list(details) == [
        "repositoryId",
        "displayName",
        "slug",
        "publicName",
        "visibility",
        "packageCount",
        "assetCount",
    ]


@pytest.mark.asyncio
@pytest.mark.parametrize("fields", [{}, {"displayName": "a", "name": "b"}])
async def test_create_with_both_or_neither_name_is_invalid(
    client: httpx.AsyncClient, hub: Hub, fields: dict[str, Any]
) -> None:
    before = hub.snapshot_json()
    payload = {"organizationId": hub.default_organization_id, **fields}
    response = await call(client, "repositories_Create", payload)
    assert_action_error(response, 400, "Invalid", "`displayName`", "`name`")
    assert hub.snapshot_json() == before


@pytest.mark.asyncio
async def test_slug_rule_over_http(client: httpx.AsyncClient, hub: Hub) -> None:
    organization = {"organizationId": hub.default_organization_id}
    repository = (await ok(client, "repositories_Create", {**organization, "name": "r"}))[
        "repositoryId"
    ]
    response = await call(client, "repositories_SetSlug", {"repositoryId": repository, "slug": "_"})
    assert_action_error(
        response,
        400,
        "Invalid",
        "Repository slug must start with a letter or digit and contain only letters, digits, "
        "dots, underscores, or hyphens.",
        "`$.slug`",
    )


# The action list is HEAD's (§III.0.2, §III.8.1).


def test_the_upstream_list_is_heads_157_actions() -> None:
    assert len(UPSTREAM_ACTIONS) == 157
    assert set(ACTIONS) <= UPSTREAM_ACTIONS
    added = {
        "repositories_SetSlug",
        "repositories_FinalizeAssetUpload",
        "users_ChangePassword",
        "users_SetEmail",
        "fleet_CreateOperation",
        "devices_ClaimOperationWork",
        "projects_RedeemDevicePairingKey",
    }
    assert added <= UPSTREAM_ACTIONS
    removed = {
        "cluster_CleanupInactiveNodes",
        "cluster_GetDetails",
        "cluster_RegisterNode",
        "cluster_ReportNodeHeartbeat",
        "repositories_SetPublicName",
        "users_CleanupExpiredSessions",
    }
    assert not removed & UPSTREAM_ACTIONS


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "action", ["repositories_SetPublicName", "cluster_RegisterNode", "devices_Authenticate"]
)
async def test_actions_removed_before_head_are_unknown(
    client: httpx.AsyncClient, action: str
) -> None:
    response = await call(client, action, {})
    message = assert_action_error(response, 404, "Invalid", action)
    assert "not implemented" not in message


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "action",
    ["repositories_FinalizeAssetUpload", "users_ChangePassword", "vulnerabilities_IndexPackage"],
)
async def test_head_actions_the_fake_lacks_say_not_implemented(
    client: httpx.AsyncClient, action: str
) -> None:
    response = await call(client, action, {})
    assert_action_error(response, 404, "Invalid", action, "not implemented")
