"""Audit log: event names and data (§15 table), actor, ordering, device log (D5, §6.22, §7.12)."""

from __future__ import annotations

import re
from typing import Any

from nexigon_fake import Hub

from .helpers import (
    add_certificate,
    admin_actor,
    cert_fingerprint,
    connect,
    device_audit,
    make_device,
    make_project,
    make_repository,
    make_token,
    project_audit,
    set_property,
)

AUDIT_EV = re.compile(r"^audit_ev_\d{8}-\d{4}-[1-9A-HJ-NP-Za-km-z]{8}$")
AUDIT_ACT = re.compile(r"^audit_act_\d{8}-\d{4}-[1-9A-HJ-NP-Za-km-z]{8}$")


def newest(hub: Hub, project: str) -> dict[str, Any]:
    return project_audit(hub, project)[0]


def names(events: list[dict[str, Any]]) -> list[str]:
    return [e["event"] for e in events]


def test_project_created_event(hub: Hub) -> None:
    project = make_project(hub)
    (event,) = project_audit(hub, project)
    assert event["event"] == "projects_Created"
    assert event["data"] == {"projectId": project}
    assert event["actor"] == admin_actor(hub)
    assert event["createdAt"] == "2026-05-04T07:00:00Z"
    assert AUDIT_EV.match(event["eventId"])
    assert event["eventId"].startswith("audit_ev_20260504-0700-")
    assert AUDIT_ACT.match(event["action"]["actionId"])
    assert "job" not in event


def test_project_events_names_and_data(hub: Hub) -> None:
    project = make_project(hub)
    hub.invoke("projects_SetName", {"projectId": project, "name": "renamed"})
    assert newest(hub, project)["event"] == "projects_NameChanged"
    assert newest(hub, project)["data"] == {"projectId": project, "name": "renamed"}

    token_id, _ = make_token(hub, project, auto_accept=True)
    assert newest(hub, project)["event"] == "projects_DeploymentTokenCreated"
    assert newest(hub, project)["data"] == {
        "projectId": project,
        "tokenId": token_id,
        "flags": {"autoAccept": True},
    }
    plain, _ = make_token(hub, project)
    assert newest(hub, project)["data"]["flags"] == {}

    hub.invoke("projects_SetDeploymentTokenFlags", {"tokenId": token_id, "flags": {}})
    assert newest(hub, project)["event"] == "projects_DeploymentTokenFlagsChanged"
    assert newest(hub, project)["data"] == {"projectId": project, "tokenId": token_id, "flags": {}}
    hub.invoke(
        "projects_SetDeploymentTokenFlags", {"tokenId": token_id, "flags": {"autoAccept": False}}
    )
    assert newest(hub, project)["data"]["flags"] == {"autoAccept": False}

    hub.invoke("projects_DeleteDeploymentToken", {"tokenId": plain})
    assert newest(hub, project)["event"] == "projects_DeploymentTokenDeleted"
    assert newest(hub, project)["data"] == {"projectId": project, "tokenId": plain}

    repository = make_repository(hub)
    hub.invoke("projects_LinkRepository", {"projectId": project, "repositoryId": repository})
    assert newest(hub, project)["event"] == "projects_RepositoryAdded"
    assert newest(hub, project)["data"] == {"projectId": project, "repositoryId": repository}
    hub.invoke("projects_UnlinkRepository", {"projectId": project, "repositoryId": repository})
    assert newest(hub, project)["event"] == "projects_RepositoryRemoved"
    assert newest(hub, project)["data"] == {"projectId": project, "repositoryId": repository}


def test_device_events_names_and_data(hub: Hub) -> None:
    project = make_project(hub)
    device = make_device(hub, project)
    assert newest(hub, project)["event"] == "devices_Created"
    assert newest(hub, project)["data"] == {"deviceId": device, "projectId": project}

    hub.invoke("devices_SetName", {"deviceId": device, "name": "kiosk"})
    assert newest(hub, project)["event"] == "devices_NameChanged"
    assert newest(hub, project)["data"] == {
        "projectId": project,
        "deviceId": device,
        "name": "kiosk",
    }
    hub.invoke("devices_SetName", {"deviceId": device, "name": None})
    assert newest(hub, project)["data"] == {"projectId": project, "deviceId": device}

    set_property(hub, device, "a.b", 1)
    assert newest(hub, project)["event"] == "devices_PropertySet"
    assert newest(hub, project)["data"] == {
        "projectId": project,
        "deviceId": device,
        "propertyName": "a.b",
    }
    hub.invoke("devices_RemoveProperty", {"deviceId": device, "name": "a.b"})
    assert newest(hub, project)["event"] == "devices_PropertyRemoved"
    assert newest(hub, project)["data"] == {
        "projectId": project,
        "deviceId": device,
        "propertyName": "a.b",
    }

    certificate = add_certificate(hub, device, cert_fingerprint(), "Active")
    assert newest(hub, project)["event"] == "devices_CertificateAdded"
    assert newest(hub, project)["data"] == {
        "projectId": project,
        "deviceId": device,
        "certificateId": certificate,
        "status": "Active",
    }
    hub.invoke("devices_SetCertificateStatus", {"certificateId": certificate, "status": "Revoked"})
    assert newest(hub, project)["event"] == "devices_CertificateStatusChanged"
    assert newest(hub, project)["data"] == {
        "projectId": project,
        "deviceId": device,
        "certificateId": certificate,
        "status": "Revoked",
    }
    hub.invoke("devices_DeleteCertificate", {"certificateId": certificate})
    assert newest(hub, project)["event"] == "devices_CertificateDeleted"
    assert newest(hub, project)["data"] == {
        "projectId": project,
        "deviceId": device,
        "certificateId": certificate,
    }

    hub.invoke("devices_Delete", {"deviceId": device})
    assert newest(hub, project)["event"] == "devices_Deleted"
    assert newest(hub, project)["data"] == {"deviceId": device, "projectId": project}


def test_failed_and_no_op_writes_are_not_audited(hub: Hub) -> None:
    project = make_project(hub)
    device = make_device(hub, project)
    set_property(hub, device, "a.b", 1)
    before = project_audit(hub, project)
    set_property(hub, device, "a.b", 2, expectedVersion=5)
    set_property(hub, device, "x.y", 2, expectedVersion=1)
    hub.invoke("devices_RemoveProperty", {"deviceId": device, "name": "x.y"})
    connect(hub, device)
    hub.invoke("devices_QueryProperties", {"deviceId": device})
    assert project_audit(hub, project) == before


def test_actor_is_the_caller(hub: Hub) -> None:
    project = make_project(hub)
    org_token = hub.create_organization_api_token(hub.default_organization_id)
    user_id, user_token = hub.create_user(
        "member@example.com", organization_id=hub.default_organization_id
    )
    hub.invoke(
        "devices_Create", {"projectId": project, "fingerprint": "d_sk_" + "7" * 44}, org_token
    )
    org_actor = hub.invoke("actor_GetActor", {}, org_token)["actor"]
    assert newest(hub, project)["actor"] == org_actor
    assert org_actor["actor"] == "OrganizationApiToken"
    device = newest(hub, project)["data"]["deviceId"]
    hub.invoke("devices_SetName", {"deviceId": device, "name": "n"}, user_token)
    actor = newest(hub, project)["actor"]
    assert actor["actor"] == "UserToken"
    assert actor["userId"] == user_id


def test_newest_first_by_created_at(hub: Hub) -> None:
    project = make_project(hub)
    hub.clock.advance(60)
    device = make_device(hub, project)
    hub.clock.advance(60)
    set_property(hub, device, "a.b", 1)
    events = project_audit(hub, project)
    assert names(events) == ["devices_PropertySet", "devices_Created", "projects_Created"]
    assert [e["createdAt"] for e in events] == [
        "2026-05-04T07:02:00Z",
        "2026-05-04T07:01:00Z",
        "2026-05-04T07:00:00Z",
    ]
    assert events[0]["eventId"].startswith("audit_ev_20260504-0702-")


def test_ties_newest_recorded_first(hub: Hub) -> None:
    project = make_project(hub)
    device = make_device(hub, project)
    for index in range(5):
        set_property(hub, device, f"p.n{index}", index)
    data = [e["data"].get("propertyName") for e in project_audit(hub, project)]
    assert data == ["p.n4", "p.n3", "p.n2", "p.n1", "p.n0", None, None]


def test_events_of_one_action_share_an_action_id_and_actions_differ(hub: Hub) -> None:
    project = make_project(hub)
    first, second = make_device(hub, project), make_device(hub, project)
    fp = cert_fingerprint()
    add_certificate(hub, first, fp)
    add_certificate(hub, second, fp)  # adds one and puts the other in conflict
    events = project_audit(hub, project)
    assert names(events[:2]) == ["devices_CertificateStatusChanged", "devices_CertificateAdded"]
    assert events[0]["action"] == events[1]["action"]
    assert events[2]["action"] != events[0]["action"]
    assert events[0]["data"]["deviceId"] == first
    assert events[0]["data"]["status"] == "Conflict"


def test_project_log_contains_only_its_project(hub: Hub) -> None:
    project, other = make_project(hub, "a"), make_project(hub, "b")
    make_device(hub, other)
    assert names(project_audit(hub, project)) == ["projects_Created"]


def test_project_deleted_is_recorded_but_attached_to_no_project(hub: Hub) -> None:
    project = make_project(hub)
    make_device(hub, project)
    hub.invoke("projects_Delete", {"projectId": project})
    records = [r for r in hub.store.audit if r.event == "projects_Deleted"]
    assert len(records) == 1
    assert records[0].data == {"projectId": project}
    assert records[0].project_id is None
    # The project's own events stay recorded (the log is immutable).
    kept = [r.event for r in hub.store.audit if r.data.get("projectId") == project]
    assert kept == ["projects_Created", "devices_Created", "projects_Deleted"]


def test_device_audit_log_is_the_device_subset_newest_first(hub: Hub) -> None:
    project = make_project(hub)
    device, other = make_device(hub, project), make_device(hub, project)
    hub.invoke("devices_SetName", {"deviceId": device, "name": "n"})
    set_property(hub, other, "a.b", 1)
    set_property(hub, device, "a.b", 1)
    certificate = add_certificate(hub, device, cert_fingerprint())
    hub.invoke("devices_SetCertificateStatus", {"certificateId": certificate, "status": "Active"})
    hub.invoke("devices_DeleteCertificate", {"certificateId": certificate})
    hub.invoke("devices_RemoveProperty", {"deviceId": device, "name": "a.b"})
    make_token(hub, project)
    events = device_audit(hub, device)
    assert names(events) == [
        "devices_PropertyRemoved",
        "devices_CertificateDeleted",
        "devices_CertificateStatusChanged",
        "devices_CertificateAdded",
        "devices_PropertySet",
        "devices_NameChanged",
        "devices_Created",
    ]
    assert all(e["data"]["deviceId"] == device for e in events)
    project_events = project_audit(hub, project)
    assert [e for e in project_events if e["data"].get("deviceId") == device] == events
