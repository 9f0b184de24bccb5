"""Organizations, users and their tokens, repositories, and ``actor_GetActor`` (D13, D15)."""

from __future__ import annotations

from nexigon_fake.clock import format_timestamp
from nexigon_fake.errors import MSG_MEMBER_EXISTS, MSG_NOT_MEMBER, InvalidError
from nexigon_fake.ids import public_id
from nexigon_fake.state.access import Role, actor_user_id, organization_role
from nexigon_fake.state.model import (
    Organization,
    OrganizationApiTokenRecord,
    Repository,
    User,
    UserTokenRecord,
)
from nexigon_fake.state.projects import remove_project
from nexigon_fake.state.store import Context, Store
from nexigon_fake.wire.actor import GetActorAction, GetActorOutput
from nexigon_fake.wire.common import Empty
from nexigon_fake.wire.organizations import (
    AddOrganizationMemberAction,
    CreateOrganizationAction,
    CreateOrganizationOutput,
    CreateRepositoryAction,
    CreateRepositoryNameAlreadyExists,
    CreateRepositoryOutput,
    CreateRepositorySuccess,
    CreateUserAction,
    CreateUserCreated,
    CreateUserEmailAlreadyExists,
    CreateUserOutput,
    CreateUserTokenAction,
    CreateUserTokenOutput,
    DeleteOrganizationAction,
    DeleteRepositoryAction,
    DeleteUserTokenAction,
    GetRepositoryDetailsAction,
    GetRepositoryDetailsOutput,
    QueryOrganizationMembersAction,
    QueryOrganizationMembersItem,
    QueryOrganizationMembersOutput,
    QueryOrganizationProjectsAction,
    QueryOrganizationProjectsItem,
    QueryOrganizationProjectsOutput,
    QueryOrganizationsAction,
    QueryOrganizationsItem,
    QueryOrganizationsOutput,
    QueryRepositoryProjectsAction,
    QueryRepositoryProjectsItem,
    QueryRepositoryProjectsOutput,
    QueryUserTokensAction,
    QueryUserTokensItem,
    QueryUserTokensOutput,
    RemoveOrganizationMemberAction,
)

# Bootstrap and test helpers (no seed action creates these).


def add_user(store: Store, email: str, display_name: str | None, is_admin: bool) -> User:
    user = User(
        user_id=store.ids.flat("u"), email=email, display_name=display_name, is_admin=is_admin
    )
    store.users[user.user_id] = user
    store.users_by_email[email.lower()] = user.user_id
    return user


def add_user_token(
    store: Store, user: User, name: str | None, secret: str | None = None
) -> UserTokenRecord:
    """A user token; a caller-chosen secret outside the real format gets a drawn id."""
    if secret is None:
        secret = store.ids.secret("u_sk")
    try:
        token_id = public_id(secret)
    except (KeyError, ValueError):
        token_id = store.ids.flat("u_pk")
    if not token_id.startswith("u_pk_") or token_id in store.user_tokens:
        token_id = store.ids.flat("u_pk")
    token = UserTokenRecord(
        token_id=token_id, secret=secret, user_id=user.user_id, name=name, created_at=store.now()
    )
    store.user_tokens[token_id] = token
    store.user_tokens_by_secret[secret] = token_id
    user.token_ids[token_id] = None
    return token


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


# actor_GetActor


def get_actor(ctx: Context, request: GetActorAction) -> GetActorOutput:
    return GetActorOutput(actor=ctx.actor)


# organizations_*


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


# users_*


def create_user(ctx: Context, request: CreateUserAction) -> CreateUserOutput:
    store = ctx.store
    if request.email.lower() in store.users_by_email:
        return CreateUserEmailAlreadyExists()
    user = add_user(store, request.email, request.display_name, bool(request.is_admin))
    return CreateUserCreated(user_id=user.user_id)


def create_user_token(ctx: Context, request: CreateUserTokenAction) -> CreateUserTokenOutput:
    store = ctx.store
    token = add_user_token(store, store.user(request.user_id), request.name)
    return CreateUserTokenOutput(token_id=token.token_id, token=token.secret)


def query_user_tokens(ctx: Context, request: QueryUserTokensAction) -> QueryUserTokensOutput:
    store = ctx.store
    user = store.user(request.user_id)
    return QueryUserTokensOutput(
        tokens=[
            QueryUserTokensItem(
                token_id=t.token_id, created_at=format_timestamp(t.created_at), name=t.name
            )
            for t in (store.user_tokens[i] for i in user.token_ids)
        ]
    )


def delete_user_token(ctx: Context, request: DeleteUserTokenAction) -> Empty:
    store = ctx.store
    token = store.user_token(request.token_id)
    del store.user_tokens[token.token_id]
    del store.user_tokens_by_secret[token.secret]
    del store.users[token.user_id].token_ids[token.token_id]
    return Empty()


# repositories_*


def create_repository(ctx: Context, request: CreateRepositoryAction) -> CreateRepositoryOutput:
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


def repository_details(
    ctx: Context, request: GetRepositoryDetailsAction
) -> GetRepositoryDetailsOutput:
    repository = ctx.store.repository(request.repository_id)
    return GetRepositoryDetailsOutput(
        repository_id=repository.repository_id,
        display_name=repository.name,
        public_name=repository.name,
        visibility=repository.visibility,
        package_count=0,
        asset_count=0,
    )


def delete_repository(ctx: Context, request: DeleteRepositoryAction) -> Empty:
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


def query_repository_projects(
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
