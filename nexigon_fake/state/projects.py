"""Projects: query, details, create, rename, delete, devices and the audit log."""

from __future__ import annotations

import msgspec

from nexigon_fake.clock import format_timestamp
from nexigon_fake.state import derived
from nexigon_fake.state.access import can_see_project, is_instance_admin
from nexigon_fake.state.devices import remove_device
from nexigon_fake.state.model import Device, Project
from nexigon_fake.state.store import Context, Store
from nexigon_fake.wire.common import Empty
from nexigon_fake.wire.projects import (
    CreateProjectAction,
    CreateProjectOutput,
    CreateProjectSuccess,
    DeleteProjectAction,
    GetProjectDetailsAction,
    GetProjectDetailsOutput,
    QueryAuditLogEventsAction,
    QueryAuditLogEventsOutput,
    QueryProjectDevicesAction,
    QueryProjectDevicesItem,
    QueryProjectDevicesOutput,
    QueryProjectsAction,
    QueryProjectsItem,
    QueryProjectsOutput,
    SetProjectNameAction,
)


def query(ctx: Context, request: QueryProjectsAction) -> QueryProjectsOutput:
    """Instance admins see all projects; others those of their organizations."""
    store = ctx.store
    admin = is_instance_admin(store, ctx.actor)
    return QueryProjectsOutput(
        projects=[
            QueryProjectsItem(project_id=p.project_id, name=p.name)
            for p in store.projects.values()
            if admin or can_see_project(store, ctx.actor, p.project_id)
        ]
    )


def get_details(ctx: Context, request: GetProjectDetailsAction) -> GetProjectDetailsOutput:
    project = ctx.store.project(request.project_id)
    return GetProjectDetailsOutput(
        project_id=project.project_id, name=project.name, device_count=len(project.device_ids)
    )


def add_project(ctx: Context, organization_id: str, name: str) -> Project:
    store = ctx.store
    organization = store.organization(organization_id)
    project = Project(
        project_id=store.ids.flat("p"),
        organization_id=organization.organization_id,
        name=name,
        created_at=store.now(),
    )
    store.projects[project.project_id] = project
    organization.project_ids[project.project_id] = None
    ctx.audit("projects_Created", {"projectId": project.project_id}, project_id=project.project_id)
    return project


def create(ctx: Context, request: CreateProjectAction) -> CreateProjectOutput:
    project = add_project(ctx, request.organization_id, request.name)
    return CreateProjectSuccess(project_id=project.project_id)


def set_name(ctx: Context, request: SetProjectNameAction) -> Empty:
    project = ctx.store.project(request.project_id)
    project.name = request.name
    ctx.audit(
        "projects_NameChanged",
        {"projectId": project.project_id, "name": request.name},
        project_id=project.project_id,
    )
    return Empty()


def remove_project(store: Store, project: Project) -> None:
    """Cascade: devices with all their data, deployment tokens, pairing keys, links, OTLP
    config and fleet operations."""
    for device_id in list(project.device_ids):
        remove_device(store, store.devices[device_id])
    for token_id in project.token_ids:
        token = store.deployment_tokens.pop(token_id)
        del store.deployment_tokens_by_secret[token.secret]
    for pairing_key_id in project.pairing_key_ids:
        pairing_key = store.pairing_keys.pop(pairing_key_id)
        if store.pairing_keys_by_selector.get(pairing_key.selector) == pairing_key_id:
            del store.pairing_keys_by_selector[pairing_key.selector]
    for repository_id in project.repository_ids:
        store.repositories[repository_id].project_ids.pop(project.project_id, None)
    for fleet in store.fleet_operations.forget_project(project.project_id):  # D41
        store.operations.timers.pop(fleet.fleet_operation_id, None)
    del store.organizations[project.organization_id].project_ids[project.project_id]
    del store.projects[project.project_id]
    store.listings.pop(project.project_id, None)


def delete(ctx: Context, request: DeleteProjectAction) -> Empty:
    """The audit event is attached to no entity: it outlives the project's own log."""
    store = ctx.store
    project = store.project(request.project_id)
    remove_project(store, project)
    ctx.audit("projects_Deleted", {"projectId": project.project_id})
    return Empty()


def query_devices(ctx: Context, request: QueryProjectDevicesAction) -> QueryProjectDevicesOutput:
    """Items are derived once per device revision; only the connection duration follows the
    clock, so it is filled in on every listing for connected devices."""
    store = ctx.store
    project = store.project(request.project_id)
    listing = store.listings.get(project.project_id)
    if listing is None or listing[0] != project.listing_revision:
        listing = (project.listing_revision, *_listing(store, project))
        store.listings[project.project_id] = listing
    _, cached_items, connected = listing
    items = list(cached_items)
    for index in connected:
        item = items[index]
        duration = derived.current_connection_secs(store, store.devices[item.device_id])
        items[index] = msgspec.structs.replace(item, current_connection_duration_secs=duration)
    return QueryProjectDevicesOutput(devices=items)


def _listing(store: Store, project: Project) -> tuple[list[QueryProjectDevicesItem], list[int]]:
    """Every device's item (reused while the device is unchanged) and which are connected."""
    devices, cache = store.devices, store.listing_items
    items: list[QueryProjectDevicesItem] = []
    connected: list[int] = []
    for device_id in project.device_ids:
        device = devices[device_id]
        cached = cache.get(device_id)
        if cached is not None and cached[0] == device.revision:
            item: QueryProjectDevicesItem = cached[1]
        else:
            item = _listing_item(store, device)
            cache[device_id] = (device.revision, item)
        if device.open_connection_ids:
            connected.append(len(items))
        items.append(item)
    return items, connected


def _listing_item(store: Store, device: Device) -> QueryProjectDevicesItem:
    return QueryProjectDevicesItem(
        device_id=device.device_id,
        name=device.name,
        hostname=derived.hostname(device),
        first_seen=format_timestamp(device.created_at),
        status=derived.status(device),
        is_connected=derived.is_connected(device),
        pending_certificates_count=derived.pending_certificates(store, device),
        last_connected_at=derived.last_connected_at(device),
    )


def query_audit_log(ctx: Context, request: QueryAuditLogEventsAction) -> QueryAuditLogEventsOutput:
    store = ctx.store
    project = store.project(request.project_id)
    indexes = store.audit.for_project(project.project_id)
    return QueryAuditLogEventsOutput(events=derived.audit_events(store, indexes))
