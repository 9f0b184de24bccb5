"""What the dashboard's forms do: each is one thing the Python API or control plane does.

A form's fields are checked here (unknown, missing or malformed fields are ``Invalid`` naming
the field), then handed to the same function ``/_fake/*`` calls or to ``hub.invoke`` as the
administrator, which validate again and change nothing when they refuse.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nexigon_fake.errors import (
    InvalidError,
)
from nexigon_fake.errors.tooling import (
    MSG_UI_MISSING_FIELD,
    MSG_UI_NOT_A_NUMBER,
    MSG_UI_ONE_OF,
    MSG_UI_UNKNOWN_FIELD,
)
from nexigon_fake.hub import Hub
from nexigon_fake.serve import control
from nexigon_fake.wire.decoding import parse_json_body

# Fields every form may carry besides its own: where to go back to, and the control token.
COMMON_FIELDS = ("next", "control_token")
CERTIFICATE_DECISIONS = {"accept": "Active", "reject": "Rejected"}
FAULT_TEXT_FIELDS = ("action", "kind", "message", "deviceId", "projectId")
FAULT_NUMBER_FIELDS = ("status", "times", "probability", "latencySecs")


def fields(form: Mapping[str, Any], allowed: tuple[str, ...]) -> dict[str, str]:
    """The form's own non-empty text fields; an unknown one is refused, not ignored."""
    found: dict[str, str] = {}
    for name, value in form.items():
        if name in COMMON_FIELDS:
            continue
        if name not in allowed:
            expected = ", ".join(f"`{field}`" for field in allowed) or "none"
            raise InvalidError(MSG_UI_UNKNOWN_FIELD.format(field=name, expected=expected))
        if isinstance(value, str) and value.strip():
            found[name] = value.strip()
    return found


def required(found: Mapping[str, str], name: str) -> str:
    value = found.get(name)
    if value is None:
        raise InvalidError(MSG_UI_MISSING_FIELD.format(field=name))
    return value


def number(name: str, value: str) -> int | float:
    """An integer when written as one, else a float; anything else is refused by name."""
    try:
        return int(value)
    except ValueError:
        pass
    try:
        parsed = float(value)
    except ValueError:
        raise InvalidError(MSG_UI_NOT_A_NUMBER.format(field=name, value=value)) from None
    if parsed != parsed or parsed in (float("inf"), float("-inf")):
        raise InvalidError(MSG_UI_NOT_A_NUMBER.format(field=name, value=value))
    return parsed


def move_clock(hub: Hub, form: Mapping[str, Any]) -> None:
    """``POST /_fake/clock``: advance by ``advanceSecs`` or set ``now``."""
    found = fields(form, ("advanceSecs", "now"))
    payload: dict[str, Any] = {}
    if "advanceSecs" in found:
        payload["advanceSecs"] = number("advanceSecs", found["advanceSecs"])
    if "now" in found:
        payload["now"] = found["now"]
    control.move_clock(hub, payload)


def set_certificate_status(hub: Hub, certificate_id: str, form: Mapping[str, Any]) -> None:
    """``devices_SetCertificateStatus`` as the administrator: accept or reject."""
    decision = required(fields(form, ("decision",)), "decision")
    status = CERTIFICATE_DECISIONS.get(decision)
    if status is None:
        choices = ", ".join(f"`{choice}`" for choice in CERTIFICATE_DECISIONS)
        raise InvalidError(MSG_UI_ONE_OF.format(field="decision", choices=choices, value=decision))
    hub.invoke("devices_SetCertificateStatus", {"certificateId": certificate_id, "status": status})


def arm_fault(hub: Hub, form: Mapping[str, Any]) -> None:
    """``POST /_fake/faults``: the fault's fields as its JSON body would carry them."""
    found = fields(form, (*FAULT_TEXT_FIELDS, *FAULT_NUMBER_FIELDS))
    payload: dict[str, Any] = {}
    for name, value in found.items():
        payload[name] = number(name, value) if name in FAULT_NUMBER_FIELDS else value
    control.inject_fault(hub, payload)


def clear_faults(hub: Hub, form: Mapping[str, Any]) -> None:
    fields(form, ())
    control.clear_faults(hub)


def reset(hub: Hub, form: Mapping[str, Any]) -> None:
    """``POST /_fake/reset``, with a new seed when one is given."""
    found = fields(form, ("seed",))
    payload: dict[str, Any] = {}
    if "seed" in found:
        payload["seed"] = number("seed", found["seed"])
    control.reset(hub, payload)


def restore(hub: Hub, snapshot: bytes) -> None:
    """``PUT /_fake/state``: a bad snapshot is refused whole and changes nothing."""
    control.restore(hub, parse_json_body(snapshot))
