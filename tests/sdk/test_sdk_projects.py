"""The 16 ``projects_*`` actions and ``actor_GetActor`` through the official SDK, live.

Every call goes through ``nexigon_hub_sdk.Client`` over real HTTP to the ``nexigon-fake serve``
process of ``tests/conftest.py``; the SDK's pydantic models parse every response, and the values
are checked against SEMANTICS.md (Part I decisions, Part II §7, §8, §14, §15).
"""

from __future__ import annotations

import re

import pytest
from nexigon_hub_sdk.api_types import actor, devices, projects, repositories

pytestmark = pytest.mark.sdk

B58 = "[1-9A-HJ-NP-Za-km-z]"
START = "2026-05-04T07:00:00Z"  # the frozen clock's start
MASK = "********"


def _create_repository(sdk, name):
    output = sdk.execute(
        repositories.CreateRepositoryAction(organization_id=sdk.organization_id, name=name)
    )
    assert isinstance(output, repositories.CreateRepositoryOutput_Created)
    return output.repository_id


def _linked(sdk, project_id):
    output = sdk.execute(projects.QueryProjectRepositoriesAction(project_id=project_id))
    assert isinstance(output, projects.QueryProjectRepositoriesOutput)
    return output.repositories


def _tokens(sdk, project_id):
    output = sdk.execute(projects.QueryProjectDeploymentTokensAction(project_id=project_id))
    assert isinstance(output, projects.QueryProjectDeploymentTokensOutput)
    return output.tokens


def _create_token(sdk, project_id, name, flags=None):
    output = sdk.execute(
        projects.CreateDeploymentTokenAction(project_id=project_id, name=name, flags=flags)
    )
    assert isinstance(output, projects.CreateDeploymentTokenOutput)
    return output


def _otlp(sdk, project_id):
    output = sdk.execute(projects.GetProjectOtlpConfigAction(project_id=project_id))
    assert isinstance(output, projects.GetProjectOtlpConfigOutput)
    assert isinstance(output.config, projects.ProjectOtlpConfig)
    return output.config


def _set_otlp(sdk, project_id, **config):
    output = sdk.execute(
        projects.SetProjectOtlpConfigAction(
            project_id=project_id, config=projects.ProjectOtlpConfig(**config)
        )
    )
    assert output.model_dump() == {}


def _project_devices(sdk, project_id):
    output = sdk.execute(projects.QueryProjectDevicesAction(project_id=project_id))
    assert isinstance(output, projects.QueryProjectDevicesOutput)
    return output.devices


# actor_GetActor


def test_get_actor_is_the_administrators_user_token(sdk):
    output = sdk.execute(actor.GetActorAction())
    assert isinstance(output, actor.GetActorOutput)
    assert isinstance(output.actor, actor.Actor_UserToken)
    assert re.fullmatch(f"u_{B58}{{22}}", output.actor.user_id)
    assert output.actor.token_id == "u_pk_" + sdk.admin_token[5:27]
    assert output.model_dump(by_alias=True) == {
        "actor": {
            "actor": "UserToken",
            "userId": output.actor.user_id,
            "tokenId": output.actor.token_id,
        }
    }


# projects_Query


def test_query_lists_projects_in_creation_order(sdk):
    before = sdk.execute(projects.QueryProjectsAction())
    assert isinstance(before, projects.QueryProjectsOutput)
    assert before.projects == []

    alpha = sdk.create_project("Alpha")
    beta = sdk.create_project("Beta")
    output = sdk.execute(projects.QueryProjectsAction())
    assert all(isinstance(item, projects.QueryProjectsItem) for item in output.projects)
    assert [(item.project_id, item.name) for item in output.projects] == [
        (alpha, "Alpha"),
        (beta, "Beta"),
    ]


# projects_GetDetails


def test_get_details_counts_devices(sdk):
    project_id = sdk.create_project("Fleet")
    empty = sdk.execute(projects.GetProjectDetailsAction(project_id=project_id))
    assert isinstance(empty, projects.GetProjectDetailsOutput)
    assert (empty.project_id, empty.name, empty.device_count) == (project_id, "Fleet", 0)

    for n in range(3):
        sdk.create_device(project_id, n)
    sdk.create_device(sdk.create_project("Other"), 9)
    details = sdk.execute(projects.GetProjectDetailsAction(project_id=project_id))
    assert details.device_count == 3


def test_get_details_of_an_unknown_project_is_forbidden_404(sdk):
    unknown = "p_" + "Z" * 22
    message = sdk.rejects(projects.GetProjectDetailsAction(project_id=unknown), "Forbidden", 404)
    assert unknown in message


# projects_SetName


def test_set_name_renames_and_is_audited(sdk):
    project_id = sdk.create_project("Old")
    output = sdk.execute(projects.SetProjectNameAction(project_id=project_id, name="New"))
    assert output.model_dump() == {}
    assert sdk.execute(projects.GetProjectDetailsAction(project_id=project_id)).name == "New"
    assert [p.name for p in sdk.execute(projects.QueryProjectsAction()).projects] == ["New"]
    assert sdk.audit_events(project_id)[0] == (
        "projects_NameChanged",
        {"projectId": project_id, "name": "New"},
    )

    for bad in ["", "n" * 129]:
        sdk.rejects(projects.SetProjectNameAction(project_id=project_id, name=bad), "Invalid", 400)
    sdk.execute(projects.SetProjectNameAction(project_id=project_id, name="n" * 128))
    assert sdk.execute(projects.GetProjectDetailsAction(project_id=project_id)).name == "n" * 128


# projects_Create


def test_create_returns_created_and_starts_empty(sdk):
    output = sdk.execute(
        projects.CreateProjectAction(organization_id=sdk.organization_id, name="Greenhouse")
    )
    assert isinstance(output, projects.CreateProjectOutput_Created)
    assert output.result == "Created"
    assert re.fullmatch(f"p_{B58}{{22}}", output.project_id)
    project_id = output.project_id

    assert _project_devices(sdk, project_id) == []
    assert _tokens(sdk, project_id) == []
    assert _linked(sdk, project_id) == []
    assert _otlp(sdk, project_id).model_dump() == {
        "enabled": False,
        "endpoint": None,
        "headers": {},
    }
    assert sdk.audit_events(project_id) == [("projects_Created", {"projectId": project_id})]


def test_create_validates_the_name_and_the_organization(sdk):
    for bad in ["", "n" * 129]:
        action = projects.CreateProjectAction(organization_id=sdk.organization_id, name=bad)
        sdk.rejects(action, "Invalid", 400)
    unknown = projects.CreateProjectAction(organization_id="org_" + "Q" * 22, name="X")
    sdk.rejects(unknown, "Forbidden", 404)
    malformed = projects.CreateProjectAction(organization_id="org_nope", name="X")
    sdk.rejects(malformed, "Invalid", 400)


# projects_Delete


def test_delete_cascades_to_devices_tokens_links_and_otlp(sdk):
    project_id = sdk.create_project("Doomed")
    survivor = sdk.create_project("Survivor")
    device_id = sdk.create_device(project_id, 1)
    kept_device = sdk.create_device(survivor, 2)
    token = _create_token(sdk, project_id, "factory")
    repository_id = _create_repository(sdk, "firmware")
    sdk.execute(
        projects.AddProjectRepositoryAction(project_id=project_id, repository_id=repository_id)
    )
    _set_otlp(sdk, project_id, enabled=True, endpoint="https://otel.example.com", headers={})

    output = sdk.execute(projects.DeleteProjectAction(project_id=project_id))
    assert output.model_dump() == {}

    sdk.rejects(projects.GetProjectDetailsAction(project_id=project_id), "Forbidden", 404)
    sdk.rejects(projects.GetProjectOtlpConfigAction(project_id=project_id), "Forbidden", 404)
    sdk.rejects(devices.GetDeviceDetailsAction(device_id=device_id), "Forbidden", 404)
    delete_token = projects.DeleteDeploymentTokenAction(token_id=token.token_id)
    sdk.rejects(delete_token, "Forbidden", 404)
    assert [p.project_id for p in sdk.execute(projects.QueryProjectsAction()).projects] == [
        survivor
    ]
    assert [d.device_id for d in sdk.execute(devices.QueryDevicesAction()).devices] == [kept_device]
    linked_projects = sdk.execute(
        repositories.QueryRepositoryProjectsAction(repository_id=repository_id)
    )
    assert linked_projects.projects == []  # the repository itself survives
    sdk.rejects(projects.DeleteProjectAction(project_id=project_id), "Forbidden", 404)


# projects_QueryDevices


def test_query_devices_derives_status_hostname_and_connection_fields(sdk):
    project_id = sdk.create_project()
    offline, healthy, degraded, failing, unknown_health = (
        sdk.create_device(project_id, n) for n in range(1, 6)
    )
    sdk.execute(devices.SetDeviceNameAction(device_id=healthy, name="healthy-one"))
    for n, device_id in enumerate([healthy, degraded, failing, unknown_health], start=1):
        sdk.execute(
            devices.RegisterDeviceConnectionAction(
                device_id=device_id, node_id=sdk.node_id(1), connection_id=sdk.connection_id(n)
            )
        )
    health = {healthy: "healthy", degraded: "degraded", failing: "error", offline: "error"}
    for device_id, status in health.items():
        sdk.execute(
            devices.SetDevicePropertyAction(
                device_id=device_id, name="dev.nexigon.system.health", value={"status": status}
            )
        )
    sdk.execute(
        devices.SetDevicePropertyAction(
            device_id=unknown_health, name="dev.nexigon.system.health", value="garbage"
        )
    )
    sdk.execute(
        devices.SetDevicePropertyAction(
            device_id=healthy,
            name="dev.nexigon.system.info",
            value={"hostname": "rpi-lab-1", "arch": "aarch64"},
        )
    )
    sdk.execute(
        devices.SetDevicePropertyAction(
            device_id=degraded, name="dev.nexigon.system.info", value={"hostname": 42}
        )
    )
    sdk.execute(
        devices.AddDeviceCertificateAction(
            device_id=offline, fingerprint=sdk.certificate_fingerprint(1)
        )
    )
    sdk.execute(
        devices.AddDeviceCertificateAction(
            device_id=offline, fingerprint=sdk.certificate_fingerprint(2), status="Rejected"
        )
    )
    sdk.advance(42)

    items = _project_devices(sdk, project_id)
    assert all(isinstance(item, projects.QueryProjectDevicesItem) for item in items)
    assert [
        (
            item.device_id,
            item.name,
            item.status.root,
            item.is_connected,
            item.pending_certificates_count,
            item.last_connected_at,
            item.current_connection_duration_secs,
            item.first_seen,
        )
        for item in items
    ] == [
        (offline, None, "offline", False, 1, None, None, START),
        (healthy, "healthy-one", "healthy", True, 0, START, 42, START),
        (degraded, None, "warning", True, 0, START, 42, START),
        (failing, None, "error", True, 0, START, 42, START),
        (unknown_health, None, "healthy", True, 0, START, 42, START),
    ]


def test_query_devices_reports_the_hostname_from_system_info(sdk):
    """``hostname`` is not in SDK 0.0.1's model (it ignores the field): read the JSON too."""
    project_id = sdk.create_project()
    with_host = sdk.create_device(project_id, 1)
    without = sdk.create_device(project_id, 2)
    sdk.execute(
        devices.SetDevicePropertyAction(
            device_id=with_host, name="dev.nexigon.system.info", value={"hostname": "rpi-lab-1"}
        )
    )
    sdk.execute(
        devices.SetDevicePropertyAction(
            device_id=without, name="dev.nexigon.system.info", value={"hostname": ["no"]}
        )
    )
    response = sdk.raw("projects_QueryDevices", {"projectId": project_id})
    raw = response.json()["devices"]
    assert raw[0]["hostname"] == "rpi-lab-1"
    assert "hostname" not in raw[1]
    parsed = projects.QueryProjectDevicesOutput.model_validate_json(response.content)
    assert [item.device_id for item in parsed.devices] == [with_host, without]


# projects_CreateDeploymentToken, projects_QueryDeploymentTokens


def test_create_deployment_token_returns_the_secret_once(sdk):
    project_id = sdk.create_project()
    created = _create_token(
        sdk, project_id, "factory", projects.DeploymentTokenFlags(auto_accept=True)
    )
    assert re.fullmatch(f"deployment_{B58}{{66}}", created.token)
    assert created.token_id == "deployment_id_" + created.token[len("deployment_") :][:22]

    (item,) = _tokens(sdk, project_id)
    assert isinstance(item, projects.QueryProjectDeploymentTokensItem)
    assert (item.token_id, item.name, item.created_at) == (created.token_id, "factory", START)
    assert item.flags.auto_accept is True
    assert created.token not in item.model_dump_json()

    assert sdk.audit_events(project_id)[0] == (
        "projects_DeploymentTokenCreated",
        {"projectId": project_id, "tokenId": created.token_id, "flags": {"autoAccept": True}},
    )
    for bad in ["", "t" * 129]:
        action = projects.CreateDeploymentTokenAction(project_id=project_id, name=bad)
        sdk.rejects(action, "Invalid", 400)


def test_query_deployment_tokens_echoes_the_stored_flags_in_creation_order(sdk):
    project_id = sdk.create_project()
    other_project = sdk.create_project("Other")
    plain = _create_token(sdk, project_id, "plain")
    sdk.advance(1)
    explicit = _create_token(
        sdk, project_id, "off", projects.DeploymentTokenFlags(auto_accept=False)
    )
    _create_token(sdk, other_project, "elsewhere")

    tokens = _tokens(sdk, project_id)
    assert [(t.token_id, t.name, t.created_at, t.flags.auto_accept) for t in tokens] == [
        (plain.token_id, "plain", START, None),
        (explicit.token_id, "off", "2026-05-04T07:00:01Z", False),
    ]
    raw = sdk.raw("projects_QueryDeploymentTokens", {"projectId": project_id}).json()
    assert [token["flags"] for token in raw["tokens"]] == [{}, {"autoAccept": False}]


# projects_DeleteDeploymentToken


def test_delete_deployment_token_keeps_the_other_tokens(sdk):
    project_id = sdk.create_project()
    gone = _create_token(sdk, project_id, "gone")
    kept = _create_token(sdk, project_id, "kept")

    output = sdk.execute(projects.DeleteDeploymentTokenAction(token_id=gone.token_id))
    assert output.model_dump() == {}
    assert [t.token_id for t in _tokens(sdk, project_id)] == [kept.token_id]
    assert sdk.audit_events(project_id)[0] == (
        "projects_DeploymentTokenDeleted",
        {"projectId": project_id, "tokenId": gone.token_id},
    )
    again = projects.DeleteDeploymentTokenAction(token_id=gone.token_id)
    assert gone.token_id in sdk.rejects(again, "Forbidden", 404)


# projects_SetDeploymentTokenFlags


def test_set_deployment_token_flags_replaces_them(sdk):
    project_id = sdk.create_project()
    token = _create_token(sdk, project_id, "factory")

    output = sdk.execute(
        projects.SetDeploymentTokenFlagsAction(
            token_id=token.token_id, flags=projects.DeploymentTokenFlags(auto_accept=True)
        )
    )
    assert output.model_dump() == {}
    assert _tokens(sdk, project_id)[0].flags.auto_accept is True
    assert sdk.audit_events(project_id)[0] == (
        "projects_DeploymentTokenFlagsChanged",
        {"projectId": project_id, "tokenId": token.token_id, "flags": {"autoAccept": True}},
    )

    sdk.execute(
        projects.SetDeploymentTokenFlagsAction(
            token_id=token.token_id, flags=projects.DeploymentTokenFlags()
        )
    )
    assert _tokens(sdk, project_id)[0].flags.auto_accept is None  # stored as sent: no flag
    assert sdk.audit_events(project_id)[0] == (
        "projects_DeploymentTokenFlagsChanged",
        {"projectId": project_id, "tokenId": token.token_id, "flags": {}},
    )

    unknown = projects.SetDeploymentTokenFlagsAction(
        token_id="deployment_id_" + "T" * 22, flags=projects.DeploymentTokenFlags()
    )
    sdk.rejects(unknown, "Forbidden", 404)


# projects_QueryAuditLog


def test_project_audit_log_is_newest_first_and_names_the_actor(sdk):
    project_id = sdk.create_project("Audited")
    sdk.advance(1)
    device_id = sdk.create_device(project_id)
    sdk.advance(1)
    token = _create_token(sdk, project_id, "t")
    sdk.execute(projects.SetProjectNameAction(project_id=project_id, name="Renamed"))
    sdk.create_project("Elsewhere")

    output = sdk.execute(projects.QueryAuditLogEventsAction(project_id=project_id))
    assert isinstance(output, projects.QueryAuditLogEventsOutput)
    assert [(e.event, e.data, e.created_at) for e in output.events] == [
        (
            "projects_NameChanged",
            {"projectId": project_id, "name": "Renamed"},
            "2026-05-04T07:00:02Z",
        ),
        (
            "projects_DeploymentTokenCreated",
            {"projectId": project_id, "tokenId": token.token_id, "flags": {}},
            "2026-05-04T07:00:02Z",
        ),
        (
            "devices_Created",
            {"deviceId": device_id, "projectId": project_id},
            "2026-05-04T07:00:01Z",
        ),
        ("projects_Created", {"projectId": project_id}, START),
    ]
    me = sdk.execute(actor.GetActorAction()).actor
    action_ids = set()
    for event in output.events:
        assert event.actor == me
        assert re.fullmatch(rf"audit_ev_20260504-0700-{B58}{{8}}", event.event_id)
        assert event.action is not None
        assert re.fullmatch(rf"audit_act_20260504-0700-{B58}{{8}}", event.action.action_id)
        action_ids.add(event.action.action_id)
        assert event.job is None
    assert len(action_ids) == 4
    assert token.token not in output.model_dump_json()  # audit data never holds secrets


# projects_LinkRepository, projects_UnlinkRepository, projects_QueryLinkedRepositories


def test_link_repository_is_idempotent_and_listed(sdk):
    project_id = sdk.create_project()
    firmware = _create_repository(sdk, "firmware")
    apps = _create_repository(sdk, "apps")

    for repository_id in (firmware, apps, firmware):
        output = sdk.execute(
            projects.AddProjectRepositoryAction(project_id=project_id, repository_id=repository_id)
        )
        assert output.model_dump() == {}

    linked = _linked(sdk, project_id)
    assert all(isinstance(item, projects.QueryProjectRepositoriesItem) for item in linked)
    assert [(r.repository_id, r.public_name) for r in linked] == [  # C37: no slug, the id
        (firmware, firmware),
        (apps, apps),
    ]
    assert [r.display_name for r in linked] == ["firmware", "apps"]
    back = sdk.execute(repositories.QueryRepositoryProjectsAction(repository_id=firmware))
    assert [p.project_id for p in back.projects] == [project_id]
    audit = sdk.audit_events(project_id)
    added = [data for event, data in audit if event == "projects_RepositoryAdded"]
    assert added == [
        {"projectId": project_id, "repositoryId": apps},
        {"projectId": project_id, "repositoryId": firmware},
    ]

    unknown = projects.AddProjectRepositoryAction(
        project_id=project_id, repository_id="repo_" + "R" * 22
    )
    sdk.rejects(unknown, "Forbidden", 404)


def test_unlink_repository_removes_the_link_and_tolerates_a_missing_one(sdk):
    project_id = sdk.create_project()
    firmware = _create_repository(sdk, "firmware")
    apps = _create_repository(sdk, "apps")
    for repository_id in (firmware, apps):
        sdk.execute(
            projects.AddProjectRepositoryAction(project_id=project_id, repository_id=repository_id)
        )

    output = sdk.execute(
        projects.RemoveProjectRepositoryAction(project_id=project_id, repository_id=firmware)
    )
    assert output.model_dump() == {}
    assert [r.repository_id for r in _linked(sdk, project_id)] == [apps]
    assert sdk.audit_events(project_id)[0] == (
        "projects_RepositoryRemoved",
        {"projectId": project_id, "repositoryId": firmware},
    )
    gone = sdk.execute(repositories.QueryRepositoryProjectsAction(repository_id=firmware))
    assert gone.projects == []

    events_before = len(sdk.audit_events(project_id))
    sdk.execute(
        projects.RemoveProjectRepositoryAction(project_id=project_id, repository_id=firmware)
    )
    assert [r.repository_id for r in _linked(sdk, project_id)] == [apps]
    assert len(sdk.audit_events(project_id)) == events_before  # a no-op records nothing


# projects_GetOtlpConfig, projects_SetOtlpConfig


def test_otlp_config_defaults_and_masks_header_values(sdk):
    project_id = sdk.create_project()
    default = _otlp(sdk, project_id)
    assert (default.enabled, default.endpoint, default.headers) == (False, None, {})

    _set_otlp(
        sdk,
        project_id,
        enabled=True,
        endpoint="https://otel.example.com/v1/logs",
        headers={"Authorization": "Bearer s3cr3t", "X-Scope": "fleet"},
    )
    stored = _otlp(sdk, project_id)
    assert stored.model_dump() == {
        "enabled": True,
        "endpoint": "https://otel.example.com/v1/logs",
        "headers": {"Authorization": MASK, "X-Scope": MASK},
    }

    # Sending the mask back keeps a stored value; dropping a header removes it.
    _set_otlp(
        sdk,
        project_id,
        enabled=False,
        endpoint="http://collector.internal:4318/v1/logs",
        headers={"Authorization": MASK},
    )
    replaced = _otlp(sdk, project_id)
    assert replaced.model_dump() == {
        "enabled": False,
        "endpoint": "http://collector.internal:4318/v1/logs",
        "headers": {"Authorization": MASK},
    }


def test_set_otlp_config_validates(sdk):
    project_id = sdk.create_project()
    for config in [
        {"enabled": True, "headers": {}},  # enabled without an endpoint
        {"enabled": True, "endpoint": "ftp://otel.example.com", "headers": {}},
        {"enabled": False, "endpoint": "", "headers": {}},
        {"enabled": True, "endpoint": "https://" + "e" * 2041, "headers": {}},
        {"enabled": True, "endpoint": "https://otel.example.com", "headers": {"New": MASK}},
    ]:
        action = projects.SetProjectOtlpConfigAction(
            project_id=project_id, config=projects.ProjectOtlpConfig(**config)
        )
        sdk.rejects(action, "Invalid", 400)
    assert _otlp(sdk, project_id).model_dump() == {
        "enabled": False,
        "endpoint": None,
        "headers": {},
    }

    _set_otlp(sdk, project_id, enabled=False, endpoint="https://" + "e" * 2040, headers={})
    assert _otlp(sdk, project_id).endpoint == "https://" + "e" * 2040
