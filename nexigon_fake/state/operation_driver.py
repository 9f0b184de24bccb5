"""The operation driver (D19): no thread, a drive whenever something could be due.

``drive`` runs before every call (even one then refused), after every successful one and
after every clock move (C31). It pops what the due queue holds up to now, in the order of
the instants it fell due, and stamps each change with the drive's time (C8). Changes that
unblock work do not wait for a drive: the handlers call ``settle`` (start, report) or
``property_written`` (any property write on a device), which advance the unblocked operations
before the call returns. Fleet operations (D35-D38) share the queue (enrolment passes, gate
times) and are re-evaluated only when one of their device operations changed status or a
target's properties changed, so a drive with nothing due costs the same for any fleet size.
"""

from __future__ import annotations

from nexigon_fake.state import fleet_operation_driver, operation_steps
from nexigon_fake.state.store import Store


def drive(store: Store) -> None:
    """Apply every deadline and timer due at the hub's now, earliest first; cost: what is due."""
    tables = store.operations
    if tables.queue:
        now = store.now()
        while (due := tables.pop_due(now)) is not None:
            if isinstance(due, str):
                fleet_operation_driver.timer_fired(store, due)
            else:
                operation_steps.time_out(store, due)
    settle(store)


def settle(store: Store) -> None:
    """Advance every operation queued as ready (a start, a successful report), then let the
    fleets whose operations moved look again, until nothing more moves."""
    fleets = store.fleet_operations
    while True:
        operation_steps.run_ready(store)
        if not fleets.touched and not fleets.dirty:
            return
        fleet_operation_driver.settle(store)


def property_written(store: Store, device_id: str) -> None:
    """A property of this device changed (by anyone): its waits look again, and what they
    release runs now."""
    operation_steps.property_changed(store, device_id)
    settle(store)
