"""The contract machine's device-operation rules catch clients that get operations wrong."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis.stateful import run_state_machine_as_test

from nexigon_fake import Hub
from nexigon_fake.testing.clients import InProcessClient
from nexigon_fake.testing.contract.machine import contract_machine
from tests.testing.contract_support import scaled, without_shrinking


class DroppingClient(InProcessClient):
    """A wrapper with a bug: it answers one action with ``{}`` without sending it."""

    def __init__(self, hub: Hub, dropped: str) -> None:
        super().__init__(hub)
        self.dropped = dropped

    def invoke(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        if action == self.dropped:
            return {}
        return super().invoke(action, payload)


@pytest.mark.parametrize(
    "dropped",
    ["devices_StartOperation", "devices_CancelOperation", "devices_ReportOperationStep"],
)
def test_a_client_that_drops_an_operation_action_is_caught(dropped: str) -> None:
    machine = contract_machine(lambda: DroppingClient(Hub(), dropped))
    with pytest.raises(AssertionError):
        run_state_machine_as_test(
            machine, settings=without_shrinking(scaled(60, stateful_step_count=50))
        )
