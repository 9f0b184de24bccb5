"""THE table: every action the fake serves, with its input, output, handler and permission.

Everything else derives from these rows: request validation and response encoding (the
dispatcher), the OpenAPI document, the typed Python API, the README's coverage table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nexigon_fake.state import (
    certificates,
    connections,
    deployment_tokens,
    devices,
    events,
    jwts,
    organizations,
    otlp,
    projects,
    properties,
    repository_links,
)
from nexigon_fake.state.access import Level, Rule
from nexigon_fake.wire import actor as actor_wire
from nexigon_fake.wire import devices as dw
from nexigon_fake.wire import organizations as ow
from nexigon_fake.wire import projects as pw
from nexigon_fake.wire.common import Empty


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One row: the wire name, its types, the state handler and who may call it."""

    name: str
    input_type: type[Any]
    output_type: Any
    handler: Callable[..., Any]
    rule: Rule
    summary: str
    differs: str | None = None  # where the fake knowingly differs from the real Hub

    @property
    def namespace(self) -> str:
        return self.name.split("_", 1)[0]

    @property
    def method_name(self) -> str:
        """snake_case of the verb: ``devices_SetProperty`` -> ``set_property``."""
        verb = self.name.split("_", 1)[1]
        return "".join("_" + c.lower() if c.isupper() else c for c in verb).lstrip("_")


def _device(level: Level = "member", *, device_may: bool = False) -> Rule:
    return Rule(level=level, scope="device", field="device_id", device_may=device_may)


def _project(level: Level = "member") -> Rule:
    return Rule(level=level, scope="project", field="project_id")


def _organization(level: Level = "member") -> Rule:
    return Rule(level=level, scope="organization", field="organization_id")


_SPECS = [
    # devices
    ActionSpec(
        "devices_Query",
        dw.QueryDevicesAction,
        dw.QueryDevicesOutput,
        devices.query,
        Rule("user_or_token"),
        "Query the devices of the instance.",
        "Non-admins see only devices of projects they can access.",
    ),
    ActionSpec(
        "devices_GetDetails",
        dw.GetDeviceDetailsAction,
        dw.GetDeviceDetailsOutput,
        devices.details,
        _device(),
        "Get information about a device.",
    ),
    ActionSpec(
        "devices_Create",
        dw.CreateDeviceAction,
        dw.CreateDeviceOutput,
        devices.create,
        _project(),
        "Create a new device.",
    ),
    ActionSpec(
        "devices_Delete",
        dw.DeleteDeviceAction,
        Empty,
        devices.delete,
        _device(),
        "Delete a device.",
    ),
    ActionSpec(
        "devices_SetName",
        dw.SetDeviceNameAction,
        Empty,
        devices.set_name,
        _device(),
        "Set the name of a device.",
    ),
    ActionSpec(
        "devices_IssueDeviceToken",
        dw.IssueDeviceTokenAction,
        dw.IssueDeviceTokenOutput,
        jwts.issue_device_token,
        _device(device_may=True),
        "Issue a JWT for a device with user-defined claims.",
        "JWT layout (HS256, per-hub secret) is the fake's own.",
    ),
    ActionSpec(
        "devices_ValidateDeviceToken",
        dw.ValidateDeviceTokenAction,
        dw.ValidateDeviceTokenOutput,
        jwts.validate_device_token,
        Rule("authenticated"),
        "Validate a device JWT.",
    ),
    ActionSpec(
        "devices_AddCertificate",
        dw.AddDeviceCertificateAction,
        dw.AddDeviceCertificateOutput,
        certificates.add,
        _device(),
        "Add a device certificate.",
    ),
    ActionSpec(
        "devices_DeleteCertificate",
        dw.DeleteDeviceCertificateAction,
        Empty,
        certificates.delete,
        Rule("member", scope="certificate", field="certificate_id"),
        "Delete a device certificate.",
    ),
    ActionSpec(
        "devices_SetCertificateStatus",
        dw.SetDeviceCertificateStatusAction,
        Empty,
        certificates.set_status,
        Rule("member", scope="certificate", field="certificate_id"),
        "Set the status of a device certificate.",
    ),
    ActionSpec(
        "devices_RegisterConnection",
        dw.RegisterDeviceConnectionAction,
        dw.RegisterDeviceConnectionOutput,
        connections.register,
        _device("connection_manager"),
        "Register a connection of a device to a cluster node.",
    ),
    ActionSpec(
        "devices_UnregisterConnection",
        dw.UnregisterDeviceConnectionAction,
        Empty,
        connections.unregister,
        Rule("connection_manager", scope="connection", field="connection_id"),
        "Unregister a connection of a device to a cluster node.",
    ),
    ActionSpec(
        "devices_QueryConnections",
        dw.QueryDeviceConnectionsAction,
        dw.QueryDeviceConnectionsOutput,
        connections.query,
        _device(),
        "Query the connection history of a device.",
    ),
    ActionSpec(
        "devices_IssueHttpProxyToken",
        dw.IssueDeviceHttpProxyTokenAction,
        dw.IssueDeviceHttpProxyTokenOutput,
        jwts.issue_proxy_token,
        _device(),
        "Issue a HTTP proxy JWT.",
        "The URL format `https://<hostname>/?token=<jwt>` is the fake's own.",
    ),
    ActionSpec(
        "devices_ValidateHttpProxyToken",
        dw.ValidateDeviceHttpProxyTokenAction,
        dw.ValidateDeviceHttpProxyTokenOutput,
        jwts.validate_proxy_token,
        Rule("authenticated"),
        "Validate a HTTP proxy JWT.",
    ),
    ActionSpec(
        "devices_PublishEvents",
        dw.PublishDeviceEventsAction,
        Empty,
        events.publish,
        _device(device_may=True),
        "Publish device events.",
    ),
    ActionSpec(
        "devices_QueryEvents",
        dw.QueryDeviceEventsAction,
        dw.QueryDeviceEventsOutput,
        events.query,
        _device(),
        "Query device events.",
    ),
    ActionSpec(
        "devices_SetProperty",
        dw.SetDevicePropertyAction,
        dw.SetDevicePropertyOutput,
        properties.set_property,
        _device(device_may=True),
        "Set a property of a device.",
    ),
    ActionSpec(
        "devices_GetProperty",
        dw.GetDevicePropertyAction,
        dw.GetDevicePropertyOutput,
        properties.get_property,
        _device(device_may=True),
        "Get a property of a device.",
    ),
    ActionSpec(
        "devices_RemoveProperty",
        dw.RemoveDevicePropertyAction,
        dw.RemoveDevicePropertyOutput,
        properties.remove_property,
        _device(device_may=True),
        "Remove a property from a device.",
    ),
    ActionSpec(
        "devices_QueryProperties",
        dw.QueryDevicePropertiesAction,
        dw.QueryDevicePropertiesOutput,
        properties.query_properties,
        _device(device_may=True),
        "Query the properties of a device.",
    ),
    ActionSpec(
        "devices_QueryAuditLog",
        dw.QueryDeviceAuditLogAction,
        dw.QueryDeviceAuditLogOutput,
        devices.query_audit_log,
        _device(),
        "Query the audit log of a device.",
    ),
    ActionSpec(
        "devices_QueryCommands",
        dw.QueryDeviceCommandsAction,
        dw.QueryDeviceCommandsOutput,
        devices.query_commands,
        _device(),
        "Query the on-demand commands supported by a device.",
    ),
    # projects
    ActionSpec(
        "projects_Query",
        pw.QueryProjectsAction,
        pw.QueryProjectsOutput,
        projects.query,
        Rule("user_or_token"),
        "Query the projects of the instance.",
        "Non-admins see only projects of their organizations.",
    ),
    ActionSpec(
        "projects_GetDetails",
        pw.GetProjectDetailsAction,
        pw.GetProjectDetailsOutput,
        projects.details,
        _project(),
        "Get information about a project.",
    ),
    ActionSpec(
        "projects_SetName",
        pw.SetProjectNameAction,
        Empty,
        projects.set_name,
        _project("admin"),
        "Set the name of a project.",
    ),
    ActionSpec(
        "projects_Create",
        pw.CreateProjectAction,
        pw.CreateProjectOutput,
        projects.create,
        _organization(),
        "Create a new project.",
    ),
    ActionSpec(
        "projects_Delete",
        pw.DeleteProjectAction,
        Empty,
        projects.delete,
        _project("admin"),
        "Delete a project.",
    ),
    ActionSpec(
        "projects_QueryDevices",
        pw.QueryProjectDevicesAction,
        pw.QueryProjectDevicesOutput,
        projects.query_devices,
        _project(),
        "Query the devices of a project.",
    ),
    ActionSpec(
        "projects_QueryDeploymentTokens",
        pw.QueryProjectDeploymentTokensAction,
        pw.QueryProjectDeploymentTokensOutput,
        deployment_tokens.query_tokens,
        _project(),
        "Query the deployment tokens of a project.",
    ),
    ActionSpec(
        "projects_QueryLinkedRepositories",
        pw.QueryProjectRepositoriesAction,
        pw.QueryProjectRepositoriesOutput,
        repository_links.query_repositories,
        _project(),
        "Query repositories of a project.",
    ),
    ActionSpec(
        "projects_CreateDeploymentToken",
        pw.CreateDeploymentTokenAction,
        pw.CreateDeploymentTokenOutput,
        deployment_tokens.create_token,
        _project("admin"),
        "Create a deployment token.",
    ),
    ActionSpec(
        "projects_DeleteDeploymentToken",
        pw.DeleteDeploymentTokenAction,
        Empty,
        deployment_tokens.delete_token,
        Rule("admin", scope="deployment_token", field="token_id"),
        "Delete a deployment token.",
    ),
    ActionSpec(
        "projects_SetDeploymentTokenFlags",
        pw.SetDeploymentTokenFlagsAction,
        Empty,
        deployment_tokens.set_token_flags,
        Rule("admin", scope="deployment_token", field="token_id"),
        "Set the flags of a deployment token.",
    ),
    ActionSpec(
        "projects_QueryAuditLog",
        pw.QueryAuditLogEventsAction,
        pw.QueryAuditLogEventsOutput,
        projects.query_audit_log,
        _project(),
        "Query the audit log of the project.",
    ),
    ActionSpec(
        "projects_LinkRepository",
        pw.AddProjectRepositoryAction,
        Empty,
        repository_links.link_repository,
        _project("admin"),
        "Add a repository to the project.",
    ),
    ActionSpec(
        "projects_UnlinkRepository",
        pw.RemoveProjectRepositoryAction,
        Empty,
        repository_links.unlink_repository,
        _project("admin"),
        "Remove a repository from the project.",
    ),
    ActionSpec(
        "projects_GetOtlpConfig",
        pw.GetProjectOtlpConfigAction,
        pw.GetProjectOtlpConfigOutput,
        otlp.get_otlp,
        _project(),
        "Get the OTLP event forwarding configuration for a project.",
        "Header values read back as `********` (the real mask is undocumented).",
    ),
    ActionSpec(
        "projects_SetOtlpConfig",
        pw.SetProjectOtlpConfigAction,
        Empty,
        otlp.set_otlp,
        _project("admin"),
        "Set the OTLP event forwarding configuration for a project.",
        "Sending `********` back keeps the stored header value.",
    ),
    # adjacent namespaces
    ActionSpec(
        "actor_GetActor",
        actor_wire.GetActorAction,
        actor_wire.GetActorOutput,
        organizations.get_actor,
        Rule("anyone"),
        "Get the actor of the request.",
    ),
    ActionSpec(
        "organizations_Query",
        ow.QueryOrganizationsAction,
        ow.QueryOrganizationsOutput,
        organizations.query,
        Rule("user_or_token"),
        "Query organizations.",
    ),
    ActionSpec(
        "organizations_Create",
        ow.CreateOrganizationAction,
        ow.CreateOrganizationOutput,
        organizations.create,
        Rule("user"),
        "Create an organization.",
    ),
    ActionSpec(
        "organizations_QueryProjects",
        ow.QueryOrganizationProjectsAction,
        ow.QueryOrganizationProjectsOutput,
        organizations.query_projects,
        _organization(),
        "Query the projects of an organization.",
    ),
    ActionSpec(
        "organizations_QueryMembers",
        ow.QueryOrganizationMembersAction,
        ow.QueryOrganizationMembersOutput,
        organizations.query_members,
        _organization(),
        "Query the members of an organization.",
    ),
    ActionSpec(
        "organizations_AddMember",
        ow.AddOrganizationMemberAction,
        Empty,
        organizations.add_member,
        _organization("admin"),
        "Add a member to an organization.",
    ),
    ActionSpec(
        "organizations_RemoveMember",
        ow.RemoveOrganizationMemberAction,
        Empty,
        organizations.remove_member,
        _organization("admin"),
        "Remove a member from an organization.",
    ),
    ActionSpec(
        "organizations_Delete",
        ow.DeleteOrganizationAction,
        Empty,
        organizations.delete,
        _organization("admin"),
        "Delete an organization.",
    ),
    ActionSpec(
        "users_Create",
        ow.CreateUserAction,
        ow.CreateUserOutput,
        organizations.create_user,
        Rule("instance_admin"),
        "Create a user.",
    ),
    ActionSpec(
        "users_CreateToken",
        ow.CreateUserTokenAction,
        ow.CreateUserTokenOutput,
        organizations.create_user_token,
        Rule("self", scope="user", field="user_id"),
        "Create a user token.",
    ),
    ActionSpec(
        "users_QueryTokens",
        ow.QueryUserTokensAction,
        ow.QueryUserTokensOutput,
        organizations.query_user_tokens,
        Rule("self", scope="user", field="user_id"),
        "Query the tokens of a user.",
    ),
    ActionSpec(
        "users_DeleteToken",
        ow.DeleteUserTokenAction,
        Empty,
        organizations.delete_user_token,
        Rule("self", scope="user_token", field="token_id"),
        "Delete a user token.",
    ),
    ActionSpec(
        "repositories_Create",
        ow.CreateRepositoryAction,
        ow.CreateRepositoryOutput,
        organizations.create_repository,
        _organization("admin"),
        "Create a repository.",
        "Repositories hold no packages or assets.",
    ),
    ActionSpec(
        "repositories_GetDetails",
        ow.GetRepositoryDetailsAction,
        ow.GetRepositoryDetailsOutput,
        organizations.repository_details,
        Rule("member", scope="repository", field="repository_id"),
        "Get information about a repository.",
    ),
    ActionSpec(
        "repositories_Delete",
        ow.DeleteRepositoryAction,
        Empty,
        organizations.delete_repository,
        Rule("admin", scope="repository", field="repository_id"),
        "Delete a repository.",
    ),
    ActionSpec(
        "repositories_QueryLinkedProjects",
        ow.QueryRepositoryProjectsAction,
        ow.QueryRepositoryProjectsOutput,
        organizations.query_repository_projects,
        Rule("member", scope="repository", field="repository_id"),
        "Query the projects a repository is linked to.",
    ),
]

ACTIONS: dict[str, ActionSpec] = {spec.name: spec for spec in _SPECS}
ACTION_BY_INPUT: dict[type[Any], ActionSpec] = {spec.input_type: spec for spec in _SPECS}
SEED_NAMESPACES = ("devices", "projects")
