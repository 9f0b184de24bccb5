"""The operation driver (D19): no thread, a drive whenever something could be due.

``drive`` runs before every call (even one then refused), after every successful one and
after every clock move (C31). It pops what the due queue holds up to now, in the order of
the instants it fell due, and stamps each change with the drive's time (C8). Changes that
unblock work do not wait for a drive: the handlers call ``settle`` (start, report) or
``property_written`` (any property write on a device), which advance the unblocked operations
before the call returns.
"""

from __future__ import annotations

from nexigon_fake.state import operation_steps
from nexigon_fake.state.store import Store


def drive(store: Store) -> None:
    """Apply every deadline due at the hub's now, earliest first; cost: what is due."""
    tables = store.operations
    if not tables.queue:
        return
    now = store.now()
    while (operation := tables.pop_due(now)) is not None:
        operation_steps.time_out(store, operation)
    operation_steps.run_ready(store)


def settle(store: Store) -> None:
    """Advance every operation queued as ready (a start, a successful report)."""
    operation_steps.run_ready(store)


def property_written(store: Store, device_id: str) -> None:
    """A property of this device changed (by anyone): its waits look again, and what they
    release runs now."""
    operation_steps.property_changed(store, device_id)
    operation_steps.run_ready(store)
