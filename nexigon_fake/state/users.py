"""Users and their tokens (D13): the bootstrap helpers and the ``users`` actions."""

from __future__ import annotations

from nexigon_fake.clock import format_timestamp
from nexigon_fake.ids import public_id
from nexigon_fake.state.model import (
    User,
    UserTokenRecord,
)
from nexigon_fake.state.store import Context, Store
from nexigon_fake.wire.common import Empty
from nexigon_fake.wire.users import (
    CreateUserAction,
    CreateUserCreated,
    CreateUserEmailAlreadyExists,
    CreateUserOutput,
    CreateUserTokenAction,
    CreateUserTokenOutput,
    DeleteUserTokenAction,
    QueryUserTokensAction,
    QueryUserTokensItem,
    QueryUserTokensOutput,
)


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


def create(ctx: Context, request: CreateUserAction) -> CreateUserOutput:
    store = ctx.store
    if request.email.lower() in store.users_by_email:
        return CreateUserEmailAlreadyExists()
    user = add_user(store, request.email, request.display_name, bool(request.is_admin))
    return CreateUserCreated(user_id=user.user_id)


def create_token(ctx: Context, request: CreateUserTokenAction) -> CreateUserTokenOutput:
    store = ctx.store
    token = add_user_token(store, store.user(request.user_id), request.name)
    return CreateUserTokenOutput(token_id=token.token_id, token=token.secret)


def query_tokens(ctx: Context, request: QueryUserTokensAction) -> QueryUserTokensOutput:
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


def delete_token(ctx: Context, request: DeleteUserTokenAction) -> Empty:
    store = ctx.store
    token = store.user_token(request.token_id)
    del store.user_tokens[token.token_id]
    del store.user_tokens_by_secret[token.secret]
    del store.users[token.user_id].token_ids[token.token_id]
    return Empty()
