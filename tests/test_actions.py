"""Every row of the action table fits its handler: name, annotations and module."""

from __future__ import annotations

import inspect
import typing

import pytest

from nexigon_fake.actions import ACTION_BY_INPUT, ACTIONS, ActionSpec, output_type_of
from nexigon_fake.state.store import Context

# The state modules each namespace's handlers may live in: the namespace's own module and
# the modules of its sub-resources.
HANDLER_MODULES = {
    "devices": {
        "devices",
        "certificates",
        "connections",
        "events",
        "jwts",
        "properties",
        "operations",
    },
    "projects": {"projects", "deployment_tokens", "repository_links", "otlp", "pairing_keys"},
    "organizations": {"organizations"},
    "users": {"users"},
    "repositories": {"repositories"},
    "actor": {"actor"},
    "fleet": {"fleet_operations"},
}


@pytest.mark.parametrize("spec", ACTIONS.values(), ids=list(ACTIONS))
def test_the_row_fits_its_handler(spec: ActionSpec[typing.Any, typing.Any]) -> None:
    handler = spec.handler
    assert handler.__name__ == spec.method_name
    module = handler.__module__.rsplit(".", 1)
    assert module[0] == "nexigon_fake.state"
    assert module[1] in HANDLER_MODULES[spec.namespace]
    hints = typing.get_type_hints(handler)
    context, request = inspect.signature(handler).parameters
    assert hints[context] is Context
    assert hints[request] is spec.input_type
    assert hints["return"] == spec.output_type == output_type_of(spec.input_type)
    assert spec.name.startswith(spec.namespace + "_")
    assert ACTION_BY_INPUT[spec.input_type] is spec


def test_input_types_are_distinct() -> None:
    assert len(ACTION_BY_INPUT) == len(ACTIONS)


def test_a_type_that_is_no_action_input_is_refused() -> None:
    with pytest.raises(TypeError, match="does not derive from Action"):
        output_type_of(Context)  # type: ignore[arg-type]
