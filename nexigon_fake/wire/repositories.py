"""The ``repositories`` actions the seed actions depend on (SDK 0.0.1 shapes, SEMANTICS.md §17)."""

from __future__ import annotations

from typing import Annotated, Literal

from nexigon_fake.wire.common import (
    Action,
    Empty,
    OrganizationId,
    ProjectId,
    RepositoryId,
    WireStruct,
    length_rule,
)

RepositoryVisibility = Literal["Public", "Private"]
RepositoryName = Annotated[
    str, length_rule(1, 128, "Repository name must be between 1 and 128 characters.")
]


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
