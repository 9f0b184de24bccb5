"""``nexigon_fake.testing.strategies``: valid inputs decode, ids hit real entities, invalid
inputs break the rule they name and the hub says where."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from nexigon_fake import ActionError, Hub, strategies
from nexigon_fake.actions import ACTIONS
from nexigon_fake.testing._builder import _Builder
from nexigon_fake.wire.decoding import decode_input
from nexigon_fake.wire.devices import SetDevicePropertyAction, SetDevicePropertySet
from nexigon_fake.wire.json import JsonExpr, JsonNotExpr
from tests.testing.contract_support import populated_hub, restoring, scaled

POPULATED = populated_hub()
BASELINE = POPULATED.snapshot_json()
# "There is one": no shrinking, and no deadline (strategies for every action build on first use).
FIND = settings(database=None, max_examples=500, phases=[Phase.generate], deadline=None)


@pytest.mark.parametrize("action", sorted(ACTIONS))
@scaled(3)
@given(data=st.data())
def test_every_generated_payload_passes_the_strict_input_schema(action: str, data: st.DataObject):
    payload = data.draw(strategies.action_input(action, hub=POPULATED))
    decoded = decode_input(ACTIONS[action].input_type, payload, strict=True)
    assert type(decoded) is ACTIONS[action].input_type


@scaled(25)
@given(call=strategies.any_action(hub=POPULATED))
def test_a_generated_call_never_fails_input_validation(call: tuple[str, dict[str, Any]]):
    """Schema-valid input may still break a rule of the state (a duplicate, OTLP without an
    endpoint), but never the decoder's: no message points into the payload."""
    with restoring(POPULATED, BASELINE):
        action, payload = call
        try:
            POPULATED.invoke(action, payload)
        except ActionError as error:
            assert error.status < 500, error
            assert not (error.kind == "Invalid" and "(at `$" in error.message), error


@scaled(5)
@given(value=strategies.inputs(SetDevicePropertyAction, hub=POPULATED))
def test_inputs_gives_the_structs_hub_execute_takes(value: SetDevicePropertyAction):
    with restoring(POPULATED, BASELINE):
        assert isinstance(value, SetDevicePropertyAction)
        if value.device_id in POPULATED.store.devices and value.expected_version is None:
            assert isinstance(POPULATED.execute(value), SetDevicePropertySet)


@pytest.mark.parametrize(
    ("action", "field", "table"),
    [
        ("devices_SetProperty", "deviceId", "devices"),
        ("projects_QueryDevices", "projectId", "projects"),
        ("devices_SetCertificateStatus", "certificateId", "certificates"),
        ("devices_UnregisterConnection", "connectionId", "connections"),
        ("projects_SetDeploymentTokenFlags", "tokenId", "deployment_tokens"),
        ("projects_LinkRepository", "repositoryId", "repositories"),
    ],
)
def test_ids_drawn_from_a_hub_name_its_entities(action: str, field: str, table: str):
    existing = getattr(POPULATED.store, table)
    payload = find(
        strategies.action_input(action, hub=POPULATED),
        lambda p: p[field] in existing,
        settings=FIND,
    )
    assert payload[field] in existing
    fresh = find(strategies.action_input(action), lambda p: True, settings=FIND)
    assert fresh[field] not in existing  # without a hub, ids are merely well formed


def test_known_ids_track_the_hub_as_it_changes():
    hub = Hub()
    assert strategies.known_ids(hub)["p"] == []
    project = hub.invoke(
        "projects_Create", {"organizationId": hub.default_organization_id, "name": "p"}
    )["projectId"]
    assert strategies.known_ids(hub)["p"] == [project]
    payload = find(
        strategies.action_input("projects_GetDetails", hub=hub),
        lambda p: p["projectId"] == project,
        settings=FIND,
    )
    assert hub.invoke("projects_GetDetails", payload)["projectId"] == project


def test_from_type_gives_valid_inputs_once_registered():
    strategies.register_type_strategies()

    @settings(max_examples=25, database=None, deadline=None)
    @given(value=st.from_type(SetDevicePropertyAction))
    def check(value: SetDevicePropertyAction) -> None:
        payload = msgspec.to_builtins(value)
        assert decode_input(SetDevicePropertyAction, payload, strict=True) == value

    check()


@scaled(25)
@given(invalid=strategies.any_invalid_action(hub=POPULATED))
def test_an_invalid_input_is_refused_naming_the_place_and_rule(invalid: strategies.InvalidInput):
    with restoring(POPULATED, BASELINE):
        with pytest.raises(ActionError) as raised:
            POPULATED.invoke(invalid.action, invalid.payload)
        error = raised.value
        assert (error.kind, error.status) == (invalid.kind, invalid.status), (invalid, error)
        if invalid.rule == "not_an_object":
            assert "JSON object" in error.message
        elif invalid.rule == "missing_field":
            parent = invalid.path.rsplit(".", 1)[0]
            assert f"`{invalid.field}`" in error.message and f"(at `{parent}`)" in error.message
        else:
            assert f"(at `{invalid.path}`)" in error.message, (invalid, error.message)


@pytest.mark.parametrize("rule", strategies.RULES)
@settings(max_examples=3, database=None, deadline=None)
@given(data=st.data())
def test_every_rule_is_broken_somewhere(rule: str, data: st.DataObject):
    invalid = data.draw(_breaking(rule))
    assert invalid.rule == rule
    assert rule in strategies.breakable_rules(invalid.action)


@functools.cache
def _breaking(rule: str) -> st.SearchStrategy[strategies.InvalidInput]:
    return strategies.any_invalid_action(rules=[rule])


def test_an_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="unknown rules"):
        strategies.invalid_input("devices_SetName", rules=["too_shiny"])


def test_the_core_never_imports_hypothesis():
    code = (
        "import sys, conftest_plugin, nexigon_fake, nexigon_fake.serve.app, "
        "nexigon_fake.serve.cli, "
        "nexigon_fake.testing.clients, nexigon_fake.testing.contract.model\n"
        "assert 'hypothesis' not in sys.modules, sorted(m for m in sys.modules if 'hypo' in m)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


ENTRY_POINT = "nexigon_fake = nexigon_fake.testing.strategies:_hypothesis_setup_hook"


@pytest.mark.parametrize(
    "first_import",
    [
        "import hypothesis",
        "import nexigon_fake.testing.strategies",
        "import nexigon_fake.testing.contract.machine",
    ],
)
def test_the_hypothesis_entry_point_registers_valid_inputs(tmp_path: Path, first_import: str):
    """As installed with ``[project.entry-points.hypothesis]``: a distribution on the path
    declaring the hook, whichever of hypothesis or the strategies is imported first."""
    dist_info = tmp_path / "nexigon_fake_hook-0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: nexigon-fake-hook\n")
    (dist_info / "entry_points.txt").write_text(f"[hypothesis]\n{ENTRY_POINT}\n")
    code = f"""{first_import}
from hypothesis import given, settings, strategies as st
from nexigon_fake.wire.decoding import decode_input
from nexigon_fake.wire.devices import SetDevicePropertyAction
import msgspec

@settings(max_examples=20, database=None, deadline=None)
@given(st.from_type(SetDevicePropertyAction))
def check(value):
    assert decode_input(SetDevicePropertyAction, msgspec.to_builtins(value), strict=True) == value

check()
"""
    path = os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        cwd=Path(__file__).parents[2],
        env={**os.environ, "PYTHONPATH": path},
    )


def test_inputs_of_a_recursive_type_are_drawn_without_recursing_forever() -> None:
    """An expression holds expressions: the builder refers back to a type it is building."""

    class Holder(msgspec.Struct):
        when: JsonExpr

    kinds: set[str] = set()

    @settings(max_examples=150, database=None)
    @given(_Builder(None).value(msgspec.inspect.type_info(Holder)))
    def draws(payload: dict[str, Any]) -> None:
        decoded = msgspec.convert(payload, Holder)
        kinds.add(payload["when"]["kind"])
        if isinstance(decoded.when, JsonNotExpr):
            assert isinstance(payload["when"]["expr"], dict)

    draws()
    assert len(kinds) > 3
