"""Rules of device operations: create, start, cancel, claim, report, read (HEAD D20-D26).

Steps are hub-side property writes and device commands; the machine claims and reports the
commands itself. With a clock the machine controls, commands get short timeouts so that
advancing the clock times them out; in real time they keep the default hour.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from nexigon_fake.testing.contract.base import MachineBase
from nexigon_fake.testing.contract.operation_model import TERMINAL
from nexigon_fake.testing.contract.records import HEALTH_PROPERTY, Operation
from nexigon_fake.testing.contract.settings import DEVICE

STEP_PROPERTIES = ("app.config", "app.mode", HEALTH_PROPERTY)
OPERATION_NAMES = ("rollout", "reboot", "Konfiguration ✓")


def _steps(with_timeouts: bool) -> st.SearchStrategy[list[dict[str, Any]]]:
    write = st.builds(
        lambda name, value, protected: {
            "kind": "SetDeviceProperty",
            "name": name,
            "value": value,
            **({} if protected is None else {"protected": protected}),
        },
        st.sampled_from(STEP_PROPERTIES),
        st.integers(-3, 3) | st.sampled_from(["on", "off"]),
        st.none() | st.booleans(),
    )
    timeouts = st.none() | st.integers(1, 3000) if with_timeouts else st.none()
    command = st.builds(
        lambda timeout: {
            "kind": "DeviceCommand",
            "command": "reboot",
            "input": None,
            **({} if timeout is None else {"timeoutSecs": timeout}),
        },
        timeouts,
    )
    return st.lists(write | command, min_size=1, max_size=3)


class OperationRules(MachineBase):
    """Device operations, when the client can send their actions."""

    def _operations_supported(self) -> bool:
        return self.supports("devices_CreateOperation")

    def _pick_operation(self, data: st.DataObject, live: list[Operation]) -> Operation:
        picked: Operation = self.pick(data, live, "operation")
        return picked

    @precondition(lambda self: self.model.devices and self._operations_supported())
    @rule(data=st.data())
    def create_operation(self, data: st.DataObject) -> None:
        device_id = self.pick(data, self.model.devices, DEVICE.label)
        name = data.draw(st.sampled_from(OPERATION_NAMES), label="name")
        steps = data.draw(_steps(self.advance is not None), label="steps")
        payload = {"deviceId": device_id, "name": name, "steps": steps}
        operation_id = self.call("devices_CreateOperation", payload)["deviceOperationId"]
        known = operation_id in self.model.operations or operation_id in self.model.deleted["d_op"]
        assert not known, f"devices_CreateOperation answered a known id, {operation_id}"
        self.model.create_operation(operation_id, device_id, name, steps)

    @precondition(lambda self: self.model.operations)
    @rule(data=st.data())
    def start_operation(self, data: st.DataObject) -> None:
        """Pending runs; running is a no-op; a terminal one cannot be started (D24)."""
        operation = self._pick_operation(data, list(self.model.operations.values()))
        payload = {"deviceOperationId": operation.operation_id}
        if operation.status in TERMINAL:
            self.call_failing("devices_StartOperation", payload, "Invalid", 400)
            return
        self.call_empty("devices_StartOperation", payload)
        self.model.start_operation(operation)

    @precondition(lambda self: self.model.operations)
    @rule(data=st.data())
    def cancel_operation(self, data: st.DataObject) -> None:
        """Pending and running cancel, cancelled is a no-op, finished ones refuse (D24)."""
        operation = self._pick_operation(data, list(self.model.operations.values()))
        payload = {"deviceOperationId": operation.operation_id}
        if operation.status in TERMINAL - {"Cancelled"}:
            self.call_failing("devices_CancelOperation", payload, "Invalid", 400)
            return
        self.call_empty("devices_CancelOperation", payload)
        self.model.cancel_operation(operation)

    @precondition(lambda self: self.model.operations)
    @rule(data=st.data())
    def claim_operation_work(self, data: st.DataObject) -> None:
        """The oldest claimable commands of a device, each under a fresh claim (D21, D22)."""
        operation = self._pick_operation(data, list(self.model.operations.values()))
        device_id, limit = operation.device_id, data.draw(st.integers(1, 3), label="limit")
        work = self.call("devices_ClaimOperationWork", {"deviceId": device_id, "limit": limit})
        expected = self.model.claimable(device_id)[:limit]
        self.agree(
            [
                (w["deviceOperationId"], w["stepIndex"], w["step"], w["operationName"])
                for w in work["work"]
            ],
            [(o.operation_id, o.step_index, o.steps[o.step_index], o.name) for o in expected],
            f"work claimed for {device_id}",
        )
        for item, claimed in zip(work["work"], expected, strict=True):
            self.model.claim(claimed, item["claimId"])

    @precondition(lambda self: any(o.claim for o in self.model.operations.values()))
    @rule(data=st.data())
    def report_operation_step(self, data: st.DataObject) -> None:
        """A report under the current claim moves the operation on; a repeat changes nothing."""
        claimed = [o for o in self.model.operations.values() if o.claim is not None]
        operation = self._pick_operation(data, claimed)
        succeeded = data.draw(st.booleans(), label="succeeded")
        report: dict[str, Any] = {"status": "Succeeded" if succeeded else "Failed"}
        if not succeeded and data.draw(st.booleans(), label="with an error"):
            report["error"] = "exit status 3"
        payload = {
            "deviceId": operation.device_id,
            "deviceOperationId": operation.operation_id,
            "stepIndex": operation.step_index,
            "claimId": operation.claim,
            "report": report,
        }
        self.call_empty("devices_ReportOperationStep", payload)
        self.model.report(operation, succeeded, report.get("error"))
        if data.draw(st.booleans(), label="repeat it"):  # D23.4/D23.6: acknowledged, ignored
            self.call_empty("devices_ReportOperationStep", payload)

    @precondition(lambda self: self.model.operations)
    @rule(data=st.data())
    def operations_agree(self, data: st.DataObject) -> None:
        """A device's operations newest first (D30), each exactly as the model has it."""
        device_id = self.pick(
            data, {o.device_id: None for o in self.model.operations.values()}, "device"
        )
        mine = [o for o in self.model.operations.values() if o.device_id == device_id]
        listed = self.call("devices_QueryOperations", {"deviceId": device_id})["operations"]
        self.agree(
            [o["deviceOperationId"] for o in listed],
            [o.operation_id for o in reversed(mine)],
            f"operations of {device_id}, newest first",
        )
        for operation in mine:
            found = self.call("devices_GetOperation", {"deviceOperationId": operation.operation_id})
            creator = found["summary"].pop("createdBy", None)
            self.agree(creator, self.actor, f"creator of {operation.operation_id}")
            expected = self.model.operation_view(operation)
            self.agree(self.model.normalize(found), expected, f"operation {operation.operation_id}")
