"""Who may call the operation actions (D18, C15, C16) and what input they accept (§III.10,
D17, C3, C6): every refusal leaves the hub unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from nexigon_fake import Hub

from .helpers import invoke_anonymous, make_organization, make_project, raises
from .operation_helpers import (
    claim,
    command_step,
    create,
    device_session,
    get,
    report,
    set_step,
    started,
    task_step,
    wait_step,
)


def member(hub: Hub) -> str:
    return hub.create_user("member@example.com", organization_id=hub.default_organization_id)[1]


def outsider(hub: Hub) -> str:
    return hub.create_user("outsider@example.com")[1]


def test_a_member_creates_starts_queries_and_cancels(hub: Hub) -> None:
    project = make_project(hub)
    device, _ = device_session(hub, project)
    token = member(hub)
    operation = hub.invoke(
        "devices_CreateOperation",
        {"deviceId": device, "name": "m", "steps": [command_step()]},
        token,
    )["deviceOperationId"]
    hub.invoke("devices_StartOperation", {"deviceOperationId": operation}, token)
    listed = hub.invoke("devices_QueryOperations", {"deviceId": device}, token)["operations"]
    assert [o["deviceOperationId"] for o in listed] == [operation]
    assert listed[0]["createdBy"]["actor"] == "UserToken"
    assert get(hub, operation, token)["result"] == "Found"
    hub.invoke("devices_CancelOperation", {"deviceOperationId": operation}, token)


def test_an_organization_api_token_has_project_access(hub: Hub) -> None:
    project = make_project(hub)
    device, _ = device_session(hub, project)
    token = hub.create_organization_api_token(hub.default_organization_id)
    operation = hub.invoke(
        "devices_CreateOperation",
        {"deviceId": device, "name": "t", "steps": [command_step()]},
        token,
    )["deviceOperationId"]
    assert get(hub, operation, token)["summary"]["createdBy"]["actor"] == "OrganizationApiToken"


def test_an_outsider_sees_nothing(hub: Hub) -> None:
    project = make_project(hub)
    device, _ = device_session(hub, project)
    operation = create(hub, device, [command_step()])
    token = outsider(hub)
    before = hub.snapshot_json()
    payload = {"deviceId": device, "name": "x", "steps": [command_step()]}
    raises("Forbidden", 404, hub.invoke, "devices_CreateOperation", payload, token)
    raises("Forbidden", 404, hub.invoke, "devices_QueryOperations", {"deviceId": device}, token)
    for action in ("devices_StartOperation", "devices_CancelOperation"):
        error = raises(
            "Forbidden", 404, hub.invoke, action, {"deviceOperationId": operation}, token
        )
        assert error.message == f"Device operation {operation} does not exist or is not accessible."
    assert get(hub, operation, token) == {"result": "NotFound"}
    raises("Forbidden", 404, claim, hub, device, {"token": token})
    assert hub.snapshot_json() == before


def test_a_member_may_not_claim_or_report(hub: Hub) -> None:
    project = make_project(hub)
    device, _ = device_session(hub, project)
    started(hub, device, [command_step()])
    token = member(hub)
    error = raises("Forbidden", 403, claim, hub, device, {"token": token})
    assert "instance administrators only" in error.message


def test_the_instance_admin_may_claim_and_report(hub: Hub) -> None:
    project = make_project(hub)
    device, _ = device_session(hub, project)
    operation = started(hub, device, [command_step()])
    (item,) = claim(hub, device)
    report(hub, device, item)
    assert get(hub, operation)["summary"]["status"] == "Succeeded"


def test_the_device_claims_and_reports_its_own_work(hub: Hub) -> None:
    project = make_project(hub)
    device, creds = device_session(hub, project)
    operation = started(hub, device, [command_step()])
    (item,) = claim(hub, device, creds, limit=1, kinds=["DeviceCommand"])
    assert report(hub, device, item, "Succeeded", creds, output="ok") == {}
    assert get(hub, operation)["summary"]["status"] == "Succeeded"


def test_a_device_may_not_touch_another_device(hub: Hub) -> None:
    project = make_project(hub)
    device, creds = device_session(hub, project)
    other, _ = device_session(hub, project)
    started(hub, other, [command_step()])
    (item,) = claim(hub, other)
    raises("Forbidden", 404, claim, hub, other, creds)  # C15: not visible
    raises("Forbidden", 404, report, hub, other, item, "Succeeded", creds)
    # Naming itself but another device's operation: the operation is not accessible.
    error = raises("Forbidden", 404, report, hub, device, item, "Succeeded", creds)
    assert item["deviceOperationId"] in error.message


def test_a_device_may_not_manage_operations(hub: Hub) -> None:
    project = make_project(hub)
    device, creds = device_session(hub, project)
    operation = create(hub, device, [command_step()])
    kw: dict[str, Any] = {"device_fingerprint": creds["device_fingerprint"]}
    payload = {"deviceId": device, "name": "x", "steps": [command_step()]}
    raises("Forbidden", 403, hub.invoke, "devices_CreateOperation", payload, creds["token"], **kw)
    raises(
        "Forbidden",
        403,
        hub.invoke,
        "devices_QueryOperations",
        {"deviceId": device},
        creds["token"],
        **kw,
    )
    for action in ("devices_StartOperation", "devices_CancelOperation"):
        raises(
            "Forbidden",
            403,
            hub.invoke,
            action,
            {"deviceOperationId": operation},
            creds["token"],
            **kw,
        )
    # C16: the device learns its work only by claiming it.
    assert get(hub, operation, creds["token"], **kw) == {"result": "NotFound"}


@pytest.mark.parametrize(
    ("action", "payload"),
    [
        (
            "devices_CreateOperation",
            {"deviceId": "d_" + "1" * 22, "name": "x", "steps": [command_step()]},
        ),
        ("devices_StartOperation", {"deviceOperationId": "d_op_" + "1" * 22}),
        ("devices_CancelOperation", {"deviceOperationId": "d_op_" + "1" * 22}),
        ("devices_GetOperation", {"deviceOperationId": "d_op_" + "1" * 22}),
        ("devices_QueryOperations", {"deviceId": "d_" + "1" * 22}),
        ("devices_ClaimOperationWork", {"deviceId": "d_" + "1" * 22}),
    ],
)
def test_anonymous_callers_get_401(hub: Hub, action: str, payload: dict[str, Any]) -> None:
    raises("Forbidden", 401, invoke_anonymous, hub, action, payload)


def test_an_operation_of_another_organization_is_not_found(hub: Hub) -> None:
    other_org = make_organization(hub)
    project = make_project(hub, organization_id=other_org)
    device, _ = device_session(hub, project)
    operation = create(hub, device, [command_step()])  # as the instance admin
    user, token = hub.create_user("x@example.com", organization_id=hub.default_organization_id)
    assert get(hub, operation, token) == {"result": "NotFound"}
    assert user


# Validation (§III.10, D17): exact messages, the hub unchanged.

RULES = [
    ({"name": ""}, "Device operation name must be between 1 and 128 characters."),
    ({"name": "x" * 129}, "Device operation name must be between 1 and 128 characters."),
    ({"description": "x" * 4097}, "Device operation description must be at most 4096 characters."),
    ({"steps": []}, "An operation needs at least one step."),
    ({"steps": [set_step("", 1)]}, "Property name must be between 1 and 256 characters."),
    ({"steps": [set_step("a" * 257, 1)]}, "Property name must be between 1 and 256 characters."),
    (
        {"steps": [set_step("-a", 1)]},
        "Property name must start with a letter or digit and contain only letters, digits, "
        "dots, underscores, or hyphens.",
    ),
    ({"steps": [command_step("")]}, "Command name must be between 1 and 256 characters."),
    ({"steps": [command_step("c" * 257)]}, "Command name must be between 1 and 256 characters."),
    (
        {"steps": [command_step(timeoutSecs=0)]},
        "Command timeout must be between 1 second and 1 day.",
    ),
    (
        {"steps": [command_step(timeoutSecs=86_401)]},
        "Command timeout must be between 1 second and 1 day.",
    ),
    ({"steps": [task_step("")]}, "Device task name must be between 1 and 256 characters."),
    (
        {"steps": [task_step(timeoutSecs=604_801)]},
        "Device task timeout must be between 1 second and 7 days.",
    ),
    (
        {"steps": [wait_step({"kind": "Literal", "value": True}, timeoutSecs=0)]},
        "Wait timeout must be between 1 second and 7 days.",
    ),
    (
        {"steps": [set_step("a", 1, when={"kind": "Or", "exprs": []})]},
        "`Or` needs at least one operand.",
    ),
    (
        {
            "steps": [
                {
                    "kind": "UpdateDeviceProperty",
                    "name": "a",
                    "mutation": {"mutation": "Remove", "path": []},
                }
            ]
        },
        "A `Remove` mutation needs a non-empty path.",
    ),
    ({"steps": [{"kind": "Reboot"}]}, "Reboot"),
    ({"steps": [{"kind": "DeviceCommand", "command": "c"}]}, "`input`"),
]


@pytest.mark.parametrize(("change", "message"), RULES)
def test_create_rules(hub: Hub, change: dict[str, Any], message: str) -> None:
    project = make_project(hub)
    device, _ = device_session(hub, project)
    payload = {"deviceId": device, "name": "op", "steps": [command_step()], **change}
    before = hub.snapshot_json()
    error = raises("Invalid", 400, hub.invoke, "devices_CreateOperation", payload)
    assert message in error.message
    assert hub.snapshot_json() == before


def test_definition_rules_come_before_access(hub: Hub) -> None:
    """C4: body validation (400) before access (404), for the D17 rules too."""
    token = outsider(hub)
    payload = {
        "deviceId": "d_" + "1" * 22,
        "name": "op",
        "steps": [set_step("a", 1, when={"kind": "And", "exprs": []})],
    }
    raises("Invalid", 400, hub.invoke, "devices_CreateOperation", payload, token)


@pytest.mark.parametrize("limit", [0, 21])
def test_claim_limit_rule(hub: Hub, limit: int) -> None:
    device, _ = device_session(hub, make_project(hub))
    error = raises("Invalid", 400, claim, hub, device, limit=limit)
    assert "Claim limit must be between 1 and 20." in error.message


def test_claim_kinds_must_be_known(hub: Hub) -> None:
    device, _ = device_session(hub, make_project(hub))
    raises("Invalid", 400, claim, hub, device, kinds=["Reboot"])


@pytest.mark.parametrize("step_index", [-1, 1.0, 2**32, "0", True])
def test_report_step_index_is_u32(hub: Hub, step_index: Any) -> None:
    device, _ = device_session(hub, make_project(hub))
    started(hub, device, [command_step()])
    (item,) = claim(hub, device)
    raises("Invalid", 400, report, hub, device, {**item, "stepIndex": step_index})


def test_report_error_length_and_status(hub: Hub) -> None:
    device, _ = device_session(hub, make_project(hub))
    started(hub, device, [command_step()])
    (item,) = claim(hub, device)
    error = raises("Invalid", 400, report, hub, device, item, "Failed", error="e" * 4097)
    assert "Error message must be at most 4096 characters." in error.message
    raises("Invalid", 400, report, hub, device, item, "Done")
    assert report(hub, device, item, "Failed", error="e" * 4096) == {}


@pytest.mark.parametrize("timeout", [-1, 1.5, 2**32])
def test_timeouts_are_u32(hub: Hub, timeout: Any) -> None:
    device, _ = device_session(hub, make_project(hub))
    payload = {"deviceId": device, "name": "op", "steps": [command_step(timeoutSecs=timeout)]}
    raises("Invalid", 400, hub.invoke, "devices_CreateOperation", payload)


def test_malformed_ids_are_invalid(hub: Hub) -> None:
    for value in ("d_op_claim_" + "1" * 22, "d_op_" + "1" * 21, "d_" + "1" * 22):
        raises("Invalid", 400, get, hub, value)
