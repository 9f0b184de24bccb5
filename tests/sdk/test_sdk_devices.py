"""The 23 ``devices_*`` actions through the official SDK against a live fake hub.

Every call goes through ``nexigon_hub_sdk.Client`` over real HTTP to the ``nexigon-fake serve``
process of ``tests/conftest.py``; the SDK's pydantic models parse every response, and the values
are checked against SEMANTICS.md (Part I decisions, Part II §6, §8-§13, §15).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from nexigon_hub_sdk.api_types import actor, devices, projects, properties

pytestmark = pytest.mark.sdk

B58 = "[1-9A-HJ-NP-Za-km-z]"
START = "2026-05-04T07:00:00Z"  # the frozen clock's start
DOMAIN = "nexigon-fake.localhost"


def _details(sdk, device_id):
    output = sdk.execute(devices.GetDeviceDetailsAction(device_id=device_id))
    assert isinstance(output, devices.GetDeviceDetailsOutput)
    return output


def _register(sdk, device_id, n, node=1):
    output = sdk.execute(
        devices.RegisterDeviceConnectionAction(
            device_id=device_id, node_id=sdk.node_id(node), connection_id=sdk.connection_id(n)
        )
    )
    assert isinstance(output, devices.RegisterDeviceConnectionOutput)
    return output.connection_id


def _unregister(sdk, n, reason="Disconnected"):
    output = sdk.execute(
        devices.UnregisterDeviceConnectionAction(
            connection_id=sdk.connection_id(n), end_reason=reason
        )
    )
    assert output.model_dump() == {}


def _set(sdk, device_id, name, value, **fields):
    return sdk.execute(
        devices.SetDevicePropertyAction(device_id=device_id, name=name, value=value, **fields)
    )


def _get(sdk, device_id, name):
    return sdk.execute(devices.GetDevicePropertyAction(device_id=device_id, name=name))


def _event(sdk, n, emitted_at, **fields):
    fields.setdefault("severity", "Info")
    fields.setdefault("body", f"event {n}")
    fields.setdefault("attributes", {})
    return devices.DeviceEvent(event_id=sdk.event_id(n), emitted_at=emitted_at, **fields)


def _publish(sdk, device_id, *events):
    output = sdk.execute(
        devices.PublishDeviceEventsAction(device_id=device_id, events=list(events))
    )
    assert output.model_dump() == {}


def _query_events(sdk, device_id, limit=None):
    output = sdk.execute(devices.QueryDeviceEventsAction(device_id=device_id, limit=limit))
    assert isinstance(output, devices.QueryDeviceEventsOutput)
    return output.events


def _connections(sdk, device_id, **fields):
    output = sdk.execute(devices.QueryDeviceConnectionsAction(device_id=device_id, **fields))
    assert isinstance(output, devices.QueryDeviceConnectionsOutput)
    return output.connections


# devices_Query


def test_query_lists_every_device_with_its_connection_state(sdk):
    empty = sdk.execute(devices.QueryDevicesAction())
    assert isinstance(empty, devices.QueryDevicesOutput)
    assert empty.devices == []

    first_project = sdk.create_project("North")
    second_project = sdk.create_project("South")
    online = sdk.create_device(first_project, 1)
    offline = sdk.create_device(second_project, 2)
    _register(sdk, online, 1)
    sdk.advance(30)

    output = sdk.execute(devices.QueryDevicesAction())
    assert [item.device_id for item in output.devices] == [online, offline]
    first, second = output.devices
    assert isinstance(first, devices.QueryDevicesItem)
    assert first.project_id == first_project
    assert first.is_connected is True
    assert first.last_connected_at == START
    assert first.current_connection_duration_secs == 30
    assert second.project_id == second_project
    assert second.is_connected is False
    assert second.last_connected_at is None
    assert second.current_connection_duration_secs is None

    _unregister(sdk, 1)
    first = sdk.execute(devices.QueryDevicesAction()).devices[0]
    assert first.is_connected is False
    assert first.last_connected_at == START
    assert first.current_connection_duration_secs is None


# devices_GetDetails


def test_get_details_reports_identity_name_certificates_and_open_connections(sdk):
    project_id = sdk.create_project()
    device_id = sdk.create_device(project_id, 7)

    fresh = _details(sdk, device_id)
    assert fresh.device_id == device_id
    assert fresh.project_id == project_id
    assert fresh.fingerprint_id == "d_pk_" + sdk.device_fingerprint(7)[5:27]
    assert fresh.name is None
    assert fresh.is_connected is False
    assert fresh.certificates == []
    assert fresh.connections == []

    sdk.execute(devices.SetDeviceNameAction(device_id=device_id, name="gateway-7"))
    certificate = sdk.execute(
        devices.AddDeviceCertificateAction(
            device_id=device_id, fingerprint=sdk.certificate_fingerprint(1)
        )
    ).certificate_id
    sdk.advance(5)
    _register(sdk, device_id, 1, node=3)
    sdk.advance(12)

    details = _details(sdk, device_id)
    assert details.name == "gateway-7"
    assert details.is_connected is True
    assert len(details.certificates) == 1
    cert = details.certificates[0]
    assert isinstance(cert, devices.DeviceCertificate)
    assert cert.certificate_id == certificate
    assert cert.status.root == "Pending"
    assert cert.fingerprint == sdk.certificate_fingerprint(1)
    assert cert.first_seen == START
    assert len(details.connections) == 1
    connection = details.connections[0]
    assert isinstance(connection, devices.DeviceConnection)
    assert connection.connection_id == sdk.connection_id(1)
    assert connection.node_id == sdk.node_id(3)
    assert connection.connected_at == "2026-05-04T07:00:05Z"
    assert connection.connected_for_secs == 12

    _unregister(sdk, 1)
    ended = _details(sdk, device_id)
    assert ended.is_connected is False
    assert ended.connections == []  # only open connections; history is QueryConnections


def test_get_details_of_an_unknown_device_is_forbidden_404(sdk):
    unknown = "d_" + "B" * 22
    message = sdk.rejects(devices.GetDeviceDetailsAction(device_id=unknown), "Forbidden", 404)
    assert unknown in message


def test_get_details_of_a_malformed_device_id_is_invalid_400(sdk):
    sdk.rejects(devices.GetDeviceDetailsAction(device_id="d_nonexistent"), "Invalid", 400)


# devices_Create


def test_create_makes_a_device_in_the_project(sdk):
    project_id = sdk.create_project()
    output = sdk.execute(
        devices.CreateDeviceAction(project_id=project_id, fingerprint=sdk.device_fingerprint(1))
    )
    assert isinstance(output, devices.CreateDeviceOutput)
    assert re.fullmatch(f"d_{B58}{{22}}", output.device_id)

    count = sdk.execute(projects.GetProjectDetailsAction(project_id=project_id)).device_count
    assert count == 1
    assert sdk.audit_events(project_id)[0] == (
        "devices_Created",
        {"deviceId": output.device_id, "projectId": project_id},
    )
    listed = sdk.execute(projects.QueryProjectDevicesAction(project_id=project_id)).devices
    assert [item.device_id for item in listed] == [output.device_id]
    assert listed[0].first_seen == START


def test_create_rejects_a_fingerprint_already_in_the_project_but_not_in_another(sdk):
    project_id = sdk.create_project("A")
    other_project = sdk.create_project("B")
    sdk.create_device(project_id, 1)

    again = devices.CreateDeviceAction(project_id=project_id, fingerprint=sdk.device_fingerprint(1))
    sdk.rejects(again, "Invalid", 400)
    elsewhere = sdk.create_device(other_project, 1)
    assert _details(sdk, elsewhere).project_id == other_project


def test_create_in_an_unknown_project_is_forbidden_404(sdk):
    action = devices.CreateDeviceAction(
        project_id="p_" + "C" * 22, fingerprint=sdk.device_fingerprint(1)
    )
    sdk.rejects(action, "Forbidden", 404)


# devices_Delete


def test_delete_removes_the_device_and_invalidates_its_tokens(sdk):
    project_id = sdk.create_project()
    device_id = sdk.create_device(project_id, 1)
    keep = sdk.create_device(project_id, 2)
    jwt = sdk.execute(devices.IssueDeviceTokenAction(device_id=device_id)).jwt
    proxy_jwt = sdk.execute(devices.IssueDeviceHttpProxyTokenAction(device_id=device_id)).jwt

    output = sdk.execute(devices.DeleteDeviceAction(device_id=device_id))
    assert output.model_dump() == {}

    sdk.rejects(devices.GetDeviceDetailsAction(device_id=device_id), "Forbidden", 404)
    sdk.rejects(devices.DeleteDeviceAction(device_id=device_id), "Forbidden", 404)
    remaining = sdk.execute(devices.QueryDevicesAction()).devices
    assert [item.device_id for item in remaining] == [keep]
    assert sdk.execute(projects.GetProjectDetailsAction(project_id=project_id)).device_count == 1
    assert isinstance(
        sdk.execute(devices.ValidateDeviceTokenAction(jwt=jwt)),
        devices.ValidateDeviceTokenOutput_Invalid,
    )
    assert isinstance(
        sdk.execute(devices.ValidateDeviceHttpProxyTokenAction(jwt=proxy_jwt)),
        devices.ValidateDeviceHttpProxyTokenOutput_Invalid,
    )
    assert sdk.audit_events(project_id)[0] == (
        "devices_Deleted",
        {"deviceId": device_id, "projectId": project_id},
    )


# devices_SetName


def test_set_name_sets_and_clears_the_name(sdk):
    project_id = sdk.create_project()
    device_id = sdk.create_device(project_id)

    output = sdk.execute(devices.SetDeviceNameAction(device_id=device_id, name="rpi-lab-1"))
    assert output.model_dump() == {}
    assert _details(sdk, device_id).name == "rpi-lab-1"
    listed = sdk.execute(projects.QueryProjectDevicesAction(project_id=project_id)).devices
    assert listed[0].name == "rpi-lab-1"

    sdk.execute(devices.SetDeviceNameAction(device_id=device_id))
    assert _details(sdk, device_id).name is None
    listed = sdk.execute(projects.QueryProjectDevicesAction(project_id=project_id)).devices
    assert listed[0].name is None

    audit = sdk.audit_events(project_id)
    assert audit[0] == ("devices_NameChanged", {"projectId": project_id, "deviceId": device_id})
    assert audit[1] == (
        "devices_NameChanged",
        {"projectId": project_id, "deviceId": device_id, "name": "rpi-lab-1"},
    )


def test_set_name_rejects_empty_and_overlong_names(sdk):
    device_id = sdk.create_device(sdk.create_project())
    sdk.rejects(devices.SetDeviceNameAction(device_id=device_id, name=""), "Invalid", 400)
    too_long = devices.SetDeviceNameAction(device_id=device_id, name="x" * 129)
    sdk.rejects(too_long, "Invalid", 400)
    sdk.execute(devices.SetDeviceNameAction(device_id=device_id, name="x" * 128))
    assert _details(sdk, device_id).name == "x" * 128


# devices_IssueDeviceToken, devices_ValidateDeviceToken


def test_issued_device_token_validates_with_its_claims_until_it_expires(sdk):
    device_id = sdk.create_device(sdk.create_project())
    claims = {"purpose": "backend-login", "scopes": ["read", "write"], "n": 3}

    issued = sdk.execute(devices.IssueDeviceTokenAction(device_id=device_id, claims=claims))
    assert isinstance(issued, devices.IssueDeviceTokenOutput)
    assert re.fullmatch(r"[\w-]+\.[\w-]+\.[\w-]+", issued.jwt)

    valid = sdk.execute(devices.ValidateDeviceTokenAction(jwt=issued.jwt))
    assert isinstance(valid, devices.ValidateDeviceTokenOutput_Valid)
    assert valid.device_id == device_id
    assert valid.claims == claims

    sdk.advance(599)
    still = sdk.execute(devices.ValidateDeviceTokenAction(jwt=issued.jwt))
    assert isinstance(still, devices.ValidateDeviceTokenOutput_Valid)
    sdk.advance(2)  # past the default validity of 600 s
    expired = sdk.execute(devices.ValidateDeviceTokenAction(jwt=issued.jwt))
    assert isinstance(expired, devices.ValidateDeviceTokenOutput_Invalid)
    assert expired.model_dump() == {"result": "Invalid"}


def test_device_token_without_claims_validates_with_null_claims(sdk):
    device_id = sdk.create_device(sdk.create_project())
    jwt = sdk.execute(devices.IssueDeviceTokenAction(device_id=device_id, valid_for_secs=60)).jwt

    valid = sdk.execute(devices.ValidateDeviceTokenAction(jwt=jwt))
    assert isinstance(valid, devices.ValidateDeviceTokenOutput_Valid)
    assert valid.device_id == device_id
    assert valid.claims is None

    sdk.advance(61)
    assert isinstance(
        sdk.execute(devices.ValidateDeviceTokenAction(jwt=jwt)),
        devices.ValidateDeviceTokenOutput_Invalid,
    )


def test_validate_device_token_rejects_garbage_tampering_and_proxy_tokens(sdk):
    device_id = sdk.create_device(sdk.create_project())
    jwt = sdk.execute(devices.IssueDeviceTokenAction(device_id=device_id)).jwt
    header, payload, signature = jwt.split(".")
    tampered = f"{header}.{payload}.{signature[::-1]}"
    proxy_jwt = sdk.execute(devices.IssueDeviceHttpProxyTokenAction(device_id=device_id)).jwt

    for candidate in ["not-a-jwt", tampered, proxy_jwt]:
        output = sdk.execute(devices.ValidateDeviceTokenAction(jwt=candidate))
        assert isinstance(output, devices.ValidateDeviceTokenOutput_Invalid), candidate


def test_issue_device_token_validates_its_validity(sdk):
    device_id = sdk.create_device(sdk.create_project())
    for secs in (0, 31_536_001):
        action = devices.IssueDeviceTokenAction(device_id=device_id, valid_for_secs=secs)
        sdk.rejects(action, "Invalid", 400)


# devices_AddCertificate


def test_add_certificate_defaults_to_pending_and_takes_a_status(sdk):
    project_id = sdk.create_project()
    device_id = sdk.create_device(project_id)

    pending = sdk.execute(
        devices.AddDeviceCertificateAction(
            device_id=device_id, fingerprint=sdk.certificate_fingerprint(1)
        )
    )
    assert isinstance(pending, devices.AddDeviceCertificateOutput)
    assert re.fullmatch(f"d_c_{B58}{{22}}", pending.certificate_id)
    sdk.advance(1)
    active = sdk.execute(
        devices.AddDeviceCertificateAction(
            device_id=device_id,
            fingerprint=sdk.certificate_fingerprint(2).lower(),  # parsing accepts any case
            status="Active",
        )
    )

    certificates = _details(sdk, device_id).certificates
    assert [
        (c.certificate_id, c.status.root, c.fingerprint, c.first_seen) for c in certificates
    ] == [
        (pending.certificate_id, "Pending", sdk.certificate_fingerprint(1), START),
        (active.certificate_id, "Active", sdk.certificate_fingerprint(2), "2026-05-04T07:00:01Z"),
    ]
    listed = sdk.execute(projects.QueryProjectDevicesAction(project_id=project_id)).devices
    assert listed[0].pending_certificates_count == 1
    assert sdk.audit_events(project_id)[:2] == [
        (
            "devices_CertificateAdded",
            {
                "projectId": project_id,
                "deviceId": device_id,
                "certificateId": active.certificate_id,
                "status": "Active",
            },
        ),
        (
            "devices_CertificateAdded",
            {
                "projectId": project_id,
                "deviceId": device_id,
                "certificateId": pending.certificate_id,
                "status": "Pending",
            },
        ),
    ]


def test_add_certificate_duplicate_is_invalid_and_shared_one_conflicts(sdk):
    project_id = sdk.create_project()
    first = sdk.create_device(project_id, 1)
    second = sdk.create_device(project_id, 2)
    fingerprint = sdk.certificate_fingerprint(9)
    sdk.execute(
        devices.AddDeviceCertificateAction(
            device_id=first, fingerprint=fingerprint, status="Active"
        )
    )

    duplicate = devices.AddDeviceCertificateAction(device_id=first, fingerprint=fingerprint)
    sdk.rejects(duplicate, "Invalid", 400)

    sdk.execute(devices.AddDeviceCertificateAction(device_id=second, fingerprint=fingerprint))
    for device_id in (first, second):
        statuses = [c.status.root for c in _details(sdk, device_id).certificates]
        assert statuses == ["Conflict"], device_id


def test_add_certificate_rejects_a_malformed_fingerprint(sdk):
    device_id = sdk.create_device(sdk.create_project())
    short = ":".join(["AB"] * 31)
    action = devices.AddDeviceCertificateAction(device_id=device_id, fingerprint=short)
    sdk.rejects(action, "Invalid", 400)


# devices_DeleteCertificate


def test_delete_certificate_removes_it_and_keeps_the_device(sdk):
    project_id = sdk.create_project()
    device_id = sdk.create_device(project_id)
    gone, kept = (
        sdk.execute(
            devices.AddDeviceCertificateAction(
                device_id=device_id, fingerprint=sdk.certificate_fingerprint(n)
            )
        ).certificate_id
        for n in (1, 2)
    )

    output = sdk.execute(devices.DeleteDeviceCertificateAction(certificate_id=gone))
    assert output.model_dump() == {}
    assert [c.certificate_id for c in _details(sdk, device_id).certificates] == [kept]
    assert sdk.audit_events(project_id)[0] == (
        "devices_CertificateDeleted",
        {"projectId": project_id, "deviceId": device_id, "certificateId": gone},
    )
    again = devices.DeleteDeviceCertificateAction(certificate_id=gone)
    assert gone in sdk.rejects(again, "Forbidden", 404)


# devices_SetCertificateStatus


def test_set_certificate_status_moves_between_any_statuses(sdk):
    project_id = sdk.create_project()
    device_id = sdk.create_device(project_id)
    certificate_id = sdk.execute(
        devices.AddDeviceCertificateAction(
            device_id=device_id, fingerprint=sdk.certificate_fingerprint(1)
        )
    ).certificate_id

    def status():
        return _details(sdk, device_id).certificates[0].status.root

    def pending_count():
        items = sdk.execute(projects.QueryProjectDevicesAction(project_id=project_id)).devices
        return items[0].pending_certificates_count

    assert (status(), pending_count()) == ("Pending", 1)
    for target in ["Active", "Revoked", "Rejected", "Conflict", "Pending", "Active", "Active"]:
        output = sdk.execute(
            devices.SetDeviceCertificateStatusAction(certificate_id=certificate_id, status=target)
        )
        assert output.model_dump() == {}
        assert status() == target
    assert pending_count() == 0
    assert sdk.audit_events(project_id)[0] == (
        "devices_CertificateStatusChanged",
        {
            "projectId": project_id,
            "deviceId": device_id,
            "certificateId": certificate_id,
            "status": "Active",
        },
    )
    unknown = devices.SetDeviceCertificateStatusAction(
        certificate_id="d_c_" + "D" * 22, status="Active"
    )
    sdk.rejects(unknown, "Forbidden", 404)


# devices_RegisterConnection, devices_UnregisterConnection


def test_register_connection_echoes_the_id_and_is_idempotent(sdk):
    project_id = sdk.create_project()
    device_id = sdk.create_device(project_id, 1)
    other = sdk.create_device(project_id, 2)

    assert _register(sdk, device_id, 1) == sdk.connection_id(1)
    assert _details(sdk, device_id).is_connected is True
    sdk.advance(10)
    assert _register(sdk, device_id, 1) == sdk.connection_id(1)  # a retry
    history = _connections(sdk, device_id)
    assert [(c.connection_id, c.connected_at) for c in history] == [(sdk.connection_id(1), START)]

    stolen = devices.RegisterDeviceConnectionAction(
        device_id=other, node_id=sdk.node_id(1), connection_id=sdk.connection_id(1)
    )
    sdk.rejects(stolen, "Invalid", 400)
    assert _details(sdk, other).is_connected is False


def test_unregister_connection_ends_it_once_with_the_first_reason(sdk):
    device_id = sdk.create_device(sdk.create_project())
    _register(sdk, device_id, 1)
    sdk.advance(42)

    _unregister(sdk, 1, "NodeCrashed")
    sdk.advance(8)
    _unregister(sdk, 1, "ServerShutdown")  # already ended: keeps the first end

    (log,) = _connections(sdk, device_id)
    assert isinstance(log, devices.DeviceConnectionLog)
    assert log.connection_id == sdk.connection_id(1)
    assert log.node_id == sdk.node_id(1)
    assert log.connected_at == START
    assert log.ended_at == "2026-05-04T07:00:42Z"
    assert log.end_reason is not None and log.end_reason.root == "NodeCrashed"
    assert log.duration_secs == 42
    assert _details(sdk, device_id).is_connected is False

    unknown = devices.UnregisterDeviceConnectionAction(
        connection_id=sdk.connection_id(99), end_reason="Unknown"
    )
    assert sdk.connection_id(99) in sdk.rejects(unknown, "Forbidden", 404)  # D1


# devices_QueryConnections


def test_query_connections_is_newest_first_with_limit_and_active_filter(sdk):
    device_id = sdk.create_device(sdk.create_project())
    _register(sdk, device_id, 1)
    sdk.advance(100)
    _unregister(sdk, 1, "Disconnected")
    sdk.advance(20)
    _register(sdk, device_id, 2, node=2)
    sdk.advance(30)
    _register(sdk, device_id, 3, node=2)
    sdk.advance(5)

    history = _connections(sdk, device_id)
    assert [
        (c.connection_id, c.connected_at, c.ended_at, c.end_reason, c.duration_secs)
        for c in history
    ] == [
        (sdk.connection_id(3), "2026-05-04T07:02:30Z", None, None, 5),
        (sdk.connection_id(2), "2026-05-04T07:02:00Z", None, None, 35),
        (sdk.connection_id(1), START, "2026-05-04T07:01:40Z", history[2].end_reason, 100),
    ]
    assert history[2].end_reason.root == "Disconnected"

    limited = _connections(sdk, device_id, limit=2)
    assert [c.connection_id for c in limited] == [sdk.connection_id(3), sdk.connection_id(2)]
    active = _connections(sdk, device_id, active_only=True)
    assert [c.connection_id for c in active] == [sdk.connection_id(3), sdk.connection_id(2)]
    every = _connections(sdk, device_id, active_only=False, limit=1000)
    assert len(every) == 3

    summary = sdk.execute(devices.QueryDevicesAction()).devices[0]
    assert summary.last_connected_at == "2026-05-04T07:02:30Z"
    assert summary.current_connection_duration_secs == 5

    for limit in (0, 1001):
        action = devices.QueryDeviceConnectionsAction(device_id=device_id, limit=limit)
        sdk.rejects(action, "Invalid", 400)


# devices_IssueHttpProxyToken, devices_ValidateHttpProxyToken


def test_proxy_token_with_defaults(sdk):
    project_id = sdk.create_project()
    device_id = sdk.create_device(project_id, 1)
    other = sdk.create_device(project_id, 2)

    issued = sdk.execute(devices.IssueDeviceHttpProxyTokenAction(device_id=device_id))
    assert isinstance(issued, devices.IssueDeviceHttpProxyTokenOutput)
    match = re.fullmatch(
        r"https://([0-9a-z]{1,63})\.nexigon-fake\.localhost/\?token=(.+)", issued.url
    )
    assert match is not None, issued.url
    assert match.group(2) == issued.jwt
    hostname = f"{match.group(1)}.{DOMAIN}"

    valid = sdk.execute(devices.ValidateDeviceHttpProxyTokenAction(jwt=issued.jwt))
    assert isinstance(valid, devices.ValidateDeviceHttpProxyTokenOutput_Valid)
    assert (valid.device_id, valid.hostname, valid.port) == (device_id, hostname, 80)

    again = sdk.execute(devices.IssueDeviceHttpProxyTokenAction(device_id=device_id))
    assert again.url.startswith(f"https://{hostname}/")  # deterministic per device
    foreign = sdk.execute(devices.IssueDeviceHttpProxyTokenAction(device_id=other))
    assert not foreign.url.startswith(f"https://{hostname}/")

    sdk.advance(601)  # default validity 600 s, no redirect given
    expired = sdk.execute(devices.ValidateDeviceHttpProxyTokenAction(jwt=issued.jwt))
    assert isinstance(expired, devices.ValidateDeviceHttpProxyTokenOutput_Invalid)
    assert expired.redirect is None


def test_proxy_token_with_hostname_port_and_redirect(sdk):
    device_id = sdk.create_device(sdk.create_project())
    redirect = "https://app.example.com/expired"
    issued = sdk.execute(
        devices.IssueDeviceHttpProxyTokenAction(
            device_id=device_id,
            valid_for_secs=30,
            hostname="dashboard.example.com",
            port=8080,
            redirect=redirect,
        )
    )
    assert issued.url == f"https://dashboard.example.com/?token={issued.jwt}"

    valid = sdk.execute(devices.ValidateDeviceHttpProxyTokenAction(jwt=issued.jwt))
    assert isinstance(valid, devices.ValidateDeviceHttpProxyTokenOutput_Valid)
    assert (valid.device_id, valid.hostname, valid.port) == (
        device_id,
        "dashboard.example.com",
        8080,
    )

    sdk.advance(31)
    expired = sdk.execute(devices.ValidateDeviceHttpProxyTokenAction(jwt=issued.jwt))
    assert isinstance(expired, devices.ValidateDeviceHttpProxyTokenOutput_Invalid)
    assert expired.redirect == redirect

    header, payload, signature = issued.jwt.split(".")
    tampered = f"{header}.{payload}.{signature[::-1]}"
    device_jwt = sdk.execute(devices.IssueDeviceTokenAction(device_id=device_id)).jwt
    for candidate in ["garbage", tampered, device_jwt]:
        output = sdk.execute(devices.ValidateDeviceHttpProxyTokenAction(jwt=candidate))
        assert isinstance(output, devices.ValidateDeviceHttpProxyTokenOutput_Invalid), candidate
        assert output.redirect is None


def test_issue_proxy_token_validates_its_inputs(sdk):
    device_id = sdk.create_device(sdk.create_project())
    bad_fields: list[dict[str, Any]] = [
        {"port": 0},
        {"port": 65536},
        {"hostname": ""},
        {"hostname": "-leading-dash.example.com"},
        {"hostname": "under_score.example.com"},
        {"valid_for_secs": 0},
        {"redirect": ""},
    ]
    for fields in bad_fields:
        action = devices.IssueDeviceHttpProxyTokenAction(device_id=device_id, **fields)
        sdk.rejects(action, "Invalid", 400)


# devices_PublishEvents, devices_QueryEvents


def test_published_events_come_back_newest_first_with_received_at(sdk):
    device_id = sdk.create_device(sdk.create_project())
    assert _query_events(sdk, device_id) == []

    sdk.advance(60)
    _publish(
        sdk,
        device_id,
        _event(sdk, 1, "2026-05-04T06:58:00Z", body=None, severity="Debug"),
        _event(
            sdk,
            2,
            "2026-05-04T06:59:30.25Z",
            category="ota",
            severity="Critical",
            body={"step": "commit", "ok": False},
            attributes={"slot": "b", "attempt": 2, "tags": ["x"]},
            received_at="2001-01-01T00:00:00Z",  # the hub assigns receivedAt itself
        ),
    )
    sdk.advance(5)
    _publish(sdk, device_id, _event(sdk, 3, "2026-05-04T06:59:00+02:00", severity="Warning"))

    events = _query_events(sdk, device_id)
    assert [e.event_id for e in events] == [sdk.event_id(2), sdk.event_id(1), sdk.event_id(3)]
    newest, middle, oldest = events
    assert isinstance(newest, devices.DeviceEvent)
    assert newest.category == "ota"
    assert newest.severity.root == "Critical"
    assert newest.body == {"step": "commit", "ok": False}
    assert newest.attributes == {"slot": "b", "attempt": 2, "tags": ["x"]}
    assert newest.emitted_at == "2026-05-04T06:59:30.25Z"
    assert newest.received_at == "2026-05-04T07:01:00Z"
    assert middle.category is None
    assert middle.body is None
    assert middle.severity.root == "Debug"
    assert middle.attributes == {}
    assert middle.received_at == "2026-05-04T07:01:00Z"
    assert oldest.emitted_at == "2026-05-04T04:59:00Z"  # normalised to UTC
    assert oldest.received_at == "2026-05-04T07:01:05Z"

    limited = _query_events(sdk, device_id, limit=2)
    assert [e.event_id for e in limited] == [sdk.event_id(2), sdk.event_id(1)]


def test_publish_ignores_a_duplicate_event_id_and_accepts_an_empty_batch(sdk):
    device_id = sdk.create_device(sdk.create_project())
    _publish(sdk, device_id, _event(sdk, 1, "2026-05-04T06:00:00Z", body="first"))
    _publish(sdk, device_id, _event(sdk, 1, "2026-05-04T06:30:00Z", body="second"))
    _publish(sdk, device_id)

    (event,) = _query_events(sdk, device_id)
    assert (event.body, event.emitted_at) == ("first", "2026-05-04T06:00:00Z")


def test_publish_rejects_an_undated_event_id_and_query_rejects_a_bad_limit(sdk):
    device_id = sdk.create_device(sdk.create_project())
    undated = devices.DeviceEvent(
        event_id="d_ev_" + "E" * 22,
        severity="Info",
        body=None,
        attributes={},
        emitted_at=START,
    )
    publish = devices.PublishDeviceEventsAction(device_id=device_id, events=[undated])
    sdk.rejects(publish, "Invalid", 400)
    for limit in (0, 1001):
        action = devices.QueryDeviceEventsAction(device_id=device_id, limit=limit)
        sdk.rejects(action, "Invalid", 400)


# devices_SetProperty, devices_GetProperty, devices_RemoveProperty, devices_QueryProperties


def test_set_property_versions_and_compare_and_swap(sdk):
    device_id = sdk.create_device(sdk.create_project())
    name = "com.example.sensor.config"

    created = _set(sdk, device_id, name, {"rate": 1})
    assert isinstance(created, devices.SetDevicePropertyOutput_Set)
    assert created.model_dump() == {"result": "Set"}
    sdk.advance(3)
    same_value = _set(sdk, device_id, name, {"rate": 1})
    assert isinstance(same_value, devices.SetDevicePropertyOutput_Set)

    found = _get(sdk, device_id, name)
    assert isinstance(found, devices.GetDevicePropertyOutput_Found)
    assert (found.name, found.value, found.protected, found.version, found.last_updated) == (
        name,
        {"rate": 1},
        False,
        2,
        "2026-05-04T07:00:03Z",
    )

    conflict = _set(sdk, device_id, name, {"rate": 5}, expected_version=1)
    assert isinstance(conflict, devices.SetDevicePropertyOutput_VersionConflict)
    assert conflict.current_version == 2
    assert _get(sdk, device_id, name).value == {"rate": 1}

    swapped = _set(sdk, device_id, name, {"rate": 5}, expected_version=2)
    assert isinstance(swapped, devices.SetDevicePropertyOutput_Set)
    assert (_get(sdk, device_id, name).value, _get(sdk, device_id, name).version) == (
        {"rate": 5},
        3,
    )

    never = _set(sdk, device_id, "com.example.never", 1, expected_version=1)
    assert isinstance(never, devices.SetDevicePropertyOutput_Deleted)
    assert never.model_dump() == {"result": "Deleted"}
    assert isinstance(
        _get(sdk, device_id, "com.example.never"), devices.GetDevicePropertyOutput_NotFound
    )


def test_set_property_protected_flag_is_kept_when_omitted(sdk):
    device_id = sdk.create_device(sdk.create_project())
    _set(sdk, device_id, "dev.nexigon.ota.config", {"path": "stable"}, protected=True)
    _set(sdk, device_id, "dev.nexigon.ota.config", {"path": "beta"})
    kept = _get(sdk, device_id, "dev.nexigon.ota.config")
    assert (kept.value, kept.protected, kept.version) == ({"path": "beta"}, True, 2)

    _set(sdk, device_id, "dev.nexigon.ota.config", {"path": "beta"}, protected=False)
    assert _get(sdk, device_id, "dev.nexigon.ota.config").protected is False


def test_set_property_accepts_any_json_value_and_validates_the_name(sdk):
    device_id = sdk.create_device(sdk.create_project())
    value: Any
    for n, value in enumerate([None, 0, 2.5, "text", True, [1, "two", None], {"a": {"b": []}}]):
        assert isinstance(_set(sdk, device_id, f"v{n}", value), devices.SetDevicePropertyOutput_Set)
        assert _get(sdk, device_id, f"v{n}").value == value

    for bad in ["", ".hidden", "has space", "x" * 257]:
        action = devices.SetDevicePropertyAction(device_id=device_id, name=bad, value=1)
        sdk.rejects(action, "Invalid", 400)
    assert isinstance(_set(sdk, device_id, "x" * 256, 1), devices.SetDevicePropertyOutput_Set)


def test_get_property_found_and_not_found(sdk):
    device_id = sdk.create_device(sdk.create_project())
    missing = _get(sdk, device_id, "com.example.missing")
    assert isinstance(missing, devices.GetDevicePropertyOutput_NotFound)
    assert missing.model_dump() == {"result": "NotFound"}

    _set(sdk, device_id, "com.example.present", ["a", 1], protected=True)
    present = _get(sdk, device_id, "com.example.present")
    assert isinstance(present, devices.GetDevicePropertyOutput_Found)
    assert present.model_dump(by_alias=True) == {
        "result": "Found",
        "name": "com.example.present",
        "value": ["a", 1],
        "protected": True,
        "version": 1,
        "lastUpdated": START,
    }


def test_remove_property_removed_then_not_found_and_versions_restart(sdk):
    project_id = sdk.create_project()
    device_id = sdk.create_device(project_id)
    _set(sdk, device_id, "com.example.p", 1)
    _set(sdk, device_id, "com.example.p", 2)

    removed = sdk.execute(
        devices.RemoveDevicePropertyAction(device_id=device_id, name="com.example.p")
    )
    assert isinstance(removed, devices.RemoveDevicePropertyOutput_Removed)
    assert removed.model_dump() == {"result": "Removed"}
    again = sdk.execute(
        devices.RemoveDevicePropertyAction(device_id=device_id, name="com.example.p")
    )
    assert isinstance(again, devices.RemoveDevicePropertyOutput_NotFound)
    assert isinstance(
        _get(sdk, device_id, "com.example.p"), devices.GetDevicePropertyOutput_NotFound
    )

    cas = _set(sdk, device_id, "com.example.p", 3, expected_version=2)
    assert isinstance(cas, devices.SetDevicePropertyOutput_Deleted)
    _set(sdk, device_id, "com.example.p", 4)
    assert _get(sdk, device_id, "com.example.p").version == 1

    audit = sdk.audit_events(project_id)
    assert audit[1] == (
        "devices_PropertyRemoved",
        {"projectId": project_id, "deviceId": device_id, "propertyName": "com.example.p"},
    )
    assert audit[0] == (
        "devices_PropertySet",
        {"projectId": project_id, "deviceId": device_id, "propertyName": "com.example.p"},
    )


def test_query_properties_is_keyed_by_name(sdk):
    device_id = sdk.create_device(sdk.create_project())
    empty = sdk.execute(devices.QueryDevicePropertiesAction(device_id=device_id))
    assert isinstance(empty, devices.QueryDevicePropertiesOutput)
    assert empty.properties == {}

    _set(sdk, device_id, "dev.nexigon.system.health", {"status": "healthy"})
    sdk.advance(2)
    _set(sdk, device_id, "com.example.secret", "s3cr3t", protected=True)
    _set(sdk, device_id, "com.example.secret", "rotated")

    output = sdk.execute(devices.QueryDevicePropertiesAction(device_id=device_id))
    assert set(output.properties) == {"dev.nexigon.system.health", "com.example.secret"}
    health = output.properties["dev.nexigon.system.health"]
    assert isinstance(health, devices.DeviceProperty)
    assert (health.name, health.value, health.protected, health.version, health.last_updated) == (
        "dev.nexigon.system.health",
        {"status": "healthy"},
        False,
        1,
        START,
    )
    secret = output.properties["com.example.secret"]
    assert (secret.name, secret.value, secret.protected, secret.version, secret.last_updated) == (
        "com.example.secret",
        "rotated",
        True,
        2,
        "2026-05-04T07:00:02Z",
    )


# devices_QueryAuditLog


def test_device_audit_log_holds_only_this_devices_events_newest_first(sdk):
    project_id = sdk.create_project()
    device_id = sdk.create_device(project_id, 1)
    other = sdk.create_device(project_id, 2)
    sdk.advance(1)
    sdk.execute(devices.SetDeviceNameAction(device_id=device_id, name="one"))
    sdk.execute(devices.SetDeviceNameAction(device_id=other, name="two"))
    sdk.advance(1)
    certificate_id = sdk.execute(
        devices.AddDeviceCertificateAction(
            device_id=device_id, fingerprint=sdk.certificate_fingerprint(1)
        )
    ).certificate_id
    sdk.execute(
        devices.SetDeviceCertificateStatusAction(certificate_id=certificate_id, status="Active")
    )
    _set(sdk, device_id, "com.example.p", 1)
    sdk.execute(devices.RemoveDevicePropertyAction(device_id=device_id, name="com.example.p"))
    sdk.execute(devices.DeleteDeviceCertificateAction(certificate_id=certificate_id))
    sdk.execute(projects.SetProjectNameAction(project_id=project_id, name="Renamed"))

    output = sdk.execute(devices.QueryDeviceAuditLogAction(device_id=device_id))
    assert isinstance(output, devices.QueryDeviceAuditLogOutput)
    assert [event.event for event in output.events] == [
        "devices_CertificateDeleted",
        "devices_PropertyRemoved",
        "devices_PropertySet",
        "devices_CertificateStatusChanged",
        "devices_CertificateAdded",
        "devices_NameChanged",
        "devices_Created",
    ]
    me = sdk.execute(actor.GetActorAction()).actor
    for event in output.events:
        assert re.fullmatch(rf"audit_ev_\d{{8}}-\d{{4}}-{B58}{{8}}", event.event_id)
        assert isinstance(event.data, dict) and event.data["deviceId"] == device_id
        assert event.actor == me
        assert event.action is not None
        assert re.fullmatch(rf"audit_act_\d{{8}}-\d{{4}}-{B58}{{8}}", event.action.action_id)
        assert event.job is None
    assert [event.created_at for event in output.events][-2:] == [
        "2026-05-04T07:00:01Z",
        START,
    ]
    assert len({event.event_id for event in output.events}) == len(output.events)


# devices_QueryCommands


MANIFEST: dict[str, Any] = {
    "commands": [
        {
            "name": "reboot",
            "description": "Reboot the device.",
            "category": "system",
            "input": {"type": "object", "properties": {"delaySecs": {"type": "integer"}}},
            "output": {"type": "null"},
        },
        {"name": "uptime"},
    ]
}


def test_query_commands_reads_the_manifest_property(sdk):
    device_id = sdk.create_device(sdk.create_project())
    empty = sdk.execute(devices.QueryDeviceCommandsAction(device_id=device_id))
    assert isinstance(empty, devices.QueryDeviceCommandsOutput)
    assert isinstance(empty.manifest, properties.DeviceCommandManifest)
    assert empty.manifest.commands == []

    _set(sdk, device_id, "dev.nexigon.commands", MANIFEST)
    output = sdk.execute(devices.QueryDeviceCommandsAction(device_id=device_id))
    reboot, uptime = output.manifest.commands
    assert isinstance(reboot, properties.DeviceCommandDescriptor)
    assert (reboot.name, reboot.description, reboot.category) == (
        "reboot",
        "Reboot the device.",
        "system",
    )
    assert reboot.input == MANIFEST["commands"][0]["input"]
    assert reboot.output == {"type": "null"}
    assert (uptime.name, uptime.description, uptime.category, uptime.input, uptime.output) == (
        "uptime",
        None,
        None,
        None,
        None,
    )
    assert output.manifest.model_dump(by_alias=True, exclude_none=True) == MANIFEST


def test_query_commands_with_an_invalid_manifest_is_empty(sdk):
    device_id = sdk.create_device(sdk.create_project())
    for broken in ["not a manifest", {"commands": "nope"}, {"commands": [{"description": "x"}]}]:
        _set(sdk, device_id, "dev.nexigon.commands", broken)
        output = sdk.execute(devices.QueryDeviceCommandsAction(device_id=device_id))
        assert output.manifest.commands == [], broken
