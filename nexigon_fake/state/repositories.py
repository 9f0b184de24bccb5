"""Repositories of an organization (D15): the ``repositories`` actions."""

from __future__ import annotations

from nexigon_fake.state.model import (
    Repository,
)
from nexigon_fake.state.store import Context
from nexigon_fake.wire.common import Empty
from nexigon_fake.wire.repositories import (
    CreateRepositoryAction,
    CreateRepositoryNameAlreadyExists,
    CreateRepositoryOutput,
    CreateRepositorySuccess,
    DeleteRepositoryAction,
    GetRepositoryDetailsAction,
    GetRepositoryDetailsOutput,
    QueryRepositoryProjectsAction,
    QueryRepositoryProjectsItem,
    QueryRepositoryProjectsOutput,
)


def create(ctx: Context, request: CreateRepositoryAction) -> CreateRepositoryOutput:
    """Names are unique within an organization."""
    store = ctx.store
    organization = store.organization(request.organization_id)
    for repository_id in organization.repository_ids:
        if store.repositories[repository_id].name == request.name:
            return CreateRepositoryNameAlreadyExists()
    repository = Repository(
        repository_id=store.ids.flat("repo"),
        organization_id=organization.organization_id,
        name=request.name,
        visibility=request.visibility or "Private",
    )
    store.repositories[repository.repository_id] = repository
    organization.repository_ids[repository.repository_id] = None
    ctx.audit(
        "repositories_Created",
        {"repositoryId": repository.repository_id, "organizationId": organization.organization_id},
        organization_id=organization.organization_id,
        repository_id=repository.repository_id,
    )
    return CreateRepositorySuccess(repository_id=repository.repository_id)


def get_details(ctx: Context, request: GetRepositoryDetailsAction) -> GetRepositoryDetailsOutput:
    repository = ctx.store.repository(request.repository_id)
    return GetRepositoryDetailsOutput(
        repository_id=repository.repository_id,
        display_name=repository.name,
        public_name=repository.name,
        visibility=repository.visibility,
        package_count=0,
        asset_count=0,
    )


def delete(ctx: Context, request: DeleteRepositoryAction) -> Empty:
    """Deleting a repository unlinks it from every project."""
    store = ctx.store
    repository = store.repository(request.repository_id)
    for project_id in repository.project_ids:
        store.projects[project_id].repository_ids.pop(repository.repository_id, None)
    del store.repositories[repository.repository_id]
    del store.organizations[repository.organization_id].repository_ids[repository.repository_id]
    ctx.audit(
        "repositories_Deleted",
        {"repositoryId": repository.repository_id},
        organization_id=repository.organization_id,
    )
    return Empty()


def query_linked_projects(
    ctx: Context, request: QueryRepositoryProjectsAction
) -> QueryRepositoryProjectsOutput:
    store = ctx.store
    repository = store.repository(request.repository_id)
    return QueryRepositoryProjectsOutput(
        projects=[
            QueryRepositoryProjectsItem(project_id=p, name=store.projects[p].name)
            for p in repository.project_ids
        ]
    )
