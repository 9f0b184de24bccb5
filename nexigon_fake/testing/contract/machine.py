"""A hypothesis state machine that checks any client of the Hub API against the fake's contract.

``contract_machine(make_client)`` gives a ``RuleBasedStateMachine`` that creates, queries,
changes and deletes projects, deployment tokens, devices, certificates, connections,
properties, events and device tokens through ``make_client()`` (see ``nexigon_fake.testing.clients``
for the protocol and the in-process, HTTP and SDK adapters), and compares every answer with a
plain reference model (``nexigon_fake.testing.contract.model``). It holds, after every step:

- ``deviceCount`` equals the devices a project lists, and ``devices_Query`` agrees;
- ``pendingCertificatesCount`` equals the device's ``Pending`` certificates;
- property versions only grow, and compare-and-swap is never lost or applied twice;
- ``isConnected``, durations and ``lastConnectedAt`` agree with the open connections and the
  clock (exactly when the client can move the clock, ``advance_clock``);
- deleted entities are unreachable: listed nowhere, and every action naming one answers
  Forbidden 404;
- the audit log only grows, records what was done, and names the machine's actor;
- every output decodes into the action's wire output type.

``make_client`` is called once per example, so it should give a client of a fresh hub (or
reset one). The machine runs with the client's rights: an instance administrator's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from hypothesis import strategies as st
from hypothesis.stateful import (
    initialize,
    invariant,
    precondition,
    rule,
)

from nexigon_fake.testing.clients import HubClient
from nexigon_fake.testing.contract.calls import MachineBase
from nexigon_fake.testing.contract.records import (
    HEALTH_PROPERTY,
    SYSTEM_INFO_PROPERTY,
    IssuedToken,
    parse_instant,
)
from nexigon_fake.testing.contract.settings import (
    CERTIFICATE,
    DEVICE,
    MAX_CLOCK_STEP_SECS,
    MAX_DEVICES,
    MAX_PROJECTS,
    PROBES,
    PROFILE_ENV,
    PROJECT,
    TOKEN,
    ResponseCheck,
    contract_settings,
)

__all__ = [
    "PROFILE_ENV",
    "ContractMachine",
    "ResponseCheck",
    "contract_machine",
    "contract_settings",
]


class ContractMachine(MachineBase):
    """The contract; use ``contract_machine(make_client)`` to bind it to a client."""

    def _create_project(self, data: st.DataObject) -> str:
        payload = self.payload(data, "projects_Create")
        payload["organizationId"] = self.model.organization_id
        project_id = self._call_creating("projects_Create", payload, PROJECT)
        self.model.create_project(project_id, payload["name"])
        return project_id

    @initialize(data=st.data())
    def first_project_and_device(self, data: st.DataObject) -> None:
        """Also the moment the hub's time is learned, when the machine controls the clock."""
        project_id = self._create_project(data)
        if self.advance is not None:
            events = self.call("projects_QueryAuditLog", {"projectId": project_id})["events"]
            self.model.t0 = parse_instant(events[0]["createdAt"])
        self.create_device(data)

    @precondition(lambda self: len(self.model.projects) < MAX_PROJECTS)
    @rule(data=st.data())
    def create_project(self, data: st.DataObject) -> None:
        self._create_project(data)

    @precondition(lambda self: self.model.projects)
    @rule(data=st.data())
    def rename_project(self, data: st.DataObject) -> None:
        payload = self._edit(data, "projects_SetName", PROJECT)
        self.model.rename_project(payload["projectId"], payload["name"])

    @precondition(lambda self: len(self.model.projects) > 1)  # keep one to fill
    @rule(data=st.data())
    def delete_project(self, data: st.DataObject) -> None:
        self._delete(data, "projects_Delete", PROJECT, self.model.delete_project)

    @precondition(lambda self: self.model.projects)
    @rule(data=st.data())
    def create_token(self, data: st.DataObject) -> None:
        payload = self._payload_for(data, "projects_CreateDeploymentToken", PROJECT)
        output = self.call("projects_CreateDeploymentToken", payload)
        token_id, secret = output["tokenId"], output["token"]
        public = "deployment_id_" + secret.removeprefix("deployment_")[:22]
        self.agree(token_id, public, "token id: the token's first 22 characters")
        auto_accept = (payload.get("flags") or {}).get("autoAccept")
        self.model.create_token(token_id, payload["projectId"], payload["name"], auto_accept)

    @precondition(lambda self: self.model.tokens)
    @rule(data=st.data())
    def set_token_flags(self, data: st.DataObject) -> None:
        payload = self._edit(data, "projects_SetDeploymentTokenFlags", TOKEN)
        self.model.set_token_flags(payload["tokenId"], payload["flags"].get("autoAccept"))

    @precondition(lambda self: self.model.tokens)
    @rule(data=st.data())
    def delete_token(self, data: st.DataObject) -> None:
        self._delete(data, "projects_DeleteDeploymentToken", TOKEN, self.model.delete_token)

    @precondition(lambda self: self.model.projects and len(self.model.devices) < MAX_DEVICES)
    @rule(data=st.data())
    def create_device(self, data: st.DataObject) -> None:
        payload = self._payload_for(data, "devices_Create", PROJECT)
        project_id = payload["projectId"]
        used = [device.fingerprint for device in self.model.devices.values()]
        if len(used) > 0 and data.draw(st.booleans(), label="reuse a fingerprint"):
            payload["fingerprint"] = self.pick(data, used, "fingerprint")
        taken = self.model.fingerprint_taken(project_id, payload["fingerprint"])
        if self._refused_as_duplicate("devices_Create", payload, taken):
            return
        device_id = self._call_creating("devices_Create", payload, DEVICE)
        self.model.create_device(device_id, project_id, payload["fingerprint"])

    @precondition(lambda self: self.model.devices)
    @rule(data=st.data())
    def rename_device(self, data: st.DataObject) -> None:
        payload = self._edit(data, "devices_SetName", DEVICE)
        self.model.rename_device(payload["deviceId"], payload.get("name"))

    @precondition(lambda self: self.model.devices)
    @rule(data=st.data())
    def delete_device(self, data: st.DataObject) -> None:
        self._delete(data, "devices_Delete", DEVICE, self.model.delete_device)

    @precondition(lambda self: self.model.devices)
    @rule(data=st.data())
    def add_certificate(self, data: st.DataObject) -> None:
        payload = self._payload_for(data, "devices_AddCertificate", DEVICE)
        device_id = payload["deviceId"]
        held = [c.fingerprint for c in self.model.certificates.values()]
        if len(held) > 0 and data.draw(st.booleans(), label="reuse a certificate"):
            fingerprint = self.pick(data, held, "fingerprint")
            payload["fingerprint"] = data.draw(st.sampled_from([fingerprint, fingerprint.lower()]))
        taken = self.model.has_certificate(device_id, payload["fingerprint"])
        if self._refused_as_duplicate("devices_AddCertificate", payload, taken):
            return
        certificate_id = self._call_creating("devices_AddCertificate", payload, CERTIFICATE)
        self.model.add_certificate(
            certificate_id, device_id, payload["fingerprint"], payload.get("status")
        )

    @precondition(lambda self: self.model.certificates)
    @rule(data=st.data())
    def set_certificate_status(self, data: st.DataObject) -> None:
        payload = self._edit(data, "devices_SetCertificateStatus", CERTIFICATE)
        self.model.set_certificate_status(payload["certificateId"], payload["status"])

    @precondition(lambda self: self.model.certificates)
    @rule(data=st.data())
    def delete_certificate(self, data: st.DataObject) -> None:
        self._delete(data, "devices_DeleteCertificate", CERTIFICATE, self.model.delete_certificate)

    @precondition(lambda self: self.model.devices)
    @rule(data=st.data())
    def connections(self, data: st.DataObject) -> None:
        """Connect, let time pass, connect again, disconnect: the lifecycle in one rule.

        Hypothesis turns rules on and off per example; in one rule, an example that has it
        goes through all of it: several open connections of different ages, some ended.
        """
        model = self.model
        connected = [c.device_id for c in model.connections.values() if c.ended_at is None]
        again = len(connected) > 0 and data.draw(st.booleans(), label="a connected device")
        device_id = self.pick(data, connected if again else model.devices, "device")
        self._register_connection(data, device_id)
        if self.advance is not None and data.draw(st.booleans(), label="let time pass"):
            self._advance(data.draw(st.integers(1, MAX_CLOCK_STEP_SECS), label="seconds"))
        if data.draw(st.booleans(), label="connect again"):
            self._register_connection(data, device_id)
        if data.draw(st.booleans(), label="disconnect"):
            self._unregister_connection(data)

    def _register_connection(self, data: st.DataObject, device_id: str) -> None:
        action = "devices_RegisterConnection"
        payload = self.payload(data, action)
        payload["deviceId"] = device_id
        reuse = st.booleans()
        if len(self.model.connections) > 0 and data.draw(reuse, label="reuse a connection id"):
            payload["connectionId"] = self.pick(data, self.model.connections, "connection")
        connection_id = payload["connectionId"]
        outcome = self.model.register_connection(connection_id, device_id, payload["nodeId"])
        if not self._refused_as_duplicate(action, payload, outcome == "taken"):
            self._call_expecting(action, payload, {"connectionId": connection_id}, action)

    def _unregister_connection(self, data: st.DataObject) -> None:
        """Mostly an open connection; sometimes one already ended (it keeps its first end)."""
        connections = self.model.connections.values()
        opened = [c.connection_id for c in connections if c.ended_at is None]
        ended = [c.connection_id for c in connections if c.ended_at is not None]
        pool = opened if opened and (not ended or data.draw(st.booleans(), label="open")) else ended
        payload = self.payload(data, "devices_UnregisterConnection")
        payload["connectionId"] = self.pick(data, pool, "connection")
        self.call_empty("devices_UnregisterConnection", payload)
        self.model.unregister_connection(payload["connectionId"], payload["endReason"])

    @precondition(lambda self: self.advance is not None)
    @rule(seconds=st.integers(1, MAX_CLOCK_STEP_SECS))
    def advance_clock(self, seconds: int) -> None:
        self._advance(seconds)

    def _advance(self, seconds: int) -> None:
        assert self.advance is not None
        self.advance(seconds)
        self.model.now += seconds

    def _property_payload(self, data: st.DataObject, action: str) -> dict[str, Any]:
        """A payload of ``action`` naming a device and a property: one it has, one the hub
        derives status or hostname from, or the strategy's fresh name."""
        payload = self._payload_for(data, action, DEVICE)
        device = self.model.devices[payload["deviceId"]]
        names = [*device.properties, HEALTH_PROPERTY, SYSTEM_INFO_PROPERTY, payload["name"]]
        payload["name"] = data.draw(st.sampled_from(names), label="property")
        return payload

    @precondition(lambda self: self.model.devices)
    @rule(data=st.data())
    def set_property(self, data: st.DataObject) -> None:
        """Any name: new ones, existing ones, and those the hub derives status and hostname from."""
        payload = self._property_payload(data, "devices_SetProperty")
        name = payload["name"]
        derived = {
            HEALTH_PROPERTY: st.fixed_dictionaries(
                {"status": st.sampled_from(["healthy", "degraded", "error", "unknown"])}
            ),
            SYSTEM_INFO_PROPERTY: st.fixed_dictionaries({"hostname": st.text(max_size=8)}),
        }
        if name in derived:
            payload["value"] = data.draw(derived[name] | st.just(payload["value"]), label="value")
        self._set_property(data, payload, [None, None, payload.get("expectedVersion")])

    @precondition(lambda self: any(d.properties for d in self.model.devices.values()))
    @rule(data=st.data())
    def update_property(self, data: st.DataObject) -> None:
        """An existing property, mostly compare-and-swap: right, stale and future versions."""
        holders = [d for d in self.model.devices.values() if d.properties]
        device = self.pick(data, holders, "device")
        payload = self.payload(data, "devices_SetProperty")
        payload["deviceId"] = device.device_id
        payload["name"] = self.pick(data, device.properties, "property")
        self._set_property(data, payload, [None])

    def _set_property(
        self, data: st.DataObject, payload: dict[str, Any], versions: list[Any]
    ) -> None:
        device_id, name = payload["deviceId"], payload["name"]
        current = self.model.devices[device_id].properties.get(name)
        if current is not None:
            versions = [*versions, current.version, current.version + 1, current.version - 1]
        payload["expectedVersion"] = data.draw(st.sampled_from(versions), label="expectedVersion")
        expected = self.model.set_property(
            device_id, name, payload["value"], payload.get("protected"), payload["expectedVersion"]
        )
        what = f"compare-and-swap of {name} on {device_id}"
        self._call_expecting("devices_SetProperty", payload, expected, what)

    @precondition(lambda self: self.model.devices)
    @rule(data=st.data())
    def remove_property(self, data: st.DataObject) -> None:
        payload = self._property_payload(data, "devices_RemoveProperty")
        device_id, name = payload["deviceId"], payload["name"]
        expected = self.model.remove_property(device_id, name)
        what = f"removing {name} from {device_id}"
        self._call_expecting("devices_RemoveProperty", payload, expected, what)
        self.version_floor.pop((device_id, name), None)

    @precondition(lambda self: self.model.devices)
    @rule(data=st.data())
    def get_property(self, data: st.DataObject) -> None:
        payload = self._property_payload(data, "devices_GetProperty")
        device_id, name = payload["deviceId"], payload["name"]
        output = self.model.normalize(self.call("devices_GetProperty", payload))
        view = self.model.property_view(device_id, name)
        expected = {"result": "NotFound"} if view is None else {"result": "Found", **view}
        self.agree(output, expected, f"property {name} of {device_id}")
        if view is not None:
            self._version_grows(device_id, name, output["version"])

    def _version_grows(self, device_id: str, name: str, version: int) -> None:
        floor = self.version_floor.get((device_id, name), 0)
        assert version >= floor, f"version of {name} on {device_id} fell from {floor} to {version}"
        self.version_floor[(device_id, name)] = version

    @precondition(lambda self: self.model.devices)
    @rule(data=st.data())
    def publish_events(self, data: st.DataObject) -> None:
        payload = self._payload_for(data, "devices_PublishEvents", DEVICE)
        device_id, events = payload["deviceId"], payload["events"]
        known = list(self.model.devices[device_id].events)
        if events and known and data.draw(st.booleans(), label="resend a known event id"):
            events[0]["eventId"] = self.pick(data, known, "event")
        if len(events) > 1 and data.draw(st.booleans(), label="repeat an id in the batch"):
            events[-1]["eventId"] = events[0]["eventId"]
        self.call_empty("devices_PublishEvents", payload)
        self.model.publish_events(device_id, events)

    @precondition(lambda self: self.model.devices)
    @rule(data=st.data())
    def issue_device_token(self, data: st.DataObject) -> None:
        payload = self._payload_for(data, "devices_IssueDeviceToken", DEVICE)
        jwt = self.call("devices_IssueDeviceToken", payload)["jwt"]
        claims, valid_for = payload.get("claims"), payload.get("validForSecs")
        self.model.issue_token(jwt, payload["deviceId"], claims, valid_for)

    @precondition(lambda self: self.model.jwts)
    @rule(data=st.data())
    def validate_device_token(self, data: st.DataObject) -> None:
        token: IssuedToken = self.pick(data, self.model.jwts, "jwt")
        output = self.call("devices_ValidateDeviceToken", {"jwt": token.jwt})
        expected = self.model.token_validation(token)
        if expected is None:  # the clock is not ours: validity is unknown, the device is not
            device_id = output.get("deviceId", token.device_id)
            self.agree(device_id, token.device_id, "device of a validated token")
        else:
            self.agree(output, expected, f"validation of a token of {token.device_id}")

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


def contract_machine(
    make_client: Callable[[], HubClient],
    *,
    check_response: ResponseCheck | None = None,
    name: str = "NexigonContract",
) -> type[ContractMachine]:
    """The contract machine bound to ``make_client`` (called once per example).

    ``check_response(action, output)`` sees every successful output, to add checks of your
    own (the project's suite validates them against the served OpenAPI document). Run it as
    ``TestX = contract_machine(...).TestCase`` or ``run_state_machine_as_test(machine)``.
    """
    attributes: dict[str, Any] = {
        "make_client": staticmethod(make_client),
        "check_response": None if check_response is None else staticmethod(check_response),
        "__module__": __name__,
    }
    return cast(type[ContractMachine], type(name, (ContractMachine,), attributes))
