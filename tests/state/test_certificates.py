"""Device certificates: statuses, duplicates and conflicts (§6.8-6.10, §9, D7)."""

from __future__ import annotations

from nexigon_fake import Hub

from .helpers import (
    add_certificate,
    cert_fingerprint,
    details,
    make_device,
    make_project,
    project_device,
    raises,
)

STATUSES = ["Pending", "Active", "Rejected", "Revoked", "Conflict"]


def certificates(hub: Hub, device: str) -> list[dict[str, str]]:
    return details(hub, device)["certificates"]


def set_status(hub: Hub, certificate: str, status: str) -> None:
    hub.invoke("devices_SetCertificateStatus", {"certificateId": certificate, "status": status})


def test_added_certificate_defaults_to_pending_with_first_seen_now(hub: Hub) -> None:
    project = make_project(hub)
    device = make_device(hub, project)
    hub.clock.advance(5)
    fp = cert_fingerprint()
    certificate = add_certificate(hub, device, fp)
    assert certificate.startswith("d_c_")
    assert len(certificate) == len("d_c_") + 22
    assert certificates(hub, device) == [
        {
            "certificateId": certificate,
            "status": "Pending",
            "fingerprint": fp,
            "firstSeen": "2026-05-04T07:00:05Z",
        }
    ]


def test_any_status_may_be_given_on_add(hub: Hub) -> None:
    device = make_device(hub, make_project(hub))
    for status in STATUSES:
        add_certificate(hub, device, cert_fingerprint(), status)
    assert [c["status"] for c in certificates(hub, device)] == STATUSES


def test_certificates_listed_in_creation_order_regardless_of_status(hub: Hub) -> None:
    device = make_device(hub, make_project(hub))
    ids = [add_certificate(hub, device, cert_fingerprint(), s) for s in ["Revoked", "Active"]]
    ids.append(add_certificate(hub, device, cert_fingerprint()))
    assert [c["certificateId"] for c in certificates(hub, device)] == ids


def test_fingerprint_input_is_normalised_to_upper_case_two_digit_groups(hub: Hub) -> None:
    device = make_device(hub, make_project(hub))
    lower = ":".join(["a"] + ["0b"] * 31)
    add_certificate(hub, device, lower)
    assert certificates(hub, device)[0]["fingerprint"] == ":".join(["0A"] + ["0B"] * 31)


def test_malformed_certificate_fingerprint_is_invalid(hub: Hub) -> None:
    device = make_device(hub, make_project(hub))
    for bad in [":".join(["AB"] * 31), ":".join(["AB"] * 33), ":".join(["ABC"] + ["00"] * 31)]:
        raises("Invalid", 400, add_certificate, hub, device, bad)
    assert certificates(hub, device) == []


def test_same_fingerprint_twice_on_one_device_is_invalid(hub: Hub) -> None:
    device = make_device(hub, make_project(hub))
    fp = cert_fingerprint()
    add_certificate(hub, device, fp, "Active")
    raises("Invalid", 400, add_certificate, hub, device, fp)
    raises("Invalid", 400, add_certificate, hub, device, fp.lower())
    assert [c["status"] for c in certificates(hub, device)] == ["Active"]


def test_same_fingerprint_on_second_device_puts_both_in_conflict(hub: Hub) -> None:
    project = make_project(hub)
    first, second = make_device(hub, project), make_device(hub, project)
    fp = cert_fingerprint()
    add_certificate(hub, first, fp, "Active")
    add_certificate(hub, second, fp, "Active")
    assert [c["status"] for c in certificates(hub, first)] == ["Conflict"]
    assert [c["status"] for c in certificates(hub, second)] == ["Conflict"]


def test_conflict_spans_projects(hub: Hub) -> None:
    first = make_device(hub, make_project(hub, "a"))
    second = make_device(hub, make_project(hub, "b"))
    fp = cert_fingerprint()
    add_certificate(hub, first, fp)
    add_certificate(hub, second, fp)
    assert certificates(hub, first)[0]["status"] == "Conflict"
    assert certificates(hub, second)[0]["status"] == "Conflict"


def test_delete_certificate_keeps_device(hub: Hub) -> None:
    project = make_project(hub)
    device = make_device(hub, project)
    keep = add_certificate(hub, device, cert_fingerprint())
    gone = add_certificate(hub, device, cert_fingerprint())
    assert hub.invoke("devices_DeleteCertificate", {"certificateId": gone}) == {}
    assert [c["certificateId"] for c in certificates(hub, device)] == [keep]
    raises("Forbidden", 404, set_status, hub, gone, "Active")
    raises("Forbidden", 404, hub.invoke, "devices_DeleteCertificate", {"certificateId": gone})


def test_deleted_fingerprint_may_be_added_again(hub: Hub) -> None:
    device = make_device(hub, make_project(hub))
    fp = cert_fingerprint()
    certificate = add_certificate(hub, device, fp)
    hub.invoke("devices_DeleteCertificate", {"certificateId": certificate})
    again = add_certificate(hub, device, fp, "Active")
    assert [c["certificateId"] for c in certificates(hub, device)] == [again]


def test_any_status_transition_is_allowed(hub: Hub) -> None:
    device = make_device(hub, make_project(hub))
    certificate = add_certificate(hub, device, cert_fingerprint())
    for status in ["Active", "Revoked", "Active", "Rejected", "Pending", "Conflict", "Active"]:
        assert (
            hub.invoke(
                "devices_SetCertificateStatus", {"certificateId": certificate, "status": status}
            )
            == {}
        )
        assert certificates(hub, device)[0]["status"] == status


def test_setting_same_status_again_succeeds(hub: Hub) -> None:
    device = make_device(hub, make_project(hub))
    certificate = add_certificate(hub, device, cert_fingerprint(), "Active")
    set_status(hub, certificate, "Active")
    assert certificates(hub, device)[0]["status"] == "Active"


def test_unknown_status_is_invalid(hub: Hub) -> None:
    device = make_device(hub, make_project(hub))
    certificate = add_certificate(hub, device, cert_fingerprint())
    raises("Invalid", 400, set_status, hub, certificate, "active")
    raises("Invalid", 400, add_certificate, hub, device, cert_fingerprint(), "Accepted")


def test_pending_certificates_count_counts_only_pending(hub: Hub) -> None:
    project = make_project(hub)
    device = make_device(hub, project)
    assert project_device(hub, project, device)["pendingCertificatesCount"] == 0
    first = add_certificate(hub, device, cert_fingerprint())
    add_certificate(hub, device, cert_fingerprint())
    for status in ["Active", "Rejected", "Revoked", "Conflict"]:
        add_certificate(hub, device, cert_fingerprint(), status)
    assert project_device(hub, project, device)["pendingCertificatesCount"] == 2
    set_status(hub, first, "Active")
    assert project_device(hub, project, device)["pendingCertificatesCount"] == 1


def test_certificate_of_unknown_device_is_not_found(hub: Hub) -> None:
    raises("Forbidden", 404, add_certificate, hub, "d_" + "2" * 22, cert_fingerprint())


def test_a_fingerprint_held_by_three_devices_is_tracked_as_holders_come_and_go(hub: Hub) -> None:
    """One holder, several holders, and back: a duplicate on the last holder is still refused."""
    project = make_project(hub)
    first, second, third = (make_device(hub, project) for _ in range(3))
    fp = cert_fingerprint()
    certificate = add_certificate(hub, first, fp, "Active")
    add_certificate(hub, second, fp)
    on_third = add_certificate(hub, third, fp)
    hub.invoke("devices_DeleteCertificate", {"certificateId": certificate})
    hub.invoke("devices_Delete", {"deviceId": second})
    assert [c["certificateId"] for c in certificates(hub, third)] == [on_third]
    raises("Invalid", 400, add_certificate, hub, third, fp)
    again = add_certificate(hub, first, fp, "Active")
    assert certificates(hub, first)[0]["status"] == "Conflict"
    hub.invoke("devices_DeleteCertificate", {"certificateId": on_third})
    hub.invoke("devices_DeleteCertificate", {"certificateId": again})
    fourth = make_device(hub, project)
    add_certificate(hub, fourth, fp, "Active")
    assert certificates(hub, fourth)[0]["status"] == "Active"


def test_fingerprints_read_back_as_given_after_a_snapshot_round_trip(hub: Hub) -> None:
    device = make_device(hub, make_project(hub))
    fp = cert_fingerprint()
    add_certificate(hub, device, fp.lower())
    snapshot = hub.snapshot()
    assert [c["fingerprint"] for c in snapshot["certificates"]] == [fp]
    hub.restore(snapshot)
    assert [c["fingerprint"] for c in certificates(hub, device)] == [fp]
    raises("Invalid", 400, add_certificate, hub, device, fp)
