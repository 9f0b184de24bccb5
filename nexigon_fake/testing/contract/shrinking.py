"""A bound on how long the contract machine lets hypothesis shrink a failure, in replays.

Hypothesis stops shrinking only after five minutes of wall time, and every replay of the
machine costs dozens of calls, so a failure found in seconds could take minutes to report.
The bound counts replays, not seconds, so a run stops at the same point on any machine: once
``limit`` examples have run since the first failure, further candidates end as overruns before
they build a client, and hypothesis reports the smallest failure found so far.
"""

from __future__ import annotations

import os
import sys

from hypothesis.control import current_build_context, currently_in_test_context
from hypothesis.errors import HypothesisException

from nexigon_fake.errors.tooling import (
    MSG_CONTRACT_SHRINK_BUDGET,
    MSG_CONTRACT_SHRINK_ENV,
)
from nexigon_fake.testing.contract.settings import PROFILE_ENV

SHRINK_ENV = "NEXIGON_CONTRACT_SHRINKS"
# Replays after the first failure, per profile: at ci's size a replay in process costs a few
# hundredths of a second, so ci stays within seconds and long within a minute or two.
SHRINK_BUDGETS = {"ci": 100, "long": 500}


def shrink_budget() -> int:
    """``$NEXIGON_CONTRACT_SHRINKS``, else the budget of the selected profile."""
    raw = os.environ.get(SHRINK_ENV)
    if raw is None:
        return SHRINK_BUDGETS.get(os.environ.get(PROFILE_ENV, "ci"), SHRINK_BUDGETS["ci"])
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise ValueError(MSG_CONTRACT_SHRINK_ENV.format(env=SHRINK_ENV, value=raw))
    return value


def _final_replay() -> bool:
    """Whether hypothesis is replaying the failure it reports (which must still fail)."""
    return currently_in_test_context() and current_build_context().is_final


class ShrinkBudget:
    """The replay count of one bound machine class across one hypothesis run; the budget is
    read when the class first runs, so a bad ``$NEXIGON_CONTRACT_SHRINKS`` stops it at once."""

    def __init__(self) -> None:
        self.budget = shrink_budget()
        self.failed = False
        self.replays = 0

    def start_example(self) -> None:
        """Called as an example builds its machine: past the budget, the example is dropped."""
        if not self.failed or _final_replay():
            return
        if self.replays >= self.budget:
            # An overrun (hypothesis' own ending for an example that drew past its size limit):
            # unlike a rejection it does not contradict what hypothesis learned of the choices
            # that led here, so the shrinker just moves on.
            current_build_context().data.mark_overrun()
        self.replays += 1

    def end_example(self) -> None:
        """Called from the machine's teardown, where the example's failure is in flight."""
        failure = sys.exception()
        if isinstance(failure, Exception) and not isinstance(failure, HypothesisException):
            self.failed = True
        if _final_replay():
            if failure is not None and self.replays >= self.budget:
                failure.add_note(
                    MSG_CONTRACT_SHRINK_BUDGET.format(replays=self.budget, env=SHRINK_ENV)
                )
            self.failed, self.replays = False, 0
