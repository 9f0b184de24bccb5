"""The ``repositories`` actions the seed actions depend on, in HEAD shapes (D43, D47).

``repositories_Create`` still takes SDK 0.0.1's ``name`` as another spelling of HEAD's
``displayName``; the outputs are HEAD's (a superset of the SDK's).
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from nexigon_fake.errors import MSG_REPOSITORY_NAME_ONE_OF
from nexigon_fake.ids import END
from nexigon_fake.wire.common import (
    U64,
    Action,
    Empty,
    OrganizationId,
    ProjectId,
    RepositoryId,
    WireStruct,
    length_rule,
)

RepositoryVisibility = Literal["Public", "Private"]
RepositoryName = Annotated[
    str, length_rule(1, 128, "Repository name must be between 1 and 128 characters.")
]
RepositoryDisplayName = Annotated[
    str, length_rule(1, 128, "Display name must be between 1 and 128 characters.")
]
REPOSITORY_SLUG_PATTERN = "^[a-zA-Z0-9][a-zA-Z0-9._-]*" + END
RepositorySlug = Annotated[
    str,
    length_rule(
        1,
        128,
        "Repository slug must be between 1 and 128 characters.",
        pattern=REPOSITORY_SLUG_PATTERN,
        rule="Repository slug must start with a letter or digit and contain only letters, "
        "digits, dots, underscores, or hyphens.",
    ),
]


class CreateRepositorySuccess(WireStruct, tag_field="result", tag="Created"):
    repository_id: RepositoryId


class CreateRepositoryNameAlreadyExists(WireStruct, tag_field="result", tag="NameAlreadyExists"):
    pass


CreateRepositoryOutput = CreateRepositorySuccess | CreateRepositoryNameAlreadyExists


class CreateRepositoryAction(Action[CreateRepositoryOutput]):
    """HEAD sends ``displayName``, SDK 0.0.1 ``name``: exactly one of them (D43)."""

    EXACTLY_ONE_OF: ClassVar[tuple[str, ...]] = ("display_name", "name")

    organization_id: OrganizationId
    display_name: RepositoryDisplayName | None = None
    name: RepositoryDisplayName | None = None
    visibility: RepositoryVisibility | None = None

    def __post_init__(self) -> None:
        if (self.display_name is None) == (self.name is None):
            raise ValueError(MSG_REPOSITORY_NAME_ONE_OF)

    @property
    def effective_display_name(self) -> str:
        """The display name, whichever spelling carried it."""
        name = self.display_name if self.display_name is not None else self.name
        assert name is not None  # __post_init__
        return name


class GetRepositoryDetailsOutput(WireStruct, kw_only=True):
    repository_id: RepositoryId
    display_name: str
    slug: str | None = None
    public_name: str  # deprecated upstream: the slug, or the repository id without one
    visibility: RepositoryVisibility
    package_count: U64
    asset_count: U64


class GetRepositoryDetailsAction(Action[GetRepositoryDetailsOutput]):
    repository_id: RepositoryId


class DeleteRepositoryAction(Action[Empty]):
    repository_id: RepositoryId


class QueryRepositoryProjectsItem(WireStruct):
    project_id: ProjectId
    name: str


class QueryRepositoryProjectsOutput(WireStruct):
    projects: list[QueryRepositoryProjectsItem]


class QueryRepositoryProjectsAction(Action[QueryRepositoryProjectsOutput]):
    repository_id: RepositoryId


class SetRepositoryDisplayNameAction(Action[Empty]):
    repository_id: RepositoryId
    display_name: RepositoryDisplayName


class SetRepositorySlugSuccess(WireStruct, tag_field="result", tag="Success"):
    pass


class SetRepositorySlugAlreadyExists(WireStruct, tag_field="result", tag="SlugAlreadyExists"):
    pass


SetRepositorySlugOutput = SetRepositorySlugAlreadyExists | SetRepositorySlugSuccess


class SetRepositorySlugAction(Action[SetRepositorySlugOutput]):
    repository_id: RepositoryId
    slug: RepositorySlug
