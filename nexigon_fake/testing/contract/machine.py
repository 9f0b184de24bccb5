"""A hypothesis state machine that checks any client of the Hub API against the fake's contract.

``contract_machine(make_client)`` gives a ``RuleBasedStateMachine`` that creates, queries,
changes and deletes projects, deployment tokens, devices, certificates, connections,
properties, events, device tokens, pairing keys, device operations and fleet properties
through ``make_client()`` (see ``nexigon_fake.testing.clients`` for the protocol and the
in-process, HTTP and SDK adapters), and compares every answer with a plain reference model
(``nexigon_fake.testing.contract.model``). It holds, after every step:

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
reset one). The machine runs with the client's rights: an instance administrator's.

Its rules live in ``rules/`` (one module per namespace), its invariants in ``checks``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from nexigon_fake.errors.tooling import (
    missing_extra,
)

try:  # before the rules, which need it too: one message naming the extra
    from hypothesis import strategies as st
    from hypothesis.stateful import initialize
except ModuleNotFoundError as error:  # hypothesis comes with [testing]
    raise missing_extra(error, __name__, "testing") from None

from nexigon_fake.testing.clients import HubClient
from nexigon_fake.testing.contract.checks import ContractChecks
from nexigon_fake.testing.contract.records import parse_instant
from nexigon_fake.testing.contract.rules.connections import ConnectionRules
from nexigon_fake.testing.contract.rules.devices import DeviceRules
from nexigon_fake.testing.contract.rules.fleet_operations import FleetOperationRules
from nexigon_fake.testing.contract.rules.fleet_properties import FleetPropertyRules
from nexigon_fake.testing.contract.rules.operations import OperationRules
from nexigon_fake.testing.contract.rules.pairing import PairingRules
from nexigon_fake.testing.contract.rules.projects import ProjectRules
from nexigon_fake.testing.contract.rules.properties import PropertyRules
from nexigon_fake.testing.contract.settings import PROFILE_ENV, ResponseCheck, contract_settings

__all__ = [
    "PROFILE_ENV",
    "ContractMachine",
    "ResponseCheck",
    "contract_machine",
    "contract_settings",
]


class ContractMachine(
    ProjectRules,
    DeviceRules,
    ConnectionRules,
    PropertyRules,
    PairingRules,
    OperationRules,
    FleetPropertyRules,
    FleetOperationRules,
    ContractChecks,
):
    """The contract; use ``contract_machine(make_client)`` to bind it to a client."""

    @initialize(data=st.data())
    def first_project_and_device(self, data: st.DataObject) -> None:
        """Also the moment the hub's time is learned, when the machine controls the clock.

        The device gets a property, so compare-and-swap is in play from the first step
        whichever rules an example leaves out."""
        project_id = self._create_project(data)
        if self.advance is not None:
            events = self.call("projects_QueryAuditLog", {"projectId": project_id})["events"]
            self.model.t0 = parse_instant(events[0]["createdAt"])
        self.create_device(data)
        self.first_property(data)


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
