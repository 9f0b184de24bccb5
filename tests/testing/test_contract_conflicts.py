"""The default contract profile catches a client that hides version conflicts, and its
shrinking stops after a counted number of replays."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis.stateful import run_state_machine_as_test

from nexigon_fake import Hub
from nexigon_fake.testing.clients import InProcessClient
from nexigon_fake.testing.contract.machine import contract_machine, contract_settings
from nexigon_fake.testing.contract.shrinking import SHRINK_ENV, shrink_budget


class ConflictAsSuccess(InProcessClient):
    """A wrapper with a bug: a ``VersionConflict`` answer becomes ``Set``."""

    def invoke(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        output = super().invoke(action, payload)
        if action == "devices_SetProperty" and output.get("result") == "VersionConflict":
            return {"result": "Set"}
        return output


class RetryOnConflict(InProcessClient):
    """A wrapper with a bug: on a conflict it retries with the current version, so the
    stale write wins over the one it raced with."""

    def invoke(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        output = super().invoke(action, payload)
        if action == "devices_SetProperty" and output.get("result") == "VersionConflict":
            return super().invoke(action, {**payload, "expectedVersion": output["currentVersion"]})
        return output


@pytest.mark.parametrize("wrapper", [ConflictAsSuccess, RetryOnConflict])
def test_the_default_profile_catches_a_client_that_hides_conflicts(wrapper) -> None:
    """With the default settings, shrinking included."""
    machine = contract_machine(lambda: wrapper(Hub()))
    with pytest.raises(AssertionError) as caught:
        run_state_machine_as_test(machine, settings=contract_settings())
    message = str(caught.value)
    assert "  client: {'result': 'Set'}" in message
    assert "  model:  {'result': 'VersionConflict', 'currentVersion': 1}" in message


class SilentRename(InProcessClient):
    """A wrapper with a bug that only a longer example shows: renames are never sent."""

    built = 0

    def __init__(self, hub: Hub) -> None:
        super().__init__(hub)
        type(self).built += 1

    def invoke(self, action: str, payload: dict[str, Any]) -> dict[str, Any]:
        if action == "devices_SetName":
            return {}
        return super().invoke(action, payload)


def test_shrinking_stops_after_the_budget_and_says_so(monkeypatch) -> None:
    larger = _builds_until_reported(monkeypatch, 40)
    bounded = _builds_until_reported(monkeypatch, 3)
    assert larger > bounded
    # The examples up to the first failure, three replays, and the replay that reports it.
    assert bounded <= 6 + 3 + 1


def _builds_until_reported(monkeypatch, budget: int) -> int:
    monkeypatch.setenv(SHRINK_ENV, str(budget))
    SilentRename.built = 0
    machine = contract_machine(lambda: SilentRename(Hub()))
    with pytest.raises(AssertionError) as caught:
        run_state_machine_as_test(machine, settings=contract_settings(report_multiple_bugs=False))
    assert "client:" in str(caught.value)
    notes = getattr(caught.value, "__notes__", [])
    stopped = any(f"stopped shrinking after {budget} replays" in note for note in notes)
    assert stopped
    return SilentRename.built


def test_the_budget_follows_the_profile_and_refuses_nonsense(monkeypatch) -> None:
    monkeypatch.delenv(SHRINK_ENV, raising=False)
    monkeypatch.setenv("NEXIGON_CONTRACT_PROFILE", "long")
    long_budget = shrink_budget()
    monkeypatch.setenv("NEXIGON_CONTRACT_PROFILE", "ci")
    assert shrink_budget() < long_budget
    monkeypatch.setenv(SHRINK_ENV, "-1")
    with pytest.raises(ValueError, match=SHRINK_ENV):
        shrink_budget()
    machine = contract_machine(lambda: ConflictAsSuccess(Hub()))
    with pytest.raises(ValueError, match=SHRINK_ENV):  # before any example runs
        run_state_machine_as_test(machine, settings=contract_settings())
