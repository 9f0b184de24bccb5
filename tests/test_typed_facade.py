"""``hub.<namespace>.<verb>(...)`` has real signatures: mypy checks this module (a regression
to ``(**fields: Any) -> Any`` fails ``assert_type`` and leaves the ``type: ignore``s unused,
which strict mypy reports), and the same calls behave so at run time."""

from __future__ import annotations

from typing import assert_type

import pytest

from nexigon_fake import Hub
from nexigon_fake.ids import device_fingerprint
from nexigon_fake.wire.devices import GetDeviceDetailsOutput, SetDevicePropertyOutput
from nexigon_fake.wire.projects import CreateProjectOutput


def test_facade_calls_are_typed_by_their_wire_structs():
    hub = Hub()
    project = hub.projects.create(organization_id=hub.default_organization_id, name="p")
    assert_type(project, CreateProjectOutput)
    device = hub.devices.create(project_id=project.project_id, fingerprint=device_fingerprint(1))
    details = hub.devices.get_details(device_id=device.device_id)
    assert_type(details, GetDeviceDetailsOutput)
    written = hub.devices.set_property(device_id=device.device_id, name="a", value=1)
    assert_type(written, SetDevicePropertyOutput)
    assert details.device_id == device.device_id


def test_a_misspelled_keyword_is_refused_by_mypy_and_at_run_time():
    hub = Hub()
    with pytest.raises(TypeError, match="nme"):
        hub.devices.set_property(device_id="d_x", nme="a", value=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        hub.devices.get_details()  # type: ignore[call-arg]
