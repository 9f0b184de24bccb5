"""Projects: details, derived device status, queries and delete cascades (§7, §8, D8, D9)."""

from __future__ import annotations

from typing import Any

import pytest

from nexigon_fake import ActionError, Hub

from .helpers import (
    add_certificate,
    cert_fingerprint,
    connect,
    details,
    disconnect,
    event_id,
    fingerprint,
    make_device,
    make_project,
    make_repository,
    make_token,
    project_device,
    raises,
    set_property,
)

HEALTH = "dev.nexigon.system.health"
INFO = "dev.nexigon.system.info"
COMMANDS = "dev.nexigon.commands"


def project_details(hub: Hub, project: str) -> dict[str, Any]:
    return hub.invoke("projects_GetDetails", {"projectId": project})


def test_create_returns_tagged_result_and_empty_project(hub: Hub) -> None:
    output = hub.invoke(
        "projects_Create", {"organizationId": hub.default_organization_id, "name": "Fleet"}
    )
    assert output["result"] == "Created"
    project = output["projectId"]
    assert project_details(hub, project) == {
        "projectId": project,
        "name": "Fleet",
        "deviceCount": 0,
    }
    assert hub.invoke("projects_QueryDevices", {"projectId": project}) == {"devices": []}
    assert hub.invoke("projects_QueryDeploymentTokens", {"projectId": project}) == {"tokens": []}
    assert hub.invoke("projects_QueryLinkedRepositories", {"projectId": project}) == {
        "repositories": []
    }


def test_create_in_unknown_organization_is_not_found(hub: Hub) -> None:
    payload = {"organizationId": "org_" + "3" * 22, "name": "x"}
    raises("Forbidden", 404, hub.invoke, "projects_Create", payload)


def test_project_names_1_to_128_and_not_unique(hub: Hub) -> None:
    org = hub.default_organization_id
    for bad in ["", "x" * 129]:
        raises("Invalid", 400, hub.invoke, "projects_Create", {"organizationId": org, "name": bad})
    first, second = make_project(hub, "same"), make_project(hub, "same")
    assert first != second
    raises("Invalid", 400, hub.invoke, "projects_SetName", {"projectId": first, "name": ""})
    hub.invoke("projects_SetName", {"projectId": first, "name": "y" * 128})
    assert project_details(hub, first)["name"] == "y" * 128


def test_set_name_renames(hub: Hub) -> None:
    project = make_project(hub, "old")
    assert hub.invoke("projects_SetName", {"projectId": project, "name": "new"}) == {}
    assert project_details(hub, project)["name"] == "new"
    assert {"projectId": project, "name": "new"} in hub.invoke("projects_Query", {})["projects"]


def test_query_lists_projects_in_creation_order(hub: Hub) -> None:
    ids = [make_project(hub, f"p{i}") for i in range(3)]
    listed = hub.invoke("projects_Query", {})["projects"]
    assert [p["projectId"] for p in listed] == ids
    assert listed[0] == {"projectId": ids[0], "name": "p0"}


def test_device_count_counts_every_device(hub: Hub) -> None:
    project = make_project(hub)
    devices = [make_device(hub, project) for _ in range(3)]
    add_certificate(hub, devices[0], cert_fingerprint(), "Rejected")
    connect(hub, devices[1])
    assert project_details(hub, project)["deviceCount"] == 3
    hub.invoke("devices_Delete", {"deviceId": devices[2]})
    assert project_details(hub, project)["deviceCount"] == 2
    assert project_details(hub, make_project(hub))["deviceCount"] == 0


def test_query_devices_item_for_a_fresh_device(hub: Hub) -> None:
    project = make_project(hub)
    hub.clock.advance(2.25)
    device = make_device(hub, project)
    hub.clock.advance(60)
    assert project_device(hub, project, device) == {
        "deviceId": device,
        "firstSeen": "2026-05-04T07:00:02.25Z",
        "status": "offline",
        "isConnected": False,
        "pendingCertificatesCount": 0,
    }


def test_query_devices_lists_in_creation_order_with_name(hub: Hub) -> None:
    project = make_project(hub)
    devices = [make_device(hub, project) for _ in range(3)]
    hub.invoke("devices_SetName", {"deviceId": devices[1], "name": "kiosk"})
    items = hub.invoke("projects_QueryDevices", {"projectId": project})["devices"]
    assert [i["deviceId"] for i in items] == devices
    assert items[1]["name"] == "kiosk"
    assert "name" not in items[0]


def test_status_offline_when_not_connected_whatever_the_health(hub: Hub) -> None:
    project = make_project(hub)
    device = make_device(hub, project)
    set_property(hub, device, HEALTH, {"status": "error"})
    assert project_device(hub, project, device)["status"] == "offline"


def test_status_maps_health_when_connected(hub: Hub) -> None:
    project = make_project(hub)
    device = make_device(hub, project)
    connect(hub, device)
    cases = [
        ({"status": "healthy"}, "healthy"),
        ({"status": "degraded"}, "warning"),
        ({"status": "error"}, "error"),
    ]
    for value, status in cases:
        set_property(hub, device, HEALTH, value)
        assert project_device(hub, project, device)["status"] == status


def test_connected_device_with_missing_or_unreadable_health_is_healthy(hub: Hub) -> None:
    project = make_project(hub)
    device = make_device(hub, project)
    connect(hub, device)
    assert project_device(hub, project, device)["status"] == "healthy"
    for value in [None, "degraded", {"status": "broken"}, {"status": 1}, {}, ["degraded"]]:
        set_property(hub, device, HEALTH, value)
        assert project_device(hub, project, device)["status"] == "healthy", value


def test_status_goes_offline_after_disconnect(hub: Hub) -> None:
    project = make_project(hub)
    device = make_device(hub, project)
    set_property(hub, device, HEALTH, {"status": "degraded"})
    conn = connect(hub, device)
    assert project_device(hub, project, device)["status"] == "warning"
    disconnect(hub, conn)
    assert project_device(hub, project, device)["status"] == "offline"


def test_hostname_from_system_info(hub: Hub) -> None:
    project = make_project(hub)
    device = make_device(hub, project)
    assert "hostname" not in project_device(hub, project, device)
    set_property(hub, device, INFO, {"hostname": "rpi-lab-1", "arch": "arm64"})
    assert project_device(hub, project, device)["hostname"] == "rpi-lab-1"
    value: Any
    for value in ["rpi-lab-1", {"hostname": 7}, {"hostname": None}, {"name": "x"}, None, []]:
        set_property(hub, device, INFO, value)
        assert "hostname" not in project_device(hub, project, device), value


def test_derived_connection_fields_in_project_listing(hub: Hub) -> None:
    project = make_project(hub)
    device = make_device(hub, project)
    connect(hub, device)
    hub.clock.advance(42)
    item = project_device(hub, project, device)
    assert item["isConnected"] is True
    assert item["lastConnectedAt"] == "2026-05-04T07:00:00Z"
    assert item["currentConnectionDurationSecs"] == 42


def test_pending_certificates_count_in_listing(hub: Hub) -> None:
    project = make_project(hub)
    device = make_device(hub, project)
    add_certificate(hub, device, cert_fingerprint())
    add_certificate(hub, device, cert_fingerprint(), "Active")
    assert project_device(hub, project, device)["pendingCertificatesCount"] == 1


def test_command_manifest_is_derived_from_property(hub: Hub) -> None:
    project = make_project(hub)
    device = make_device(hub, project)
    query = {"deviceId": device}
    assert hub.invoke("devices_QueryCommands", query) == {"manifest": {"commands": []}}
    manifest = {"commands": [{"name": "reboot", "description": "Reboot the device"}]}
    set_property(hub, device, COMMANDS, manifest)
    assert hub.invoke("devices_QueryCommands", query) == {"manifest": manifest}
    for invalid in [None, "x", {"commands": "x"}, {"commands": [{"description": "no name"}]}]:
        set_property(hub, device, COMMANDS, invalid)
        assert hub.invoke("devices_QueryCommands", query) == {"manifest": {"commands": []}}


def test_duplicate_fingerprint_in_same_project_is_invalid_other_project_ok(hub: Hub) -> None:
    project, other = make_project(hub, "a"), make_project(hub, "b")
    fp = fingerprint()
    make_device(hub, project, fp)
    raises("Invalid", 400, make_device, hub, project, fp)
    assert project_details(hub, project)["deviceCount"] == 1
    assert details(hub, make_device(hub, other, fp))["projectId"] == other


def test_device_fingerprint_id_is_derived(hub: Hub) -> None:
    project = make_project(hub)
    fp = fingerprint()
    device = make_device(hub, project, fp)
    assert details(hub, device)["fingerprintId"] == "d_pk_" + fp[len("d_sk_") :][:22]


def test_delete_device_cascades(hub: Hub) -> None:
    project = make_project(hub)
    device = make_device(hub, project)
    keep = make_device(hub, project)
    fp = cert_fingerprint()
    certificate = add_certificate(hub, device, fp)
    conn = connect(hub, device)
    set_property(hub, device, "a.b", 1)
    assert hub.invoke("devices_Delete", {"deviceId": device}) == {}
    raises("Forbidden", 404, details, hub, device)
    raises("Forbidden", 404, hub.invoke, "devices_QueryEvents", {"deviceId": device})
    raises(
        "Forbidden",
        404,
        hub.invoke,
        "devices_SetCertificateStatus",
        {"certificateId": certificate, "status": "Active"},
    )
    raises(
        "Forbidden",
        404,
        hub.invoke,
        "devices_UnregisterConnection",
        {"connectionId": conn, "endReason": "Disconnected"},
    )
    listed = [d["deviceId"] for d in hub.invoke("devices_Query", {})["devices"]]
    assert listed == [keep]
    # The certificate fingerprint is free again: no conflict with the deleted device.
    add_certificate(hub, keep, fp, "Active")
    assert details(hub, keep)["certificates"][0]["status"] == "Active"


def test_delete_project_cascades(hub: Hub) -> None:
    project = make_project(hub, "doomed")
    survivor = make_project(hub, "survivor")
    fp = fingerprint()
    device = make_device(hub, project, fp)
    certificate = add_certificate(hub, device, cert_fingerprint())
    conn = connect(hub, device)
    hub.invoke(
        "devices_PublishEvents",
        {
            "deviceId": device,
            "events": [
                {
                    "eventId": event_id(),
                    "severity": "Info",
                    "body": None,
                    "attributes": {},
                    "emittedAt": "2026-05-04T07:00:00Z",
                }
            ],
        },
    )
    token_id, secret = make_token(hub, project)
    repository = make_repository(hub)
    hub.invoke("projects_LinkRepository", {"projectId": project, "repositoryId": repository})
    hub.invoke("projects_LinkRepository", {"projectId": survivor, "repositoryId": repository})
    hub.invoke(
        "projects_SetOtlpConfig",
        {"projectId": project, "config": {"enabled": True, "endpoint": "https://o", "headers": {}}},
    )

    assert hub.invoke("projects_Delete", {"projectId": project}) == {}

    raises("Forbidden", 404, project_details, hub, project)
    raises("Forbidden", 404, hub.invoke, "projects_GetOtlpConfig", {"projectId": project})
    raises("Forbidden", 404, details, hub, device)
    raises(
        "Forbidden",
        404,
        hub.invoke,
        "devices_DeleteCertificate",
        {"certificateId": certificate},
    )
    raises(
        "Forbidden",
        404,
        hub.invoke,
        "devices_UnregisterConnection",
        {"connectionId": conn, "endReason": "Disconnected"},
    )
    raises(
        "Forbidden",
        404,
        hub.invoke,
        "projects_SetDeploymentTokenFlags",
        {"tokenId": token_id, "flags": {}},
    )
    raises("Forbidden", 401, hub.invoke, "actor_GetActor", {}, secret, device_fingerprint=fp)
    assert [p["projectId"] for p in hub.invoke("projects_Query", {})["projects"]] == [survivor]
    assert hub.invoke("devices_Query", {}) == {"devices": []}
    # Linked repositories survive, unlinked from the deleted project only.
    linked = hub.invoke("repositories_QueryLinkedProjects", {"repositoryId": repository})
    assert linked == {"projects": [{"projectId": survivor, "name": "survivor"}]}
    # The fingerprint may be used again in another project.
    make_device(hub, survivor, fp)


def test_unknown_project_is_not_found(hub: Hub) -> None:
    missing = "p_" + "4" * 22
    for action in ["projects_GetDetails", "projects_QueryDevices", "projects_Delete"]:
        error = raises("Forbidden", 404, hub.invoke, action, {"projectId": missing})
        assert missing in error.message


def test_devices_query_lists_every_device_in_creation_order(hub: Hub) -> None:
    first_project, second_project = make_project(hub, "a"), make_project(hub, "b")
    created = [
        make_device(hub, second_project),
        make_device(hub, first_project),
        make_device(hub, second_project),
    ]
    listed = hub.invoke("devices_Query", {})["devices"]
    assert [d["deviceId"] for d in listed] == created
    assert [d["projectId"] for d in listed] == [second_project, first_project, second_project]


def test_device_name_set_and_cleared(hub: Hub) -> None:
    project = make_project(hub)
    device, other = make_device(hub, project), make_device(hub, project)
    hub.invoke("devices_SetName", {"deviceId": device, "name": "kiosk"})
    hub.invoke("devices_SetName", {"deviceId": other, "name": "kiosk"})  # names need not be unique
    assert details(hub, device)["name"] == "kiosk"
    hub.invoke("devices_SetName", {"deviceId": device, "name": None})
    assert "name" not in details(hub, device)
    hub.invoke("devices_SetName", {"deviceId": other})
    assert "name" not in project_device(hub, project, other)
    for bad in ["", "n" * 129]:
        raises("Invalid", 400, hub.invoke, "devices_SetName", {"deviceId": device, "name": bad})


def test_an_organization_with_an_unknown_admin_is_refused_and_changes_nothing(hub: Hub) -> None:
    """All admins are checked before anything changes: no half-made organization, no id drawn."""
    before = hub.snapshot_json()
    with pytest.raises(ActionError) as raised:
        hub.invoke(
            "organizations_Create",
            {
                "name": "o",
                "admins": [hub.admin_user_id, "u_" + "1" * 22],
                "requiresSubscription": False,
            },
        )
    assert (raised.value.kind, raised.value.status) == ("Forbidden", 404)
    assert hub.snapshot_json() == before
