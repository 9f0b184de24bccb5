"""The rules every storage machine shares: its log survives pickle, deepcopy and a snapshot."""

from __future__ import annotations

import copy
import pickle
from typing import Any

from hypothesis.stateful import RuleBasedStateMachine, rule


class RoundTrips(RuleBasedStateMachine):
    """A machine holding ``self.log``; ``restored`` is the log written to a snapshot and read
    back, as the machine's storage class does it."""

    log: Any

    def restored(self, log: Any) -> Any:
        raise NotImplementedError

    @rule()
    def pickle_round_trip(self) -> None:
        self.log = pickle.loads(pickle.dumps(self.log, pickle.HIGHEST_PROTOCOL))

    @rule()
    def deepcopy_round_trip(self) -> None:
        self.log = copy.deepcopy(self.log)

    @rule()
    def snapshot_round_trip(self) -> None:
        self.log = self.restored(self.log)
