"""The README's fixture example, as a test."""

from nexigon_fake import Hub


def test_showcase_fixture() -> None:
    hub = Hub(fixture="showcase")
    devices = hub.projects.query_devices(project_id=hub.fixture.projects["gateways"]).devices
    status = {device.device_id: device.status for device in devices}

    assert status[hub.fixture.devices["gw-healthy"]] == "healthy"
    assert status[hub.fixture.devices["gw-degraded"]] == "warning"
    assert status[hub.fixture.devices["gw-offline"]] == "offline"


def test_fleet_fixture() -> None:
    hub = Hub(fixture="fleet-1000")
    counts = [
        hub.projects.get_details(project_id=project_id).device_count
        for project_id in hub.fixture.projects.values()
    ]

    assert sum(counts) == 1000
