"""Rules of fleet operations: a rollout over a project's devices, started and cancelled (D35,
D37, D40). Its command step is never claimed, so device properties stay as the model has them."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from nexigon_fake.testing.contract.base import MachineBase

STEP = {"kind": "DeviceCommand", "command": "contract-noop", "input": None}


class FleetOperationRules(MachineBase):
    """Fleet operations, when the client can send their actions."""

    def _fleets_supported(self) -> bool:
        return self.supports("fleet_CreateOperation")

    @precondition(lambda self: self.model.projects and self._fleets_supported())
    @rule(data=st.data())
    def roll_out_and_cancel(self, data: st.DataObject) -> None:
        """Every device of the project is a target in creation order, running; cancelling
        cancels them all (with no devices the rollout has converged at its start, C45)."""
        project_id = self.pick(data, list(self.model.projects), "project")
        devices = [d.device_id for d in self.model.devices.values() if d.project_id == project_id]
        body = {
            "projectId": project_id,
            "name": "contract rollout",
            "selector": {"predicates": []},
            "stages": [{"name": "all"}],
            "steps": [STEP],
        }
        fleet_id = self.call("fleet_CreateOperation", body)["fleetOperationId"]
        self.model.fleet_event(project_id, "fleet_OperationCreated", fleet_id)
        by_id = {"fleetOperationId": fleet_id}
        self.call_empty("fleet_StartOperation", by_id)
        self.model.fleet_event(project_id, "fleet_OperationStarted", fleet_id)
        targets = self.call("fleet_QueryOperationTargets", by_id)["targets"]
        self.agree([t["deviceId"] for t in targets], devices, f"targets of {fleet_id}")
        self.agree(
            [t["status"] for t in targets], ["Running"] * len(devices), "targets just started"
        )
        summary = self.call("fleet_GetOperation", by_id)["summary"]
        if not devices:
            self.agree(summary["status"], "Completed", "a rollout without targets")
            return
        self.agree(summary["status"], "Running", f"status of {fleet_id}")
        self.call_empty("fleet_CancelOperation", by_id)
        self.model.fleet_event(project_id, "fleet_OperationCancelled", fleet_id)
        for target in targets:
            self.model.fleet_cancelled(
                target["deviceOperationId"], target["deviceId"], fleet_id, body["name"], [STEP]
            )
        progress = self.call("fleet_GetOperation", by_id)["summary"]["progress"]
        self.agree(
            (progress["total"], progress["cancelled"]),
            (len(devices), len(devices)),
            f"progress of cancelled {fleet_id}",
        )
