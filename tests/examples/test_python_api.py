"""The README's Python API example, as a test."""

from __future__ import annotations

import datetime as dt

from nexigon_fake import Hub
from nexigon_fake.wire.devices import GetDevicePropertyAction, GetDevicePropertyFound


def test_readme_python_api_example() -> None:
    hub = Hub(seed=0)  # frozen clock at 2026-05-04T07:00:00Z
    project = hub.invoke(
        "projects_Create", {"organizationId": hub.default_organization_id, "name": "p"}
    )
    device = hub.devices.create(project_id=project["projectId"], fingerprint="d_sk_" + "a" * 44)
    hub.devices.set_property(device_id=device.device_id, name="app.config", value={"x": 1})
    hub.clock.advance(60)

    assert hub.clock.now() == dt.datetime(2026, 5, 4, 7, 1, tzinfo=dt.UTC)
    found = hub.execute(GetDevicePropertyAction(device_id=device.device_id, name="app.config"))
    assert isinstance(found, GetDevicePropertyFound)
    assert (found.value, found.version, found.last_updated) == ({"x": 1}, 1, "2026-05-04T07:00:00Z")
