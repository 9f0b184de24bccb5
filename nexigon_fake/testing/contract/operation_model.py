"""The reference model of device operations (HEAD D20-D26), for the contract machine.

It models the steps the machine creates: hub-side property writes and device commands, which
the machine claims and reports itself (an instance administrator may, for tests). Like the rest
of the model it is written from the semantics, not from ``nexigon_fake.state``.
"""

from __future__ import annotations

from typing import Any

from nexigon_fake.testing.contract.records import Operation, StepState
from nexigon_fake.testing.contract.views import ModelViews

DEFAULT_COMMAND_TIMEOUT_SECS = 3600  # D20
LEASE_MARGIN_SECS = 60  # D21: a command lease is its timeout plus this
CANCELLED_ERROR = "Operation was cancelled."
NO_ERROR_MESSAGE = "Device reported failure without an error message."
TERMINAL = frozenset({"Succeeded", "Failed", "TimedOut", "Cancelled"})


class OperationModel(ModelViews):
    """Device operations of the model's devices, in creation order."""

    def set_property(
        self,
        device_id: str,
        name: str,
        value: Any,
        protected: bool | None,
        expected_version: int | None,
    ) -> dict[str, Any]:
        raise NotImplementedError  # the contract model's (a hub-side step writes as it does)

    def _operation_audit(self, operation: Operation, event: str) -> None:
        data = {
            "projectId": operation.project_id,
            "deviceId": operation.device_id,
            "deviceOperationId": operation.operation_id,
        }
        self._audit(operation.project_id, event, data, operation.device_id)

    def create_operation(
        self, operation_id: str, device_id: str, name: str, steps: list[dict[str, Any]]
    ) -> None:
        self._order += 1
        project_id = self.devices[device_id].project_id
        operation = Operation(
            operation_id, project_id, device_id, name, steps, self.now, self._order
        )
        operation.updated_at = self.now
        self.operations[operation_id] = operation
        self._operation_audit(operation, "devices_OperationCreated")

    def start_operation(self, operation: Operation) -> None:
        """Pending only (a running one is a no-op; the machine refuses terminal ones)."""
        if operation.status != "Pending":
            return
        operation.status, operation.started_at = "Running", self.now
        self._operation_audit(operation, "devices_OperationStarted")
        self._enter_step(operation, 0)

    def _enter_step(self, operation: Operation, index: int) -> None:
        """Make step ``index`` current; hub-side steps complete at once (D19, D26)."""
        now, steps = self.now, operation.steps
        operation.updated_at = now
        while index < len(steps):
            step = steps[index]
            operation.step_index, operation.current_since = index, now
            state = StepState(index, "Running", now)
            operation.states.append(state)
            if step["kind"] != "SetDeviceProperty":
                timeout = step.get("timeoutSecs") or DEFAULT_COMMAND_TIMEOUT_SECS
                operation.deadline = now + timeout
                operation.claim = operation.lease_until = None
                return
            self.set_property(
                operation.device_id, step["name"], step["value"], step.get("protected"), None
            )
            state.status, state.completed_at = "Succeeded", now
            index += 1
        operation.status, operation.completed_at, operation.deadline = "Succeeded", now, None

    def cancel_operation(self, operation: Operation) -> None:
        """Pending or running (a cancelled one is a no-op; the machine refuses the others)."""
        if operation.status == "Cancelled":
            return
        current = operation.current()
        if current is not None:
            current.status, current.completed_at = "Failed", self.now
            current.error = CANCELLED_ERROR
        operation.status, operation.completed_at = "Cancelled", self.now
        operation.updated_at, operation.deadline, operation.claim = self.now, None, None
        self._operation_audit(operation, "devices_OperationCancelled")

    def fleet_cancelled(
        self,
        operation_id: str,
        device_id: str,
        fleet_operation_id: str,
        name: str,
        steps: list[dict[str, Any]],
    ) -> None:
        """A device operation a fleet operation materialized, started with its first stage
        and cancelled with the fleet in the same breath (D38); the fleet's own audit events
        stand for it."""
        self._order += 1
        project_id = self.devices[device_id].project_id
        operation = Operation(
            operation_id, project_id, device_id, name, steps, self.now, self._order
        )
        operation.fleet_operation_id = fleet_operation_id
        operation.status, operation.started_at = "Running", self.now
        operation.states.append(StepState(0, "Running", self.now))
        self.operations[operation_id] = operation
        current = operation.states[0]
        current.status, current.completed_at, current.error = "Failed", self.now, CANCELLED_ERROR
        operation.status = "Cancelled"
        operation.completed_at = operation.updated_at = self.now

    def claimable(self, device_id: str) -> list[Operation]:
        """D22: running commands not under an unexpired lease, oldest current step first."""
        found = [
            o
            for o in self.operations.values()
            if o.device_id == device_id
            and o.status == "Running"
            and o.current() is not None
            and (o.lease_until is None or self.now >= o.lease_until)
        ]
        return sorted(found, key=lambda o: (o.current_since, o.order))

    def claim(self, operation: Operation, claim_id: str) -> None:
        step = operation.steps[operation.step_index]
        timeout = step.get("timeoutSecs") or DEFAULT_COMMAND_TIMEOUT_SECS
        operation.claim, operation.lease_until = claim_id, self.now + timeout + LEASE_MARGIN_SECS

    def report(self, operation: Operation, succeeded: bool, error: str | None) -> None:
        """A report under the current claim of the running step (D23.5)."""
        current = operation.current()
        assert current is not None
        current.completed_at, operation.updated_at = self.now, self.now
        operation.claim = operation.lease_until = None
        if succeeded:
            current.status = "Succeeded"
            self._enter_step(operation, operation.step_index + 1)
            return
        message = error if error is not None else NO_ERROR_MESSAGE
        current.status, current.error = "Failed", message
        operation.status, operation.last_error = "Failed", message
        operation.completed_at, operation.deadline, operation.claim = self.now, None, None

    def pass_time(self) -> None:
        """Deadlines due by ``now`` time their operations out, in time order (D19, D20)."""
        due = [o for o in self.operations.values() if o.deadline is not None]
        for operation in sorted(due, key=lambda o: (o.deadline or 0, o.order)):
            deadline = operation.deadline
            if deadline is None or deadline > self.now:
                continue
            current = operation.current()
            assert current is not None
            step = operation.steps[operation.step_index]
            timeout = step.get("timeoutSecs") or DEFAULT_COMMAND_TIMEOUT_SECS
            message = f"Step timed out after {timeout}s."
            # Stamped with the drive that noticed it, not the instant it fell due (C8).
            current.status, current.completed_at, current.error = "TimedOut", self.now, message
            operation.status, operation.last_error = "TimedOut", message
            operation.completed_at = operation.updated_at = self.now
            operation.deadline, operation.claim = None, None

    def forget_operations(self, device_id: str) -> None:
        """Cascade (D41): a deleted device's operations go with it."""
        for operation_id in [k for k, o in self.operations.items() if o.device_id == device_id]:
            del self.operations[operation_id]
            self.deleted["d_op"][operation_id] = None

    def operation_view(self, operation: Operation) -> dict[str, Any]:
        """What ``devices_GetOperation`` must answer (times as the model's instants)."""
        summary: dict[str, Any] = {
            "deviceOperationId": operation.operation_id,
            "projectId": operation.project_id,
            "deviceId": operation.device_id,
            **(
                {}
                if operation.fleet_operation_id is None
                else {"fleetOperationId": operation.fleet_operation_id}
            ),
            "name": operation.name,
            "status": operation.status,
            "stepIndex": operation.step_index,
            "stepCount": len(operation.steps),
            "createdAt": self.instant(operation.created_at),
            "updatedAt": self.instant(operation.updated_at),
        }
        if operation.last_error is not None:
            summary["lastError"] = operation.last_error
        for key, secs in (
            ("startedAt", operation.started_at),
            ("completedAt", operation.completed_at),
        ):
            if secs is not None:
                summary[key] = self.instant(secs)
        states = []
        for state in operation.states:
            item: dict[str, Any] = {
                "stepIndex": state.step_index,
                "status": state.status,
                "startedAt": self.instant(state.started_at),
            }
            if state.error is not None:
                item["error"] = state.error
            if state.completed_at is not None:
                item["completedAt"] = self.instant(state.completed_at)
            states.append(item)
        steps = operation.steps
        return {"result": "Found", "summary": summary, "steps": steps, "stepStates": states}
