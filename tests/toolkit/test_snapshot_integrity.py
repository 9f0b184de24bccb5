"""Restore accepts only states the hub could have reached (issue 18, item 4), and a fuzzer:
every mutant of a valid snapshot is refused with a 400 naming the problem, or restores into
a hub that answers a random call sequence without a 5xx and snapshots back byte for byte."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, event, given
from hypothesis import strategies as st

from nexigon_fake import ActionError, Hub, strategies
from tests.serve.test_control_http import http_for
from tests.testing.contract_support import populated_hub, scaled

Snapshot = dict[str, Any]


@functools.cache
def base_hub() -> Hub:
    hub = populated_hub()
    other = hub.invoke("organizations_Create", {"name": "b", "requiresSubscription": False})
    hub.invoke("projects_Create", {"organizationId": other["organizationId"], "name": "p2"})
    for name in ("r2", "r3"):
        hub.invoke("repositories_Create", {"organizationId": other["organizationId"], "name": name})
    hub.create_organization_api_token(other["organizationId"])
    hub.create_user("Bob@Example.COM")
    return hub


def base() -> Snapshot:
    return copy.deepcopy(base_hub().snapshot())


def first(mapping: dict[str, Any]) -> str:
    return next(iter(mapping))


def shared_secret(s: Snapshot) -> None:
    s["user_tokens"][1]["secret"] = s["user_tokens"][0]["secret"]


def token_listed_twice(s: Snapshot) -> None:
    s["projects"][1]["token_ids"][first(s["projects"][0]["token_ids"])] = None


def repository_listed_twice(s: Snapshot) -> None:
    s["organizations"][1]["repository_ids"][first(s["organizations"][0]["repository_ids"])] = None


def api_token_listed_twice(s: Snapshot) -> None:
    s["organizations"][0]["api_token_ids"][first(s["organizations"][1]["api_token_ids"])] = None


def version_past_u64(s: Snapshot) -> None:
    for prop in s["devices"][0]["properties"].values():
        prop["version"] = 2**64


def emails_equal_case_folded(s: Snapshot) -> None:
    s["users"][-1]["email"] = s["users"][0]["email"].upper()


def repository_names_equal(s: Snapshot) -> None:
    s["repositories"][2]["name"] = s["repositories"][1]["name"]


def sequence_past_u64(s: Snapshot) -> None:
    s["devices"][0]["revision"] = 2**64


@pytest.mark.parametrize(
    ("mutate", "named"),
    [
        (shared_secret, "two tokens share a secret"),
        (token_listed_twice, "which belongs to another project_id"),
        (repository_listed_twice, "which belongs to another organization_id"),
        (api_token_listed_twice, "which belongs to another organization_id"),
        (version_past_u64, "beyond 2^64-1"),
        (emails_equal_case_folded, "e-mails are case-insensitive"),
        (repository_names_equal, "are named 'r2'"),
        (sequence_past_u64, "outside 0..2^64-1"),
    ],
)
def test_a_state_the_hub_could_not_reach_is_refused_with_a_400_naming_it(
    mutate: Callable[[Snapshot], None], named: str
) -> None:
    snapshot = base()
    mutate(snapshot)
    hub = Hub()
    before = hub.snapshot_json()
    with http_for(hub) as http:
        response = http.put("/_fake/state", json=snapshot)
    assert response.status_code == 400, response.text
    assert named in response.json()["message"]
    assert hub.snapshot_json() == before


def test_a_restored_hub_keeps_e_mails_unique_case_insensitively() -> None:
    hub = Hub()
    hub.restore(base())
    answer = hub.invoke("users_Create", {"email": "bob@example.com"})
    assert answer == {"result": "EmailAlreadyExists"}


# The fuzzer.

KEYS = (
    ["users", "user_tokens", "organizations", "organization_tokens", "projects",
     "deployment_tokens", "devices", "certificates", "connections", "repositories",
     "pairing_keys", "sequence", "admin_user_id", "admin_token", "default_organization_id"]
)  # fmt: skip
ODD_VALUES: st.SearchStrategy[Any] = st.sampled_from(
    [None, True, 0, -1, 2**63, 2**64, "", "x" * 300, [], {}, "d_" + "1" * 22, 1.5]
)


def _children(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return list(node)
    if isinstance(node, list):
        return list(range(len(node)))
    return []


@st.composite
def mutants(draw: st.DrawFn) -> Snapshot:
    snapshot = base()
    for _ in range(draw(st.integers(1, 3))):
        parent: Any = snapshot
        key: Any = draw(st.sampled_from([k for k in KEYS if k in snapshot]))
        while True:  # walk down a few levels at random
            child = parent[key]
            if not _children(child) or not draw(st.booleans()):
                break
            parent, key = child, draw(st.sampled_from(_children(child)))
        operation = draw(st.sampled_from(["duplicate", "swap", "drop", "retype", "enlarge"]))
        if operation == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        elif operation == "duplicate" and isinstance(parent, dict):
            other = draw(st.sampled_from(list(parent)))
            parent[other] = copy.deepcopy(parent[key])
        elif operation == "swap":
            other = draw(st.sampled_from(_children(parent)))
            parent[key], parent[other] = parent[other], parent[key]
        elif operation == "drop":
            del parent[key]
        elif operation == "retype":
            parent[key] = draw(ODD_VALUES)
        else:
            value = parent[key]
            if isinstance(value, bool) or not isinstance(value, int | str | list | dict):
                parent[key] = draw(ODD_VALUES)
            elif isinstance(value, int):
                parent[key] = 2**64 + value
            elif isinstance(value, str):
                parent[key] = value * 40
            elif isinstance(value, list) and value:
                value.extend(copy.deepcopy(value))
            elif isinstance(value, dict) and value:
                value[first(value)[:-1] + "Z"] = copy.deepcopy(value[first(value)])
    return snapshot


@scaled(40, phases=(Phase.explicit, Phase.generate), suppress_health_check=[HealthCheck.too_slow])
@given(mutant=mutants(), data=st.data())
def test_every_mutant_is_refused_or_restores_into_a_working_hub(
    mutant: Snapshot, data: st.DataObject
) -> None:
    hub = Hub()
    with http_for(hub) as http:
        response = http.put("/_fake/state", json=mutant)
        assert response.status_code in (200, 400), response.text
        event(f"restore answered {response.status_code}")
        if response.status_code == 400:
            assert response.json()["message"].startswith("Not a valid snapshot"), response.text
            return
        restored = hub.snapshot_json()
        calls = data.draw(st.lists(strategies.any_action(hub=hub), max_size=6))
        for action, payload in calls:
            try:
                hub.invoke(action, payload)
            except ActionError as error:
                assert error.status < 500, (action, payload, error)
        again = Hub()
        again.restore(restored)
        assert again.snapshot_json() == restored
        later = hub.snapshot_json()
        again.restore(later)
        assert again.snapshot_json() == later
