"""The README's portable-suite example, as a test (runs on the fake here; the same code runs
against an external hub in tests/plugin/test_plugin_portable.py's way)."""


def test_devices_of_a_fresh_project(nexigon_client, nexigon_project_id, nexigon_create_device):
    device = nexigon_create_device(name="gateway")

    response = nexigon_client.post(
        "/api/v1/actions/invoke/projects_QueryDevices", json={"projectId": nexigon_project_id}
    )

    assert [d["deviceId"] for d in response.json()["devices"]] == [device.device_id]
