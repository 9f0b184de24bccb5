"""``DeviceProfile``: how a simulated device behaves, as plain typed data loadable from JSON.

Defaults are the real agent's (``nexigon-agent run`` at HEAD, SEMANTICS-HEAD §III.4.7 and
§III.9.1): a 60 s idle poll, system info every 30 minutes, report retries after 1, 2, 4 and 8 s.
Everything else (events, reactions, failures) is off until a profile asks for it. JSON keys
are camelCase, as in fixtures; unknown keys are refused, so a typo is an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import msgspec

from nexigon_fake.wire.json import JsonMutation

HealthStatus = Literal["healthy", "degraded", "error"]
Severity = Literal["Trace", "Debug", "Info", "Warning", "Error", "Critical"]


class CommandBehaviour(
    msgspec.Struct, rename="camel", kw_only=True, forbid_unknown_fields=True, frozen=True
):
    """A command the device's registry holds: what it answers and how long it takes."""

    name: str
    output: Any = None
    error: str | None = None  # fails with this message (``command exited with status 1``)
    duration_secs: float = 0.0
    hangs: bool = False  # never finishes: the agent's timeout ends it
    description: str | None = None
    input_schema: Any = None
    output_schema: Any = None


class Reaction(
    msgspec.Struct, rename="camel", kw_only=True, forbid_unknown_fields=True, frozen=True
):
    """When anyone but the device writes ``watch``, after ``delay_secs`` the device sets
    ``update`` to its current value (``null`` when absent) changed by ``mutations``, which
    see the device's properties as named values, or to ``value`` when there are none."""

    watch: str
    update: str
    delay_secs: float = 60.0
    mutations: list[JsonMutation] = msgspec.field(default_factory=list)
    value: Any = None


class Failures(
    msgspec.Struct, rename="camel", kw_only=True, forbid_unknown_fields=True, frozen=True
):
    """Failure modes, each a share of the fleet drawn from the simulation's seeded stream."""

    offline_share: float = 0.0  # devices with one offline window ...
    offline_within_secs: float = 86_400.0  # ... starting within this long after the start
    offline_duration_secs: float = 3_600.0  # ... lasting this long
    crashes_per_day: float = 0.0  # agent crashes per device and day (then a restart)
    failing_command_share: float = 0.0  # devices whose commands all fail
    failing_command_error: str = "command exited with status 1"
    hanging_command_share: float = 0.0  # devices whose commands hang until the timeout
    call_failure_rate: float = 0.0  # share of calls lost in transport (the retry path)
    silent_share: float = 0.0  # devices that connect and then never report anything
    degraded_share: float = 0.0  # devices reporting ``degraded`` health


class DeviceProfile(
    msgspec.Struct, rename="camel", kw_only=True, forbid_unknown_fields=True, frozen=True
):
    """How every device of a fleet behaves (the README's "Simulated devices" table)."""

    poll_interval_secs: float = 60.0
    system_info_interval_secs: float | None = 1_800.0
    system_info: bool = True
    commands_enabled: bool = True
    operations_enabled: bool = True
    report_retry_delays_secs: list[float] = msgspec.field(
        default_factory=lambda: [1.0, 2.0, 4.0, 8.0]
    )
    max_concurrent_commands: int = 4
    restart_delay_secs: float = 5.0
    connect_jitter_secs: float = 0.0
    pairing: bool = False
    health: HealthStatus = "healthy"
    events_per_hour: float = 0.0
    event_category: str | None = "simulated"
    event_severity: Severity = "Info"
    event_body: Any = msgspec.field(default_factory=lambda: {"message": "simulated event"})
    hostname_prefix: str = "sim-device"
    system_name: str = "Simulated Linux"
    system_version: str = "1.0.0"
    kernel: str = "6.6.0-simulated"
    arch: str = "aarch64"
    memory_total: int = 2_147_483_648
    commands: list[CommandBehaviour] = msgspec.field(default_factory=list)
    reactions: list[Reaction] = msgspec.field(default_factory=list)
    failures: Failures = msgspec.field(default_factory=Failures)


DEFAULT_PROFILE = DeviceProfile()


ProfileSource = DeviceProfile | dict[str, Any] | bytes | str | Path | None


def load_profile(source: ProfileSource) -> DeviceProfile:
    """A profile from itself, parsed JSON, JSON text or a path to a JSON file; ``None`` is the
    default. A bad profile raises ``msgspec.ValidationError`` naming the field."""
    if source is None:
        return DEFAULT_PROFILE
    if isinstance(source, DeviceProfile):
        return source
    if isinstance(source, dict):
        return msgspec.convert(source, DeviceProfile)
    if isinstance(source, str) and source.lstrip().startswith("{"):
        source = source.encode()
    if isinstance(source, str | Path):
        source = Path(source).read_bytes()
    return msgspec.json.decode(source, type=DeviceProfile)
