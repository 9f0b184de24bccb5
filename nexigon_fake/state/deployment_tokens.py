"""Deployment tokens, repository links and OTLP forwarding of a project."""

from __future__ import annotations

from typing import Any

from nexigon_fake.clock import format_timestamp
from nexigon_fake.errors import (
    MSG_OTLP_ENDPOINT_REQUIRED,
    MSG_OTLP_MASK_WITHOUT_VALUE,
    InvalidError,
)
from nexigon_fake.ids import public_id
from nexigon_fake.model import DeploymentTokenRecord, OtlpConfig, Repository
from nexigon_fake.state.access import Role, organization_role
from nexigon_fake.state.store import Context, not_found
from nexigon_fake.wire.common import Empty
from nexigon_fake.wire.projects import (
    AddProjectRepositoryAction,
    CreateDeploymentTokenAction,
    CreateDeploymentTokenOutput,
    DeleteDeploymentTokenAction,
    DeploymentTokenFlags,
    GetProjectOtlpConfigAction,
    GetProjectOtlpConfigOutput,
    ProjectOtlpConfig,
    QueryProjectDeploymentTokensAction,
    QueryProjectDeploymentTokensItem,
    QueryProjectDeploymentTokensOutput,
    QueryProjectRepositoriesAction,
    QueryProjectRepositoriesItem,
    QueryProjectRepositoriesOutput,
    RemoveProjectRepositoryAction,
    SetDeploymentTokenFlagsAction,
    SetProjectOtlpConfigAction,
)

HEADER_MASK = "********"


def _flags(auto_accept: bool | None) -> dict[str, Any]:
    return {} if auto_accept is None else {"autoAccept": auto_accept}


def create_token(ctx: Context, request: CreateDeploymentTokenAction) -> CreateDeploymentTokenOutput:
    store = ctx.store
    project = store.project(request.project_id)
    secret = store.ids.secret("deployment")
    auto_accept = None if request.flags is None else request.flags.auto_accept
    token = DeploymentTokenRecord(
        token_id=public_id(secret),
        secret=secret,
        project_id=project.project_id,
        name=request.name,
        auto_accept=auto_accept,
        created_at=store.now(),
    )
    store.deployment_tokens[token.token_id] = token
    store.deployment_tokens_by_secret[secret] = token.token_id
    project.token_ids[token.token_id] = None
    ctx.audit(
        "projects_DeploymentTokenCreated",
        {"projectId": project.project_id, "tokenId": token.token_id, "flags": _flags(auto_accept)},
        project_id=project.project_id,
    )
    return CreateDeploymentTokenOutput(token_id=token.token_id, token=secret)


def query_tokens(
    ctx: Context, request: QueryProjectDeploymentTokensAction
) -> QueryProjectDeploymentTokensOutput:
    """Flags are echoed as stored: ``{}`` when never given, an explicit false stays."""
    store = ctx.store
    project = store.project(request.project_id)
    return QueryProjectDeploymentTokensOutput(
        tokens=[
            QueryProjectDeploymentTokensItem(
                token_id=t.token_id,
                created_at=format_timestamp(t.created_at),
                name=t.name,
                flags=DeploymentTokenFlags(auto_accept=t.auto_accept),
            )
            for t in (store.deployment_tokens[i] for i in project.token_ids)
        ]
    )


def delete_token(ctx: Context, request: DeleteDeploymentTokenAction) -> Empty:
    """Devices the token admitted stay; the token no longer authenticates."""
    store = ctx.store
    token = store.deployment_token(request.token_id)
    del store.deployment_tokens[token.token_id]
    del store.deployment_tokens_by_secret[token.secret]
    del store.projects[token.project_id].token_ids[token.token_id]
    ctx.audit(
        "projects_DeploymentTokenDeleted",
        {"projectId": token.project_id, "tokenId": token.token_id},
        project_id=token.project_id,
    )
    return Empty()


def set_token_flags(ctx: Context, request: SetDeploymentTokenFlagsAction) -> Empty:
    """Flags are replaced wholesale."""
    token = ctx.store.deployment_token(request.token_id)
    token.auto_accept = request.flags.auto_accept
    ctx.audit(
        "projects_DeploymentTokenFlagsChanged",
        {
            "projectId": token.project_id,
            "tokenId": token.token_id,
            "flags": _flags(token.auto_accept),
        },
        project_id=token.project_id,
    )
    return Empty()


def query_repositories(
    ctx: Context, request: QueryProjectRepositoriesAction
) -> QueryProjectRepositoriesOutput:
    """``publicName`` is the repository's name; the display name is the same name."""
    store = ctx.store
    project = store.project(request.project_id)
    return QueryProjectRepositoriesOutput(
        repositories=[
            QueryProjectRepositoriesItem(
                repository_id=r.repository_id, public_name=r.name, display_name=r.name
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


def get_otlp(ctx: Context, request: GetProjectOtlpConfigAction) -> GetProjectOtlpConfigOutput:
    """Header values are masked; a never configured project reads as disabled."""
    project = ctx.store.project(request.project_id)
    config = project.otlp
    if config is None:
        return GetProjectOtlpConfigOutput(config=ProjectOtlpConfig(enabled=False, headers={}))
    return GetProjectOtlpConfigOutput(
        config=ProjectOtlpConfig(
            enabled=config.enabled,
            endpoint=config.endpoint,
            headers={name: HEADER_MASK for name in config.headers},
        )
    )


def set_otlp(ctx: Context, request: SetProjectOtlpConfigAction) -> Empty:
    """Full replacement; a header sent back as the mask keeps its stored value."""
    project = ctx.store.project(request.project_id)
    config = request.config
    if config.enabled and config.endpoint is None:
        raise InvalidError(MSG_OTLP_ENDPOINT_REQUIRED)
    previous = project.otlp.headers if project.otlp is not None else {}
    headers: dict[str, str] = {}
    for name, value in config.headers.items():
        if value == HEADER_MASK:
            if name not in previous:
                raise InvalidError(MSG_OTLP_MASK_WITHOUT_VALUE.format(header=name))
            headers[name] = previous[name]
        else:
            headers[name] = value
    project.otlp = OtlpConfig(enabled=config.enabled, endpoint=config.endpoint, headers=headers)
    return Empty()
