"""Repositories of an organization (D15, D43): the ``repositories`` actions in HEAD shapes."""

from __future__ import annotations

from nexigon_fake.state.model import (
    Repository,
)
from nexigon_fake.state.store import Context, Store
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
    SetRepositoryDisplayNameAction,
    SetRepositorySlugAction,
    SetRepositorySlugAlreadyExists,
    SetRepositorySlugOutput,
    SetRepositorySlugSuccess,
)


def public_name(repository: Repository) -> str:
    """HEAD's deprecated ``publicName``: the slug, or the repository id while it has none."""
    return repository.repository_id if repository.slug is None else repository.slug


def _name_taken(store: Store, organization_id: str, name: str) -> bool:
    """Display names are unique within an organization (C41)."""
    organization = store.organizations[organization_id]
    return any(store.repositories[r].name == name for r in organization.repository_ids)


def create(ctx: Context, request: CreateRepositoryAction) -> CreateRepositoryOutput:
    """HEAD's ``displayName`` or SDK 0.0.1's ``name`` becomes the display name; no slug (C37)."""
    store = ctx.store
    organization = store.organization(request.organization_id)
    name = request.effective_display_name
    if _name_taken(store, organization.organization_id, name):
        return CreateRepositoryNameAlreadyExists()
    repository = Repository(
        repository_id=store.ids.flat("repo"),
        organization_id=organization.organization_id,
        name=name,
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
    """Counts are 0: the fake's repositories hold no packages or assets."""
    repository = ctx.store.repository(request.repository_id)
    return GetRepositoryDetailsOutput(
        repository_id=repository.repository_id,
        display_name=repository.name,
        slug=repository.slug,
        public_name=public_name(repository),
        visibility=repository.visibility,
        package_count=0,
        asset_count=0,
    )


def set_display_name(ctx: Context, request: SetRepositoryDisplayNameAction) -> Empty:
    """Display names need not be unique here: upstream's output has no ``NameAlreadyExists``
    (only ``repositories_Create`` refuses a taken one). Unchanged names are not audited."""
    repository = ctx.store.repository(request.repository_id)
    if repository.name == request.display_name:
        return Empty()
    repository.name = request.display_name
    ctx.audit(
        "repositories_DisplayNameChanged",
        {"repositoryId": repository.repository_id, "displayName": request.display_name},
        organization_id=repository.organization_id,
        repository_id=repository.repository_id,
    )
    return Empty()


def set_slug(ctx: Context, request: SetRepositorySlugAction) -> SetRepositorySlugOutput:
    """Slugs are unique across the instance, compared exactly; setting a repository's own slug
    again succeeds without change. No subscription is needed (C40). The scan is over
    repositories, which a fake holds few of."""
    store = ctx.store
    repository = store.repository(request.repository_id)
    if repository.slug == request.slug:
        return SetRepositorySlugSuccess()
    if any(other.slug == request.slug for other in store.repositories.values()):
        return SetRepositorySlugAlreadyExists()
    repository.slug = request.slug
    ctx.audit(
        "repositories_SlugChanged",
        {"repositoryId": repository.repository_id, "slug": request.slug},
        organization_id=repository.organization_id,
        repository_id=repository.repository_id,
    )
    return SetRepositorySlugSuccess()


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
