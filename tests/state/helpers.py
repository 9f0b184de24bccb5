"""Small builders for behaviour tests: well-formed ids, projects, devices, certificates."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import urllib.parse
from typing import Any

import pytest

from nexigon_fake import Hub
from nexigon_fake.errors import ActionError
from nexigon_fake.wire.credentials import Credentials

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

_counter = itertools.count(1)


def base58(length: int, seed: int | None = None) -> str:
    """A deterministic base58 string of ``length`` characters, distinct per call."""
    number = next(_counter) if seed is None else seed
    digest = hashlib.sha256(f"raw-{number}".encode()).digest()
    chars: list[str] = []
    while len(chars) < length:
        for byte in digest:
            chars.append(BASE58[byte % 58])
        digest = hashlib.sha256(digest).digest()
    return "".join(chars[:length])


def fingerprint() -> str:
    """A fresh device fingerprint ``d_sk_`` + 44 base58."""
    return "d_sk_" + base58(44)


def connection_id() -> str:
    return "d_conn_" + base58(22)


def node_id() -> str:
    return "cluster_node_" + base58(22)


def event_id(stamp: str = "20260504-0700") -> str:
    return f"d_ev_{stamp}-" + base58(8)


def cert_fingerprint() -> str:
    """A certificate fingerprint: 32 upper-case hex bytes joined by ``:``."""
    digest = hashlib.sha256(base58(16).encode()).digest()
    return ":".join(f"{byte:02X}" for byte in digest)


def make_pem() -> tuple[str, str]:
    """A URL-encoded PEM "certificate" and its expected SHA-256 fingerprint.

    The hub only decodes the base64 body and hashes the DER, so any blob will do.
    """
    der = b"\x30\x82fake-certificate-" + base58(32).encode()
    body = base64.b64encode(der).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    pem = "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"
    expected = ":".join(f"{byte:02X}" for byte in hashlib.sha256(der).digest())
    return urllib.parse.quote(pem), expected


def make_project(hub: Hub, name: str = "project", *, organization_id: str | None = None) -> str:
    output = hub.invoke(
        "projects_Create",
        {"organizationId": organization_id or hub.default_organization_id, "name": name},
    )
    return output["projectId"]


def make_device(hub: Hub, project_id: str, fp: str | None = None) -> str:
    output = hub.invoke(
        "devices_Create", {"projectId": project_id, "fingerprint": fp or fingerprint()}
    )
    return output["deviceId"]


def make_token(
    hub: Hub, project_id: str, *, auto_accept: bool | None = None, name: str = "token"
) -> tuple[str, str]:
    """(token id, secret) of a new deployment token."""
    payload: dict[str, Any] = {"projectId": project_id, "name": name}
    if auto_accept is not None:
        payload["flags"] = {"autoAccept": auto_accept}
    output = hub.invoke("projects_CreateDeploymentToken", payload)
    return output["tokenId"], output["token"]


def make_repository(hub: Hub, name: str = "repo", *, organization_id: str | None = None) -> str:
    output = hub.invoke(
        "repositories_Create",
        {"organizationId": organization_id or hub.default_organization_id, "name": name},
    )
    return output["repositoryId"]


def make_organization(hub: Hub, name: str = "other") -> str:
    """An organization without members (the instance administrator is not one of them)."""
    payload = {"name": name, "admins": [], "requiresSubscription": False}
    return hub.invoke("organizations_Create", payload)["organizationId"]


def add_certificate(hub: Hub, device_id: str, fp: str, status: str | None = None) -> str:
    payload: dict[str, Any] = {"deviceId": device_id, "fingerprint": fp}
    if status is not None:
        payload["status"] = status
    return hub.invoke("devices_AddCertificate", payload)["certificateId"]


def connect(hub: Hub, device_id: str, conn: str | None = None) -> str:
    output = hub.invoke(
        "devices_RegisterConnection",
        {"deviceId": device_id, "nodeId": node_id(), "connectionId": conn or connection_id()},
    )
    return output["connectionId"]


def disconnect(hub: Hub, conn: str, reason: str = "Disconnected") -> None:
    hub.invoke("devices_UnregisterConnection", {"connectionId": conn, "endReason": reason})


def set_property(hub: Hub, device_id: str, name: str, value: Any, **extra: Any) -> dict[str, Any]:
    return hub.invoke(
        "devices_SetProperty", {"deviceId": device_id, "name": name, "value": value, **extra}
    )


def details(hub: Hub, device_id: str) -> dict[str, Any]:
    return hub.invoke("devices_GetDetails", {"deviceId": device_id})


def project_device(hub: Hub, project_id: str, device_id: str) -> dict[str, Any]:
    items = hub.invoke("projects_QueryDevices", {"projectId": project_id})["devices"]
    (item,) = [item for item in items if item["deviceId"] == device_id]
    return item


def project_audit(hub: Hub, project_id: str) -> list[dict[str, Any]]:
    return hub.invoke("projects_QueryAuditLog", {"projectId": project_id})["events"]


def device_audit(hub: Hub, device_id: str) -> list[dict[str, Any]]:
    return hub.invoke("devices_QueryAuditLog", {"deviceId": device_id})["events"]


def admin_actor(hub: Hub) -> dict[str, Any]:
    return hub.invoke("actor_GetActor", {})["actor"]


def raises(kind: str, status: int, call: Any, *args: Any, **kwargs: Any) -> ActionError:
    """Run ``call`` and assert it fails with this error kind and HTTP status."""
    with pytest.raises(ActionError) as info:
        call(*args, **kwargs)
    error = info.value
    assert (error.kind, error.status) == (kind, status), error
    return error


def invoke_anonymous(hub: Hub, action: str, payload: dict[str, Any]) -> Any:
    """Invoke without any credentials (``hub.invoke`` without a token acts as admin)."""
    answer = hub.invoke_json(action, json.dumps(payload).encode(), Credentials())
    if answer.error is not None:
        raise answer.error
    return json.loads(answer.output_json)
