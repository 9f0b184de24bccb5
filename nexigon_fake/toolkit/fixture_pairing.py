"""A fixture's pairing keys (``projects[].pairingKeys``) as steps of the loader's timeline.

Each key is created at ``now - createdSecsAgo``, so an old one has expired by the end of the
load, and redeemed or revoked at that same instant. The loader runs these steps with its
connection steps, oldest first, so the audit log stays in time order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nexigon_fake.toolkit.fixture_format import FixturePairingKey

Run = Callable[..., Any]
"""The loader's ``run(path, action, **fields)``: an action's output, errors at the path."""


@dataclass(frozen=True, slots=True)
class PairingKeyStep:
    """One pairing key of a project, created (and maybe redeemed or revoked) at its instant."""

    secs_ago: int
    order: int
    project_id: str
    spec: FixturePairingKey
    path: str


@dataclass(frozen=True, slots=True)
class CreatedPairingKey:
    pairing_key_id: str
    pairing_key: str


def run_pairing_key(run: Run, step: PairingKeyStep) -> CreatedPairingKey:
    """Create the key through the hub's own actions, then redeem or revoke it as asked."""
    spec, path = step.spec, step.path
    created = run(
        path,
        "projects_CreateDevicePairingKey",
        project_id=step.project_id,
        name=spec.name,
        valid_for_secs=spec.valid_for_secs,
    )
    if spec.redeemed_by is not None:
        run(
            f"{path}.redeemedBy",
            "projects_RedeemDevicePairingKey",
            pairing_key=created.pairing_key,
            fingerprint=spec.redeemed_by,
            device_name=spec.device_name,
        )
    if spec.revoked:
        run(
            f"{path}.revoked",
            "projects_RevokeDevicePairingKey",
            pairing_key_id=created.pairing_key_id,
        )
    return CreatedPairingKey(created.pairing_key_id, created.pairing_key)
