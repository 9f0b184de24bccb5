"""The README's control-plane examples, as tests."""

import pytest

from nexigon_fake import Hub, RateLimitedError


def test_snapshots() -> None:
    hub = Hub()
    hub.invoke("projects_Create", {"organizationId": hub.default_organization_id, "name": "a"})
    saved = hub.snapshot()

    hub.invoke("projects_Create", {"organizationId": hub.default_organization_id, "name": "b"})
    hub.restore(saved)

    assert [p.name for p in hub.projects.query().projects] == ["a"]
    other = Hub(seed=99)
    other.restore(saved)  # any hub can take it, and carries on exactly as this one would
    assert other.snapshot() == saved


def test_journal() -> None:
    hub = Hub()
    hub.invoke("projects_Create", {"organizationId": hub.default_organization_id, "name": "a"})

    [entry] = hub.journal.assert_called("projects_Create", times=1, where={"name": "a"})
    assert entry.status == 200 and entry.output["result"] == "Created"
    hub.journal.assert_not_called("projects_Delete")


def test_faults() -> None:
    hub = Hub()
    hub.faults.inject("projects_Create", kind="RateLimited", times=1)

    with pytest.raises(RateLimitedError):
        hub.invoke("projects_Create", {"organizationId": hub.default_organization_id, "name": "a"})
    hub.invoke("projects_Create", {"organizationId": hub.default_organization_id, "name": "a"})


def test_time() -> None:
    hub = Hub()
    device_id = hub.devices.create(
        project_id=hub.invoke(
            "projects_Create", {"organizationId": hub.default_organization_id, "name": "p"}
        )["projectId"],
        fingerprint="d_sk_" + "a" * 44,
    ).device_id
    token = hub.devices.issue_device_token(device_id=device_id, valid_for_secs=60).jwt

    hub.clock.advance(61)

    assert hub.invoke("devices_ValidateDeviceToken", {"jwt": token}) == {"result": "Invalid"}


def test_reset_to_a_baseline() -> None:
    hub = Hub(seed=1)
    hub.invoke("projects_Create", {"organizationId": hub.default_organization_id, "name": "kept"})
    hub.set_baseline()
    hub.invoke("projects_Create", {"organizationId": hub.default_organization_id, "name": "gone"})

    hub.reset()

    assert len(hub.journal) == 0
    assert [p.name for p in hub.projects.query().projects] == ["kept"]
