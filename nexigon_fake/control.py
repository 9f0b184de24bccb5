"""The control plane (``/_fake/*``) as plain Python: what tests do to a hub besides calling it."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

from nexigon_fake.clock import format_timestamp, parse_timestamp
from nexigon_fake.decoding import decode_input
from nexigon_fake.errors import InvalidError
from nexigon_fake.hub import Hub
from nexigon_fake.wire.common import Timestamp, WireStruct


class ClockUpdate(WireStruct, forbid_unknown_fields=True):
    """Move the clock: forward by ``advanceSecs``, or to the instant ``now``."""

    advance_secs: Annotated[float, msgspec.Meta(ge=0)] | None = None
    now: Timestamp | None = None


class ResetRequest(WireStruct, forbid_unknown_fields=True):
    """Rebuild the hub, optionally with a new seed."""

    seed: Annotated[int, msgspec.Meta(ge=0)] | None = None


def clock_state(hub: Hub) -> dict[str, Any]:
    return {"now": format_timestamp(hub.clock.now()), "frozen": hub.clock.frozen}


def move_clock(hub: Hub, payload: dict[str, Any]) -> dict[str, Any]:
    update: ClockUpdate = decode_input(ClockUpdate, payload, strict=True)
    if (update.advance_secs is None) == (update.now is None):
        raise InvalidError("Send exactly one of `advanceSecs` and `now`.")
    with hub.lock:
        try:
            if update.advance_secs is not None:
                hub.clock.advance(update.advance_secs)
            elif update.now is not None:
                hub.clock.set(parse_timestamp(update.now))
        except (ValueError, OverflowError) as error:
            raise InvalidError(f"Cannot move the clock: {error}.") from None
    return clock_state(hub)


def reset(hub: Hub, payload: dict[str, Any]) -> dict[str, Any]:
    request: ResetRequest = decode_input(ResetRequest, payload, strict=True)
    hub.reset(seed=request.seed)
    return describe(hub)


def describe(hub: Hub) -> dict[str, Any]:
    return {
        "status": "ok",
        "seed": hub.seed,
        "adminToken": hub.admin_token,
        "defaultOrganizationId": hub.default_organization_id,
        "now": format_timestamp(hub.clock.now()),
    }
