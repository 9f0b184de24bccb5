"""The reference model the contract state machine checks a hub against, in plain Python.

It is written from SEMANTICS.md (D5-D9, §8-§11, §15), not from ``nexigon_fake.state``, so a
bug in the fake's state layer shows up as a disagreement instead of being copied. It knows
only what the machine did: the entities it created, in creation order, and what it deleted.

Time is whole seconds since the machine started (``now``). The absolute instant is ``t0 +
now``, with ``t0`` learned from the hub once; when the machine does not control the hub's
clock ``t0`` stays unknown and every time-dependent value is only expected to be there
(``PRESENT``), not to have a particular value.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

__all__ = ["PRESENT", "ContractModel", "parse_instant"]

PRESENT = "<present>"  # a time-dependent value whose exact value the model cannot know
DEFAULT_TOKEN_VALIDITY_SECS = 600
HEALTH_PROPERTY = "dev.nexigon.system.health"
SYSTEM_INFO_PROPERTY = "dev.nexigon.system.info"
STATUS_BY_HEALTH = {"healthy": "healthy", "degraded": "warning", "error": "error"}
HISTORY_LIMIT = 100  # default `limit` of connection and event queries

HUB_TIME_FIELDS = frozenset(
    {
        "firstSeen",
        "lastConnectedAt",
        "connectedAt",
        "endedAt",
        "createdAt",
        "lastUpdated",
        "receivedAt",
    }
)
DURATION_FIELDS = frozenset({"currentConnectionDurationSecs", "connectedForSecs", "durationSecs"})


def parse_instant(text: str) -> dt.datetime:
    """An RFC 3339 timestamp as an aware UTC datetime (``t``/``z`` accepted, as RFC 3339 does)."""
    return dt.datetime.fromisoformat(text.upper()).astimezone(dt.UTC)


def normalize_fingerprint(text: str) -> str:
    """Certificate fingerprints compare as upper-case two-digit groups (§2.11)."""
    return ":".join(f"{int(group, 16):02X}" for group in text.split(":"))


def flags(auto_accept: bool | None) -> dict[str, Any]:
    return {} if auto_accept is None else {"autoAccept": auto_accept}


@dataclass
class AuditEntry:
    event: str
    data: dict[str, Any]
    at: int


@dataclass
class Property:
    value: Any
    version: int
    protected: bool
    updated_at: int


@dataclass
class Certificate:
    certificate_id: str
    device_id: str
    fingerprint: str
    status: str
    first_seen: int


@dataclass
class Connection:
    connection_id: str
    device_id: str
    node_id: str
    connected_at: int
    order: int
    ended_at: int | None = None
    end_reason: str | None = None


@dataclass
class Event:
    sent: dict[str, Any]
    emitted_at: dt.datetime
    order: int
    received_at: int


@dataclass
class IssuedToken:
    jwt: str
    device_id: str
    claims: Any
    issued_at: int
    valid_for: int


@dataclass
class Device:
    device_id: str
    project_id: str
    fingerprint: str
    created_at: int
    name: str | None = None
    certificates: dict[str, None] = field(default_factory=dict)
    connections: dict[str, None] = field(default_factory=dict)
    properties: dict[str, Property] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)


@dataclass
class Token:
    token_id: str
    project_id: str
    name: str
    auto_accept: bool | None
    created_at: int


@dataclass
class Project:
    project_id: str
    name: str
    devices: dict[str, None] = field(default_factory=dict)
    tokens: dict[str, None] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)


class ContractModel:
    """What a hub must answer, given what the machine did to it."""

    def __init__(self, organization_id: str) -> None:
        self.organization_id = organization_id
        self.now = 0
        self.t0: dt.datetime | None = None
        self._order = 0
        self.projects: dict[str, Project] = {}
        self.tokens: dict[str, Token] = {}
        self.devices: dict[str, Device] = {}  # all projects, in creation order
        self.certificates: dict[str, Certificate] = {}
        self.connections: dict[str, Connection] = {}
        self.jwts: list[IssuedToken] = []
        self.deleted: dict[str, dict[str, None]] = {
            tag: {} for tag in ("p", "deployment_id", "d", "d_c", "d_conn")
        }

    def known_ids(self) -> dict[str, list[str]]:
        """Live ids by tag, for ``nexigon_fake.testing.strategies`` (``ids=model.known_ids``)."""
        return {
            "org": [self.organization_id],
            "p": list(self.projects),
            "deployment_id": list(self.tokens),
            "d": list(self.devices),
            "d_c": list(self.certificates),
            "d_conn": list(self.connections),
        }

    def _next_order(self) -> int:
        self._order += 1
        return self._order

    def _audit(
        self, project_id: str, event: str, data: dict[str, Any], device_id: str | None = None
    ) -> None:
        entry = AuditEntry(event, data, self.now)
        self.projects[project_id].audit.append(entry)
        if device_id is not None:
            self.devices[device_id].audit.append(entry)

    # Time.

    def instant(self, secs: int) -> Any:
        return PRESENT if self.t0 is None else self.t0 + dt.timedelta(seconds=secs)

    def duration(self, secs: int) -> Any:
        return PRESENT if self.t0 is None else secs

    def normalize(self, observed: Any) -> Any:
        """An output with hub times made comparable: instants parsed, or ``PRESENT``."""
        if isinstance(observed, list):
            return [self.normalize(item) for item in observed]
        if not isinstance(observed, dict):
            return observed
        result: dict[str, Any] = {}
        for key, value in observed.items():
            if key in HUB_TIME_FIELDS and isinstance(value, str):
                result[key] = PRESENT if self.t0 is None else parse_instant(value)
            elif key == "emittedAt" and isinstance(value, str):
                result[key] = parse_instant(value)  # chosen by the caller, not the hub
            elif key in DURATION_FIELDS and isinstance(value, int):
                result[key] = self.duration(value)
            elif key in ("body", "value", "attributes", "claims", "data"):
                result[key] = value  # user JSON: compared as sent
            else:
                result[key] = self.normalize(value)
        return result

    # Projects and deployment tokens.

    def create_project(self, project_id: str, name: str) -> None:
        self.projects[project_id] = Project(project_id, name)
        self._audit(project_id, "projects_Created", {"projectId": project_id})

    def rename_project(self, project_id: str, name: str) -> None:
        self.projects[project_id].name = name
        self._audit(project_id, "projects_NameChanged", {"projectId": project_id, "name": name})

    def delete_project(self, project_id: str) -> None:
        """Cascade (D9): devices with all their data, tokens; its audit log goes with it."""
        project = self.projects.pop(project_id)
        for device_id in project.devices:
            self._forget_device(device_id)
        for token_id in project.tokens:
            del self.tokens[token_id]
            self.deleted["deployment_id"][token_id] = None
        self.deleted["p"][project_id] = None

    def create_token(
        self, token_id: str, project_id: str, name: str, auto_accept: bool | None
    ) -> None:
        self.tokens[token_id] = Token(token_id, project_id, name, auto_accept, self.now)
        self.projects[project_id].tokens[token_id] = None
        data = {"projectId": project_id, "tokenId": token_id, "flags": flags(auto_accept)}
        self._audit(project_id, "projects_DeploymentTokenCreated", data)

    def set_token_flags(self, token_id: str, auto_accept: bool | None) -> None:
        token = self.tokens[token_id]
        token.auto_accept = auto_accept
        data = {"projectId": token.project_id, "tokenId": token_id, "flags": flags(auto_accept)}
        self._audit(token.project_id, "projects_DeploymentTokenFlagsChanged", data)

    def delete_token(self, token_id: str) -> None:
        token = self.tokens.pop(token_id)
        del self.projects[token.project_id].tokens[token_id]
        self.deleted["deployment_id"][token_id] = None
        data = {"projectId": token.project_id, "tokenId": token_id}
        self._audit(token.project_id, "projects_DeploymentTokenDeleted", data)

    # Devices.

    def fingerprint_taken(self, project_id: str, fingerprint: str) -> bool:
        """Fingerprints are unique per project (D7)."""
        project = self.projects[project_id]
        return any(self.devices[d].fingerprint == fingerprint for d in project.devices)

    def create_device(self, device_id: str, project_id: str, fingerprint: str) -> None:
        self.devices[device_id] = Device(device_id, project_id, fingerprint, self.now)
        self.projects[project_id].devices[device_id] = None
        data = {"deviceId": device_id, "projectId": project_id}
        self._audit(project_id, "devices_Created", data, device_id)

    def rename_device(self, device_id: str, name: str | None) -> None:
        device = self.devices[device_id]
        device.name = name
        data: dict[str, Any] = {"projectId": device.project_id, "deviceId": device_id}
        if name is not None:
            data["name"] = name
        self._audit(device.project_id, "devices_NameChanged", data, device_id)

    def delete_device(self, device_id: str) -> None:
        """Its project keeps the audit trail, including the deletion itself."""
        device = self.devices[device_id]
        data = {"deviceId": device_id, "projectId": device.project_id}
        self._audit(device.project_id, "devices_Deleted", data)
        del self.projects[device.project_id].devices[device_id]
        self._forget_device(device_id)

    def _forget_device(self, device_id: str) -> None:
        device = self.devices.pop(device_id)
        for certificate_id in device.certificates:
            del self.certificates[certificate_id]
            self.deleted["d_c"][certificate_id] = None
        for connection_id in device.connections:
            del self.connections[connection_id]
            self.deleted["d_conn"][connection_id] = None
        self.deleted["d"][device_id] = None

    # Certificates (§9, D7).

    def has_certificate(self, device_id: str, fingerprint: str) -> bool:
        wanted = normalize_fingerprint(fingerprint)
        device = self.devices[device_id]
        return any(self.certificates[c].fingerprint == wanted for c in device.certificates)

    def add_certificate(
        self, certificate_id: str, device_id: str, fingerprint: str, status: str | None
    ) -> None:
        """A fingerprint another device holds puts every holder, and the new one, in Conflict."""
        wanted = normalize_fingerprint(fingerprint)
        holders = [c for c in self.certificates.values() if c.fingerprint == wanted]
        final = "Conflict" if holders else (status or "Pending")
        device = self.devices[device_id]
        self.certificates[certificate_id] = Certificate(
            certificate_id, device_id, wanted, final, self.now
        )
        device.certificates[certificate_id] = None
        self._certificate_audit("devices_CertificateAdded", self.certificates[certificate_id])
        for holder in holders:
            if holder.status != "Conflict":
                holder.status = "Conflict"
                self._certificate_audit("devices_CertificateStatusChanged", holder)

    def _certificate_audit(self, event: str, certificate: Certificate) -> None:
        device = self.devices[certificate.device_id]
        data = {
            "projectId": device.project_id,
            "deviceId": device.device_id,
            "certificateId": certificate.certificate_id,
        }
        if event != "devices_CertificateDeleted":
            data["status"] = certificate.status
        self._audit(device.project_id, event, data, device.device_id)

    def set_certificate_status(self, certificate_id: str, status: str) -> None:
        certificate = self.certificates[certificate_id]
        certificate.status = status
        self._certificate_audit("devices_CertificateStatusChanged", certificate)

    def delete_certificate(self, certificate_id: str) -> None:
        certificate = self.certificates[certificate_id]
        self._certificate_audit("devices_CertificateDeleted", certificate)
        del self.devices[certificate.device_id].certificates[certificate_id]
        del self.certificates[certificate_id]
        self.deleted["d_c"][certificate_id] = None

    # Connections (§10, D7).

    def register_connection(self, connection_id: str, device_id: str, node_id: str) -> str:
        """``"new"``, ``"again"`` (same device: the same id back) or ``"taken"`` (Invalid)."""
        existing = self.connections.get(connection_id)
        if existing is not None:
            return "again" if existing.device_id == device_id else "taken"
        self.connections[connection_id] = Connection(
            connection_id, device_id, node_id, self.now, self._next_order()
        )
        self.devices[device_id].connections[connection_id] = None
        self.deleted["d_conn"].pop(connection_id, None)  # a forgotten id may be used anew
        return "new"

    def unregister_connection(self, connection_id: str, reason: str) -> None:
        """An ended connection keeps its first end."""
        connection = self.connections[connection_id]
        if connection.ended_at is None:
            connection.ended_at = self.now
            connection.end_reason = reason

    def _open(self, device: Device) -> list[Connection]:
        """Open connections, newest first (ties: registered later first)."""
        found = [self.connections[c] for c in device.connections]
        found = [c for c in found if c.ended_at is None]
        return sorted(found, key=lambda c: (c.connected_at, c.order), reverse=True)

    def _connection_fields(self, device: Device) -> dict[str, Any]:
        result: dict[str, Any] = {}
        everything = [self.connections[c].connected_at for c in device.connections]
        if everything:
            result["lastConnectedAt"] = self.instant(max(everything))
        opened = self._open(device)
        if opened:
            result["currentConnectionDurationSecs"] = self.duration(
                self.now - opened[0].connected_at
            )
        return result

    # Properties (§11, D6).

    def set_property(
        self,
        device_id: str,
        name: str,
        value: Any,
        protected: bool | None,
        expected_version: int | None,
    ) -> dict[str, Any]:
        """The expected output; the property changes only when it is ``Set``."""
        device = self.devices[device_id]
        current = device.properties.get(name)
        if expected_version is not None:
            if current is None:
                return {"result": "Deleted"}
            if current.version != expected_version:
                return {"result": "VersionConflict", "currentVersion": current.version}
        if current is None:
            device.properties[name] = Property(value, 1, bool(protected), self.now)
        else:
            current.value, current.version, current.updated_at = (
                value,
                current.version + 1,
                self.now,
            )
            if protected is not None:
                current.protected = protected
        data = {"projectId": device.project_id, "deviceId": device_id, "propertyName": name}
        self._audit(device.project_id, "devices_PropertySet", data, device_id)
        return {"result": "Set"}

    def remove_property(self, device_id: str, name: str) -> dict[str, Any]:
        device = self.devices[device_id]
        if device.properties.pop(name, None) is None:
            return {"result": "NotFound"}
        data = {"projectId": device.project_id, "deviceId": device_id, "propertyName": name}
        self._audit(device.project_id, "devices_PropertyRemoved", data, device_id)
        return {"result": "Removed"}

    def property_view(self, device_id: str, name: str) -> dict[str, Any] | None:
        prop = self.devices[device_id].properties.get(name)
        if prop is None:
            return None
        return {
            "name": name,
            "value": prop.value,
            "protected": prop.protected,
            "version": prop.version,
            "lastUpdated": self.instant(prop.updated_at),
        }

    def _derived_status(self, device: Device) -> str:
        if not self._open(device):
            return "offline"
        health = device.properties.get(HEALTH_PROPERTY)
        if health is not None and isinstance(health.value, dict):
            reported = health.value.get("status")
            if isinstance(reported, str) and reported in STATUS_BY_HEALTH:
                return STATUS_BY_HEALTH[reported]
        return "healthy"

    def _hostname(self, device: Device) -> dict[str, Any]:
        info = device.properties.get(SYSTEM_INFO_PROPERTY)
        if info is not None and isinstance(info.value, dict):
            hostname = info.value.get("hostname")
            if isinstance(hostname, str):
                return {"hostname": hostname}
        return {}

    # Events (§12, D7).

    def publish_events(self, device_id: str, events: list[dict[str, Any]]) -> None:
        """A known event id is ignored, also within one batch: the first one wins."""
        device = self.devices[device_id]
        for sent in events:
            if sent["eventId"] not in device.events:
                emitted = parse_instant(sent["emittedAt"])
                device.events[sent["eventId"]] = Event(sent, emitted, self._next_order(), self.now)

    # Device tokens (D10).

    def issue_token(
        self, jwt: str, device_id: str, claims: Any, valid_for_secs: int | None
    ) -> None:
        validity = DEFAULT_TOKEN_VALIDITY_SECS if valid_for_secs is None else valid_for_secs
        self.jwts.append(IssuedToken(jwt, device_id, claims, self.now, validity))

    def token_validation(self, token: IssuedToken) -> dict[str, Any] | None:
        """The expected validation, or None when the clock is not the machine's to know."""
        if token.device_id not in self.devices:
            return {"result": "Invalid"}
        if self.t0 is None:
            return None
        issued = math.floor((self.t0 + dt.timedelta(seconds=token.issued_at)).timestamp())
        now = (self.t0 + dt.timedelta(seconds=self.now)).timestamp()
        if now >= issued + token.valid_for:
            return {"result": "Invalid"}
        return {"result": "Valid", "deviceId": token.device_id, "claims": token.claims}

    # Expected outputs of queries.

    def project_details(self, project_id: str) -> dict[str, Any]:
        project = self.projects[project_id]
        return {"projectId": project_id, "name": project.name, "deviceCount": len(project.devices)}

    def project_devices(self, project_id: str) -> list[dict[str, Any]]:
        items = []
        for device_id in self.projects[project_id].devices:
            device = self.devices[device_id]
            pending = sum(
                1 for c in device.certificates if self.certificates[c].status == "Pending"
            )
            item: dict[str, Any] = {"deviceId": device_id}
            if device.name is not None:
                item["name"] = device.name
            item.update(self._hostname(device))
            item["firstSeen"] = self.instant(device.created_at)
            item["status"] = self._derived_status(device)
            item["isConnected"] = bool(self._open(device))
            item["pendingCertificatesCount"] = pending
            item.update(self._connection_fields(device))
            items.append(item)
        return items

    def instance_devices(self) -> list[dict[str, Any]]:
        """``devices_Query`` items of the machine's devices, in creation order."""
        return [
            {
                "deviceId": device.device_id,
                "projectId": device.project_id,
                "isConnected": bool(self._open(device)),
                **self._connection_fields(device),
            }
            for device in self.devices.values()
        ]

    def project_tokens(self, project_id: str) -> list[dict[str, Any]]:
        return [
            {
                "tokenId": token.token_id,
                "createdAt": self.instant(token.created_at),
                "name": token.name,
                "flags": flags(token.auto_accept),
            }
            for token in (self.tokens[t] for t in self.projects[project_id].tokens)
        ]

    def device_details(self, device_id: str) -> dict[str, Any]:
        device = self.devices[device_id]
        details: dict[str, Any] = {
            "deviceId": device_id,
            "projectId": device.project_id,
            "fingerprintId": "d_pk_" + device.fingerprint.removeprefix("d_sk_")[:22],
        }
        if device.name is not None:
            details["name"] = device.name
        details["isConnected"] = bool(self._open(device))
        details["certificates"] = [
            {
                "certificateId": c.certificate_id,
                "status": c.status,
                "fingerprint": c.fingerprint,
                "firstSeen": self.instant(c.first_seen),
            }
            for c in (self.certificates[i] for i in device.certificates)
        ]
        details["connections"] = [
            {
                "connectionId": c.connection_id,
                "nodeId": c.node_id,
                "connectedAt": self.instant(c.connected_at),
                "connectedForSecs": self.duration(self.now - c.connected_at),
            }
            for c in self._open(device)
        ]
        return details

    def device_connections(self, device_id: str, active_only: bool) -> list[dict[str, Any]]:
        device = self.devices[device_id]
        chosen = [self.connections[c] for c in device.connections]
        chosen = [c for c in chosen if c.ended_at is None or not active_only]
        chosen.sort(key=lambda c: (c.connected_at, c.order), reverse=True)
        result = []
        for c in chosen[:HISTORY_LIMIT]:
            item: dict[str, Any] = {
                "connectionId": c.connection_id,
                "nodeId": c.node_id,
                "connectedAt": self.instant(c.connected_at),
            }
            if c.ended_at is not None:
                item["endedAt"] = self.instant(c.ended_at)
                item["endReason"] = c.end_reason
            end = self.now if c.ended_at is None else c.ended_at
            item["durationSecs"] = self.duration(end - c.connected_at)
            result.append(item)
        return result

    def device_events(self, device_id: str) -> list[dict[str, Any]]:
        """Newest first by ``emittedAt``, ties newest recorded first (D5)."""
        events = sorted(
            self.devices[device_id].events.values(),
            key=lambda e: (e.emitted_at, e.order),
            reverse=True,
        )
        result = []
        for event in events[:HISTORY_LIMIT]:
            sent = event.sent
            item = {"eventId": sent["eventId"], "severity": sent["severity"]}
            if sent.get("category") is not None:
                item["category"] = sent["category"]
            item["body"], item["attributes"] = sent["body"], sent["attributes"]
            item["emittedAt"] = event.emitted_at
            item["receivedAt"] = self.instant(event.received_at)  # the hub's, not the sender's
            result.append(item)
        return result

    def audit_log(self, entries: list[AuditEntry]) -> list[tuple[str, dict[str, Any], Any]]:
        """Oldest first, as ``(event, data, createdAt)``."""
        return [(entry.event, entry.data, self.instant(entry.at)) for entry in entries]
