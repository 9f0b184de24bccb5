"""Hypothesis strategies for every action's input, derived from the wire types.

Nothing here describes an action by hand: each strategy walks ``msgspec.inspect.type_info`` of
the action's input struct and reads the ``msgspec.Meta`` constraints (lengths, patterns,
ranges, the ``date-time`` format), so a rule added to a wire type reaches the strategies,
the validator and the OpenAPI document at once. Ids are recognised by their pattern (the
``nexigon_fake.ids`` patterns) and, given a hub or any other source of known ids, drawn from
the entities that exist, so generated calls hit real devices and projects.

Ids are read from the hub when a value is drawn: keep its entities the same from one example
to the next (restore a snapshot after each), or hypothesis sees the same choices give other
values and reports a flaky strategy instead of your failure.

"Valid" means valid for the action's input schema and for the cross-field rules of its row
(``ActionSpec.check``): the hub decodes and checks every generated payload. Rules that depend
on the hub's state (a fingerprint already in the project, OTLP ``enabled``
without an endpoint) may still answer ``Invalid``, as the real Hub would.

``invalid_input`` breaks one rule of a valid payload on purpose and says which (``RULES``);
it lives in ``nexigon_fake.testing.invalid_inputs``; ``nexigon_fake.strategies`` exports both.

Only this module, ``nexigon_fake.testing.invalid_inputs`` and
``nexigon_fake.testing.contract.machine`` import hypothesis; the core package never does.
"""

# ruff: noqa: E402 - the entry point's hook must exist before hypothesis is imported, below.
from __future__ import annotations


def _hypothesis_setup_hook() -> None:
    """hypothesis' entry point (group ``hypothesis``): ``st.from_type`` gives valid inputs.

    Defined before hypothesis is imported: when this module is imported first, importing
    hypothesis runs its entry points and finds this module half loaded; registration then
    waits for the end of the module.
    """
    register = globals().get("register_type_strategies")
    if register is None:
        globals()["_REGISTER_WHEN_LOADED"] = True
    else:
        register()


from collections.abc import Sequence
from typing import Any

import msgspec
import msgspec.inspect as mi

from nexigon_fake.actions import ACTIONS
from nexigon_fake.errors import (
    InvalidError,
)
from nexigon_fake.errors.tooling import (
    missing_extra,
)
from nexigon_fake.hub import Hub
from nexigon_fake.testing._builder import (
    IdSource,
    InputT,
    _Builder,
    _input_info,
    _pool,
    id_tag,
    json_values,
    known_ids,
    timestamps,
)

try:
    from hypothesis import strategies as st
except ModuleNotFoundError as error:  # hypothesis comes with [testing]
    raise missing_extra(error, __name__, "testing") from None

__all__ = [
    "IdSource",
    "action_input",
    "any_action",
    "id_tag",
    "inputs",
    "json_values",
    "known_ids",
    "register_type_strategies",
    "timestamps",
]


def action_input(
    action: str, *, hub: Hub | None = None, ids: IdSource | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid JSON payloads (camelCase) of ``action``, as ``hub.invoke`` or HTTP takes them."""
    return _checked(action, _Builder(_pool(hub, ids)).struct(_input_info(action)))


def _checked(
    action: str, payloads: st.SearchStrategy[dict[str, Any]]
) -> st.SearchStrategy[dict[str, Any]]:
    """Payloads that also keep the action's cross-field rules (its row's ``check``, such as
    ``closeWhenConverged`` needing ``enrollmentIntervalSecs``), which no field type says."""
    spec = ACTIONS[action]
    check = spec.check
    if check is None:
        return payloads

    def keeps_the_rules(payload: dict[str, Any]) -> bool:
        try:
            check(msgspec.convert(payload, spec.input_type))
        except InvalidError:
            return False
        return True

    return payloads.filter(keeps_the_rules)


def inputs(
    input_type: type[InputT], *, hub: Hub | None = None, ids: IdSource | None = None
) -> st.SearchStrategy[InputT]:
    """Valid input structs (``SetDevicePropertyAction(...)``), as ``hub.execute`` takes them."""
    info = mi.type_info(input_type)
    assert isinstance(info, mi.StructType)
    payloads = _Builder(_pool(hub, ids)).struct(info)
    for spec in ACTIONS.values():
        if spec.input_type is input_type:
            payloads = _checked(spec.name, payloads)
    return payloads.map(lambda payload: msgspec.convert(payload, input_type))


def any_action(
    *, hub: Hub | None = None, ids: IdSource | None = None, actions: Sequence[str] | None = None
) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    """``(action name, valid payload)`` for any action (or one of ``actions``)."""
    builder = _Builder(_pool(hub, ids))
    names = sorted(ACTIONS) if actions is None else list(actions)
    by_name = {name: _checked(name, builder.struct(_input_info(name))) for name in names}
    return st.sampled_from(names).flatmap(
        lambda name: by_name[name].map(lambda payload: (name, payload))
    )


def register_type_strategies() -> None:
    """Make ``st.from_type(SetDevicePropertyAction)`` (and every other input) valid inputs.

    The hypothesis entry point (``_hypothesis_setup_hook``) calls it, once installed.
    """
    for spec in ACTIONS.values():
        st.register_type_strategy(spec.input_type, inputs(spec.input_type))


if globals().pop("_REGISTER_WHEN_LOADED", False):
    register_type_strategies()
