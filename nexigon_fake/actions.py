"""THE table: every action the fake serves, one typed row each.

A row names the wire action, its handler, who may call it and a summary. The input type is
read from the handler's annotation and the output type from the input's ``Action[Output]``
base, so nothing is written twice; request validation, response encoding, the OpenAPI
document, the typed facade and the README's coverage table all derive from these rows.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from nexigon_fake.state import (
    actor,
    certificates,
    connections,
    deployment_tokens,
    devices,
    events,
    fleet_operations,
    jwts,
    operations,
    organizations,
    otlp,
    pairing_keys,
    projects,
    properties,
    repositories,
    repository_links,
    users,
)
from nexigon_fake.state.access import Level, Rule
from nexigon_fake.state.store import Context
from nexigon_fake.wire.common import Action

InputT = TypeVar("InputT", bound=Action[Any])
OutputT = TypeVar("OutputT")


def output_type_of(input_type: type[Action[Any]]) -> Any:
    """``X`` of an input struct declared as ``class …(Action[X])``."""
    for base in getattr(input_type, "__orig_bases__", ()):
        if typing.get_origin(base) is Action:
            return typing.get_args(base)[0]
    raise TypeError(f"{input_type.__name__} does not derive from Action[...]")


@dataclass(frozen=True, slots=True)
class ActionSpec(Generic[InputT, OutputT]):
    """One row: the wire name, the state handler, who may call it, and what it does."""

    name: str
    handler: Callable[[Context, InputT], OutputT]
    rule: Rule
    summary: str
    differs: str | None = None  # where the fake knowingly differs from the real Hub
    # Body rules beyond the fields' own, run right after decoding, before access (C3, C4).
    check: Callable[[InputT], None] | None = None
    input_type: type[InputT] = field(init=False)
    output_type: Any = field(init=False)

    def __post_init__(self) -> None:
        hints = typing.get_type_hints(self.handler)
        request = list(inspect.signature(self.handler).parameters)[1]
        input_type = hints[request]
        object.__setattr__(self, "input_type", input_type)
        object.__setattr__(self, "output_type", output_type_of(input_type))

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


def _repository(level: Level = "member") -> Rule:
    return Rule(level=level, scope="repository", field="repository_id")


_CERTIFICATE = Rule("member", scope="certificate", field="certificate_id")
_DEPLOYMENT_TOKEN = Rule("admin", scope="deployment_token", field="token_id")
_USER = Rule("self", scope="user", field="user_id")
_PAIRING_KEY = Rule("member", scope="pairing_key", field="pairing_key_id")
_OPERATION = Rule("member", scope="device_operation", field="device_operation_id")
_FLEET_OPERATION = Rule("member", scope="fleet_operation", field="fleet_operation_id")
# D18: the device itself, or an instance administrator (a test convenience)
_DEVICE_WORK = Rule("instance_admin", scope="device", field="device_id", device_may=True)

# fmt: off
_SPECS: list[ActionSpec[Any, Any]] = [
    # devices
    ActionSpec("devices_Query", devices.query,
               Rule("user_or_token"), "Query the devices of the instance.",
               differs="Non-admins see only devices of projects they can access."),
    ActionSpec("devices_GetDetails", devices.get_details,
               _device(), "Get information about a device."),
    ActionSpec("devices_Create", devices.create, _project(), "Create a new device."),
    ActionSpec("devices_Delete", devices.delete, _device(), "Delete a device."),
    ActionSpec("devices_SetName", devices.set_name, _device(), "Set the name of a device."),
    ActionSpec("devices_IssueDeviceToken", jwts.issue_device_token,
               _device(device_may=True), "Issue a JWT for a device with user-defined claims.",
               differs="JWT layout (HS256, per-hub secret) is the fake's own."),
    ActionSpec("devices_ValidateDeviceToken", jwts.validate_device_token,
               Rule("authenticated"), "Validate a device JWT."),
    ActionSpec("devices_AddCertificate", certificates.add_certificate,
               _device(), "Add a device certificate."),
    ActionSpec("devices_DeleteCertificate", certificates.delete_certificate,
               _CERTIFICATE, "Delete a device certificate."),
    ActionSpec("devices_SetCertificateStatus", certificates.set_certificate_status,
               _CERTIFICATE, "Set the status of a device certificate."),
    ActionSpec("devices_RegisterConnection", connections.register_connection,
               _device("connection_manager"),
               "Register a connection of a device to a cluster node."),
    ActionSpec("devices_UnregisterConnection", connections.unregister_connection,
               Rule("connection_manager", scope="connection", field="connection_id"),
               "Unregister a connection of a device to a cluster node."),
    ActionSpec("devices_QueryConnections", connections.query_connections,
               _device(), "Query the connection history of a device."),
    ActionSpec("devices_IssueHttpProxyToken", jwts.issue_http_proxy_token,
               _device(), "Issue a HTTP proxy JWT.",
               differs="The URL format `https://<hostname>/?token=<jwt>` is the fake's own."),
    ActionSpec("devices_ValidateHttpProxyToken", jwts.validate_http_proxy_token,
               Rule("authenticated"), "Validate a HTTP proxy JWT."),
    ActionSpec("devices_PublishEvents", events.publish_events,
               _device(device_may=True), "Publish device events."),
    ActionSpec("devices_QueryEvents", events.query_events, _device(), "Query device events."),
    ActionSpec("devices_SetProperty", properties.set_property,
               _device(device_may=True), "Set a property of a device."),
    ActionSpec("devices_GetProperty", properties.get_property,
               _device(device_may=True), "Get a property of a device."),
    ActionSpec("devices_RemoveProperty", properties.remove_property,
               _device(device_may=True), "Remove a property from a device."),
    ActionSpec("devices_QueryProperties", properties.query_properties,
               _device(device_may=True), "Query the properties of a device."),
    ActionSpec("devices_QueryAuditLog", devices.query_audit_log,
               _device(), "Query the audit log of a device."),
    ActionSpec("devices_QueryCommands", devices.query_commands,
               _device(), "Query the on-demand commands supported by a device."),
    # devices: operations (SEMANTICS-HEAD §III.4, D18)
    ActionSpec("devices_QueryOperations", operations.query_operations,
               _device(), "Query device operations for a device.",
               differs="Newest first (D30)."),
    ActionSpec("devices_GetOperation", operations.get_operation,
               Rule("authenticated"), "Get device operation details.",
               differs="Devices always get `NotFound` (C16)."),
    ActionSpec("devices_CreateOperation", operations.create_operation,
               _device(), "Create a device operation.",
               differs="Definition-time rules and messages of D17.",
               check=operations.check_create),
    ActionSpec("devices_StartOperation", operations.start_operation,
               _OPERATION, "Start a pending device operation.",
               differs="Hub-side steps run before the answer (D19)."),
    ActionSpec("devices_CancelOperation", operations.cancel_operation,
               _OPERATION, "Cancel a device operation.",
               differs="The in-flight step becomes `Failed` (D25)."),
    ActionSpec("devices_ClaimOperationWork", operations.claim_operation_work,
               _DEVICE_WORK, "Atomically claim device operation work for a device.",
               differs="Leases: command timeout + 60 s, task 300 s renewed by progress (D21)."),
    ActionSpec("devices_ReportOperationStep", operations.report_operation_step,
               _DEVICE_WORK, "Report the result of a device operation step.",
               differs="Never-issued claims are `Invalid` (D23)."),
    # projects
    ActionSpec("projects_Query", projects.query,
               Rule("user_or_token"), "Query the projects of the instance.",
               differs="Non-admins see only projects of their organizations."),
    ActionSpec("projects_GetDetails", projects.get_details,
               _project(), "Get information about a project."),
    ActionSpec("projects_SetName", projects.set_name,
               _project("admin"), "Set the name of a project."),
    ActionSpec("projects_Create", projects.create, _organization(), "Create a new project."),
    ActionSpec("projects_Delete", projects.delete, _project("admin"), "Delete a project."),
    ActionSpec("projects_QueryDevices", projects.query_devices,
               _project(), "Query the devices of a project."),
    ActionSpec("projects_QueryDeploymentTokens", deployment_tokens.query_deployment_tokens,
               _project(), "Query the deployment tokens of a project."),
    ActionSpec("projects_QueryLinkedRepositories", repository_links.query_linked_repositories,
               _project(), "Query repositories of a project."),
    ActionSpec("projects_CreateDeploymentToken", deployment_tokens.create_deployment_token,
               _project("admin"), "Create a deployment token."),
    ActionSpec("projects_DeleteDeploymentToken", deployment_tokens.delete_deployment_token,
               _DEPLOYMENT_TOKEN, "Delete a deployment token."),
    ActionSpec("projects_SetDeploymentTokenFlags", deployment_tokens.set_deployment_token_flags,
               _DEPLOYMENT_TOKEN, "Set the flags of a deployment token."),
    ActionSpec("projects_QueryAuditLog", projects.query_audit_log,
               _project(), "Query the audit log of the project."),
    ActionSpec("projects_LinkRepository", repository_links.link_repository,
               _project("admin"), "Add a repository to the project."),
    ActionSpec("projects_UnlinkRepository", repository_links.unlink_repository,
               _project("admin"), "Remove a repository from the project."),
    ActionSpec("projects_GetOtlpConfig", otlp.get_otlp_config,
               _project(), "Get the OTLP event forwarding configuration for a project.",
               differs="Header values read back as `********` (the real mask is undocumented)."),
    ActionSpec("projects_SetOtlpConfig", otlp.set_otlp_config,
               _project("admin"), "Set the OTLP event forwarding configuration for a project.",
               differs="Sending `********` back keeps the stored header value."),
    # projects: device pairing keys (SEMANTICS-HEAD §III.6, D18, D31-D34)
    ActionSpec("projects_QueryDevicePairingKeys", pairing_keys.query_device_pairing_keys,
               _project(), "Query the device pairing keys of a project.",
               differs="Creation order, used, revoked and expired keys included (D30)."),
    ActionSpec("projects_CreateDevicePairingKey", pairing_keys.create_device_pairing_key,
               _project(), "Create a device pairing key.",
               differs="Keys are 10 Crockford base32 characters shown as `XXXX-XXXXXX` (D31)."),
    ActionSpec("projects_RevokeDevicePairingKey", pairing_keys.revoke_device_pairing_key,
               _PAIRING_KEY, "Revoke an unused device pairing key.",
               differs="Revoking again is a no-op; a used key is Invalid (D33)."),
    ActionSpec("projects_RedeemDevicePairingKey", pairing_keys.redeem_device_pairing_key,
               Rule("anyone"), "Redeem a device pairing key.",
               differs="Refusals share one Forbidden message; the token is bound to the "
               "device and auto-accepts (D32, D34)."),
    # actor
    ActionSpec("actor_GetActor", actor.get_actor, Rule("anyone"), "Get the actor of the request."),
    # organizations
    ActionSpec("organizations_Query", organizations.query,
               Rule("user_or_token"), "Query organizations."),
    ActionSpec("organizations_Create", organizations.create,
               Rule("user"), "Create an organization."),
    ActionSpec("organizations_QueryProjects", organizations.query_projects,
               _organization(), "Query the projects of an organization."),
    ActionSpec("organizations_QueryMembers", organizations.query_members,
               _organization(), "Query the members of an organization."),
    ActionSpec("organizations_AddMember", organizations.add_member,
               _organization("admin"), "Add a member to an organization."),
    ActionSpec("organizations_RemoveMember", organizations.remove_member,
               _organization("admin"), "Remove a member from an organization."),
    ActionSpec("organizations_Delete", organizations.delete,
               _organization("admin"), "Delete an organization."),
    # users
    ActionSpec("users_Create", users.create, Rule("instance_admin"), "Create a user."),
    ActionSpec("users_CreateToken", users.create_token, _USER, "Create a user token."),
    ActionSpec("users_QueryTokens", users.query_tokens, _USER, "Query the tokens of a user."),
    ActionSpec("users_DeleteToken", users.delete_token,
               Rule("self", scope="user_token", field="token_id"), "Delete a user token."),
    # repositories
    ActionSpec("repositories_Create", repositories.create,
               _organization("admin"), "Create a repository.",
               differs="Repositories hold no packages or assets."),
    ActionSpec("repositories_GetDetails", repositories.get_details,
               _repository(), "Get information about a repository."),
    ActionSpec("repositories_Delete", repositories.delete,
               _repository("admin"), "Delete a repository."),
    ActionSpec("repositories_QueryLinkedProjects", repositories.query_linked_projects,
               _repository(), "Query the projects a repository is linked to."),
    # HEAD repository shapes (D43, C39)
    ActionSpec("organizations_QueryRepositories", organizations.query_repositories,
               _organization(), "Query the repositories of an organization."),
    ActionSpec("repositories_SetDisplayName", repositories.set_display_name,
               _repository("admin"), "Set the display name of a repository."),
    ActionSpec("repositories_SetSlug", repositories.set_slug,
               _repository("admin"), "Set the slug of a repository.",
               differs="Slugs need no `public_repositories` subscription feature."),
    # fleet: operations (SEMANTICS-HEAD §III.7, D18, D35-D38, C47)
    ActionSpec("fleet_QueryOperations", fleet_operations.query_operations,
               _project(), "Query fleet operations for a project.",
               differs="Newest first (D30)."),
    ActionSpec("fleet_GetOperation", fleet_operations.get_operation,
               Rule("user_or_token"), "Get fleet operation details.",
               differs="Inaccessible operations are `NotFound`; devices are Forbidden (C47)."),
    ActionSpec("fleet_CreateOperation", fleet_operations.create_operation,
               _project(), "Create a fleet operation.",
               differs="Definition-time rules and messages of D17.",
               check=fleet_operations.check_create),
    ActionSpec("fleet_StartOperation", fleet_operations.start_operation,
               _FLEET_OPERATION, "Start a draft fleet operation.",
               differs="The first enrolment pass and stage-0 hub-side steps run before the "
               "answer (D19, D35)."),
    ActionSpec("fleet_AdvanceOperationStage", fleet_operations.advance_operation_stage,
               _FLEET_OPERATION, "Advance the fleet operation to the next stage.",
               differs="Guard percentages floor; an empty stage passes (D36)."),
    ActionSpec("fleet_QueryOperationTargets", fleet_operations.query_operation_targets,
               _FLEET_OPERATION, "Query the devices a fleet operation applies to, its targets.",
               differs="By stage, then enrolment order (D30)."),
    ActionSpec("fleet_QueryOperationSelectionErrors",
               fleet_operations.query_operation_selection_errors,
               _FLEET_OPERATION, "Query the devices whose selector evaluation failed.",
               differs="Device creation order (D30)."),
    ActionSpec("fleet_PauseOperation", fleet_operations.pause_operation,
               _FLEET_OPERATION, "Pause a running fleet operation."),
    ActionSpec("fleet_CancelOperation", fleet_operations.cancel_operation,
               _FLEET_OPERATION, "Cancel a fleet operation.",
               differs="Target operations' in-flight steps become `Failed` (D25)."),
]
# fmt: on

ACTIONS: dict[str, ActionSpec[Any, Any]] = {spec.name: spec for spec in _SPECS}
ACTION_BY_INPUT: dict[type[Any], ActionSpec[Any, Any]] = {spec.input_type: spec for spec in _SPECS}
SEED_NAMESPACES = ("devices", "projects")
