"""Actors (who performed an action) and ``actor_GetActor``."""

from __future__ import annotations

from nexigon_fake.wire.common import (
    Action,
    ClusterNodeId,
    DeploymentTokenId,
    DeviceId,
    OrganizationApiTokenId,
    OrganizationId,
    UserId,
    UserTokenId,
    WireStruct,
)


class AnonymousActor(WireStruct, tag_field="actor", tag="Anonymous"):
    pass


class SystemActor(WireStruct, tag_field="actor", tag="System"):
    pass


class DeviceActor(WireStruct, tag_field="actor", tag="Device"):
    device_id: DeviceId
    token_id: DeploymentTokenId


class UserActor(WireStruct, tag_field="actor", tag="User"):
    user_id: UserId


class UserTokenActor(WireStruct, tag_field="actor", tag="UserToken"):
    user_id: UserId
    token_id: UserTokenId


class ClusterNodeActor(WireStruct, tag_field="actor", tag="ClusterNode"):
    node_id: ClusterNodeId


class OrganizationApiTokenActor(WireStruct, tag_field="actor", tag="OrganizationApiToken"):
    organization_id: OrganizationId
    token_id: OrganizationApiTokenId


Actor = (
    AnonymousActor
    | SystemActor
    | DeviceActor
    | UserActor
    | UserTokenActor
    | ClusterNodeActor
    | OrganizationApiTokenActor
)


class GetActorOutput(WireStruct):
    actor: Actor


class GetActorAction(Action[GetActorOutput]):
    pass
