"""Deployment tokens of a project: create, query, delete, flags (SEMANTICS.md §7.7-7.11)."""

from __future__ import annotations

from typing import Any

from nexigon_fake.clock import format_timestamp
from nexigon_fake.ids import public_id
from nexigon_fake.state.model import DeploymentTokenRecord
from nexigon_fake.state.store import Context
from nexigon_fake.wire.common import Empty
from nexigon_fake.wire.projects import (
    CreateDeploymentTokenAction,
    CreateDeploymentTokenOutput,
    DeleteDeploymentTokenAction,
    DeploymentTokenFlags,
    QueryProjectDeploymentTokensAction,
    QueryProjectDeploymentTokensItem,
    QueryProjectDeploymentTokensOutput,
    SetDeploymentTokenFlagsAction,
)


def _flags(auto_accept: bool | None) -> dict[str, Any]:
    return {} if auto_accept is None else {"autoAccept": auto_accept}


def create_deployment_token(
    ctx: Context, request: CreateDeploymentTokenAction
) -> CreateDeploymentTokenOutput:
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


def query_deployment_tokens(
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


def delete_deployment_token(ctx: Context, request: DeleteDeploymentTokenAction) -> Empty:
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


def set_deployment_token_flags(ctx: Context, request: SetDeploymentTokenFlagsAction) -> Empty:
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
