"""Deployment tokens of a project: create, query, delete, flags (SEMANTICS.md §7.7-7.11)."""

from __future__ import annotations

from typing import Any

from nexigon_fake.clock import format_timestamp
from nexigon_fake.ids import public_id
from nexigon_fake.state.model import DeploymentTokenRecord, Project
from nexigon_fake.state.store import Context, Store
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


def mint_deployment_token(
    ctx: Context,
    project: Project,
    name: str | None,
    auto_accept: bool | None,
    device_id: str | None = None,
) -> DeploymentTokenRecord:
    """A new token of the project (by action, or bound to a device by a pairing key)."""
    store = ctx.store
    secret = store.ids.secret("deployment")
    token = DeploymentTokenRecord(
        token_id=public_id(secret),
        secret=secret,
        project_id=project.project_id,
        name=name,
        auto_accept=auto_accept,
        created_at=store.now(),
        device_id=device_id,
    )
    store.deployment_tokens[token.token_id] = token
    store.deployment_tokens_by_secret[secret] = token.token_id
    project.token_ids[token.token_id] = None
    data: dict[str, Any] = {"projectId": project.project_id, "tokenId": token.token_id}
    if device_id is not None:
        store.bound_tokens.setdefault(device_id, {})[token.token_id] = None
        data["deviceId"] = device_id
    data["flags"] = _flags(auto_accept)
    ctx.audit("projects_DeploymentTokenCreated", data, project_id=project.project_id)
    return token


def create_deployment_token(
    ctx: Context, request: CreateDeploymentTokenAction
) -> CreateDeploymentTokenOutput:
    project = ctx.store.project(request.project_id)
    auto_accept = None if request.flags is None else request.flags.auto_accept
    token = mint_deployment_token(ctx, project, request.name, auto_accept)
    return CreateDeploymentTokenOutput(token_id=token.token_id, token=token.secret)


def drop_deployment_token(store: Store, token: DeploymentTokenRecord) -> None:
    """Forget a token and every index that names it (no audit: callers decide)."""
    del store.deployment_tokens[token.token_id]
    del store.deployment_tokens_by_secret[token.secret]
    store.projects[token.project_id].token_ids.pop(token.token_id, None)
    if token.device_id is not None:
        bound = store.bound_tokens.get(token.device_id, {})
        bound.pop(token.token_id, None)
        if not bound:
            store.bound_tokens.pop(token.device_id, None)


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
                device_id=t.device_id,
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
    drop_deployment_token(store, token)
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
