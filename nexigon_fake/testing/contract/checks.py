"""The machine's invariants, and the rules that only check (too costly for every step)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import invariant, precondition, rule

from nexigon_fake.testing.contract.base import MachineBase
from nexigon_fake.testing.contract.settings import PROBES


class ContractChecks(MachineBase):
    """What must hold however the rules ran: listings, details, audit logs, probes."""

    @precondition(lambda self: any(self.model.deleted.get(tag) for tag in PROBES))
    @rule(data=st.data())
    def probe_deleted(self, data: st.DataObject) -> None:
        """Any entity deleted so far, later on: whatever happened since, it stays gone."""
        tag = self.pick(data, [t for t in PROBES if self.model.deleted.get(t)], "kind")
        self._probe(data, tag, self.pick(data, self.model.deleted[tag], "deleted"))

    @rule()
    def check_devices(self) -> None:
        """Without arguments it is also the step of hypothesis' smallest example: keep it cheap
        to draw, or the health check finds that example too large."""
        for device_id in self.model.devices:
            self._check_device(device_id)

    def _check_device(self, device_id: str) -> None:
        model, ask, agree = self.model, {"deviceId": device_id}, self.agree
        details = model.normalize(self.call("devices_GetDetails", ask))
        agree(details, model.device_details(device_id), f"details of {device_id}")
        for active_only in (False, True):
            found = self.call("devices_QueryConnections", {**ask, "activeOnly": active_only})
            expected = model.device_connections(device_id, active_only)
            agree(model.normalize(found["connections"]), expected, f"connections of {device_id}")
        properties = model.normalize(self.call("devices_QueryProperties", ask)["properties"])
        for name, prop in properties.items():
            self._version_grows(device_id, name, prop["version"])
        names = model.devices[device_id].properties
        expected_properties = {name: model.property_view(device_id, name) for name in names}
        agree(properties, expected_properties, f"properties of {device_id}")
        events = model.normalize(self.call("devices_QueryEvents", ask)["events"])
        agree(events, model.device_events(device_id), f"events of {device_id}")
        audit = self.call("devices_QueryAuditLog", ask)["events"]
        self._check_audit(device_id, audit, model.audit_log(model.devices[device_id].audit))

    def _check_audit(self, key: str, newest_first: list[dict[str, Any]], expected: Any) -> None:
        """Append-only, by the machine's actor, and exactly what the machine's calls caused."""
        observed = list(reversed(newest_first))
        before = self.seen_audit.get(key, [])
        self.agree(observed[: len(before)], before, f"earlier audit events of {key}")
        self.seen_audit[key] = observed
        for event in observed:
            self.agree(event["actor"], self.actor, f"actor of audit event {event['eventId']}")
        at = [self.model.normalize({"createdAt": e["createdAt"]})["createdAt"] for e in observed]
        recorded = [(e["event"], e["data"], when) for e, when in zip(observed, at, strict=True)]
        self.agree(recorded, expected, f"audit log of {key}")

    @invariant()
    def projects_agree(self) -> None:
        model, agree = self.model, self.agree
        ask = {"organizationId": model.organization_id}
        listed = [p["projectId"] for p in self.call("organizations_QueryProjects", ask)["projects"]]
        agree([p for p in listed if p in model.projects], list(model.projects), "projects listed")
        agree(set(listed) & set(model.deleted["p"]), set(), "deleted projects listed")
        for project_id, project in model.projects.items():
            ask = {"projectId": project_id}
            details = self.call("projects_GetDetails", ask)
            devices = model.normalize(self.call("projects_QueryDevices", ask)["devices"])
            agree(details["deviceCount"], len(devices), f"deviceCount of {project_id}, listed")
            agree(details, model.project_details(project_id), f"details of {project_id}")
            expected = self.without_unmodelled(model.project_devices(project_id))
            agree(devices, expected, f"devices of {project_id}")
            tokens = model.normalize(self.call("projects_QueryDeploymentTokens", ask)["tokens"])
            agree(tokens, model.project_tokens(project_id), f"deployment tokens of {project_id}")
            audit = self.call("projects_QueryAuditLog", ask)["events"]
            self._check_audit(project_id, audit, model.audit_log(project.audit))

    @invariant()
    def instance_devices_agree(self) -> None:
        model = self.model
        items = self.call("devices_Query", {})["devices"]
        listed = {item["deviceId"] for item in items}
        self.agree(listed & set(model.deleted["d"]), set(), "deleted devices in devices_Query")
        ours = model.normalize([item for item in items if item["projectId"] in model.projects])
        self.agree(ours, model.instance_devices(), "devices_Query")
