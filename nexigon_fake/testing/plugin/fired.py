"""The opt-in check that a test fired every fault and hook it armed: a fault that never fired
means the error path the test meant to exercise was never taken."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from nexigon_fake.errors import MSG_LEFT_UNFIRED
from nexigon_fake.hub import Hub


def all_fired_wanted(markers: Iterable[pytest.Mark], option: bool) -> bool:
    """The closest ``nexigon`` marker's ``all_fired``, else ``--nexigon-all-fired``."""
    for marker in markers:
        if "all_fired" in marker.kwargs:
            value = marker.kwargs["all_fired"]
            if not isinstance(value, bool):
                raise pytest.UsageError(
                    f"nexigon marker: `all_fired` must be a boolean, not {value!r}"
                )
            return value
    return option


def check_all_fired(hub: Hub, node: pytest.Item, failed: pytest.StashKey[bool]) -> None:
    """Fail the test's teardown naming each unfired fault and hook (not when the test itself
    failed: what it left armed then says nothing new)."""
    if node.stash.get(failed, False):
        return
    unfired = [f.describe() for f in hub.faults.unfired()]
    unfired += [h.describe() for h in hub.hooks.unfired()]
    if unfired:
        lines = "\n".join(f"  {line}" for line in unfired)
        pytest.fail(MSG_LEFT_UNFIRED.format(lines=lines), pytrace=False)
