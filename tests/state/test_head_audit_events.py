"""D40: the HEAD actions' audit events are the fake's own names, on by default, and a switch."""

from __future__ import annotations

from nexigon_fake import Hub
from nexigon_fake.wire.audit import HEAD_AUDIT_EVENTS

from .helpers import device_audit, project_audit
from .operation_helpers import create, set_step, setup, start


def events(records: list[dict[str, object]]) -> list[object]:
    return [record["event"] for record in records]


def test_operation_and_pairing_events_are_recorded_by_default() -> None:
    hub = Hub()
    project, device = setup(hub)
    start(hub, create(hub, device, [set_step("a", 1)]))
    hub.invoke("projects_CreateDevicePairingKey", {"projectId": project})
    assert events(device_audit(hub, device))[:3] == [
        "devices_PropertySet",
        "devices_OperationStarted",
        "devices_OperationCreated",
    ]
    assert events(project_audit(hub, project))[0] == "projects_DevicePairingKeyCreated"


def test_switched_off_only_the_head_events_are_left_out() -> None:
    hub = Hub(head_audit_events=False)
    project, device = setup(hub)
    start(hub, create(hub, device, [set_step("a", 1)]))
    hub.invoke("projects_CreateDevicePairingKey", {"projectId": project})
    recorded = set(events(device_audit(hub, device))) | set(events(project_audit(hub, project)))
    assert not recorded & HEAD_AUDIT_EVENTS
    # The seed-era events stay: the hub-side write and the device's creation.
    assert {"devices_PropertySet", "devices_Created"} <= recorded


def test_the_switch_survives_reset_and_snapshot() -> None:
    hub = Hub(head_audit_events=False)
    hub.reset()
    restored = Hub()
    restored.restore(hub.snapshot())
    for each in (hub, restored):
        _, device = setup(each)
        start(each, create(each, device, [set_step("a", 1)]))
        assert "devices_OperationStarted" not in events(device_audit(each, device))
