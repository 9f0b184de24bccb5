"""Shared pieces of the benchmarks: goals, timing helpers and a hub with a fleet in it.

Every goal is a ratio of two numbers measured in the same run on the same machine, so the
verdict does not depend on how fast the machine is.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from nexigon_fake import Hub

FINGERPRINT_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


@dataclass(frozen=True)
class Result:
    """One goal's line: what was measured, against what, and whether it meets the goal."""

    goal: str
    ratio: float
    target: str
    passed: bool
    detail: str

    def line(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        return (
            f"{self.goal:<34} {self.ratio:>10.2f}  goal {self.target:<8} {verdict}  {self.detail}"
        )


def at_least(goal: str, ratio: float, minimum: float, detail: str) -> Result:
    return Result(goal, ratio, f">= {minimum:g}", ratio >= minimum, detail)


def at_most(goal: str, ratio: float, maximum: float, detail: str) -> Result:
    return Result(goal, ratio, f"<= {maximum:g}", ratio <= maximum, detail)


def reported(goal: str, ratio: float, minimum: float, detail: str) -> Result:
    """A goal that is reported, pass or not (the peer comparison)."""
    return Result(goal, ratio, f">= {minimum:g}", ratio >= minimum, detail)


def per_call(function: Callable[[], object], calls: int, repeats: int = 5) -> float:
    """Seconds per call of the best of ``repeats`` batches of ``calls`` calls.

    The best batch is the one least disturbed by the rest of the machine, which makes ratios
    between two measurements of one run steadier than a mean or median would.
    """
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(calls):
            function()
        samples.append((time.perf_counter() - started) / calls)
    return min(samples)


def fingerprint(index: int) -> str:
    """A valid, distinct ``d_sk_`` device fingerprint for each index."""
    digits = []
    number = index
    for _ in range(44):
        number, digit = divmod(number, len(FINGERPRINT_ALPHABET))
        digits.append(FINGERPRINT_ALPHABET[digit])
    return "d_sk_" + "".join(digits)


def certificate_fingerprint(index: int, which: int) -> str:
    """A distinct SHA-256-shaped certificate fingerprint."""
    raw = (index * 4 + which).to_bytes(32, "big")
    return ":".join(f"{byte:02X}" for byte in raw)


def event(index: int, number: int) -> dict[str, object]:
    suffix = fingerprint(index * 16 + number)[5:13]
    return {
        "eventId": f"d_ev_20260504-0700-{suffix}",
        "severity": "Info",
        "body": {"n": number},
        "attributes": {},
        "emittedAt": "2026-05-04T07:00:00Z",
    }


def fleet(
    devices: int,
    *,
    properties: int = 1,
    certificates: int = 0,
    events: int = 0,
    journal_cap: int = 0,
) -> tuple[Hub, list[str]]:
    """A hub with one project of ``devices`` devices, built through the hub's own actions.

    The journal is off unless asked for: building a fleet is set-up, not what is measured.
    """
    hub = Hub(journal_cap=journal_cap)
    project_id = hub.invoke(
        "projects_Create", {"organizationId": hub.default_organization_id, "name": "fleet"}
    )["projectId"]
    device_ids = []
    for index in range(devices):
        device_id = hub.devices.create(project_id=project_id, fingerprint=fingerprint(index))
        device_id = device_id.device_id
        device_ids.append(device_id)
        for number in range(properties):
            hub.devices.set_property(
                device_id=device_id, name=f"app.setting-{number}", value={"n": number}
            )
        for which in range(certificates):
            hub.devices.add_certificate(
                device_id=device_id, fingerprint=certificate_fingerprint(index, which)
            )
        if events:
            hub.invoke(
                "devices_PublishEvents",
                {"deviceId": device_id, "events": [event(index, n) for n in range(events)]},
            )
    return hub, device_ids
