"""Who may do what (SEMANTICS.md §16.2, D12): each action names a scope and a level.

The scope says which entity of the input the action touches; the check resolves that entity
to its organization and compares the actor's role there with the level the action needs.
An entity the actor cannot see fails exactly like a missing one (404), an entity it can see
but may not change fails with 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Literal

from nexigon_fake.errors import (
    MSG_NO_CREDENTIALS,
    MSG_NOT_ALLOWED,
    ForbiddenError,
    NotFoundError,
    UnauthenticatedError,
)
from nexigon_fake.state.store import Store, not_found
from nexigon_fake.state.target import Scope, Target
from nexigon_fake.wire.actor import (
    Actor,
    AnonymousActor,
    ClusterNodeActor,
    DeviceActor,
    OrganizationApiTokenActor,
    SystemActor,
    UserActor,
    UserTokenActor,
)

Level = Literal[
    "anyone",  # also anonymous
    "authenticated",  # any actor with credentials
    "user",  # users and instance admins (not devices, not organization tokens)
    "user_or_token",  # users and organization API tokens (not devices)
    "member",  # organization member or better
    "admin",  # organization admin or better
    "self",  # the user the scope names, or an instance admin
    "instance_admin",
    "connection_manager",  # instance admin, System, ClusterNode
]


class Role(IntEnum):
    NONE = 0
    MEMBER = 1
    ADMIN = 2
    INSTANCE_ADMIN = 3


@dataclass(frozen=True, slots=True)
class Rule:
    """The permission row of one action."""

    level: Level
    scope: Scope = "none"
    field: str | None = None
    device_may: bool = False  # a Device actor may act on its own device


def actor_user_id(actor: Actor) -> str | None:
    if isinstance(actor, UserActor | UserTokenActor):
        return actor.user_id
    return None


def is_instance_admin(store: Store, actor: Actor) -> bool:
    if isinstance(actor, SystemActor):
        return True
    user_id = actor_user_id(actor)
    if user_id is None:
        return False
    user = store.users.get(user_id)
    return user is not None and user.is_admin


def organization_role(store: Store, actor: Actor, organization_id: str) -> Role:
    """The actor's role in an organization."""
    if is_instance_admin(store, actor):
        return Role.INSTANCE_ADMIN
    if isinstance(actor, OrganizationApiTokenActor):
        return Role.ADMIN if actor.organization_id == organization_id else Role.NONE
    user_id = actor_user_id(actor)
    if user_id is None:
        return Role.NONE
    organization = store.organizations.get(organization_id)
    if organization is None or user_id not in organization.members:
        return Role.NONE
    return Role.ADMIN if organization.members[user_id] else Role.MEMBER


def can_see_project(store: Store, actor: Actor, project_id: str) -> bool:
    project = store.projects.get(project_id)
    if project is None:
        return False
    if isinstance(actor, DeviceActor):
        device = store.devices.get(actor.device_id)
        return device is not None and device.project_id == project_id
    return organization_role(store, actor, project.organization_id) >= Role.MEMBER


def _describe(actor: Actor) -> str:
    if isinstance(actor, DeviceActor):
        return f"Device {actor.device_id}"
    if isinstance(actor, OrganizationApiTokenActor):
        return f"Organization API token {actor.token_id}"
    if isinstance(actor, ClusterNodeActor):
        return f"Cluster node {actor.node_id}"
    user_id = actor_user_id(actor)
    return f"User {user_id}" if user_id else type(actor).__name__


def _forbidden(actor: Actor, action: str, reason: str = "") -> ForbiddenError:
    return ForbiddenError(
        MSG_NOT_ALLOWED.format(actor=_describe(actor), action=action, reason=reason)
    )


_ENTITY_NAMES = {
    "organization": "Organization",
    "project": "Project",
    "device": "Device",
    "certificate": "Certificate",
    "connection": "Connection",
    "deployment_token": "Deployment token",
    "repository": "Repository",
    "user": "User",
    "user_token": "User token",
    "pairing_key": "Pairing key",
    "device_operation": "Device operation",
    "fleet_operation": "Fleet operation",
}


def check(store: Store, actor: Actor, action: str, rule: Rule, target: Target) -> None:
    """Raise unless the actor may invoke ``action`` on this target."""
    if rule.level == "anyone":
        return
    if isinstance(actor, AnonymousActor):
        raise UnauthenticatedError(MSG_NO_CREDENTIALS)
    if rule.level == "authenticated":
        return
    if rule.scope == "none":
        if rule.level == "instance_admin" and not is_instance_admin(store, actor):
            raise _forbidden(actor, action, " (instance administrators only)")
        if rule.level == "user" and actor_user_id(actor) is None:
            raise _forbidden(actor, action, " (users only)")
        if rule.level == "user_or_token" and isinstance(actor, DeviceActor | ClusterNodeActor):
            raise _forbidden(actor, action, " (users and organization API tokens only)")
        return
    # An actor that may not call the action at all is told so before anything is looked up,
    # so the answer is the same whether the entity exists or not (no existence oracle, D1).
    if isinstance(actor, DeviceActor) and not rule.device_may:
        raise _forbidden(actor, action, " (devices may not)")
    if isinstance(actor, ClusterNodeActor) and rule.level != "connection_manager":
        raise _forbidden(actor, action)
    if target.missing is not None:
        raise target.missing
    if rule.scope in ("user", "user_token"):
        if is_instance_admin(store, actor) or actor_user_id(actor) == target.user_id:
            return
        raise _unseen(rule, target)

    if isinstance(actor, DeviceActor):
        if not rule.device_may:
            raise _forbidden(actor, action, " (devices may not)")
        if target.device_id != actor.device_id:
            raise _unseen(rule, target)  # devices see nothing beyond themselves
        return
    if isinstance(actor, ClusterNodeActor):
        if rule.level == "connection_manager":
            return
        raise _forbidden(actor, action)

    assert target.organization_id is not None
    role = organization_role(store, actor, target.organization_id)
    if role == Role.NONE:
        raise _unseen(rule, target)
    if rule.level == "connection_manager" and role < Role.INSTANCE_ADMIN:
        raise _forbidden(actor, action, " (cluster nodes and instance administrators only)")
    if rule.level == "admin" and role < Role.ADMIN:
        raise _forbidden(actor, action, " (organization administrators only)")
    if rule.level == "instance_admin" and role < Role.INSTANCE_ADMIN:
        raise _forbidden(actor, action, " (instance administrators only)")


def _unseen(rule: Rule, target: Target) -> NotFoundError:
    """An entity the actor may not see answers exactly as a missing one."""
    assert target.entity_id is not None
    return not_found(_ENTITY_NAMES[rule.scope], target.entity_id)
