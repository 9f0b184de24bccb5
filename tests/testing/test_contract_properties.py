"""Properties of the whole hub, over generated call sequences and generated invalid input:
replays are byte-identical, snapshots round-trip at any point, invalid input changes nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nexigon_fake import ActionError, Credentials, Hub, create_app, strategies
from nexigon_fake.serve.transport import InProcessTransport
from tests.testing.contract_support import populated_hub, restoring, scaled

# Calls that make entities, drawn as often as all the others together, so that sequences
# grow something for the other calls to hit.
CREATING = (
    "projects_Create",
    "devices_Create",
    "devices_AddCertificate",
    "devices_RegisterConnection",
    "devices_SetProperty",
    "devices_PublishEvents",
    "projects_CreateDeploymentToken",
    "repositories_Create",
    "organizations_Create",
)
SEED = 11


def _steps(hub: Hub) -> st.SearchStrategy[tuple[str, Any]]:
    """Steps against ``hub``'s entities as they are when drawn: a call, or moving the clock."""
    calls = strategies.any_action(hub=hub, actions=CREATING) | strategies.any_action(hub=hub)
    return st.integers(1, 4000).map(lambda seconds: ("clock", seconds)) | calls


def _answer(hub: Hub, step: tuple[str, Any]) -> tuple[int, bytes]:
    """Run a step the way the wire does; the status and the exact bytes answered."""
    name, argument = step
    if name == "clock":
        hub.clock.advance(argument)
        return 0, hub.snapshot_json()
    body = httpx.Request("POST", "http://x", json=argument).read()
    answer = hub.invoke_json(name, body, Credentials(hub.admin_token))
    return (200 if answer.error is None else answer.error.status), answer.output_json


@scaled(3)
@given(data=st.data())
def test_a_replayed_sequence_answers_byte_identical(data: st.DataObject):
    """Both hubs start populated (one entity of each kind), the same way: calls hit them."""
    first, recorded = populated_hub(SEED), []
    assert first.snapshot_json() == populated_hub(SEED).snapshot_json()
    steps = _steps(first)
    for _ in range(data.draw(st.integers(1, 25), label="steps")):
        step = data.draw(steps)
        recorded.append((step, _answer(first, step)))
    replay = populated_hub(SEED)
    for step, answered in recorded:
        assert _answer(replay, step) == answered, step
    assert replay.snapshot_json() == first.snapshot_json()


@scaled(2)
@given(data=st.data())
def test_snapshot_restore_snapshot_is_identity_at_any_point(data: st.DataObject):
    hub = populated_hub(SEED)
    steps = _steps(hub)
    for _ in range(data.draw(st.integers(1, 15), label="steps")):
        saved = hub.snapshot()
        elsewhere = Hub(seed=data.draw(st.integers(0, 100), label="other seed"))
        elsewhere.restore(saved)
        assert elsewhere.snapshot() == saved
        hub.restore(saved)
        assert hub.snapshot() == saved
        step = data.draw(steps)
        assert _answer(elsewhere, step) == _answer(hub, step), step  # and both carry on alike


POPULATED = populated_hub()
BASELINE = POPULATED.snapshot_json()
APP_CLIENT = httpx.Client(
    transport=InProcessTransport(create_app(POPULATED)),
    base_url="http://hub.test",
    headers={"Authorization": f"Bearer {POPULATED.admin_token}"},
)


@pytest.fixture(scope="module", autouse=True)
def _close_app_client():
    yield
    APP_CLIENT.close()


@scaled(25)
@given(invalid=strategies.any_invalid_action(hub=POPULATED))
def test_invalid_input_is_400_and_changes_nothing_in_process(invalid: strategies.InvalidInput):
    with restoring(POPULATED, BASELINE):
        with pytest.raises(ActionError) as raised:
            POPULATED.invoke(invalid.action, invalid.payload)
        assert (raised.value.kind, raised.value.status) == ("Invalid", 400), (invalid, raised.value)
        assert POPULATED.snapshot_json() == BASELINE


@scaled(10)
@given(invalid=strategies.any_invalid_action(hub=POPULATED))
def test_invalid_input_is_400_and_changes_nothing_over_http(invalid: strategies.InvalidInput):
    with restoring(POPULATED, BASELINE):
        response = APP_CLIENT.post(f"/api/v1/actions/invoke/{invalid.action}", json=invalid.payload)
        assert response.status_code == 400, (invalid, response.text)
        assert response.json()["kind"] == "Invalid"
        assert POPULATED.snapshot_json() == BASELINE
