"""Shared pieces of the contract suite: a populated hub, OpenAPI response checks, settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import jsonschema  # type: ignore[import-untyped]
from hypothesis import Phase, settings

from nexigon_fake import Hub
from nexigon_fake.testing.contract.machine import ResponseCheck, contract_settings

CERT_FINGERPRINT = ":".join(f"{byte:02X}" for byte in range(32))


def populated_hub(seed: int = 0) -> Hub:
    """A hub with one of everything the strategies can aim at: ids for them to draw."""
    hub = Hub(seed=seed)
    project = hub.invoke(
        "projects_Create", {"organizationId": hub.default_organization_id, "name": "fleet"}
    )["projectId"]
    device = hub.invoke("devices_Create", {"projectId": project, "fingerprint": "d_sk_" + "a" * 44})
    device_id = device["deviceId"]
    hub.invoke("devices_AddCertificate", {"deviceId": device_id, "fingerprint": CERT_FINGERPRINT})
    hub.invoke(
        "devices_RegisterConnection",
        {
            "deviceId": device_id,
            "nodeId": "cluster_node_" + "N" * 22,
            "connectionId": "d_conn_" + "C" * 22,
        },
    )
    hub.invoke("devices_SetProperty", {"deviceId": device_id, "name": "app.config", "value": 1})
    hub.invoke("projects_CreateDeploymentToken", {"projectId": project, "name": "line"})
    repository = hub.invoke(
        "repositories_Create", {"organizationId": hub.default_organization_id, "name": "os"}
    )["repositoryId"]
    hub.invoke("projects_LinkRepository", {"projectId": project, "repositoryId": repository})
    hub.create_user("member@example.com", organization_id=hub.default_organization_id)
    return hub


@contextmanager
def restoring(hub: Hub, baseline: bytes) -> Iterator[Hub]:
    """Back to ``baseline`` after the block: the next example draws ids from the same hub.

    Strategies read a hub's ids when they draw; were the hub left changed, hypothesis would
    see the same choices give other values and report a flaky strategy, not the failure.
    """
    try:
        yield hub
    finally:
        hub.restore(baseline)


def openapi_response_check(document: dict[str, Any]) -> ResponseCheck:
    """A check that every 200 output validates against the served document's own schema."""
    validators: dict[str, jsonschema.Draft202012Validator] = {}
    for path, item in document["paths"].items():
        schema = item["post"]["responses"]["200"]["content"]["application/json"]["schema"]
        rooted = {**schema, "components": document["components"]}
        jsonschema.Draft202012Validator.check_schema(rooted)
        validators[path.rsplit("/", 1)[1]] = jsonschema.Draft202012Validator(rooted)

    def check(action: str, output: dict[str, Any]) -> None:
        errors = sorted(validators[action].iter_errors(output), key=str)
        assert not errors, f"{action} output {output!r} breaks the OpenAPI schema: {errors[0]}"

    return check


def scaled(factor: float, **overrides: Any) -> settings:
    """The selected contract profile with ``factor`` times its examples.

    The profiles are sized for a client over HTTP; in-process runs afford more.
    """
    examples = max(2, round(contract_settings().max_examples * factor))
    return contract_settings(max_examples=examples, **overrides)


def without_shrinking(base: settings) -> settings:
    """For runs over sockets: a failure is reported as found, not minimized.

    Shrinking replays the machine hundreds of times, minutes over HTTP; the in-process run
    checks the same model and shrinks the same bug in seconds.
    """
    return settings(base, phases=[p for p in base.phases if p not in (Phase.shrink, Phase.explain)])
