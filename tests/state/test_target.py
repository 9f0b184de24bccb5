"""A call's target is resolved once, from its rule's scope, for faults and permissions alike."""

from __future__ import annotations

from nexigon_fake import Hub, NotFoundError
from nexigon_fake.state.target import Scope, resolve_target
from nexigon_fake.wire.devices import GetDeviceDetailsAction

FINGERPRINT = "d_sk_" + "T" * 44
CERT = ":".join(["AB"] * 32)


def _setup(hub: Hub) -> tuple[str, str, str, str]:
    organization_id = hub.default_organization_id
    project_id = hub.projects.create(organization_id=organization_id, name="p").project_id
    device_id = hub.devices.create(project_id=project_id, fingerprint=FINGERPRINT).device_id
    certificate_id = hub.devices.add_certificate(device_id=device_id, fingerprint=CERT)
    return organization_id, project_id, device_id, certificate_id.certificate_id


def test_a_certificate_and_a_connection_resolve_to_their_device_project_and_organization(
    hub: Hub,
) -> None:
    organization_id, project_id, device_id, certificate_id = _setup(hub)
    connection_id = hub.ids.flat("d_conn")
    hub.devices.register_connection(
        device_id=device_id, node_id=hub.ids.flat("cluster_node"), connection_id=connection_id
    )
    scopes: list[tuple[Scope, str]] = [
        ("device", device_id),
        ("certificate", certificate_id),
        ("connection", connection_id),
    ]
    for scope, entity_id in scopes:
        target = resolve_target(hub.store, scope, entity_id, None)
        assert (target.organization_id, target.project_id, target.device_id) == (
            organization_id,
            project_id,
            device_id,
        )
        assert target.entity_id == entity_id and target.missing is None


def test_a_missing_device_keeps_its_id_and_the_answer_for_it(hub: Hub) -> None:
    missing = "d_" + "z" * 22
    target = resolve_target(hub.store, "device", missing, None)
    assert target.device_id == missing and target.organization_id is None
    assert isinstance(target.missing, NotFoundError)
    assert missing in target.missing.message


def test_a_deployment_token_resolves_to_its_project(hub: Hub) -> None:
    organization_id, project_id, _, _ = _setup(hub)
    token_id = hub.projects.create_deployment_token(project_id=project_id, name="t").token_id
    target = resolve_target(hub.store, "deployment_token", token_id, None)
    assert (target.organization_id, target.project_id) == (organization_id, project_id)


def test_without_a_scope_the_input_names_the_target(hub: Hub) -> None:
    request = GetDeviceDetailsAction(device_id="d_" + "q" * 22)
    target = resolve_target(hub.store, "none", None, request)
    assert target.device_id == request.device_id and target.missing is None
