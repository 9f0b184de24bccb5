"""Deployment tokens, repository links and OTLP config (§7.7-7.11, §7.13-7.16, D7, D9, D11)."""

from __future__ import annotations

from typing import Any

from nexigon_fake import Hub

from .helpers import (
    fingerprint,
    make_device,
    make_organization,
    make_project,
    make_repository,
    make_token,
    raises,
)


def tokens(hub: Hub, project: str) -> list[dict[str, Any]]:
    return hub.invoke("projects_QueryDeploymentTokens", {"projectId": project})["tokens"]


def set_flags(hub: Hub, token_id: str, flags: dict[str, Any]) -> None:
    hub.invoke("projects_SetDeploymentTokenFlags", {"tokenId": token_id, "flags": flags})


def linked(hub: Hub, project: str) -> list[dict[str, Any]]:
    return hub.invoke("projects_QueryLinkedRepositories", {"projectId": project})["repositories"]


def link(hub: Hub, project: str, repository: str, action: str = "projects_LinkRepository"):
    return hub.invoke(action, {"projectId": project, "repositoryId": repository})


def otlp(hub: Hub, project: str) -> dict[str, Any]:
    return hub.invoke("projects_GetOtlpConfig", {"projectId": project})["config"]


def set_otlp(hub: Hub, project: str, config: dict[str, Any]) -> dict[str, Any]:
    return hub.invoke("projects_SetOtlpConfig", {"projectId": project, "config": config})


def stored_headers(hub: Hub, project: str) -> dict[str, str]:
    """The unmasked header values (not observable through the API)."""
    config = hub.store.projects[project].otlp
    assert config is not None
    return dict(config.headers)


# Tokens.


def test_token_formats(hub: Hub) -> None:
    project = make_project(hub)
    token_id, secret = make_token(hub, project)
    assert secret.startswith("deployment_")
    raw = secret[len("deployment_") :]
    assert len(raw) == 66
    assert token_id == "deployment_id_" + raw[:22]


def test_query_never_returns_the_secret(hub: Hub) -> None:
    project = make_project(hub)
    hub.clock.advance(1.5)
    token_id, secret = make_token(hub, project, name="factory")
    assert tokens(hub, project) == [
        {"tokenId": token_id, "createdAt": "2026-05-04T07:00:01.5Z", "name": "factory", "flags": {}}
    ]
    assert secret not in repr(tokens(hub, project))


def test_flags_echo_what_was_stored(hub: Hub) -> None:
    project = make_project(hub)
    none, _ = make_token(hub, project)
    false, _ = make_token(hub, project, auto_accept=False)
    true, _ = make_token(hub, project, auto_accept=True)
    payload = {"projectId": project, "name": "null-flag", "flags": {"autoAccept": None}}
    null = hub.invoke("projects_CreateDeploymentToken", payload)["tokenId"]
    flags = {t["tokenId"]: t["flags"] for t in tokens(hub, project)}
    assert flags == {none: {}, false: {"autoAccept": False}, true: {"autoAccept": True}, null: {}}
    assert [t["tokenId"] for t in tokens(hub, project)] == [none, false, true, null]


def test_set_flags_replaces_wholesale(hub: Hub) -> None:
    project = make_project(hub)
    token_id, _ = make_token(hub, project, auto_accept=True)
    set_flags(hub, token_id, {"autoAccept": False})
    assert tokens(hub, project)[0]["flags"] == {"autoAccept": False}
    set_flags(hub, token_id, {"autoAccept": True})
    set_flags(hub, token_id, {})
    assert tokens(hub, project)[0]["flags"] == {}


def test_token_name_rules(hub: Hub) -> None:
    project = make_project(hub)
    for bad in ["", "n" * 129]:
        raises("Invalid", 400, make_token, hub, project, name=bad)
    raises(
        "Invalid",
        400,
        hub.invoke,
        "projects_CreateDeploymentToken",
        {"projectId": project},
    )


def test_delete_token_keeps_devices_and_stops_authentication(hub: Hub) -> None:
    project = make_project(hub)
    token_id, secret = make_token(hub, project)
    fp = fingerprint()
    device = hub.invoke("actor_GetActor", {}, secret, device_fingerprint=fp)["actor"]["deviceId"]
    assert hub.invoke("projects_DeleteDeploymentToken", {"tokenId": token_id}) == {}
    assert tokens(hub, project) == []
    assert hub.invoke("devices_GetDetails", {"deviceId": device})["projectId"] == project
    assert hub.invoke("projects_GetDetails", {"projectId": project})["deviceCount"] == 1
    raises("Forbidden", 401, hub.invoke, "actor_GetActor", {}, secret, device_fingerprint=fp)
    raises("Forbidden", 404, hub.invoke, "projects_DeleteDeploymentToken", {"tokenId": token_id})


def test_tokens_are_per_project(hub: Hub) -> None:
    project, other = make_project(hub, "a"), make_project(hub, "b")
    make_token(hub, project)
    assert tokens(hub, other) == []


def test_unknown_token_id_is_not_found(hub: Hub) -> None:
    make_project(hub)
    raises("Forbidden", 404, set_flags, hub, "deployment_id_" + "5" * 22, {})


# Repository links.


def test_link_lists_repository_with_public_and_display_name(hub: Hub) -> None:
    """HEAD items (D43, C37): without a slug, ``publicName`` is the repository id."""
    project = make_project(hub)
    repository = make_repository(hub, "firmware")
    assert link(hub, project, repository) == {}
    assert linked(hub, project) == [
        {"repositoryId": repository, "displayName": "firmware", "publicName": repository}
    ]
    projects = hub.invoke("repositories_QueryLinkedProjects", {"repositoryId": repository})
    assert projects == {"projects": [{"projectId": project, "name": "project"}]}


def test_link_twice_is_idempotent(hub: Hub) -> None:
    project = make_project(hub)
    repository = make_repository(hub)
    link(hub, project, repository)
    audit_before = hub.invoke("projects_QueryAuditLog", {"projectId": project})["events"]
    assert link(hub, project, repository) == {}
    assert [r["repositoryId"] for r in linked(hub, project)] == [repository]
    assert hub.invoke("projects_QueryAuditLog", {"projectId": project})["events"] == audit_before


def test_unlink_not_linked_is_a_no_op(hub: Hub) -> None:
    project = make_project(hub)
    repository = make_repository(hub)
    audit_before = hub.invoke("projects_QueryAuditLog", {"projectId": project})["events"]
    assert link(hub, project, repository, "projects_UnlinkRepository") == {}
    assert linked(hub, project) == []
    assert hub.invoke("projects_QueryAuditLog", {"projectId": project})["events"] == audit_before


def test_unlink_removes_and_repository_survives(hub: Hub) -> None:
    project = make_project(hub)
    first, second = make_repository(hub, "one"), make_repository(hub, "two")
    link(hub, project, first)
    link(hub, project, second)
    assert [r["repositoryId"] for r in linked(hub, project)] == [first, second]
    link(hub, project, first, "projects_UnlinkRepository")
    assert [r["repositoryId"] for r in linked(hub, project)] == [second]
    details = hub.invoke("repositories_GetDetails", {"repositoryId": first})
    assert details["repositoryId"] == first
    link(hub, project, first, "projects_UnlinkRepository")
    assert [r["repositoryId"] for r in linked(hub, project)] == [second]


def test_link_unknown_repository_is_not_found(hub: Hub) -> None:
    project = make_project(hub)
    raises("Forbidden", 404, link, hub, project, "repo_" + "6" * 22)
    assert linked(hub, project) == []


def test_deleting_repository_unlinks_it(hub: Hub) -> None:
    project = make_project(hub)
    repository = make_repository(hub)
    link(hub, project, repository)
    hub.invoke("repositories_Delete", {"repositoryId": repository})
    assert linked(hub, project) == []


def test_repository_of_another_organization_cannot_be_linked_by_its_outsiders(hub: Hub) -> None:
    org = make_organization(hub)
    repository = make_repository(hub, organization_id=org)
    project = make_project(hub)
    _, member_admin = hub.create_user(
        "admin@example.com", organization_id=hub.default_organization_id, organization_admin=True
    )
    body = {"projectId": project, "repositoryId": repository}
    raises("Forbidden", 404, hub.invoke, "projects_LinkRepository", body, member_admin)
    assert linked(hub, project) == []


# OTLP.


def test_never_configured_otlp_reads_disabled_without_endpoint(hub: Hub) -> None:
    project = make_project(hub)
    assert otlp(hub, project) == {"enabled": False, "headers": {}}


def test_otlp_round_trip_masks_header_values(hub: Hub) -> None:
    project = make_project(hub)
    config = {
        "enabled": True,
        "endpoint": "https://otel.example.com/v1/logs",
        "headers": {"Authorization": "Bearer s3cret", "X-Tenant": "acme"},
    }
    assert set_otlp(hub, project, config) == {}
    assert otlp(hub, project) == {
        "enabled": True,
        "endpoint": "https://otel.example.com/v1/logs",
        "headers": {"Authorization": "********", "X-Tenant": "********"},
    }
    assert stored_headers(hub, project) == config["headers"]


def test_otlp_mask_sent_back_keeps_stored_value(hub: Hub) -> None:
    project = make_project(hub)
    set_otlp(
        hub,
        project,
        {"enabled": True, "endpoint": "https://a.example", "headers": {"A": "1", "B": "2"}},
    )
    read = otlp(hub, project)
    read["headers"]["B"] = "22"
    read["endpoint"] = "http://b.example"
    set_otlp(hub, project, read)
    assert stored_headers(hub, project) == {"A": "1", "B": "22"}
    assert otlp(hub, project)["endpoint"] == "http://b.example"


def test_otlp_set_is_full_replacement(hub: Hub) -> None:
    project = make_project(hub)
    set_otlp(
        hub, project, {"enabled": True, "endpoint": "https://a.example", "headers": {"A": "1"}}
    )
    set_otlp(hub, project, {"enabled": False, "headers": {}})
    assert otlp(hub, project) == {"enabled": False, "headers": {}}


def test_otlp_disabled_may_keep_an_endpoint(hub: Hub) -> None:
    project = make_project(hub)
    set_otlp(hub, project, {"enabled": False, "endpoint": "https://a.example", "headers": {}})
    assert otlp(hub, project) == {"enabled": False, "endpoint": "https://a.example", "headers": {}}


def test_otlp_validation(hub: Hub) -> None:
    project = make_project(hub)
    bad = [
        {"enabled": True, "headers": {}},
        {"enabled": True, "endpoint": None, "headers": {}},
        {"enabled": True, "endpoint": "ftp://x", "headers": {}},
        {"enabled": True, "endpoint": "", "headers": {}},
        {"enabled": True, "endpoint": "https://" + "a" * 2041, "headers": {}},
    ]
    for config in bad:
        raises("Invalid", 400, set_otlp, hub, project, config)
    assert otlp(hub, project) == {"enabled": False, "headers": {}}


def test_otlp_is_per_project(hub: Hub) -> None:
    project, other = make_project(hub, "a"), make_project(hub, "b")
    set_otlp(hub, project, {"enabled": True, "endpoint": "https://a.example", "headers": {}})
    assert otlp(hub, other) == {"enabled": False, "headers": {}}


def test_otlp_changes_are_not_audited(hub: Hub) -> None:
    project = make_project(hub)
    before = hub.invoke("projects_QueryAuditLog", {"projectId": project})["events"]
    set_otlp(hub, project, {"enabled": True, "endpoint": "https://a.example", "headers": {}})
    assert hub.invoke("projects_QueryAuditLog", {"projectId": project})["events"] == before


def test_devices_created_by_action_are_unaffected_by_tokens(hub: Hub) -> None:
    project = make_project(hub)
    device = make_device(hub, project)
    token_id, _ = make_token(hub, project)
    hub.invoke("projects_DeleteDeploymentToken", {"tokenId": token_id})
    assert hub.invoke("devices_GetDetails", {"deviceId": device})["deviceId"] == device
