"""Fault injection: chosen calls fail (or answer late), deterministically, and change nothing."""

from __future__ import annotations

import time
from typing import Any

import pytest

from nexigon_fake import Hub
from nexigon_fake.errors import ActionError, InvalidError
from nexigon_fake.wire.actor import DeviceActor
from nexigon_fake.wire.credentials import Credentials
from tests.state.helpers import (
    fingerprint,
    make_device,
    make_project,
    make_token,
    raises,
    set_property,
)

MISSING_DEVICE = "d_" + "1" * 22


def get_property(hub: Hub, device_id: str, name: str) -> dict[str, Any]:
    return hub.invoke("devices_GetProperty", {"deviceId": device_id, "name": name})


def failing(hub: Hub, action: str, payload: dict[str, Any]) -> bool:
    """True when the call failed (with any error)."""
    try:
        hub.invoke(action, payload)
    except ActionError:
        return True
    return False


@pytest.fixture
def device(hub: Hub) -> str:
    return make_device(hub, make_project(hub))


# Kinds, statuses, messages.


@pytest.mark.parametrize(
    ("kind", "status"),
    [("Invalid", 400), ("Forbidden", 403), ("RateLimited", 429), ("Internal", 500)],
)
def test_each_kind_fails_with_its_default_status(
    hub: Hub, device: str, kind: Any, status: int
) -> None:
    hub.faults.inject("devices_SetProperty", kind=kind)
    error = raises(kind, status, set_property, hub, device, "a.b", 1)
    assert error.message == f"Injected fault: `devices_SetProperty` failed with {kind}."
    entry = hub.journal[-1]
    assert entry.fault_injected
    assert entry.status == status
    assert entry.output == {"kind": kind, "message": error.message}


def test_the_default_kind_is_internal(hub: Hub, device: str) -> None:
    fault = hub.faults.inject("devices_SetProperty")
    assert (fault.kind, fault.status, fault.remaining) == ("Internal", None, 1)
    raises("Internal", 500, set_property, hub, device, "a.b", 1)


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("Forbidden", 401),
        ("Forbidden", 403),
        ("Forbidden", 404),
        ("Invalid", 400),
        ("RateLimited", 429),
        ("Internal", 500),
    ],
)
def test_allowed_status_overrides(hub: Hub, device: str, kind: Any, status: int) -> None:
    hub.faults.inject("devices_SetProperty", kind=kind, status=status)
    raises(kind, status, set_property, hub, device, "a.b", 1)
    assert hub.journal[-1].status == status


def test_a_custom_message_is_answered(hub: Hub, device: str) -> None:
    hub.faults.inject("devices_SetProperty", kind="RateLimited", message="slow down, please")
    error = raises("RateLimited", 429, set_property, hub, device, "a.b", 1)
    assert error.message == "slow down, please"
    assert hub.journal[-1].output == {"kind": "RateLimited", "message": "slow down, please"}


# How often.


def test_times_n_fails_n_calls_then_behaves_normally(hub: Hub, device: str) -> None:
    fault = hub.faults.inject("devices_SetProperty", kind="Internal", times=3)
    outcomes = [
        failing(hub, "devices_SetProperty", {"deviceId": device, "name": "a.b", "value": i})
        for i in range(5)
    ]
    assert outcomes == [True, True, True, False, False]
    assert fault.fired == 3
    assert hub.faults.active() == []
    assert get_property(hub, device, "a.b")["version"] == 2
    injected = [entry.fault_injected for entry in hub.journal.calls("devices_SetProperty")]
    assert injected == [True, True, True, False, False]


def test_a_fault_fires_only_on_its_action(hub: Hub, device: str) -> None:
    hub.faults.inject("devices_RemoveProperty", kind="Internal")
    set_property(hub, device, "a.b", 1)
    get_property(hub, device, "a.b")
    assert len(hub.faults.active()) == 1
    raises(
        "Internal", 500, hub.invoke, "devices_RemoveProperty", {"deviceId": device, "name": "a.b"}
    )
    assert hub.faults.active() == []


def test_every_action_star_hits_whatever_comes_next(hub: Hub, device: str) -> None:
    hub.faults.inject("*", kind="RateLimited", times=2)
    error = raises("RateLimited", 429, hub.invoke, "projects_Query", {})
    assert "`projects_Query`" in error.message
    error = raises("RateLimited", 429, get_property, hub, device, "a.b")
    assert "`devices_GetProperty`" in error.message
    hub.invoke("projects_Query", {})


def test_faults_fire_in_the_order_they_were_armed(hub: Hub, device: str) -> None:
    hub.faults.inject("devices_SetProperty", kind="Invalid")
    hub.faults.inject("*", kind="Internal")
    raises("Invalid", 400, set_property, hub, device, "a.b", 1)
    raises("Internal", 500, set_property, hub, device, "a.b", 1)
    set_property(hub, device, "a.b", 1)


def test_active_clear_and_to_json(hub: Hub, device: str) -> None:
    first = hub.faults.inject("devices_SetProperty", kind="Forbidden", status=404, times=2)
    second = hub.faults.inject(
        "*", latency_secs=0.0, probability=0.25, device_id=device, message="late"
    )
    assert hub.faults.active() == [first, second]
    assert second.kind is None
    assert second.remaining is None  # unlimited with a probability
    assert hub.faults.to_json() == {
        "faults": [
            {
                "id": 1,
                "action": "devices_SetProperty",
                "kind": "Forbidden",
                "status": 404,
                "message": None,
                "remaining": 2,
                "probability": None,
                "latencySecs": None,
                "deviceId": None,
                "projectId": None,
                "fired": 0,
            },
            {
                "id": 2,
                "action": "*",
                "kind": None,
                "status": None,
                "message": "late",
                "remaining": None,
                "probability": 0.25,
                "latencySecs": 0.0,
                "deviceId": device,
                "projectId": None,
                "fired": 0,
            },
        ]
    }
    hub.faults.clear()
    assert hub.faults.active() == []
    set_property(hub, device, "a.b", 1)
    assert not hub.journal[-1].fault_injected


# Probability: seeded, repeatable, and independent of the ids.


def hit_pattern(seed: int, calls: int = 200) -> list[bool]:
    hub = Hub(seed=seed)
    device_id = make_device(hub, make_project(hub))
    hub.faults.inject("devices_GetProperty", kind="Internal", probability=0.5)
    payload = {"deviceId": device_id, "name": "a.b"}
    return [failing(hub, "devices_GetProperty", payload) for _ in range(calls)]


def test_probability_hits_repeat_for_the_same_seed_and_differ_for_another() -> None:
    first = hit_pattern(11)
    again = hit_pattern(11)
    other = hit_pattern(12)
    assert first == again
    assert first != other
    assert 60 <= sum(first) <= 140  # about half of 200
    assert 60 <= sum(other) <= 140


def test_reset_reseeds_the_fault_generator(hub: Hub) -> None:
    def pattern() -> list[bool]:
        hub.faults.inject("projects_Query", kind="Internal", probability=0.3)
        return [failing(hub, "projects_Query", {}) for _ in range(60)]

    first = pattern()
    hub.reset()
    assert hub.faults.active() == []
    assert pattern() == first


def test_probability_with_times_stops_after_times_hits(hub: Hub) -> None:
    hub.faults.inject("projects_Query", kind="Internal", probability=0.5, times=4)
    outcomes = [failing(hub, "projects_Query", {}) for _ in range(100)]
    assert sum(outcomes) == 4
    assert hub.faults.active() == []


def test_a_probabilistic_fault_does_not_change_the_ids_the_hub_generates() -> None:
    def workload(hub: Hub) -> list[str]:
        project_ids = []
        for index in range(30):
            project_id = make_project(hub, f"p{index}")
            project_ids.append(project_id)
            failing(hub, "projects_GetDetails", {"projectId": project_id})
            make_token(hub, project_id)
        return project_ids

    plain = Hub(seed=5)
    armed = Hub(seed=5)
    # A fault that never fails (latency 0) on an action that draws ids, and a failing one on a
    # read-only action: both draw from the fault generator on every matching call.
    armed.faults.inject("projects_Create", latency_secs=0.0, probability=0.5)
    armed.faults.inject("projects_GetDetails", kind="Internal", probability=0.5)
    assert workload(plain) == workload(armed)
    assert plain.snapshot_json() == armed.snapshot_json()
    fired = [entry.action for entry in armed.journal if entry.fault_injected]
    assert 0 < fired.count("projects_Create") < 30
    assert 0 < fired.count("projects_GetDetails") < 30


# Targeting.


def test_a_device_targeted_fault_spares_other_devices(hub: Hub) -> None:
    project_id = make_project(hub)
    target = make_device(hub, project_id)
    other = make_device(hub, project_id)
    hub.faults.inject("devices_SetProperty", kind="Internal", device_id=target, times=2)
    set_property(hub, other, "a.b", 1)
    hub.invoke("projects_Query", {})
    raises("Internal", 500, set_property, hub, target, "a.b", 1)
    set_property(hub, other, "a.b", 2)
    raises("Internal", 500, set_property, hub, target, "a.b", 1)
    set_property(hub, target, "a.b", 3)
    assert get_property(hub, other, "a.b")["version"] == 2
    assert get_property(hub, target, "a.b")["version"] == 1


def test_a_device_targeted_star_fault_hits_every_action_on_that_device(hub: Hub) -> None:
    project_id = make_project(hub)
    target = make_device(hub, project_id)
    other = make_device(hub, project_id)
    hub.faults.inject("*", kind="Forbidden", device_id=target, times=3)
    hub.invoke("projects_QueryDevices", {"projectId": project_id})
    hub.invoke("devices_GetDetails", {"deviceId": other})
    raises("Forbidden", 403, hub.invoke, "devices_GetDetails", {"deviceId": target})
    raises("Forbidden", 403, hub.invoke, "devices_QueryProperties", {"deviceId": target})
    raises("Forbidden", 403, hub.invoke, "devices_SetName", {"deviceId": target, "name": "x"})
    hub.invoke("devices_GetDetails", {"deviceId": target})


def test_a_project_targeted_fault_hits_project_and_device_actions_of_that_project(
    hub: Hub,
) -> None:
    project_id = make_project(hub, "target")
    other_project = make_project(hub, "other")
    device_in = make_device(hub, project_id)
    device_out = make_device(hub, other_project)
    hub.faults.inject("*", kind="RateLimited", project_id=project_id, times=3)
    set_property(hub, device_out, "a.b", 1)
    hub.invoke("projects_GetDetails", {"projectId": other_project})
    hub.invoke("projects_Query", {})  # names no project
    raises("RateLimited", 429, set_property, hub, device_in, "a.b", 1)
    raises("RateLimited", 429, hub.invoke, "projects_GetDetails", {"projectId": project_id})
    raises("RateLimited", 429, make_device, hub, project_id)
    set_property(hub, device_in, "a.b", 1)
    assert hub.faults.active() == []


def test_project_and_device_targets_must_both_match(hub: Hub) -> None:
    project_id = make_project(hub)
    first = make_device(hub, project_id)
    second = make_device(hub, project_id)
    hub.faults.inject(
        "devices_SetProperty", kind="Internal", project_id=project_id, device_id=second
    )
    set_property(hub, first, "a.b", 1)
    raises("Internal", 500, set_property, hub, second, "a.b", 1)


def test_a_project_fault_does_not_hit_a_missing_device(hub: Hub) -> None:
    project_id = make_project(hub)
    hub.faults.inject("devices_SetProperty", kind="Internal", project_id=project_id)
    raises("Forbidden", 404, set_property, hub, MISSING_DEVICE, "a.b", 1)
    assert len(hub.faults.active()) == 1


# Where in the call a fault fires.


def test_invalid_input_is_answered_before_any_fault(hub: Hub, device: str) -> None:
    hub.faults.inject("devices_SetProperty", kind="Internal")
    raises("Invalid", 400, set_property, hub, device, "", 1)
    assert len(hub.faults.active()) == 1
    assert not hub.journal[-1].fault_injected


def test_unknown_credentials_are_answered_before_any_fault(hub: Hub) -> None:
    hub.faults.inject("projects_Query", kind="Internal")
    answer = hub.invoke_json("projects_Query", b"{}", Credentials("u_sk_" + "3" * 66))
    assert answer.error is not None and answer.error.status == 401
    assert len(hub.faults.active()) == 1


def test_a_fault_fires_before_the_permission_check(hub: Hub, device: str) -> None:
    project_id = make_project(hub)
    organization_id = hub.default_organization_id
    _, member_token = hub.create_user("member@example.com", organization_id=organization_id)
    member = hub.as_token(member_token)
    hub.faults.inject("projects_SetName", kind="RateLimited")
    raises("RateLimited", 429, member.projects.set_name, project_id=project_id, name="x")
    raises("Forbidden", 403, member.projects.set_name, project_id=project_id, name="x")
    hub.faults.inject("projects_Query", kind="Internal")
    anonymous = hub.invoke_json("projects_Query", b"{}", Credentials())
    assert anonymous.error is not None
    assert (anonymous.error.kind, anonymous.error.status) == ("Internal", 500)


def test_a_device_actor_is_hit_by_a_fault_on_its_device(hub: Hub) -> None:
    project_id = make_project(hub)
    token_id, token = make_token(hub, project_id, auto_accept=True)
    session = hub.as_device(token, fingerprint())
    actor = session.actor.get_actor().actor
    assert isinstance(actor, DeviceActor)
    device_id = actor.device_id
    hub.faults.inject("devices_SetProperty", kind="Internal", device_id=device_id)
    with pytest.raises(ActionError) as info:
        session.devices.set_property(device_id=device_id, name="a.b", value=1)
    assert info.value.status == 500
    entry = hub.journal[-1]
    assert entry.fault_injected
    assert entry.actor == DeviceActor(device_id=device_id, token_id=token_id)


# A failing fault changes nothing.


def observe(hub: Hub, project_id: str, device_id: str) -> list[dict[str, Any]]:
    return [
        hub.invoke("projects_Query", {}),
        hub.invoke("projects_QueryDevices", {"projectId": project_id}),
        hub.invoke("devices_GetDetails", {"deviceId": device_id}),
        hub.invoke("devices_QueryProperties", {"deviceId": device_id}),
        hub.invoke("devices_QueryEvents", {"deviceId": device_id}),
        hub.invoke("devices_QueryAuditLog", {"deviceId": device_id}),
        hub.invoke("projects_QueryAuditLog", {"projectId": project_id}),
        hub.invoke("projects_QueryDeploymentTokens", {"projectId": project_id}),
    ]


@pytest.mark.parametrize(
    ("action", "payload"),
    [
        ("devices_SetProperty", {"name": "a.b", "value": 2}),
        ("devices_RemoveProperty", {"name": "a.b"}),
        ("devices_SetName", {"name": "renamed"}),
        ("devices_Delete", {}),
        ("devices_AddCertificate", {"fingerprint": "AB:" * 31 + "AB"}),
        ("projects_Create", {"name": "new"}),
        ("projects_CreateDeploymentToken", {"name": "t"}),
        ("projects_Delete", {}),
    ],
)
def test_a_failing_fault_changes_no_state(hub: Hub, action: str, payload: dict[str, Any]) -> None:
    project_id = make_project(hub)
    device_id = make_device(hub, project_id)
    set_property(hub, device_id, "a.b", 1)
    full = dict(payload)
    if action.startswith("devices_"):
        full["deviceId"] = device_id
    elif action == "projects_Create":
        full["organizationId"] = hub.default_organization_id
    else:
        full["projectId"] = project_id
    before_snapshot = hub.snapshot()
    before = observe(hub, project_id, device_id)
    hub.faults.inject(action, kind="Internal")
    raises("Internal", 500, hub.invoke, action, full)
    assert observe(hub, project_id, device_id) == before
    assert hub.snapshot() == before_snapshot
    hub.invoke(action, full)  # the same call, without the fault, does change something
    assert hub.snapshot() != before_snapshot


# Latency.


def test_latency_holds_the_answer_back_and_applies_the_call(hub: Hub, device: str) -> None:
    hub.faults.inject("devices_SetProperty", latency_secs=0.05)
    started = time.perf_counter()
    output = set_property(hub, device, "a.b", 1)
    elapsed = time.perf_counter() - started
    assert elapsed >= 0.05
    assert output == {"result": "Set"}
    assert get_property(hub, device, "a.b")["version"] == 1
    entry = hub.journal.calls("devices_SetProperty")[-1]
    assert entry.fault_injected
    assert entry.status == 200
    assert entry.output == {"result": "Set"}
    started = time.perf_counter()
    set_property(hub, device, "a.b", 2)
    assert time.perf_counter() - started < 0.05  # only once (times defaults to 1)


def test_latency_with_an_error_waits_then_fails_without_applying(hub: Hub, device: str) -> None:
    hub.faults.inject("devices_SetProperty", kind="RateLimited", latency_secs=0.05)
    started = time.perf_counter()
    raises("RateLimited", 429, set_property, hub, device, "a.b", 1)
    assert time.perf_counter() - started >= 0.05
    assert get_property(hub, device, "a.b") == {"result": "NotFound"}


def test_latency_on_the_typed_api(hub: Hub, device: str) -> None:
    hub.faults.inject("devices_GetDetails", latency_secs=0.05)
    started = time.perf_counter()
    details = hub.devices.get_details(device_id=device)
    assert time.perf_counter() - started >= 0.05
    assert details.device_id == device


# Bad arguments.


@pytest.mark.parametrize(
    ("action", "arguments", "fragments"),
    [
        ("devices_Explode", {}, ["`devices_Explode`", "no such action"]),
        ("", {}, ["$.action"]),
        ("devices_SetProperty", {"kind": "Broken"}, ["$.kind"]),
        (
            "devices_SetProperty",
            {"kind": "RateLimited", "status": 500},
            ["RateLimited", "429", "500"],
        ),
        ("devices_SetProperty", {"kind": "Internal", "status": 503}, ["Internal", "500", "503"]),
        ("devices_SetProperty", {"kind": "Invalid", "status": 404}, ["Invalid", "400", "404"]),
        ("devices_SetProperty", {"kind": "Forbidden", "status": 400}, ["Forbidden", "403", "400"]),
        ("devices_SetProperty", {"status": 399}, ["$.status", ">= 400"]),
        ("devices_SetProperty", {"status": 700}, ["$.status"]),
        ("devices_SetProperty", {"probability": 0}, ["$.probability"]),
        ("devices_SetProperty", {"probability": 1.5}, ["$.probability"]),
        ("devices_SetProperty", {"probability": -0.1}, ["$.probability"]),
        ("devices_SetProperty", {"latency_secs": -0.5}, ["$.latencySecs"]),
        ("devices_SetProperty", {"latency_secs": 301}, ["$.latencySecs"]),
        ("devices_SetProperty", {"times": 0}, ["$.times"]),
        ("devices_SetProperty", {"times": -2}, ["$.times"]),
        ("devices_SetProperty", {"times": 1.5}, ["$.times"]),
        ("devices_SetProperty", {"device_id": "d_nope"}, ["$.deviceId"]),
        ("devices_SetProperty", {"device_id": "p_" + "1" * 22}, ["$.deviceId"]),
        ("devices_SetProperty", {"project_id": "d_" + "1" * 22}, ["$.projectId"]),
        ("devices_SetProperty", {"message": ""}, ["$.message"]),
        ("devices_SetProperty", {"kind": None}, ["`kind`", "`latencySecs`"]),
    ],
)
def test_bad_arguments_are_invalid_and_name_the_field(
    hub: Hub, action: str, arguments: dict[str, Any], fragments: list[str]
) -> None:
    with pytest.raises(InvalidError) as info:
        hub.faults.inject(action, **arguments)
    error = info.value
    assert (error.kind, error.status) == ("Invalid", 400)
    for fragment in fragments:
        assert fragment in error.message, (fragment, error.message)
    assert hub.faults.active() == []


def test_a_status_with_no_kind_to_carry_it_is_invalid(hub: Hub) -> None:
    with pytest.raises(InvalidError) as info:
        hub.faults.inject("devices_SetProperty", kind=None, latency_secs=0.1, status=500)
    assert info.value.message == "`status` needs a `kind`: a fault without one does not fail."
    assert hub.faults.active() == []


def test_a_device_targeted_fault_hits_its_certificates_and_connections(hub: Hub) -> None:
    """Calls naming a certificate or connection belong to that certificate's device."""
    project = make_project(hub)
    target, other = make_device(hub, project), make_device(hub, project, "d_sk_" + "7" * 44)
    fingerprint = ":".join(["AB"] * 32)
    mine = hub.devices.add_certificate(device_id=target, fingerprint=fingerprint).certificate_id
    theirs = hub.devices.add_certificate(device_id=other, fingerprint=fingerprint).certificate_id
    hub.faults.inject("*", kind="Internal", times=None, device_id=target)
    set_status = "devices_SetCertificateStatus"
    assert failing(hub, set_status, {"certificateId": mine, "status": "Active"})
    assert not failing(hub, set_status, {"certificateId": theirs, "status": "Active"})
    hub.faults.clear()
    node = "cluster_node_" + "2" * 22
    connection = "d_conn_" + "3" * 22
    hub.devices.register_connection(device_id=target, node_id=node, connection_id=connection)
    hub.faults.inject("devices_UnregisterConnection", device_id=target)
    assert failing(
        hub,
        "devices_UnregisterConnection",
        {"connectionId": connection, "endReason": "Disconnected"},
    )
