"""Rules of fleet properties: set, define, remove and read them back (D39, C52)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from nexigon_fake.testing.contract.base import MachineBase
from nexigon_fake.testing.contract.settings import PROJECT


class FleetPropertyRules(MachineBase):
    """Fleet properties, when the client can send their actions."""

    def _fleet_supported(self) -> bool:
        return self.supports("fleet_SetProperty")

    def _fleet_payload(self, data: st.DataObject, action: str) -> dict[str, Any]:
        """A payload of ``action`` naming a live project and a property: one of its manual or
        computed ones (collisions between the kinds are the interesting part), or a fresh one."""
        payload = self._payload_for(data, action, PROJECT)
        project = self.model.projects[payload["projectId"]]
        names = [*project.fleet_properties, payload["name"]]
        payload["name"] = data.draw(st.sampled_from(names), label="fleet property")
        return payload

    @precondition(lambda self: self.model.projects and self._fleet_supported())
    @rule(data=st.data())
    def set_fleet_property(self, data: st.DataObject) -> None:
        payload = self._fleet_payload(data, "fleet_SetProperty")
        project_id, name = payload["projectId"], payload["name"]
        if self.model.set_fleet_property(project_id, name, payload["value"]):
            self.call_empty("fleet_SetProperty", payload)
        else:  # a computed property is never set by hand (D39)
            self.call_failing("fleet_SetProperty", payload, "Invalid", 400)

    @precondition(lambda self: self.model.projects and self._fleet_supported())
    @rule(data=st.data())
    def define_computed_fleet_property(self, data: st.DataObject) -> None:
        payload = self._fleet_payload(data, "fleet_DefineComputedProperty")
        project_id, name = payload["projectId"], payload["name"]
        definitions = self.model.projects[project_id].fleet_definitions
        if name in definitions and data.draw(st.booleans(), label="define it again as it is"):
            known = definitions[name]
            payload.update(inputProperties=list(known.input_properties), strategy=known.strategy)
            payload["config"] = known.config
        defined = self.model.define_fleet_property(
            project_id, name, payload["inputProperties"], payload["strategy"], payload.get("config")
        )
        if defined:
            self.call_empty("fleet_DefineComputedProperty", payload)
        else:  # a manual property is never redefined (D39)
            self.call_failing("fleet_DefineComputedProperty", payload, "Invalid", 400)

    @precondition(lambda self: self.model.projects and self._fleet_supported())
    @rule(data=st.data())
    def remove_fleet_property(self, data: st.DataObject) -> None:
        payload = self._fleet_payload(data, "fleet_RemoveProperty")
        expected = self.model.remove_fleet_property(payload["projectId"], payload["name"])
        what = f"removing fleet property {payload['name']} of {payload['projectId']}"
        self._call_expecting("fleet_RemoveProperty", payload, expected, what)

    @precondition(lambda self: self.model.projects and self._fleet_supported())
    @rule(data=st.data())
    def get_fleet_property(self, data: st.DataObject) -> None:
        payload = self._fleet_payload(data, "fleet_GetProperty")
        project_id, name = payload["projectId"], payload["name"]
        output = self.model.normalize(self.call("fleet_GetProperty", payload))
        view = self.model.fleet_property_view(project_id, name)
        expected = {"result": "NotFound"} if view is None else {"result": "Found", **view}
        self.agree(output, expected, f"fleet property {name} of {project_id}")

    @precondition(lambda self: self.model.projects and self._fleet_supported())
    @rule(data=st.data())
    def fleet_properties_agree(self, data: st.DataObject) -> None:
        project_id = self.pick(data, list(self.model.projects), "project")
        ask = {"projectId": project_id}
        found = self.model.normalize(self.call("fleet_QueryProperties", ask)["properties"])
        names = self.model.projects[project_id].fleet_properties
        expected = {name: self.model.fleet_property_view(project_id, name) for name in names}
        self.agree(found, expected, f"fleet properties of {project_id}")
        self.agree(list(found), list(names), f"fleet properties of {project_id}, in order")
        listed = self.call("fleet_QueryComputedPropertyDefinitions", ask)["definitions"]
        definitions = self.model.fleet_definitions(project_id)
        self.agree(self.model.normalize(listed), definitions, f"definitions of {project_id}")
