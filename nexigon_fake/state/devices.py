"""Devices: query, details, create, delete, rename, audit log and command manifest."""

from __future__ import annotations

from nexigon_fake.clock import format_timestamp, whole_seconds
from nexigon_fake.errors import MSG_DUPLICATE_FINGERPRINT, InvalidError
from nexigon_fake.ids import public_id
from nexigon_fake.state import derived
from nexigon_fake.state.access import can_see_project, is_instance_admin
from nexigon_fake.state.deployment_tokens import drop_deployment_token
from nexigon_fake.state.model import Device
from nexigon_fake.state.store import Context, Store
from nexigon_fake.wire.common import Empty
from nexigon_fake.wire.devices import (
    CreateDeviceAction,
    CreateDeviceOutput,
    DeleteDeviceAction,
    DeviceCertificate,
    DeviceConnection,
    GetDeviceDetailsAction,
    GetDeviceDetailsOutput,
    QueryDeviceAuditLogAction,
    QueryDeviceAuditLogOutput,
    QueryDeviceCommandsAction,
    QueryDeviceCommandsOutput,
    QueryDevicesAction,
    QueryDevicesItem,
    QueryDevicesOutput,
    SetDeviceNameAction,
)


def query(ctx: Context, request: QueryDevicesAction) -> QueryDevicesOutput:
    """Instance admins see every device; others only those of projects they can see."""
    store = ctx.store
    admin = is_instance_admin(store, ctx.actor)
    visible = {p for p in store.projects if admin or can_see_project(store, ctx.actor, p)}
    items = [
        QueryDevicesItem(
            device_id=device.device_id,
            project_id=device.project_id,
            is_connected=derived.is_connected(device),
            last_connected_at=derived.last_connected_at(device),
            current_connection_duration_secs=derived.current_connection_secs(store, device),
        )
        for device in store.devices.values()  # insertion order is creation order
        if device.project_id in visible
    ]
    return QueryDevicesOutput(devices=items)


def get_details(ctx: Context, request: GetDeviceDetailsAction) -> GetDeviceDetailsOutput:
    """Certificates in creation order; only open connections, newest first."""
    store = ctx.store
    device = store.device(request.device_id)
    now = store.now()
    certificates = [
        DeviceCertificate(
            certificate_id=c.certificate_id,
            status=c.status,
            fingerprint=c.fingerprint,
            first_seen=format_timestamp(c.first_seen),
        )
        for c in (store.certificates[i] for i in device.certificate_ids)
    ]
    open_connections = sorted(
        (store.connections[i] for i in device.open_connection_ids),
        key=lambda c: (c.connected_at, c.sequence),
        reverse=True,
    )
    connections = [
        DeviceConnection(
            connection_id=c.connection_id,
            node_id=c.node_id,
            connected_at=format_timestamp(c.connected_at),
            connected_for_secs=whole_seconds(c.connected_at, now),
        )
        for c in open_connections
    ]
    return GetDeviceDetailsOutput(
        device_id=device.device_id,
        project_id=device.project_id,
        fingerprint_id=public_id(device.fingerprint),
        name=device.name,
        is_connected=derived.is_connected(device),
        certificates=certificates,
        connections=connections,
    )


def add_device(
    ctx: Context, project_id: str, fingerprint: str, device_id: str | None = None
) -> Device:
    """Create a device (by action or on a device's first sight) and audit it."""
    store = ctx.store
    project = store.project(project_id)
    if fingerprint in project.devices_by_fingerprint:
        raise InvalidError(MSG_DUPLICATE_FINGERPRINT.format(project_id=project_id))
    device = Device(
        device_id=device_id or store.ids.flat("d"),
        project_id=project_id,
        fingerprint=fingerprint,
        name=None,
        created_at=store.now(),
    )
    store.devices[device.device_id] = device
    project.device_ids[device.device_id] = None
    project.listing_revision += 1
    project.devices_by_fingerprint[fingerprint] = device.device_id
    ctx.audit(
        "devices_Created",
        {"deviceId": device.device_id, "projectId": project_id},
        project_id=project_id,
        device_id=device.device_id,
    )
    return device


def create(ctx: Context, request: CreateDeviceAction) -> CreateDeviceOutput:
    device = add_device(ctx, request.project_id, request.fingerprint)
    return CreateDeviceOutput(device_id=device.device_id)


def remove_device(store: Store, device: Device) -> None:
    """Drop a device with its certificates, connections, properties, events and the tokens
    bound to it (without events of their own: ``devices_Deleted`` covers them, C29)."""
    project = store.projects[device.project_id]
    for token_id in list(store.bound_tokens.get(device.device_id, ())):
        drop_deployment_token(store, store.deployment_tokens[token_id])
    del project.device_ids[device.device_id]
    project.listing_revision += 1
    del project.devices_by_fingerprint[device.fingerprint]
    for certificate_id in device.certificate_ids:
        certificate = store.certificates.pop(certificate_id)
        store.remove_certificate_holder(certificate.digest, certificate_id)
    for connection_id in device.connection_ids or ():
        del store.connections[connection_id]
    del store.devices[device.device_id]
    store.listing_items.pop(device.device_id, None)
    store.operations.forget_device(device.device_id)  # with their claims (D41)
    store.fleet_operations.forget_device(device.device_id)  # targets and selection errors


def delete(ctx: Context, request: DeleteDeviceAction) -> Empty:
    """Deleting a device also invalidates its JWTs: validation requires the device."""
    store = ctx.store
    device = store.device(request.device_id)
    remove_device(store, device)
    ctx.audit(
        "devices_Deleted",
        {"deviceId": device.device_id, "projectId": device.project_id},
        project_id=device.project_id,
    )
    return Empty()


def set_name(ctx: Context, request: SetDeviceNameAction) -> Empty:
    """An absent or null name clears it."""
    device = ctx.store.device(request.device_id)
    device.name = request.name
    ctx.store.touch(device)
    data: dict[str, object] = {"projectId": device.project_id, "deviceId": device.device_id}
    if request.name is not None:
        data["name"] = request.name
    ctx.audit("devices_NameChanged", data, project_id=device.project_id, device_id=device.device_id)
    return Empty()


def query_audit_log(ctx: Context, request: QueryDeviceAuditLogAction) -> QueryDeviceAuditLogOutput:
    store = ctx.store
    device = store.device(request.device_id)
    indexes = store.audit.for_device(device.device_id)
    return QueryDeviceAuditLogOutput(events=derived.audit_events(store, indexes))


def query_commands(ctx: Context, request: QueryDeviceCommandsAction) -> QueryDeviceCommandsOutput:
    device = ctx.store.device(request.device_id)
    return QueryDeviceCommandsOutput(manifest=derived.command_manifest(device))
