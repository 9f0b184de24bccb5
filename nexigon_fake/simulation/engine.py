"""The simulation of one hub: a time-ordered queue of what its simulated devices do next.

Every device action is an entry ``(due micros, sequence, device, kind, generation, argument)``
in one heap. ``run_due`` (the hub calls it when its clock moves and after every call) pops
what is due, earliest first; with a frozen clock it steps the clock to each entry's instant
and drives the hub's own due work there first, so a day advanced at once reads as a day of
calls, each stamped with its own time. A device that is idle (no work, nothing watched)
has no entry, so a fleet costs what it does, not what it is. Entries of a device that
crashed or went offline die lazily: their generation is no longer the device's.

Calls go through ``pipeline.invoke`` as the device (its deployment token and fingerprint)
with the fleet's journal switch, and draw ids from the fleet's own ``IdSource``, so a fleet
never shifts the ids a test's own calls get.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable
from typing import Any, Protocol

import msgspec

from nexigon_fake import pipeline
from nexigon_fake.clock import ObservedClock, from_micros, to_micros
from nexigon_fake.hub import Hub
from nexigon_fake.ids import IdSource
from nexigon_fake.pipeline import Answer, Mode
from nexigon_fake.state.operation_driver import drive
from nexigon_fake.wire.credentials import Credentials

Entry = tuple[int, int, "Actor", int, int, Any]
ALWAYS = -1  # the generation of entries that outlive connections (failure timers, restarts)


class Actor(Protocol):
    """A simulated device as the engine sees it: it runs its scheduled actions."""

    generation: int

    def run(self, kind: int, argument: Any) -> None: ...

    def touched(self) -> None: ...

    def work_claimable(self, at_micros: int) -> None: ...


class Simulation:
    """Every simulated device of one hub and the queue of what they do next."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.heap: list[Entry] = []
        self.sequence = 0
        self.by_device_id: dict[str, Actor] = {}
        self.fleets: list[Any] = []
        self._running = False
        self._store: Any = None
        self._touched: dict[str, None] = {}
        self._horizon = to_micros(hub.clock.now())  # the instant the queue ran up to
        self.watch_touches: set[str] = set()  # devices that react to property writes

    @classmethod
    def of(cls, hub: Hub) -> Simulation:
        """The hub's simulation, made and registered with the hub on first use."""
        for member in hub.simulators.members:
            if isinstance(member, Simulation):
                return member
        simulation = cls(hub)
        hub.simulators.register(simulation)
        return simulation

    # Scheduling.

    def schedule(
        self, at_micros: int, actor: Actor, kind: int, argument: Any, generation: int | None
    ) -> None:
        """Queue ``actor.run(kind, argument)`` at the instant; it dies with the actor's
        current connection unless its generation is ``ALWAYS``."""
        self.sequence += 1
        live = actor.generation if generation is None else generation
        heapq.heappush(self.heap, (at_micros, self.sequence, actor, kind, live, argument))

    def now_micros(self) -> int:
        return to_micros(self.hub.clock.now())

    # The hub's seam (``Simulator``).

    def run_due(self) -> None:
        """Run every entry due up to the hub's now, earliest first (the clock steps along)."""
        if self._running:
            return  # an action of ours called the hub, which calls back here
        hub = self.hub
        with hub.lock:
            self._watch()
            if not self._touched and (not self.heap or self.heap[0][0] > self.now_micros()):
                self._horizon = self.now_micros()
                return
            self._running = True
            clock = hub.store.clock
            target = clock.now()
            limit = to_micros(target)
            inner = clock.inner if isinstance(clock, ObservedClock) and clock.frozen else None
            at = min(self._horizon, limit)  # simulated up to here already
            try:
                self._notice_touches()
                heap = self.heap
                while heap and heap[0][0] <= limit:
                    due, _, actor, kind, generation, argument = heapq.heappop(heap)
                    if generation != actor.generation and generation != ALWAYS:
                        continue
                    if inner is not None and due > at:
                        at = due
                        inner.set(from_micros(at))
                        drive(hub.store)
                    actor.run(kind, argument)
                    self._notice_touches()
            finally:
                if inner is not None:
                    inner.set(target)
                self._horizon = limit
                self._running = False

    def stop(self) -> None:
        self.heap.clear()
        self.by_device_id.clear()
        self._touched.clear()
        store = self._store
        if store is not None and store.watcher is self:
            store.watcher = None
        self._store = None

    # The store's seam (``DeviceWatcher``).

    def _watch(self) -> None:
        """Hear of the hub's store (again, after a restore): its changes reach us."""
        store = self.hub.store
        if store is self._store:
            return
        self._store = store
        store.watcher = self
        for device_id, actor in self.by_device_id.items():
            if device_id in store.devices:
                actor.work_claimable(self.now_micros())

    def device_touched(self, device_id: str) -> None:
        if device_id in self.watch_touches:
            self._touched[device_id] = None

    def work_claimable(self, device_id: str, at: dt.datetime) -> None:
        actor = self.by_device_id.get(device_id)
        if actor is not None:
            actor.work_claimable(to_micros(at))

    def _notice_touches(self) -> None:
        while self._touched:
            device_id = next(iter(self._touched))
            del self._touched[device_id]
            actor = self.by_device_id.get(device_id)
            if actor is not None:
                actor.touched()

    # Calls.

    def call(
        self,
        ids: IdSource,
        action: str,
        payload: dict[str, Any],
        credentials: Credentials,
        journaled: bool,
        faulted: bool = True,
    ) -> Answer:
        """One call through the hub's pipeline, its ids drawn from ``ids``."""
        hub = self.hub
        with hub.lock:
            store = hub.store
            saved, store.ids = store.ids, ids
            try:
                return pipeline.invoke(hub, action, payload, credentials, Mode(journaled, faulted))
            finally:
                store.ids = saved

    def with_ids(self, ids: IdSource, work: Callable[[], Any]) -> Any:
        """Run ``work`` under the hub's lock with the store drawing ids from ``ids``."""
        hub = self.hub
        with hub.lock:
            store = hub.store
            saved, store.ids = store.ids, ids
            try:
                return work()
            finally:
                store.ids = saved


def output_of(answer: Answer) -> dict[str, Any] | None:
    """The answer's output as JSON data; ``None`` when it was refused."""
    if answer.error is not None:
        return None
    result: dict[str, Any] = msgspec.json.decode(answer.output_json)
    return result
