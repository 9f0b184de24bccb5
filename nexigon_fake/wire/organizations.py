"""The ``organizations`` actions the seed actions depend on (§17), in HEAD shapes (D47)."""

from __future__ import annotations

from typing import Annotated

from nexigon_fake.wire.common import (
    Action,
    Empty,
    OrganizationId,
    ProjectId,
    RepositoryId,
    UserId,
    WireStruct,
    length_rule,
)

OrganizationName = Annotated[
    str, length_rule(1, 128, "Organization name must be between 1 and 128 characters.")
]


class QueryOrganizationsItem(WireStruct):
    organization_id: OrganizationId
    name: str


class QueryOrganizationsOutput(WireStruct):
    organizations: list[QueryOrganizationsItem]


class QueryOrganizationsAction(Action[QueryOrganizationsOutput]):
    pass


class CreateOrganizationOutput(WireStruct):
    organization_id: OrganizationId


class CreateOrganizationAction(Action[CreateOrganizationOutput], kw_only=True):
    name: OrganizationName
    admins: list[UserId] | None = None
    requires_subscription: bool


class QueryOrganizationProjectsItem(WireStruct):
    project_id: ProjectId
    name: str


class QueryOrganizationProjectsOutput(WireStruct):
    projects: list[QueryOrganizationProjectsItem]


class QueryOrganizationProjectsAction(Action[QueryOrganizationProjectsOutput]):
    organization_id: OrganizationId


class QueryOrganizationMembersItem(WireStruct, kw_only=True):
    user_id: UserId
    display_name: str | None = None
    email: str
    is_admin: bool


class QueryOrganizationMembersOutput(WireStruct):
    members: list[QueryOrganizationMembersItem]


class QueryOrganizationMembersAction(Action[QueryOrganizationMembersOutput]):
    organization_id: OrganizationId


class AddOrganizationMemberAction(Action[Empty]):
    organization_id: OrganizationId
    user_id: UserId
    is_admin: bool | None = None


class RemoveOrganizationMemberAction(Action[Empty]):
    organization_id: OrganizationId
    user_id: UserId


class DeleteOrganizationAction(Action[Empty]):
    organization_id: OrganizationId


class QueryOrganizationRepositoriesItem(WireStruct, kw_only=True):
    """HEAD's item (C39): ``displayName`` always, ``slug`` when set, ``publicName`` = slug or id."""

    repository_id: RepositoryId
    display_name: str
    slug: str | None = None
    public_name: str


class QueryOrganizationRepositoriesOutput(WireStruct):
    repositories: list[QueryOrganizationRepositoriesItem]


class QueryOrganizationRepositoriesAction(Action[QueryOrganizationRepositoriesOutput]):
    organization_id: OrganizationId
