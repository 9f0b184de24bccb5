"""A device actor learns nothing of which ids exist elsewhere: another organization's entity
answers exactly as a missing one, on every action with a scope (issue 18, defect 6)."""

from __future__ import annotations

import functools
from typing import Any

import pytest
from hypothesis import Phase, given
from hypothesis import strategies as st

from nexigon_fake import ActionError, strategies
from nexigon_fake.actions import ACTIONS
from nexigon_fake.testing._builder import known_ids
from nexigon_fake.toolkit.journal import camel_case
from tests.serve.test_control_http import http_for
from tests.testing.contract_support import populated_hub, scaled

HUB = populated_hub()
OTHER_IDS = known_ids(HUB)  # everything so far is the other organization's
_organization = HUB.invoke(
    "organizations_Create", {"name": "devices-own", "requiresSubscription": False}
)["organizationId"]
_project = HUB.invoke("projects_Create", {"organizationId": _organization, "name": "own"})
_token = HUB.invoke(
    "projects_CreateDeploymentToken", {"projectId": _project["projectId"], "name": "line"}
)
DEVICE = {"token": _token["token"], "device_fingerprint": "d_sk_" + "b" * 44}
HUB.invoke("actor_GetActor", {}, **DEVICE)  # admitted once, before any comparison
SCOPED = sorted(name for name, spec in ACTIONS.items() if spec.rule.field is not None)


def missing_like(entity_id: str) -> str:
    """An id of the same format that names nothing."""
    for filler in "123456789":
        candidate = entity_id[:-6] + filler * 6
        if candidate != entity_id:
            return candidate
    raise AssertionError(entity_id)


def answer(action: str, payload: dict[str, Any]) -> tuple[int, str, str] | None:
    try:
        HUB.invoke(action, payload, **DEVICE)
    except ActionError as error:
        return error.status, error.kind, error.message
    return None


@functools.cache
def payloads(action: str) -> st.SearchStrategy[dict[str, Any]]:
    return strategies.action_input(action, ids=OTHER_IDS)


@pytest.mark.parametrize("action", SCOPED)
@scaled(1, phases=(Phase.explicit, Phase.generate))
@given(data=st.data())
def test_another_organizations_entity_answers_as_a_missing_one(
    action: str, data: st.DataObject
) -> None:
    field = camel_case(ACTIONS[action].rule.field or "")
    payload = data.draw(payloads(action))
    existing = payload[field]
    missing = missing_like(existing)
    baseline = HUB.snapshot_json()
    seen = answer(action, payload)
    unseen = answer(action, {**payload, field: missing})
    assert HUB.snapshot_json() == baseline
    assert seen is not None and unseen is not None, (seen, unseen)
    assert seen[:2] == unseen[:2], (seen, unseen)
    assert seen[2].replace(existing, "<id>") == unseen[2].replace(missing, "<id>")


def test_over_http_the_bodies_are_the_same() -> None:
    project_id = OTHER_IDS["p"][0]
    with http_for(HUB) as http:
        headers = {
            "Authorization": f"Bearer {DEVICE['token']}",
            "X-Device-Fingerprint": DEVICE["device_fingerprint"],
        }
        bodies = [
            http.post(
                "/api/v1/actions/invoke/projects_GetDetails",
                json={"projectId": project},
                headers=headers,
            )
            for project in (project_id, missing_like(project_id))
        ]
    assert [b.status_code for b in bodies] == [403, 403]
    assert bodies[0].json() == bodies[1].json()
