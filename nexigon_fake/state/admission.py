"""A device presenting a deployment token, its fingerprint and maybe a certificate (D14).

Mirrors the Hub's device authentication: find or create the device in the token's project,
find or add the certificate (Active when the token auto-accepts, else Pending; Conflict when
another device holds it), and admit only an Active certificate. A token bound to a device (by
a pairing key, SEMANTICS-HEAD D34) admits only that device's fingerprint.
"""

from __future__ import annotations

from dataclasses import dataclass

from nexigon_fake.errors import (
    MSG_CERT_NOT_ACTIVE,
    MSG_CERT_REQUIRED,
    MSG_TOKEN_BOUND,
    ForbiddenError,
)
from nexigon_fake.state import certificates, devices
from nexigon_fake.state.model import DeploymentTokenRecord
from nexigon_fake.state.store import Context, Store
from nexigon_fake.wire.actor import DeviceActor
from nexigon_fake.wire.devices import DeviceCertificateStatus


@dataclass(frozen=True, slots=True)
class Admission:
    """A device asking in with a deployment token: admitting it may create the device."""

    token: DeploymentTokenRecord
    fingerprint: str
    certificate_fingerprint: str | None


def admit(store: Store, admission: Admission) -> DeviceActor:
    """The device's actor, creating the device and its certificate on first sight."""
    token, fingerprint = admission.token, admission.fingerprint
    certificate_fingerprint = admission.certificate_fingerprint
    project = store.project(token.project_id)
    device_id = project.devices_by_fingerprint.get(fingerprint)
    if token.device_id is not None and device_id != token.device_id:
        # A pairing key's token admits its one device, never a new one (D34).
        raise ForbiddenError(
            MSG_TOKEN_BOUND.format(token_id=token.token_id, device_id=token.device_id)
        )
    if device_id is None:
        # The device registers itself, so the audit trail names it as the actor.
        device_id = store.ids.flat("d")
        ctx = Context(store, DeviceActor(device_id=device_id, token_id=token.token_id), "")
        device = devices.add_device(ctx, project.project_id, fingerprint, device_id)
    else:
        device = store.devices[device_id]
    actor = DeviceActor(device_id=device.device_id, token_id=token.token_id)
    if certificate_fingerprint is None:
        if store.options.strict:
            raise ForbiddenError(MSG_CERT_REQUIRED)
        return actor
    ctx = Context(store, actor, "")
    certificate = certificates.find_on_device(ctx, device, certificate_fingerprint)
    if certificate is None:
        status: DeviceCertificateStatus = "Active" if token.auto_accept else "Pending"
        certificate = certificates.attach_certificate(ctx, device, certificate_fingerprint, status)
    if certificate.status != "Active":
        raise ForbiddenError(
            MSG_CERT_NOT_ACTIVE.format(
                certificate_id=certificate.certificate_id, status=certificate.status
            )
        )
    return actor
