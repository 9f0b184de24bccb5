"""Rules of connections and the clock: when a device is online, and for how long."""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from nexigon_fake.testing.contract.base import MachineBase
from nexigon_fake.testing.contract.settings import MAX_CLOCK_STEP_SECS


class ConnectionRules(MachineBase):
    """Register and unregister connections; move the clock when the client can."""

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
        self.model.pass_time()
