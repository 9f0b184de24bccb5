"""The README's fixture example, as a test."""

from nexigon_fake import Hub


def test_showcase_fixture() -> None:
    hub = Hub(fixture="showcase")
    devices = hub.projects.query_devices(project_id=hub.fixture.projects["gateways"]).devices
    status = {device.device_id: device.status for device in devices}

    assert status[hub.fixture.devices["gw-healthy"]] == "healthy"
    assert status[hub.fixture.devices["gw-degraded"]] == "warning"
    assert status[hub.fixture.devices["gw-offline"]] == "offline"
