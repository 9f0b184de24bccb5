"""Device certificates: add, delete, change status, and admission of a presenting device.

A fingerprint seen on two devices puts every certificate carrying it into ``Conflict``
(SEMANTICS.md §9, D7).
"""

from __future__ import annotations

from nexigon_fake.errors import MSG_DUPLICATE_CERTIFICATE, InvalidError
from nexigon_fake.state.model import Certificate, Device, fingerprint_digest
from nexigon_fake.state.store import Context, without
from nexigon_fake.wire.common import Empty
from nexigon_fake.wire.devices import (
    AddDeviceCertificateAction,
    AddDeviceCertificateOutput,
    DeleteDeviceCertificateAction,
    DeviceCertificateStatus,
    SetDeviceCertificateStatusAction,
)


def _audit_status(ctx: Context, event: str, certificate: Certificate, project_id: str) -> None:
    ctx.audit(
        event,
        {
            "projectId": project_id,
            "deviceId": certificate.device_id,
            "certificateId": certificate.certificate_id,
            "status": certificate.status,
        },
        project_id=project_id,
        device_id=certificate.device_id,
    )


def _set_status(ctx: Context, certificate: Certificate, status: DeviceCertificateStatus) -> None:
    certificate.status = status
    device = ctx.store.devices[certificate.device_id]
    ctx.store.touch(device)
    project_id = device.project_id
    _audit_status(ctx, "devices_CertificateStatusChanged", certificate, project_id)


def attach_certificate(
    ctx: Context, device: Device, fingerprint: str, status: DeviceCertificateStatus
) -> Certificate:
    """Attach a certificate; if another device holds the fingerprint, all holders conflict."""
    store = ctx.store
    digest = fingerprint_digest(fingerprint)
    holders = store.certificate_holders(digest)
    for certificate_id in holders:
        if store.certificates[certificate_id].device_id == device.device_id:
            raise InvalidError(
                MSG_DUPLICATE_CERTIFICATE.format(
                    device_id=device.device_id, fingerprint=fingerprint
                )
            )
    conflict = bool(holders)
    certificate = Certificate(
        certificate_id=store.ids.flat("d_c"),
        device_id=device.device_id,
        digest=digest,
        status="Conflict" if conflict else status,
        first_seen=store.now(),
    )
    store.certificates[certificate.certificate_id] = certificate
    device.certificate_ids += (certificate.certificate_id,)
    ctx.store.touch(device)
    _audit_status(ctx, "devices_CertificateAdded", certificate, device.project_id)
    for other_id in holders:
        other = store.certificates[other_id]
        if other.status != "Conflict":
            _set_status(ctx, other, "Conflict")
    store.add_certificate_holder(digest, certificate.certificate_id)
    return certificate


def add_certificate(
    ctx: Context, request: AddDeviceCertificateAction
) -> AddDeviceCertificateOutput:
    device = ctx.store.device(request.device_id)
    certificate = attach_certificate(ctx, device, request.fingerprint, request.status or "Pending")
    return AddDeviceCertificateOutput(certificate_id=certificate.certificate_id)


def delete_certificate(ctx: Context, request: DeleteDeviceCertificateAction) -> Empty:
    store = ctx.store
    certificate = store.certificate(request.certificate_id)
    device = store.devices[certificate.device_id]
    del store.certificates[certificate.certificate_id]
    device.certificate_ids = without(device.certificate_ids, certificate.certificate_id)
    ctx.store.touch(device)
    store.remove_certificate_holder(certificate.digest, certificate.certificate_id)
    ctx.audit(
        "devices_CertificateDeleted",
        {
            "projectId": device.project_id,
            "deviceId": device.device_id,
            "certificateId": certificate.certificate_id,
        },
        project_id=device.project_id,
        device_id=device.device_id,
    )
    return Empty()


def set_certificate_status(ctx: Context, request: SetDeviceCertificateStatusAction) -> Empty:
    """Any transition is allowed; setting the current status again still succeeds."""
    certificate = ctx.store.certificate(request.certificate_id)
    _set_status(ctx, certificate, request.status)
    return Empty()


def find_on_device(ctx: Context, device: Device, fingerprint: str) -> Certificate | None:
    store = ctx.store
    for certificate_id in store.certificate_holders(fingerprint_digest(fingerprint)):
        certificate = store.certificates[certificate_id]
        if certificate.device_id == device.device_id:
            return certificate
    return None
