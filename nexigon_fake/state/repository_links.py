"""Repositories linked to a project (SEMANTICS.md §7.8, §7.13-7.14, D7)."""

from __future__ import annotations

from nexigon_fake.state.access import Role, organization_role
from nexigon_fake.state.model import Repository
from nexigon_fake.state.repositories import public_name
from nexigon_fake.state.store import Context, not_found
from nexigon_fake.wire.common import Empty
from nexigon_fake.wire.projects import (
    AddProjectRepositoryAction,
    QueryProjectRepositoriesAction,
    QueryProjectRepositoriesItem,
    QueryProjectRepositoriesOutput,
    RemoveProjectRepositoryAction,
)


def query_linked_repositories(
    ctx: Context, request: QueryProjectRepositoriesAction
) -> QueryProjectRepositoriesOutput:
    """HEAD items (D43): ``publicName`` is the slug, or the repository id without one."""
    store = ctx.store
    project = store.project(request.project_id)
    return QueryProjectRepositoriesOutput(
        repositories=[
            QueryProjectRepositoriesItem(
                repository_id=r.repository_id,
                display_name=r.name,
                slug=r.slug,
                public_name=public_name(r),
            )
            for r in (store.repositories[i] for i in project.repository_ids)
        ]
    )


def _visible_repository(ctx: Context, repository_id: str) -> Repository:
    """The repository, if the actor may see it; another organization's is as good as missing."""
    repository = ctx.store.repository(repository_id)
    if organization_role(ctx.store, ctx.actor, repository.organization_id) < Role.MEMBER:
        raise not_found("Repository", repository_id)
    return repository


def link_repository(ctx: Context, request: AddProjectRepositoryAction) -> Empty:
    """Linking an already linked repository succeeds without change (and without audit)."""
    store = ctx.store
    project = store.project(request.project_id)
    repository = _visible_repository(ctx, request.repository_id)
    if repository.repository_id in project.repository_ids:
        return Empty()
    project.repository_ids[repository.repository_id] = None
    repository.project_ids[project.project_id] = None
    ctx.audit(
        "projects_RepositoryAdded",
        {"projectId": project.project_id, "repositoryId": repository.repository_id},
        project_id=project.project_id,
        repository_id=repository.repository_id,
    )
    return Empty()


def unlink_repository(ctx: Context, request: RemoveProjectRepositoryAction) -> Empty:
    store = ctx.store
    project = store.project(request.project_id)
    repository = _visible_repository(ctx, request.repository_id)
    if repository.repository_id not in project.repository_ids:
        return Empty()
    del project.repository_ids[repository.repository_id]
    repository.project_ids.pop(project.project_id, None)
    ctx.audit(
        "projects_RepositoryRemoved",
        {"projectId": project.project_id, "repositoryId": repository.repository_id},
        project_id=project.project_id,
        repository_id=repository.repository_id,
    )
    return Empty()
