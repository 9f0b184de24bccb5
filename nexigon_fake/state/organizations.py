"""Organizations, their members and API tokens (D13, D15): the ``organizations`` actions."""

from __future__ import annotations

from nexigon_fake.errors import MSG_MEMBER_EXISTS, MSG_NOT_MEMBER, InvalidError
from nexigon_fake.ids import public_id
from nexigon_fake.state.access import Role, actor_user_id, organization_role
from nexigon_fake.state.model import (
    Organization,
    OrganizationApiTokenRecord,
)
from nexigon_fake.state.projects import remove_project
from nexigon_fake.state.repositories import public_name
from nexigon_fake.state.store import Context, Store
from nexigon_fake.wire.common import Empty
from nexigon_fake.wire.organizations import (
    AddOrganizationMemberAction,
    CreateOrganizationAction,
    CreateOrganizationOutput,
    DeleteOrganizationAction,
    QueryOrganizationMembersAction,
    QueryOrganizationMembersItem,
    QueryOrganizationMembersOutput,
    QueryOrganizationProjectsAction,
    QueryOrganizationProjectsItem,
    QueryOrganizationProjectsOutput,
    QueryOrganizationRepositoriesAction,
    QueryOrganizationRepositoriesItem,
    QueryOrganizationRepositoriesOutput,
    QueryOrganizationsAction,
    QueryOrganizationsItem,
    QueryOrganizationsOutput,
    RemoveOrganizationMemberAction,
)


def add_organization(
    ctx: Context, name: str, admins: list[str], requires_subscription: bool
) -> Organization:
    store = ctx.store
    for user_id in admins:  # every admin exists before anything changes, ids included
        store.user(user_id)
    organization = Organization(
        organization_id=store.ids.flat("org"),
        name=name,
        requires_subscription=requires_subscription,
    )
    for user_id in admins:
        organization.members[user_id] = True
        store.users[user_id].organization_ids[organization.organization_id] = None
    store.organizations[organization.organization_id] = organization
    ctx.audit(
        "organizations_Created",
        {"organizationId": organization.organization_id},
        organization_id=organization.organization_id,
    )
    return organization


def add_organization_token(store: Store, organization: Organization) -> OrganizationApiTokenRecord:
    secret = store.ids.secret("org_sk")
    token = OrganizationApiTokenRecord(
        token_id=public_id(secret),
        secret=secret,
        organization_id=organization.organization_id,
        created_at=store.now(),
    )
    store.organization_tokens[token.token_id] = token
    store.organization_tokens_by_secret[secret] = token.token_id
    organization.api_token_ids[token.token_id] = None
    return token


def query(ctx: Context, request: QueryOrganizationsAction) -> QueryOrganizationsOutput:
    store = ctx.store
    return QueryOrganizationsOutput(
        organizations=[
            QueryOrganizationsItem(organization_id=o.organization_id, name=o.name)
            for o in store.organizations.values()
            if organization_role(store, ctx.actor, o.organization_id) >= Role.MEMBER
        ]
    )


def create(ctx: Context, request: CreateOrganizationAction) -> CreateOrganizationOutput:
    """Without ``admins`` the creating user becomes the only admin."""
    admins = request.admins
    if admins is None:
        creator = actor_user_id(ctx.actor)
        admins = [] if creator is None else [creator]
    organization = add_organization(ctx, request.name, admins, request.requires_subscription)
    return CreateOrganizationOutput(organization_id=organization.organization_id)


def query_projects(
    ctx: Context, request: QueryOrganizationProjectsAction
) -> QueryOrganizationProjectsOutput:
    store = ctx.store
    organization = store.organization(request.organization_id)
    return QueryOrganizationProjectsOutput(
        projects=[
            QueryOrganizationProjectsItem(project_id=p, name=store.projects[p].name)
            for p in organization.project_ids
        ]
    )


def query_members(
    ctx: Context, request: QueryOrganizationMembersAction
) -> QueryOrganizationMembersOutput:
    store = ctx.store
    organization = store.organization(request.organization_id)
    return QueryOrganizationMembersOutput(
        members=[
            QueryOrganizationMembersItem(
                user_id=user_id,
                display_name=store.users[user_id].display_name,
                email=store.users[user_id].email,
                is_admin=is_admin,
            )
            for user_id, is_admin in organization.members.items()
        ]
    )


def add_member(ctx: Context, request: AddOrganizationMemberAction) -> Empty:
    store = ctx.store
    organization = store.organization(request.organization_id)
    user = store.user(request.user_id)
    if user.user_id in organization.members:
        raise InvalidError(
            MSG_MEMBER_EXISTS.format(
                user_id=user.user_id, organization_id=organization.organization_id
            )
        )
    is_admin = bool(request.is_admin)
    organization.members[user.user_id] = is_admin
    user.organization_ids[organization.organization_id] = None
    ctx.audit(
        "organizations_MemberAdded",
        {
            "organizationId": organization.organization_id,
            "userId": user.user_id,
            "isAdmin": is_admin,
        },
        organization_id=organization.organization_id,
    )
    return Empty()


def remove_member(ctx: Context, request: RemoveOrganizationMemberAction) -> Empty:
    store = ctx.store
    organization = store.organization(request.organization_id)
    if request.user_id not in organization.members:
        raise InvalidError(
            MSG_NOT_MEMBER.format(
                user_id=request.user_id, organization_id=organization.organization_id
            )
        )
    del organization.members[request.user_id]
    store.users[request.user_id].organization_ids.pop(organization.organization_id, None)
    ctx.audit(
        "organizations_MemberRemoved",
        {"organizationId": organization.organization_id, "userId": request.user_id},
        organization_id=organization.organization_id,
    )
    return Empty()


def delete(ctx: Context, request: DeleteOrganizationAction) -> Empty:
    """Cascade: projects (with everything in them), repositories, API tokens, memberships."""
    store = ctx.store
    organization = store.organization(request.organization_id)
    for project_id in list(organization.project_ids):
        remove_project(store, store.projects[project_id])
    for repository_id in organization.repository_ids:
        del store.repositories[repository_id]
    for token_id in organization.api_token_ids:
        token = store.organization_tokens.pop(token_id)
        del store.organization_tokens_by_secret[token.secret]
    for user_id in organization.members:
        store.users[user_id].organization_ids.pop(organization.organization_id, None)
    del store.organizations[organization.organization_id]
    ctx.audit("organizations_Deleted", {"organizationId": organization.organization_id})
    return Empty()


def query_repositories(
    ctx: Context, request: QueryOrganizationRepositoriesAction
) -> QueryOrganizationRepositoriesOutput:
    """In creation order, HEAD items (C39)."""
    store = ctx.store
    organization = store.organization(request.organization_id)
    return QueryOrganizationRepositoriesOutput(
        repositories=[
            QueryOrganizationRepositoriesItem(
                repository_id=r.repository_id,
                display_name=r.name,
                slug=r.slug,
                public_name=public_name(r),
            )
            for r in (store.repositories[i] for i in organization.repository_ids)
        ]
    )
