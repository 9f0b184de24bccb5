"""The ``users`` actions the seed actions depend on (SDK 0.0.1 shapes, SEMANTICS.md §17)."""

from __future__ import annotations

from typing import Annotated

from nexigon_fake.ids import END
from nexigon_fake.wire.common import (
    Action,
    Empty,
    Name128,
    Timestamp,
    UserId,
    UserToken,
    UserTokenId,
    WireStruct,
    length_rule,
)

Email = Annotated[
    str,
    length_rule(
        3,
        254,
        "Email must be between 3 and 254 characters.",
        pattern="^[^@\\s]+@[^@\\s]+" + END,
        rule="Email must look like `name@domain`.",
    ),
]


class CreateUserCreated(WireStruct, tag_field="result", tag="Created"):
    user_id: UserId


class CreateUserEmailAlreadyExists(WireStruct, tag_field="result", tag="EmailAlreadyExists"):
    pass


CreateUserOutput = CreateUserCreated | CreateUserEmailAlreadyExists


class CreateUserAction(Action[CreateUserOutput]):
    email: Email
    display_name: Name128 | None = None
    password: str | None = None
    is_admin: bool | None = None


class CreateUserTokenOutput(WireStruct):
    token_id: UserTokenId
    token: UserToken


class CreateUserTokenAction(Action[CreateUserTokenOutput]):
    user_id: UserId
    name: Name128 | None = None


class QueryUserTokensItem(WireStruct):
    token_id: UserTokenId
    created_at: Timestamp
    name: str | None = None


class QueryUserTokensOutput(WireStruct):
    tokens: list[QueryUserTokensItem]


class QueryUserTokensAction(Action[QueryUserTokensOutput]):
    user_id: UserId


class DeleteUserTokenAction(Action[Empty]):
    token_id: UserTokenId
