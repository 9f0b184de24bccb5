"""The model's state and how it reads back: what each query must answer."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from nexigon_fake.testing.contract.records import (
    DURATION_FIELDS,
    HEALTH_PROPERTY,
    HISTORY_LIMIT,
    HUB_TIME_FIELDS,
    PRESENT,
    STATUS_BY_HEALTH,
    SYSTEM_INFO_PROPERTY,
    AuditEntry,
    Certificate,
    Connection,
    Device,
    IssuedToken,
    Operation,
    PairingKey,
    Project,
    Token,
    flags,
    parse_instant,
)


class ModelViews:
    """The model's tables and the answers the hub must give about them."""

    def __init__(self, organization_id: str) -> None:
        self.organization_id = organization_id
        self.now = 0
        self.t0: dt.datetime | None = None
        self._order = 0
        self.projects: dict[str, Project] = {}
        self.tokens: dict[str, Token] = {}
        self.pairing_keys: dict[str, PairingKey] = {}
        self.devices: dict[str, Device] = {}  # all projects, in creation order
        self.certificates: dict[str, Certificate] = {}
        self.connections: dict[str, Connection] = {}
        self.jwts: list[IssuedToken] = []
        self.operations: dict[str, Operation] = {}
        self.deleted: dict[str, dict[str, None]] = {
            tag: {} for tag in ("p", "deployment_id", "d", "d_c", "d_conn", "d_pairing", "d_op")
        }

    def _audit(
        self, project_id: str, event: str, data: dict[str, Any], device_id: str | None = None
    ) -> None:
        entry = AuditEntry(event, data, self.now)
        self.projects[project_id].audit.append(entry)
        if device_id is not None:
            self.devices[device_id].audit.append(entry)

    def known_ids(self) -> dict[str, list[str]]:
        """Live ids by tag, for ``nexigon_fake.testing.strategies`` (``ids=model.known_ids``)."""
        return {
            "org": [self.organization_id],
            "p": list(self.projects),
            "deployment_id": list(self.tokens),
            "d": list(self.devices),
            "d_c": list(self.certificates),
            "d_conn": list(self.connections),
            "d_pairing": list(self.pairing_keys),
            "d_op": list(self.operations),
        }

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
        listed = []
        for token in (self.tokens[t] for t in self.projects[project_id].tokens):
            item: dict[str, Any] = {"tokenId": token.token_id}
            if token.device_id is not None:
                item["deviceId"] = token.device_id
            item["createdAt"] = self.instant(token.created_at)
            if token.name is not None:
                item["name"] = token.name
            item["flags"] = flags(token.auto_accept)
            listed.append(item)
        return listed

    def project_pairing_keys(self, project_id: str) -> list[dict[str, Any]]:
        """``projects_QueryDevicePairingKeys``: every key, in creation order (D30)."""
        listed = []
        for key in (self.pairing_keys[k] for k in self.projects[project_id].pairing_keys):
            item: dict[str, Any] = {
                "pairingKeyId": key.pairing_key_id,
                "selector": key.selector,
                "createdAt": self.instant(key.created_at),
                "expiresAt": self.instant(key.expires_at),
            }
            if key.used_at is not None:
                item["usedAt"] = self.instant(key.used_at)
            if key.revoked_at is not None:
                item["revokedAt"] = self.instant(key.revoked_at)
            for field_name, value in (
                ("name", key.name),
                ("deviceId", key.device_id),
                ("tokenId", key.token_id),
            ):
                if value is not None:
                    item[field_name] = value
            listed.append(item)
        return listed

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

    def fleet_property_view(self, project_id: str, name: str) -> dict[str, Any] | None:
        prop = self.projects[project_id].fleet_properties.get(name)
        if prop is None:
            return None
        view: dict[str, Any] = {
            "name": name,
            "value": prop.value,
            "kind": {"kind": "Computed" if prop.computed else "Manual"},
            "version": prop.version,
            "lastUpdated": self.instant(prop.updated_at),
        }
        if prop.error is not None:
            view["error"] = prop.error
        return view

    def fleet_definitions(self, project_id: str) -> list[dict[str, Any]]:
        """In the order first defined (C52)."""
        return [
            {
                "name": name,
                "inputProperties": d.input_properties,
                "strategy": d.strategy,
                "config": d.config,
                "createdAt": self.instant(d.created_at),
            }
            for name, d in self.projects[project_id].fleet_definitions.items()
        ]
