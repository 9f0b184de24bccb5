"""The reference model the contract state machine checks a hub against, in plain Python.

It is written from SEMANTICS.md (D5-D9, §8-§11, §15), not from ``nexigon_fake.state``, so a
bug in the fake's state layer shows up as a disagreement instead of being copied. It knows
only what the machine did: the entities it created, in creation order, and what it deleted.

Time is whole seconds since the machine started (``now``). The absolute instant is ``t0 +
now``, with ``t0`` learned from the hub once; when the machine does not control the hub's
clock ``t0`` stays unknown and every time-dependent value is only expected to be there
(``PRESENT``), not to have a particular value."""

from __future__ import annotations

from typing import Any

from nexigon_fake.testing.contract.operation_model import OperationModel
from nexigon_fake.testing.contract.records import (
    DEFAULT_TOKEN_VALIDITY_SECS,
    PRESENT,
    Certificate,
    Connection,
    Device,
    Event,
    FleetDefinition,
    FleetProperty,
    IssuedToken,
    PairingKey,
    Project,
    Property,
    Token,
    flags,
    normalize_fingerprint,
    parse_instant,
)

__all__ = ["PRESENT", "ContractModel", "parse_instant"]


class ContractModel(OperationModel):
    """What a hub must answer, given what the machine did to it."""

    def _next_order(self) -> int:
        self._order += 1
        return self._order

    def fleet_event(self, project_id: str, event: str, fleet_operation_id: str) -> None:
        """A fleet-operation call's audit event (D40)."""
        data = {"projectId": project_id, "fleetOperationId": fleet_operation_id}
        self._audit(project_id, event, data)

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
            self.tokens.pop(token_id, None)  # bound ones went with their devices
            self.deleted["deployment_id"][token_id] = None
        for pairing_key_id in project.pairing_keys:
            del self.pairing_keys[pairing_key_id]
            self.deleted["d_pairing"][pairing_key_id] = None
        self.deleted["p"][project_id] = None

    def create_token(
        self,
        token_id: str,
        project_id: str,
        name: str | None,
        auto_accept: bool | None,
        device_id: str | None = None,
    ) -> None:
        token = Token(token_id, project_id, name, auto_accept, self.now, device_id)
        self.tokens[token_id] = token
        self.projects[project_id].tokens[token_id] = None
        data: dict[str, Any] = {"projectId": project_id, "tokenId": token_id}
        if device_id is not None:
            data["deviceId"] = device_id
        data["flags"] = flags(auto_accept)
        self._audit(project_id, "projects_DeploymentTokenCreated", data)

    def create_pairing_key(
        self, pairing_key_id: str, project_id: str, key: str, name: str | None, valid_for: int
    ) -> PairingKey:
        selector = key.replace("-", "")[:6]
        record = PairingKey(
            pairing_key_id, project_id, key, selector, name, self.now, self.now + valid_for
        )
        self.pairing_keys[pairing_key_id] = record
        self.projects[project_id].pairing_keys[pairing_key_id] = None
        data = {"projectId": project_id, "pairingKeyId": pairing_key_id}
        self._audit(project_id, "projects_DevicePairingKeyCreated", data)
        return record

    def device_with_fingerprint(self, project_id: str, fingerprint: str) -> str | None:
        project = self.projects[project_id]
        return next(
            (d for d in project.devices if self.devices[d].fingerprint == fingerprint), None
        )

    def redeem_pairing_key(
        self, record: PairingKey, device_id: str, token_id: str, device_name: str | None
    ) -> None:
        """D32, C28: a new device if none has the fingerprint, a bound auto-accepting token."""
        device = self.devices[device_id]
        if device_name is not None and device.name is None:
            device.name = device_name
        self.create_token(token_id, record.project_id, record.name, True, device_id)
        record.used_at, record.device_id, record.token_id = self.now, device_id, token_id
        data = {
            "projectId": record.project_id,
            "pairingKeyId": record.pairing_key_id,
            "deviceId": device_id,
            "tokenId": token_id,
        }
        self._audit(record.project_id, "projects_DevicePairingKeyRedeemed", data, device_id)

    def revoke_pairing_key(self, record: PairingKey) -> None:
        """D33: the first revocation counts; used keys are refused before this."""
        if record.revoked_at is None:
            record.revoked_at = self.now
            data = {"projectId": record.project_id, "pairingKeyId": record.pairing_key_id}
            self._audit(record.project_id, "projects_DevicePairingKeyRevoked", data)

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
        bound = [t for t, token in self.tokens.items() if token.device_id == device_id]
        for token_id in bound:  # bound tokens go with their device, without events (C29)
            del self.tokens[token_id]
            project = self.projects.get(device.project_id)  # None: the project goes too
            if project is not None:
                del project.tokens[token_id]
            self.deleted["deployment_id"][token_id] = None
        for certificate_id in device.certificates:
            del self.certificates[certificate_id]
            self.deleted["d_c"][certificate_id] = None
        for connection_id in device.connections:
            del self.connections[connection_id]
            self.deleted["d_conn"][connection_id] = None
        self.forget_operations(device_id)
        self.deleted["d"][device_id] = None

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

    def publish_events(self, device_id: str, events: list[dict[str, Any]]) -> None:
        """A known event id is ignored, also within one batch: the first one wins."""
        device = self.devices[device_id]
        for sent in events:
            if sent["eventId"] not in device.events:
                emitted = parse_instant(sent["emittedAt"])
                device.events[sent["eventId"]] = Event(sent, emitted, self._next_order(), self.now)

    def issue_token(
        self, jwt: str, device_id: str, claims: Any, valid_for_secs: int | None
    ) -> None:
        validity = DEFAULT_TOKEN_VALIDITY_SECS if valid_for_secs is None else valid_for_secs
        self.jwts.append(IssuedToken(jwt, device_id, claims, self.now, validity))

    # Fleet properties (D39, C52): manual and computed names never turn into each other.

    def _fleet_audit(self, project_id: str, event: str, name: str) -> None:
        self._audit(project_id, event, {"projectId": project_id, "propertyName": name})

    def set_fleet_property(self, project_id: str, name: str, value: Any) -> bool:
        """False: the name is a computed property's, which the hub refuses (Invalid)."""
        properties = self.projects[project_id].fleet_properties
        current = properties.get(name)
        if current is not None and current.computed:
            return False
        version = 1 if current is None else current.version + 1
        properties[name] = FleetProperty(value, False, version, self.now)
        self._fleet_audit(project_id, "fleet_PropertySet", name)
        return True

    def define_fleet_property(
        self, project_id: str, name: str, inputs: list[str], strategy: str, config: Any
    ) -> bool:
        """False: the name is a manual property's (Invalid). A redefinition keeps the value,
        version and ``createdAt``; one that changes nothing is not audited (C25)."""
        project = self.projects[project_id]
        current = project.fleet_properties.get(name)
        if current is not None and not current.computed:
            return False
        error = f"nexigon-fake does not compute strategy `{strategy}`."
        existing = project.fleet_definitions.get(name)
        created_at = self.now if existing is None else existing.created_at
        definition = FleetDefinition(list(inputs), strategy, config, created_at)
        if current is not None and existing == definition and current.error == error:
            return True
        project.fleet_definitions[name] = definition
        if current is None:
            project.fleet_properties[name] = FleetProperty(None, True, 1, self.now, error)
        else:
            current.error = error
        self._fleet_audit(project_id, "fleet_ComputedPropertyDefined", name)
        return True

    def remove_fleet_property(self, project_id: str, name: str) -> dict[str, Any]:
        project = self.projects[project_id]
        if project.fleet_properties.pop(name, None) is None:
            return {"result": "NotFound"}
        project.fleet_definitions.pop(name, None)
        self._fleet_audit(project_id, "fleet_PropertyRemoved", name)
        return {"result": "Removed"}
