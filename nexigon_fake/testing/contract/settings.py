"""The contract machine's settings, bounds and the kinds of entity it aims at."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import msgspec.inspect as mi
from hypothesis import settings

from nexigon_fake.actions import ACTIONS
from nexigon_fake.testing import strategies
from nexigon_fake.testing.contract.model import ContractModel

PROFILE_ENV = "NEXIGON_CONTRACT_PROFILE"
# Sized for a client over HTTP, where a step costs a dozen requests; in-process runs can
# afford several times more examples.
settings.register_profile(
    "nexigon-contract-ci", max_examples=6, stateful_step_count=30, deadline=None, derandomize=True
)
settings.register_profile(
    "nexigon-contract-long", max_examples=100, stateful_step_count=50, deadline=None
)

ResponseCheck = Callable[[str, dict[str, Any]], None]
MAX_PROJECTS = 3
MAX_DEVICES = 6
MAX_CLOCK_STEP_SECS = 2000


def contract_settings(**overrides: Any) -> settings:
    """The profile ``$NEXIGON_CONTRACT_PROFILE`` names (``ci``, the default, or ``long``)."""
    name = os.environ.get(PROFILE_ENV, "ci")
    try:
        profile = settings.get_profile(f"nexigon-contract-{name}")
    except Exception:
        raise ValueError(f"{PROFILE_ENV}={name!r}: use `ci` or `long`") from None
    return settings(profile, **overrides)


def _probes() -> dict[str, list[tuple[str, str]]]:
    """For each id tag, the actions whose permission check resolves a field of that tag.

    Such an action must answer Forbidden 404 for a deleted entity, whatever else it gets.
    """
    found: dict[str, list[tuple[str, str]]] = {}
    for spec in ACTIONS.values():
        info = mi.type_info(spec.input_type)
        assert isinstance(info, mi.StructType)
        for f in info.fields:
            tagged = strategies.id_tag(f.type)
            if f.name == spec.rule.field and tagged is not None:
                found.setdefault(tagged[0], []).append((spec.name, f.encode_name))
    return found


PROBES = _probes()


@dataclass(frozen=True)
class EntityKind:
    """How rules aim at one kind of entity: the payload field naming it, the label of its draws
    in a failing example, its id tag (for probes), and the model's table of live ones."""

    field: str
    label: str
    tag: str
    live: Callable[[ContractModel], Mapping[str, object]]


PROJECT = EntityKind("projectId", "project", "p", lambda model: model.projects)
TOKEN = EntityKind("tokenId", "token", "deployment_id", lambda model: model.tokens)
DEVICE = EntityKind("deviceId", "device", "d", lambda model: model.devices)
CERTIFICATE = EntityKind("certificateId", "certificate", "d_c", lambda model: model.certificates)
