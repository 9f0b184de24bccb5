"""What a call is about, resolved once: its organization, project, device (and user).

The permission check and the fault filter both read this one ``Target``, so neither walks
the store again, and they cannot disagree about which device or project a call touches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from nexigon_fake.errors import NotFoundError
from nexigon_fake.state.store import Store, not_found

Scope = Literal[
    "none",
    "organization",
    "project",
    "device",
    "certificate",
    "connection",
    "deployment_token",
    "repository",
    "user",
    "user_token",
    "pairing_key",
    "device_operation",
    "fleet_operation",
]


@dataclass(frozen=True, slots=True)
class Target:
    """The entities a call touches; ``missing`` is the not-found answer if its entity is gone.

    Ids are kept even when the entity is missing (a device id named in the input), so a fault
    aimed at a device still fires on calls that name it after it was deleted.
    """

    entity_id: str | None = None  # the id the input named, for its rule's scope
    organization_id: str | None = None
    project_id: str | None = None
    device_id: str | None = None
    user_id: str | None = None  # the user a ``user``/``user_token`` scope names (its owner)
    missing: NotFoundError | None = None


NO_TARGET = Target()


def resolve_target(store: Store, scope: Scope, entity_id: str | None, request: Any) -> Target:
    """The target of a call whose rule names ``scope`` and whose input names ``entity_id``.

    Calls without a scope are about whatever device or project their input names, if any.
    """
    if scope == "none" or entity_id is None:
        return Target(
            project_id=getattr(request, "project_id", None),
            device_id=getattr(request, "device_id", None),
        )
    try:
        return _resolve(store, scope, entity_id)
    except NotFoundError as missing:
        device_id = entity_id if scope == "device" else None
        project_id = entity_id if scope == "project" else None
        organization_id = entity_id if scope == "organization" else None
        return Target(entity_id, organization_id, project_id, device_id, missing=missing)


def _resolve(store: Store, scope: Scope, entity_id: str) -> Target:
    if scope == "organization":
        return Target(entity_id, organization_id=store.organization(entity_id).organization_id)
    if scope == "project":
        project = store.project(entity_id)
        return Target(entity_id, project.organization_id, project.project_id)
    if scope == "deployment_token":
        project = store.project(store.deployment_token(entity_id).project_id)
        return Target(entity_id, project.organization_id, project.project_id)
    if scope == "pairing_key":
        project = store.project(store.pairing_key(entity_id).project_id)
        return Target(entity_id, project.organization_id, project.project_id)
    if scope == "fleet_operation":
        fleet = store.fleet_operations.fleets.get(entity_id)
        if fleet is None:
            raise not_found("Fleet operation", entity_id)
        project = store.project(fleet.project_id)
        return Target(entity_id, project.organization_id, project.project_id)
    if scope == "repository":
        return Target(entity_id, organization_id=store.repository(entity_id).organization_id)
    if scope == "user":
        return Target(entity_id, user_id=store.user(entity_id).user_id)
    if scope == "user_token":
        return Target(entity_id, user_id=store.user_token(entity_id).user_id)
    if scope == "device":
        device_id = entity_id
    elif scope == "device_operation":
        operation = store.operations.operations.get(entity_id)
        if operation is None:
            raise not_found("Device operation", entity_id)
        device_id = operation.device_id
    elif scope == "certificate":
        device_id = store.certificate(entity_id).device_id
    else:
        device_id = store.connection(entity_id).device_id
    device = store.device(device_id)
    project = store.project(device.project_id)
    return Target(entity_id, project.organization_id, project.project_id, device.device_id)
