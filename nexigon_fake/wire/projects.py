"""Inputs and outputs of the ``projects`` namespace, named as upstream."""

from __future__ import annotations

from typing import Annotated, Literal

from nexigon_fake.wire.audit import AuditLogEvent
from nexigon_fake.wire.common import (
    U32,
    Action,
    DeploymentToken,
    DeploymentTokenId,
    DeviceId,
    Empty,
    FrozenWireStruct,
    OrganizationId,
    ProjectId,
    RepositoryId,
    Timestamp,
    WireStruct,
    length_rule,
)

DeviceStatus = Literal["healthy", "warning", "error", "offline"]

ProjectName = Annotated[
    str, length_rule(1, 128, "Project name must be between 1 and 128 characters.")
]
TokenName = Annotated[str, length_rule(1, 128, "Token name must be between 1 and 128 characters.")]
OTLP_ENDPOINT_PATTERN = "^https?://"
OtlpEndpoint = Annotated[
    str,
    length_rule(
        1,
        2048,
        "OTLP endpoint must be between 1 and 2048 characters.",
        pattern=OTLP_ENDPOINT_PATTERN,
        rule="OTLP endpoint must be an HTTP(S) URL.",
    ),
]


class QueryProjectsItem(WireStruct):
    project_id: ProjectId
    name: str


class QueryProjectsOutput(WireStruct):
    projects: list[QueryProjectsItem]


class QueryProjectsAction(Action[QueryProjectsOutput]):
    pass


class GetProjectDetailsOutput(WireStruct):
    project_id: ProjectId
    name: str
    device_count: U32


class GetProjectDetailsAction(Action[GetProjectDetailsOutput]):
    project_id: ProjectId


class SetProjectNameAction(Action[Empty]):
    project_id: ProjectId
    name: ProjectName


class CreateProjectSuccess(WireStruct, tag_field="result", tag="Created"):
    project_id: ProjectId


CreateProjectOutput = CreateProjectSuccess


class CreateProjectAction(Action[CreateProjectOutput]):
    organization_id: OrganizationId
    name: ProjectName


class DeleteProjectAction(Action[Empty]):
    project_id: ProjectId


class QueryProjectDevicesItem(FrozenWireStruct, kw_only=True, frozen=True):
    device_id: DeviceId
    name: str | None = None
    hostname: str | None = None
    first_seen: Timestamp
    status: DeviceStatus
    is_connected: bool
    pending_certificates_count: U32
    last_connected_at: Timestamp | None = None
    current_connection_duration_secs: U32 | None = None


class QueryProjectDevicesOutput(WireStruct):
    devices: list[QueryProjectDevicesItem]


class QueryProjectDevicesAction(Action[QueryProjectDevicesOutput]):
    project_id: ProjectId


class DeploymentTokenFlags(WireStruct):
    auto_accept: bool | None = None


class QueryProjectDeploymentTokensItem(WireStruct, kw_only=True):
    token_id: DeploymentTokenId
    device_id: DeviceId | None = None  # a device-bound token's device (SEMANTICS-HEAD D34)
    created_at: Timestamp
    name: str | None = None
    flags: DeploymentTokenFlags


class QueryProjectDeploymentTokensOutput(WireStruct):
    tokens: list[QueryProjectDeploymentTokensItem]


class QueryProjectDeploymentTokensAction(Action[QueryProjectDeploymentTokensOutput]):
    project_id: ProjectId


class QueryProjectRepositoriesItem(WireStruct, kw_only=True):
    """HEAD's item (D43): ``displayName`` always, ``slug`` when set, ``publicName`` = slug or id."""

    repository_id: RepositoryId
    display_name: str
    slug: str | None = None
    public_name: str


class QueryProjectRepositoriesOutput(WireStruct):
    repositories: list[QueryProjectRepositoriesItem]


class QueryProjectRepositoriesAction(Action[QueryProjectRepositoriesOutput]):
    project_id: ProjectId


class CreateDeploymentTokenOutput(WireStruct):
    token_id: DeploymentTokenId
    token: DeploymentToken


class CreateDeploymentTokenAction(Action[CreateDeploymentTokenOutput]):
    project_id: ProjectId
    name: TokenName
    flags: DeploymentTokenFlags | None = None


class DeleteDeploymentTokenAction(Action[Empty]):
    token_id: DeploymentTokenId


class SetDeploymentTokenFlagsAction(Action[Empty]):
    token_id: DeploymentTokenId
    flags: DeploymentTokenFlags


class QueryAuditLogEventsOutput(WireStruct):
    events: list[AuditLogEvent]


class QueryAuditLogEventsAction(Action[QueryAuditLogEventsOutput]):
    project_id: ProjectId


class AddProjectRepositoryAction(Action[Empty]):
    project_id: ProjectId
    repository_id: RepositoryId


class RemoveProjectRepositoryAction(Action[Empty]):
    project_id: ProjectId
    repository_id: RepositoryId


class ProjectOtlpConfig(WireStruct, kw_only=True):
    enabled: bool
    endpoint: OtlpEndpoint | None = None
    headers: dict[str, str]


class GetProjectOtlpConfigOutput(WireStruct):
    config: ProjectOtlpConfig


class GetProjectOtlpConfigAction(Action[GetProjectOtlpConfigOutput]):
    project_id: ProjectId


class SetProjectOtlpConfigAction(Action[Empty]):
    project_id: ProjectId
    config: ProjectOtlpConfig
