"""The README's pytest plugin example, as tests (the plugin is active in this suite)."""

import pytest


def test_renaming_a_device(nexigon_hub, nexigon_client):
    created = nexigon_hub.invoke(
        "projects_Create", {"organizationId": nexigon_hub.default_organization_id, "name": "p"}
    )
    device = nexigon_hub.devices.create(
        project_id=created["projectId"], fingerprint="d_sk_" + "a" * 44
    )

    response = nexigon_client.post(  # what your code under test would send
        "/api/v1/actions/invoke/devices_SetName",
        json={"deviceId": device.device_id, "name": "gateway"},
    )

    assert response.status_code == 200
    nexigon_hub.journal.assert_called("devices_SetName", times=1, where={"name": "gateway"})


@pytest.mark.nexigon(seed=7, now="2030-01-01T00:00:00Z", fixture="showcase", strict=True)
def test_with_ready_made_devices(nexigon_hub):
    device_id = nexigon_hub.fixture.devices["gw-degraded"]
    details = nexigon_hub.devices.get_details(device_id=device_id)
    assert details.is_connected
    assert nexigon_hub.clock.now().year == 2030
