"""Who may call what: the matrix of §16.2 with the decisions of D12 and statuses of D1."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from nexigon_fake import Hub
from nexigon_fake.errors import ActionError

from .helpers import (
    add_certificate,
    base58,
    cert_fingerprint,
    connect,
    connection_id,
    fingerprint,
    invoke_anonymous,
    make_device,
    make_organization,
    make_project,
    make_repository,
    make_token,
    node_id,
    raises,
)


@dataclass
class World:
    """One project with a device (and its certificate and connection), a token, a repository,
    the actors of the matrix and an unrelated organization."""

    hub: Hub
    project: str
    device: str
    certificate: str
    connection: str
    token_id: str
    repository: str
    credentials: dict[str, dict[str, Any]]


def build(hub: Hub) -> World:
    org = hub.default_organization_id
    project = make_project(hub)
    token_id, secret = make_token(hub, project)
    fp = fingerprint()
    device = make_device(hub, project, fp)
    certificate = add_certificate(hub, device, cert_fingerprint())
    connection = connect(hub, device)
    repository = make_repository(hub)
    _, member = hub.create_user("member@example.com", organization_id=org)
    _, admin = hub.create_user("admin@example.com", organization_id=org, organization_admin=True)
    other_org = make_organization(hub)
    _, outsider = hub.create_user(
        "outsider@example.com", organization_id=other_org, organization_admin=True
    )
    credentials: dict[str, dict[str, Any]] = {
        "instance_admin": {"token": hub.admin_token},
        "org_admin": {"token": admin},
        "member": {"token": member},
        "org_token": {"token": hub.create_organization_api_token(org)},
        "other_user": {"token": outsider},
        "other_token": {"token": hub.create_organization_api_token(other_org)},
        "device": {"token": secret, "device_fingerprint": fp},
    }
    return World(hub, project, device, certificate, connection, token_id, repository, credentials)


ACTORS = [
    "instance_admin",
    "org_admin",
    "member",
    "org_token",
    "other_user",
    "other_token",
    "device",
]

OK = "ok"
# Expected outcome per actor, in the order of ACTORS.
READ = (OK, OK, OK, OK, 404, 404, 403)
ADMIN = (OK, OK, 403, OK, 404, 404, 403)
DEVICE = (OK, OK, OK, OK, 404, 404, 403)
OWN_DEVICE = (OK, OK, OK, OK, 404, 404, OK)
CONNECTION = (OK, 403, 403, 403, 404, 404, 403)
CREATE = (OK, OK, OK, OK, 404, 404, 403)

Payload = Callable[[World], dict[str, Any]]

MATRIX: list[tuple[str, Payload, tuple[Any, ...]]] = [
    # project reads
    ("projects_GetDetails", lambda w: {"projectId": w.project}, READ),
    ("projects_QueryDevices", lambda w: {"projectId": w.project}, READ),
    ("projects_QueryDeploymentTokens", lambda w: {"projectId": w.project}, READ),
    ("projects_QueryLinkedRepositories", lambda w: {"projectId": w.project}, READ),
    ("projects_QueryAuditLog", lambda w: {"projectId": w.project}, READ),
    ("projects_GetOtlpConfig", lambda w: {"projectId": w.project}, READ),
    # project administration
    ("projects_SetName", lambda w: {"projectId": w.project, "name": "n"}, ADMIN),
    ("projects_Delete", lambda w: {"projectId": w.project}, ADMIN),
    ("projects_CreateDeploymentToken", lambda w: {"projectId": w.project, "name": "t"}, ADMIN),
    ("projects_DeleteDeploymentToken", lambda w: {"tokenId": w.token_id}, ADMIN),
    ("projects_SetDeploymentTokenFlags", lambda w: {"tokenId": w.token_id, "flags": {}}, ADMIN),
    (
        "projects_LinkRepository",
        lambda w: {"projectId": w.project, "repositoryId": w.repository},
        ADMIN,
    ),
    (
        "projects_UnlinkRepository",
        lambda w: {"projectId": w.project, "repositoryId": w.repository},
        ADMIN,
    ),
    (
        "projects_SetOtlpConfig",
        lambda w: {"projectId": w.project, "config": {"enabled": False, "headers": {}}},
        ADMIN,
    ),
    (
        "projects_Create",
        lambda w: {"organizationId": w.hub.default_organization_id, "name": "p"},
        CREATE,
    ),
    # device management
    ("devices_GetDetails", lambda w: {"deviceId": w.device}, DEVICE),
    ("devices_Create", lambda w: {"projectId": w.project, "fingerprint": fingerprint()}, CREATE),
    ("devices_Delete", lambda w: {"deviceId": w.device}, DEVICE),
    ("devices_SetName", lambda w: {"deviceId": w.device, "name": "n"}, DEVICE),
    (
        "devices_AddCertificate",
        lambda w: {"deviceId": w.device, "fingerprint": cert_fingerprint()},
        DEVICE,
    ),
    ("devices_DeleteCertificate", lambda w: {"certificateId": w.certificate}, DEVICE),
    (
        "devices_SetCertificateStatus",
        lambda w: {"certificateId": w.certificate, "status": "Active"},
        DEVICE,
    ),
    ("devices_QueryConnections", lambda w: {"deviceId": w.device}, DEVICE),
    ("devices_QueryEvents", lambda w: {"deviceId": w.device}, DEVICE),
    ("devices_QueryAuditLog", lambda w: {"deviceId": w.device}, DEVICE),
    ("devices_QueryCommands", lambda w: {"deviceId": w.device}, DEVICE),
    ("devices_IssueHttpProxyToken", lambda w: {"deviceId": w.device}, DEVICE),
    # the device's own business
    ("devices_GetProperty", lambda w: {"deviceId": w.device, "name": "a.b"}, OWN_DEVICE),
    ("devices_QueryProperties", lambda w: {"deviceId": w.device}, OWN_DEVICE),
    (
        "devices_SetProperty",
        lambda w: {"deviceId": w.device, "name": "a.b", "value": 1},
        OWN_DEVICE,
    ),
    ("devices_RemoveProperty", lambda w: {"deviceId": w.device, "name": "a.b"}, OWN_DEVICE),
    ("devices_PublishEvents", lambda w: {"deviceId": w.device, "events": []}, OWN_DEVICE),
    ("devices_IssueDeviceToken", lambda w: {"deviceId": w.device}, OWN_DEVICE),
    # connections
    (
        "devices_RegisterConnection",
        lambda w: {"deviceId": w.device, "nodeId": node_id(), "connectionId": connection_id()},
        CONNECTION,
    ),
    (
        "devices_UnregisterConnection",
        lambda w: {"connectionId": w.connection, "endReason": "Disconnected"},
        CONNECTION,
    ),
]

CASES = [
    pytest.param(action, payload, actor, expected[index], id=f"{action}-{actor}")
    for action, payload, expected in MATRIX
    for index, actor in enumerate(ACTORS)
]


@pytest.mark.parametrize(("action", "payload", "actor", "expected"), CASES)
def test_matrix(hub: Hub, action: str, payload: Payload, actor: str, expected: Any) -> None:
    world = build(hub)
    credentials = world.credentials[actor]
    token = credentials["token"]
    extra = {k: v for k, v in credentials.items() if k != "token"}
    body = payload(world)
    if expected == OK:
        hub.invoke(action, body, token, **extra)
    else:
        error = raises("Forbidden", expected, hub.invoke, action, body, token, **extra)
        if expected == 404:
            assert any(value in error.message for value in body.values() if isinstance(value, str))


@pytest.mark.parametrize(("action", "payload", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_anonymous_is_401(hub: Hub, action: str, payload: Payload, expected: Any) -> None:
    world = build(hub)
    raises("Forbidden", 401, invoke_anonymous, hub, action, payload(world))


@pytest.mark.parametrize(
    "token",
    [
        "u_sk_" + "1" * 66,
        "org_sk_" + "1" * 66,
        "deployment_" + "1" * 66,
        "garbage",
    ],
)
def test_unknown_token_is_401(hub: Hub, token: str) -> None:
    world = build(hub)
    for action, body in [
        ("projects_GetDetails", {"projectId": world.project}),
        ("projects_Query", {}),
        ("actor_GetActor", {}),
    ]:
        raises("Forbidden", 401, hub.invoke, action, body, token, device_fingerprint=fingerprint())


def test_anonymous_may_ask_who_it_is(hub: Hub) -> None:
    assert invoke_anonymous(hub, "actor_GetActor", {}) == {"actor": {"actor": "Anonymous"}}


def test_validate_token_actions_need_any_credentials(hub: Hub) -> None:
    world = build(hub)
    jwt = hub.invoke("devices_IssueDeviceToken", {"deviceId": world.device})["jwt"]
    for actor in ACTORS:
        credentials = world.credentials[actor]
        extra = {k: v for k, v in credentials.items() if k != "token"}
        output = hub.invoke(
            "devices_ValidateDeviceToken", {"jwt": jwt}, credentials["token"], **extra
        )
        assert output["result"] == "Valid"


def _ids(output: dict[str, Any], key: str, id_key: str) -> list[str]:
    return [item[id_key] for item in output[key]]


def test_query_lists_are_filtered_for_non_admins(hub: Hub) -> None:
    world = build(hub)
    other_org = make_organization(hub, "third")
    foreign_project = make_project(hub, "foreign", organization_id=other_org)
    foreign_device = make_device(hub, foreign_project)
    all_projects = [world.project, foreign_project]
    all_devices = [world.device, foreign_device]
    expectations = {
        "instance_admin": (all_projects, all_devices),
        "org_admin": ([world.project], [world.device]),
        "member": ([world.project], [world.device]),
        "org_token": ([world.project], [world.device]),
        "other_user": ([], []),
        "other_token": ([], []),
    }
    for actor, (projects, devices) in expectations.items():
        token = world.credentials[actor]["token"]
        assert _ids(hub.invoke("projects_Query", {}, token), "projects", "projectId") == projects
        assert _ids(hub.invoke("devices_Query", {}, token), "devices", "deviceId") == devices


def test_devices_cannot_query_lists(hub: Hub) -> None:
    world = build(hub)
    credentials = world.credentials["device"]
    for action in ["projects_Query", "devices_Query"]:
        raises(
            "Forbidden",
            403,
            hub.invoke,
            action,
            {},
            credentials["token"],
            device_fingerprint=credentials["device_fingerprint"],
        )


def test_instance_admin_reaches_other_organizations(hub: Hub) -> None:
    other_org = make_organization(hub, "elsewhere")
    project = make_project(hub, organization_id=other_org)
    device = make_device(hub, project)
    hub.invoke("projects_SetName", {"projectId": project, "name": "mine now"})
    body = {"deviceId": device, "nodeId": node_id(), "connectionId": connection_id()}
    hub.invoke("devices_RegisterConnection", body)
    assert hub.invoke("projects_GetDetails", {"projectId": project})["deviceCount"] == 1


def test_member_may_create_projects_in_own_organization_only(hub: Hub) -> None:
    other_org = make_organization(hub, "elsewhere")
    _, member = hub.create_user("m@example.com", organization_id=hub.default_organization_id)
    created = hub.invoke(
        "projects_Create", {"organizationId": hub.default_organization_id, "name": "x"}, member
    )
    assert created["result"] == "Created"
    raises(
        "Forbidden",
        404,
        hub.invoke,
        "projects_Create",
        {"organizationId": other_org, "name": "x"},
        member,
    )


def test_organization_token_acts_as_admin_of_its_organization_only(hub: Hub) -> None:
    world = build(hub)
    token = world.credentials["org_token"]["token"]
    hub.invoke("projects_Delete", {"projectId": world.project}, token)
    other_org = make_organization(hub, "elsewhere")
    foreign = make_project(hub, organization_id=other_org)
    raises("Forbidden", 404, hub.invoke, "projects_Delete", {"projectId": foreign}, token)


def test_instance_admin_is_not_a_member_of_helper_organizations(hub: Hub) -> None:
    other_org = make_organization(hub, "elsewhere")
    members = hub.invoke("organizations_QueryMembers", {"organizationId": other_org})
    assert members == {"members": []}


def test_deleted_user_token_is_401(hub: Hub) -> None:
    user_id, token = hub.create_user(
        "gone@example.com", organization_id=hub.default_organization_id
    )
    (listed,) = hub.invoke("users_QueryTokens", {"userId": user_id})["tokens"]
    hub.invoke("users_DeleteToken", {"tokenId": listed["tokenId"]})
    raises("Forbidden", 401, hub.invoke, "projects_Query", {}, token)


def test_not_found_and_not_visible_fail_alike(hub: Hub) -> None:
    world = build(hub)
    outsider = world.credentials["other_user"]["token"]
    missing = "p_" + base58(22)
    visible_error = raises(
        "Forbidden", 404, hub.invoke, "projects_GetDetails", {"projectId": world.project}, outsider
    )
    missing_error = raises(
        "Forbidden", 404, hub.invoke, "projects_GetDetails", {"projectId": missing}, outsider
    )
    assert visible_error.message.replace(world.project, "X") == missing_error.message.replace(
        missing, "X"
    )


def test_error_is_an_action_error_with_wire_shape(hub: Hub) -> None:
    with pytest.raises(ActionError) as info:
        invoke_anonymous(hub, "projects_Query", {})
    assert set(info.value.to_wire()) == {"kind", "message"}
