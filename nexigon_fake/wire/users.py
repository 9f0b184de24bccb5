"""The ``users`` actions the seed actions depend on (SDK 0.0.1 shapes, SEMANTICS.md §17)."""

from __future__ import annotations

from typing import Annotated

from nexigon_fake.ids import END
from nexigon_fake.wire.common import (
    Action,
    Empty,
    Timestamp,
    UserId,
    UserToken,
    UserTokenId,
    WireStruct,
    length_rule,
)

EMAIL_PATTERN = "^[^\\s@]+@[^\\s@]+\\.[^\\s@]+" + END
Email = Annotated[
    str,
    length_rule(
        3,
        254,
        "Email must be between 3 and 254 characters.",
        pattern=EMAIL_PATTERN,
        rule="Email must be a valid email address.",
    ),
]
UserDisplayName = Annotated[
    str, length_rule(1, 128, "Display name must be between 1 and 128 characters.")
]
Password = Annotated[str, length_rule(8, 256, "Password must be between 8 and 256 characters.")]
UserTokenName = Annotated[
    str, length_rule(1, 128, "Token name must be between 1 and 128 characters.")
]


class CreateUserCreated(WireStruct, tag_field="result", tag="Created"):
    user_id: UserId


class CreateUserEmailAlreadyExists(WireStruct, tag_field="result", tag="EmailAlreadyExists"):
    pass


CreateUserOutput = CreateUserCreated | CreateUserEmailAlreadyExists


class CreateUserAction(Action[CreateUserOutput]):
    email: Email
    display_name: UserDisplayName | None = None
    password: Password | None = None
    is_admin: bool | None = None


class CreateUserTokenOutput(WireStruct):
    token_id: UserTokenId
    token: UserToken


class CreateUserTokenAction(Action[CreateUserTokenOutput]):
    user_id: UserId
    name: UserTokenName | None = None


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
