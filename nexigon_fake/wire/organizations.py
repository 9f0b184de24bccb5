"""The ``organizations``, ``users`` and ``repositories`` actions the seed actions depend on.

Shapes as in SDK 0.0.1 (SEMANTICS.md §17, D15).
"""

from __future__ import annotations

from typing import Annotated, Literal

from nexigon_fake.ids import END
from nexigon_fake.wire.common import (
    Action,
    Empty,
    Name128,
    OrganizationId,
    ProjectId,
    RepositoryId,
    Timestamp,
    UserId,
    UserToken,
    UserTokenId,
    WireStruct,
    length_rule,
)

RepositoryVisibility = Literal["Public", "Private"]
OrganizationName = Annotated[
    str, length_rule(1, 128, "Organization name must be between 1 and 128 characters.")
]
Email = Annotated[
    str,
    length_rule(
        3,
        254,
        "Email must be between 3 and 254 characters.",
        pattern="^[^@\\s]+@[^@\\s]+" + END,
        rule="Email must look like `name@domain`.",
    ),
]
RepositoryName = Annotated[
    str, length_rule(1, 128, "Repository name must be between 1 and 128 characters.")
]


# organizations_*


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


# users_*


class CreateUserCreated(WireStruct, tag_field="result", tag="Created"):
    user_id: UserId


class CreateUserEmailAlreadyExists(WireStruct, tag_field="result", tag="EmailAlreadyExists"):
    pass


CreateUserOutput = CreateUserCreated | CreateUserEmailAlreadyExists


class CreateUserAction(Action[CreateUserOutput]):
    email: Email
    display_name: Name128 | None = None
    password: str | None = None
    is_admin: bool | None = None


class CreateUserTokenOutput(WireStruct):
    token_id: UserTokenId
    token: UserToken


class CreateUserTokenAction(Action[CreateUserTokenOutput]):
    user_id: UserId
    name: Name128 | None = None


class QueryUserTokensItem(WireStruct):
    token_id: UserTokenId
    created_at: Timestamp
    name: str | None = None


class QueryUserTokensOutput(WireStruct):
    tokens: list[QueryUserTokensItem]


class QueryUserTokensAction(Action[QueryUserTokensOutput]):
    user_id: UserId


class DeleteUserTokenAction(Action[Empty]):
    token_id: UserTokenId


# repositories_*


class CreateRepositorySuccess(WireStruct, tag_field="result", tag="Created"):
    repository_id: RepositoryId


class CreateRepositoryNameAlreadyExists(WireStruct, tag_field="result", tag="NameAlreadyExists"):
    pass


CreateRepositoryOutput = CreateRepositorySuccess | CreateRepositoryNameAlreadyExists


class CreateRepositoryAction(Action[CreateRepositoryOutput]):
    organization_id: OrganizationId
    name: RepositoryName
    visibility: RepositoryVisibility | None = None


class GetRepositoryDetailsOutput(WireStruct, kw_only=True):
    repository_id: RepositoryId
    display_name: str
    public_name: str | None = None
    visibility: RepositoryVisibility
    package_count: int
    asset_count: int


class GetRepositoryDetailsAction(Action[GetRepositoryDetailsOutput]):
    repository_id: RepositoryId


class DeleteRepositoryAction(Action[Empty]):
    repository_id: RepositoryId


class QueryRepositoryProjectsItem(WireStruct):
    project_id: ProjectId
    name: str


class QueryRepositoryProjectsOutput(WireStruct):
    projects: list[QueryRepositoryProjectsItem]


class QueryRepositoryProjectsAction(Action[QueryRepositoryProjectsOutput]):
    repository_id: RepositoryId
