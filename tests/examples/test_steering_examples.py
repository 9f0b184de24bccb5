"""The README's examples of checked journal assertions, fault answers and hooks, as tests."""

import pytest

from nexigon_fake import Hub, InjectedResponseError, InvalidError, RateLimitedError


def test_checked_journal_assertions() -> None:
    hub = Hub()

    with pytest.raises(InvalidError, match="did you mean `projects_Create`"):
        hub.journal.assert_not_called("projects_Creat")
    with pytest.raises(InvalidError, match="the input of `projects_Create` has organizationId"):
        hub.journal.assert_not_called("projects_Create", where={"nmae": "a"})


def test_fault_answers() -> None:
    hub = Hub()
    create = {"organizationId": hub.default_organization_id, "name": "a"}
    hub.faults.inject("projects_Create", status=429, headers={"Retry-After": "30"})
    hub.faults.inject("projects_Query", status=503, body={"maintenance": True})

    with pytest.raises(RateLimitedError) as limited:
        hub.invoke("projects_Create", create)
    assert limited.value.headers == {"Retry-After": "30"}
    with pytest.raises(InjectedResponseError) as unavailable:
        hub.invoke("projects_Query", {})
    assert (unavailable.value.status, unavailable.value.body) == (503, {"maintenance": True})
    hub.faults.assert_all_fired()


def test_hooks() -> None:
    hub = Hub()
    project = hub.projects.create(organization_id=hub.default_organization_id, name="p")
    device = hub.devices.create(project_id=project.project_id, fingerprint="d_sk_" + "a" * 44)
    mode = {"deviceId": device.device_id, "name": "mode"}
    hub.invoke("devices_SetProperty", {**mode, "value": "eco"})
    version = hub.invoke("devices_GetProperty", mode)["version"]

    hub.hooks.before(
        "devices_SetProperty",
        lambda call: hub.invoke("devices_SetProperty", {**mode, "value": "max"}),
        times=1,
        where={"value": "off"},
    )
    answer = hub.invoke("devices_SetProperty", {**mode, "value": "off", "expectedVersion": version})

    assert answer == {"result": "VersionConflict", "currentVersion": version + 1}  # "max" won
