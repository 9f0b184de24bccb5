"""Faults injected on a device's actions reach its simulated agent; a fleet over HTTP."""

from __future__ import annotations

import httpx

from nexigon_fake import Hub, create_app
from nexigon_fake.serve.transport import InProcessTransport
from tests.simulation.helpers import operation, start_operation

ACTION = "/api/v1/actions/invoke/"
REBOOT = {"commands": [{"name": "reboot", "output": {"ok": True}}]}


def http_for(hub: Hub) -> httpx.Client:
    return httpx.Client(
        transport=InProcessTransport(create_app(hub)),
        base_url="http://hub.test",
        headers={"Authorization": f"Bearer {hub.admin_token}"},
    )


def test_a_rejected_system_info_update_is_logged_and_the_loop_goes_on() -> None:
    hub = Hub()
    fleet = hub.simulate(count=2, journaled=True)
    target = fleet.devices[0]
    hub.faults.inject("devices_SetProperty", kind="Forbidden", device_id=target.device_id, times=1)
    hub.clock.advance(3600)

    info = [
        (entry.input["deviceId"], entry.status)
        for entry in hub.journal.calls("devices_SetProperty")
        if entry.input["name"] == "dev.nexigon.system.info"
    ]
    other = fleet.devices[1].device_id
    assert info[2:] == [
        (target.device_id, 403),
        (other, 200),
        (target.device_id, 200),
        (other, 200),
    ]
    assert fleet.counters.rejected_calls == 1


def test_a_rejected_claim_waits_the_idle_interval() -> None:
    hub = Hub()
    device = hub.simulate(count=1, profile=REBOOT, journaled=True).devices[0]
    hub.faults.inject(
        "devices_ClaimOperationWork", kind="Internal", device_id=device.device_id, times=1
    )
    operation_id = start_operation(hub, device.device_id)
    hub.clock.advance(180)

    claims = hub.journal.calls("devices_ClaimOperationWork")
    assert [(entry.time.strftime("%H:%M"), entry.status) for entry in claims] == [
        ("07:01", 500),  # "operation work claim rejected": sleep the idle interval
        ("07:02", 200),
    ]
    assert operation(hub, operation_id)["summary"]["status"] == "Succeeded"


def test_a_fault_on_another_device_does_not_reach_this_one() -> None:
    hub = Hub()
    fleet = hub.simulate(count=2, journaled=True)
    hub.faults.inject("devices_SetProperty", kind="Internal", device_id=fleet.devices[1].device_id)
    fleet.devices[0].crash()
    hub.clock.advance(10)
    assert fleet.counters.connects == 3
    mine = [
        entry.status
        for entry in hub.journal.calls("devices_SetProperty")
        if entry.input["deviceId"] == fleet.devices[0].device_id
    ]
    assert mine == [200] * 6


def test_a_refused_get_actor_ends_the_connection_and_the_agent_restarts() -> None:
    hub = Hub()
    device = hub.simulate(count=1, journaled=True).devices[0]
    hub.faults.inject("actor_GetActor", kind="Internal", times=1)
    device.crash()
    hub.clock.advance(5)  # connects, is refused, ends the connection
    hub.clock.advance(5)  # restarts
    statuses = [entry.status for entry in hub.journal.calls("actor_GetActor")]
    assert statuses == [200, 500, 200]


def test_a_frontend_sees_the_fleet_over_http_and_moves_it_with_the_clock() -> None:
    hub = Hub()
    fleet = hub.simulate(count=3, profile={"eventsPerHour": 12})
    with http_for(hub) as http:
        response = http.post(ACTION + "projects_QueryDevices", json={"projectId": fleet.project_id})
        assert response.status_code == 200
        assert all(d["isConnected"] for d in response.json()["devices"])
        fleet.devices[0].go_offline()
        moved = http.post("/_fake/clock", json={"advanceSecs": 3600})
        assert moved.status_code == 200
        devices = http.post(
            ACTION + "projects_QueryDevices", json={"projectId": fleet.project_id}
        ).json()["devices"]
        assert sum(d["isConnected"] for d in devices) == 2
        events = http.post(
            ACTION + "devices_QueryEvents", json={"deviceId": fleet.devices[1].device_id}
        ).json()["events"]
        assert len(events) == fleet.devices[1].events_sent > 0
