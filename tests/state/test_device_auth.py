"""Devices over HTTP: deployment token + fingerprint + client certificate (D14, §3.2, §9)."""

from __future__ import annotations

from typing import Any

from nexigon_fake import Hub

from .helpers import (
    add_certificate,
    details,
    fingerprint,
    make_pem,
    make_project,
    make_token,
    project_audit,
    project_device,
    raises,
)


def whoami(hub: Hub, secret: str, fp: str, cert: str | None = None) -> dict[str, Any]:
    return hub.invoke("actor_GetActor", {}, secret, device_fingerprint=fp, client_cert=cert)[
        "actor"
    ]


def setup(hub: Hub, auto_accept: bool | None = None) -> tuple[str, str, str]:
    project = make_project(hub)
    token_id, secret = make_token(hub, project, auto_accept=auto_accept)
    return project, token_id, secret


def test_first_sight_creates_device_in_token_project(hub: Hub) -> None:
    project, token_id, secret = setup(hub)
    fp = fingerprint()
    hub.clock.advance(3)
    actor = whoami(hub, secret, fp)
    assert actor == {"actor": "Device", "deviceId": actor["deviceId"], "tokenId": token_id}
    device = actor["deviceId"]
    info = details(hub, device)
    assert info["projectId"] == project
    assert info["fingerprintId"] == "d_pk_" + fp[len("d_sk_") :][:22]
    assert info["certificates"] == []
    assert project_device(hub, project, device)["firstSeen"] == "2026-05-04T07:00:03Z"


def test_first_sight_is_audited_with_the_device_as_actor(hub: Hub) -> None:
    project, token_id, secret = setup(hub)
    device = whoami(hub, secret, fingerprint())["deviceId"]
    event = project_audit(hub, project)[0]
    assert event["event"] == "devices_Created"
    assert event["data"] == {"deviceId": device, "projectId": project}
    assert event["actor"] == {"actor": "Device", "deviceId": device, "tokenId": token_id}


def test_same_fingerprint_is_the_same_device(hub: Hub) -> None:
    project, _, secret = setup(hub)
    fp = fingerprint()
    first = whoami(hub, secret, fp)["deviceId"]
    assert whoami(hub, secret, fp)["deviceId"] == first
    assert whoami(hub, secret, fingerprint())["deviceId"] != first
    assert hub.invoke("projects_GetDetails", {"projectId": project})["deviceCount"] == 2


def test_device_created_by_action_is_found_by_fingerprint(hub: Hub) -> None:
    project, _, secret = setup(hub)
    fp = fingerprint()
    device = hub.invoke("devices_Create", {"projectId": project, "fingerprint": fp})["deviceId"]
    assert whoami(hub, secret, fp)["deviceId"] == device


def test_same_fingerprint_through_two_projects_is_two_devices(hub: Hub) -> None:
    _, _, first_secret = setup(hub)
    _, _, second_secret = setup(hub)
    fp = fingerprint()
    first = whoami(hub, first_secret, fp)["deviceId"]
    second = whoami(hub, second_secret, fp)["deviceId"]
    assert first != second


def test_certificate_pending_without_auto_accept(hub: Hub) -> None:
    project, token_id, secret = setup(hub)
    fp = fingerprint()
    cert, cert_fp = make_pem()
    error = raises("Forbidden", 403, whoami, hub, secret, fp, cert)
    assert "Pending" in error.message
    (device,) = [d["deviceId"] for d in hub.invoke("devices_Query", {})["devices"]]
    (certificate,) = details(hub, device)["certificates"]
    assert (certificate["status"], certificate["fingerprint"]) == ("Pending", cert_fp)
    assert certificate["certificateId"] in error.message
    assert project_device(hub, project, device)["pendingCertificatesCount"] == 1
    added = project_audit(hub, project)[0]
    assert added["event"] == "devices_CertificateAdded"
    assert added["data"]["status"] == "Pending"
    assert added["actor"] == {"actor": "Device", "deviceId": device, "tokenId": token_id}
    # Still pending on the next attempt; admitted once an operator accepts it.
    raises("Forbidden", 403, whoami, hub, secret, fp, cert)
    assert len(details(hub, device)["certificates"]) == 1
    hub.invoke(
        "devices_SetCertificateStatus",
        {"certificateId": certificate["certificateId"], "status": "Active"},
    )
    assert whoami(hub, secret, fp, cert)["deviceId"] == device


def test_explicit_auto_accept_false_is_pending(hub: Hub) -> None:
    _, _, secret = setup(hub, auto_accept=False)
    cert, _ = make_pem()
    error = raises("Forbidden", 403, whoami, hub, secret, fingerprint(), cert)
    assert "Pending" in error.message


def test_certificate_active_with_auto_accept(hub: Hub) -> None:
    _, _, secret = setup(hub, auto_accept=True)
    fp = fingerprint()
    cert, cert_fp = make_pem()
    device = whoami(hub, secret, fp, cert)["deviceId"]
    (certificate,) = details(hub, device)["certificates"]
    assert (certificate["status"], certificate["fingerprint"]) == ("Active", cert_fp)
    assert whoami(hub, secret, fp, cert)["deviceId"] == device
    assert len(details(hub, device)["certificates"]) == 1


def test_flag_change_affects_only_new_certificates(hub: Hub) -> None:
    _, token_id, secret = setup(hub)
    fp = fingerprint()
    old_cert, _ = make_pem()
    raises("Forbidden", 403, whoami, hub, secret, fp, old_cert)
    hub.invoke(
        "projects_SetDeploymentTokenFlags", {"tokenId": token_id, "flags": {"autoAccept": True}}
    )
    error = raises("Forbidden", 403, whoami, hub, secret, fp, old_cert)
    assert "Pending" in error.message
    new_cert, _ = make_pem()
    device = whoami(hub, secret, fp, new_cert)["deviceId"]
    statuses = [c["status"] for c in details(hub, device)["certificates"]]
    assert statuses == ["Pending", "Active"]


def test_certificate_leaving_active_is_refused(hub: Hub) -> None:
    _, _, secret = setup(hub, auto_accept=True)
    fp = fingerprint()
    cert, _ = make_pem()
    device = whoami(hub, secret, fp, cert)["deviceId"]
    certificate = details(hub, device)["certificates"][0]["certificateId"]
    for status in ["Revoked", "Rejected", "Conflict", "Pending"]:
        hub.invoke("devices_SetCertificateStatus", {"certificateId": certificate, "status": status})
        error = raises("Forbidden", 403, whoami, hub, secret, fp, cert)
        assert status in error.message


def test_certificate_added_by_operator_is_honoured(hub: Hub) -> None:
    project, _, secret = setup(hub)
    fp = fingerprint()
    cert, cert_fp = make_pem()
    device = hub.invoke("devices_Create", {"projectId": project, "fingerprint": fp})["deviceId"]
    add_certificate(hub, device, cert_fp, "Active")
    assert whoami(hub, secret, fp, cert)["deviceId"] == device


def test_same_certificate_on_two_devices_denies_both(hub: Hub) -> None:
    _, _, secret = setup(hub, auto_accept=True)
    first_fp, second_fp = fingerprint(), fingerprint()
    cert, _ = make_pem()
    first = whoami(hub, secret, first_fp, cert)["deviceId"]
    error = raises("Forbidden", 403, whoami, hub, secret, second_fp, cert)
    assert "Conflict" in error.message
    error = raises("Forbidden", 403, whoami, hub, secret, first_fp, cert)
    assert "Conflict" in error.message
    devices = [d["deviceId"] for d in hub.invoke("devices_Query", {})["devices"]]
    assert devices[0] == first
    for device in devices:
        assert [c["status"] for c in details(hub, device)["certificates"]] == ["Conflict"]


def test_deleted_deployment_token_is_401_but_device_stays(hub: Hub) -> None:
    _, token_id, secret = setup(hub)
    fp = fingerprint()
    device = whoami(hub, secret, fp)["deviceId"]
    hub.invoke("projects_DeleteDeploymentToken", {"tokenId": token_id})
    raises("Forbidden", 401, whoami, hub, secret, fp)
    assert details(hub, device)["deviceId"] == device


def test_unknown_deployment_token_is_401_and_creates_nothing(hub: Hub) -> None:
    project, _, _ = setup(hub)
    raises("Forbidden", 401, whoami, hub, "deployment_" + "9" * 66, fingerprint())
    assert hub.invoke("projects_GetDetails", {"projectId": project})["deviceCount"] == 0


def test_other_token_of_same_project_reaches_same_device(hub: Hub) -> None:
    project, _, first = setup(hub)
    second_id, second = make_token(hub, project)
    fp = fingerprint()
    device = whoami(hub, first, fp)["deviceId"]
    assert whoami(hub, second, fp) == {"actor": "Device", "deviceId": device, "tokenId": second_id}


def test_strict_hub_requires_a_certificate() -> None:
    hub = Hub(strict=True)
    _, _, secret = setup(hub, auto_accept=True)
    fp = fingerprint()
    raises("Forbidden", 403, whoami, hub, secret, fp)
    cert, _ = make_pem()
    assert whoami(hub, secret, fp, cert)["actor"] == "Device"


def test_lenient_hub_admits_on_fingerprint_alone(hub: Hub) -> None:
    _, _, secret = setup(hub)
    assert whoami(hub, secret, fingerprint())["actor"] == "Device"


def test_as_device_session_is_the_same_device(hub: Hub) -> None:
    project, _, secret = setup(hub, auto_accept=True)
    fp = fingerprint()
    cert, _ = make_pem()
    device = whoami(hub, secret, fp, cert)["deviceId"]
    session = hub.as_device(secret, fp, cert)
    output = session.devices.set_property(device_id=device, name="a.b", value={"x": 1})
    assert type(output).__name__ == "SetDevicePropertySet"
    found = hub.invoke("devices_GetProperty", {"deviceId": device, "name": "a.b"})
    assert found["value"] == {"x": 1}
    event = project_audit(hub, project)[0]
    assert (event["event"], event["actor"]["actor"]) == ("devices_PropertySet", "Device")


def test_device_reads_but_cannot_write_protected_properties(hub: Hub) -> None:
    _, _, secret = setup(hub, auto_accept=True)
    fp = fingerprint()
    cert, _ = make_pem()
    device = whoami(hub, secret, fp, cert)["deviceId"]
    hub.invoke(
        "devices_SetProperty",
        {"deviceId": device, "name": "cfg.locked", "value": 1, "protected": True},
    )
    creds = {"device_fingerprint": fp, "client_cert": cert}
    found = hub.invoke(
        "devices_GetProperty", {"deviceId": device, "name": "cfg.locked"}, secret, **creds
    )
    assert (found["value"], found["protected"]) == (1, True)
    set_body = {"deviceId": device, "name": "cfg.locked", "value": 2}
    raises("Forbidden", 403, hub.invoke, "devices_SetProperty", set_body, secret, **creds)
    remove_body = {"deviceId": device, "name": "cfg.locked"}
    raises("Forbidden", 403, hub.invoke, "devices_RemoveProperty", remove_body, secret, **creds)
    protect_body = {"deviceId": device, "name": "cfg.new", "value": 1, "protected": True}
    raises("Forbidden", 403, hub.invoke, "devices_SetProperty", protect_body, secret, **creds)
    free_body = {"deviceId": device, "name": "cfg.new", "value": 1}
    assert hub.invoke("devices_SetProperty", free_body, secret, **creds) == {"result": "Set"}
